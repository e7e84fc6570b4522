using BackupPs.Module.Tests.Infrastructure;
using BackupPs.Tests.Infrastructure;

namespace BackupPs.Module.Tests.Session;

/// <summary>
/// -Confirm answered Yes and No by a host, and -WhatIf, for the cmdlets that change something:
/// Backup-Database (ConfirmImpact Medium: asks only under -Confirm) and Restore-Database
/// (ConfirmImpact High: asks by default, as $ConfirmPreference is High).
/// </summary>
[Collection(SharedPostgres.Name)]
public sealed class ConfirmationTests(SharedPostgresServer server) : IDisposable
{
    private readonly ModuleSession _session = ModuleSession.Start();
    private readonly string _store = Directory.CreateTempSubdirectory("bps-confirm-").FullName;

    [Fact]
    public void BackupDatabaseAnsweredNoWritesNothingAndYesWritesTheBackup()
    {
        _session.Host.Answers.Enqueue(false);
        var declined = _session.Invoke("Backup-Database -Container $args[0] -Environment dev -Path $args[1] -Confirm", server.Name, _store).AssertSucceeded();
        Assert.Single(declined.Prompts);
        Assert.Empty(declined.Output);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_store));

        _session.Host.Answers.Enqueue(true);
        var accepted = _session.Invoke("Backup-Database -Container $args[0] -Environment dev -Path $args[1] -Confirm", server.Name, _store).AssertSucceeded();
        Assert.Single(accepted.Prompts);
        Assert.True(File.Exists((string)Assert.Single(accepted.Output).Properties["Path"].Value));
    }

    [Fact]
    public void RestoreDatabaseAsksByDefaultAndNoLeavesTheServerAsItWas()
    {
        var backup = _session.Invoke("(Backup-Database -Container $args[0] -Environment dev -Path $args[1]).Path", server.Name, _store).AssertSucceeded();
        var path = (string)backup.Output[0].BaseObject;
        const string copy = "confirm_copy";
        try
        {
            _session.Host.Answers.Enqueue(false);
            var declined = _session.Invoke("Restore-Database -Path $args[0] -Database $args[1]", path, copy).AssertSucceeded();
            Assert.Single(declined.Prompts);
            Assert.Empty(declined.Output);
            Assert.Equal("0", server.Psql($"select count(*) from pg_database where datname = '{copy}'", "postgres"));

            var whatIf = _session.Invoke("Restore-Database -Path $args[0] -Database $args[1] -WhatIf", path, copy).AssertSucceeded();
            Assert.Empty(whatIf.Prompts);
            Assert.Contains(whatIf.HostLines, l => l.StartsWith("What if:", StringComparison.Ordinal));
            Assert.Equal("0", server.Psql($"select count(*) from pg_database where datname = '{copy}'", "postgres"));

            _session.Host.Answers.Enqueue(true);
            var accepted = _session.Invoke("Restore-Database -Path $args[0] -Database $args[1]", path, copy).AssertSucceeded();
            Assert.Single(accepted.Prompts);
            Assert.Single(accepted.Output);
            Assert.Equal("1", server.Psql($"select count(*) from pg_database where datname = '{copy}'", "postgres"));
        }
        finally
        {
            server.Psql($"drop database if exists {copy}", "postgres");
        }
    }

    public void Dispose()
    {
        _session.Dispose();
        Directory.Delete(_store, recursive: true);
    }
}
