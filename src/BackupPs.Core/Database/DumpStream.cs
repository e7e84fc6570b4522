using BackupPs.Core.Docker;
using BackupPs.Core.Hosting;
using BackupPs.Core.Storage;

namespace BackupPs.Core.Database;

/// <summary>
/// pg_dump running in the database container, and its output as a stream to read to the end.
/// Two transports:
/// <list type="bullet">
/// <item>FIFO (preferred): pg_dump writes into a named pipe in the container's /tmp, which this
/// process opens through /proc/&lt;container pid&gt;/root. The dump then flows through one kernel
/// pipe. Relaying it through dockerd and containerd-shim instead costs about 6.6 CPU-seconds per GB
/// and took 13-14 s against 8.7 s for 1 GB on a 2-core machine, where those CPU-seconds are taken
/// from pg_dump and the compressor. It needs a local Docker daemon and the right to enter the
/// container's file system (root, as the runbooks' cron jobs run).</item>
/// <item>Docker API (fallback, e.g. for a user in the docker group or a remote DOCKER_HOST): the exec's
/// stdout, drained at full speed into a bounded in-memory pipe.</item>
/// </list>
/// </summary>
internal sealed class DumpStream : IAsyncDisposable
{
    /// <summary>How many 1 MiB chunks may wait between the Docker socket and the reader: bounds memory.</summary>
    private const int PipeChunks = 16;

    private readonly Func<ValueTask> _cleanup;

    private DumpStream(Stream output, Task<ExecResult> exec, string transport, Func<ValueTask> cleanup)
    {
        Output = output;
        Exec = exec;
        Transport = transport;
        _cleanup = cleanup;
    }

    /// <summary>pg_dump's output; read it to the end.</summary>
    public Stream Output { get; }

    /// <summary>pg_dump's exit code and stderr, once it has ended.</summary>
    public Task<ExecResult> Exec { get; }

    /// <summary>"fifo" or "docker-api", for the verbose log.</summary>
    public string Transport { get; }

    /// <summary>Starts <paramref name="pgDump"/> (argv without an output file) in the target container.</summary>
    /// <param name="cancellationToken">Cancels pg_dump too (the Docker client kills what it started).</param>
    public static async Task<DumpStream> StartAsync(DockerClient docker, DatabaseTarget target, string[] pgDump,
        IOperationHost host, CancellationToken cancellationToken)
    {
        var fifo = await TryStartThroughFifoAsync(docker, target, pgDump, host, cancellationToken).ConfigureAwait(false);
        return fifo ?? StartThroughDockerApi(docker, target, pgDump, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await Output.DisposeAsync().ConfigureAwait(false);
        await _cleanup().ConfigureAwait(false);
    }

    private static DumpStream StartThroughDockerApi(DockerClient docker, DatabaseTarget target, string[] pgDump, CancellationToken cancellationToken)
    {
        var pipe = new ChunkPipe(PipeChunks, cancellationToken);
        var exec = Task.Run(async () =>
        {
            try
            {
                var result = await docker.ExecAsync(target.Container.Id, target.Exec(pgDump), pipe.Writer, cancellationToken).ConfigureAwait(false);
                pipe.Complete();
                return result;
            }
            catch (Exception e)
            {
                pipe.Complete(e);
                throw;
            }
        }, CancellationToken.None);

        return new DumpStream(pipe.Reader, exec, "docker-api", async () =>
        {
            // Wait for the exec before the pipe goes away: it may still be writing into it.
            await Task.WhenAny(exec).ConfigureAwait(false);
            pipe.Dispose();
        });
    }

    private static async Task<DumpStream?> TryStartThroughFifoAsync(DockerClient docker, DatabaseTarget target, string[] pgDump,
        IOperationHost host, CancellationToken cancellationToken)
    {
        var containerRoot = $"/proc/{target.Container.State.Pid}/root";
        if (!OperatingSystem.IsLinux() || target.Container.State.Pid <= 0 || !Directory.Exists(containerRoot + "/tmp"))
        {
            host.WriteVerbose("Streaming the dump through the Docker API: this process cannot enter the container's file system (that needs root and a local daemon).");
            return null;
        }

        // A random name: nothing else in the container uses it, and only a local daemon's container
        // can make it appear under our /proc (a remote daemon's pid means nothing here).
        var name = $"/tmp/.backupps-{Guid.NewGuid():N}.fifo";
        var hostPath = containerRoot + name;
        var made = await docker.ExecAsync(target.Container.Id, new ExecRequest { Cmd = ["mkfifo", "-m", "600", name] }, Stream.Null, cancellationToken)
            .ConfigureAwait(false);
        if (made.ExitCode != 0 || !File.Exists(hostPath))
        {
            host.WriteVerbose($"Streaming the dump through the Docker API: no FIFO could be made in the container's /tmp ({DatabaseTarget.FirstLine(made.Stderr)}).");
            await RemoveAsync(docker, target, name).ConfigureAwait(false);
            return null;
        }

        // --no-sync: a FIFO cannot be fsynced (pg_dump would fail at the very end); we fsync the file we write.
        var exec = docker.ExecAsync(target.Container.Id, target.Exec([.. pgDump, "--no-sync", "-f", name]), Stream.Null, cancellationToken);
        var open = Task.Run(() => OpenForReading(hostPath), CancellationToken.None);
        try
        {
            if (await Task.WhenAny(open, exec).ConfigureAwait(false) == exec)
            {
                // pg_dump ended before it opened its output (a failure it reports itself): our
                // blocked open would wait forever for a writer, so become that writer briefly.
                ReleaseBlockedOpen(hostPath, open);
            }

            var output = await open.ConfigureAwait(false);
            return new DumpStream(output, exec, "fifo", async () =>
            {
                // Cancellation kills pg_dump; until it is gone, our open must not stay blocked either.
                ReleaseBlockedOpen(hostPath, open);
                await Task.WhenAny(exec).ConfigureAwait(false);
                await RemoveAsync(docker, target, name).ConfigureAwait(false);
            });
        }
        catch
        {
            ReleaseBlockedOpen(hostPath, open);
            await Task.WhenAny(exec).ConfigureAwait(false);
            await RemoveAsync(docker, target, name).ConfigureAwait(false);
            throw;
        }
    }

    private static FileStream OpenForReading(string hostPath)
    {
        // Blocks until pg_dump opens the FIFO for writing.
        var stream = new FileStream(hostPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
        // A 1 MiB pipe instead of 64 KiB: fewer context switches between pg_dump and us. Best effort.
        _ = LibC.Fcntl(stream.SafeFileHandle.DangerousGetHandle(), LibC.SetPipeSize, 1 << 20);
        return stream;
    }

    private static void ReleaseBlockedOpen(string hostPath, Task open)
    {
        // A non-blocking open for writing succeeds only while a reader waits in open(): it wakes up
        // and reads EOF once we close. Our reader thread may not have reached open() yet, so retry
        // until it has been released (bounded: 5 s).
        for (var attempt = 0; attempt < 500 && !open.IsCompleted; attempt++)
        {
            var fd = LibC.Open(hostPath, LibC.OpenWriteOnlyNonBlocking);
            if (fd >= 0)
            {
                _ = LibC.Close(fd);
            }

            Thread.Sleep(10);
        }
    }

    private static async Task RemoveAsync(DockerClient docker, DatabaseTarget target, string name)
    {
        // Best effort, and not cancellable: this runs on the way out of a cancelled backup too.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await docker.ExecAsync(target.Container.Id, new ExecRequest { Cmd = ["rm", "-f", name] }, Stream.Null, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is Errors.BackupPsException or OperationCanceledException)
        {
            // A leftover empty FIFO in the container's /tmp harms nothing.
        }
    }
}
