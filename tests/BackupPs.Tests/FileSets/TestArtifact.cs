using System.Formats.Tar;
using BackupPs.Core.Catalog;
using BackupPs.Core.Compression;
using BackupPs.Core.Files;
using BackupPs.Core.Storage;

namespace BackupPs.Tests.FileSets;

/// <summary>One entry of a hand-made file set: its manifest entry and, for a file, its content.</summary>
internal sealed record TestEntry(FileEntry Entry, byte[]? Content = null);

/// <summary>
/// Builds file set artifacts and manifests by hand (System.Formats.Tar, as the engine contract describes them), independent
/// of the writer: for the reader's tests, and, with a tar or a manifest spoilt on purpose, the malicious archives a restore
/// must refuse. Entries come from a real tree (<see cref="FromTree"/>) or are listed one by one.
/// </summary>
internal static class TestArtifact
{
    public const string Environment = "test";

    public static readonly DateTimeOffset Started = new(2026, 11, 21, 2, 0, 0, TimeSpan.Zero);

    /// <summary>A file entry with this content, mode 0644, owned by root, modified at a time with sub-second digits.</summary>
    public static TestEntry File(string path, string content, string mode = "0644", long uid = 0, long gid = 0, string? storedIn = null) =>
        File(path, System.Text.Encoding.UTF8.GetBytes(content), mode, uid, gid, storedIn);

    public static TestEntry File(string path, byte[] content, string mode = "0644", long uid = 0, long gid = 0, string? storedIn = null) =>
        new(new FileEntry
        {
            Path = path, Type = FileEntryType.File, Size = content.Length, Mode = mode, Uid = uid, Gid = gid, Modified = Time(path),
            Sha256 = Sha256(content), StoredIn = storedIn,
        }, content);

    public static TestEntry Folder(string path, string mode = "0755", long uid = 0, long gid = 0) =>
        new(new FileEntry { Path = path, Type = FileEntryType.Directory, Mode = mode, Uid = uid, Gid = gid, Modified = Time(path) });

    public static TestEntry Symlink(string path, string target) =>
        new(new FileEntry { Path = path, Type = FileEntryType.SymbolicLink, Mode = "0777", Modified = Time(path), LinkTarget = target });

    public static TestEntry HardLink(string path, TestEntry first) =>
        new(first.Entry with { Path = path, Type = FileEntryType.HardLink, Size = 0, Sha256 = null, LinkTarget = first.Entry.Path, StoredIn = null });

    public static string Sha256(byte[] content) => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(content)).ToLowerInvariant();

    /// <summary>A stable mtime per path, with 100 ns digits, so the restore's mtimes can be compared exactly.</summary>
    private static DateTimeOffset Time(string path) => Started.AddDays(-30).AddTicks((uint)StringComparer.Ordinal.GetHashCode(path) % 100_000_000_000L + 1234567);

    /// <summary>
    /// The entries of a real folder tree, as the writer reads it: "." first, then depth first in ordinal order, lstat's
    /// facts, symbolic links never followed, a file's second name a hard link to its first.
    /// </summary>
    public static List<TestEntry> FromTree(string root)
    {
        var entries = new List<TestEntry>();
        var firstNames = new Dictionary<(ulong, ulong), string>();
        void Add(string path, string relative)
        {
            var status = EntryStatus.Read(path)!.Value;
            var entry = new FileEntry
            {
                Path = relative, Mode = ManifestEntryMatch.ModeText(status.Mode), Uid = status.Owner, Gid = status.Group, Modified = status.Modified,
                Type = status.Kind switch
                {
                    EntryKind.Directory => FileEntryType.Directory,
                    EntryKind.SymbolicLink => FileEntryType.SymbolicLink,
                    _ => FileEntryType.File,
                },
            };
            if (status.Kind == EntryKind.SymbolicLink)
            {
                entries.Add(new TestEntry(entry with { LinkTarget = new FileInfo(path).LinkTarget }));
            }
            else if (status.Kind == EntryKind.RegularFile && status.LinkCount > 1 && firstNames.TryGetValue((status.Device, status.Inode), out var first))
            {
                entries.Add(new TestEntry(entry with { Type = FileEntryType.HardLink, LinkTarget = first }));
            }
            else if (status.Kind == EntryKind.RegularFile)
            {
                firstNames[(status.Device, status.Inode)] = relative;
                var content = System.IO.File.ReadAllBytes(path);
                entries.Add(new TestEntry(entry with { Size = content.Length, Sha256 = Sha256(content) }, content));
            }
            else
            {
                entries.Add(new TestEntry(entry));
                foreach (var child in Directory.EnumerateFileSystemEntries(path).Order(StringComparer.Ordinal))
                {
                    Add(child, relative == "." ? Path.GetFileName(child) : relative + "/" + Path.GetFileName(child));
                }
            }
        }

        Add(root, ".");
        return entries;
    }

    /// <summary>Writes one tar entry for <paramref name="item"/>, as the engine contract says the writer does.</summary>
    /// <param name="xattrs">Extended attributes, written as GNU tar's SCHILY.xattr.* records.</param>
    public static void WriteEntry(TarWriter tar, TestEntry item, string? name = null, byte[]? content = null, IReadOnlyDictionary<string, string>? xattrs = null)
    {
        var e = item.Entry;
        var type = e.Type switch
        {
            FileEntryType.File => TarEntryType.RegularFile,
            FileEntryType.Directory => TarEntryType.Directory,
            FileEntryType.SymbolicLink => TarEntryType.SymbolicLink,
            _ => TarEntryType.HardLink,
        };
        var records = (xattrs ?? new Dictionary<string, string>()).ToDictionary(x => "SCHILY.xattr." + x.Key, x => x.Value);
        var entry = new PaxTarEntry(type, name ?? ManifestEntryMatch.TarName(e), records)
        {
            Mode = ManifestEntryMatch.Mode(e), Uid = (int)e.Uid, Gid = (int)e.Gid, ModificationTime = e.Modified,
        };
        if (e.LinkTarget is not null)
        {
            entry.LinkName = e.LinkTarget;
        }

        if ((content ?? item.Content) is { } bytes)
        {
            entry.DataStream = new MemoryStream(bytes);
        }

        tar.WriteEntry(entry);
    }

    /// <summary>
    /// Writes an artifact and its manifest into <paramref name="folder"/> and returns the artifact's path and manifest. The
    /// tar holds the entries without StoredIn, in order, unless <paramref name="writeTar"/> writes something else;
    /// <paramref name="spoilTar"/> changes the uncompressed tar bytes (truncation, say) before they are compressed.
    /// </summary>
    public static (string Path, BackupManifest Manifest) Write(string folder, IReadOnlyList<TestEntry> entries, string name = "certs",
        DateTimeOffset? started = null, CompressionKind compression = CompressionKind.Zstd, string? baseFileName = null,
        Action<TarWriter>? writeTar = null, Func<byte[], byte[]>? spoilTar = null, BackupKind kind = BackupKind.Directory, string? sourcePath = null)
    {
        var start = started ?? Started;
        var tarBytes = new MemoryStream();
        using (var tar = new TarWriter(tarBytes, TarEntryFormat.Pax, leaveOpen: true))
        {
            if (writeTar is not null)
            {
                writeTar(tar);
            }
            else
            {
                foreach (var item in entries.Where(i => i.Entry.StoredIn is null))
                {
                    WriteEntry(tar, item);
                }
            }
        }

        var uncompressed = spoilTar is null ? tarBytes.ToArray() : spoilTar(tarBytes.ToArray());
        var fileName = BackupNames.ArtifactFileName(name, Environment, start, compression);
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, fileName);
        using (var file = System.IO.File.Create(path))
        {
            using var compressor = CompressionStreams.CreateCompressor(compression, file);
            compressor.Write(uncompressed);
        }

        var compressed = System.IO.File.ReadAllBytes(path);
        var files = entries.Select(i => i.Entry).ToList();
        var manifest = new BackupManifest
        {
            Kind = kind, Environment = Environment, Name = name, FileName = fileName, Compression = compression,
            SizeBytes = compressed.Length, Sha256 = Sha256(compressed),
            DumpBytes = uncompressed.Length, StartedUtc = start, CompletedUtc = start.AddSeconds(1), Elapsed = TimeSpan.FromSeconds(1), SourceHost = "pi", SourcePaths = [sourcePath ?? "/opt/app/" + name],
            Volume = kind == BackupKind.Volume ? new VolumeSource { Name = name, Driver = "local", ReadThrough = "Mountpoint" } : null,
            Consistency = BackupConsistency.Consistent, BaseFileName = baseFileName, Files = files, FileCount = files.Count,
            TotalBytes = files.Sum(f => f.Size),
        };
        ManifestStore.WriteAsync(BackupNames.ManifestPathFor(path), manifest, CancellationToken.None).GetAwaiter().GetResult();
        return (path, ManifestStore.Read(BackupNames.ManifestPathFor(path)));
    }
}
