namespace BackupPs.Core.Commands;

/// <summary>
/// Marks a property of a command's options class as a parameter. The cmdlet parameter keeps the
/// property name (-ComposeProject); the CLI option is its kebab-case form (--compose-project).
/// A bool becomes a switch; a <see cref="DatabaseCredential"/> becomes a PSCredential.
/// The validation settings below become PowerShell validation attributes in the generated cmdlet and
/// are applied by the CLI from the same data, so both front ends refuse the same values.
/// </summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class OptionAttribute : Attribute
{
    public bool Mandatory { get; init; }

    /// <summary>Zero-based position, or -1 for named only.</summary>
    public int Position { get; init; } = -1;

    /// <summary>The parameter set the option belongs to; null for all sets.</summary>
    public string? ParameterSet { get; init; }

    /// <summary>Binds piped values themselves (ValueFromPipeline): `'/store' | Get-Backup`.</summary>
    public bool FromPipeline { get; init; }

    /// <summary>Binds from a property of the same name on piped objects (ValueFromPipelineByPropertyName).</summary>
    public bool FromPipelineByPropertyName { get; init; }

    /// <summary>
    /// A file-system path. The cmdlet resolves it with PowerShell's provider (against the PowerShell location,
    /// FileSystem only). An option named Path (always backups: a store folder or backup files) takes wildcards and
    /// gets a -LiteralPath twin (alias PSPath, so Get-ChildItem output binds); as string[] every match is passed on,
    /// as string it is a destination and must match one item or none.
    /// </summary>
    public bool IsPath { get; init; }

    /// <summary>
    /// What is backed up (-SourcePath, a string[]): files or folders of the FileSystem provider. The cmdlet binds it from
    /// the pipeline by value and by property name with the aliases FullName and PSPath, so Get-ChildItem and Get-Item
    /// output binds; expands wildcards with the provider (a path that exists as typed is taken as it is), resolves
    /// provider-qualified and relative paths against the PowerShell location, and refuses other providers
    /// (PathNotFileSystem). A path without wildcards is passed on even when missing: the core names what is missing.
    /// Every path piped in is collected and the command runs once, at the end of the pipeline, with all of them (a
    /// new run starts only where another parameter bound from the pipeline changes). In such a command, -Path and its
    /// -LiteralPath twin never bind from the pipeline: a piped file is what is backed up, never the store.
    /// The CLI takes it once per path (--source-path a --source-path b); paths are relative to its working directory.
    /// </summary>
    public bool IsSourcePath { get; init; }

    /// <summary>
    /// Where a restore writes (-Destination, a string): one FileSystem folder or file that may not exist yet, taken as
    /// typed (no wildcards: a new name may contain [ ]), resolved against the PowerShell location, other providers refused.
    /// </summary>
    public bool IsDestinationPath { get; init; }

    /// <summary>Where the cmdlet's tab completion takes values from (an argument completer in the module).</summary>
    public CompletionSource Completion { get; init; }

    /// <summary>
    /// The switch this option only makes sense with (nameof(Replace)): the cmdlet puts the option in the parameter
    /// sets where that switch is mandatory, and the CLI refuses the option without it.
    /// </summary>
    public string? Requires { get; init; }

    /// <summary>
    /// The switch this option cannot be used with, because that switch makes it meaningless (nameof(Isolated)):
    /// the cmdlet leaves the option out of the parameter sets with that switch, and the CLI refuses the pair.
    /// </summary>
    public string? Excludes { get; init; }

    /// <summary>An empty string is a meaningful value. Otherwise a string option refuses '' and $null (ValidateNotNullOrEmpty).</summary>
    public bool AllowEmpty { get; init; }

    /// <summary>Smallest value of a number option (ValidateRange); applies with <see cref="Maximum"/>.</summary>
    public int Minimum { get; init; } = int.MinValue;

    /// <summary>Largest value of a number option (ValidateRange).</summary>
    public int Maximum { get; init; } = int.MaxValue;

    /// <summary>Members of the option's enum that are never accepted: left out of its ValidateSet, completion and the CLI.</summary>
    public string[] ExcludedValues { get; init; } = [];

    /// <summary>A rule of the core that a value must follow (an environment name, a PostgreSQL name), checked at binding.</summary>
    public OptionRule Rule { get; init; }

    /// <summary>
    /// Other names of the cmdlet parameter ([Alias]): property names of piped objects it binds from by property name too
    /// (-Volume from a Name or VolumeName property), or short forms. The CLI knows the option by its kebab-case name only.
    /// </summary>
    public string[] Aliases { get; init; } = [];

    public string Help { get; init; } = "";

    /// <summary>Whether the option names a file-system path of any role (backups, a source, a destination).</summary>
    public bool IsAnyPath => IsPath || IsSourcePath || IsDestinationPath;

    /// <summary>Whether <see cref="Minimum"/> or <see cref="Maximum"/> limits the value.</summary>
    public bool HasRange => Minimum != int.MinValue || Maximum != int.MaxValue;
}
