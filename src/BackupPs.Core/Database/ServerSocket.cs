using System.Text;
using BackupPs.Core.Docker;
using BackupPs.Core.Errors;

namespace BackupPs.Core.Database;

/// <summary>
/// Where the PostgreSQL server of a container listens, so that every client BackupPs runs there
/// (psql, pg_dump, pg_restore) reaches it whatever port and socket directory the deployment chose:
/// compose's <c>command: postgres -c port=5433</c>, <c>-c unix_socket_directories=/sockets</c>, or
/// a port in postgresql.conf. One exec asks the container, in this order:
/// <list type="number">
/// <item>PGHOST or PGPORT in the container's own environment: the operator said where the server
/// is, and the clients inherit them (the exec's environment extends the container's), so BackupPs
/// adds nothing.</item>
/// <item>$PGDATA/postmaster.pid, which the running server writes: line 4 is its port, line 5 its
/// first socket directory (PostgreSQL's docs, "Database File Layout"). This is the server's own word,
/// whatever set it (argv, postgresql.conf, ALTER SYSTEM, PGPORT of the server's process); it counts
/// only while that socket exists, since a crashed server leaves a stale file.</item>
/// <item>The sockets in the usual directories (/var/run/postgresql, /tmp), for a data directory that
/// is not at $PGDATA.</item>
/// </list>
/// A server that has no socket but listens on TCP (unix_socket_directories='') is reached on
/// localhost at its port.
/// </summary>
internal sealed record ServerSocket(string Host, string Port)
{
    /// <summary>Prints "host\nport" of the server, nothing when the container's PGHOST/PGPORT decide; exits 3 when no server socket exists.</summary>
    private const string Probe = """
        [ -n "$PGHOST$PGPORT" ] && exit 0
        found() { printf '%s\n%s\n' "$1" "$2"; exit 0; }
        pid="$PGDATA/postmaster.pid"
        if [ -n "$PGDATA" ] && [ -r "$pid" ]; then
          port=$(sed -n 4p "$pid"); dir=$(sed -n 5p "$pid"); listen=$(sed -n 6p "$pid")
          [ -n "$dir" ] && [ -S "$dir/.s.PGSQL.$port" ] && found "$dir" "$port"
          [ -z "$dir" ] && [ -n "$listen" ] && found localhost "$port"
        fi
        for s in /var/run/postgresql/.s.PGSQL.* /tmp/.s.PGSQL.*; do
          [ -S "$s" ] && found "${s%/.s.PGSQL.*}" "${s##*.}"
        done
        exit 3
        """;

    /// <summary>True when <see cref="Host"/> is a socket directory rather than a TCP host name.</summary>
    public bool IsDirectory => Host.StartsWith('/');

    /// <summary>The libpq settings for the clients' environment.</summary>
    public IEnumerable<string> Environment => ["PGHOST=" + Host, "PGPORT=" + Port];

    /// <summary>
    /// The server's socket in <paramref name="container"/>, or null when the container's own PGHOST/PGPORT
    /// decide or the container has no shell to ask with (its clients then use libpq's defaults and say
    /// what failed). Throws when the container has no server socket at all.
    /// </summary>
    public static async Task<ServerSocket?> LocateAsync(DockerClient docker, DockerContainerDetails container, CancellationToken cancellationToken)
    {
        using var stdout = new MemoryStream();
        var result = await docker.ExecAsync(container.Id, new ExecRequest { Cmd = ["sh", "-c", Probe] }, stdout, cancellationToken).ConfigureAwait(false);
        var lines = Encoding.UTF8.GetString(stdout.ToArray()).Split('\n', StringSplitOptions.TrimEntries);
        if (result.ExitCode == 0 && lines.Length >= 2 && lines[0].Length > 0 && lines[1].All(char.IsAsciiDigit) && lines[1].Length > 0)
        {
            return new ServerSocket(lines[0], lines[1]);
        }

        if (result.ExitCode == 3)
        {
            throw new BackupPsException("ServerSocketNotFound", FailureCategory.ResourceUnavailable,
                $"No PostgreSQL server socket in container {container.Name}: $PGDATA/postmaster.pid names none that exists, and /var/run/postgresql and /tmp hold no .s.PGSQL.* socket. If its server is still starting, retry once it accepts connections (docker logs {container.Name}); if it listens elsewhere, set PGHOST (its socket directory) and PGPORT in the container's environment.")
            { Target = container.Name };
        }

        return null;
    }
}
