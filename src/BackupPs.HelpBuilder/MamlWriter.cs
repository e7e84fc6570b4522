using System.Xml.Linq;
using BackupPs.Core.Commands;

namespace BackupPs.HelpBuilder;

/// <summary>
/// Writes the cmdlets' help as MAML, the XML that Get-Help reads for a binary module (the layout
/// platyPS produces: details, description, syntax per parameter set, parameters, inputs, outputs,
/// notes, examples, related links).
/// </summary>
internal static class MamlWriter
{
    private static readonly XNamespace Msh = "http://msh";
    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    /// <summary>Where the README lies for an operator: next to BackupPs.psd1 in the repository and in the package.</summary>
    public const string ReadmeLink = "README.md in the module folder (next to BackupPs.psd1)";

    public static string Write(IReadOnlyList<CommandHelp> commands)
    {
        var root = new XElement(Msh + "helpItems", new XAttribute("schema", "maml"),
            commands.Select(c => Command_(c, commands)));
        var document = new XDocument(new XDeclaration("1.0", "utf-8", null),
            new XComment(" Generated at build by src/BackupPs.HelpBuilder from the options classes in src/BackupPs.Core; edit those, not this file. "),
            root);
        using var writer = new Utf8StringWriter();
        document.Save(writer);
        return writer.ToString();
    }

    private static XElement Command_(CommandHelp help, IReadOnlyList<CommandHelp> all) =>
        new(Command + "command",
            new XAttribute(XNamespace.Xmlns + "maml", Maml),
            new XAttribute(XNamespace.Xmlns + "command", Command),
            new XAttribute(XNamespace.Xmlns + "dev", Dev),
            new XElement(Command + "details",
                new XElement(Command + "name", help.Name),
                Paragraphs(Maml + "description", help.Command.Synopsis),
                new XElement(Command + "verb", help.Command.Verb),
                new XElement(Command + "noun", help.Command.Noun)),
            Paragraphs(Maml + "description", help.Command.Description),
            new XElement(Command + "syntax", help.ParameterSets.Select(set =>
                new XElement(Command + "syntaxItem",
                    new XElement(Maml + "name", help.Name),
                    help.SyntaxOf(set).Select(x => Parameter(x.Parameter, x.Binding.Mandatory, x.Binding.Position, forSyntax: true))))),
            new XElement(Command + "parameters",
                help.Parameters.Select(p => Parameter(p, p.Mandatory, p.Position, forSyntax: false))),
            new XElement(Command + "inputTypes", Inputs(help, all)),
            new XElement(Command + "returnValues", help.OutputTypeNames.Select(name =>
                new XElement(Command + "returnValue",
                    Type(name),
                    Paragraphs(Maml + "description", help.Command.OutputDescription)))),
            new XElement(Maml + "alertSet",
                new XElement(Maml + "alert",
                    Para($"The same command without pwsh, for cron and systemd timers: backupps {help.Command.CliName}, each parameter as a kebab-case option (-ComposeProject is --compose-project); 'backupps {help.Command.CliName} --help' lists them. Exit codes: 0 success, 1 the operation failed, 2 bad usage."),
                    help.Command.Aliases.Length == 0
                        ? null
                        : Para($"Also named {string.Join(", ", help.Command.Aliases)} (alias; in the CLI: {string.Join(", ", help.Command.CliAliases.Select(a => "backupps " + a))})."))),
            new XElement(Command + "examples", help.Examples.Select((e, i) =>
                new XElement(Command + "example",
                    new XElement(Maml + "title", $"--------- Example {i + 1}: {e.Title} ---------"),
                    new XElement(Dev + "code", e.Code.Trim()),
                    // The empty paragraph keeps a blank line before the next example's title.
                    new XElement(Dev + "remarks", HelpText.Paragraphs(e.Remarks).Append("").Select(Para))))),
            new XElement(Command + "relatedLinks",
                all.Where(c => c != help).Select(c => Link(c.Name)),
                Link(AboutTopic.Name),
                Link(ReadmeLink)));

    private static XElement Parameter(ParameterHelp p, bool mandatory, int? position, bool forSyntax)
    {
        var element = new XElement(Command + "parameter",
            new XAttribute("required", Lower(mandatory)),
            new XAttribute("variableLength", Lower(p.Type.IsArray)),
            new XAttribute("globbing", Lower(p.Wildcards)),
            new XAttribute("pipelineInput", p.PipelineInput),
            new XAttribute("position", position?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "named"),
            new XAttribute("aliases", p.Aliases.Count == 0 ? "none" : string.Join(", ", p.Aliases)),
            new XElement(Maml + "name", p.Name),
            Paragraphs(Maml + "description", p.Description));

        if (forSyntax && p.ValidValues.Count > 0)
        {
            // Shown by Get-Help as -Format {Custom | Plain}.
            element.Add(new XElement(Command + "parameterValueGroup", p.ValidValues.Select(v =>
                new XElement(Command + "parameterValue", new XAttribute("required", "false"), new XAttribute("variableLength", "false"), v))));
        }
        else if (!p.IsSwitch)
        {
            element.Add(new XElement(Command + "parameterValue",
                new XAttribute("required", "true"), new XAttribute("variableLength", Lower(p.Type.IsArray)), p.TypeName));
        }

        element.Add(Type(p.TypeName));
        element.Add(new XElement(Dev + "defaultValue", p.DefaultValue ?? (p.IsSwitch ? "False" : "None")));
        return element;
    }

    /// <summary>
    /// What can be piped in: the type of each parameter bound by value, and, for parameters bound by
    /// property name, the other cmdlets' output types that carry such properties (their records pipe in).
    /// </summary>
    private static IEnumerable<XElement> Inputs(CommandHelp help, IReadOnlyList<CommandHelp> all)
    {
        var inputs = new List<XElement>();
        foreach (var p in help.Parameters.Where(p => p.Bindings.Any(b => b.ByValue)))
        {
            inputs.Add(Input(StableTypeName.ForHelp(p.Type), $"A {p.TypeName} piped in binds to -{p.Name}."));
        }

        var byName = help.Parameters.Where(p => p.Bindings.Any(b => b.ByPropertyName)).ToArray();
        foreach (var producer in all.GroupBy(c => c.OutputType))
        {
            var properties = producer.Key.GetProperties().Select(q => q.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var bound = byName.Where(p => properties.Contains(p.Name) || p.Aliases.Any(properties.Contains)).Select(p => "-" + p.Name).ToArray();
            if (bound.Length > 0)
            {
                inputs.Add(Input(producer.First().OutputTypeNames[0],
                    $"Output of {string.Join(" and ", producer.Select(c => c.Name))}: its properties bind to {string.Join(", ", bound)} by name."));
            }
        }

        if (byName.Length > 0)
        {
            inputs.Add(Input("System.Management.Automation.PSObject",
                $"Any object with properties named like these parameters: {string.Join(", ", byName.Select(p => p.Name))}."));
        }

        return inputs.Count > 0 ? inputs : [Input("None", "Nothing is taken from the pipeline.")];
    }

    private static XElement Input(string type, string description) =>
        new(Command + "inputType", Type(type), new XElement(Maml + "description", Para(description)));

    private static XElement Type(string name) =>
        new(Dev + "type", new XElement(Maml + "name", name), new XElement(Maml + "uri"));

    private static XElement Link(string text) =>
        new(Maml + "navigationLink", new XElement(Maml + "linkText", text), new XElement(Maml + "uri"));

    private static XElement Paragraphs(XName name, string text) =>
        new(name, HelpText.Paragraphs(text).Select(Para));

    private static XElement Para(string text) => new(Maml + "para", text);

    private static string Lower(bool value) => value ? "true" : "false";

    /// <summary>A StringWriter that makes XDocument declare UTF-8, the encoding the file is written in.</summary>
    private sealed class Utf8StringWriter : StringWriter
    {
        public override System.Text.Encoding Encoding => new System.Text.UTF8Encoding(false);
    }
}
