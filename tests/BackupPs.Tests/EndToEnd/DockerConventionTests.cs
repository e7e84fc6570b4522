using BackupPs.Tests.Infrastructure;
using Xunit;
using static BackupPs.Tests.EndToEnd.BackupTestHelpers;
using static BackupPs.Tests.EndToEnd.RestoreTestSupport;

namespace BackupPs.Tests.EndToEnd;

/// <summary>
/// Two servers set up the way real deployments are: Secrets has its login only in Docker secrets
/// (POSTGRES_*_FILE) and local scram-sha-256 authentication, so even a docker exec psql needs the
/// password; Compose is a compose service's container (labels set by hand, v1-style name); OtherPort
/// runs compose's <c>command: postgres -c port=5433</c>, so its socket is not libpq's default.
/// </summary>
public sealed class ConventionServers : IAsyncLifetime
{
    public const string ScramLocal = "--auth-local=scram-sha-256";

    /// <summary>Upper-case on purpose: compose writes the label in lower case.</summary>
    public string ComposeProject { get; } = "BpsShop" + Guid.NewGuid().ToString("N")[..6];

    public PostgresContainer Secrets { get; } = new(scale: 1, secretFiles: true, initdbArgs: ScramLocal);

    public PostgresContainer Compose { get; }

    public PostgresContainer OtherPort { get; } = new(scale: 1, command: ["postgres", "-c", "port=5433"],
        clientEnvironment: new Dictionary<string, string> { ["PGPORT"] = "5433" });

    public ConventionServers() =>
        Compose = new(scale: 1, composeProject: ComposeProject.ToLowerInvariant(), name: ComposeProject.ToLowerInvariant() + "_db_1");

    public string ComposeLabel => ComposeProject.ToLowerInvariant();

    public async Task InitializeAsync() => await Task.WhenAll(Secrets.InitializeAsync(), Compose.InitializeAsync(), OtherPort.InitializeAsync());

    public async Task DisposeAsync() => await Task.WhenAll(Secrets.DisposeAsync(), Compose.DisposeAsync(), OtherPort.DisposeAsync());
}

/// <summary>
/// The conventions of the postgres image and of docker compose decide which container, which login
/// and which database are meant: backups, restores and drills follow them, and say clearly when a
/// container's configuration or state does not allow it.
/// </summary>
public sealed class DockerConventionTests(ConventionServers servers) : IClassFixture<ConventionServers>
{
    private static ProcessResult Drill(string path, params string[] args) => BackupPsCli.Run(["test-backup", path, "--restore", "--json", .. args]);

    /// <summary>A container of the test image that only sleeps: its configuration is what is tested, no server runs.</summary>
    private static string StartIdle(params string[] options)
    {
        var name = "bps-test-" + Guid.NewGuid().ToString("N")[..10];
        PostgresContainer.Docker(["run", "-d", "--name", name, "--network", "none", "--label", "backupps.test=1", .. options,
            "--entrypoint", "sleep", PostgresContainer.Image, "infinity"]);
        return name;
    }

    private static void Remove(string container) => ProcessRunner.Run("docker", ["rm", "-f", "-v", container]);

    /// <summary>A backup-database that fails with <paramref name="errorId"/>: exit 2 for what the operator's arguments or configuration must change, else 1.</summary>
    private static ProcessResult BackupFails(string errorId, params string[] args)
    {
        var result = BackupPsCli.Run(["backup-database", "--environment", "dev", "--path", NewRoot(), .. args]);
        Fails(errorId, result, errorId is "ContainerEnvironmentConflict" or "ComposeServiceAmbiguous" ? 2 : 1);
        Assert.DoesNotContain(PostgresContainer.Password, result.Stdout + result.Stderr);
        return result;
    }

    private static void PassesDrill(ProcessResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(Assert.Single(BackupPsCli.JsonLines(result)).GetProperty("Passed").GetBoolean(), result.ToString());
        Assert.DoesNotContain(PostgresContainer.Password, result.Stdout + result.Stderr);
    }

    [Fact]
    public void AContainerWithOnlySecretFilesAndLocalScramIsBackedUpRestoredAndDrilled()
    {
        var pg = servers.Secrets;
        var record = Backup(pg, NewRoot(), "--environment", "dev");
        Assert.Equal(PostgresContainer.DatabaseName, record.GetProperty("Database").GetString());
        Assert.Equal(pg.RowCounts().Values.Sum(), record.GetProperty("TotalRows").GetInt64());
        var path = record.GetProperty("Path").GetString()!;
        Assert.DoesNotContain(PostgresContainer.Password, File.ReadAllText(record.GetProperty("ManifestPath").GetString()!));

        var copy = "app_from_secrets";
        try
        {
            Succeeds(RunRestore(path, "--database", copy));
            Assert.Equal(pg.RowCounts(), pg.RowCounts(copy));
        }
        finally
        {
            Drop(pg, copy);
        }

        PassesDrill(Drill(path));
        PassesDrill(Drill(path, "--isolated"));
        NoScratchDatabases(pg);
    }

    [Fact]
    public async Task LocalScramWithThePlainPasswordVariableIsBackedUp()
    {
        var pg = new PostgresContainer(scale: 0, initdbArgs: ConventionServers.ScramLocal);
        await pg.InitializeAsync();
        try
        {
            Assert.Equal(PostgresContainer.DatabaseName, Backup(pg, NewRoot()).GetProperty("Database").GetString());
        }
        finally
        {
            await pg.DisposeAsync();
        }
    }

    [Fact]
    public void AVariableSetTogetherWithItsFileIsRefusedNamingBoth()
    {
        var idle = StartIdle("-e", "POSTGRES_PASSWORD=" + PostgresContainer.Password, "-e", "POSTGRES_PASSWORD_FILE=/run/secrets/pw");
        try
        {
            var result = BackupFails("ContainerEnvironmentConflict", "--container", idle);
            Assert.Contains("POSTGRES_PASSWORD and POSTGRES_PASSWORD_FILE", result.Stderr);
        }
        finally
        {
            Remove(idle);
        }
    }

    [Fact]
    public void AMissingOrUnreadableSecretNamesTheVariableAndThePathButNeverTheContent()
    {
        var folder = Directory.CreateTempSubdirectory("bps-secrets-").FullName;
        var file = Path.Combine(folder, "password");
        File.WriteAllText(file, PostgresContainer.Password + "\n");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        // uid 999 (postgres) cannot read a root-owned 0600 file: the entrypoint would fail the same way.
        var unreadable = StartIdle("--user", "999", "-v", $"{folder}:/run/secrets:ro", "-e", "POSTGRES_PASSWORD_FILE=/run/secrets/password");
        var missing = StartIdle("-e", "POSTGRES_USER_FILE=/run/secrets/user");
        try
        {
            var denied = BackupFails("ContainerSecretUnreadable", "--container", unreadable);
            Assert.Contains("POSTGRES_PASSWORD_FILE=/run/secrets/password", denied.Stderr);
            Assert.Contains("Permission denied", denied.Stderr);

            var absent = BackupFails("ContainerSecretUnreadable", "--container", missing);
            Assert.Contains("POSTGRES_USER_FILE=/run/secrets/user", absent.Stderr);
            Assert.Contains("No such file or directory", absent.Stderr);
        }
        finally
        {
            Remove(unreadable);
            Remove(missing);
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void TheComposeServiceIsFoundWhateverTheProjectsCaseAndNeverAsAOneOffContainer()
    {
        string[] labels = ["--label", "com.docker.compose.project=" + servers.ComposeLabel, "--label", "com.docker.compose.service=db"];
        var oneOff = StartIdle([.. labels, "--label", "com.docker.compose.oneoff=True"]);
        var onlyOneOff = StartIdle("--label", "com.docker.compose.project=" + servers.ComposeLabel, "--label", "com.docker.compose.service=migrate",
            "--label", "com.docker.compose.oneoff=True");
        try
        {
            var result = BackupPsCli.Run("backup-database", "--compose-project", servers.ComposeProject, "--compose-service", "db",
                "--environment", "dev", "--path", NewRoot(), "--json");
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Equal(servers.Compose.Name, Assert.Single(BackupPsCli.JsonLines(result)).GetProperty("Container").GetString());

            var notAService = BackupFails("ComposeServiceNotFound", "--compose-project", servers.ComposeProject, "--compose-service", "migrate");
            Assert.Contains("one-off", notAService.Stderr);
            Assert.Contains(onlyOneOff, notAService.Stderr);

            var replica = StartIdle(labels);
            try
            {
                var ambiguous = BackupFails("ComposeServiceAmbiguous", "--compose-project", servers.ComposeProject, "--compose-service", "db");
                Assert.Contains(replica, ambiguous.Stderr);
                Assert.DoesNotContain(oneOff, ambiguous.Stderr);
            }
            finally
            {
                Remove(replica);
            }
        }
        finally
        {
            Remove(oneOff);
            Remove(onlyOneOff);
        }
    }

    [Fact]
    public async Task ARestoreFindsTheComposeServiceWhenItsContainerWasRecreatedUnderANewName()
    {
        // compose v1 named the container knot_db_1, v2 names the recreated one knot-db-1 (new id, same labels).
        var old = servers.Compose;
        var path = BackupOf(old, PostgresContainer.DatabaseName);
        var expected = old.RowCounts();
        var oldName = old.Name + "-before-recreate";
        PostgresContainer.Docker(["stop", old.Name]);
        PostgresContainer.Docker(["rename", old.Name, oldName]);
        // The recreated container is another container (new id): its environment comes from the label compose puts
        // on every container of the service (labels: backupps.environment: dev), not from its name or service.
        var recreated = new PostgresContainer(scale: 0, composeProject: servers.ComposeLabel, name: servers.ComposeLabel + "-db-1",
            runOptions: ["--label", "backupps.environment=dev"]);
        try
        {
            await recreated.InitializeAsync();
            var restore = RunRestore(path, "--database", "app_after_recreate", "--verbose");
            Succeeds(restore);
            Assert.Contains($"{old.Name} no longer exists; using {recreated.Name}", restore.Stderr);
            Assert.Equal(expected, recreated.RowCounts("app_after_recreate"));
            PassesDrill(Drill(path));
            NoScratchDatabases(recreated);
        }
        finally
        {
            await recreated.DisposeAsync();
            PostgresContainer.Docker(["rename", oldName, old.Name]);
            PostgresContainer.Docker(["start", old.Name]);
            await old.WaitReadyAsync();
        }
    }

    [Fact]
    public void PausedAndStartingContainersAreRefusedWithWhatToDo()
    {
        var paused = StartIdle();
        var starting = StartIdle("--health-cmd", "true", "--health-interval", "1h");
        try
        {
            PostgresContainer.Docker(["pause", paused]);
            Assert.Contains("docker unpause " + paused, BackupFails("ContainerPaused", "--container", paused).Stderr);
            Assert.Contains("healthy", BackupFails("ContainerStarting", "--container", starting).Stderr);
        }
        finally
        {
            Remove(paused);
            Remove(starting);
        }
    }

    [Fact]
    public async Task AContainerStillRunningItsInitScriptsIsRefused()
    {
        var scripts = Directory.CreateTempSubdirectory("bps-initdb-").FullName;
        File.SetUnixFileMode(scripts, (UnixFileMode)0b111_101_101);
        var script = Path.Combine(scripts, "10-slow.sh");
        await File.WriteAllTextAsync(script, "sleep 600\n");
        File.SetUnixFileMode(script, (UnixFileMode)0b110_100_100);
        var name = "bps-test-" + Guid.NewGuid().ToString("N")[..10];
        try
        {
            PostgresContainer.Docker(["run", "-d", "--name", name, "--network", "none", "--label", "backupps.test=1",
                "-e", "POSTGRES_PASSWORD=" + PostgresContainer.Password, "-v", $"{scripts}:/docker-entrypoint-initdb.d:ro", PostgresContainer.Image]);
            for (var i = 0; i < 300 && !ProcessRunner.Run("docker", ["logs", name]).ToString().Contains("10-slow.sh", StringComparison.Ordinal); i++)
            {
                await Task.Delay(100);
            }

            Assert.Contains("init process complete", BackupFails("ContainerInitializing", "--container", name).Stderr);
        }
        finally
        {
            Remove(name);
            Directory.Delete(scripts, recursive: true);
        }
    }

    /// <summary>Backup, restore into a new database, replace and drill of <paramref name="pg"/>; returns the backup's verbose output.</summary>
    private static string BackUpRestoreReplaceAndDrill(PostgresContainer pg)
    {
        var rows = pg.RowCounts();
        var backup = BackupPsCli.Run(["backup-database", "--container", pg.Name, "--path", NewRoot(), "--environment", "dev", "--json", "--verbose"]);
        Assert.True(backup.ExitCode == 0, backup.ToString());
        var path = Assert.Single(BackupPsCli.JsonLines(backup)).GetProperty("Path").GetString()!;
        var copy = "app_copy";
        try
        {
            Succeeds(RunRestore(path, "--database", copy));
            Assert.Equal(rows, pg.RowCounts(copy));
        }
        finally
        {
            Drop(pg, copy);
        }

        Succeeds(RunRestore(path, "--replace", "--skip-safety-backup"));
        Assert.Equal(rows, pg.RowCounts());
        PassesDrill(Drill(path));
        NoScratchDatabases(pg);
        return backup.Stderr;
    }

    [Fact]
    public void AServerStartedOnAnotherPortIsBackedUpRestoredAndDrilled() => BackUpRestoreReplaceAndDrill(servers.OtherPort);

    [Fact]
    public async Task AServerWithAnotherSocketDirectoryIsBackedUpAndRestored()
    {
        var pg = new PostgresContainer(scale: 1, command: ["postgres", "-c", "port=5433", "-c", "unix_socket_directories=/tmp"],
            clientEnvironment: new Dictionary<string, string> { ["PGHOST"] = "/tmp", ["PGPORT"] = "5433" });
        await pg.InitializeAsync();
        try
        {
            var path = Backup(pg, NewRoot(), "--environment", "dev").GetProperty("Path").GetString()!;
            Succeeds(RunRestore(path, "--database", "app_copy"));
            Assert.Equal(pg.RowCounts(), pg.RowCounts("app_copy"));
        }
        finally
        {
            await pg.DisposeAsync();
        }
    }

    [Fact]
    public void AContainerWithoutAServerSocketSaysWhereBackupPsLooked()
    {
        var idle = StartIdle("-e", "POSTGRES_PASSWORD=" + PostgresContainer.Password);
        try
        {
            var result = BackupFails("ServerSocketNotFound", "--container", idle);
            Assert.Contains("postmaster.pid", result.Stderr);
            Assert.Contains("PGHOST", result.Stderr);
        }
        finally
        {
            Remove(idle);
        }
    }

    /// <summary>
    /// Compose hardening: <c>read_only: true</c>, <c>tmpfs: /var/run/postgresql</c>, PGDATA on a volume
    /// (initialised by a first, writable run: the image's entrypoint needs /tmp for that). The FIFOs and
    /// the restore's folder go to the socket directory; nothing is left there.
    /// </summary>
    [Fact]
    public async Task AReadOnlyContainerIsBackedUpRestoredReplacedAndDrilled()
    {
        var volume = "bps-test-" + Guid.NewGuid().ToString("N")[..10];
        string[] data = ["-v", volume + ":/var/lib/postgresql/data"];
        try
        {
            var first = new PostgresContainer(scale: 1, runOptions: data);
            await first.InitializeAsync();
            PostgresContainer.Docker(["stop", first.Name]);
            await first.DisposeAsync();

            var pg = new PostgresContainer(scale: 0, runOptions: ["--read-only", "--tmpfs", "/var/run/postgresql", .. data]);
            await pg.InitializeAsync();
            try
            {
                Assert.Contains("travels by fifo", BackUpRestoreReplaceAndDrill(pg));
                Assert.DoesNotContain(".backupps-", PostgresContainer.Docker(["exec", pg.Name, "ls", "-a", "/var/run/postgresql", "/dev/shm"]));
            }
            finally
            {
                await pg.DisposeAsync();
            }

            // No writable place at all: no /tmp, no socket directory (TCP only), no /dev/shm (no IPC
            // namespace of its own, so the server keeps its dynamic shared memory in PGDATA).
            var sealedOff = new PostgresContainer(scale: 0, runOptions: ["--read-only", "--ipc", "none", .. data],
                command: ["postgres", "-c", "unix_socket_directories=", "-c", "dynamic_shared_memory_type=mmap"], clientEnvironment: new Dictionary<string, string> { ["PGHOST"] = "localhost" });
            await sealedOff.InitializeAsync();
            try
            {
                var path = Backup(sealedOff, NewRoot(), "--environment", "dev").GetProperty("Path").GetString()!;
                var failed = Fails("RestoreStagingFailed", RunRestore(path, "--database", "app_copy"));
                Assert.Contains("--tmpfs /tmp", failed.Stderr);
                Assert.Contains("/dev/shm", failed.Stderr);
                NoScratchDatabases(sealedOff);
            }
            finally
            {
                await sealedOff.DisposeAsync();
            }
        }
        finally
        {
            ProcessRunner.Run("docker", ["volume", "rm", "-f", volume]);
        }
    }
}
