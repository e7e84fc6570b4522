using System.Text.Json;
using BackupPs.Tests.Infrastructure;
using Xunit;
using static BackupPs.Tests.EndToEnd.BackupTestHelpers;

namespace BackupPs.Tests.EndToEnd;

/// <summary>Get-Backup and Test-Backup over real backups of a real database.</summary>
[Collection(SharedPostgres.Name)]
public sealed class CatalogAndIntegrityTests(SharedPostgresServer pg)
{
    [Fact]
    public void GetBackupFiltersAndOrdersByRecordedTimeNotByNameOrMtime()
    {
        var root = NewRoot();
        var older = Backup(pg, root).GetProperty("Path").GetString()!;
        Thread.Sleep(1100);
        var dev = Backup(pg, root, "--environment", "dev");
        Thread.Sleep(1100);
        var newer = Backup(pg, root, "--format", "Plain").GetProperty("Path").GetString()!;
        // Make the file times lie: the older backup now looks newest on disk.
        File.SetLastWriteTimeUtc(older, DateTime.UtcNow.AddDays(1));

        var all = Paths(BackupPsCli.Run("get-backup", "--path", root, "--json"));
        Assert.Equal([older, dev.GetProperty("Path").GetString()!, newer], all);

        Assert.Equal([older, newer], Paths(BackupPsCli.Run("get-backup", root, "--environment", "prod", "--json")));
        Assert.Equal([newer], Paths(BackupPsCli.Run("get-backup", root, "--environment", "PROD", "--latest", "--json")));
        var since = dev.GetProperty("StartedUtc").GetString()!;
        Assert.Equal([dev.GetProperty("Path").GetString()!, newer], Paths(BackupPsCli.Run("get-backup", root, "--since", since, "--json")));
        Assert.Empty(Paths(BackupPsCli.Run("get-backup", root, "--database", "other", "--json")));
    }

    [Fact]
    public void GetBackupOnAMissingRootSaysWhere()
    {
        var result = BackupPsCli.Run("get-backup", "--path", "/nonexistent/backups");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("[BackupRootNotFound]", result.Stderr);
    }

    [Fact]
    public void TestBackupPassesAnIntactBackup()
    {
        var path = Backup(pg, NewRoot()).GetProperty("Path").GetString()!;
        var result = BackupPsCli.Run("test-backup", path, "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        var test = Assert.Single(BackupPsCli.JsonLines(result));
        Assert.True(test.GetProperty("Passed").GetBoolean());
        var checks = test.GetProperty("Checks").EnumerateArray().Select(c => c.GetProperty("Name").GetString()!).ToArray();
        Assert.Equal(["Manifest", "FileName", "Size", "Sha256", "Decompression", "Structure", "Metadata", "RowCounts"], checks);
    }

    [Theory]
    [InlineData("truncated", "Size", "Decompression")]
    [InlineData("corrupted", "Sha256", "Decompression")]
    [InlineData("emptied", "Size", "Decompression")]
    [InlineData("renamed", "Manifest", null)]
    public void TestBackupFailsLoudlyOnADamagedFile(string damage, string failedCheck, string? alsoFailed)
    {
        var path = Backup(pg, NewRoot(), "--format", "Custom").GetProperty("Path").GetString()!;
        var bytes = File.ReadAllBytes(path);
        switch (damage)
        {
            case "truncated":
                File.WriteAllBytes(path, bytes[..(bytes.Length * 2 / 3)]);
                break;
            case "corrupted":
                bytes[bytes.Length / 2] ^= 0x5A;
                File.WriteAllBytes(path, bytes);
                break;
            case "emptied":
                File.WriteAllBytes(path, []);
                break;
            case "renamed":
                var renamed = path.Replace("app-prod-", "app-prod-copy-", StringComparison.Ordinal);
                File.Move(path, renamed);
                path = renamed;
                break;
        }

        var result = BackupPsCli.Run("test-backup", "--path", path, "--json");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("[BackupTestFailed]", result.Stderr);
        var test = Assert.Single(BackupPsCli.JsonLines(result));
        Assert.False(test.GetProperty("Passed").GetBoolean());
        var failed = test.GetProperty("Checks").EnumerateArray().Where(c => !c.GetProperty("Passed").GetBoolean()).Select(c => c.GetProperty("Name").GetString()!).ToArray();
        Assert.Contains(failedCheck, failed);
        if (alsoFailed is not null)
        {
            Assert.Contains(alsoFailed, failed);
        }
    }

    [Fact]
    public async Task BackupThroughComposeLabelsFindsTheServiceContainer()
    {
        var project = "bpsproj" + Guid.NewGuid().ToString("N")[..6];
        var compose = new PostgresContainer(scale: 1, composeProject: project);
        await compose.InitializeAsync();
        try
        {
            var result = BackupPsCli.Run("backup-database", "--compose-project", project, "--compose-service", "db", "--environment", "dev", "--path", NewRoot(), "--json");
            Assert.True(result.ExitCode == 0, result.ToString());
            var record = Assert.Single(BackupPsCli.JsonLines(result));
            Assert.Equal(compose.Name, record.GetProperty("Container").GetString());
            Assert.Equal(project, record.GetProperty("ComposeProject").GetString());
            Assert.Equal("db", record.GetProperty("ComposeService").GetString());

            var missing = BackupPsCli.Run("backup-database", "--compose-project", project, "--compose-service", "nope", "--environment", "dev", "--path", NewRoot());
            Assert.Equal(1, missing.ExitCode);
            Assert.Contains("[ComposeServiceNotFound]", missing.Stderr);
        }
        finally
        {
            await compose.DisposeAsync();
        }
    }

    private static string[] Paths(ProcessResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        return BackupPsCli.JsonLines(result).Select(r => r.GetProperty("Path").GetString()!).ToArray();
    }
}
