using BackupPs.Core.Catalog;
using BackupPs.Core.Compression;
using BackupPs.Core.Postgres;

namespace BackupPs.Tests.Catalog;

/// <summary>Manifests as Backup-Database writes them, for tests that need a valid one (and then spoil one field).</summary>
internal static class ManifestSamples
{
    public const string ContainerId = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    public const string Sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    /// <summary>A valid manifest of app (prod) for <paramref name="fileName"/>, whose extension decides format and compression.</summary>
    public static BackupManifest Valid(string fileName, DateTimeOffset started, DateTimeOffset? completed = null, string container = "db",
        string environment = "prod", string database = "app")
    {
        var end = completed ?? started;
        var custom = fileName.Contains(".dump.", StringComparison.Ordinal);
        return new BackupManifest
        {
            Environment = environment,
            Database = database,
            FileName = fileName,
            Format = custom ? BackupFormat.Custom : BackupFormat.Plain,
            Compression = fileName.EndsWith(".zst", StringComparison.Ordinal) ? CompressionKind.Zstd : CompressionKind.Gzip,
            SizeBytes = 3,
            Sha256 = Sha256,
            DumpBytes = 100,
            StartedUtc = started,
            CompletedUtc = end,
            Elapsed = end - started,
            Container = container,
            ContainerId = ContainerId,
            Image = "postgres:15",
            ImageId = "sha256:" + ContainerId,
            ServerVersion = "15.14 (Debian 15.14-0+deb12u1)",
            PgDumpVersion = "15.14 (Debian 15.14-0+deb12u1)",
            ArchiveVersion = custom ? "1.14-0" : null,
            Tables = [new TableRowCount("public", "loans", 42)],
            TotalRows = 42,
        };
    }
}
