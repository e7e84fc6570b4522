using BackupPs.Core.Catalog;
using BackupPs.Core.Compression;
using BackupPs.Core.Database;
using BackupPs.Core.Docker;
using BackupPs.Core.Errors;
using BackupPs.Core.Hosting;
using BackupPs.Core.Postgres;
using BackupPs.Core.Storage;
using BackupPs.Core.Verification;
using System.Diagnostics;

namespace BackupPs.Core.Restore;

/// <param name="Jobs">COPY sessions and post-data jobs for a custom archive; 0 picks <see cref="EffectiveJobs"/>.</param>
/// <param name="AcceptedErrors">Error classes that are listed but do not fail the restore.</param>
internal sealed record RestoreSettings(bool NoOwner, bool NoAcl, string? Role, int Jobs, IReadOnlyCollection<RestoreErrorClass> AcceptedErrors)
{
    /// <summary>More sessions than cores only contend; beyond 4, one table's COPY sessions mostly wait on each other's page extensions.</summary>
    public const int MaxAutomaticJobs = 4;

    /// <summary>
    /// The most -Jobs accepted: each job is a server session (a COPY session, then a pg_restore worker) and a FIFO in the
    /// container, against PostgreSQL's default max_connections of 100 (64 leaves room for the applications); pg_restore
    /// itself accepts no more than 64 jobs on Windows, and far fewer cores than that are behind any one server.
    /// </summary>
    public const int MaxJobs = 64;

    public int EffectiveJobs => Jobs > 0 ? Jobs : Math.Clamp(Environment.ProcessorCount, 1, MaxAutomaticJobs);
}

/// <summary>What came of feeding one artifact into one database.</summary>
/// <param name="Integrity">The artifact's checks (hash, decompression, structure, rows in the file), made on the bytes that were restored.</param>
/// <param name="Failure">Why a restore program failed as a whole (killed, container stopped, refused the input), or null.</param>
/// <param name="InputStopped">
/// Why a program was stopped before it had read all of its input ("pg_restore stopped reading its input (a COPY session
/// stopped reading (Broken pipe))"), or null. Mostly a consequence of another program's error, which is then the one to report.
/// </param>
internal sealed record RestoreOutcome(IReadOnlyList<BackupCheck> Integrity, IReadOnlyList<RestoreError> Errors, string? Failure, TimeSpan Duration,
    string? InputStopped = null)
{
    public bool IntegrityPassed => Integrity.Count > 0 && Integrity.All(c => c.Passed);

    /// <summary>Every program ran to the end and every error it reported was accepted (the integrity checks aside).</summary>
    public bool Restored => Failure is null && InputStopped is null && Errors.All(e => e.Accepted);

    public bool Succeeded => Restored && IntegrityPassed;

    /// <summary>
    /// One sentence: what went wrong (for errors and drill checks). A server error beats the broken pipe it caused:
    /// when a COPY session fails (a timeout, a constraint), the programs fed alongside it are stopped, and that is not news.
    /// </summary>
    public string Explain()
    {
        if (Failure is not null)
        {
            return Failure;
        }

        var rejected = Errors.Where(e => !e.Accepted).ToArray();
        if (rejected.Length > 0)
        {
            return $"{rejected.Length} error(s), the first: {rejected[0].Description}";
        }

        if (InputStopped is not null)
        {
            return InputStopped;
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
/// Feeds a stored artifact into an existing, empty database, with the PostgreSQL programs of the target
/// container (client and server versions match, no port needed). The file is read once (a custom
/// archive's few-KB header and TOC are read ahead of that): the same pass
/// hashes, decompresses and proves the structure (the checks of <see cref="ArtifactVerifier"/>) and
/// hands the bytes on. Errors are read from the programs' stderr and classified; nothing is ignored
/// silently. Dropping the database on failure is the caller's business.
/// <list type="bullet">
/// <item>Plain SQL: psql with ON_ERROR_STOP, statement by statement (one transaction would need a lock
/// per table until the end and runs out of lock memory with a few thousand tables); the database is
/// new, so dropping it undoes a failed restore.</item>
/// <item>Custom archives: pg_restore in its three sections. Pre-data from the archive's TOC (staged in
/// the container); then the data, loaded by <see cref="CopyLoader"/> over several COPY sessions while
/// the file is checked, with the rest of the data section (sequence values, large objects) restored
/// by pg_restore alongside; then post-data (indexes, constraints, triggers, privileges) with parallel
/// jobs. One COPY per table would leave all but one core idle during the longest phase.</item>
/// </list>
/// </summary>
internal static class ArtifactRestore
{
    /// <summary>The lines pg_restore -v prints for each object and step (an extended regular expression for grep).</summary>
    internal const string VerboseProgress = "^pg_restore: (connecting|creating|processing|executing|implied|dropping|entering|launching|finished"
        + "|setting owner|disabling triggers|enabling triggers|restoring large object|restored [0-9]+ large object|transferring|reducing|skipping item)";

    /// <summary>What clients report when the server shuts down under them (the container stops before docker says so).</summary>
    private static readonly string[] ServerGone =
        ["the database system is shutting down", "terminating connection due to administrator command", "server closed the connection unexpectedly"];

    /// <summary>Session settings that make the restore cheaper: index builds sort in memory, commits do not wait for the disk.</summary>
    /// <remarks>synchronous_commit=off loses nothing: the restored database is only renamed into place by a
    /// later, synchronous commit, which flushes all WAL written before it.</remarks>
    internal static string SessionOptions(int jobs) =>
        $"-c maintenance_work_mem={Math.Max(64, 512 / jobs)}MB -c synchronous_commit=off";

    /// <param name="parent">The operation's progress activity: the restore is a phase of it, with its own activity.</param>
    public static async Task<RestoreOutcome> RunAsync(DockerClient docker, DatabaseTarget into, string path, BackupManifest manifest,
        RestoreSettings settings, IOperationHost host, ProgressActivity parent, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        using var progress = parent.Child($"Restoring {manifest.FileName} into {into.Description}", "Starting");
        var findings = new Findings(docker, into, host, settings);
        var integrity = manifest.Format == BackupFormat.Custom
            ? await RestoreArchiveAsync(docker, into, path, manifest, settings, findings, progress, host, cancellationToken).ConfigureAwait(false)
            : await RestorePlainAsync(docker, into, path, manifest, settings, findings, progress, host, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return new RestoreOutcome(integrity, findings.Errors, await findings.FailureAsync().ConfigureAwait(false), watch.Elapsed, findings.InputStopped);
    }

    private static async Task<IReadOnlyList<BackupCheck>> RestorePlainAsync(DockerClient docker, DatabaseTarget into, string path, BackupManifest manifest,
        RestoreSettings settings, Findings findings, ProgressActivity progress, IOperationHost host, CancellationToken cancellationToken)
    {
        host.WriteVerbose($"Running the SQL script into {into.Description} with psql while the file is checked.");
        // -b: psql prints the whole statement that failed. No --single-transaction: a few thousand tables would
        // exhaust the lock table; all-or-nothing comes from the side database, dropped on any failure.
        string[] psql = ["psql", "-X", "-w", "-q", "-b", "-v", "ON_ERROR_STOP=1"];
        var fifo = await ContainerFifo.TryCreateAsync(docker, into, host, cancellationToken).ConfigureAwait(false);
        try
        {
            // psql stops at the first error: nothing of a plain restore can be accepted.
            var program = await FedProgram.StartAsync(docker, into, "psql", fifo is null ? psql : [.. psql, "-f", fifo.ContainerPath], fifo,
                SessionOptions(1), cancellationToken).ConfigureAwait(false);
            await using (program.ConfigureAwait(false))
            {
                var (integrity, inputFailure) = await FeedAsync(program, () => VerifyAsync(path, manifest, settings, program.Input, null,
                    read => progress.Bytes(read, manifest.SizeBytes, "restored"), cancellationToken))
                    .ConfigureAwait(false);
                await findings.AddAsync(program, [], inputFailure, cancellationToken).ConfigureAwait(false);
                return integrity;
            }
        }
        finally
        {
            if (fifo is not null)
            {
                await fifo.RemoveAsync().ConfigureAwait(false);
            }
        }
    }

    private static async Task<IReadOnlyList<BackupCheck>> RestoreArchiveAsync(DockerClient docker, DatabaseTarget into, string path, BackupManifest manifest,
        RestoreSettings settings, Findings findings, ProgressActivity progress, IOperationHost host, CancellationToken cancellationToken)
    {
        ArchiveTableOfContents toc;
        try
        {
            toc = await Task.Run(() => ReadTableOfContents(path, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        catch (BackupPsException)
        {
            // Not even the TOC is intact: the full check says exactly what is wrong, and nothing is restored.
            host.WriteVerbose("The archive's table of contents cannot be read, so nothing is restored; checking the whole file to say what is wrong.");
            progress.Status("Checking the file, whose table of contents cannot be read");
            return await ArtifactVerifier.VerifyAsync(path, Path.GetFileName(path), manifest, read => progress.Bytes(read, manifest.SizeBytes, "checked"), cancellationToken)
                .ConfigureAwait(false);
        }

        var jobs = settings.EffectiveJobs;
        var listed = toc.Entries.Where(e => !CopyLoader.Loads(e)).Select(e => e.DumpId);
        var workspace = await ContainerWorkspace.CreateAsync(docker, into, toc.Bytes, listed, fifos: jobs + 1, cancellationToken).ConfigureAwait(false);
        await using (workspace.ConfigureAwait(false))
        {
            if (workspace.Fifo(0) is null)
            {
                host.WriteVerbose(ContainerFifo.ApiFallbackNote);
            }

            host.WriteVerbose($"Restoring the schema (pre-data) into {into.Description}.");
            progress.Step(1, 3, "the schema (pre-data)");
            var watch = Stopwatch.StartNew();
            findings.Add(
                await RunToEndAsync(docker, into, [.. PgRestore(into, settings), "--section=pre-data", workspace.TableOfContents], jobs, cancellationToken).ConfigureAwait(false),
                "pg_restore", settings.AcceptedErrors, cancellationToken);
            if (findings.HardFailure)
            {
                return [];
            }

            // Pausing autovacuum does not conflict with COPY (its lock only excludes vacuum and DDL), so it runs alongside.
            var pausing = AutovacuumPause.PauseAsync(docker, into, cancellationToken);
            host.WriteVerbose($"Schema restored in {watch.Elapsed.TotalSeconds:0.0} s. Loading the data of {toc.Entries.Count(CopyLoader.Loads)} table(s) over {jobs} COPY session(s) while the file is checked.");
            progress.Step(2, 3, "the data");
            watch.Restart();
            IReadOnlyList<BackupCheck> integrity;
            CopyLoader loaded;
            IReadOnlyList<string> paused;
            try
            {
                using var loading = progress.Child($"Loading the data of {manifest.FileName}", "Starting");
                (integrity, loaded) = await LoadDataAsync(docker, into, path, manifest, settings, jobs, toc, workspace, findings,
                    read => loading.Bytes(read, manifest.SizeBytes, "loaded"), cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                paused = await pausing.ConfigureAwait(false);
            }

            if (findings.HardFailure || !integrity.All(c => c.Passed))
            {
                return integrity;
            }

            host.WriteVerbose($"Data loaded in {watch.Elapsed.TotalSeconds:0.0} s. Building indexes and constraints (post-data) with {jobs} job(s).");
            progress.Step(3, 3, "indexes and constraints (post-data)");
            watch.Restart();
            // An archive without data blocks (a database without tables) has no positions to fill in.
            var postDataToc = jobs > 1 && loaded.BlockStarts.Count > 0
                && await workspace.WriteSizedTableOfContentsAsync(toc.WithDataPositions(loaded.BlockStarts), loaded.ArchiveLength, cancellationToken).ConfigureAwait(false)
                ? workspace.SizedTableOfContents
                : workspace.TableOfContents;
            var eventTriggers = toc.Entries.Where(IsEventTrigger).Select(e => e.DumpId).ToArray();
            string[] withoutEventTriggers = [];
            if (eventTriggers.Length > 0)
            {
                await workspace.WriteListAsync(workspace.OtherList, toc.Entries.Where(e => !IsEventTrigger(e)).Select(e => e.DumpId), cancellationToken)
                    .ConfigureAwait(false);
                withoutEventTriggers = ["-L", workspace.OtherList];
            }

            string[] postData = [.. PgRestore(into, settings), "--section=post-data", .. jobs > 1 ? new[] { "--jobs=" + jobs } : [], .. withoutEventTriggers, postDataToc];
            findings.Add(await RunToEndAsync(docker, into, postData, jobs, cancellationToken).ConfigureAwait(false),
                "pg_restore", settings.AcceptedErrors, cancellationToken);
            if (findings.HardFailure)
            {
                return integrity;
            }

            host.WriteVerbose($"Indexes and constraints built in {watch.Elapsed.TotalSeconds:0.0} s.");
            await AutovacuumPause.ResumeAsync(docker, into, paused, cancellationToken).ConfigureAwait(false);
            if (eventTriggers.Length > 0)
            {
                // Last, as pg_restore orders them too: from here on the database's own event triggers fire on
                // DDL in it, and BackupPs runs none after this.
                host.WriteVerbose($"Creating the {eventTriggers.Length} event trigger entries last.");
                await workspace.WriteListAsync(workspace.OtherList, eventTriggers, cancellationToken).ConfigureAwait(false);
                findings.Add(await RunToEndAsync(docker, into, [.. PgRestore(into, settings), "-L", workspace.OtherList, workspace.TableOfContents], 1, cancellationToken)
                    .ConfigureAwait(false), "pg_restore", settings.AcceptedErrors, cancellationToken);
            }

            return integrity;
        }
    }

    /// <summary>The data section: pg_restore for what is not COPY text, and <paramref name="jobs"/> psql COPY sessions.</summary>
    private static async Task<(IReadOnlyList<BackupCheck> Integrity, CopyLoader Loaded)> LoadDataAsync(DockerClient docker, DatabaseTarget into, string path,
        BackupManifest manifest, RestoreSettings settings, int jobs, ArchiveTableOfContents toc, ContainerWorkspace workspace, Findings findings,
        Action<long> progress, CancellationToken cancellationToken)
    {
        var programs = new List<FedProgram>();
        try
        {
            // Program 0 is the data-section pg_restore, the others are the COPY sessions; all start at once.
            var starts = Enumerable.Range(0, jobs + 1).Select(i =>
            {
                var fifo = workspace.Fifo(i);
                if (i == 0)
                {
                    // pg_restore opens a named input file twice (once to detect its format), which would lose the
                    // start of a FIFO; as stdin it reads the stream once.
                    return FedProgram.StartAsync(docker, into, "pg_restore",
                        [.. PgRestore(into, settings, fifo?.ContainerPath), "--section=data", "-L", workspace.List],
                        fifo, SessionOptions(jobs), cancellationToken);
                }

                // -b: psql prints the failed statement (the COPY, which names the table).
                string[] psql = ["psql", "-X", "-w", "-q", "-b", "-v", "ON_ERROR_STOP=1"];
                return FedProgram.StartAsync(docker, into, "psql", fifo is null ? psql : [.. psql, "-f", fifo.ContainerPath], fifo,
                    SessionOptions(jobs), cancellationToken);
            }).ToArray();
            try
            {
                await Task.WhenAll(starts).ConfigureAwait(false);
            }
            finally
            {
                programs.AddRange(starts.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result));
            }

            var loader = new CopyLoader(programs[0].Input, programs.Skip(1).ToArray(), CopyLoader.Preamble(toc.Entries, settings.Role));
            var (integrity, inputFailure) = await FeedAsync(programs[0], async () =>
            {
                var aborted = true;
                try
                {
                    // The data-section pg_restore reads the TOC first, then the blocks forwarded to it.
                    await programs[0].Input.WriteAsync(toc.Bytes, cancellationToken).ConfigureAwait(false);
                    var checks = await VerifyAsync(path, manifest, settings, null, loader, progress, cancellationToken).ConfigureAwait(false);
                    aborted = false;
                    return checks;
                }
                finally
                {
                    await loader.FinishAsync(aborted).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
            // Programs that ended by themselves come first: when one session is killed, that is the failure
            // to report, not the others that were stopped because of it.
            foreach (var program in programs.OrderBy(p => p.Exec.IsCompletedSuccessfully ? 0 : 1))
            {
                await findings.AddAsync(program, program == programs[0] ? settings.AcceptedErrors : [], inputFailure, cancellationToken,
                    program == programs[0] ? null : error => CopyLoader.AdviseLoadOrder(CopyLoader.Locate(toc.Entries, error), jobs)).ConfigureAwait(false);
            }

            return (integrity, loader);
        }
        finally
        {
            foreach (var program in programs)
            {
                await program.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="feed"/>, which writes <paramref name="program"/>'s input, and ends that input.
    /// A write that fails because a reader stopped is not an error of its own: the reader's exit status
    /// says why (after Ctrl+C the programs are killed, and the caller reports the cancellation).
    /// </summary>
    private static async Task<(IReadOnlyList<BackupCheck> Integrity, string? InputFailure)> FeedAsync(FedProgram program,
        Func<Task<IReadOnlyList<BackupCheck>>> feed)
    {
        try
        {
            var integrity = await feed().ConfigureAwait(false);
            program.CloseInput();
            return (integrity, null);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            program.CloseInput(e);
            return ([], e.Message);
        }
    }

    /// <summary>
    /// An event trigger, or its comment or security label (tagged "EVENT TRIGGER name" by pg_dump).
    /// These are restored after everything else, BackupPs's own DDL included (the autovacuum reset):
    /// an event trigger created earlier would log, or refuse, statements that are not the database's.
    /// </summary>
    private static bool IsEventTrigger(ArchiveEntry entry) =>
        entry.Desc == "EVENT TRIGGER" || (entry.Tag?.StartsWith("EVENT TRIGGER ", StringComparison.Ordinal) ?? false);

    private static ArchiveTableOfContents ReadTableOfContents(string path, CancellationToken cancellationToken)
    {
        using var file = ArtifactVerifier.OpenBackup(path, 1 << 16);
        using var decompressor = CompressionStreams.OpenDecompressor(file, path);
        return CustomArchiveReader.ReadTableOfContents(decompressor, cancellationToken);
    }

    private static async Task<ExecResult?> RunToEndAsync(DockerClient docker, DatabaseTarget into, string[] command, int jobs, CancellationToken cancellationToken)
    {
        try
        {
            return await docker.ExecAsync(into.Container.Id, into.Exec(command, SessionOptions(jobs)), Stream.Null, cancellationToken).ConfigureAwait(false);
        }
        catch (BackupPsException)
        {
            // The container went away under the exec: Findings reports it from the container's state.
            return null;
        }
    }

    /// <summary>
    /// pg_restore, reading <paramref name="input"/> (a path in the container) or its stdin. It runs with -v, because
    /// only then does it name the archive entry of an error ("from TOC entry ...", PostgreSQL 15 and 17 alike); the line
    /// -v prints for every object is dropped in the container, so the stderr an exec keeps (its first and last 32 KiB)
    /// holds the errors, whatever the number of objects. The exit status is pg_restore's.
    /// </summary>
    private static string[] PgRestore(DatabaseTarget into, RestoreSettings settings, string? input = null)
    {
        var script = $"exec 3>&1; status=$( {{ {{ \"$0\" \"$@\" {(input is null ? "" : $"< {input} ")}2>&1 >&3 3>&- 4>&-; echo $? >&4; }} "
            + $"| grep -Ev '{VerboseProgress}' >&2 3>&- 4>&-; }} 4>&1 ); exit \"$status\"";
        var args = new List<string> { "sh", "-c", script, "pg_restore", "-v", "-w", "--dbname=" + into.Database };
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

    /// <summary>
    /// Reads and checks the whole artifact, handing its bytes to <paramref name="input"/> (a plain
    /// script, through the filter for -NoOwner / -NoAcl / -Role) or to <paramref name="observer"/>.
    /// </summary>
    private static async Task<IReadOnlyList<BackupCheck>> VerifyAsync(string path, BackupManifest manifest, RestoreSettings settings, Stream? input,
        IArchiveObserver? observer, Action<long> progress, CancellationToken cancellationToken)
    {
        if (input is null)
        {
            return await ArtifactVerifier.VerifyAsync(path, Path.GetFileName(path), manifest, progress, cancellationToken, observer: observer)
                .ConfigureAwait(false);
        }

        await using var buffered = new BufferedStream(input, 1 << 20);
        var filter = new PlainScriptFilter(buffered, settings.NoOwner, settings.NoAcl, settings.Role);
        await using (filter)
        {
            var checks = await ArtifactVerifier.VerifyAsync(path, Path.GetFileName(path), manifest, progress, cancellationToken, filter)
                .ConfigureAwait(false);
            filter.Complete();
            await buffered.FlushAsync(cancellationToken).ConfigureAwait(false);
            return checks;
        }
    }

    /// <summary>The errors and the failure of all the programs one restore ran, in the order they ran.</summary>
    private sealed class Findings(DockerClient docker, DatabaseTarget into, IOperationHost host, RestoreSettings settings)
    {
        private readonly List<RestoreError> _errors = [];
        private string? _failure;
        private bool _nonZeroExit;

        public IReadOnlyList<RestoreError> Errors => _errors;

        /// <summary>The first program stopped before the end of its input, and why (see <see cref="RestoreOutcome.InputStopped"/>).</summary>
        public string? InputStopped { get; private set; }

        /// <summary>A program failed as a whole (killed, could not run, refused its input): what follows would fail too.</summary>
        public bool HardFailure => _failure is not null || InputStopped is not null;

        /// <summary>Waits for <paramref name="program"/> and adds what it reported.</summary>
        /// <param name="locate">Fills in what an error is about when the program cannot say (the table of a COPY session's error).</param>
        public async Task AddAsync(FedProgram program, IReadOnlyCollection<RestoreErrorClass> accepted, string? inputFailure, CancellationToken cancellationToken,
            Func<RestoreError, RestoreError>? locate = null)
        {
            ExecResult? result = null;
            try
            {
                result = await program.Exec.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                InputStopped ??= $"{program.Name} stopped reading its input ({inputFailure})";
            }
            catch (BackupPsException e)
            {
                _failure ??= $"{program.Name} could not be run to the end: {e.Message}";
            }
            catch (IOException e)
            {
                // On the Docker API transport the program's stdin is fed from our pipe, and a feed that failed (another
                // session stopped reading, or Ctrl+C) ends the exec with that failure: the program stopped early, not a bug.
                cancellationToken.ThrowIfCancellationRequested();
                InputStopped ??= $"{program.Name} stopped reading its input ({inputFailure ?? e.Message})";
            }

            if (result is not null)
            {
                Add(result, program.Name, accepted, cancellationToken, locate);
            }
        }

        /// <summary>Adds what a program that has ended reported (null: it could not be run).</summary>
        public void Add(ExecResult? result, string program, IReadOnlyCollection<RestoreErrorClass> accepted, CancellationToken cancellationToken,
            Func<RestoreError, RestoreError>? locate = null)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (result is null)
            {
                _failure ??= $"{program} could not be run to the end";
                return;
            }

            var errors = RestoreErrorParser.Parse(result.Stderr, accepted, settings.NoOwner, settings.NoAcl).Select(locate ?? (e => e)).ToArray();
            _errors.AddRange(errors);
            _nonZeroExit |= result.ExitCode != 0;
            _failure ??= result.ExitCode switch
            {
                0 => null,
                > 128 => $"{program} was killed (signal {result.ExitCode - 128})",
                _ when errors.Length > 0 => null,
                _ => $"{program} failed with exit code {result.ExitCode}: {DatabaseTarget.FirstLine(result.Stderr)}",
            };
            foreach (var warning in result.Stderr.Split('\n').Where(l => l.Contains(": warning: ", StringComparison.Ordinal) && !l.Contains("errors ignored on restore", StringComparison.Ordinal)))
            {
                host.WriteWarning(warning.Trim());
            }
        }

        /// <summary>The failure, told as the server going away when that is what happened.</summary>
        public async Task<string?> FailureAsync()
        {
            if (_failure is null && InputStopped is null && !_nonZeroExit)
            {
                return null;
            }

            var why = _failure ?? _errors.FirstOrDefault()?.Message ?? InputStopped;
            if (!await IsRunningAsync(docker, into.Container.Id).ConfigureAwait(false))
            {
                return $"the server in container {into.Container.Name} stopped or restarted during the restore ({why})";
            }

            // The container runs: the server restarted, or someone ended the restore's sessions (both say "administrator command").
            return _errors.FirstOrDefault(e => ServerGone.Any(m => e.Message.Contains(m, StringComparison.Ordinal))) is { } gone
                ? $"the server in container {into.Container.Name} stopped or restarted during the restore, or an administrator or a function "
                    + $"of the database ended the restore's sessions (pg_terminate_backend) ({gone.Message}); retry when the server is up"
                : _failure;
        }
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
}
