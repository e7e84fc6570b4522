using BackupPs.Tests.Infrastructure;
using Xunit;
using static BackupPs.Tests.EndToEnd.BackupTestHelpers;
using static BackupPs.Tests.EndToEnd.RestoreTestSupport;

namespace BackupPs.Tests.EndToEnd;

/// <summary>
/// Three servers for the environment guard: Prod is labelled backupps.environment=prod, Dev
/// backupps.environment=dev, and Crooked carries a label that is not an environment name.
/// </summary>
public sealed class EnvironmentGuardServers : IAsyncLifetime
{
    public PostgresContainer Prod { get; } = new(scale: 1, runOptions: ["--label", "backupps.environment=prod"]);

    public PostgresContainer Dev { get; } = new(scale: 1, runOptions: ["--label", "backupps.environment=dev"]);

    public PostgresContainer Crooked { get; } = new(scale: 0, runOptions: ["--label", "backupps.environment=../x"]);

    public async Task InitializeAsync() => await Task.WhenAll(Prod.InitializeAsync(), Dev.InitializeAsync(), Crooked.InitializeAsync());

    public async Task DisposeAsync() => await Task.WhenAll(Prod.DisposeAsync(), Dev.DisposeAsync(), Crooked.DisposeAsync());
}

/// <summary>
/// The environment guard through the CLI: a container's backupps.environment label is its truth for
/// backups, restores and drills; the source of a backup is known by container id, never by name.
/// </summary>
public sealed class EnvironmentGuardTests(EnvironmentGuardServers servers) : IClassFixture<EnvironmentGuardServers>
{
    private static ProcessResult Drill(string path, params string[] args) => BackupPsCli.Run(["test-backup", path, "--restore", "--json", .. args]);

    /// <summary>The first example: -TargetEnvironment dev no longer walks a dev backup over a prod-labelled database.</summary>
    [Fact]
    public void ADeclaredEnvironmentNeverOverridesTheContainersLabel()
    {
        var prod = servers.Prod;
        var devBackup = BackupOf(servers.Dev, PostgresContainer.DatabaseName, "dev");
        var root = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(devBackup)))!;
        var before = DatabaseFingerprint.Take(prod, PostgresContainer.DatabaseName);
        var files = Files(root);

        foreach (var extra in new[] { Array.Empty<string>(), ["--allow-cross-environment"] })
        {
            var refused = Fails("EnvironmentMismatch",
                RunRestore(devBackup, ["--container", prod.Name, "--replace", "--target-environment", "dev", .. extra]), exitCode: 2);
            Assert.Contains($"Container {prod.Name} is labelled backupps.environment=prod, but --target-environment says dev", refused.Stderr);
        }

        // Nothing happened: no safety backup, no side database, the prod data as it was.
        Assert.Equal(files, Files(root));
        NoScratchDatabases(prod);
        DatabaseFingerprint.Take(prod, PostgresContainer.DatabaseName).AssertSameAs(before);

        // The label's own environment in another case is the same environment.
        Fails("CrossEnvironmentRestore", RunRestore(devBackup, "--container", prod.Name, "--replace", "--target-environment", "PROD"));
    }

    /// <summary>A deliberate cross-environment replace files the replaced prod data under prod/, so get-backup --environment dev never returns it.</summary>
    [Fact]
    public void TheSafetyBackupIsFiledUnderTheTargetsEnvironment()
    {
        var prod = servers.Prod;
        prod.Psql("create database app_swap template app", "postgres");
        try
        {
            var devBackup = BackupOf(servers.Dev, PostgresContainer.DatabaseName, "dev");
            var root = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(devBackup)))!;
            var record = Succeeds(RunRestore(devBackup, "--container", prod.Name, "--database", "app_swap", "--replace", "--allow-cross-environment"));
            Assert.Equal("prod", record.GetProperty("Environment").GetString());
            var safety = record.GetProperty("SafetyBackupPath").GetString()!;
            Assert.Equal(Path.Combine(root, "prod", "app_swap"), Path.GetDirectoryName(safety));

            var latestDev = BackupPsCli.Run("get-backup", root, "--environment", "dev", "--latest", "--json");
            Assert.True(latestDev.ExitCode == 0, latestDev.ToString());
            Assert.Equal(devBackup, Assert.Single(BackupPsCli.JsonLines(latestDev)).GetProperty("Path").GetString());
        }
        finally
        {
            Drop(prod, "app_swap");
        }
    }

    [Fact]
    public void ABackupIsNeverFiledAgainstTheContainersLabel()
    {
        var prod = servers.Prod;
        var root = NewRoot();
        var refused = BackupPsCli.Run("backup-database", "--container", prod.Name, "--environment", "dev", "--path", root);
        Fails("EnvironmentMismatch", refused, exitCode: 2);
        Assert.Contains("--environment says dev", refused.Stderr);
        Assert.Empty(Files(root));

        // The label's environment in any case is filed under the label's spelling of it.
        var record = Backup(prod, root, "--environment", "Prod");
        Assert.Equal("prod", record.GetProperty("Environment").GetString());
        Assert.StartsWith(Path.Combine(root, "prod") + Path.DirectorySeparatorChar, record.GetProperty("Path").GetString());
    }

    [Fact]
    public void ALabelThatIsNoEnvironmentNameIsRefusedByBackupRestoreAndDrill()
    {
        var crooked = servers.Crooked.Name;
        var root = NewRoot();
        var backup = Fails("EnvironmentLabelInvalid", BackupPsCli.Run("backup-database", "--container", crooked, "--environment", "dev", "--path", root), exitCode: 2);
        Assert.Contains("backupps.environment=\"../x\", which is not an environment name", backup.Stderr);
        Assert.Empty(Files(root));

        var devBackup = BackupOf(servers.Dev, PostgresContainer.DatabaseName, "dev");
        Fails("EnvironmentLabelInvalid", RunRestore(devBackup, "--container", crooked, "--database", "app_copy", "--target-environment", "dev"), exitCode: 2);
        Fails("EnvironmentLabelInvalid", Drill(devBackup, "--container", crooked), exitCode: 2);
        Assert.DoesNotContain("app_copy", Databases(servers.Crooked));
        NoScratchDatabases(servers.Crooked);
    }

    /// <summary>A drill copies the backup's data into the server it runs in: never into another environment's.</summary>
    [Fact]
    public void ADrillIsNeverRunInAContainerOfAnotherEnvironment()
    {
        var devBackup = BackupOf(servers.Dev, PostgresContainer.DatabaseName, "dev");
        var refused = Fails("CrossEnvironmentDrill", Drill(devBackup, "--container", servers.Prod.Name), exitCode: 2);
        Assert.Contains("--isolated", refused.Stderr);
        NoScratchDatabases(servers.Prod);

        var prodBackup = BackupOf(servers.Prod, PostgresContainer.DatabaseName, "prod");
        Fails("CrossEnvironmentDrill", Drill(prodBackup, "--container", servers.Dev.Name), exitCode: 2);
        NoScratchDatabases(servers.Dev);
    }

    /// <summary>
    /// The second example: a new, unlabelled container with the source's name and compose labels (another
    /// host with the same compose project, or the stack recreated) is not the source, so it gets no environment.
    /// </summary>
    [Fact]
    public async Task AContainerWithOnlyTheSourcesNameIsNotTheSource()
    {
        var project = "bpstwin" + Guid.NewGuid().ToString("N")[..6];
        var name = project + "-db-1";
        var source = new PostgresContainer(scale: 1, composeProject: project, name: name);
        await source.InitializeAsync();
        string prodBackup;
        try
        {
            prodBackup = BackupOf(source, PostgresContainer.DatabaseName, "prod");
        }
        finally
        {
            await source.DisposeAsync();
        }

        var twin = new PostgresContainer(scale: 1, composeProject: project, name: name);
        await twin.InitializeAsync();
        try
        {
            var restore = Fails("TargetEnvironmentUnknown", RunRestore(prodBackup, "--database", "app_copy"), exitCode: 2);
            Assert.Contains("the same name is not enough", restore.Stderr);
            Assert.Contains("label the container backupps.environment=<env>", restore.Stderr);
            Assert.DoesNotContain("app_copy", Databases(twin));

            var drill = Fails("TargetEnvironmentUnknown", Drill(prodBackup), exitCode: 2);
            Assert.Contains($"--container {name}", drill.Stderr);

            // Named explicitly, the drill runs there, with a warning that its environment is unknown.
            var named = Drill(prodBackup, "--container", name);
            Assert.True(named.ExitCode == 0, named.ToString());
            Assert.Contains("whose environment is unknown", named.Stderr);
            NoScratchDatabases(twin);
        }
        finally
        {
            await twin.DisposeAsync();
        }
    }
}
