using System.Diagnostics;
using BackupPs.Core.Catalog;
using BackupPs.Core.Database;
using BackupPs.Core.Docker;
using BackupPs.Core.Errors;
using BackupPs.Core.Hosting;
using BackupPs.Core.Verification;

namespace BackupPs.Core.Restore;

/// <param name="Jobs">Parallel pg_restore jobs (custom format); more than one stages the archive in the container.</param>
/// <param name="AcceptedErrors">Error classes that are listed but do not fail the restore.</param>
internal sealed record RestoreSettings(bool NoOwner, bool NoAcl, string? Role, int Jobs, IReadOnlyCollection<RestoreErrorClass> AcceptedErrors);

/// <summary>What came of feeding one artifact into one database.</summary>
/// <param name="Integrity">The artifact's checks (hash, decompression, structure, rows in the file), made on the bytes that were restored.</param>
/// <param name="Failure">Why the restore program failed as a whole (killed, container stopped, refused the input), or null.</param>
internal sealed record RestoreOutcome(IReadOnlyList<BackupCheck> Integrity, IReadOnlyList<RestoreError> Errors, string? Failure, TimeSpan Duration)
{
    public bool IntegrityPassed => Integrity.Count > 0 && Integrity.All(c => c.Passed);

    public bool Succeeded => Failure is null && IntegrityPassed && Errors.All(e => e.Accepted);

    /// <summary>One sentence: what went wrong (for errors and drill checks).</summary>
    public string Explain()
    {
        if (Failure is not null)
        {
            return Failure;
        }

        var rejected = Errors.Where(e => !e.Accepted).ToArray();
        if (rejected.Length > 0)
        {
            var first = rejected[0];
            var hint = first.Class switch
            {
                RestoreErrorClass.Other => "",
                RestoreErrorClass.MissingRole => " (class MissingRole: restore with -NoOwner -NoAcl, create the role, or pass -AcceptError MissingRole)",
                _ => $" (class {first.Class}: pass -AcceptError {first.Class} to accept it)",
            };
            return $"{rejected.Length} error(s), the first: {first.Message}{hint}";
        }

        var failed = Integrity.Where(c => !c.Passed).ToArray();
        return Integrity.Count == 0
            ? "the backup file could not be read to the end"
            : failed.Length > 0
                ? "the backup file is damaged: " + string.Join("; ", failed.Select(c => $"{c.Name}: {c.Detail}"))
                : "no errors";
    }
}

/// <summary>
/// Feeds a stored artifact into an existing, empty database: pg_restore for custom archives, psql
/// with ON_ERROR_STOP in one transaction for plain SQL, both running inside the target container
/// (client and server versions match, no port needed). The file is read once: the same pass hashes,
/// decompresses, proves the structure (the checks of <see cref="ArtifactVerifier"/>) and hands every
/// byte to the restore program, through a FIFO (root, local daemon) or the exec's stdin. With more
/// than one job the archive is staged as a file in the container's /tmp instead, because parallel
/// pg_restore needs to seek. Errors are read from the program's stderr and classified; nothing is
/// ignored silently. Dropping the database on failure is the caller's business.
/// </summary>
internal static class ArtifactRestore
{
    /// <summary>How many 1 MiB chunks may wait between us and the Docker socket: bounds memory.</summary>
    private const int PipeChunks = 16;

    /// <summary>What clients report when the server shuts down under them (the container stops before docker says so).</summary>
    private static readonly string[] ServerGone =
        ["the database system is shutting down", "terminating connection due to administrator command", "server closed the connection unexpectedly"];

    /// <summary>Session settings that make the restore cheaper: index builds sort in memory, commits do not wait for the disk.</summary>
    /// <remarks>synchronous_commit=off loses nothing: the restored database is only renamed into place by a
    /// later, synchronous commit, which flushes all WAL written before it.</remarks>
    internal static string SessionOptions(int jobs) =>
        $"-c maintenance_work_mem={Math.Max(64, 512 / jobs)}MB -c synchronous_commit=off";

    public static async Task<RestoreOutcome> RunAsync(DockerClient docker, DatabaseTarget into, string path, BackupManifest manifest,
        RestoreSettings settings, IOperationHost host, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var custom = manifest.Format == BackupFormat.Custom;
        var jobs = custom ? Math.Max(1, settings.Jobs) : 1;
        var containerRoot = $"/proc/{into.Container.State.Pid}/root";
        if (jobs > 1 && !(OperatingSystem.IsLinux() && into.Container.State.Pid > 0 && Directory.Exists(containerRoot + "/tmp")))
        {
            host.WriteWarning("-Jobs needs the archive staged in the container's file system, which only root with a local Docker daemon can write; restoring with one job.");
            jobs = 1;
        }

        using var progress = new ProgressReporter(host, 3, $"Restoring {manifest.FileName} into {into.Description}", manifest.SizeBytes);
        if (jobs > 1)
        {
            return await RunStagedAsync(docker, into, path, manifest, settings, jobs, containerRoot, host, progress, watch, cancellationToken)
                .ConfigureAwait(false);
        }

        string[] program = custom
            ? PgRestore(into, settings, jobs: 1)
            : ["psql", "-X", "-w", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction"];
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var fifo = await ContainerFifo.TryCreateAsync(docker, into.Container, host, cancellationToken).ConfigureAwait(false);
        Task<ExecResult> exec;
        Stream input;
        ChunkPipe? pipe = null;
        if (fifo is not null)
        {
            // pg_restore opens a named input file twice (once to detect its format), which would lose the
            // start of a FIFO; as stdin it reads the stream once. psql -f reads it once.
            string[] command = custom
                ? ["sh", "-c", $"exec \"$0\" \"$@\" < {fifo.ContainerPath}", .. program]
                : [.. program, "-f", fifo.ContainerPath];
            exec = docker.ExecAsync(into.Container.Id, into.Exec(command, SessionOptions(jobs)), Stream.Null, abort.Token);
            try
            {
                input = await fifo.OpenWhileRunningAsync(exec, FileAccess.Write).ConfigureAwait(false);
            }
            catch
            {
                await Task.WhenAny(exec).ConfigureAwait(false);
                await fifo.RemoveAsync().ConfigureAwait(false);
                throw;
            }
        }
        else
        {
            pipe = new ChunkPipe(PipeChunks, abort.Token);
            exec = docker.ExecAsync(into.Container.Id, into.Exec(program, SessionOptions(jobs)), pipe.Reader, Stream.Null, abort.Token);
            input = pipe.Writer;
        }

        // If the program ends before it has read everything, writing must fail rather than block.
        _ = exec.ContinueWith(_ => abort.Cancel(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        IReadOnlyList<BackupCheck> integrity = [];
        string? inputFailure = null;
        try
        {
            try
            {
                // FeedAsync closes the input at the end: the program sees EOF.
                integrity = await FeedAsync(path, manifest, settings, input, progress, cancellationToken).ConfigureAwait(false);
                pipe?.Complete();
            }
            catch (Exception e) when (e is IOException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // The program stopped reading: its own exit status says why. (After Ctrl+C the program
                // was killed, so the write fails with a broken pipe; FinishAsync then reports the cancellation.)
                inputFailure = e.Message;
                pipe?.Complete(e);
            }
            finally
            {
                if (pipe is null)
                {
                    await DisposeQuietlyAsync(input).ConfigureAwait(false);
                }
            }

            return await FinishAsync(docker, into, manifest, settings, exec, integrity, inputFailure, watch, host, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Also on the way out of a cancellation: the program (killed by then) may still hold our pipe.
            await Task.WhenAny(exec).ConfigureAwait(false);
            if (fifo is not null)
            {
                await fifo.RemoveAsync().ConfigureAwait(false);
            }

            pipe?.Dispose();
        }
    }

    private static async Task<RestoreOutcome> RunStagedAsync(DockerClient docker, DatabaseTarget into, string path, BackupManifest manifest,
        RestoreSettings settings, int jobs, string containerRoot, IOperationHost host, ProgressReporter progress, Stopwatch watch,
        CancellationToken cancellationToken)
    {
        var staged = $"/tmp/.backupps-{Guid.NewGuid():N}.dump";
        var hostPath = containerRoot + staged;
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, BufferSize = 0 };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            IReadOnlyList<BackupCheck> integrity;
            await using (var file = new FileStream(hostPath, options))
            {
                try
                {
                    integrity = await FeedAsync(path, manifest, settings, file, progress, cancellationToken).ConfigureAwait(false);
                }
                catch (IOException e)
                {
                    throw new BackupPsException("RestoreStagingFailed", FailureCategory.WriteError,
                        $"The archive could not be staged in {into.Container.Name}:/tmp for a parallel restore ({e.Message}); free space there or use -Jobs 1, which streams without staging.", e)
                    { Target = into.Container.Name };
                }
            }

            if (!integrity.All(c => c.Passed))
            {
                return new RestoreOutcome(integrity, [], null, watch.Elapsed);
            }

            host.WriteVerbose($"Archive staged as {into.Container.Name}:{staged}; running pg_restore with {jobs} jobs.");
            var exec = docker.ExecAsync(into.Container.Id, into.Exec([.. PgRestore(into, settings, jobs), staged], SessionOptions(jobs)), Stream.Null, cancellationToken);
            return await FinishAsync(docker, into, manifest, settings, exec, integrity, null, watch, host, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(hostPath);
        }
    }

    private static string[] PgRestore(DatabaseTarget into, RestoreSettings settings, int jobs)
    {
        var args = new List<string> { "pg_restore", "-w", "--dbname=" + into.Database };
        if (jobs > 1)
        {
            args.Add("--jobs=" + jobs);
        }

        if (settings.NoOwner)
        {
            args.Add("--no-owner");
        }

        if (settings.NoAcl)
        {
            args.Add("--no-acl");
        }

        if (settings.Role is not null)
        {
            args.Add("--role=" + settings.Role);
        }

        return [.. args];
    }

    /// <summary>Reads, checks and copies the whole artifact into <paramref name="input"/>; returns the integrity checks.</summary>
    private static async Task<IReadOnlyList<BackupCheck>> FeedAsync(string path, BackupManifest manifest, RestoreSettings settings, Stream input,
        ProgressReporter progress, CancellationToken cancellationToken)
    {
        await using var buffered = new BufferedStream(input, 1 << 20);
        var filter = manifest.Format == BackupFormat.Plain
            ? new PlainScriptFilter(buffered, settings.NoOwner, settings.NoAcl, settings.Role)
            : null;
        await using (filter)
        {
            var checks = await ArtifactVerifier.VerifyAsync(path, Path.GetFileName(path), manifest, progress.Report, cancellationToken, (Stream?)filter ?? buffered)
                .ConfigureAwait(false);
            filter?.Complete();
            await buffered.FlushAsync(cancellationToken).ConfigureAwait(false);
            return checks;
        }
    }

    private static async Task<RestoreOutcome> FinishAsync(DockerClient docker, DatabaseTarget into, BackupManifest manifest, RestoreSettings settings,
        Task<ExecResult> exec, IReadOnlyList<BackupCheck> integrity, string? inputFailure, Stopwatch watch, IOperationHost host,
        CancellationToken cancellationToken)
    {
        var program = manifest.Format == BackupFormat.Custom ? "pg_restore" : "psql";
        ExecResult? result = null;
        string? failure = null;
        try
        {
            result = await exec.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            failure = $"{program} stopped reading its input ({inputFailure})";
        }
        catch (BackupPsException e)
        {
            failure = $"{program} could not be run to the end: {e.Message}";
        }

        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyList<RestoreError> errors = [];
        if (result is not null)
        {
            // psql stops at the first error and rolls the whole transaction back: nothing of a plain restore can be accepted.
            errors = RestoreErrorParser.Parse(result.Stderr, manifest.Format == BackupFormat.Custom ? settings.AcceptedErrors : []);
            failure = result.ExitCode switch
            {
                0 => null,
                > 128 => $"{program} was killed (signal {result.ExitCode - 128})",
                _ when errors.Count > 0 => null,
                _ => $"{program} failed with exit code {result.ExitCode}: {DatabaseTarget.FirstLine(result.Stderr)}",
            };
            foreach (var warning in result.Stderr.Split('\n').Where(l => l.Contains(": warning: ", StringComparison.Ordinal) && !l.Contains("errors ignored on restore", StringComparison.Ordinal)))
            {
                host.WriteWarning(warning.Trim());
            }
        }

        if (failure is not null || result?.ExitCode != 0)
        {
            var why = failure ?? errors.FirstOrDefault()?.Message;
            if (!await IsRunningAsync(docker, into.Container.Id).ConfigureAwait(false)
                || errors.Any(e => ServerGone.Any(m => e.Message.Contains(m, StringComparison.Ordinal))))
            {
                failure = $"the server in container {into.Container.Name} stopped or restarted during the restore ({why})";
            }
        }

        return new RestoreOutcome(integrity, errors, failure, watch.Elapsed);
    }

    private static async Task<bool> IsRunningAsync(DockerClient docker, string containerId)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            return (await docker.InspectContainerAsync(containerId, timeout.Token).ConfigureAwait(false)).State.Running;
        }
        catch (Exception e) when (e is BackupPsException or OperationCanceledException)
        {
            return false;
        }
    }

    private static async Task DisposeQuietlyAsync(Stream stream)
    {
        try
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The reader is gone (broken pipe on the final flush); the exit status reports it.
        }
    }
}
