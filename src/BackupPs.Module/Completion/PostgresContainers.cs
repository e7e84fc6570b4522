using BackupPs.Core.Docker;

namespace BackupPs.Completion;

/// <summary>
/// The running containers that run PostgreSQL, from one <c>GET /containers/json</c> (no exec per container, so
/// completion stays instant on a Pi). "Runs PostgreSQL" is judged from that listing: an image whose name says
/// postgres/postgis/timescaledb, or a container labelled <c>backupps.environment</c> (declared a backup target).
/// The command itself still proves it by running psql (NotAPostgresContainer otherwise).
/// </summary>
internal static class PostgresContainers
{
    private static readonly string[] ImageHints = ["postgres", "postgis", "timescaledb"];

    public static IReadOnlyList<DockerContainerSummary> List(CancellationToken cancellationToken)
    {
        using var docker = new DockerClient();
        return docker.ListContainersAsync(all: false, labelFilters: null, cancellationToken).GetAwaiter().GetResult()
            .Where(c => c.State == "running" && (IsPostgresImage(c.Image) || c.Labels.ContainsKey("backupps.environment")))
            .ToArray();
    }

    private static bool IsPostgresImage(string image)
    {
        // The repository's last path segment, without tag or digest: "docker.io/library/postgres:16" -> "postgres".
        var name = image.Split('@')[0];
        name = name[(name.LastIndexOf('/') + 1)..].Split(':')[0];
        return ImageHints.Any(h => name.Contains(h, StringComparison.OrdinalIgnoreCase));
    }
}
