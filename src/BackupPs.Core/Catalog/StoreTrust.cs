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
    /// (writability and owner) and every folder above them (writability). Throws BackupStoreUnsafe when
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

    /// <summary>The findings for a backup's folder and all above it, once per folder.</summary>
    private (List<string> Unsafe, List<string> Caution) Folders(string folder, string storeRoot)
    {
        if (_folders.TryGetValue(folder, out var known))
        {
            return known;
        }

        var findings = (Unsafe: new List<string>(), Caution: new List<string>());
        // The store's own levels: their owner matters too (whoever owns a folder can replace what is in it).
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(storeRoot));
        for (var level = folder; level is not null; level = Path.GetDirectoryName(level))
        {
            if (EntryStatus.Read(level, followLinks: true) is { } status)
            {
                Judge(EntryStatus.RealPath(level) ?? level, status, checkOwner: true, findings.Unsafe, findings.Caution);
            }

            if (string.Equals(Path.TrimEndingDirectorySeparator(level), root, StringComparison.Ordinal))
            {
                break;
            }
        }

        // Every real folder above the store: anyone who may write into one can swap the whole subtree below it.
        for (var level = Path.GetDirectoryName(EntryStatus.RealPath(root) ?? root); level is not null; level = Path.GetDirectoryName(level))
        {
            if (EntryStatus.Read(level) is { Kind: EntryKind.Directory } status)
            {
                Judge(level, status, checkOwner: false, findings.Unsafe, findings.Caution);
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

        var me = EntryStatus.CurrentUser;
        if (checkOwner && status.Owner != me && status.Owner != 0)
        {
            caution.Add($"{path} belongs to user {status.Owner.ToString(CultureInfo.InvariantCulture)}, not to this user ({me.ToString(CultureInfo.InvariantCulture)}) or root");
        }
    }
}
