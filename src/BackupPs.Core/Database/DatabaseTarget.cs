using System.Globalization;
using System.Text;
using BackupPs.Core.Catalog;
using BackupPs.Core.Commands;
using BackupPs.Core.Docker;
using BackupPs.Core.Errors;
using BackupPs.Core.Postgres;

namespace BackupPs.Core.Database;

/// <summary>
/// A database inside a running PostgreSQL container, with the login to reach it. PostgreSQL
/// programs (psql, pg_dump) always run inside that container, so client and server versions match
/// and no port has to be published. The login travels as PGUSER/PGDATABASE/PGPASSWORD in the exec
/// environment: never in argv, and a database name can never be mistaken for a connection string.
/// PGHOST/PGPORT there point at the server's socket, wherever the deployment put it (<see cref="ServerSocket"/>).
/// </summary>
internal sealed class DatabaseTarget
{
    private readonly string _user;
    private readonly string _loginSource;
    private readonly string? _password;
    private readonly ServerSocket? _socket;

    /// <summary>What the preflight learned about the server; shared by every <see cref="WithDatabase"/> copy.</summary>
    private readonly ServerFacts _server;

    private DatabaseTarget(DockerContainerDetails container, string user, string loginSource, string database, string? password, ServerSocket? socket,
        ServerFacts server)
    {
        _socket = socket;
        Container = container;
        _user = user;
        _loginSource = loginSource;
        _password = password;
        Database = database;
        _server = server;
    }

    public DockerContainerDetails Container { get; }

    public string Database { get; }

    public string Description => $"database {Database} in container {Container.Name}";

    public string? ComposeProject => Container.Config.Labels.GetValueOrDefault(ComposeLabels.Project);

    public string? ComposeService => Container.Config.Labels.GetValueOrDefault(ComposeLabels.Service);

    /// <summary>
    /// Finds the container (by name/id or compose labels), makes sure its server is the one to talk
    /// to, and works out the login as the postgres image does: -Credential, else POSTGRES_USER and
    /// POSTGRES_PASSWORD (or their *_FILE secrets); the database is -Database, else the one the image
    /// created: POSTGRES_DB (or POSTGRES_DB_FILE), else the container's POSTGRES_USER.
    /// </summary>
    public static async Task<DatabaseTarget> ResolveAsync(
        DockerClient docker, string? container, string? composeProject, string? composeService,
        string? database, DatabaseCredential? credential, CancellationToken cancellationToken)
    {
        var details = container is not null
            ? await InspectAsync(docker, container, cancellationToken).ConfigureAwait(false)
            : await FindComposeServiceAsync(docker, composeProject!, composeService!, cancellationToken).ConfigureAwait(false);
        ContainerReadiness.RequireRunning(details);
        await ContainerReadiness.RequireInitializedAsync(docker, details, cancellationToken).ConfigureAwait(false);

        var env = PostgresImageEnvironment.Of(docker, details);
        const string LoginHint = "pass -Credential";
        string user, loginSource;
        string? password;
        if (credential is not null)
        {
            // Checked here: a NUL in the exec's environment makes Docker refuse to start psql at all, which would read
            // as a container without the PostgreSQL clients. (A password cannot hold one: PSCredential ends it there,
            // and the CLI's comes from an environment variable.)
            (user, loginSource, password) = (PostgresNames.Require(credential.UserName, "-Credential's user name"), "from -Credential", credential.Password);
        }
        else
        {
            user = await env.GetAsync(PostgresImageEnvironment.UserVariable, LoginHint, cancellationToken).ConfigureAwait(false)
                ?? PostgresImageEnvironment.DefaultUser;
            password = await env.GetAsync(PostgresImageEnvironment.PasswordVariable, LoginHint, cancellationToken).ConfigureAwait(false);
            loginSource = env.LoginSource(password);
        }

        // The image's database is named after ITS user, whoever logs in. A -Database is refused when the server would cut it.
        var name = (database is null ? null : PostgresNames.Require(database, "-Database"))
            ?? await env.GetAsync(PostgresImageEnvironment.DatabaseVariable, "pass -Database", cancellationToken).ConfigureAwait(false)
            ?? (credential is null ? user : await env.GetAsync(PostgresImageEnvironment.UserVariable, "pass -Database", cancellationToken).ConfigureAwait(false))
            ?? PostgresImageEnvironment.DefaultUser;
        // After the configuration: a container whose settings are wrong says so before anything else.
        var socket = await ServerSocket.LocateAsync(docker, details, cancellationToken).ConfigureAwait(false);
        return new DatabaseTarget(details, user, loginSource, name, password, socket, new ServerFacts());
    }

    /// <summary>
    /// The databases BackupPs works through when it needs one that is not the operation's own, best first: postgres, and
    /// template1 on a server whose postgres database was dropped (template1 always exists: CREATE DATABASE copies it).
    /// </summary>
    public static readonly IReadOnlyList<string> MaintenanceDatabases = ["postgres", "template1"];

    /// <summary>The login user, for messages (never the password).</summary>
    public string UserName => _user;

    /// <summary>The same container and login, pointed at another database of the server.</summary>
    public DatabaseTarget WithDatabase(string database) => new(Container, _user, _loginSource, database, _password, _socket, _server);

    /// <summary>Where BackupPs's short-lived files may go in the container, best first (see <see cref="ContainerScratch"/>).</summary>
    public IReadOnlyList<string> ScratchDirectories => ContainerScratch.Directories(_socket);

    /// <summary>The server's major version (15, 17), known once <see cref="PreflightAsync"/> has run; 0 before.</summary>
    public int ServerMajor => _server.Major;

    /// <summary>
    /// Settings every session BackupPs opens sends at connection time (PGOPTIONS), so that the
    /// database's, the role's or the server's own settings cannot stop BackupPs's work half-way. They
    /// are the timeouts pg_dump and pg_restore turn off in their own sessions (PostgreSQL's
    /// pg_backup_archiver.c, _doSetFixedOutputState: statement_timeout, lock_timeout,
    /// idle_in_transaction_session_timeout, and transaction_timeout from 17), plus idle_session_timeout
    /// (14+), since a COPY session sits idle between chunks, and default_transaction_read_only=off, as
    /// pg_dumpall writes it. Connection options outrank ALTER DATABASE/ROLE ... SET (GUC source
    /// "client" is above "database" and "user"). Parameters the server does not know would refuse
    /// the connection, hence the version: before the preflight only those of every supported version.
    /// On 17+ a superuser's sessions also set event_triggers=off, so no login event trigger fires for them.
    /// </summary>
    public string ProtectedSessionOptions
    {
        get
        {
            var options = "-c statement_timeout=0 -c lock_timeout=0 -c idle_in_transaction_session_timeout=0 -c default_transaction_read_only=off";
            if (_server.Major >= 14)
            {
                options += " -c idle_session_timeout=0";
            }

            if (_server.Major >= 17)
            {
                options += " -c transaction_timeout=0";
                if (_server.Superuser)
                {
                    // No login event triggers (17+) for BackupPs's connections: each would, say, add a row to a
                    // login log of the database just restored, and the counts would differ. Superusers only.
                    options += " -c event_triggers=off";
                }
            }

            return options;
        }
    }

    /// <summary>The exec request for a PostgreSQL client program run against this database.</summary>
    public ExecRequest Exec(params string[] command) => Exec(Database, command);

    /// <summary>As <see cref="Exec(string[])"/>, with session settings for the server (PGOPTIONS, "-c name=value ...").</summary>
    public ExecRequest Exec(string[] command, string? sessionOptions) => Exec(Database, command, sessionOptions);

    private ExecRequest Exec(string database, string[] command, string? sessionOptions = null)
    {
        var env = new List<string>
        {
            // UTF-8 is what BackupPs writes SQL in and reads answers in, whatever the container's locale or the database's encoding.
            "PGUSER=" + _user, "PGDATABASE=" + database, "PGAPPNAME=BackupPs", "PGCLIENTENCODING=UTF8",
            "PGOPTIONS=" + (sessionOptions is null ? ProtectedSessionOptions : ProtectedSessionOptions + " " + sessionOptions),
        };
        if (_socket is not null)
        {
            env.AddRange(_socket.Environment);
        }

        if (_password is not null)
        {
            env.Add("PGPASSWORD=" + _password);
        }

        return new ExecRequest { Cmd = command, Env = env };
    }

    /// <summary>Runs one SQL statement (or a psql script on stdin when <paramref name="script"/> is true) in this database; returns psql's unaligned, tuples-only output.</summary>
    public Task<string> QueryAsync(DockerClient docker, string sql, CancellationToken cancellationToken, bool script = false) =>
        QueryAsync(docker, Database, sql, cancellationToken, script);

    /// <summary>
    /// Connects once before anything is written: proves login and database, and returns the server
    /// version and the database size (for progress). Failures become errors an operator can act on.
    /// </summary>
    public async Task<(string ServerVersion, long SizeBytes)> PreflightAsync(DockerClient docker, CancellationToken cancellationToken)
    {
        // The version first, without running SQL: psql knows it from the connection's start-up, so no
        // setting of this database can stop this step, and the next one is protected for its version.
        // SERVER_VERSION_NUM: 150018 for 15.18 (major * 10000 + minor since PostgreSQL 10).
        var number = await QueryAsync(docker, Database, "\\echo :SERVER_VERSION_NUM", cancellationToken).ConfigureAwait(false);
        _server.Major = int.Parse(number.Trim(), CultureInfo.InvariantCulture) / 10000;
        var output = await QueryAsync(docker, Database,
            "select pg_database_size(current_database()) || '|' || current_setting('is_superuser') || '|' || current_setting('server_version')",
            cancellationToken).ConfigureAwait(false);
        var parts = output.Trim().Split('|', 3);
        _server.Superuser = parts[1] == "on";
        return (parts[2], long.Parse(parts[0], CultureInfo.InvariantCulture));
    }

    /// <param name="listOnMissing">
    /// Whether a "database does not exist" failure lists the databases there for its message. False for that listing
    /// itself: it must never call back into the failure it explains (without the postgres database, it would recurse).
    /// </param>
    private async Task<string> QueryAsync(DockerClient docker, string database, string sql, CancellationToken cancellationToken, bool script = false,
        bool listOnMissing = true)
    {
        using var stdout = new MemoryStream();
        // -b: psql prints the statement that failed (a script has several).
        string[] psql = ["psql", "-X", "-w", "-q", "-A", "-t", "-b", "-v", "ON_ERROR_STOP=1"];
        using var stdin = script ? new MemoryStream(Encoding.UTF8.GetBytes(sql)) : null;
        var result = await docker.ExecAsync(Container.Id,
            Exec(database, script ? psql : [.. psql, "-c", sql]),
            stdin, stdout, cancellationToken).ConfigureAwait(false);
        if (result.ExitCode == 0)
        {
            return Encoding.UTF8.GetString(stdout.ToArray());
        }

        if (result.ExitCode is 126 or 127)
        {
            throw new BackupPsException("NotAPostgresContainer", FailureCategory.InvalidArgument,
                $"Container {Container.Name} has no psql/pg_dump on its PATH; point -Container at the PostgreSQL container itself.")
            { Target = Container.Name };
        }

        var stderr = result.Stderr;
        if (ClientErrorOutput.Parse(stderr).FirstOrDefault(e => e.StatementError) is { } failed)
        {
            // The server is there and the login worked: it rejected the statement (a trigger, a timeout, a lock, a privilege).
            throw new BackupPsException("DatabaseCommandFailed", FailureCategory.InvalidOperation,
                $"PostgreSQL in {Container.Name} rejected a statement BackupPs ran in database {database}: "
                + ClientErrorOutput.Describe(failed.Message, null, failed.Detail, failed.Hint, failed.Context, failed.Statement,
                    ClientErrorOutput.Remedy(failed.Message, failed.Context)) + ".")
            { Target = database };
        }

        if (stderr.Contains($"database \"{database}\" does not exist", StringComparison.Ordinal))
        {
            var existing = listOnMissing ? await ListDatabasesAsync(docker, database, cancellationToken).ConfigureAwait(false) : "(not listed)";
            throw new BackupPsException("DatabaseNotFound", FailureCategory.ObjectNotFound,
                $"Database '{database}' does not exist in container {Container.Name}; databases there: {existing}. Pass one of them to -Database.")
            { Target = database };
        }

        if (stderr.Contains("password authentication failed", StringComparison.Ordinal)
            || stderr.Contains("no password supplied", StringComparison.Ordinal)
            || (stderr.Contains("role \"", StringComparison.Ordinal) && stderr.Contains("does not exist", StringComparison.Ordinal)))
        {
            throw new BackupPsException("DatabaseLoginFailed", FailureCategory.PermissionDenied,
                $"PostgreSQL in {Container.Name} refused the login as '{_user}' ({_loginSource}): {FirstLine(stderr)}. Pass -Credential with a login of that server, or give the container the login its image was initialised with: POSTGRES_USER and POSTGRES_PASSWORD, or POSTGRES_USER_FILE and POSTGRES_PASSWORD_FILE naming Docker secrets.")
            { Target = Container.Name };
        }

        throw new BackupPsException("DatabaseUnavailable", FailureCategory.ResourceUnavailable,
            $"psql in {Container.Name} failed with exit code {result.ExitCode} ({FirstLine(stderr).TrimEnd('.')}). Check that the server in {Container.Name} is up (docker logs {Container.Name}), then retry.")
        { Target = Container.Name };
    }

    /// <summary>
    /// The server's databases, for the message about <paramref name="missing"/>: read through a maintenance database
    /// (postgres, else template1, which every server has) other than the one found missing, and never explained further.
    /// </summary>
    private async Task<string> ListDatabasesAsync(DockerClient docker, string missing, CancellationToken cancellationToken)
    {
        foreach (var through in MaintenanceDatabases.Where(d => d != missing))
        {
            try
            {
                var names = await QueryAsync(docker, through, "select string_agg(datname, ', ' order by datname) from pg_database where not datistemplate",
                    cancellationToken, listOnMissing: false).ConfigureAwait(false);
                return names.Trim();
            }
            catch (BackupPsException)
            {
                // The next maintenance database, if any.
            }
        }

        return "(could not be listed)";
    }

    internal static string FirstLine(string text)
    {
        var line = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "no error text";
        return line.Length > 300 ? line[..300] + "..." : line;
    }

    private static async Task<DockerContainerDetails> InspectAsync(DockerClient docker, string container, CancellationToken cancellationToken)
    {
        try
        {
            // No container has a blank name (Docker's names start with a letter or digit); asked for one, the client
            // would refuse the argument itself, so it is answered here like any other name that is not there.
            return string.IsNullOrWhiteSpace(container)
                ? throw new BackupPsException(DockerErrorIds.DockerContainerNotFound, FailureCategory.ObjectNotFound, "The container name is blank.")
                : await docker.InspectContainerAsync(container, cancellationToken).ConfigureAwait(false);
        }
        catch (BackupPsException e) when (e.ErrorId == DockerErrorIds.DockerContainerNotFound)
        {
            var candidates = await DescribePostgresContainersAsync(docker, cancellationToken).ConfigureAwait(false);
            throw new BackupPsException("ContainerNotFound", FailureCategory.ObjectNotFound,
                $"No container named '{container}'. {candidates}", e)
            { Target = container };
        }
    }

    /// <summary>
    /// The container of a compose service: its one running container (several replicas are
    /// ambiguous), else a stopped one, so the error says how to start it. Containers of
    /// <c>docker compose run</c> carry the same labels but are never the service's server. The
    /// project matches as compose writes it (lower case).
    /// </summary>
    private static async Task<DockerContainerDetails> FindComposeServiceAsync(DockerClient docker, string project, string service, CancellationToken cancellationToken)
    {
        var labelled = (await docker.ListContainersAsync(all: true, new Dictionary<string, string> { [ComposeLabels.Service] = service }, cancellationToken)
                .ConfigureAwait(false))
            .Where(c => c.Labels.TryGetValue(ComposeLabels.Project, out var label) && ComposeLabels.ProjectMatches(label, project))
            .ToArray();
        var matches = labelled.Where(c => !ComposeLabels.IsOneOff(c.Labels)).ToArray();
        var running = matches.Where(c => c.State == "running").ToArray();
        var candidates = labelled.Length == 0 ? await DescribePostgresContainersAsync(docker, cancellationToken).ConfigureAwait(false) : "";
        var chosen = running.Length switch
        {
            1 => running[0],
            > 1 => throw new BackupPsException("ComposeServiceAmbiguous", FailureCategory.InvalidArgument,
                $"Compose service {project}/{service} has {running.Length} running containers ({string.Join(", ", running.Select(c => c.Names.FirstOrDefault()))}); pass -Container with the one to back up.")
            { Target = service },
            _ when matches.Length > 0 => matches[0],
            _ when labelled.Length > 0 => throw new BackupPsException("ComposeServiceNotFound", FailureCategory.ObjectNotFound,
                $"Compose service {project}/{service} has no container of its own, only one-off containers of docker compose run ({string.Join(", ", labelled.Select(c => c.Names.FirstOrDefault()))}), which are not its server; start the service (docker compose -p {project} up -d {service}) or pass -Container.")
            { Target = service },
            _ => throw new BackupPsException("ComposeServiceNotFound", FailureCategory.ObjectNotFound,
                $"No container carries the compose labels project={project}, service={service}. {candidates}")
            { Target = service },
        };
        return await docker.InspectContainerAsync(chosen.Id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>"PostgreSQL containers here: a (running), b (exited; compose db/app)." for not-found errors.</summary>
    private static async Task<string> DescribePostgresContainersAsync(DockerClient docker, CancellationToken cancellationToken)
    {
        var found = new List<string>();
        foreach (var summary in await docker.ListContainersAsync(all: true, null, cancellationToken).ConfigureAwait(false))
        {
            var details = await docker.InspectContainerAsync(summary.Id, cancellationToken).ConfigureAwait(false);
            var looksLikePostgres = summary.Image.Contains("postgres", StringComparison.OrdinalIgnoreCase)
                || details.Config.Env.Any(e => e.StartsWith("PG_VERSION=", StringComparison.Ordinal) || e.StartsWith("POSTGRES_", StringComparison.Ordinal));
            if (looksLikePostgres)
            {
                var compose = summary.Labels.TryGetValue(ComposeLabels.Project, out var p) && summary.Labels.TryGetValue(ComposeLabels.Service, out var s)
                    ? $"; compose {p}/{s}" : "";
                found.Add($"{details.Name} ({summary.State}{compose})");
            }
        }

        return found.Count == 0
            ? "No PostgreSQL container exists on this Docker host; start one first (docker ps -a lists what there is)."
            : $"PostgreSQL containers here: {string.Join(", ", found)}; pass one of them to -Container.";
    }

    /// <summary>Mutable so that the copies made before and after the preflight see the same facts.</summary>
    private sealed class ServerFacts
    {
        public int Major { get; set; }

        public bool Superuser { get; set; }
    }
}
