using System.Globalization;
using BackupPs.Core.Catalog;
using BackupPs.Core.Compression;
using BackupPs.Core.Files;
using BackupPs.Tests.Infrastructure;

namespace BackupPs.Tests.FileSets;

/// <summary>
/// A scratch folder with a source tree and a store beside it, built with the shell (names that are not UTF-8, FIFOs,
/// owners, xattrs are made as an operator would make them) and removed with rm -rf (.NET cannot name a non-UTF-8 entry).
/// </summary>
internal sealed class FileSetScratch : IDisposable
{
    public FileSetScratch()
    {
        Root = Path.Combine(Path.GetTempPath(), "backupps-tests", "fileset-" + Guid.NewGuid().ToString("N"));
        Source = Path.Combine(Root, "source");
        Store = Path.Combine(Root, "store");
        Directory.CreateDirectory(Source);
    }

    public string Root { get; }

    /// <summary>The tree to back up.</summary>
    public string Source { get; }

    /// <summary>The backup store (created by the backup).</summary>
    public string Store { get; }

    /// <summary>Runs a shell command in <see cref="Source"/>; asserts it succeeded.</summary>
    public string Sh(string command)
    {
        var result = ProcessRunner.Run("bash", ["-c", $"cd '{Source}' && {command}"]);
        Assert.True(result.ExitCode == 0, $"'{command}' failed: {result.Stderr}");
        return result.Stdout;
    }

    /// <summary>Every entry under <see cref="Root"/>'s store, relative, for "nothing was left" assertions.</summary>
    public string[] StoreEntries() => Directory.Exists(Store)
        ? Directory.EnumerateFileSystemEntries(Store, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(Store, p)).Order().ToArray()
        : [];

    public FileSetSpec Spec(string name = "certs", BackupRecord? baseRecord = null, TimeProvider? clock = null) => new()
    {
        Kind = BackupKind.Directory,
        Name = name,
        Environment = "test",
        StoreRoot = Store,
        Compression = CompressionKind.Zstd,
        SourcePaths = [Source],
        Base = baseRecord,
        Clock = clock ?? TimeProvider.System,
    };

    /// <summary>Scans <see cref="Source"/> and stores it: the engine as Backup-Directory drives it.</summary>
    public async Task<BackupRecord> BackupAsync(RecordingHost host, FileSetSpec? spec = null, IReadOnlyList<string>? exclude = null,
        Func<SourceEntry, SourceEntry>? hook = null, CancellationToken cancellationToken = default)
    {
        var scan = TreeScanner.Scan(Source, exclude, host);
        var entries = hook is null ? scan.Entries : scan.Entries.Select(hook);
        return await FileSetArchive.StoreAsync((spec ?? Spec()) with { Skipped = scan.Skipped, Exclude = exclude }, entries, host, parent: null, cancellationToken);
    }

    /// <summary>Runs GNU tar on the artifact (decompressed by the zstd or gzip CLI): `tar ARGS -f -`.</summary>
    public static ProcessResult Tar(string artifact, string tarArguments)
    {
        var decompress = artifact.EndsWith(".zst", StringComparison.Ordinal) ? "zstd -dc" : "gzip -dc";
        return ProcessRunner.Run("bash", ["-c", $"{decompress} '{artifact}' | tar {tarArguments} -f -"]);
    }

    /// <summary>lstat facts GNU stat prints: type, mode (octal, with setuid/setgid/sticky), uid, gid, size, mtime in ns, link target.</summary>
    public static string Describe(string path) =>
        ProcessRunner.Run("stat", ["-c", "%F %a %u %g %s %.9Y %N", path]).Stdout.Trim().Replace(path, "", StringComparison.Ordinal);

    /// <summary>
    /// Every entry of a tree with its lstat facts: type, mode, uid, gid, mtime, link target, link count, size (a folder's
    /// size left out: it depends on the file system's history). Two faithful copies give the same list. Mtimes are cut to
    /// 100 ns, the precision a tar's PAX mtime (and .NET) keeps.
    /// </summary>
    public static string[] Facts(string tree) =>
        ProcessRunner.Run("bash", ["-c", $"cd '{tree}' && find . -printf '%p|%y|%#m|%U|%G|%T@|%l|%n|%s\\n' | LC_ALL=C sort"]).Stdout
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('|'))
            .Select(f => string.Join('|', f[0], f[1], f[2], f[3], f[4], f[5][..Math.Min(f[5].Length, f[5].IndexOf('.') + 8)], f[6], f[7], f[1] == "d" ? "-" : f[8]))
            .ToArray();

    public void Dispose() => ProcessRunner.Run("rm", ["-rf", Root]);

    /// <summary>A touch -d argument for an instant with a 100 ns fraction (what the tar's PAX mtime keeps).</summary>
    public static string Stamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fffffff", CultureInfo.InvariantCulture) + " UTC";
}
