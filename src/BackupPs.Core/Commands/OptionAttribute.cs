namespace BackupPs.Core.Commands;

/// <summary>
/// Marks a property of a command's options class as a parameter. The cmdlet parameter keeps the
/// property name (-ComposeProject); the CLI option is its kebab-case form (--compose-project).
/// A bool becomes a switch; a <see cref="DatabaseCredential"/> becomes a PSCredential.
/// </summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class OptionAttribute : Attribute
{
    public bool Mandatory { get; init; }

    /// <summary>Zero-based position, or -1 for named only.</summary>
    public int Position { get; init; } = -1;

    /// <summary>The parameter set the option belongs to; null for all sets.</summary>
    public string? ParameterSet { get; init; }

    /// <summary>Binds from a property of the same name on piped objects (ValueFromPipelineByPropertyName).</summary>
    public bool FromPipelineByPropertyName { get; init; }

    /// <summary>A file-system path: the cmdlet resolves it against the PowerShell location before the core sees it.</summary>
    public bool IsPath { get; init; }

    /// <summary>Where the cmdlet's tab completion takes values from (an argument completer in the module).</summary>
    public CompletionSource Completion { get; init; }

    public string Help { get; init; } = "";
}
