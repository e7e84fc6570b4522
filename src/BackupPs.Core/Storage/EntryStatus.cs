using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace BackupPs.Core.Storage;

/// <summary>What kind of filesystem entry a path names (the S_IFMT bits of its mode).</summary>
internal enum EntryKind
{
    Other,
    RegularFile,
    Directory,
    SymbolicLink,
    Fifo,
    CharacterDevice,
    BlockDevice,
    Socket,
}

/// <summary>
/// The facts about one filesystem entry that .NET does not give: its kind (a FIFO or a device is not a
/// regular file, though File.Exists says true for both), its owner and its full mode. Read with statx(2),
/// whose struct has one layout on every Linux architecture (struct stat differs between x86_64, arm64 and
/// armhf). Linux only: elsewhere <see cref="IsSupported"/> is false and callers skip these checks.
/// </summary>
internal readonly record struct EntryStatus(EntryKind Kind, uint Owner, UnixFileMode Mode, long Size, ulong Device, ulong Inode)
{
    /// <summary>The numeric group (stx_gid).</summary>
    public uint Group { get; init; }

    /// <summary>How many names the entry has (stx_nlink): more than 1 for a hard-linked file.</summary>
    public uint LinkCount { get; init; }

    /// <summary>Last modification of the content (stx_mtime), UTC, to 100 ns ticks.</summary>
    public DateTimeOffset Modified { get; init; }

    /// <summary>Last change of the content or the metadata (stx_ctime) in nanoseconds since the epoch: compared, never shown.</summary>
    public long ChangedNanoseconds { get; init; }

    private const int ENOENT = 2;
    private const int ENOTDIR = 20;

    public static bool IsSupported => OperatingSystem.IsLinux();

    /// <summary>The effective user id of this process (the owner its new files get).</summary>
    public static uint CurrentUser => LibC.GetEuid();

    /// <summary>
    /// The entry <paramref name="path"/> names, not following a final symbolic link (as lstat) unless
    /// <paramref name="followLinks"/> (as stat); null when there is none.
    /// </summary>
    public static EntryStatus? Read(string path, bool followLinks = false)
    {
        var buffer = new byte[LibC.StatxSize];
        if (LibC.Statx(LibC.AtFdCwd, path, followLinks ? 0 : LibC.AtSymlinkNoFollow, LibC.StatxBasicStats, buffer) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno is ENOENT or ENOTDIR ? null : throw LibC.ErrnoException(errno, $"Cannot read the status of {path}");
        }

        return Parse(buffer);
    }

    /// <summary>The file an open descriptor refers to (as fstat).</summary>
    public static EntryStatus Read(SafeFileHandle handle)
    {
        var buffer = new byte[LibC.StatxSize];
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            if (LibC.Statx((int)handle.DangerousGetHandle(), "", LibC.AtEmptyPath, LibC.StatxBasicStats, buffer) != 0)
            {
                throw LibC.ErrnoException(Marshal.GetLastPInvokeError(), "Cannot read the status of an open file");
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }

        return Parse(buffer);
    }

    /// <summary>The absolute path with every symbolic link resolved (realpath(3)), or null when it does not exist.</summary>
    public static string? RealPath(string path)
    {
        var resolved = LibC.RealPath(path, 0);
        if (resolved == 0)
        {
            return null;
        }

        try
        {
            return Marshal.PtrToStringUTF8(resolved);
        }
        finally
        {
            LibC.Free(resolved);
        }
    }

    /// <summary>True when users other than the owner and the group may write (a sticky directory only lets them add entries of their own).</summary>
    public bool IsOtherWritable => (Mode & UnixFileMode.OtherWrite) != 0 && !IsStickyDirectory;

    /// <summary>True when the group may write.</summary>
    public bool IsGroupWritable => (Mode & UnixFileMode.GroupWrite) != 0 && !IsStickyDirectory;

    /// <summary>True for a directory with the sticky bit: only an entry's owner (or the directory's) may remove or replace it.</summary>
    public bool IsStickyDirectory => Kind == EntryKind.Directory && (Mode & UnixFileMode.StickyBit) != 0;

    /// <summary>A human word for the kind: "a FIFO", "a character device".</summary>
    public string Describe() => Kind switch
    {
        EntryKind.RegularFile => "a file",
        EntryKind.Directory => "a directory",
        EntryKind.SymbolicLink => "a symbolic link",
        EntryKind.Fifo => "a FIFO (named pipe)",
        EntryKind.CharacterDevice => "a character device",
        EntryKind.BlockDevice => "a block device",
        EntryKind.Socket => "a socket",
        _ => "a special file",
    };

    /// <summary>The fields of a struct statx used here, at their fixed offsets (native byte order).</summary>
    private static EntryStatus Parse(byte[] statx)
    {
        T Field<T>(int offset) where T : struct => MemoryMarshal.Read<T>(statx.AsSpan(offset));
        var mode = Field<ushort>(28);
        var kind = (mode & 0xF000) switch
        {
            0x8000 => EntryKind.RegularFile,
            0x4000 => EntryKind.Directory,
            0xA000 => EntryKind.SymbolicLink,
            0x1000 => EntryKind.Fifo,
            0x2000 => EntryKind.CharacterDevice,
            0x6000 => EntryKind.BlockDevice,
            0xC000 => EntryKind.Socket,
            _ => EntryKind.Other,
        };
        // A struct statx_timestamp is tv_sec (int64) then tv_nsec (uint32) and padding: ctime at 96, mtime at 112.
        long Nanoseconds(int offset) => (Field<long>(offset) * 1_000_000_000) + Field<uint>(offset + 8);
        return new EntryStatus(kind, Owner: Field<uint>(20), Mode: (UnixFileMode)(mode & 0xFFF), Size: (long)Field<ulong>(40),
            Device: ((ulong)Field<uint>(136) << 32) | Field<uint>(140), Inode: Field<ulong>(32))
        {
            Group = Field<uint>(24),
            LinkCount = Field<uint>(16),
            Modified = DateTimeOffset.UnixEpoch.AddTicks((Field<long>(112) * TimeSpan.TicksPerSecond) + (Field<uint>(120) / 100)),
            ChangedNanoseconds = Nanoseconds(96),
        };
    }
}
