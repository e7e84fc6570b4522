using System.Runtime.InteropServices;
using BackupPs.Core.Errors;
using Microsoft.Win32.SafeHandles;

namespace BackupPs.Core.Storage;

/// <summary>
/// Reads the files of a backup store (backups and manifests) without trusting what they are. BackupPs only
/// ever writes regular files there, so a symbolic link, a FIFO or a device in their place was put there by
/// something else: it is refused, and never opened in a way that could block (opening a FIFO waits for a
/// writer) or read for ever (a character device such as /dev/zero).
/// </summary>
internal static class StoreFile
{
    /// <summary>The ErrorId for a store entry that is not a regular file.</summary>
    public const string NotRegularErrorId = "StoreFileNotRegular";

    /// <summary>
    /// The status of the regular file at <paramref name="path"/>, or null when nothing is there; any other
    /// kind of entry is refused. On systems without <see cref="EntryStatus"/> only symbolic links are refused.
    /// </summary>
    /// <param name="what">What the file is meant to be, for the error: "The backup file", "The manifest".</param>
    public static EntryStatus? Require(string path, string what)
    {
        if (!EntryStatus.IsSupported)
        {
            if (new FileInfo(path) is { LinkTarget: { } target })
            {
                throw NotRegular(path, what, $"a symbolic link to {target}");
            }

            return null;
        }

        if (EntryStatus.Read(path) is not { } status)
        {
            return null;
        }

        if (status.Kind != EntryKind.RegularFile)
        {
            var link = status.Kind == EntryKind.SymbolicLink ? $" to {new FileInfo(path).LinkTarget}" : "";
            throw NotRegular(path, what, status.Describe() + link);
        }

        return status;
    }

    /// <summary>
    /// Opens the regular file at <paramref name="path"/> for reading, refusing anything else (see
    /// <see cref="Require"/>). The open never blocks: it is non-blocking, and the opened file must be the
    /// very file that was checked (same device and inode), so swapping in a FIFO between the two steps fails too.
    /// </summary>
    /// <exception cref="FileNotFoundException">Nothing is at <paramref name="path"/>.</exception>
    public static FileStream OpenRead(string path, string what, int bufferSize)
    {
        if (!EntryStatus.IsSupported)
        {
            _ = Require(path, what);
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize);
        }

        var checkedStatus = Require(path, what) ?? throw new FileNotFoundException($"{what} {path} does not exist.", path);
        var fd = LibC.Open(path, LibC.OpenReadOnlyNonBlocking | LibC.OpenReadOnlyCloseOnExec);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw errno == LibC.ENOENT
                ? new FileNotFoundException($"{what} {path} does not exist.", path)
                : LibC.ErrnoException(errno, $"Cannot open {path}");
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            var opened = EntryStatus.Read(handle);
            if (opened.Kind != EntryKind.RegularFile || opened.Device != checkedStatus.Device || opened.Inode != checkedStatus.Inode)
            {
                throw NotRegular(path, what, $"replaced while it was opened (now {opened.Describe()})");
            }

            return new FileStream(handle, FileAccess.Read, bufferSize);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static BackupPsException NotRegular(string path, string what, string found) =>
        new(NotRegularErrorId, FailureCategory.InvalidData,
            $"{what} {path} is {found}, not a regular file. BackupPs writes only regular files into a store, so something else put this there; it is not read. Remove it, or restore the real file.")
        { Target = path };
}
