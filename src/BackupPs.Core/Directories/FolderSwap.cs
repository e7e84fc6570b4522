using System.Runtime.InteropServices;
using BackupPs.Core.Storage;

namespace BackupPs.Core.Directories;

/// <summary>
/// Puts a verified tree in place of an existing folder by rename, on the same file system: renameat2(RENAME_EXCHANGE)
/// swaps the two names atomically (no moment without a folder at the target), then the old tree is renamed to its
/// kept name. Where the file system has no RENAME_EXCHANGE, two renames: the old tree aside, the new one in, and the old
/// one back if the second fails.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal static class FolderSwap
{
    /// <summary>
    /// Swaps <paramref name="staged"/> into <paramref name="target"/> and moves the old tree to <paramref name="previous"/>.
    /// Returns where the old tree is: <paramref name="previous"/>, or, if only that last rename failed, <paramref name="staged"/>.
    /// Throws IOException when the swap itself failed (then both trees are where they were).
    /// </summary>
    public static string Swap(string staged, string target, string previous)
    {
        if (LibC.RenameAt2(LibC.AtFdCwd, staged, LibC.AtFdCwd, target, LibC.RenameExchange) == 0)
        {
            try
            {
                AtomicFile.RenameNoReplace(staged, previous);
                return previous;
            }
            catch (Exception e) when (e is IOException or Errors.BackupPsException)
            {
                return staged;
            }
        }

        var errno = Marshal.GetLastPInvokeError();
        if (errno is not (LibC.EINVAL or LibC.ENOSYS or LibC.ENOTSUP))
        {
            throw LibC.ErrnoException(errno, $"Cannot swap {staged} with {target}");
        }

        AtomicFile.RenameNoReplace(target, previous);
        try
        {
            AtomicFile.RenameNoReplace(staged, target);
        }
        catch
        {
            AtomicFile.RenameNoReplace(previous, target);
            throw;
        }

        return previous;
    }
}
