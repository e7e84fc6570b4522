using BackupPs.Core.Catalog;

namespace BackupPs.Core.Files;

/// <summary>
/// One entry a producer (<see cref="TreeScanner"/>, Export-EnvFile, Backup-Volume) hands to
/// <see cref="FileSetArchive.StoreAsync"/>, in the order the tar and the manifest get them (a folder before what it holds).
/// </summary>
public sealed class SourceEntry
{
    /// <summary>
    /// The entry's metadata as read from the source. <see cref="FileEntry.Sha256"/>, <see cref="FileEntry.StoredIn"/> and
    /// <see cref="FileEntry.ChangedWhileRead"/> are left null/false: the writer fills them. For a
    /// <see cref="FileEntryType.File"/>, <see cref="FileEntry.Size"/> is the size the tar header declares: the content
    /// read is cut or zero-padded to it, and a difference marks the entry ChangedWhileRead.
    /// </summary>
    public required FileEntry Entry { get; init; }

    /// <summary>
    /// Opens the content (File only; null for the other types), called once, just before the entry is written. It
    /// returns null when the entry is gone or was replaced since it was found (the writer records it as skipped, with a
    /// warning, as GNU tar's "File removed before we read it"). It may throw IOException or UnauthorizedAccessException: the writer then counts the entry as unreadable and fails the
    /// backup after the walk, naming it. A <see cref="FileStream"/> is also checked with fstat before and after reading
    /// (size, mtime, ctime), like GNU tar's "file changed as we read it".
    /// </summary>
    public Func<Stream?>? OpenContent { get; init; }

    /// <summary>The entry's extended attributes by full name ("user.comment"), raw values; null or empty for none.</summary>
    public IReadOnlyDictionary<string, byte[]>? ExtendedAttributes { get; init; }

    /// <summary>
    /// Set by a producer for an entry it found but could not read (a folder it may not list), as a sentence naming the
    /// cause. The writer writes nothing for it and fails the backup after the walk, naming every such entry: a backup
    /// that silently misses part of its source is no backup. When it is set, only <see cref="Entry"/>'s Path is meaningful
    /// (an entry whose status could not be read has no metadata).
    /// </summary>
    public string? Unreadable { get; init; }

}
