using System.Globalization;
using System.Reflection;
using BackupPs.Core.Catalog;
using BackupPs.Core.Commands;
using BackupPs.Core.Errors;

namespace BackupPs.Cli;

/// <summary>
/// Binds `backupps &lt;verb&gt; --kebab-option value ...` onto the same options classes the cmdlets
/// are generated from: one definition per command, read here by reflection.
/// </summary>
internal sealed class CommandLine
{
    /// <summary>Environment variable holding the password for --credential (never on the command line).</summary>
    public const string PasswordVariable = "BACKUPPS_PASSWORD";

    private CommandLine(CommandSpec command, object options, GlobalFlags flags)
    {
        Command = command;
        Options = options;
        Flags = flags;
    }

    public CommandSpec Command { get; }

    public object Options { get; }

    public GlobalFlags Flags { get; }

    public static IReadOnlyList<CommandSpec> Commands { get; } = typeof(CommandAttribute).Assembly.GetTypes()
        .Select(t => (Type: t, Attribute: t.GetCustomAttribute<CommandAttribute>()))
        .Where(x => x.Attribute is not null)
        .Select(x => new CommandSpec(x.Attribute!, x.Type))
        .OrderBy(c => c.Attribute.CliName, StringComparer.Ordinal)
        .ToArray();

    /// <summary>Parses argv; throws <see cref="UsageException"/> with a one-line message on bad usage.</summary>
    public static CommandLine Parse(IReadOnlyList<string> args, Func<string, string?> getEnvironment)
    {
        if (args.Count == 0)
        {
            throw new UsageException("No command given; run 'backupps --help' for the list.");
        }

        var command = Commands.FirstOrDefault(c => c.Attribute.CliNames.Contains(args[0], StringComparer.OrdinalIgnoreCase))
            ?? throw new UsageException($"Unknown command '{args[0]}'; run 'backupps --help' for the list.");

        var options = Activator.CreateInstance(command.OptionsType)!;
        var flags = new GlobalFlags();
        var given = new HashSet<OptionSpec>();
        var positional = 0;
        for (var i = 1; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                // A list of paths at a position takes every later positional argument too (the shell expands wildcards).
                var byPosition = command.Options.FirstOrDefault(o => o.Attribute.Position == positional && (!given.Contains(o) || o.IsPathList))
                    ?? throw new UsageException($"Unexpected argument '{arg}' for {command.Attribute.CliName}.");
                positional += byPosition.IsPathList ? 0 : 1;
                Set(byPosition, arg);
                continue;
            }

            var name = arg[2..];
            if (flags.TrySet(name))
            {
                continue;
            }

            var option = command.Options.FirstOrDefault(o => o.CliName == name)
                ?? throw new UsageException($"Unknown option '--{name}' for {command.Attribute.CliName}; run 'backupps {command.Attribute.CliName} --help'.");
            if (option.IsSwitch)
            {
                Set(option, "true");
            }
            else if (i + 1 < args.Count)
            {
                Set(option, args[++i]);
            }
            else
            {
                throw new UsageException($"Option '--{name}' needs a value.");
            }
        }

        if (!flags.Help)
        {
            CheckParameterSet(command, given);
        }

        return new CommandLine(command, options, flags);

        void Set(OptionSpec option, string text)
        {
            if (option.IsPathList)
            {
                // Paths may contain commas: each value is one path, and the option may be given again.
                Validate(option, text);
                var paths = given.Add(option) ? [] : (string[])option.Property.GetValue(options)!;
                option.Property.SetValue(options, paths.Append(text).ToArray());
                return;
            }

            // A list option may be given again (--exclude a --exclude b): its values add up, as a path list's do.
            var again = !given.Add(option);
            if (again && !option.Property.PropertyType.IsArray)
            {
                throw new UsageException($"Option '--{option.CliName}' is given twice.");
            }

            var value = Convert(option, text, getEnvironment);
            foreach (var item in value is Array array ? array.Cast<object?>() : [value])
            {
                Validate(option, item);
            }

            if (again && value is Array more && option.Property.GetValue(options) is Array earlier)
            {
                var all = Array.CreateInstance(more.GetType().GetElementType()!, earlier.Length + more.Length);
                earlier.CopyTo(all, 0);
                more.CopyTo(all, earlier.Length);
                value = all;
            }

            option.Property.SetValue(options, value);
        }
    }

    /// <summary>
    /// The rules the cmdlet's validation attributes enforce, from the same OptionAttribute data (see the generator's
    /// ValidationAttributes): no empty strings unless allowed, the range of a number, the core's name rules.
    /// </summary>
    private static void Validate(OptionSpec option, object? value)
    {
        const string validation = "ParameterArgumentValidationError";
        var attribute = option.Attribute;
        switch (value)
        {
            case string text when text.Length == 0 && !attribute.AllowEmpty:
                throw new UsageException($"--{option.CliName} must not be empty.", validation);
            case string text when attribute.IsAnyPath || attribute.Rule != OptionRule.None:
                try
                {
                    // A blank path is no name (the core's rule), before "   " could become a folder of that name.
                    if (attribute.IsAnyPath)
                    {
                        _ = BackupPaths.NotBlank(text, "--" + option.CliName);
                    }

                    OptionRules.Check(attribute.Rule, text, "--" + option.CliName);
                }
                catch (BackupPsException e)
                {
                    throw new UsageException(e.Message, e.ErrorId);
                }

                break;
            case int number when attribute.HasRange && (number < attribute.Minimum || number > attribute.Maximum):
                throw new UsageException($"--{option.CliName} must be from {attribute.Minimum} to {attribute.Maximum}, not {number}.", validation);
        }
    }

    private static void CheckParameterSet(CommandSpec command, HashSet<OptionSpec> given)
    {
        // The cmdlet has these options only in the parameter sets where the switch they require is mandatory.
        foreach (var option in given.Where(o => o.Attribute.Requires is not null))
        {
            if (!given.Any(o => o.Property.Name == option.Attribute.Requires))
            {
                throw new UsageException($"--{option.CliName} only works with --{OptionSpec.Kebab(option.Attribute.Requires!)}; add it or leave --{option.CliName} out.", "MissingMandatoryParameter");
            }
        }

        foreach (var option in given.Where(o => o.Attribute.Excludes is not null))
        {
            if (given.Any(o => o.Property.Name == option.Attribute.Excludes))
            {
                throw new UsageException($"--{option.CliName} cannot be used with --{OptionSpec.Kebab(option.Attribute.Excludes!)}, which makes it meaningless; leave one out.", "AmbiguousParameterSet");
            }
        }

        var sets = command.Options.Select(o => o.Attribute.ParameterSet).Where(s => s is not null).Distinct().ToArray();
        var chosen = given.Select(o => o.Attribute.ParameterSet).Where(s => s is not null).Distinct().ToArray();
        if (chosen.Length > 1)
        {
            throw new UsageException($"The options {string.Join(" and ", chosen.Select(s => OptionsOf(command, s)))} cannot be used together.", "AmbiguousParameterSet");
        }

        var set = chosen.FirstOrDefault() ?? command.Attribute.DefaultParameterSet ?? sets.FirstOrDefault();
        var missing = command.Options
            .Where(o => o.Attribute.Mandatory && (o.Attribute.ParameterSet is null || o.Attribute.ParameterSet == set) && !given.Contains(o))
            .Select(o => "--" + o.CliName)
            .ToArray();
        if (missing.Length > 0)
        {
            var alternatives = sets.Length > 1 && chosen.Length == 0
                ? " (or " + string.Join(" or ", sets.Where(s => s != set).Select(s => OptionsOf(command, s))) + ")"
                : "";
            throw new UsageException($"The command {command.Attribute.CliName} needs {string.Join(", ", missing)}{alternatives}.");
        }
    }

    private static string OptionsOf(CommandSpec command, string? set) =>
        string.Join("/", command.Options.Where(o => o.Attribute.ParameterSet == set).Select(o => "--" + o.CliName));

    private static object? Convert(OptionSpec option, string text, Func<string, string?> getEnvironment)
    {
        var type = Nullable.GetUnderlyingType(option.Property.PropertyType) ?? option.Property.PropertyType;
        if (type.IsArray)
        {
            // A list option takes comma-separated values: --accept-error MissingRole,NotOwner
            var element = type.GetElementType()!;
            var values = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var array = Array.CreateInstance(element, values.Length);
            for (var i = 0; i < values.Length; i++)
            {
                array.SetValue(Convert(option, element, values[i], getEnvironment), i);
            }

            return array;
        }

        return Convert(option, type, text, getEnvironment);
    }

    private static object? Convert(OptionSpec option, Type type, string text, Func<string, string?> getEnvironment)
    {
        try
        {
            if (type == typeof(string))
            {
                return text;
            }

            if (type == typeof(bool))
            {
                return bool.Parse(text);
            }

            if (type.IsEnum)
            {
                var allowed = option.AcceptedNames(type);
                if (Enum.TryParse(type, text, ignoreCase: true, out var value) && Enum.IsDefined(type, value!) && allowed.Contains(value!.ToString()))
                {
                    return value;
                }

                throw new UsageException($"'{text}' is not a valid value for --{option.CliName}; use one of {string.Join(", ", allowed)}.", "ParameterArgumentValidationError");
            }

            if (type == typeof(int))
            {
                return int.Parse(text, CultureInfo.InvariantCulture);
            }

            if (type == typeof(DateTimeOffset))
            {
                return DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            }

            if (type == typeof(DatabaseCredential))
            {
                var password = getEnvironment(PasswordVariable)
                    ?? throw new UsageException($"--{option.CliName} {text} needs the password in the {PasswordVariable} environment variable (passwords are never taken on the command line).");
                return new DatabaseCredential(text, password);
            }
        }
        catch (FormatException)
        {
            throw new UsageException($"'{text}' is not a valid value for --{option.CliName} ({type.Name}).");
        }

        throw new InvalidOperationException($"Option type {type} of {option.Property.Name} has no CLI conversion; add one to CommandLine.Convert.");
    }
}

internal sealed record CommandSpec(CommandAttribute Attribute, Type OptionsType)
{
    public IReadOnlyList<OptionSpec> Options { get; } = OptionsType.GetProperties()
        .Select(p => (Property: p, Attribute: p.GetCustomAttribute<OptionAttribute>()))
        .Where(x => x.Attribute is not null)
        .Select(x => new OptionSpec(x.Property, x.Attribute!))
        .ToArray();
}

internal sealed record OptionSpec(PropertyInfo Property, OptionAttribute Attribute)
{
    public string CliName { get; } = Kebab(Property.Name);

    public bool IsSwitch => Property.PropertyType == typeof(bool);

    /// <summary>
    /// A path option that takes several paths (string[]: backups, or what is backed up): given once per path, positionally
    /// or with --path/--source-path; a path may contain commas.
    /// </summary>
    public bool IsPathList => (Attribute.IsPath || Attribute.IsSourcePath) && Property.PropertyType == typeof(string[]);

    /// <summary>The values an enum option accepts: its members less ExcludedValues (the cmdlet's ValidateSet), for parsing and help alike.</summary>
    public string[] AcceptedNames(Type enumType) => Enum.GetNames(enumType).Except(Attribute.ExcludedValues).ToArray();

    /// <summary>ComposeProject → compose-project.</summary>
    public static string Kebab(string name) => CommandAttribute.Kebab(name);
}

/// <summary>Flags every command accepts: the CLI's counterparts of pwsh's common parameters.</summary>
internal sealed class GlobalFlags
{
    public bool Json { get; private set; }

    public bool Verbose { get; private set; }

    /// <summary>Answers "yes" to confirmations of destructive steps when there is no terminal to ask on.</summary>
    public bool Force { get; private set; }

    public bool WhatIf { get; private set; }

    public bool Help { get; private set; }

    public bool TrySet(string name)
    {
        switch (name)
        {
            case "json": Json = true; return true;
            case "verbose": Verbose = true; return true;
            case "force": Force = true; return true;
            case "what-if": WhatIf = true; return true;
            case "help": Help = true; return true;
            default: return false;
        }
    }
}

/// <summary>Bad usage: one line, exit code 2.</summary>
/// <param name="errorId">The id pwsh gives the same refusal (ParameterArgumentValidationError) or the core's rule's own id, when there is one.</param>
internal sealed class UsageException(string message, string? errorId = null) : Exception(message)
{
    public string? ErrorId { get; } = errorId;
}
