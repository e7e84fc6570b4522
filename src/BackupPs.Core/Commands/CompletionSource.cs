namespace BackupPs.Core.Commands;

/// <summary>
/// Where the cmdlet's tab completion for an option finds its values (<see cref="OptionAttribute.Completion"/>).
/// The generator attaches the matching argument completer of the module; the CLI ignores it.
/// </summary>
public enum CompletionSource
{
    /// <summary>No completer: PowerShell's default (file names for strings, names for enums).</summary>
    None,

    /// <summary>Names of the running containers that run PostgreSQL.</summary>
    Container,

    /// <summary>Compose projects of the running PostgreSQL containers.</summary>
    ComposeProject,

    /// <summary>Compose services of the running PostgreSQL containers (of the -ComposeProject given, when one is).</summary>
    ComposeService,

    /// <summary>Environments recorded in the backup store (-Path/-LiteralPath, else ./backups).</summary>
    Environment,

    /// <summary>Databases recorded in the backup store (of the -Environment given, when one is).</summary>
    Database,

    /// <summary>
    /// Catalog names recorded in the backup store (BackupManifest.CatalogName: a database, an env-file set, a folder, a
    /// volume), of the -Environment and the -Kind given, when they are; a command of one kind lists that kind only.
    /// </summary>
    Name,

    /// <summary>Names of the Docker volumes of the daemon (GET /volumes).</summary>
    Volume,
}
