using BackupPs.Cli;
using BackupPs.Core.Commands;
using BackupPs.Core.Database;
using BackupPs.Tests.Infrastructure;

namespace BackupPs.Tests.Hosting;

/// <summary>
/// The CLI's view of a real run: on a terminal, its progress line goes through a backup's phases; with --verbose it says
/// what each command does, Get-Backup included; and what it prints never holds the container's password.
/// </summary>
[Collection(SharedPostgres.Name)]
public sealed class CliProgressTests(SharedPostgresServer pg) : IDisposable
{
    private readonly string _store = Directory.CreateTempSubdirectory("bps-cli-progress-").FullName;

    [Fact]
    public async Task ABackupOnATerminalShowsTheDumpTheReadBackAndTheStore()
    {
        var error = new StringWriter();
        var line = CommandLine.Parse(["backup-database", pg.Name, "--environment", "dev", "--path", _store, "--verbose"], _ => null);
        var host = new ConsoleHost(line.Flags, CommandImpact.Medium, TextWriter.Null, error, terminal: true);
        await new BackupDatabaseHandler().ExecuteAsync((BackupDatabaseOptions)line.Options, host, CancellationToken.None);

        var draws = error.ToString().Split("\r\u001b[K");
        var backup = $"Backing up database app in container {pg.Name}:";
        Assert.Contains($"{backup} 0% Step 1 of 3: dumping with pg_dump", draws);
        Assert.Contains($"{backup} 33% Step 2 of 3: reading the written file back", draws);
        Assert.Contains($"{backup} 66% Step 3 of 3: storing the backup and its manifest", draws);
        Assert.Contains(draws, d => d.StartsWith("Reading back app-dev-", StringComparison.Ordinal) && d.EndsWith("MB read back", StringComparison.Ordinal));
        Assert.Contains(draws, d => d.StartsWith("VERBOSE: Stored ", StringComparison.Ordinal));
        Assert.Equal("", draws[^1]);
        Assert.DoesNotContain(PostgresContainer.Password, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void GetBackupWithVerboseSaysWhatItReads()
    {
        var result = BackupPsCli.Run("get-backup", "--path", _store, "--verbose");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"VERBOSE: Looking for manifests (*.manifest.json) under {_store}.", result.Stderr);
        Assert.Contains($"VERBOSE: Listed 0 backup(s) from {_store}.", result.Stderr);
        // Not a terminal: no progress line in a log.
        Assert.DoesNotContain("\u001b[K", result.Stderr);
    }

    public void Dispose() => Directory.Delete(_store, recursive: true);
}
