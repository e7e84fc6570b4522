using BackupPs.Core.Errors;
using BackupPs.Core.Hosting;
using BackupPs.Core.Restore;
using BackupPs.Core.Storage;

namespace BackupPs.Core.Catalog;

/// <summary>
/// The one rule for -Path across the commands: it always points at backups. A folder is a store (or a part of one)
/// and means the backups recorded in it; a backup file means itself; a manifest means the backup beside it. What is
/// backed up has its own parameters (-Container, ...). An empty path is refused: '' or an unset variable in a cron
/// script must never mean the current folder.
/// </summary>
public static class BackupPaths
{
    /// <summary>
    /// The full path of <paramref name="path"/>, refused when it is empty or blank (EmptyPath) or no file name can
    /// hold it (InvalidBackupPath).
    /// </summary>
    public static string Full(string? path) => UserPaths.FullBackupPath(NotEmpty(path));

    /// <summary>
    /// <paramref name="path"/>, refused (EmptyPath) when it is empty or only blanks: for every path option, where it is
    /// bound (the cmdlet's resolve step, the CLI's parser), before a front end could make "   " a folder of that name.
    /// </summary>
    /// <param name="option">The option as the user typed it (-SafetyBackupPath, --safety-backup-path), for the message.</param>
    public static string NotBlank(string? path, string option) => string.IsNullOrWhiteSpace(path)
        ? throw new BackupPsException("EmptyPath", FailureCategory.InvalidArgument,
            $"{option} is empty. Pass a real folder or file: an empty or blank path (or an unset variable in a script) never means the current folder.")
        { Target = path }
        : path;

    private static string NotEmpty(string? path) => NotBlank(path, "-Path");

    /// <summary>
    /// The backup files <paramref name="path"/> means, for commands that read backups (Test-Backup, Restore-Database):
    /// a folder gives the backups Get-Backup lists in it (skipped entries are warned about), oldest first.
    /// A file is passed on as it is, to be checked by the command: a missing one is its BackupFileNotFound.
    /// </summary>
    public static IReadOnlyList<string> Files(string path, IOperationHost host)
    {
        var full = Full(path);
        if (Directory.Exists(full))
        {
            var files = ManifestStore.Enumerate(full, host).Select(r => r.Path).ToArray();
            return files.Length > 0 ? files : throw NoBackupsIn(full);
        }

        return [ArtifactOf(full)];
    }

    /// <summary>
    /// The records <paramref name="path"/> means, for Get-Backup: those of a folder's manifests, or the one of a backup file.
    /// A folder without any is a warning, not an error (an empty store is a valid answer), so a script can still tell
    /// "no backups" from a wrong folder.
    /// </summary>
    public static IEnumerable<BackupRecord> Records(string path, IOperationHost host)
    {
        var full = Full(path);
        if (Directory.Exists(full))
        {
            var records = ManifestStore.Enumerate(full, host).ToList();
            if (records.Count == 0)
            {
                host.WriteWarning(NoBackupsMessage(full));
            }

            return records;
        }

        if (!File.Exists(full))
        {
            throw new BackupPsException("BackupRootNotFound", FailureCategory.ObjectNotFound,
                $"The backup root {full} does not exist; pass -Path with the folder Backup-Database wrote to.")
            { Target = full };
        }

        var artifact = StoredBackup.RequireFile(ArtifactOf(full));
        var manifestPath = BackupNames.ManifestPathFor(artifact);
        return [ManifestStore.ToRecord(ManifestStore.Read(manifestPath), artifact, manifestPath)];
    }

    /// <summary>
    /// The store a new backup goes into (Backup-Database): a folder as it is (created when missing); a backup file,
    /// as a piped record's Path is, means the store that backup lives in (<see cref="BackupNames.StoreRootOf"/>).
    /// </summary>
    public static string StoreRoot(string path)
    {
        var full = SecureDirectory.FullPath(NotEmpty(path));
        if (!File.Exists(full))
        {
            return full;
        }

        var artifact = ArtifactOf(full);
        try
        {
            return BackupNames.StoreRootOf(artifact, ManifestStore.Read(BackupNames.ManifestPathFor(artifact)));
        }
        catch (BackupPsException e) when (e.ErrorId == "ManifestNotFound")
        {
            // Not a backup, so it names no store: the same refusal as a file met on the way to the store's folders.
            throw StorageErrors.IsFile(full);
        }
    }

    /// <summary>A manifest means the backup beside it; any other path means itself.</summary>
    private static string ArtifactOf(string full)
    {
        if (!full.EndsWith(BackupNames.ManifestSuffix, StringComparison.Ordinal) || !File.Exists(full))
        {
            return full;
        }

        return BackupNames.ArtifactPathFor(full)
            ?? throw new BackupPsException("BackupFileNotFound", FailureCategory.ObjectNotFound,
                $"The manifest {full} describes a backup file that is not beside it. Pass the backup file itself; Get-Backup lists the backups that exist.")
            { Target = full };
    }

    private static BackupPsException NoBackupsIn(string folder) =>
        new("NoBackupsFound", FailureCategory.ObjectNotFound, NoBackupsMessage(folder)) { Target = folder };

    private static string NoBackupsMessage(string folder) =>
        $"No backups are recorded in {folder} (warnings name any entries that were skipped); pass the folder Backup-Database wrote to, or a backup file.";
}
