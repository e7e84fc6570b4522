using BackupPs.Module.Tests.Infrastructure;
using BackupPs.Tests.Infrastructure;

namespace BackupPs.Module.Tests.Output;

/// <summary>
/// Tab completion as a user gets it (TabExpansion2 in the runspace): containers that run PostgreSQL, their compose
/// labels, and environments and databases from the store, never file names; nothing, quickly, when a source fails.
/// </summary>
public sealed class CompletionTests : IAsyncLifetime
{
    private readonly string _project = "bpscompl" + Guid.NewGuid().ToString("N")[..6];
    private readonly string _store = Directory.CreateTempSubdirectory("bps-completion-").FullName;
    private PostgresContainer? _container;
    private ModuleSession? _session;

    private ModuleSession Session => _session!;

    public async Task InitializeAsync()
    {
        _container = new PostgresContainer(scale: 1, composeProject: _project);
        await _container.InitializeAsync();
        _session = ModuleSession.Start();
        // Two environments, one with a database name that needs quoting on the command line.
        _container.Psql("create database \"my db\"", "postgres");
        Session.Invoke("""
            Backup-Database -Container $args[0] -Environment dev -Path $args[1] | Out-Null
            Backup-Database -Container $args[0] -Environment staging -Database 'my db' -Path $args[1] | Out-Null
            """, _container.Name, _store).AssertSucceeded();
    }

    public async Task DisposeAsync()
    {
        _session?.Dispose();
        if (_container is not null)
        {
            await _container.DisposeAsync();
        }

        Directory.Delete(_store, recursive: true);
    }

    [Theory]
    [InlineData("Backup-Database -Container ")]
    [InlineData("Restore-Database -Path x -Container ")]
    [InlineData("Test-Backup -Path x -Restore -Container ")]
    public void ContainerCompletesRunningPostgresContainers(string line)
    {
        var names = Complete(line);
        Assert.Contains(_container!.Name, names);
        Assert.DoesNotContain(names, n => n.Contains('/', StringComparison.Ordinal) || File.Exists(n));
    }

    [Fact]
    public void ContainerCompletionFiltersByTheTypedPrefix()
    {
        Assert.Equal([_container!.Name], Complete("Backup-Database -Container " + _container.Name[..^2]));
    }

    [Fact]
    public void ComposeProjectAndServiceCompleteFromLabels()
    {
        Assert.Contains(_project, Complete("Backup-Database -ComposeProject "));
        Assert.Equal(["db"], Complete($"Backup-Database -ComposeProject {_project} -ComposeService "));
        Assert.Empty(Complete("Backup-Database -ComposeProject no-such-project -ComposeService "));
    }

    [Fact]
    public void EnvironmentAndDatabaseCompleteFromTheStore()
    {
        Assert.Equal(["dev", "staging"], Complete($"Get-Backup -Path {_store} -Environment "));
        Assert.Equal(["app", "'my db'"], Complete($"Get-Backup -Path {_store} -Database "));
        Assert.Equal(["'my db'"], Complete($"Get-Backup -Path {_store} -Environment staging -Database "));
    }

    [Fact]
    public void StoreCompletionUsesTheDefaultStoreOfTheCurrentLocation()
    {
        var parent = Directory.CreateTempSubdirectory("bps-completion-cwd-").FullName;
        try
        {
            Directory.Move(_store, Path.Combine(parent, "backups"));
            Session.Invoke("Set-Location $args[0]", parent).AssertSucceeded();
            Assert.Equal(["dev", "staging"], Complete("Get-Backup -Environment "));
            Directory.Move(Path.Combine(parent, "backups"), _store);
        }
        finally
        {
            Directory.Delete(parent, recursive: true);
        }
    }

    /// <summary>Restore-Database's -Path is a backup file: its store (not a folder of that name) is where names come from.</summary>
    [Fact]
    public void StoreCompletionOfABackupFileUsesTheStoreItLivesIn()
    {
        var file = Directory.GetFiles(Path.Combine(_store, "dev"), "*", SearchOption.AllDirectories).First(f => !f.EndsWith(".manifest.json", StringComparison.Ordinal));
        Assert.Equal(["app", "'my db'"], Complete($"Restore-Database -Path {file} -Database "));
        Assert.Equal(["dev", "staging"], Complete($"Restore-Database {file} -TargetEnvironment "));
    }

    [Fact]
    public void BrokenSourcesCompleteNothingAndNeverThrow()
    {
        Assert.Empty(Complete("Get-Backup -Path /no/such/store -Environment "));
        Assert.Empty(Complete("Get-Backup -Path /etc/hostname -Database "));
        Session.Invoke("$env:DOCKER_HOST = 'unix:///no/such/docker.sock'").AssertSucceeded();
        try
        {
            Assert.Empty(Complete("Backup-Database -Container "));
        }
        finally
        {
            Session.Invoke("Remove-Item env:DOCKER_HOST").AssertSucceeded();
        }
    }

    private string[] Complete(string line) => SessionText.Complete(Session, line);
}
