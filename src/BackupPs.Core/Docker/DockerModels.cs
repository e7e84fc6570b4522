namespace BackupPs.Core.Docker;

/// <summary>One row of <c>GET /containers/json</c>.</summary>
/// <param name="Names">Container names without the leading '/'.</param>
/// <param name="Image">The image reference the container was created from (as given, e.g. <c>postgres:16</c>).</param>
/// <param name="ImageId">The image id (<c>sha256:…</c>).</param>
/// <param name="State">running, exited, created, paused, restarting, removing or dead.</param>
/// <param name="Created">When the container was created (the Unix epoch when the daemon did not say).</param>
public sealed record DockerContainerSummary(
    string Id,
    IReadOnlyList<string> Names,
    string Image,
    string ImageId,
    string State,
    IReadOnlyDictionary<string, string> Labels,
    DateTimeOffset Created);

/// <summary><c>GET /containers/{id}/json</c>, reduced to what BackupPs uses.</summary>
/// <param name="Name">The container name without the leading '/'.</param>
/// <param name="ImageId">The image id (<c>sha256:…</c>) — the top-level <c>Image</c> field.</param>
public sealed record DockerContainerDetails(
    string Id,
    string Name,
    string ImageId,
    DockerContainerConfig Config,
    DockerContainerState State,
    IReadOnlyList<DockerMountPoint> Mounts);

/// <param name="Image">The image reference from the create request (<c>Config.Image</c>).</param>
/// <param name="Env">The <c>KEY=value</c> list; may contain secrets, never log it.</param>
public sealed record DockerContainerConfig(
    string Image,
    IReadOnlyList<string> Env,
    IReadOnlyDictionary<string, string> Labels,
    string? User);

/// <param name="Status">created, running, paused, restarting, removing, exited or dead.</param>
/// <param name="Pid">The main process's pid as the daemon's host sees it (0 when not running).</param>
/// <param name="Health">The healthcheck's verdict (starting, healthy, unhealthy); null when the container has no healthcheck.</param>
public sealed record DockerContainerState(
    string Status,
    bool Running,
    bool Paused,
    bool Restarting,
    int ExitCode,
    int Pid,
    string? Health = null);

/// <summary>An entry of the inspect <c>Mounts</c> array.</summary>
/// <param name="Type">bind, volume, tmpfs or npipe.</param>
/// <param name="Name">The volume name for <c>volume</c> mounts; null otherwise.</param>
/// <param name="ReadWrite">The <c>RW</c> flag.</param>
public sealed record DockerMountPoint(
    string Type,
    string? Name,
    string Source,
    string Destination,
    string? Driver,
    bool ReadWrite);

/// <summary>A command to run in a running container with <see cref="DockerClient.ExecAsync(string, ExecRequest, Stream, CancellationToken)"/>. Never runs with a TTY.</summary>
public sealed class ExecRequest
{
    /// <summary>The command and its arguments (not a shell string). Must not be empty.</summary>
    public required IReadOnlyList<string> Cmd { get; init; }

    /// <summary>Extra <c>KEY=value</c> entries (e.g. PGPASSWORD). Never logged or put into messages.</summary>
    public IReadOnlyList<string>? Env { get; init; }

    /// <summary>User (name or uid[:gid]) to run as; null uses the container's user.</summary>
    public string? User { get; init; }

    /// <summary>Working directory; null uses the container's.</summary>
    public string? WorkingDir { get; init; }

    /// <summary>
    /// On cancellation, best-effort SIGTERM to the exec's processes (default true). The Engine API cannot kill an
    /// exec, so the exec is tagged with an environment variable (<c>BACKUPPS_EXEC_TAG</c>) and a second exec runs
    /// a small <c>sh</c>/<c>tr</c>/<c>kill</c> script that signals the processes carrying the tag, from the leaves up
    /// and never one whose parent has ended (the container's PID 1, a postmaster, would reap it). Needs those tools
    /// in the container (postgres images have them); failures are ignored.
    /// </summary>
    public bool KillOnCancel { get; init; } = true;
}

/// <summary>The outcome of an exec whose output was fully drained.</summary>
/// <param name="ExitCode">The process exit code. 126/127 mean the command could not be run/was not found; the
/// daemon then writes its error text into the <em>stdout</em> stream (see <see cref="StdoutHead"/>).</param>
/// <param name="Stderr">Captured stderr (UTF-8). When more than the cap arrived, the head and the tail are kept
/// with a marker line in between.</param>
/// <param name="StderrBytes">Total stderr bytes received.</param>
/// <param name="StderrTruncated">True when <see cref="Stderr"/> omits part of the middle.</param>
/// <param name="StdoutBytes">Total stdout bytes written to the caller's stream.</param>
/// <param name="StdoutHead">The first bytes of stdout (up to 4 KiB), e.g. to check a <c>PGDMP</c> header or read
/// the daemon's message for exit code 126/127.</param>
public sealed record ExecResult(
    int ExitCode,
    string Stderr,
    long StderrBytes,
    bool StderrTruncated,
    long StdoutBytes,
    ReadOnlyMemory<byte> StdoutHead);

/// <summary>Kind of a mount in <see cref="CreateContainerRequest.Mounts"/>.</summary>
public enum DockerMountType
{
    Volume,
    Bind,
}

/// <summary>A <c>HostConfig.Mounts</c> entry for container create.</summary>
/// <param name="Source">Volume name (for <see cref="DockerMountType.Volume"/>) or absolute host path (bind).</param>
/// <param name="Target">Absolute path inside the container.</param>
public sealed record DockerMountSpec(DockerMountType Type, string Source, string Target, bool ReadOnly = false);

/// <summary><c>POST /containers/create</c>. Network defaults to <c>none</c>.</summary>
public sealed class CreateContainerRequest
{
    /// <summary>An image that is already local (BackupPs never pulls).</summary>
    public required string Image { get; init; }

    /// <summary>Container name; null lets the daemon pick one.</summary>
    public string? Name { get; init; }

    public IReadOnlyList<string>? Cmd { get; init; }

    public IReadOnlyList<string>? Entrypoint { get; init; }

    public IReadOnlyList<string>? Env { get; init; }

    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    /// <summary><c>HostConfig.NetworkMode</c>; <c>none</c> unless a caller has a reason.</summary>
    public string NetworkMode { get; init; } = "none";

    public IReadOnlyList<DockerMountSpec>? Mounts { get; init; }

    public string? User { get; init; }

    public string? WorkingDir { get; init; }
}

/// <summary>The <c>condition</c> of <c>POST /containers/{id}/wait</c>.</summary>
public enum DockerWaitCondition
{
    NotRunning,
    NextExit,
    Removed,
}

/// <summary>The answer of <c>POST /containers/{id}/wait</c>.</summary>
public sealed record DockerWaitResult(long StatusCode, string? Error);

/// <summary><c>GET /volumes/{name}</c> and the rows of <c>GET /volumes</c>.</summary>
/// <param name="Mountpoint">Where the daemon keeps the volume's files on its host (local driver: /var/lib/docker/volumes/&lt;name&gt;/_data).</param>
/// <param name="Options">The driver options it was created with (<c>Options</c>; for local: type, device, o); empty when none.</param>
public sealed record DockerVolume(
    string Name,
    string Driver,
    string Mountpoint,
    string Scope,
    string? CreatedAt,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Options);

/// <summary>A row of <c>GET /images/json</c>.</summary>
/// <param name="Id">The image id (<c>sha256:…</c>).</param>
/// <param name="RepoTags">Its tags (<c>&lt;none&gt;:&lt;none&gt;</c> or none for an untagged image).</param>
/// <param name="Size">Its size in bytes.</param>
public sealed record DockerImageSummary(string Id, IReadOnlyList<string> RepoTags, long Size);

/// <summary><c>GET /images/{name}/json</c>, reduced.</summary>
/// <param name="Id">The image id (<c>sha256:…</c>).</param>
/// <param name="Labels">The image config labels (<c>Config.Labels</c>).</param>
public sealed record DockerImage(
    string Id,
    IReadOnlyList<string> RepoTags,
    IReadOnlyDictionary<string, string> Labels,
    string? Os,
    string? Architecture);

/// <summary><c>GET /version</c>, reduced.</summary>
/// <param name="Version">The engine version, e.g. 20.10.24.</param>
/// <param name="ApiVersion">The daemon's maximum API version.</param>
/// <param name="MinApiVersion">The daemon's minimum API version.</param>
public sealed record DockerVersionInfo(
    string Version,
    string ApiVersion,
    string MinApiVersion,
    string? Os,
    string? Arch,
    string? KernelVersion);

/// <summary>The stat of the archived path, from the <c>X-Docker-Container-Path-Stat</c> header.</summary>
public sealed record DockerPathStat(string Name, long Size, uint Mode, string? Mtime, string? LinkTarget);
