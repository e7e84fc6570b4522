using BackupPs.Core.Errors;

namespace BackupPs.Core.Storage;

/// <summary>
/// Paths as a user, a script or a piped record gives them, made absolute. An empty or malformed one (a NUL
/// character, one too long for the system) is a BackupPsException naming it, never a bare ArgumentException.
/// </summary>
internal static class UserPaths
{
    /// <summary>The absolute form of <paramref name="path"/>, or the error <paramref name="invalid"/> makes of (path, why, cause).</summary>
    public static string Full(string? path, Func<string?, string, Exception?, BackupPsException> invalid)
    {
        if (string.IsNullOrEmpty(path))
        {
            throw invalid(path, "it is empty", null);
        }

        if (path.Contains('\0'))
        {
            throw invalid(path.Replace("\0", "\\0", StringComparison.Ordinal), "it contains a NUL character, which no file name can hold", null);
        }

        try
        {
            return Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw invalid(path, e.Message.TrimEnd('.'), e);
        }
    }

    /// <summary>A path that should name backups (a backup file, or a store's folder for Get-Backup).</summary>
    public static string FullBackupPath(string? path) => Full(path, StorageErrors.InvalidBackupPath);
}
