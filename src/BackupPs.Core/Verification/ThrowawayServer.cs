using System.Security.Cryptography;
using BackupPs.Core.Catalog;
using BackupPs.Core.Database;
using BackupPs.Core.Docker;
using BackupPs.Core.Errors;
using BackupPs.Core.Hosting;
using BackupPs.Core.Leftovers;

namespace BackupPs.Core.Verification;

/// <summary>
/// A PostgreSQL container started for one drill (Test-Backup -Restore -Isolated) from the very image
/// the backup's source ran, so the drill touches no server in use. Network mode none; the superuser
/// password is random and only travels in the container's environment; <see cref="RemoveAsync"/>
/// removes the container and its anonymous data volume.
/// </summary>
internal sealed class ThrowawayServer
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private readonly DockerClient _docker;
    private readonly string _id;

    private ThrowawayServer(DockerClient docker, string id)
    {
        _docker = docker;
        _id = id;
    }

    public string Id => _id;

    public static async Task<ThrowawayServer> StartAsync(DockerClient docker, BackupManifest manifest, IOperationHost host, CancellationToken cancellationToken)
    {
        var image = manifest.ImageId ?? manifest.Image;
        if (image is null || await docker.InspectImageAsync(image, cancellationToken).ConfigureAwait(false) is null)
        {
            throw new BackupPsException("DrillImageNotFound", FailureCategory.ObjectNotFound,
                $"The image the backup's source ran ({manifest.Image} {manifest.ImageId}) is no longer on this Docker host, and BackupPs never pulls; drill without -Isolated, or load that image.")
            { Target = image };
        }

        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        // The owner's labels let the next drill remove the container at once if this process dies without removing it.
        var name = OperationRun.Hold($"backupps-drill-{Guid.NewGuid().ToString("N")[..12]}");
        string id;
        try
        {
            id = await docker.CreateContainerAsync(new CreateContainerRequest
            {
                Image = image,
                Name = name,
                // Empty *_FILE values count as unset (for the image and for DatabaseTarget): an image
                // that bakes in *_FILE secrets would otherwise refuse POSTGRES_PASSWORD, or miss its secrets.
                Env = ["POSTGRES_PASSWORD=" + password, "POSTGRES_PASSWORD_FILE=", "POSTGRES_USER_FILE=", "POSTGRES_DB_FILE="],
                Labels = new Dictionary<string, string>(ResourceOwner.Current.Labels) { [ContainerLeftovers.DrillLabel] = "1" },
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or BackupPsException { Category: FailureCategory.ConnectionError })
        {
            // A create that was cancelled (or whose answer was lost) may still be completed by the daemon.
            await new ThrowawayServer(docker, name).RemoveCreatedAsync().ConfigureAwait(false);
            throw;
        }

        var server = new ThrowawayServer(docker, id);
        try
        {
            await docker.StartContainerAsync(id, cancellationToken).ConfigureAwait(false);
            host.WriteVerbose($"Started throwaway container {id[..12]} from {image}; waiting for PostgreSQL.");
            await server.WaitReadyAsync(cancellationToken).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.RemoveAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The image's entrypoint may run a temporary server while it initialises; ready means the final server (pid 1) answers.</summary>
    private async Task WaitReadyAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        var probe = new ExecRequest { Cmd = ["sh", "-c", "test \"$(head -n 1 \"$PGDATA/postmaster.pid\" 2>/dev/null)\" = 1 && pg_isready -q"] };
        while (DateTime.UtcNow < deadline)
        {
            var state = (await _docker.InspectContainerAsync(_id, cancellationToken).ConfigureAwait(false)).State;
            if (!state.Running)
            {
                throw new BackupPsException("DrillServerFailed", FailureCategory.ResourceUnavailable,
                    $"The throwaway PostgreSQL container {_id[..12]} exited (code {state.ExitCode}) while starting; docker logs {_id[..12]} says why.")
                { Target = _id };
            }

            if ((await _docker.ExecAsync(_id, probe, Stream.Null, cancellationToken).ConfigureAwait(false)).ExitCode == 0)
            {
                return;
            }

            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        }

        throw new BackupPsException("DrillServerFailed", FailureCategory.ResourceUnavailable,
            $"The throwaway PostgreSQL container {_id[..12]} did not become ready within {StartTimeout.TotalMinutes} minutes.")
        { Target = _id };
    }

    /// <summary>
    /// Removes the container (by name) that a failed or cancelled create may have made, watching for it
    /// for a few seconds: the daemon finishes a create whose client went away. A later drill removes
    /// one that appears even later (its owner no longer runs).
    /// </summary>
    private async Task RemoveCreatedAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            while (!await _docker.RemoveContainerAsync(_id, force: true, removeVolumes: true, timeout.Token).ConfigureAwait(false))
            {
                await Task.Delay(100, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is BackupPsException or OperationCanceledException)
        {
        }
    }

    /// <summary>Removes the container and its data; returns why it could not, or null. Not cancellable: it runs on the way out of a cancelled drill too.</summary>
    public async Task<string?> RemoveAsync()
    {
        using var timeout = OperationRun.CleanupTimeout(TimeSpan.FromMinutes(1));
        try
        {
            await _docker.RemoveContainerAsync(_id, force: true, removeVolumes: true, timeout.Token).ConfigureAwait(false);
            return null;
        }
        catch (Exception e) when (e is BackupPsException or OperationCanceledException)
        {
            OperationRun.NoteLeftBehind($"the throwaway container {_id[..12]}");
            return $"the throwaway container {_id[..12]} could not be removed ({e.Message}); remove it with docker rm -f -v {_id[..12]}";
        }
    }
}
