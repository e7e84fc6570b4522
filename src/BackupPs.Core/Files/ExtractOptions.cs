using BackupPs.Core.Storage;

namespace BackupPs.Core.Files;

/// <summary>How <see cref="FileSetRestore.ExtractAsync"/> writes a tree.</summary>
public sealed record ExtractOptions
{
    /// <summary>
    /// Give every entry its recorded numeric owner and group (lchown). Default: when running as root, the only user who
    /// may; otherwise every entry belongs to the current user, which the restore says in a verbose message.
    /// </summary>
    public bool RestoreOwners { get; init; } = EntryStatus.IsSupported && EntryStatus.CurrentUser == 0;

    /// <summary>
    /// Create symbolic links whose target is absolute or climbs out of the restored tree, as links (they are never written
    /// through). Default false: such a backup is refused before anything is written (<see cref="ExtractionPlan"/>).
    /// </summary>
    public bool AllowExternalLinks { get; init; }
}
