using System.Text.Json;
using BackupPs.Tests.Infrastructure;
using Xunit;

namespace BackupPs.Tests.EndToEnd;

/// <summary>
/// Three real servers for the restore tests: Source (PostgreSQL 15, the seed database "app" plus the
/// rich schema in "rich", whose roles bps_owner/bps_reader exist only here), Bare (PostgreSQL 15,
/// no extra roles: a server "without the original roles") and Pg17 (Debian trixie's PostgreSQL 17,
/// for dumps from a newer major version).
/// </summary>
public sealed class RestoreServers : IAsyncLifetime
{
    public PostgresContainer Source { get; } = new(scale: 2);

    public PostgresContainer Bare { get; } = new(scale: 0);

    public PostgresContainer Pg17 { get; } = new(scale: 0, image: PostgresContainer.Image17);

    public async Task InitializeAsync()
    {
        await Task.WhenAll(Source.InitializeAsync(), Bare.InitializeAsync(), Pg17.InitializeAsync());
        Source.LoadRichSchema("rich");
        Pg17.LoadRichSchema("rich");
    }

    public async Task DisposeAsync() => await Task.WhenAll(Source.DisposeAsync(), Bare.DisposeAsync(), Pg17.DisposeAsync());
}

internal static class RestoreTestSupport
{
    /// <summary>backup-database of one database, returning the artifact's path.</summary>
    public static string BackupOf(PostgresContainer pg, string database, string environment = "dev", params string[] extra) =>
        BackupTestHelpers.Backup(pg, BackupTestHelpers.NewRoot(), ["--database", database, "--environment", environment, .. extra])
            .GetProperty("Path").GetString()!;

    /// <summary>backup-database of one database run by <paramref name="account"/> into a folder it owns, returning the artifact's path.</summary>
    public static async Task<string> OperatorBackupAsync(OperatorAccount account, PostgresContainer pg, string database)
    {
        var backup = await BackupPsCli.RunAsAsync(account, _ => { },
            "backup-database", "--container", pg.Name, "--database", database, "--environment", "dev", "--path", account.NewWritableFolder(), "--json");
        Assert.True(backup.ExitCode == 0, backup.ToString());
        return Assert.Single(BackupPsCli.JsonLines(backup)).GetProperty("Path").GetString()!;
    }

    /// <summary>restore-database --json --force (no terminal here: --force is how scripts confirm).</summary>
    public static ProcessResult RunRestore(string path, params string[] args) =>
        BackupPsCli.Run(["restore-database", path, "--json", "--force", .. args]);

    public static JsonElement Succeeds(ProcessResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain(PostgresContainer.Password, result.Stdout + result.Stderr);
        var record = Assert.Single(BackupPsCli.JsonLines(result));
        Assert.True(record.GetProperty("Succeeded").GetBoolean(), result.ToString());
        Assert.True(record.GetProperty("RowCountsMatch").GetBoolean(), result.ToString());
        return record;
    }

    public static ProcessResult Fails(string errorId, ProcessResult result, int exitCode = 1)
    {
        Assert.True(result.ExitCode == exitCode, $"expected exit {exitCode}: {result}");
        Assert.Contains($"[{errorId}]", result.Stderr);
        Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("backupps:", StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", result.Stderr);
        return result;
    }

    public static string[] Databases(PostgresContainer pg) =>
        pg.Psql("select datname from pg_database order by 1", "postgres").Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Asserts no backupps_side_/backupps_drill_ database is left on the server.</summary>
    public static void NoScratchDatabases(PostgresContainer pg) =>
        Assert.DoesNotContain(Databases(pg), d => d.StartsWith("backupps_", StringComparison.Ordinal));

    public static void Drop(PostgresContainer pg, string database) =>
        pg.Psql($"drop database if exists \"{database.Replace("\"", "\"\"", StringComparison.Ordinal)}\" with (force)", "postgres");

    /// <summary>A copy of a backup (file and manifest) in a fresh store, to damage without touching the original.</summary>
    public static string CopyOf(string path)
    {
        var folder = Path.Combine(BackupTestHelpers.NewRoot(), "dev", "app");
        Directory.CreateDirectory(folder);
        var copy = Path.Combine(folder, Path.GetFileName(path));
        File.Copy(path, copy);
        var manifest = Core.Catalog.BackupNames.ManifestPathFor(path);
        File.Copy(manifest, Core.Catalog.BackupNames.ManifestPathFor(copy));
        return copy;
    }

    /// <summary>Polls <paramref name="condition"/> every 100 ms until it holds; fails after a minute naming <paramref name="what"/>.</summary>
    public static void WaitFor(Func<bool> condition, string what)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), "timed out waiting for " + what);
            Thread.Sleep(100);
        }
    }
}
