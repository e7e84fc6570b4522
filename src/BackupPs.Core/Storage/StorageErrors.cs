using BackupPs.Core.Errors;

namespace BackupPs.Core.Storage;

/// <summary>The stable ErrorIds the storage layer throws in a <see cref="BackupPsException"/>.</summary>
public static class StorageErrorIds
{
    /// <summary>PermissionDenied: the directory cannot be created or written (permissions, read-only filesystem).</summary>
    public const string NotWritable = "DestinationNotWritable";

    /// <summary>InvalidArgument: the destination path (or one of its parents) is an existing file.</summary>
    public const string IsFile = "DestinationIsFile";

    /// <summary>ObjectNotFound: the directory of a file to write does not exist.</summary>
    public const string DirectoryMissing = "DestinationDirectoryMissing";

    /// <summary>InvalidArgument: the path is empty or malformed.</summary>
    public const string InvalidPath = "InvalidDestinationPath";

    /// <summary>WriteError: the filesystem ran out of space (ENOSPC) or quota (EDQUOT).</summary>
    public const string Full = "DestinationFull";

    /// <summary>WriteError: the filesystem's maximum file size was reached (EFBIG, e.g. 4 GiB on FAT32).</summary>
    public const string FileTooLarge = "DestinationFileTooLarge";

    /// <summary>WriteError: any other I/O failure while writing, syncing or renaming.</summary>
    public const string WriteFailed = "DestinationWriteFailed";

    /// <summary>ObjectNotFound: the folder being written was removed or renamed while the file was written.</summary>
    public const string RemovedDuringRun = "DestinationRemovedDuringRun";

    /// <summary>InvalidArgument: a path that should name backups (a backup file, a store's folder) is empty or malformed.</summary>
    public const string InvalidBackupPath = "InvalidBackupPath";

    /// <summary>ResourceExists: the final file name is already taken; BackupPs never overwrites.</summary>
    public const string AlreadyExists = "BackupAlreadyExists";
}

internal static class StorageErrors
{
    // Windows HRESULTs, for the (secondary) Windows code path.
    private const int WinDiskFull = unchecked((int)0x80070070);
    private const int WinHandleDiskFull = unchecked((int)0x80070027);
    private const int WinFileExists = unchecked((int)0x80070050);
    private const int WinAlreadyExists = unchecked((int)0x800700B7);

    /// <summary>The errno of an IOException thrown by .NET on Unix (it stores the raw errno in HResult), else 0.</summary>
    public static int Errno(Exception e) =>
        !OperatingSystem.IsWindows() && e is IOException && e.HResult is > 0 and < 4096 ? e.HResult : 0;

    /// <summary>
    /// What went wrong with a file or folder, in plain words ("read-only file system", "no space left on the device"),
    /// for the parentheses of a message: .NET's own text repeats the path and names no cause ("Could not find file '/proc/x'.").
    /// </summary>
    public static string Cause(Exception e) => (e, Errno(e)) switch
    {
        (UnauthorizedAccessException, _) or (_, LibC.EACCES or LibC.EPERM) => "permission denied",
        (_, LibC.EROFS) => "read-only file system",
        (_, LibC.ENOSPC) => "no space left on the device",
        (_, LibC.EDQUOT) => "disk quota exceeded",
        (_, LibC.EFBIG) => "the file is larger than the file system allows",
        (_, LibC.EEXIST) => "something of that name already exists",
        (_, LibC.EIO) => "input/output error: the disk or network share failed",
        (_, ENOTDIR) => "a part of the path is a file, not a folder",
        (_, ELOOP) => "too many levels of symbolic links",
        (_, EMFILE or ENFILE) => "too many open files",
        (FileNotFoundException or DirectoryNotFoundException, _) or (_, LibC.ENOENT) => "no such file or folder",
        (PathTooLongException, _) or (_, ENAMETOOLONG) => "the name is too long for the file system",
        _ => e.Message.TrimEnd('.'),
    };

    // Linux errno values that only Cause needs (the others are in LibC).
    private const int ENOTDIR = 20;
    private const int ENFILE = 23;
    private const int EMFILE = 24;
    private const int ENAMETOOLONG = 36;
    private const int ELOOP = 40;

    public static bool IsAlreadyExists(Exception e) =>
        Errno(e) == LibC.EEXIST || e.HResult is WinFileExists or WinAlreadyExists;

    public static BackupPsException NotWritable(string directory, string reason, Exception? inner = null) =>
        new(StorageErrorIds.NotWritable, FailureCategory.PermissionDenied,
            $"The destination '{directory}' is not writable ({reason}); fix its permissions or mount, or choose another -Path.",
            inner)
        { Target = directory };

    public static BackupPsException IsFile(string path) =>
        new(StorageErrorIds.IsFile, FailureCategory.InvalidArgument,
            $"The path '{path}' is an existing file, not a directory; pass a directory to -Path.")
        { Target = path };

    public static BackupPsException DirectoryMissing(string directory, Exception? inner = null) =>
        new(StorageErrorIds.DirectoryMissing, FailureCategory.ObjectNotFound,
            $"The directory '{directory}' does not exist; create it first or pass an existing directory to -Path.",
            inner)
        { Target = directory };

    public static BackupPsException RemovedDuringRun(string directory, Exception? inner = null) =>
        new(StorageErrorIds.RemovedDuringRun, FailureCategory.ObjectNotFound,
            $"The folder '{directory}' was removed or renamed while the backup was being written into it, so nothing was kept; find what removes it (a cleanup job, an unmounted disk) and retry.",
            inner)
        { Target = directory };

    /// <param name="option">The option the path was given to (-SafetyBackupPath), named in what to do.</param>
    public static BackupPsException InvalidPath(string? path, string reason, Exception? inner = null, string option = "-Path") =>
        new(StorageErrorIds.InvalidPath, FailureCategory.InvalidArgument,
            $"The destination path '{path}' is not usable ({reason}); pass a valid directory to {option}.",
            inner)
        { Target = path };

    public static BackupPsException InvalidBackupPath(string? path, string reason, Exception? inner = null) =>
        new(StorageErrorIds.InvalidBackupPath, FailureCategory.InvalidArgument,
            $"The path '{path}' is not usable ({reason}); pass the path of a backup file, or of a store's folder to Get-Backup.",
            inner)
        { Target = path };

    public static BackupPsException AlreadyExists(string path, Exception? inner = null) =>
        new(StorageErrorIds.AlreadyExists, FailureCategory.ResourceExists,
            $"The file '{path}' already exists and BackupPs never overwrites a backup; remove or rename it, or choose another name.",
            inner)
        { Target = path };

    /// <summary>
    /// Maps an exception from writing/syncing/renaming a file in <paramref name="directory"/> to the error an
    /// operator can act on. Returns <paramref name="e"/> itself for exceptions that are not I/O failures.
    /// </summary>
    public static Exception MapWriteFailure(Exception e, string directory, string path, long bytesWritten)
    {
        if (e is BackupPsException or OperationCanceledException)
        {
            return e;
        }

        int errno = Errno(e);
        if (e is UnauthorizedAccessException || errno is LibC.EACCES or LibC.EPERM)
        {
            return NotWritable(directory, "permission denied", e);
        }

        if (errno == LibC.EROFS)
        {
            return NotWritable(directory, "read-only filesystem", e);
        }

        if (errno is LibC.ENOSPC or LibC.EDQUOT || e.HResult is WinDiskFull or WinHandleDiskFull)
        {
            string what = errno == LibC.EDQUOT ? "disk quota" : "space";
            return new BackupPsException(StorageErrorIds.Full, FailureCategory.WriteError,
                $"The destination '{directory}' ran out of {what} after {bytesWritten} bytes of '{Path.GetFileName(path)}' were written; free space or choose another -Path.",
                e)
            { Target = directory };
        }

        if (errno == LibC.EFBIG)
        {
            return new BackupPsException(StorageErrorIds.FileTooLarge, FailureCategory.WriteError,
                $"The filesystem of '{directory}' cannot hold a file larger than {bytesWritten} bytes (FAT32 stops at 4 GiB); write to an ext4 or exFAT filesystem or choose another -Path.",
                e)
            { Target = directory };
        }

        if (bytesWritten > 0 && e is IOException && !Directory.Exists(directory))
        {
            return RemovedDuringRun(directory, e);
        }

        if (e is DirectoryNotFoundException)
        {
            return DirectoryMissing(directory, e);
        }

        if (e is IOException)
        {
            return new BackupPsException(StorageErrorIds.WriteFailed, FailureCategory.WriteError,
                $"Writing '{path}' failed after {bytesWritten} bytes ({Cause(e)}); check the destination device and retry.",
                e)
            { Target = path };
        }

        return e;
    }
}
