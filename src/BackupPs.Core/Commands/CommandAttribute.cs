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

    /// <summary>The CLI verb: the cmdlet name in lower case.</summary>
    public string CliName => $"{Verb}-{Noun}".ToLowerInvariant();
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
