using System.Globalization;
using BackupPs.Core.Errors;
using BackupPs.Core.Hosting;
using BackupPs.Core.Storage;

namespace BackupPs.Core.Catalog;

/// <summary>
/// Who could have put a backup where it is. A backup is SQL that a restore runs in a server with the
/// restoring login's rights, and its manifest says where it belongs, so a store that others can write
/// into is a way into every database restored from it. Two levels:
/// <list type="bullet">
/// <item>Anyone on the host can write (the backup file, its manifest, or any folder above them is
/// world-writable and not sticky): restoring (Restore-Database, Test-Backup -Restore) is refused, since
/// any local user could have planted or changed the backup; listing and file tests only warn.</item>
/// <item>Some others can write or own it (group-writable, or owned by a user other than this one and
/// root): a warning. Debian's private user groups make group-writable folders common and harmless, and
/// root restoring a store that its operator account owns (backups under /home/pi) is an everyday case.</item>
/// </list>
/// BackupPs itself creates store folders 0700 and files 0600. Linux only (see <see cref="EntryStatus"/>).
/// </summary>
internal sealed class StoreTrust(IOperationHost host)
{
    public const string UnsafeErrorId = "BackupStoreUnsafe";

    private readonly Dictionary<string, (List<string> Unsafe, List<string> Caution)> _folders = new(StringComparer.Ordinal);
    private readonly HashSet<string> _warned = new(StringComparer.Ordinal);

    /// <summary>
    /// Checks the backup file, its manifest, the folders from the backup's up to <paramref name="storeRoot"/>
    /// and every folder holding a link on the way (writability and owner), and every other folder the path is
    /// resolved through, as typed and through its links (writability). Throws BackupStoreUnsafe when
    /// <paramref name="refuseUnsafe"/> and anyone could have written it; warns otherwise.
    /// </summary>
    public void Check(string artifactPath, string manifestPath, string storeRoot, bool refuseUnsafe)
    {
        if (!EntryStatus.IsSupported)
        {
            return;
        }

        var (unsafeFindings, caution) = Folders(Path.GetDirectoryName(artifactPath)!, storeRoot);
        var fileUnsafe = new List<string>(unsafeFindings);
        var fileCaution = new List<string>(caution);
        foreach (var file in new[] { artifactPath, manifestPath })
        {
            if (EntryStatus.Read(file) is { } status)
            {
                Judge(file, status, checkOwner: true, fileUnsafe, fileCaution);
            }
        }

        if (fileUnsafe.Count > 0 && refuseUnsafe)
        {
            throw new BackupPsException(UnsafeErrorId, FailureCategory.PermissionDenied,
                $"Refusing to restore {artifactPath}: {string.Join("; ", fileUnsafe)}, so any user on this host could have planted or changed this backup, "
                + "and a restore runs its SQL with the restoring login's rights. Remove write access for others (chmod o-w; BackupPs creates folders 0700 and files 0600) "
                + "after checking the backup, or copy it and its manifest into a folder only you can write.")
            { Target = artifactPath };
        }

        foreach (var finding in fileUnsafe.Select(f => f + ", so any user on this host could have planted or changed backups there")
            .Concat(fileCaution.Select(f => f + ", so others could have planted or changed backups there")))
        {
            if (_warned.Add(finding))
            {
                host.WriteWarning($"{finding}; check that the backups are yours before restoring them.");
            }
        }
    }

    /// <summary>
    /// The findings for a backup's folder and every folder its path is resolved through, once per folder: the
    /// folders above it as typed and, through every symbolic link on the way (a linked root, environment or
    /// database folder, a link above the store, link chains, relative links), each link's own folder and the
    /// folders it leads to (<see cref="PathLookups"/>). Anyone who may write into one of them can swap the subtree
    /// below it, a link by repointing it.
    /// </summary>
    private (List<string> Unsafe, List<string> Caution) Folders(string folder, string storeRoot)
    {
        if (_folders.TryGetValue(folder, out var known))
        {
            return known;
        }

        // Whose folder it is matters for the store's own levels (where they really are) and for every folder holding a
        // link on the way (its owner can repoint the link); above those, only who may write.
        var checkOwner = new Dictionary<string, bool>(StringComparer.Ordinal);
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(storeRoot));
        for (var level = folder; level is not null; level = Path.GetDirectoryName(level))
        {
            if (EntryStatus.RealPath(level) is { } real)
            {
                checkOwner[real] = true;
            }

            if (string.Equals(Path.TrimEndingDirectorySeparator(level), root, StringComparison.Ordinal))
            {
                break;
            }
        }

        var links = new List<string>();
        foreach (var lookup in PathLookups.Of(folder))
        {
            checkOwner[lookup.Folder] = checkOwner.GetValueOrDefault(lookup.Folder) || lookup.Link is not null;
            if (lookup.Link is { } link)
            {
                links.Add(link);
            }
        }

        var findings = (Unsafe: new List<string>(), Caution: new List<string>());
        foreach (var (level, owner) in checkOwner.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            if (EntryStatus.Read(level) is { Kind: EntryKind.Directory } status)
            {
                Judge(level, status, owner, findings.Unsafe, findings.Caution);
            }
        }

        // In a sticky folder others may write (/tmp), a link can still be replaced by whoever owns it.
        foreach (var link in links)
        {
            if (EntryStatus.Read(Path.GetDirectoryName(link)!) is { IsStickyDirectory: true } holder
                && (holder.Mode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0
                && EntryStatus.Read(link) is { } linkStatus)
            {
                JudgeOwner(link, linkStatus, findings.Caution);
            }
        }

        _folders[folder] = findings;
        return findings;
    }

    private static void Judge(string path, EntryStatus status, bool checkOwner, List<string> unsafeFindings, List<string> caution)
    {
        var mode = Convert.ToString((int)status.Mode, 8).PadLeft(4, '0');
        if (status.IsOtherWritable)
        {
            unsafeFindings.Add($"{path} is writable by every user (mode {mode})");
        }
        else if (status.IsGroupWritable)
        {
            caution.Add($"{path} is writable by its group (mode {mode})");
        }

        if (checkOwner)
        {
            JudgeOwner(path, status, caution);
        }
    }

    /// <summary>A caution when <paramref name="path"/> belongs to a user other than this one and root.</summary>
    private static void JudgeOwner(string path, EntryStatus status, List<string> caution)
    {
        var me = EntryStatus.CurrentUser;
        if (status.Owner != me && status.Owner != 0)
        {
            caution.Add($"{path} belongs to user {status.Owner.ToString(CultureInfo.InvariantCulture)}, not to this user ({me.ToString(CultureInfo.InvariantCulture)}) or root");
        }
    }
}
