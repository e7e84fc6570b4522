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
        var handle = OpenNonBlocking(path, followLink: true) ?? throw new FileNotFoundException($"{what} {path} does not exist.", path);
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

    /// <summary>
    /// Opens the regular file <paramref name="path"/> for reading if it is still the entry <paramref name="expected"/>
    /// describes (same device and inode), as a tree walk found it: never following a final symbolic link, never blocking
    /// (a FIFO swapped in), never reading a file that moved in from outside the tree. Null when nothing is there any
    /// more or something else is (the walk records it as gone); IOException or UnauthorizedAccessException when it
    /// cannot be opened. Linux only.
    /// </summary>
    public static FileStream? OpenIfUnchanged(string path, EntryStatus expected, int bufferSize)
    {
        var handle = OpenNonBlocking(path, followLink: false);
        if (handle is null)
        {
            return null;
        }

        try
        {
            var opened = EntryStatus.Read(handle);
            if (opened.Kind != EntryKind.RegularFile || opened.Device != expected.Device || opened.Inode != expected.Inode)
            {
                handle.Dispose();
                return null;
            }

            return new FileStream(handle, FileAccess.Read, bufferSize);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>open(2) read-only, non-blocking, close-on-exec, with O_NOFOLLOW unless <paramref name="followLink"/>; null when nothing is there (or, not following, a link is).</summary>
    private static SafeFileHandle? OpenNonBlocking(string path, bool followLink)
    {
        var fd = LibC.Open(path, LibC.OpenReadOnlyNonBlocking | LibC.OpenReadOnlyCloseOnExec | (followLink ? 0 : LibC.OpenNoFollow));
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno == LibC.ENOENT || (!followLink && errno == LibC.ELOOP)
                ? null
                : throw LibC.ErrnoException(errno, $"Cannot open {path}");
        }

        return new SafeFileHandle(fd, ownsHandle: true);
    }

    private static BackupPsException NotRegular(string path, string what, string found) =>
        new(NotRegularErrorId, FailureCategory.InvalidData,
            $"{what} {path} is {found}, not a regular file. BackupPs writes only regular files into a store, so something else put this there; it is not read. Remove it, or restore the real file.")
        { Target = path };
}
