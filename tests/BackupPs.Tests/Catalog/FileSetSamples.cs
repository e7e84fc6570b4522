using BackupPs.Core.Catalog;
using BackupPs.Core.Compression;

namespace BackupPs.Tests.Catalog;

/// <summary>
/// Manifests of file sets (EnvFile, Directory, Volume) as the backup commands write them, hand-made so catalog and
/// validator tests need no engine: each passes FileSetValidator, and a test spoils one field of its JSON.
/// </summary>
internal static class FileSetSamples
{
    /// <summary>A valid manifest of a <paramref name="kind"/> backup of <paramref name="name"/> started at <paramref name="started"/>.</summary>
    public static BackupManifest Valid(BackupKind kind, string name, DateTimeOffset started, string environment = "prod",
        CompressionKind compression = CompressionKind.Zstd, int claim = 1)
    {
        IReadOnlyList<FileEntry> files = kind == BackupKind.EnvFile
            ?
            [
                File("opt/app/apps/api/.env", 20, "0600") with { Variables = ["DATABASE_URL", "JWT_SECRET"] },
                File("opt/app/apps/web/.env", 12, "0600") with { Variables = ["API_URL"] },
            ]
            :
            [
                Folder("."),
                Folder("live"),
                File("live/cert.pem", 1200, "0644"),
                File("live/privkey.pem", 1700, "0600"),
                new FileEntry { Path = "live/current", Type = FileEntryType.SymbolicLink, Mode = "0777", LinkTarget = "cert.pem", Modified = Time },
                new FileEntry { Path = "cert-copy.pem", Type = FileEntryType.HardLink, Mode = "0644", LinkTarget = "live/cert.pem", Modified = Time },
            ];
        return new BackupManifest
        {
            Kind = kind,
            Environment = environment,
            Name = name,
            FileName = BackupNames.ArtifactFileName(name, environment, started, compression, claim),
            Compression = compression,
            SizeBytes = 3,
            Sha256 = ManifestSamples.Sha256,
            DumpBytes = 10240,
            StartedUtc = started,
            CompletedUtc = started,
            SourceHost = "pi",
            SourcePaths = kind switch
            {
                BackupKind.EnvFile => ["/opt/app/apps/api/.env", "/opt/app/apps/web/.env"],
                BackupKind.Volume => ["/var/lib/docker/volumes/" + name + "/_data"],
                _ => ["/opt/app/" + name],
            },
            Volume = kind == BackupKind.Volume
                ? new VolumeSource { Name = name, Driver = "local", ReadThrough = "Mountpoint", Labels = new Dictionary<string, string> { ["com.docker.compose.volume"] = "db-data" } }
                : null,
            Consistency = BackupConsistency.Consistent,
            Files = files,
            FileCount = files.Count,
            TotalBytes = files.Sum(f => f.Size),
        };
    }

    /// <summary>A folder entry.</summary>
    public static FileEntry Folder(string path) => new() { Path = path, Type = FileEntryType.Directory, Mode = "0755", Modified = Time };

    /// <summary>A regular file entry of <paramref name="size"/> bytes.</summary>
    public static FileEntry File(string path, long size, string mode) =>
        new() { Path = path, Type = FileEntryType.File, Size = size, Mode = mode, Sha256 = ManifestSamples.Sha256, Modified = Time };

    /// <summary>
    /// Writes <paramref name="manifest"/> with a 3-byte artifact where it belongs under <paramref name="root"/>
    /// (&lt;env&gt;/&lt;kind&gt;/&lt;name&gt;/, or &lt;env&gt;/&lt;database&gt;/), or into <paramref name="folder"/> when given; returns the artifact's path.
    /// </summary>
    public static async Task<string> StoreAsync(string root, BackupManifest manifest, string? folder = null)
    {
        folder ??= BackupNames.FolderFor(root, manifest.Environment, manifest.Kind, manifest.CatalogName);
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, manifest.FileName);
        await System.IO.File.WriteAllBytesAsync(path, [1, 2, 3]);
        await ManifestStore.WriteAsync(BackupNames.ManifestPathFor(path), manifest, CancellationToken.None);
        return path;
    }

    private static readonly DateTimeOffset Time = new(2026, 11, 20, 8, 30, 0, 123, TimeSpan.Zero);
}
