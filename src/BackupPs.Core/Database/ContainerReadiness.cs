using BackupPs.Core.Docker;
using BackupPs.Core.Errors;

namespace BackupPs.Core.Database;

/// <summary>
/// Whether a database container's server is the one to talk to now. A container can be "running"
/// in Docker's sense while its server is not (paused, restarting in a crash loop, still starting
/// per its healthcheck, or still inside the image's first-time initialisation): work against it
/// then would fail half way, or worse, dump the temporary server the image's entrypoint runs for
/// its init scripts. Each case is refused up front with what to do, rather than waited for: the
/// operator (or the scheduler that retries) knows whether the container is about to come up.
/// </summary>
internal static class ContainerReadiness
{
    /// <summary>
    /// True (exit 0) while the official image's entrypoint is still running AND the server is its
    /// socket-only temporary one (started with an empty listen_addresses, as postmaster.opts
    /// records). "[t]" keeps the probe's own command line from matching itself. Exits non-zero in
    /// any other image, so it never blocks one it does not understand.
    /// </summary>
    private const string InitializingProbe =
        "grep -qs 'docker-entrypoin[t]' /proc/[0-9]*/cmdline && grep -qs '\"listen_addresses=\"' \"$PGDATA/postmaster.opts\"";

    /// <summary>Refuses a container that is not running, paused, restarting, or whose healthcheck is still "starting".</summary>
    public static void RequireRunning(DockerContainerDetails container)
    {
        var name = container.Name;
        var state = container.State;
        // Docker reports a paused or restarting container as Running too: look at those first.
        if (state.Paused)
        {
            throw new BackupPsException("ContainerPaused", FailureCategory.ResourceUnavailable,
                $"Container {name} is paused; resume it (docker unpause {name}) and retry.")
            { Target = name };
        }

        if (state.Restarting)
        {
            throw new BackupPsException("ContainerRestarting", FailureCategory.ResourceUnavailable,
                $"Container {name} is restarting (its last run ended with exit code {state.ExitCode}): its server keeps stopping. docker logs {name} says why; retry once it stays up.")
            { Target = name };
        }

        if (!state.Running)
        {
            throw new BackupPsException("ContainerNotRunning", FailureCategory.ResourceUnavailable,
                $"Container {name} is {state.Status}, not running; start it (docker start {name}, or docker compose up -d) and retry.")
            { Target = name };
        }

        if (state.Health == "starting")
        {
            throw new BackupPsException("ContainerStarting", FailureCategory.ResourceUnavailable,
                $"Container {name} is still starting: its healthcheck has not passed yet. Retry once docker ps shows it healthy (docker compose up -d --wait waits for that).")
            { Target = name };
        }
    }

    /// <summary>Refuses a container whose image is still initialising its database (see <see cref="InitializingProbe"/>).</summary>
    public static async Task RequireInitializedAsync(DockerClient docker, DockerContainerDetails container, CancellationToken cancellationToken)
    {
        var probe = new ExecRequest { Cmd = ["sh", "-c", InitializingProbe] };
        if ((await docker.ExecAsync(container.Id, probe, Stream.Null, cancellationToken).ConfigureAwait(false)).ExitCode == 0)
        {
            throw new BackupPsException("ContainerInitializing", FailureCategory.ResourceUnavailable,
                $"Container {container.Name} is still initialising its database: the image's entrypoint runs a temporary server for its init scripts, and what they create is not there yet. Retry once docker logs {container.Name} shows \"PostgreSQL init process complete\".")
            { Target = container.Name };
        }
    }
}
