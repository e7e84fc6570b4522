using System.Diagnostics;
using BackupPs.Tests.Infrastructure;
using Xunit;
using static BackupPs.Tests.EndToEnd.BackupTestHelpers;

namespace BackupPs.Tests.EndToEnd;

/// <summary>
/// Every bad input and every failure mid-way: a one-line actionable message, the documented exit
/// code, no stack trace, no secret, and nothing left in the backup folder: no file, and none of the
/// &lt;env&gt;/&lt;db&gt; folders the failed run made (a first run that failed must not look like a store).
/// </summary>
[Collection(SharedPostgres.Name)]
public sealed class BackupFailureTests(SharedPostgresServer pg)
{
    private static ProcessResult Fails(int exitCode, string errorId, ProcessResult result)
    {
        Assert.True(result.ExitCode == exitCode, result.ToString());
        Assert.Contains($"[{errorId}]", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
        Assert.DoesNotContain(PostgresContainer.Password, result.Stdout + result.Stderr);
        Assert.Equal("", result.Stdout);
        return result;
    }

    /// <summary>pg_dump's error keeps the query it was running and says what to do, not only its first line.</summary>
    [Fact]
    public void APgDumpErrorKeepsItsQueryAndSaysWhatToDo()
    {
        pg.Psql("create database dump_denied", "postgres");
        pg.Psql("create role bps_lowly login", "postgres");
        try
        {
            pg.Psql("create table private_t (x int)", "dump_denied");
            // A fresh store: the run creates it and its dev/dump_denied folders, and must remove them all again.
            var root = NewRoot();
            var result = Fails(1, "PgDumpFailed", BackupPsCli.Run(new Dictionary<string, string?> { ["BACKUPPS_PASSWORD"] = "unused" },
                "backup-database", "--container", pg.Name, "--database", "dump_denied", "--credential", "bps_lowly", "--environment", "dev", "--path", Path.Combine(root, "store")));
            Assert.Contains("permission denied for table private_t", result.Stderr);
            Assert.Contains("statement: LOCK TABLE public.private_t IN ACCESS SHARE MODE", result.Stderr);
            Assert.Contains("lacks a privilege", result.Stderr);
            Assert.Empty(Directory.GetFileSystemEntries(root));
        }
        finally
        {
            pg.Psql("drop database if exists dump_denied with (force)", "postgres");
            pg.Psql("drop role if exists bps_lowly", "postgres");
        }
    }

    [Fact]
    public void UnknownContainerListsThePostgresContainersThatExist()
    {
        var root = NewRoot();
        var result = Fails(1, "ContainerNotFound", BackupPsCli.Run("backup-database", "--container", "no-such-db", "--environment", "prod", "--path", root));
        Assert.Contains($"{pg.Name} (running)", result.Stderr);
        Assert.Empty(Files(root));
    }

    [Fact]
    public async Task StoppedContainerSaysHowToStartIt()
    {
        var stopped = new PostgresContainer(scale: 0);
        await stopped.InitializeAsync();
        try
        {
            PostgresContainer.Docker(["stop", stopped.Name]);
            var result = Fails(1, "ContainerNotRunning", BackupPsCli.Run("backup-database", "--container", stopped.Name, "--environment", "prod", "--path", NewRoot()));
            Assert.Contains("docker start " + stopped.Name, result.Stderr);
        }
        finally
        {
            await stopped.DisposeAsync();
        }
    }

    [Fact]
    public void MissingDockerSocketIsExplained()
    {
        var env = new Dictionary<string, string?> { ["DOCKER_HOST"] = "unix:///nonexistent/docker.sock" };
        Fails(1, "DockerSocketNotFound", BackupPsCli.Run(env, "backup-database", "--container", pg.Name, "--environment", "prod", "--path", NewRoot()));
    }

    [Fact]
    public async Task PermissionDeniedOnTheDockerSocketIsExplained()
    {
        // As an unprivileged user (nobody), the root-owned socket refuses the connection.
        var account = OperatorAccount.Nobody;
        var failed = Fails(1, "DockerPermissionDenied", await BackupPsCli.RunAsAsync(account, _ => { },
            "backup-database", "--container", pg.Name, "--environment", "prod", "--path", account.NewWritableFolder()));
        Assert.Contains("docker", failed.Stderr);
    }

    [Fact]
    public void MissingDatabaseListsTheDatabasesThatExist()
    {
        var result = Fails(1, "DatabaseNotFound", BackupPsCli.Run("backup-database", "--container", pg.Name, "--database", "nope", "--environment", "prod", "--path", NewRoot()));
        Assert.Contains("app", result.Stderr[result.Stderr.IndexOf("databases there", StringComparison.Ordinal)..]);
    }

    [Fact]
    public void UnknownRoleIsALoginFailure()
    {
        var env = new Dictionary<string, string?> { ["BACKUPPS_PASSWORD"] = "whatever-secret" };
        var result = Fails(1, "DatabaseLoginFailed", BackupPsCli.Run(env, "backup-database", "--container", pg.Name, "--credential", "ghost", "--environment", "prod", "--path", NewRoot()));
        Assert.DoesNotContain("whatever-secret", result.Stderr);
    }

    [Fact]
    public void ALoginFailureSaysWhereTheLoginCameFromAndNamesTheSecretVariablesAndCredential()
    {
        var env = new Dictionary<string, string?> { ["BACKUPPS_PASSWORD"] = "whatever-secret" };
        var result = Fails(1, "DatabaseLoginFailed", BackupPsCli.Run(env, "backup-database", "--container", pg.Name, "--credential", "ghost", "--environment", "prod", "--path", NewRoot()));
        Assert.Contains("'ghost' (from --credential)", result.Stderr);
        Assert.Contains("--credential", result.Stderr);
        Assert.Contains("POSTGRES_USER_FILE and POSTGRES_PASSWORD_FILE", result.Stderr);
    }

    [Theory]
    [InlineData("../etc", "InvalidEnvironmentName")]
    [InlineData("prod/evil", "InvalidEnvironmentName")]
    [InlineData("..", "InvalidEnvironmentName")]
    [InlineData("", "ParameterArgumentValidationError")] // refused empty when bound, as every string option is
    public void EnvironmentNamesCannotEscapeTheStore(string environment, string errorId)
    {
        var root = NewRoot();
        Fails(2, errorId, BackupPsCli.Run("backup-database", "--container", pg.Name, "--environment", environment, "--path", root));
        Assert.Empty(Files(root));
        Assert.Empty(Directory.GetDirectories(root));
    }

    [Fact]
    public void UnwritableDestinationIsRefusedBeforeDumping()
    {
        var mount = NewRoot();
        ProcessRunner.Bash($"mount -t tmpfs -o size=1m,ro tmpfs '{mount}'");
        try
        {
            Fails(1, "DestinationNotWritable", BackupPsCli.Run("backup-database", "--container", pg.Name, "--environment", "prod", "--path", mount));
        }
        finally
        {
            ProcessRunner.Bash($"umount '{mount}'");
        }
    }

    [Fact]
    public void DiskFullMidWriteLeavesNothingBehind()
    {
        var mount = NewRoot();
        ProcessRunner.Bash($"mount -t tmpfs -o size=64k tmpfs '{mount}'");
        try
        {
            Fails(1, "DestinationFull", BackupPsCli.Run("backup-database", "--container", pg.Name, "--environment", "prod", "--path", mount, "--compression", "Gzip", "--format", "Plain"));
            Assert.Empty(Directory.GetFileSystemEntries(mount));
        }
        finally
        {
            ProcessRunner.Bash($"umount '{mount}'");
        }
    }
}

/// <summary>
/// Failures while the dump is streaming, over both transports: as root (FIFO through the
/// container's file system) and as a docker-group operator (the Docker API's exec stream).
/// Each test gets a server large enough to be caught mid-stream.
/// </summary>
public sealed class BackupInterruptionTests : IAsyncLifetime
{
    private readonly PostgresContainer _pg = new(scale: 40);

    public static TheoryData<string> Transports() => new() { "fifo", "docker-api" };

    public Task InitializeAsync() => _pg.InitializeAsync();

    public Task DisposeAsync() => _pg.DisposeAsync();

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task BothTransportsProduceTheSameProvenBackup(string transport)
    {
        var (result, _) = StartBackup(transport, _ => { });
        var done = await result;
        Assert.True(done.ExitCode == 0, done.ToString());
        Assert.Contains($"its output travels by {transport}", done.Stderr);
        var record = Assert.Single(BackupPsCli.JsonLines(done));
        Assert.Equal(_pg.RowCounts().OrderBy(kv => kv.Key), Tables(record).OrderBy(kv => kv.Key));
        Assert.Empty(_pg.Psql("select 1 from pg_stat_activity where application_name = 'BackupPs'"));
        Assert.DoesNotContain(".fifo", PostgresContainer.Docker(["exec", _pg.Name, "ls", "-a", "/tmp"]));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task PgDumpKilledMidStreamFailsAndLeavesNothing(string transport)
    {
        SlowDown();
        var (run, root) = StartBackup(transport, _ => { });
        await WhenDumpIsStreamingAsync(root);
        foreach (var pid in PgDumpPids())
        {
            ProcessRunner.Run("kill", ["-KILL", pid]);
        }

        var result = await run;
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("[PgDumpFailed]", result.Stderr);
        Assert.Empty(Directory.GetFileSystemEntries(root));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task CtrlCMidStreamCancelsAndLeavesNothing(string transport)
    {
        SlowDown();
        Process? cli = null;
        var (run, root) = StartBackup(transport, p => cli = p);
        await WhenDumpIsStreamingAsync(root);
        // setpriv execs dotnet, so the pid is the CLI's either way.
        ProcessRunner.Run("kill", ["-INT", cli!.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        var result = await run;
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Cancelled", result.Stderr);
        Assert.Empty(Directory.GetFileSystemEntries(root));
        // pg_dump inside the container must not linger after its reader went away, nor its FIFO.
        await Task.Delay(1000);
        Assert.Empty(PgDumpPids());
        Assert.DoesNotContain(".fifo", PostgresContainer.Docker(["exec", _pg.Name, "ls", "-a", "/tmp"]));
    }

    private (Task<ProcessResult> Run, string Root) StartBackup(string transport, Action<Process> started)
    {
        string[] args = ["backup-database", "--container", _pg.Name, "--environment", "prod", "--json", "--verbose"];
        if (transport == "fifo")
        {
            var root = NewRoot();
            return (BackupPsCli.RunAsync(null, started, [.. args, "--path", root]), root);
        }

        var account = OperatorAccount.DockerGroupMember;
        var folder = account.NewWritableFolder();
        return (BackupPsCli.RunAsAsync(account, started, [.. args, "--path", folder]), folder);
    }

    /// <summary>
    /// Caps this test's container (pg_dump included) at a tenth of a CPU, so the dump lasts seconds
    /// and the interruption lands mid-stream however fast the transport is.
    /// </summary>
    private void SlowDown() => PostgresContainer.Docker(["update", "--cpus", "0.1", _pg.Name]);

    /// <summary>Host pids of the pg_dump processes in this test's container (docker top sees them from the host).</summary>
    private string[] PgDumpPids() => PostgresContainer.Docker(["top", _pg.Name, "-eo", "pid,args"])
        .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Where(line => line.Contains("pg_dump", StringComparison.Ordinal))
        .Select(line => line.Split(' ', 2)[0])
        .ToArray();

    /// <summary>Waits until the temporary file has data: the dump is flowing, not finished.</summary>
    private static async Task WhenDumpIsStreamingAsync(string root)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var partial = Directory.Exists(root)
                ? Directory.GetFiles(root, "*.partial", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
                : [];
            if (partial.Any(f => new FileInfo(f).Length > 0))
            {
                return;
            }

            await Task.Delay(2);
        }

        throw new TimeoutException("the backup never started writing");
    }
}
