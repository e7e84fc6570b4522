using System.Text;
using BackupPs.Core.Commands;

namespace BackupPs.Cli;

/// <summary>
/// `backupps --help` and `backupps &lt;verb&gt; --help`: the same text Get-Help shows (synopsis,
/// description, each option's help, examples), read from the same options classes, with parameter
/// names spelled the CLI's way (-ComposeProject → --compose-project) and the examples' CLI forms.
/// </summary>
internal static class CliHelp
{
    /// <summary>Terminal width the text is wrapped to.</summary>
    private const int Width = 80;

    public static string Write(CommandSpec? command) => command is null ? Overview() : ForCommand(command);

    private static string Overview()
    {
        var text = new StringBuilder();
        text.AppendLine("usage: backupps <command> [options] [--json] [--verbose] [--force] [--what-if]");
        text.AppendLine();
        foreach (var c in CommandLine.Commands)
        {
            text.AppendLine($"  {c.Attribute.CliName,-18} {c.Attribute.Synopsis}");
            foreach (var alias in c.Attribute.CliAliases)
            {
                text.AppendLine($"  {alias,-18} The same as {c.Attribute.CliName}.");
            }
        }

        text.AppendLine();
        text.AppendLine("Exit codes: 0 success, 1 the operation failed, 2 bad usage. 'backupps <command> --help' lists its options.");
        return text.ToString();
    }

    private static string ForCommand(CommandSpec command)
    {
        var attribute = command.Attribute;
        var positional = command.Options.Where(o => o.Attribute.Position >= 0).OrderBy(o => o.Attribute.Position)
            .Select(o => o.Attribute.Mandatory ? $"<{o.CliName}>" : $"[<{o.CliName}>]");
        var text = new StringBuilder();
        text.AppendLine($"usage: backupps {attribute.CliName} {string.Join("", positional.Select(p => p + " "))}[options]");
        if (attribute.Aliases.Length > 0)
        {
            text.AppendLine($"       (also: {string.Join(", ", attribute.CliAliases.Select(a => "backupps " + a))})");
        }

        Paragraphs(text, attribute.Synopsis, "");
        Paragraphs(text, attribute.Description, "");

        text.AppendLine("Options:");
        foreach (var o in command.Options)
        {
            var type = Nullable.GetUnderlyingType(o.Property.PropertyType) ?? o.Property.PropertyType;
            var value = o.IsSwitch ? "" : type == typeof(DatabaseCredential) ? " <user>" : $" <{(type.IsArray ? type.GetElementType()!.Name + ",..." : type.Name)}>";
            var tags = new List<string>();
            if (type == typeof(DatabaseCredential))
            {
                tags.Add($"the password from the {CommandLine.PasswordVariable} environment variable");
            }

            if (o.Attribute.Mandatory)
            {
                tags.Add("required" + (o.Attribute.ParameterSet is null ? "" : " with " + o.Attribute.ParameterSet));
            }

            if (o.Attribute.Position >= 0)
            {
                tags.Add($"or argument {o.Attribute.Position + 1}");
            }

            var element = type.IsArray ? type.GetElementType()! : type;
            if (element.IsEnum)
            {
                tags.Add("one of " + string.Join(", ", o.AcceptedNames(element)));
            }

            var header = $"--{o.CliName}{value}{(tags.Count == 0 ? "" : $" ({string.Join("; ", tags)})")}";
            foreach (var (line, index) in HelpText.Wrap(header, Width - 6).Select((line, index) => (line, index)))
            {
                text.AppendLine((index == 0 ? "  " : "      ") + line);
            }

            Paragraphs(text, o.Attribute.Help, "      ");
        }

        text.AppendLine("  --json, --verbose, --what-if, --force, --help");
        Paragraphs(text, "Every command: output as JSON lines, verbose messages, show the plan only, answer yes to confirmations (needed without a terminal), this help.", "      ");

        var examples = command.OptionsType.GetCustomAttributes(typeof(ExampleAttribute), false).Cast<ExampleAttribute>().Where(e => e.CliLines.Count > 0).ToArray();
        if (examples.Length > 0)
        {
            text.AppendLine("Examples:");
            foreach (var example in examples)
            {
                text.AppendLine($"  {example.CliTitle ?? example.Title}:");
                foreach (var line in example.CliLines)
                {
                    text.AppendLine($"    {line}");
                }

                Paragraphs(text, example.Remarks, "    ");
            }
        }

        Paragraphs(text, $"In pwsh: Get-Help {attribute.Verb}-{attribute.Noun} -Full. The whole module: Get-Help about_BackupPs, and README.md.", "");
        return text.ToString().TrimEnd('\n') + "\n";
    }

    /// <summary>Each paragraph of <paramref name="source"/>, in the CLI's spelling, wrapped and followed by a blank line.</summary>
    private static void Paragraphs(StringBuilder text, string source, string indent)
    {
        foreach (var paragraph in HelpText.Paragraphs(CliTerms.Options(source)))
        {
            var lines = HelpText.IsVerbatim(paragraph) ? [paragraph] : HelpText.Wrap(paragraph, Width - indent.Length);
            foreach (var line in lines)
            {
                text.Append(indent).AppendLine(line);
            }

            text.AppendLine();
        }
    }
}
