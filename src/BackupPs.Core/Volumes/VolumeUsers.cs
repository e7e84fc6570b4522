using BackupPs.Core.Docker;
using BackupPs.Core.Errors;

namespace BackupPs.Core.Volumes;

/// <summary>
/// A container that mounts a volume, and how: read-write or read-only, at which destination, whether it runs, and
/// whether the volume there is a PostgreSQL data directory (its PGDATA at, under or above the mount's destination, or a
/// PG_VERSION file at the volume's root). Facts from <c>GET /containers/{id}/json</c> and, for PG_VERSION, from the
/// container's own file system (<c>GET /containers/{id}/archive</c>).
/// </summary>
/// <param name="Container">The container as inspected.</param>
/// <param name="Mount">Its mount of the volume (the first, when it mounts it twice: see <see cref="ReadWrite"/>).</param>
/// <param name="ReadWrite">Whether any of its mounts of the volume is read-write.</param>
/// <param name="PostgresData">
/// Why the volume holds PostgreSQL data for this container ("PGDATA /var/lib/postgresql/data"), or null when nothing says so.
/// </param>
internal sealed record VolumeUser(DockerContainerDetails Container, DockerMountPoint Mount, bool ReadWrite, string? PostgresData)
{
    /// <summary>The label that asks for the container to be stopped while its volumes are backed up, without -StopContainer.</summary>
    public const string StopLabel = "backupps.stop-during-backup";

    /// <summary>Running (paused included: it resumes and writes) or restarting: its processes may write at any moment.</summary>
    public bool IsLive => Container.State.Running || Container.State.Restarting;

    /// <summary>Whether it carries <see cref="StopLabel"/>=true (any case).</summary>
    public bool StopsByLabel =>
        Container.Config.Labels.TryGetValue(StopLabel, out var value) && string.Equals(value.Trim(), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>"knot-db (running, read-write at /var/lib/postgresql/data)", for messages.</summary>
    public string Description => $"{Container.Name} ({(IsLive ? Container.State.Status : "not running")}, {(ReadWrite ? "read-write" : "read-only")} at {Mount.Destination})";
}

/// <summary>Finds the containers that use a volume (<see cref="VolumeUser"/>).</summary>
internal static class VolumeUsers
{
    /// <summary>The PostgreSQL data directory's marker file, at its root.</summary>
    private const string PostgresVersionFile = "PG_VERSION";

    /// <summary>
    /// Every container, running or not, that mounts <paramref name="volume"/>, ordered by name. The PostgreSQL check
    /// (<see cref="VolumeUser.PostgresData"/>) is made for the live read-write ones only: only they can be refused for it.
    /// </summary>
    public static async Task<IReadOnlyList<VolumeUser>> FindAsync(DockerClient docker, string volume, CancellationToken cancellationToken)
    {
        var users = new List<VolumeUser>();
        foreach (var summary in await docker.ListContainersUsingVolumeAsync(volume, cancellationToken).ConfigureAwait(false))
        {
            DockerContainerDetails container;
            try
            {
                container = await docker.InspectContainerAsync(summary.Id, cancellationToken).ConfigureAwait(false);
            }
            catch (BackupPsException e) when (e.ErrorId == DockerErrorIds.DockerContainerNotFound)
            {
                continue; // removed since it was listed: it uses nothing any more
            }

            var mounts = container.Mounts.Where(m => m.Type == "volume" && m.Name == volume).ToList();
            if (mounts.Count == 0)
            {
                continue;
            }

            var user = new VolumeUser(container, mounts.FirstOrDefault(m => m.ReadWrite) ?? mounts[0], mounts.Any(m => m.ReadWrite), null);
            if (user.IsLive && user.ReadWrite)
            {
                user = user with { PostgresData = await PostgresDataAsync(docker, user, cancellationToken).ConfigureAwait(false) };
            }

            users.Add(user);
        }

        return users.OrderBy(u => u.Container.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Why the volume is <paramref name="user"/>'s PostgreSQL data, or null: its PGDATA (image or container setting) at, under or
    /// above the mount's destination, else a PG_VERSION file at the volume's root as the container sees it.
    /// </summary>
    private static async Task<string?> PostgresDataAsync(DockerClient docker, VolumeUser user, CancellationToken cancellationToken)
    {
        var destination = user.Mount.Destination.TrimEnd('/');
        if (PgData(user.Container.Config.Env) is { } pgdata && Overlaps(pgdata.TrimEnd('/'), destination))
        {
            return $"its PGDATA {pgdata} is on the volume (mounted at {user.Mount.Destination})";
        }

        try
        {
            await using var archive = await docker.GetArchiveAsync(user.Container.Id, destination + "/" + PostgresVersionFile, cancellationToken).ConfigureAwait(false);
            return $"the volume (mounted at {user.Mount.Destination}) has a {PostgresVersionFile} file at its root";
        }
        catch (BackupPsException e) when (e.ErrorId is DockerErrorIds.DockerPathNotFound or DockerErrorIds.DockerContainerNotFound)
        {
            return null;
        }
    }

    /// <summary>The last PGDATA=... of a KEY=value list (Docker keeps the last of repeated keys), or null.</summary>
    internal static string? PgData(IEnumerable<string> env) =>
        env.Where(e => e.StartsWith("PGDATA=", StringComparison.Ordinal)).Select(e => e["PGDATA=".Length..]).LastOrDefault(v => v.Length > 0);

    /// <summary>Whether one of two absolute paths is the other or a folder above it.</summary>
    internal static bool Overlaps(string a, string b)
    {
        static bool Under(string path, string folder) => folder.Length == 0 || path == folder || path.StartsWith(folder + "/", StringComparison.Ordinal);
        return Under(a, b) || Under(b, a);
    }
}
