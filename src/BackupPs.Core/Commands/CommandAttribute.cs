namespace BackupPs.Core.Commands;

/// <summary>
/// Declares a BackupPs command. The options class carrying this attribute is the ONE definition of
/// the command: the source generator in src/BackupPs.Generators turns it into a cmdlet's
/// [Cmdlet]/[OutputType]/[Parameter] surface, and the CLI binds its kebab-case options to the same
/// properties by reflection. Add a parameter here and both front ends get it.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class CommandAttribute : Attribute
{
    public CommandAttribute(string verb, string noun, Type outputType, Type handlerType)
    {
        Verb = verb;
        Noun = noun;
        OutputType = outputType;
        HandlerType = handlerType;
    }

    /// <summary>An approved PowerShell verb (Backup, Restore, Test, Get, Export, Remove...).</summary>
    public string Verb { get; }

    public string Noun { get; }

    /// <summary>The type of the objects the command emits ([OutputType], JSON lines in the CLI).</summary>
    public Type OutputType { get; }

    /// <summary>A class implementing <see cref="ICommandHandler{TOptions}"/> with a parameterless constructor.</summary>
    public Type HandlerType { get; }

    /// <summary>Whether and how much the command changes state: drives SupportsShouldProcess/ConfirmImpact.</summary>
    public CommandImpact Impact { get; init; } = CommandImpact.None;

    public string? DefaultParameterSet { get; init; }

    /// <summary>One-line synopsis: Get-Help's SYNOPSIS and the first line of `backupps &lt;verb&gt; --help`.</summary>
    public string Synopsis { get; init; } = "";

    /// <summary>
    /// What the command does, in paragraphs separated by a blank line: Get-Help's DESCRIPTION and the
    /// CLI's help. Name parameters as pwsh spells them (-Replace); the CLI's help shows --replace.
    /// </summary>
    public string Description { get; init; } = "";

    /// <summary>What the command emits: Get-Help's OUTPUTS, next to <see cref="OutputType"/>.</summary>
    public string OutputDescription { get; init; } = "";

    /// <summary>
    /// Other names of the command ("Export-EnvFiles", the name in a user's runbook): [Alias] on the cmdlet, exported by
    /// BackupPs.psd1 (AliasesToExport), and verbs of the CLI in lower case (export-env-files), which help lists.
    /// </summary>
    public string[] Aliases { get; init; } = [];

    /// <summary>The CLI verb: the cmdlet name in kebab case (backup-database, export-env-file).</summary>
    public string CliName => Kebab($"{Verb}-{Noun}");

    /// <summary>The CLI verbs of <see cref="Aliases"/> (export-env-files), which help lists.</summary>
    public IEnumerable<string> CliAliases => Aliases.Select(Kebab);

    /// <summary>
    /// Every verb the CLI takes for the command: <see cref="CliName"/> and <see cref="CliAliases"/>, and each name in plain
    /// lower case too (export-envfile), as the cmdlet name typed in lower case.
    /// </summary>
    public IEnumerable<string> CliNames => Aliases.Prepend($"{Verb}-{Noun}").SelectMany(n => new[] { Kebab(n), n.ToLowerInvariant() }).Distinct();

    /// <summary>A pwsh name in the CLI's kebab case: ComposeProject → compose-project, Export-EnvFile → export-env-file.</summary>
    public static string Kebab(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 && name[i - 1] != '-' ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}

public enum CommandImpact
{
    /// <summary>Reads only: no ShouldProcess.</summary>
    None,
    /// <summary>Creates something new (a backup file): ShouldProcess, ConfirmImpact Medium.</summary>
    Medium,
    /// <summary>Destroys or replaces something: ShouldProcess, ConfirmImpact High.</summary>
    High,
}
