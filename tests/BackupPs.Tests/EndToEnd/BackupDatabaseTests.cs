using BackupPs.Tests.Infrastructure;
using Xunit;
using static BackupPs.Tests.EndToEnd.BackupTestHelpers;

namespace BackupPs.Tests.EndToEnd;

/// <summary>Backup-Database against real PostgreSQL in a real container, through the CLI.</summary>
[Collection(SharedPostgres.Name)]
public sealed class BackupDatabaseTests(SharedPostgresServer pg)
{
    [Theory]
    [InlineData("Custom", "Zstd", ".dump.zst")]
    [InlineData("Custom", "Gzip", ".dump.gz")]
    [InlineData("Plain", "Zstd", ".sql.zst")]
    [InlineData("Plain", "Gzip", ".sql.gz")]
    public void WritesAProvenBackupWithExactRowCountsAndSecurePermissions(string format, string compression, string extension)
    {
        var root = NewRoot();
        var record = Backup(pg, root, "--format", format, "--compression", compression);

        var path = record.GetProperty("Path").GetString()!;
        Assert.EndsWith(extension, path);
        Assert.StartsWith(Path.Combine(root, "prod", "app", "app-prod-"), path);
        Assert.Equal(format, record.GetProperty("Format").GetString());
        Assert.Equal("prod", record.GetProperty("Environment").GetString());
        Assert.Equal(pg.Name, record.GetProperty("Container").GetString());
        Assert.StartsWith("15.", record.GetProperty("ServerVersion").GetString());
        Assert.Equal(new FileInfo(path).Length, record.GetProperty("SizeBytes").GetInt64());

        // Row counts come from the dump stream and must equal what the server holds.
        var expected = pg.RowCounts();
        var recorded = Tables(record);
        Assert.Equal(expected.OrderBy(kv => kv.Key), recorded.OrderBy(kv => kv.Key));
        Assert.Contains(recorded, kv => kv.Value > 0);

        // 0600 files, 0700 folders, and nothing but the artifact and its manifest.
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(record.GetProperty("ManifestPath").GetString()!));
        foreach (var dir in new[] { root + "/prod", root + "/prod/app" })
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(dir));
        }

        Assert.Equal(2, Files(root).Length);
    }

    [Theory]
    [InlineData("Custom", "Zstd", "zstd -dc")]
    [InlineData("Custom", "Gzip", "gunzip -c")]
    [InlineData("Plain", "Zstd", "zstd -dc")]
    [InlineData("Plain", "Gzip", "gunzip -c")]
    public void RestoresByHandWithStandardTools(string format, string compression, string decompress)
    {
        var root = NewRoot();
        var path = Backup(pg, root, "--format", format, "--compression", compression).GetProperty("Path").GetString()!;
        var database = "byhand_" + Guid.NewGuid().ToString("N")[..8];
        pg.Psql($"create database {database}", "postgres");
        try
        {
            // Exactly the README's commands: decompress on the host, pipe into the container's client.
            var restore = format == "Custom"
                ? $"{decompress} '{path}' | docker exec -i {pg.Name} pg_restore -U app -d {database} --exit-on-error"
                : $"{decompress} '{path}' | docker exec -i {pg.Name} psql -X -q -U app -d {database} -v ON_ERROR_STOP=1";
            var result = ProcessRunner.Bash(restore);
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Equal(pg.RowCounts().OrderBy(kv => kv.Key), pg.RowCounts(database).OrderBy(kv => kv.Key));
        }
        finally
        {
            pg.Psql($"drop database if exists {database}", "postgres");
        }
    }

    [Fact]
    public void NeverOverwritesAndTwoBackupsSitSideBySide()
    {
        var root = NewRoot();
        var first = Backup(pg, root).GetProperty("Path").GetString()!;
        var hash = File.ReadAllBytes(first);
        Thread.Sleep(1100);
        var second = Backup(pg, root).GetProperty("Path").GetString()!;
        Assert.NotEqual(first, second);
        Assert.Equal(hash, File.ReadAllBytes(first));
        Assert.Equal(4, Files(root).Length);
    }

    [Fact]
    public async Task ThreeBackupsStartedTogetherAllSucceedEachWithItsOwnNameAndManifest()
    {
        // Three schedulers firing at once: usually the same second, and then two of them used to fail
        // with BackupAlreadyExists after their whole dump.
        var root = NewRoot();
        var runs = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => BackupPsCli.RunAsync(null, _ => { },
            "backup-database", "--container", pg.Name, "--environment", "prod", "--path", root, "--json")));

        foreach (var run in runs)
        {
            Assert.True(run.ExitCode == 0, run.ToString());
        }

        var paths = runs.Select(r => Assert.Single(BackupPsCli.JsonLines(r)).GetProperty("Path").GetString()!).ToArray();
        Assert.Equal(3, paths.Distinct().Count());
        Assert.Equal(6, Files(root).Length);
        foreach (var path in paths)
        {
            Assert.True(File.Exists(Core.Catalog.BackupNames.ManifestPathFor(path)), path);
            var test = BackupPsCli.Run("test-backup", path, "--json");
            Assert.True(test.ExitCode == 0, test.ToString());
            Assert.True(Assert.Single(BackupPsCli.JsonLines(test)).GetProperty("Passed").GetBoolean());
        }

        var listed = BackupPsCli.JsonLines(BackupPsCli.Run("get-backup", "--path", root, "--json")).Select(r => r.GetProperty("Path").GetString()!);
        Assert.Equal(paths.Order(), listed.Order());
    }

    [Fact]
    public void ResolvesTheDatabaseAndUserFromTheContainerEnvironment()
    {
        // No --database and no credential: POSTGRES_DB / POSTGRES_USER / POSTGRES_PASSWORD of the container.
        var record = Backup(pg, NewRoot());
        Assert.Equal("app", record.GetProperty("Database").GetString());
    }

    [Fact]
    public void WhatIfDescribesTheBackupAndWritesNothing()
    {
        var root = Path.Combine(NewRoot(), "whatif");
        var result = BackupPsCli.Run("backup-database", "--container", pg.Name, "--environment", "prod", "--path", root, "--what-if");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"What if: Performing the operation \"Back up as prod (Custom, Zstd) to {root}/prod/app\" on target \"database app in container {pg.Name}\"", result.Stdout);
        Assert.False(Directory.Exists(root));
    }
}
