using System.Globalization;
using Xunit;

namespace BackupPs.Tests.Infrastructure;

/// <summary>
/// A real PostgreSQL server in a real container, from the rig's image (tests/rig/setup.sh builds it;
/// BACKUPPS_TEST_IMAGE overrides). Driven with the docker CLI, not with the client under test.
/// Network mode none: everything goes through docker exec, as in production.
/// </summary>
public class PostgresContainer : IAsyncLifetime
{
    public const string User = "app";
    public const string Password = "s3cret-never-printed";
    public const string DatabaseName = "app";

    private readonly int _scale;
    private readonly string? _composeProject;
    private readonly string _image;
    private readonly bool _secretFiles;
    private readonly string? _initdbArgs;
    private readonly IReadOnlyList<string> _runOptions;
    private readonly IReadOnlyList<string> _command;
    private readonly IReadOnlyList<string> _clientOptions;
    private string? _secretsFolder;

    /// <param name="image">Default <see cref="Image"/>; <see cref="Image17"/> for cross-version tests.</param>
    /// <param name="secretFiles">
    /// Configure the login only through POSTGRES_USER_FILE / POSTGRES_PASSWORD_FILE / POSTGRES_DB_FILE
    /// (Docker secrets: files with a trailing newline, mode 0600, bind-mounted read-only at /run/secrets).
    /// </param>
    /// <param name="initdbArgs">POSTGRES_INITDB_ARGS, e.g. --auth-local=scram-sha-256 (then even docker exec psql needs the password).</param>
    /// <param name="name">The container name (compose-style names); default a random bps-test-* name.</param>
    /// <param name="runOptions">More docker run options (labels, healthcheck, --read-only).</param>
    /// <param name="command">The container's command instead of the image's (compose's <c>command: postgres -c port=5433</c>).</param>
    /// <param name="clientEnvironment">
    /// PGHOST/PGPORT for the test's own docker exec clients (readiness, seeding, <see cref="Psql"/>) when
    /// <paramref name="command"/> moves the server; BackupPs itself never gets them.
    /// </param>
    public PostgresContainer(int scale, string? composeProject = null, string? image = null, bool secretFiles = false, string? initdbArgs = null,
        string? name = null, IReadOnlyList<string>? runOptions = null, IReadOnlyList<string>? command = null,
        IReadOnlyDictionary<string, string>? clientEnvironment = null)
    {
        _command = command ?? [];
        _clientOptions = (clientEnvironment ?? new Dictionary<string, string>()).SelectMany(kv => new[] { "-e", kv.Key + "=" + kv.Value }).ToArray();
        _scale = scale;
        _composeProject = composeProject;
        _image = image ?? Image;
        _secretFiles = secretFiles;
        _initdbArgs = initdbArgs;
        _runOptions = runOptions ?? [];
        Name = name ?? "bps-test-" + Guid.NewGuid().ToString("N")[..10];
    }

    /// <summary>Where secret files are mounted in the container.</summary>
    public const string SecretsPath = "/run/secrets";

    /// <summary>The environment of every docker CLI call that reaches the server: PGPASSWORD, never in argv.</summary>
    private static readonly IReadOnlyDictionary<string, string?> PasswordEnvironment = new Dictionary<string, string?> { ["PGPASSWORD"] = Password };

    public static string Image => Environment.GetEnvironmentVariable("BACKUPPS_TEST_IMAGE") ?? "backupps-test/postgres:15";

    /// <summary>Debian trixie's PostgreSQL 17 (tests/rig/setup.sh --pg 17).</summary>
    public const string Image17 = "backupps-test/postgres:17";

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public string Name { get; }

    public async Task InitializeAsync()
    {
        List<string> args = ["run", "-d", "--name", Name, "--network", "none", "--shm-size=256m", "--label", "backupps.test=1"];
        if (_secretFiles)
        {
            _secretsFolder = Directory.CreateTempSubdirectory("bps-secrets-").FullName;
            foreach (var (variable, value) in new[] { ("POSTGRES_USER", User), ("POSTGRES_PASSWORD", Password), ("POSTGRES_DB", DatabaseName) })
            {
                var file = Path.Combine(_secretsFolder, variable.ToLowerInvariant());
                File.WriteAllText(file, value + "\n");
                File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                args.AddRange(["-e", $"{variable}_FILE={SecretsPath}/{Path.GetFileName(file)}"]);
            }

            args.AddRange(["-v", $"{_secretsFolder}:{SecretsPath}:ro"]);
        }
        else
        {
            args.AddRange(["-e", "POSTGRES_USER=" + User, "-e", "POSTGRES_PASSWORD=" + Password, "-e", "POSTGRES_DB=" + DatabaseName]);
        }

        if (_initdbArgs is not null)
        {
            args.AddRange(["-e", "POSTGRES_INITDB_ARGS=" + _initdbArgs]);
        }

        if (_composeProject is not null)
        {
            args.AddRange(["--label", "com.docker.compose.project=" + _composeProject, "--label", "com.docker.compose.service=db"]);
        }

        Docker([.. args, .. _runOptions, _image, .. _command]);
        await WaitReadyAsync();
        if (_scale > 0)
        {
            var seed = ProcessRunner.Run("docker", ["exec", "-i", "-e", "PGPASSWORD", .. _clientOptions, Name, "psql", "-X", "-q", "-U", User, "-d", DatabaseName,
                "-v", "ON_ERROR_STOP=1", "-v", "scale=" + _scale.ToString(CultureInfo.InvariantCulture)],
                stdinFile: Path.Combine(RepositoryRoot, "tests", "rig", "seed-database.sql"), environment: PasswordEnvironment);
            Assert.True(seed.ExitCode == 0, "seeding failed: " + seed);
        }
    }

    public Task DisposeAsync()
    {
        ProcessRunner.Run("docker", ["rm", "-f", "-v", Name]);
        if (_secretsFolder is not null)
        {
            Directory.Delete(_secretsFolder, recursive: true);
        }

        return Task.CompletedTask;
    }

    /// <summary>Runs SQL with psql in the container and returns its unaligned, tuples-only output.</summary>
    public string Psql(string sql, string database = DatabaseName) =>
        Docker(["exec", "-e", "PGPASSWORD", .. _clientOptions, Name, "psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-U", User, "-d", database, "-c", sql], PasswordEnvironment).Trim();

    /// <summary>Exact row count of every ordinary table, as (schema, table) → rows, straight from the server.</summary>
    public IReadOnlyDictionary<(string Schema, string Table), long> RowCounts(string database = DatabaseName)
    {
        var tables = Psql("select schemaname || '|' || tablename from pg_tables where schemaname not in ('pg_catalog','information_schema') order by 1", database)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return tables.ToDictionary(
            t => (t.Split('|')[0], t.Split('|')[1]),
            t =>
            {
                var (schema, table) = (t.Split('|')[0], t.Split('|')[1]);
                return long.Parse(Psql($"select count(*) from \"{schema}\".\"{table}\"", database), CultureInfo.InvariantCulture);
            });
    }

    public static string Docker(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var result = ProcessRunner.Run("docker", args, environment: environment);
        Assert.True(result.ExitCode == 0, "docker " + string.Join(' ', args) + " failed: " + result);
        return result.Stdout;
    }

    /// <summary>Waits until the server answers (after the start, or after a docker start of a stopped container).</summary>
    public async Task WaitReadyAsync()
    {
        for (var i = 0; i < 300; i++)
        {
            if (ProcessRunner.Run("docker", ["exec", .. _clientOptions, Name, "pg_isready", "-q", "-U", User, "-d", DatabaseName]).ExitCode == 0)
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"PostgreSQL in {Name} did not become ready: {ProcessRunner.Run("docker", ["logs", Name])}");
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "BackupPs.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (BackupPs.sln) above " + AppContext.BaseDirectory);
    }
}

/// <summary>One seeded server shared by the end-to-end tests that only read it (they dump it).</summary>
public sealed class SharedPostgresServer() : PostgresContainer(scale: 2);

[CollectionDefinition(Name)]
public sealed class SharedPostgres : ICollectionFixture<SharedPostgresServer>
{
    public const string Name = "shared postgres";
}
