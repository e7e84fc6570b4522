using BackupPs.Core.Docker;
using BackupPs.Core.Hosting;
using BackupPs.Core.Leftovers;
using BackupPs.Core.Storage;

namespace BackupPs.Core.Database;

/// <summary>
/// A named pipe in a container (in /tmp, or another writable place: <see cref="ContainerScratch"/>)
/// that this process opens through /proc/&lt;container pid&gt;/root, which reaches any path of the
/// container's mount namespace, tmpfs mounts included,
/// so a PostgreSQL program in the container (pg_dump writing, pg_restore or psql reading) exchanges
/// its stream with us through one kernel pipe instead of dockerd's exec relay. Relaying through
/// dockerd and containerd-shim costs about 6.6 CPU-seconds per GB, taken on a 2-core machine from the
/// PostgreSQL program and the (de)compressor. It needs a local Docker daemon and the right to enter
/// the container's file system (root, as the runbooks' cron jobs run); <see cref="TryCreateAsync"/>
/// returns null otherwise and callers use the Docker API stream instead.
/// </summary>
internal sealed class ContainerFifo
{
    private readonly DockerClient _docker;
    private readonly string _containerId;
    private readonly string _containerName;

    private ContainerFifo(DockerClient docker, DockerContainerDetails container, string containerPath, string hostPath)
    {
        _docker = docker;
        _containerId = container.Id;
        _containerName = container.Name;
        ContainerPath = containerPath;
        HostPath = hostPath;
    }

    /// <summary>What the verbose stream says when no FIFO can be used.</summary>
    public const string ApiFallbackNote =
        "Streaming through the Docker API: this process cannot enter the container's file system (that needs root and a local daemon).";

    /// <summary>The FIFO's path as the program in the container sees it.</summary>
    public string ContainerPath { get; }

    private string HostPath { get; }

    /// <summary>A new FIFO in the first writable scratch directory of <paramref name="target"/>'s container, or null (see the class).</summary>
    public static async Task<ContainerFifo?> TryCreateAsync(DockerClient docker, DatabaseTarget target, IOperationHost host,
        CancellationToken cancellationToken)
    {
        var container = target.Container;
        var containerRoot = $"/proc/{container.State.Pid}/root";
        if (!OperatingSystem.IsLinux() || container.State.Pid <= 0 || !Directory.Exists(containerRoot + "/"))
        {
            host.WriteVerbose(ApiFallbackNote);
            return null;
        }

        // A new name: nothing else in the container uses it, and only a local daemon's container
        // can make it appear under our /proc (a remote daemon's pid means nothing here).
        var name = ContainerScratch.NewName(".fifo");
        var directories = target.ScratchDirectories;
        using var stdout = new MemoryStream();
        ExecResult made;
        try
        {
            made = await docker.ExecAsync(container.Id, new ExecRequest
            {
                Cmd = ["sh", "-c", ContainerScratch.Choose("mkfifo -m 600", name) + "printf '%s\\n' \"$p\""],
                Env = [ContainerScratch.Environment(directories)],
            }, stdout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Cancelled (or the exec broke), perhaps after the FIFO was made and before its path was read.
            await ContainerScratch.RemoveEverywhereAsync(docker, container.Id, directories, name).ConfigureAwait(false);
            throw;
        }

        var path = ContainerScratch.ChosenPath(stdout, name);
        if (made.ExitCode != 0 || path is null)
        {
            host.WriteVerbose($"Streaming through the Docker API: no FIFO could be made in the container ({ContainerScratch.Reasons(made.Stderr)}).");
            return null;
        }

        var fifo = new ContainerFifo(docker, container, path, containerRoot + path);
        if (!File.Exists(fifo.HostPath))
        {
            host.WriteVerbose(ApiFallbackNote);
            await fifo.RemoveAsync().ConfigureAwait(false);
            return null;
        }

        return fifo;
    }

    /// <summary>
    /// A FIFO that already exists in the container (made by a script that prepares several at once), or
    /// null when this process cannot reach it through /proc (not root, or a remote daemon). Whoever made
    /// it removes it.
    /// </summary>
    public static ContainerFifo? Existing(DockerClient docker, DockerContainerDetails container, string containerPath)
    {
        var hostPath = $"/proc/{container.State.Pid}/root{containerPath}";
        return OperatingSystem.IsLinux() && container.State.Pid > 0 && File.Exists(hostPath)
            ? new ContainerFifo(docker, container, containerPath, hostPath)
            : null;
    }

    /// <summary>Opens our end; completes once the program in the container has opened its end.</summary>
    public Task<FileStream> OpenAsync(FileAccess access) => Task.Run(() =>
    {
        var stream = new FileStream(HostPath, FileMode.Open, access, FileShare.ReadWrite, bufferSize: 0);
        // A 1 MiB pipe instead of 64 KiB: fewer context switches between the two ends. Best effort.
        _ = LibC.Fcntl(stream.SafeFileHandle.DangerousGetHandle(), LibC.SetPipeSize, 1 << 20);
        return stream;
    }, CancellationToken.None);

    /// <summary>
    /// Wakes an <see cref="OpenAsync"/> that waits for a program that will never open its end (it
    /// failed first, or was cancelled): a non-blocking open of the other end succeeds only while our
    /// open waits, which then completes and sees EOF (reading) or a broken pipe (writing).
    /// </summary>
    public void ReleaseBlockedOpen(Task open, FileAccess access)
    {
        // Our opening thread may not have reached open() yet, so retry until it has been released (bounded: 5 s).
        var flags = access == FileAccess.Read ? LibC.OpenWriteOnlyNonBlocking : LibC.OpenReadOnlyNonBlocking;
        for (var attempt = 0; attempt < 500 && !open.IsCompleted; attempt++)
        {
            var fd = LibC.Open(HostPath, flags);
            if (fd >= 0)
            {
                _ = LibC.Close(fd);
            }

            Thread.Sleep(10);
        }
    }

    /// <summary>Opens our end while the program starts; if the program ends without opening its end, the open is released.</summary>
    public async Task<FileStream> OpenWhileRunningAsync(Task program, FileAccess access)
    {
        var open = OpenAsync(access);
        if (await Task.WhenAny(open, program).ConfigureAwait(false) == program)
        {
            // The program ended before it opened the FIFO (a failure it reports itself).
            ReleaseBlockedOpen(open, access);
            if (!open.IsCompleted)
            {
                // The FIFO cannot be reached any more: the container stopped, and its /proc/<pid>/root with it. Nothing
                // can release our open() then, and awaiting it would hang the operation for ever; its thread is left to it.
                _ = open.ContinueWith(t => t.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
                throw new Errors.BackupPsException("ContainerNotRunning", Errors.FailureCategory.ResourceUnavailable,
                    $"Container {_containerName} stopped while a PostgreSQL program was starting in it; start it (docker start {_containerName}) and retry.")
                { Target = _containerName };
            }
        }

        return await open.ConfigureAwait(false);
    }

    /// <summary>Best effort, and not cancellable: this runs on the way out of a cancelled operation too.</summary>
    public async Task RemoveAsync()
    {
        using var timeout = OperationRun.CleanupTimeout(TimeSpan.FromSeconds(30));
        try
        {
            await _docker.ExecAsync(_containerId, new ExecRequest { Cmd = ["rm", "-f", ContainerPath] }, Stream.Null, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is Errors.BackupPsException or OperationCanceledException)
        {
            // A leftover empty FIFO in the container's scratch directory harms nothing; the next run removes it.
            OperationRun.NoteLeftBehind($"the FIFO {ContainerPath} in container {_containerId[..Math.Min(12, _containerId.Length)]}");
        }
    }
}
