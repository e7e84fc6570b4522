using System.Security.Cryptography;
using BackupPs.Core.Errors;

namespace BackupPs.Core.Storage;

/// <summary>What <see cref="SecureDirectory.Ensure"/> found or did.</summary>
/// <param name="FullPath">The absolute directory path.</param>
/// <param name="CreatedLevels">The directory levels this call created, outermost first (empty when it existed).</param>
/// <param name="Mode">Its permission bits afterwards (on Windows: 0, not applicable).</param>
public sealed record SecureDirectoryResult(string FullPath, IReadOnlyList<string> CreatedLevels, UnixFileMode Mode)
{
    /// <summary>True when at least the directory itself was created by this call.</summary>
    public bool Created => CreatedLevels.Count > 0;

    /// <summary>
    /// Removes the levels this call created, innermost first, as long as they are still empty: a run that failed
    /// leaves the store as it found it. A level something else has put a file into since stays, as do those above it.
    /// </summary>
    public void RemoveCreatedIfEmpty() => SecureDirectory.RemoveIfEmpty(CreatedLevels);

    private const UnixFileMode GroupOrOtherWrite = UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    /// <summary>
    /// True for an existing directory that others may write into (e.g. 0777 or 0775). Left as it is (it may be
    /// deliberate, like a shared NAS mount); Backup-Database warns, because others could delete or replace backups.
    /// The backup files themselves are still created 0600.
    /// </summary>
    public bool IsGroupOrWorldWritable => (Mode & GroupOrOtherWrite) != 0;
}

/// <summary>Creates backup directories private to their owner.</summary>
public static class SecureDirectory
{
    /// <summary>rwx------ : what every directory level created here gets (before the process umask).</summary>
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>
    /// Makes sure <paramref name="path"/> is a directory this process can create files in. Every missing level
    /// is created with mode 0700 (existing levels are not touched); then a probe file is created and deleted,
    /// which is the only reliable writability test (root ignores modes but not read-only mounts; NFS
    /// root_squash, ACLs, ...). Relative paths resolve against the PROCESS working directory: PowerShell
    /// callers pass a provider-resolved absolute path.
    /// Throws BackupPsException: DestinationIsFile, DestinationNotWritable, DestinationFull, InvalidDestinationPath.
    /// </summary>
    public static SecureDirectoryResult Ensure(string path)
    {
        string full = FullPath(path);
        if (File.Exists(full))
        {
            throw StorageErrors.IsFile(full);
        }

        var created = new List<string>();
        try
        {
            if (!Directory.Exists(full))
            {
                CreateLevels(full, created);
            }

            ProbeWritable(full);
        }
        catch
        {
            // A level that could not be made, or a folder that takes no file (full, read-only): none of it is left behind.
            RemoveIfEmpty(created);
            throw;
        }

        UnixFileMode mode = OperatingSystem.IsWindows() ? 0 : File.GetUnixFileMode(full);
        return new SecureDirectoryResult(full, created, mode);
    }

    /// <summary>The absolute form of a destination folder; an unusable one is InvalidDestinationPath naming <paramref name="option"/>.</summary>
    internal static string FullPath(string? path, string option = "-Path") =>
        string.IsNullOrWhiteSpace(path)
            ? throw StorageErrors.InvalidPath(path, "it is empty", option: option)
            : Path.TrimEndingDirectorySeparator(UserPaths.Full(path, (given, why, cause) => StorageErrors.InvalidPath(given, why, cause, option)));

    /// <summary>Removes <paramref name="levels"/> (outermost first) innermost first, stopping at the first that is not empty or cannot be removed.</summary>
    internal static void RemoveIfEmpty(IReadOnlyList<string> levels)
    {
        foreach (var level in levels.Reverse())
        {
            try
            {
                if (Directory.EnumerateFileSystemEntries(level).Any())
                {
                    return;
                }

                Directory.Delete(level);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return; // already gone, or not ours to remove any more: nothing above it can be emptier
            }
        }
    }

    /// <summary>Creates the missing levels top-down, each 0700, adding each to <paramref name="created"/> (outermost first) as it is made.</summary>
    private static void CreateLevels(string full, List<string> created)
    {
        var missing = new Stack<string>();
        for (string? level = full; level is not null && !Directory.Exists(level); level = Path.GetDirectoryName(level))
        {
            if (File.Exists(level))
            {
                throw StorageErrors.IsFile(level);
            }

            missing.Push(level);
        }

        while (missing.TryPop(out string? level))
        {
            try
            {
                if (OperatingSystem.IsWindows())
                {
                    Directory.CreateDirectory(level);
                }
                else
                {
                    // Directory.CreateDirectory(path, mode) applies the mode to the leaf only, hence one call per level.
                    Directory.CreateDirectory(level, DirectoryMode);
                }

                created.Add(level);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                if (File.Exists(level))
                {
                    throw StorageErrors.IsFile(level); // raced with someone creating a file there
                }

                string parent = Path.GetDirectoryName(level) ?? level;
                if (e is FileNotFoundException or DirectoryNotFoundException && Directory.Exists(parent))
                {
                    // mkdir said "no such file or directory" although the folder above exists: its file system takes no
                    // new folders (/proc, /sys), or the folder above was removed and made again meanwhile.
                    throw StorageErrors.NotWritable(parent,
                        $"the folder '{Path.GetFileName(level)}' cannot be created in it: its file system takes no new folders, as /proc and /sys do", e);
                }

                throw StorageErrors.MapWriteFailure(e, parent, level, 0) switch
                {
                    BackupPsException mapped when mapped.ErrorId != StorageErrorIds.WriteFailed => mapped,
                    _ => StorageErrors.NotWritable(parent, $"the folder '{Path.GetFileName(level)}' cannot be created in it: {StorageErrors.Cause(e)}", e),
                };
            }
        }

    }

    private static void ProbeWritable(string directory)
    {
        string probe = Path.Combine(directory, $".backupps-probe-{Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant()}");
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            Options = FileOptions.DeleteOnClose,
            BufferSize = 0,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using var stream = new FileStream(probe, options);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw StorageErrors.MapWriteFailure(e, directory, probe, 0) switch
            {
                BackupPsException mapped when mapped.ErrorId != StorageErrorIds.WriteFailed => mapped,
                _ => StorageErrors.NotWritable(directory, StorageErrors.Cause(e), e),
            };
        }
    }
}
