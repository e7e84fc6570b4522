using System.Runtime.InteropServices;
using System.Text;
using BackupPs.Core.Catalog;
using BackupPs.Core.Errors;
using BackupPs.Core.Hosting;
using BackupPs.Core.Storage;

namespace BackupPs.Core.Files;

/// <summary>
/// A walk of a folder tree (<see cref="TreeScanner.Scan"/>): <see cref="Entries"/> yields the tree lazily, once;
/// <see cref="Skipped"/> fills while it does, and is complete once <see cref="Entries"/> has been enumerated to the end.
/// </summary>
public sealed class TreeScan
{
    private readonly List<SkippedEntry> _skipped = [];

    internal TreeScan(Func<TreeScan, IEnumerable<SourceEntry>> walk)
    {
        Entries = walk(this);
    }

    /// <summary>The entries in tar order: the root "." first, each folder before what it holds, names in byte order.</summary>
    public IEnumerable<SourceEntry> Entries { get; }

    /// <summary>What was left out, and why (each also reported as an error or, for what vanished, a warning); pass it as <see cref="FileSetSpec.Skipped"/>.</summary>
    public IReadOnlyList<SkippedEntry> Skipped => _skipped;

    internal void Skip(SkippedEntry entry) => _skipped.Add(entry);
}

/// <summary>
/// Walks a folder tree for a backup, as GNU tar does but stricter about what it cannot keep. Every entry is read with
/// lstat (statx, AT_SYMLINK_NOFOLLOW): a symbolic link is an entry of its own, stored as a link and never followed, so the
/// walk never leaves the tree. A regular file met again under another name (same device and inode) becomes a
/// <see cref="FileEntryType.HardLink"/> to its first name. Empty folders are entries. Left out, each with a
/// non-terminating error and a <see cref="SkippedEntry"/>, never silently changed: FIFOs, sockets and devices
/// (<see cref="FileSetErrorIds.SpecialFileSkipped"/>), names and link targets that are not valid UTF-8
/// (<see cref="FileSetErrorIds.NameNotUtf8"/>) or hold a line feed (<see cref="FileSetErrorIds.NameHasNewline"/>).
/// An entry that vanishes between the listing of its folder and its lstat is skipped with a warning. A folder that
/// cannot be listed is yielded with <see cref="SourceEntry.Unreadable"/> set, so the backup fails naming it.
/// Extended attributes are read with llistxattr/lgetxattr; a file system without them (ENOTSUP) has none.
/// Memory: the names of one folder per level of the path being walked, and the first names of hard-linked files;
/// never file contents. Linux only (glibc).
/// </summary>
public static class TreeScanner
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Starts the walk of <paramref name="root"/> (an absolute path of an existing folder); nothing is read until <see cref="TreeScan.Entries"/> is enumerated.</summary>
    /// <param name="exclude">Patterns of entries to leave out (<see cref="ExcludePatterns"/>); an excluded folder is left out whole.</param>
    /// <param name="host">Receives the per-entry errors and warnings.</param>
    public static TreeScan Scan(string root, IReadOnlyList<string>? exclude, IOperationHost host)
    {
        var patterns = new ExcludePatterns(exclude);
        return new TreeScan(scan => Walk(Path.TrimEndingDirectorySeparator(root), patterns, host, scan));
    }

    /// <summary>One folder being walked: its absolute path, its path in the tree, and its remaining child names.</summary>
    private sealed record Level(string FullPath, string RelativePath, Queue<byte[]> Children);

    private static IEnumerable<SourceEntry> Walk(string root, ExcludePatterns exclude, IOperationHost host, TreeScan scan)
    {
        var rootStatus = EntryStatus.Read(root)
            ?? throw new BackupPsException(FileSetErrorIds.SourceNotFound, FailureCategory.ObjectNotFound, $"The folder {root} does not exist (any more).") { Target = root };
        if (rootStatus.Kind != EntryKind.Directory)
        {
            throw new BackupPsException(FileSetErrorIds.SourceNotDirectory, FailureCategory.InvalidArgument, $"{root} is {rootStatus.Describe()}, not a folder.") { Target = root };
        }

        var firstNames = new Dictionary<(ulong Device, ulong Inode), string>();
        var stack = new Stack<Level>();
        var (rootEntry, rootChildren) = Folder(root, ".", rootStatus);
        yield return rootEntry;
        if (rootChildren is not null)
        {
            stack.Push(new Level(root, ".", rootChildren));
        }

        while (stack.Count > 0)
        {
            var level = stack.Peek();
            if (!level.Children.TryDequeue(out var nameBytes))
            {
                stack.Pop();
                continue;
            }

            var shownPath = Join(level.RelativePath, FileSetErrors.ShowBytes(nameBytes));
            string name;
            try
            {
                name = StrictUtf8.GetString(nameBytes);
            }
            catch (DecoderFallbackException)
            {
                Refuse(FileSetErrorIds.NameNotUtf8, shownPath, Path.Combine(level.FullPath, FileSetErrors.ShowBytes(nameBytes)),
                    "its name is not valid UTF-8, which the manifest, the tar's PAX names and a restore need; rename it (convmv -f latin1 -t utf8)");
                continue;
            }

            var relative = Join(level.RelativePath, name);
            var fullPath = Path.Combine(level.FullPath, name);
            if (name.Contains('\n'))
            {
                Refuse(FileSetErrorIds.NameHasNewline, shownPath, fullPath, "its name holds a line feed, which the tar reader of the read-back and the restore cannot read back; rename it");
                continue;
            }

            if (exclude.Matches(relative))
            {
                continue;
            }

            EntryStatus? found;
            string? unknown = null;
            try
            {
                found = EntryStatus.Read(fullPath);
            }
            catch (IOException e)
            {
                // A folder that may be listed but not searched (r without x): its entries exist but cannot be described.
                found = null;
                unknown = $"{fullPath}: its status cannot be read ({e.Message})";
            }

            if (unknown is not null)
            {
                yield return Unknown(relative, unknown);
                continue;
            }

            if (found is not { } status)
            {
                host.WriteWarning($"{fullPath}: vanished while the tree was read; it is not in the backup.");
                scan.Skip(new SkippedEntry(relative, "it vanished while the tree was read"));
                continue;
            }

            switch (status.Kind)
            {
                case EntryKind.Directory:
                    var (folder, children) = Folder(fullPath, relative, status);
                    yield return folder;
                    if (children is not null)
                    {
                        stack.Push(new Level(fullPath, relative, children));
                    }

                    break;
                case EntryKind.RegularFile:
                    yield return RegularFile(fullPath, relative, status, firstNames, host);
                    break;
                case EntryKind.SymbolicLink:
                    if (SymbolicLink(fullPath, relative, shownPath, status) is { } link)
                    {
                        yield return link;
                    }

                    break;
                default:
                    Refuse(FileSetErrorIds.SpecialFileSkipped, relative, fullPath,
                        $"it is {status.Describe()}, which a backup cannot hold as it is (tar of a pipe would block or copy nothing, a device's content is not a file's); exclude it, or back up what it stands for");
                    break;
            }
        }

        void Refuse(string errorId, string shownPath, string fullPath, string why)
        {
            host.WriteError(new BackupPsException(errorId, FailureCategory.InvalidData, $"{fullPath} is not backed up: {why}.") { Target = fullPath });
            scan.Skip(new SkippedEntry(shownPath, why));
        }

        (SourceEntry, Queue<byte[]>?) Folder(string fullPath, string relative, EntryStatus status)
        {
            var entry = Describe(relative, FileEntryType.Directory, status, size: 0, linkTarget: null);
            var attributes = ExtendedAttributes(fullPath, host);
            try
            {
                return (new SourceEntry { Entry = entry, ExtendedAttributes = attributes }, ListNames(fullPath));
            }
            catch (IOException e)
            {
                return (new SourceEntry { Entry = entry, ExtendedAttributes = attributes, Unreadable = $"{fullPath}: the folder cannot be listed ({e.Message})" }, null);
            }
        }

        SourceEntry? SymbolicLink(string fullPath, string relative, string shownPath, EntryStatus status)
        {
            byte[] target;
            try
            {
                target = ReadLink(fullPath);
            }
            catch (FileNotFoundException)
            {
                host.WriteWarning($"{fullPath}: vanished while the tree was read; it is not in the backup.");
                scan.Skip(new SkippedEntry(relative, "it vanished while the tree was read"));
                return null;
            }

            string text;
            try
            {
                text = StrictUtf8.GetString(target);
            }
            catch (DecoderFallbackException)
            {
                Refuse(FileSetErrorIds.NameNotUtf8, shownPath, fullPath, $"it is a symbolic link whose target ({FileSetErrors.ShowBytes(target)}) is not valid UTF-8; point it at a UTF-8 name");
                return null;
            }

            if (text.Contains('\n'))
            {
                Refuse(FileSetErrorIds.NameHasNewline, shownPath, fullPath, "it is a symbolic link whose target holds a line feed, which the tar reader of the read-back and the restore cannot read back");
                return null;
            }

            return new SourceEntry { Entry = Describe(relative, FileEntryType.SymbolicLink, status, size: 0, linkTarget: text), ExtendedAttributes = ExtendedAttributes(fullPath, host) };
        }
    }

    private static SourceEntry RegularFile(string fullPath, string relative, EntryStatus status, Dictionary<(ulong, ulong), string> firstNames, IOperationHost host)
    {
        // Only files with more than one name can be met again: only those are remembered.
        if (status.LinkCount > 1)
        {
            if (firstNames.TryGetValue((status.Device, status.Inode), out var first))
            {
                return new SourceEntry { Entry = Describe(relative, FileEntryType.HardLink, status, size: 0, linkTarget: first) };
            }

            firstNames.Add((status.Device, status.Inode), relative);
        }

        return new SourceEntry
        {
            Entry = Describe(relative, FileEntryType.File, status, status.Size, linkTarget: null),
            // Unbuffered: the archive writer reads in large blocks of its own.
            OpenContent = () => StoreFile.OpenIfUnchanged(fullPath, status, bufferSize: 0),
            ExtendedAttributes = ExtendedAttributes(fullPath, host),
        };
    }

    /// <summary>An entry whose status cannot be read: only its path is known, and the backup will fail naming it.</summary>
    private static SourceEntry Unknown(string relative, string why) =>
        new() { Entry = new FileEntry { Path = relative, Mode = "0000" }, Unreadable = why };

    private static FileEntry Describe(string relative, FileEntryType type, EntryStatus status, long size, string? linkTarget) => new()
    {
        Path = relative,
        Type = type,
        Size = size,
        Mode = FormatMode(status.Mode),
        Uid = status.Owner,
        Gid = status.Group,
        Modified = status.Modified,
        LinkTarget = linkTarget,
    };

    /// <summary>The permission bits with setuid, setgid and sticky as 4 octal digits ("0644", "4755"), as the manifest records them.</summary>
    internal static string FormatMode(UnixFileMode mode) => Convert.ToString((int)mode & 0xFFF, 8).PadLeft(4, '0');

    private static string Join(string folder, string name) => folder == "." ? name : folder + "/" + name;

    /// <summary>The names in a folder (without "." and ".."), in byte order, as raw bytes: a name that is not UTF-8 must be seen as it is.</summary>
    private static Queue<byte[]> ListNames(string folder)
    {
        var directory = LibC.OpenDir(folder);
        if (directory == 0)
        {
            throw LibC.ErrnoException(Marshal.GetLastPInvokeError(), $"Cannot open the folder {folder}");
        }

        var names = new List<byte[]>();
        try
        {
            while (true)
            {
                Marshal.SetLastPInvokeError(0);
                var entry = LibC.ReadDir64(directory);
                if (entry == 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno != 0)
                    {
                        throw LibC.ErrnoException(errno, $"Cannot list the folder {folder}");
                    }

                    break;
                }

                var name = ReadCString(entry + LibC.DirentNameOffset);
                if (name is not [(byte)'.'] and not [(byte)'.', (byte)'.'])
                {
                    names.Add(name);
                }
            }
        }
        finally
        {
            _ = LibC.CloseDir(directory);
        }

        names.Sort((a, b) => a.AsSpan().SequenceCompareTo(b));
        return new Queue<byte[]>(names);
    }

    private static byte[] ReadCString(nint pointer)
    {
        var length = 0;
        while (Marshal.ReadByte(pointer, length) != 0)
        {
            length++;
        }

        var bytes = new byte[length];
        Marshal.Copy(pointer, bytes, 0, length);
        return bytes;
    }

    /// <summary>A symbolic link's target as stored in it, raw bytes; FileNotFoundException when it is gone.</summary>
    private static byte[] ReadLink(string path)
    {
        for (var size = 256; ; size *= 4)
        {
            var buffer = new byte[size];
            var length = (int)LibC.ReadLink(path, buffer, size);
            if (length < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                throw errno is LibC.ENOENT or LibC.EINVAL
                    ? new FileNotFoundException($"{path} is gone.", path)
                    : LibC.ErrnoException(errno, $"Cannot read the symbolic link {path}");
            }

            if (length < size)
            {
                return buffer[..length];
            }
        }
    }

    /// <summary>
    /// The extended attributes of <paramref name="path"/> (not following a link), or null for none. A file system
    /// without them (ENOTSUP) has none; any other failure is a warning (the entry is still backed up, without them).
    /// </summary>
    private static Dictionary<string, byte[]>? ExtendedAttributes(string path, IOperationHost host)
    {
        try
        {
            var list = XattrCall(() => LibC.LListXattr(path, null, 0), (buffer, size) => LibC.LListXattr(path, buffer, size));
            if (list is null || list.Length == 0)
            {
                return null;
            }

            var attributes = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            for (var start = 0; start < list.Length;)
            {
                var end = Array.IndexOf(list, (byte)0, start);
                end = end < 0 ? list.Length : end;
                var raw = list.AsSpan(start..end);
                start = end + 1;
                if (raw.IsEmpty)
                {
                    continue;
                }

                string name;
                try
                {
                    name = StrictUtf8.GetString(raw);
                }
                catch (DecoderFallbackException)
                {
                    host.WriteWarning($"{path}: its extended attribute {FileSetErrors.ShowBytes(raw)} is not kept: its name is not valid UTF-8.");
                    continue;
                }

                var value = XattrCall(() => LibC.LGetXattr(path, name, null, 0), (buffer, size) => LibC.LGetXattr(path, name, buffer, size));
                if (value is not null)
                {
                    attributes[name] = value;
                }
            }

            return attributes.Count == 0 ? null : attributes;
        }
        catch (IOException e)
        {
            host.WriteWarning($"{path}: its extended attributes cannot be read ({e.Message}); it is backed up without them.");
            return null;
        }
    }

    /// <summary>
    /// The usual two-step xattr call: ask the size, then read; again when it grew in between (ERANGE). Null when the file
    /// system has none (ENOTSUP) or the attribute went away (ENODATA).
    /// </summary>
    private static byte[]? XattrCall(Func<nint> askSize, Func<byte[], nint, nint> read)
    {
        while (true)
        {
            var size = askSize();
            if (size >= 0)
            {
                var buffer = new byte[size];
                var got = size == 0 ? 0 : read(buffer, size);
                if (got >= 0)
                {
                    return buffer[..(int)got];
                }
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno == LibC.ERANGE)
            {
                continue;
            }

            return errno is LibC.ENOTSUP or LibC.ENODATA ? null : throw LibC.ErrnoException(errno, "Cannot read extended attributes");
        }
    }

}
