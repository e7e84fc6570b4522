using System.Runtime.InteropServices;

namespace BackupPs.Core.Storage;

/// <summary>
/// The few libc calls .NET has no managed equivalent for: a no-clobber rename (renameat2 RENAME_NOREPLACE,
/// link/unlink), fsync of a directory, and the FIFO handling of the dump transport. Linux (glibc on Debian / Raspberry Pi OS); on macOS "libc" also
/// resolves and renameat2's absence falls back to link(2). Never called on Windows.
/// Errno values below are Linux's (identical on x86_64, arm64 and armhf).
/// </summary>
internal static partial class LibC
{
    private const string Library = "libc";

    public const int AtFdCwd = -100;
    public const uint RenameNoReplace = 1;

    public const int EPERM = 1;
    public const int ENOENT = 2;
    public const int EIO = 5;
    public const int EACCES = 13;
    public const int EEXIST = 17;
    public const int EXDEV = 18;
    public const int EINVAL = 22;
    public const int EFBIG = 27;
    public const int ENOSPC = 28;
    public const int EROFS = 30;
    public const int EMLINK = 31;
    public const int ERANGE = 34;
    public const int ENOSYS = 38;
    public const int ELOOP = 40;
    public const int ENODATA = 61;
    public const int ENOTSUP = 95;
    public const int EDQUOT = 122;

    /// <summary>O_RDONLY | O_CLOEXEC on Linux (O_CLOEXEC is 02000000 on every Linux architecture .NET runs on).</summary>
    public static int OpenReadOnlyCloseOnExec => OperatingSystem.IsLinux() ? 0x80000 : 0;

    [LibraryImport(Library, EntryPoint = "renameat2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int RenameAt2(int oldDirFd, string oldPath, int newDirFd, string newPath, uint flags);

    [LibraryImport(Library, EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Link(string oldPath, string newPath);

    [LibraryImport(Library, EntryPoint = "unlink", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Unlink(string path);

    [LibraryImport(Library, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);

    /// <summary>
    /// O_NOFOLLOW on Linux: open fails with ELOOP when the final component is a symbolic link. 0100000 on 32-bit ARM
    /// (Raspberry Pi OS armhf), 0400000 on x86_64 and arm64.
    /// </summary>
    public static int OpenNoFollow => RuntimeInformation.ProcessArchitecture is Architecture.Arm or Architecture.Armv6 ? 0x8000 : 0x20000;

    /// <summary>O_WRONLY | O_NONBLOCK on Linux (same value on x86_64, arm64 and armhf).</summary>
    public const int OpenWriteOnlyNonBlocking = 0x1 | 0x800;

    /// <summary>O_RDONLY | O_NONBLOCK on Linux (same value on x86_64, arm64 and armhf).</summary>
    public const int OpenReadOnlyNonBlocking = 0x800;

    /// <summary>fcntl command that sets a pipe's capacity (Linux).</summary>
    public const int SetPipeSize = 1031;

    [LibraryImport(Library, EntryPoint = "fcntl", SetLastError = true)]
    public static partial int Fcntl(nint fd, int command, int argument);

    [LibraryImport(Library, EntryPoint = "fsync", SetLastError = true)]
    public static partial int FSync(int fd);

    [LibraryImport(Library, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    /// <summary>fchown(2): sets the numeric owner and group of an open file (root only, for another owner than oneself).</summary>
    [LibraryImport(Library, EntryPoint = "fchown", SetLastError = true)]
    public static partial int FChown(int fd, uint owner, uint group);

    /// <summary>statx's flag: describe a symbolic link itself, as lstat does.</summary>
    public const int AtSymlinkNoFollow = 0x100;

    /// <summary>statx's flag: with an empty path, describe the open file descriptor itself, as fstat does.</summary>
    public const int AtEmptyPath = 0x1000;

    /// <summary>STATX_BASIC_STATS: type, mode, owner, size, inode, ...</summary>
    public const uint StatxBasicStats = 0x7ff;

    /// <summary>Size of struct statx, whose layout (unlike struct stat's) is the same on every Linux architecture.</summary>
    public const int StatxSize = 256;

    /// <summary>statx(2) (glibc 2.28+, Linux only): fills <paramref name="buffer"/> with a struct statx.</summary>
    [LibraryImport(Library, EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Statx(int dirFd, string path, int flags, uint mask, [Out] byte[] buffer);

    /// <summary>realpath(3) with a NULL buffer: a malloc'ed string the caller frees with <see cref="Free"/>, or 0.</summary>
    [LibraryImport(Library, EntryPoint = "realpath", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint RealPath(string path, nint resolved);

    [LibraryImport(Library, EntryPoint = "free")]
    public static partial void Free(nint pointer);

    [LibraryImport(Library, EntryPoint = "geteuid")]
    public static partial uint GetEuid();

    /// <summary>opendir(3) of a UTF-8 path: a DIR* for <see cref="ReadDir64"/>, or 0 with errno set.</summary>
    [LibraryImport(Library, EntryPoint = "opendir", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint OpenDir(string path);

    /// <summary>
    /// readdir64(3): the next struct dirent64, or 0 at the end (errno unchanged) or on failure (errno set; clear it
    /// before the call to tell them apart). dirent64 has one layout on every glibc architecture: d_ino (8 bytes),
    /// d_off (8), d_reclen (2), d_type (1), then d_name, NUL-terminated, at <see cref="DirentNameOffset"/>.
    /// </summary>
    [LibraryImport(Library, EntryPoint = "readdir64", SetLastError = true)]
    public static partial nint ReadDir64(nint directory);

    /// <summary>Offset of d_name in struct dirent64.</summary>
    public const int DirentNameOffset = 19;

    [LibraryImport(Library, EntryPoint = "closedir")]
    public static partial int CloseDir(nint directory);

    /// <summary>readlink(2): the link's target as raw bytes into <paramref name="buffer"/> (not NUL-terminated); returns its length or -1.</summary>
    [LibraryImport(Library, EntryPoint = "readlink", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint ReadLink(string path, [Out] byte[] buffer, nint size);

    /// <summary>llistxattr(2): the extended attribute names of a path (not following a final link), NUL-separated; size 0 asks for the length.</summary>
    [LibraryImport(Library, EntryPoint = "llistxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint LListXattr(string path, [Out] byte[]? buffer, nint size);

    /// <summary>lgetxattr(2): one extended attribute's value (not following a final link); size 0 asks for the length.</summary>
    [LibraryImport(Library, EntryPoint = "lgetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint LGetXattr(string path, string name, [Out] byte[]? buffer, nint size);

    /// <summary>renameat2's flag: swap the two names atomically (both must exist; Linux 3.15+, most local file systems).</summary>
    public const uint RenameExchange = 2;

    /// <summary>utimensat's tv_nsec value that leaves a time as it is.</summary>
    public const long UtimeOmit = (1L << 30) - 2;

    [LibraryImport(Library, EntryPoint = "mkdir", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int MkDir(string path, uint mode);

    /// <summary>lchown(2): the owner of the entry itself, a symbolic link's included (never its target).</summary>
    [LibraryImport(Library, EntryPoint = "lchown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int LChown(string path, uint owner, uint group);

    /// <summary>
    /// utimensat(2): <paramref name="times"/> is struct timespec[2] (access, modification) as 4 native longs (time_t and
    /// long are both pointer-sized on the Linux ABIs .NET runs on); with <see cref="AtSymlinkNoFollow"/>, a link's own times.
    /// </summary>
    [LibraryImport(Library, EntryPoint = "utimensat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int UtimensAt(int dirFd, string path, [In] nint[] times, int flags);

    /// <summary>lsetxattr(2): an extended attribute of the entry itself, never of a link's target.</summary>
    [LibraryImport(Library, EntryPoint = "lsetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int LSetXattr(string path, string name, [In] byte[] value, nuint size, int flags);

    /// <summary>An IOException carrying <paramref name="errno"/> as HResult, like the ones .NET throws on Unix.</summary>
    public static IOException ErrnoException(int errno, string what) =>
        new($"{what}: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
}
