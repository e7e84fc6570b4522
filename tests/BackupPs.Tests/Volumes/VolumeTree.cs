using System.Security.Cryptography;
using BackupPs.Core.Storage;

namespace BackupPs.Tests.Volumes;

/// <summary>
/// A small tree with everything a volume restore must keep (owners, modes with setuid/setgid/sticky, sub-second mtimes,
/// relative and absolute symbolic links, a hard link, an empty folder, a hidden file), written straight into a volume's
/// folder (the tests run as root), and a snapshot of a tree to compare two of them by.
/// </summary>
internal static class VolumeTree
{
    /// <summary>Fills <paramref name="root"/> (a volume's empty _data folder).</summary>
    public static void Write(string root)
    {
        var mtime = new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(1234567);
        Directory.CreateDirectory(Path.Combine(root, "pgdata", "base"));
        Directory.CreateDirectory(Path.Combine(root, "empty"));
        Directory.CreateDirectory(Path.Combine(root, "shared"));
        File.WriteAllText(Path.Combine(root, "pgdata", "PG_VERSION"), "15\n");
        File.WriteAllBytes(Path.Combine(root, "pgdata", "base", "1259"), RandomNumberGenerator.GetBytes(300_000));
        File.WriteAllText(Path.Combine(root, ".hidden"), "dot file\n");
        File.WriteAllText(Path.Combine(root, "shared", "tool"), "#!/bin/sh\n");
        File.CreateSymbolicLink(Path.Combine(root, "current"), "pgdata/PG_VERSION");
        File.CreateSymbolicLink(Path.Combine(root, "zoneinfo"), "/usr/share/zoneinfo/UTC");
        Assert.Equal(0, Link(Path.Combine(root, "pgdata", "PG_VERSION"), Path.Combine(root, "version-hardlink")));
        Chown(root, 999, 999);
        Chown(Path.Combine(root, "pgdata"), 999, 999);
        Chown(Path.Combine(root, "pgdata", "PG_VERSION"), 999, 999);
        Chown(Path.Combine(root, "pgdata", "base"), 999, 999);
        Chown(Path.Combine(root, "pgdata", "base", "1259"), 999, 70);
        Chown(Path.Combine(root, "current"), 999, 999);
        File.SetUnixFileMode(Path.Combine(root, "pgdata"), (UnixFileMode)0x1c0); // 0700
        File.SetUnixFileMode(Path.Combine(root, "pgdata", "PG_VERSION"), (UnixFileMode)0x180); // 0600
        File.SetUnixFileMode(Path.Combine(root, "shared"), (UnixFileMode)0x5fd); // 2775
        File.SetUnixFileMode(Path.Combine(root, "empty"), (UnixFileMode)0x3ff); // 1777
        File.SetUnixFileMode(Path.Combine(root, "shared", "tool"), (UnixFileMode)0x9ed); // 4755
        foreach (var path in new[] { "pgdata/PG_VERSION", "pgdata/base/1259", ".hidden", "shared/tool", "pgdata/base", "empty", "shared", "pgdata" })
        {
            File.SetLastWriteTimeUtc(Path.Combine(root, path), mtime);
        }

        File.SetUnixFileMode(root, (UnixFileMode)0x1c0);
        Directory.SetLastWriteTimeUtc(root, mtime);
    }

    /// <summary>
    /// Every entry under <paramref name="root"/> (never following links): type, mode, owner, size, content hash, link target,
    /// mtime (to the second unless <paramref name="subSecond"/>), and which hard-link group it is in.
    /// </summary>
    public static SortedDictionary<string, string> Snapshot(string root, bool subSecond)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var inodes = new Dictionary<ulong, string>();
        void Visit(string path, string relative)
        {
            var status = EntryStatus.Read(path)!.Value;
            var info = new FileInfo(path);
            var mtime = subSecond ? info.LastWriteTimeUtc.Ticks : info.LastWriteTimeUtc.Ticks / TimeSpan.TicksPerSecond;
            var what = status.Kind switch
            {
                EntryKind.RegularFile => $"file {status.Size} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)))}",
                EntryKind.SymbolicLink => $"link {info.LinkTarget}",
                _ => status.Kind.ToString(),
            };
            if (status.Kind == EntryKind.RegularFile && status.LinkCount > 1)
            {
                what += " linked-with " + (inodes.TryGetValue(status.Inode, out var first) ? first : inodes[status.Inode] = relative);
            }

            result[relative] = $"{what} mode {Convert.ToString((int)status.Mode & 0xFFF, 8)} owner {status.Owner}:{status.Group} mtime {(status.Kind == EntryKind.SymbolicLink ? "-" : mtime)}";
            if (status.Kind == EntryKind.Directory)
            {
                foreach (var child in Directory.EnumerateFileSystemEntries(path).Order(StringComparer.Ordinal))
                {
                    Visit(child, relative == "." ? Path.GetFileName(child) : relative + "/" + Path.GetFileName(child));
                }
            }
        }

        Visit(root, ".");
        return result;
    }

    private static void Chown(string path, uint uid, uint gid) => Assert.Equal(0, LibC.LChown(path, uid, gid));

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "link", SetLastError = true)]
    private static extern int Link(string existing, string created);
}
