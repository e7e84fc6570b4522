using System.Collections;
using System.Management.Automation;
using System.Reflection;
using BackupPs.Core.Commands;

namespace BackupPs.HelpBuilder;

/// <summary>
/// Everything Get-Help shows for one cmdlet. The texts come from the core's options class (the one
/// definition: <see cref="CommandAttribute"/>, <see cref="OptionAttribute"/>, <see cref="ExampleAttribute"/>);
/// the parameter metadata (types, sets, positions, pipeline binding, aliases, wildcards) comes from
/// the built cmdlet itself, so whatever the generator or a hand-written parameter adds is documented
/// as pwsh really binds it.
/// </summary>
internal sealed record CommandHelp(
    string Name,
    CommandAttribute Command,
    IReadOnlyList<ExampleAttribute> Examples,
    IReadOnlyList<ParameterHelp> Parameters,
    IReadOnlyList<string> ParameterSets,
    IReadOnlyList<string> OutputTypeNames)
{
    /// <summary>The .NET type of the objects the command emits (their properties are what pipes on).</summary>
    public Type OutputType => Command.OutputType;

    /// <summary>The parameter set pwsh's syntax lists for parameters that name none.</summary>
    public const string AllSets = "__AllParameterSets";

    /// <summary>Reads every cmdlet of the module assembly at <paramref name="modulePath"/>, sorted by name.</summary>
    public static IReadOnlyList<CommandHelp> Load(string modulePath)
    {
        // The core is loaded first, from this tool's folder, so the cmdlet assembly binds to the
        // same CommandAttribute type the definitions are matched with.
        var definitions = typeof(CommandAttribute).Assembly.GetTypes()
            .Select(t => (Type: t, Command: t.GetCustomAttribute<CommandAttribute>()))
            .Where(x => x.Command is not null)
            .ToDictionary(x => $"{x.Command!.Verb}-{x.Command.Noun}", x => (x.Type, Command: x.Command!), StringComparer.OrdinalIgnoreCase);

        var module = Assembly.LoadFrom(modulePath);
        return module.GetTypes()
            .Where(t => !t.IsAbstract && t.IsSubclassOf(typeof(PSCmdlet)))
            .Select(t => Create(t, definitions))
            .OrderBy(c => c.Name, StringComparer.Ordinal)
            .ToArray();
    }

    private static CommandHelp Create(Type cmdlet, Dictionary<string, (Type Options, CommandAttribute Command)> definitions)
    {
        var attribute = Attribute(cmdlet, typeof(CmdletAttribute))
            ?? throw new InvalidOperationException($"{cmdlet} has no [Cmdlet] attribute.");
        var name = $"{attribute.ConstructorArguments[0].Value}-{attribute.ConstructorArguments[1].Value}";
        if (!definitions.TryGetValue(name, out var definition))
        {
            throw new InvalidOperationException($"{name} has no options class with [Command] in BackupPs.Core; its help would have no text.");
        }

        var defaults = Activator.CreateInstance(definition.Options);
        var parameters = cmdlet.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => ParameterHelp.FromProperty(p, definition.Options.GetProperty(p.Name), defaults))
            .OfType<ParameterHelp>()
            .ToList();

        if (Named(attribute, nameof(CmdletAttribute.SupportsShouldProcess)) is true)
        {
            parameters.AddRange(ParameterHelp.ShouldProcessParameters());
        }

        var defaultSet = Named(attribute, nameof(CmdletAttribute.DefaultParameterSetName)) as string;
        var sets = parameters.SelectMany(p => p.Bindings).Select(b => b.Set).Where(s => s != AllSets).Distinct()
            .OrderBy(s => s == defaultSet ? 0 : 1)
            .ToArray();

        // The PSTypeName strings the [OutputType]s declare, in order; the typed [OutputType] next to each is there
        // for pipeline property completion and would show an internal namespace (BackupPs.Core.Catalog.BackupRecord).
        var outputTypeNames = cmdlet.GetCustomAttributesData()
            .Where(a => a.AttributeType == typeof(OutputTypeAttribute))
            .SelectMany(a => (IEnumerable<CustomAttributeTypedArgument>)a.ConstructorArguments[0].Value!)
            .Select(a => a.Value as string)
            .OfType<string>()
            .DefaultIfEmpty(StableTypeName.ForHelp(definition.Command.OutputType))
            .ToArray();

        return new CommandHelp(
            name,
            definition.Command,
            definition.Options.GetCustomAttributes<ExampleAttribute>().ToArray(),
            parameters,
            sets.Length == 0 ? [AllSets] : sets,
            outputTypeNames);
    }

    /// <summary>The parameters of one syntax line: positional ones first, by position, then the rest in declaration order.</summary>
    public IEnumerable<(ParameterHelp Parameter, ParameterBinding Binding)> SyntaxOf(string set) =>
        Parameters
            .Select(p => (Parameter: p, Binding: p.Bindings.FirstOrDefault(b => b.Set == set) ?? p.Bindings.FirstOrDefault(b => b.Set == AllSets)))
            .Where(x => x.Binding is not null)
            .Select(x => (x.Parameter, x.Binding!))
            .OrderBy(x => x.Item2.Position ?? int.MaxValue);

    internal static CustomAttributeData? Attribute(MemberInfo member, Type type) =>
        member.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType == type);

    internal static object? Named(CustomAttributeData attribute, string name) =>
        attribute.NamedArguments.FirstOrDefault(a => a.MemberName == name).TypedValue.Value;

    internal static IEnumerable<string> StringArguments(CustomAttributeData attribute) =>
        attribute.ConstructorArguments.SelectMany(a => a.Value is IEnumerable<CustomAttributeTypedArgument> many
            ? many.Select(m => m.Value?.ToString() ?? "")
            : [a.Value?.ToString() ?? ""]);
}

/// <summary>How a parameter binds in one parameter set.</summary>
internal sealed record ParameterBinding(string Set, bool Mandatory, int? Position, bool ByValue, bool ByPropertyName);

/// <summary>One parameter as Get-Help -Parameter shows it.</summary>
internal sealed record ParameterHelp(
    string Name,
    Type Type,
    string Description,
    IReadOnlyList<ParameterBinding> Bindings,
    IReadOnlyList<string> Aliases,
    bool Wildcards,
    IReadOnlyList<string> ValidValues,
    string? DefaultValue)
{
    public bool IsSwitch => Type == typeof(SwitchParameter);

    public bool Mandatory => Bindings.All(b => b.Mandatory);

    public int? Position => Bindings.Select(b => b.Position).FirstOrDefault(p => p is not null);

    /// <summary>"True (ByValue, ByPropertyName)" or "False", as Get-Help prints it.</summary>
    public string PipelineInput
    {
        get
        {
            var kinds = new List<string>();
            if (Bindings.Any(b => b.ByValue))
            {
                kinds.Add("ByValue");
            }

            if (Bindings.Any(b => b.ByPropertyName))
            {
                kinds.Add("ByPropertyName");
            }

            return kinds.Count == 0 ? "False" : $"True ({string.Join(", ", kinds)})";
        }
    }

    /// <summary>The type's name as pwsh users write it: String, Int32, String[], SwitchParameter.</summary>
    public string TypeName => FriendlyName(Type);

    public static ParameterHelp? FromProperty(PropertyInfo property, PropertyInfo? option, object? defaults)
    {
        var bindings = property.GetCustomAttributesData()
            .Where(a => a.AttributeType == typeof(ParameterAttribute))
            .Select(a => new ParameterBinding(
                CommandHelp.Named(a, nameof(ParameterAttribute.ParameterSetName)) as string ?? CommandHelp.AllSets,
                CommandHelp.Named(a, nameof(ParameterAttribute.Mandatory)) is true,
                CommandHelp.Named(a, nameof(ParameterAttribute.Position)) is int p && p >= 0 ? p : null,
                CommandHelp.Named(a, nameof(ParameterAttribute.ValueFromPipeline)) is true,
                CommandHelp.Named(a, nameof(ParameterAttribute.ValueFromPipelineByPropertyName)) is true))
            .ToArray();
        if (bindings.Length == 0)
        {
            return null;
        }

        // The text is the option's Help; a parameter the cmdlet adds on its own (no option behind it)
        // documents itself with HelpMessage.
        var description = option?.GetCustomAttribute<OptionAttribute>()?.Help is { Length: > 0 } help
            ? help
            : property.GetCustomAttributesData()
                .Where(a => a.AttributeType == typeof(ParameterAttribute))
                .Select(a => CommandHelp.Named(a, nameof(ParameterAttribute.HelpMessage)) as string)
                .FirstOrDefault(h => !string.IsNullOrEmpty(h)) ?? "";

        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        var element = type.IsArray ? type.GetElementType()! : type;
        var validValues = CommandHelp.Attribute(property, typeof(ValidateSetAttribute)) is { } validateSet
            ? CommandHelp.StringArguments(validateSet).ToArray()
            : element.IsEnum ? Enum.GetNames(element) : [];

        return new ParameterHelp(
            property.Name,
            type,
            description,
            bindings,
            CommandHelp.Attribute(property, typeof(AliasAttribute)) is { } alias ? CommandHelp.StringArguments(alias).ToArray() : [],
            CommandHelp.Attribute(property, typeof(SupportsWildcardsAttribute)) is not null,
            validValues,
            DefaultOf(option, defaults));
    }

    /// <summary>-WhatIf and -Confirm, which SupportsShouldProcess adds to a cmdlet.</summary>
    public static IEnumerable<ParameterHelp> ShouldProcessParameters()
    {
        var binding = new ParameterBinding(CommandHelp.AllSets, Mandatory: false, Position: null, ByValue: false, ByPropertyName: false);
        yield return new ParameterHelp("WhatIf", typeof(SwitchParameter),
            "Shows what the command would do, in full, without changing anything.",
            [binding], ["wi"], false, [], null);
        yield return new ParameterHelp("Confirm", typeof(SwitchParameter),
            "Asks for confirmation before each change. -Confirm:$false skips the question that a high impact asks by default.",
            [binding], ["cf"], false, [], null);
    }

    /// <summary>The value an options object starts with, when it is one worth showing (not null, false or empty).</summary>
    private static string? DefaultOf(PropertyInfo? option, object? defaults)
    {
        var value = option is null || defaults is null ? null : option.GetValue(defaults);
        return value switch
        {
            null or false => null,
            string s when s.Length == 0 => null,
            IEnumerable e and not string when !e.Cast<object>().Any() => null,
            IEnumerable e and not string => string.Join(", ", e.Cast<object>()),
            _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    private static string FriendlyName(Type type) =>
        type.IsArray ? FriendlyName(type.GetElementType()!) + "[]" : type.Name;
}
