using BackupPs.Core.Catalog;
using BackupPs.Core.Commands;
using BackupPs.Core.Compression;
using BackupPs.Core.Docker;
using BackupPs.Core.Errors;
using BackupPs.Core.Hosting;
using BackupPs.Core.Leftovers;
using BackupPs.Core.Postgres;
using BackupPs.Core.Storage;
using BackupPs.Core.Verification;

namespace BackupPs.Core.Database;

/// <summary>
/// Backup-Database. pg_dump runs inside the database container (-Z0: no compression there, so the
/// dump stays parseable and compression runs multi-threaded here); its output (see
/// <see cref="DumpStream"/> for how it leaves the container) streams into the dump parser, which
/// tees every byte into compressor → SHA-256 → temporary file. The result is only renamed into place after pg_dump's exit code and stderr, the parsed
/// structure and a full read-back of the written file all agree. Any failure or Ctrl+C removes the
/// temporary file, so nothing that looks like a backup is left behind.
/// </summary>
public sealed class BackupDatabaseHandler : ICommandHandler<BackupDatabaseOptions>
{
    /// <summary>Smaller than this, a dump cannot hold even an empty database's header and TOC.</summary>
    internal const long MinimumDumpBytes = 256;

    /// <summary>How long a pg_dump whose output broke off gets to report its own exit status.</summary>
    private static readonly TimeSpan ExitGrace = TimeSpan.FromSeconds(3);

    /// <summary>A temporary file this old belongs to no running backup: its process was killed.</summary>
    private static readonly TimeSpan StalePartialAge = TimeSpan.FromDays(1);

    private readonly Func<DockerClient> _connect;
    private readonly TimeProvider _clock;

    public BackupDatabaseHandler()
        : this(() => new DockerClient(), TimeProvider.System)
    {
    }

    /// <param name="clock">The time that names the file and fills the manifest (tests pin it).</param>
    internal BackupDatabaseHandler(Func<DockerClient> connect, TimeProvider clock)
    {
        _connect = connect;
        _clock = clock;
    }

    public async Task ExecuteAsync(BackupDatabaseOptions options, IOperationHost host, CancellationToken cancellationToken)
    {
        var environment = BackupNames.NormalizeEnvironment(options.Environment);
        var root = BackupPaths.StoreRoot(options.Path ?? BackupNames.DefaultRoot);
        using var docker = _connect();
        var target = await DatabaseTarget.ResolveAsync(docker, options.Container, options.ComposeProject, options.ComposeService,
            options.Database, options.Credential, cancellationToken).ConfigureAwait(false);
        // Filed under the environment the container is labelled with, never under one that contradicts it.
        environment = ContainerEnvironment.RequireDeclaredMatchesLabel(environment, "-Environment", target.Container.Name, target.Container.Config.Labels);
        var (serverVersion, databaseBytes) = await target.PreflightAsync(docker, cancellationToken).ConfigureAwait(false);
        host.WriteVerbose($"Connected to {target.Description}: PostgreSQL {serverVersion}, {databaseBytes / (1024 * 1024)} MB on disk.");

        var compression = ChooseCompression(options.Compression, CompressionStreams.IsZstdAvailable, host);
        var folder = BackupNames.FolderFor(root, environment, target.Database);
        if (!host.ShouldProcess(target.Description, $"Back up as {environment} ({options.Format}, {compression}) to {folder}"))
        {
            return;
        }

        host.WriteOutput(await BackupAsync(docker, target, environment, root, options.Format, compression, host, parent: null, cancellationToken)
            .ConfigureAwait(false));
    }

    /// <summary>
    /// The backup itself, once the target is resolved and confirmed: also the safety backup that
    /// Restore-Database takes of a database before replacing it.
    /// </summary>
    /// <param name="parent">The progress activity this backup is a phase of (the restore of a safety backup), or null.</param>
    internal async Task<BackupRecord> BackupAsync(DockerClient docker, DatabaseTarget target, string environment, string root,
        BackupFormat format, CompressionKind compression, IOperationHost host, ProgressActivity? parent, CancellationToken cancellationToken)
    {
        var folder = BackupNames.FolderFor(root, environment, target.Database);
        host.WriteVerbose($"Backing up {target.Description} into {folder} ({format}, {compression}).");
        var directory = SecureDirectory.Ensure(folder);
        if (directory.IsGroupOrWorldWritable)
        {
            // Left as it is (it may be a deliberate shared mount), but others could replace or delete backups there.
            host.WriteWarning($"{folder} is writable by other users, who could replace or delete backups in it; consider chmod 700.");
        }

        try
        {
            return await BackupIntoAsync(docker, target, environment, folder, format, compression, host, parent, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // A failed or cancelled run leaves no empty <store>/<env>/<db> folders of its own: the store is as it was.
            // Its temporary file is gone by now (BackupIntoAsync disposed it), so a folder only it held is empty.
            directory.RemoveCreatedIfEmpty();
            throw;
        }
    }

    /// <summary>The dump, its read-back and its publication into <paramref name="folder"/>, which exists.</summary>
    private async Task<BackupRecord> BackupIntoAsync(DockerClient docker, DatabaseTarget target, string environment, string folder,
        BackupFormat format, CompressionKind compression, IOperationHost host, ProgressActivity? parent, CancellationToken cancellationToken)
    {
        foreach (var stale in AtomicFile.RemoveStalePartials(folder, StalePartialAge))
        {
            host.WriteWarning($"Removed {stale}, left behind by a backup process that was killed.");
        }

        // The FIFO of a killed backup stays in the container; this one makes its own next to it.
        await ContainerLeftovers.RemoveScratchAsync(docker, target, host, cancellationToken).ConfigureAwait(false);

        var started = _clock.GetUtcNow();
        string FileName(int claim) => BackupNames.ArtifactFileName(target.Database, environment, started, format, compression, claim);

        // Read before the dump: a change between the two is a change of the database's definition, which no backup can be consistent with anyway.
        var properties = await DatabaseProperties.ReadAsync(docker, target, target.Database, cancellationToken).ConfigureAwait(false);
        // The name is only settled when the proven file is stored (BackupPlacement): a backup that started in the
        // same second as another one gets the next free name instead of failing after its whole dump.
        var provisionalName = FileName(1);
        // Three steps: the dump, the read-back of the written file and the publication of the file and its manifest. The dump gets no
        // percent: pg_database_size counts indexes, free space and compressed TOAST, so it is no measure of the dump's size.
        using var progress = ProgressActivity.Start(host, $"Backing up {target.Description}", "Starting", parent);
        await using var artifact = AtomicFile.CreateUnnamed(Path.Combine(folder, provisionalName));
        progress.Step(1, 3, "dumping with pg_dump");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        DumpResult dump;
        using (var dumping = progress.Child($"Dumping {target.Database}", "Starting pg_dump"))
        {
            dump = await DumpAsync(docker, target, format, compression, properties.Encoding, artifact.Stream, dumping, host, cancellationToken)
                .ConfigureAwait(false);
        }

        var completed = _clock.GetUtcNow();
        BackupManifest Describe(string fileName) => new()
        {
            Kind = BackupKind.Database,
            Environment = environment,
            Database = target.Database,
            FileName = fileName,
            Format = format,
            Compression = compression,
            SizeBytes = dump.SizeBytes,
            Sha256 = dump.Sha256,
            DumpBytes = dump.Inspection.TotalBytes,
            StartedUtc = started,
            CompletedUtc = completed,
            Elapsed = completed - started,
            Container = target.Container.Name,
            ContainerId = target.Container.Id,
            Image = target.Container.Config.Image,
            ImageId = target.Container.ImageId,
            ComposeProject = target.ComposeProject,
            ComposeService = target.ComposeService,
            ServerVersion = dump.Inspection.ServerVersion,
            PgDumpVersion = dump.Inspection.PgDumpVersion,
            ArchiveVersion = dump.Inspection.ArchiveVersion,
            DatabaseProperties = properties,
            Tables = dump.Inspection.Tables,
            TotalRows = dump.Inspection.TotalRows,
        };

        host.WriteVerbose($"Dumped {dump.Inspection.TotalBytes} bytes in {watch.Elapsed.TotalSeconds:0.0} s, {dump.SizeBytes} bytes compressed; reading the written file back to prove it.");
        return await BackupPlacement.ProveAndStoreAsync(artifact, FileName, Describe, dump.SizeBytes, target.Description,
            async (path, manifest, read) => await ArtifactVerifier.VerifyAsync(path, provisionalName, manifest, read, cancellationToken).ConfigureAwait(false),
            progress, host, cancellationToken).ConfigureAwait(false);
    }

    private sealed record DumpResult(DumpInspection Inspection, long SizeBytes, string Sha256);

    /// <summary>zstd unless asked otherwise; gzip, with a warning, when libzstd is missing and zstd was not asked for explicitly.</summary>
    internal static CompressionKind ChooseCompression(CompressionKind? requested, bool zstdAvailable, IOperationHost host)
    {
        if (requested is { } kind)
        {
            return kind;
        }

        if (zstdAvailable)
        {
            return CompressionKind.Zstd;
        }

        host.WriteWarning("The system libzstd is missing (apt-get install libzstd1), so this backup is gzip-compressed; pass -Compression Zstd to insist.");
        return CompressionKind.Gzip;
    }

    /// <param name="databaseEncoding">The database's encoding: the dump is written in UTF-8 unless it is SQL_ASCII.</param>
    private static async Task<DumpResult> DumpAsync(DockerClient docker, DatabaseTarget target, BackupFormat format, CompressionKind compression,
        string databaseEncoding, Stream destination, ProgressActivity progress, IOperationHost host, CancellationToken cancellationToken)
    {
        string[] command = format == BackupFormat.Custom ? ["pg_dump", "-w", "-Fc", "-Z0"] : ["pg_dump", "-w", "-Fp"];
        // pg_dump writes names and data in the client encoding, which the database (ALTER DATABASE ... SET
        // client_encoding) or its own encoding (LATIN1) may set to something else than the UTF-8 this reader
        // and the manifest use for names. Every server encoding converts to UTF-8 losslessly, and a restore
        // converts back (the archive says SET client_encoding = 'UTF8'). SQL_ASCII declares no encoding at
        // all: its bytes are dumped as they are.
        if (databaseEncoding != "SQL_ASCII")
        {
            command = [.. command, "--encoding=UTF8"];
        }

        using var hashing = new HashingStream(destination);
        await using var compressor = CompressionStreams.CreateCompressor(compression, hashing);
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await using var dump = await DumpStream.StartAsync(docker, target, command, host, abort.Token).ConfigureAwait(false);
        host.WriteVerbose($"pg_dump is running in {target.Container.Name}; its output travels by {dump.Transport}.");

        DumpInspection? inspection = null;
        Exception? parseFailure = null;
        try
        {
            var tee = new TeeReadStream(dump.Output, compressor, read => progress.Bytes(read, 0, "dumped"));
            inspection = await Task.Run(() => format == BackupFormat.Custom
                ? CustomArchiveReader.Read(tee, abort.Token)
                : PlainDumpReader.Read(tee, abort.Token), abort.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            parseFailure = e;
            // Write nothing more: a second error (disk full while flushing) must not hide the first.
            compressor.Abandon();
            // If pg_dump died, its output ended before its exit status arrives: let it report first.
            // If it is still running after that, the fault is in what it wrote (or in our disk): stop it.
            if (await Task.WhenAny(dump.Exec, Task.Delay(ExitGrace, CancellationToken.None)).ConfigureAwait(false) != dump.Exec)
            {
                abort.Cancel();
            }
        }

        ExecResult? result = null;
        try
        {
            result = await dump.Exec.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (parseFailure is not null && !cancellationToken.IsCancellationRequested)
        {
            // We stopped pg_dump ourselves because of parseFailure.
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (result is not null)
        {
            // pg_dump's own verdict explains a failure better than the parser's view of the stream.
            CheckPgDump(result, target, host);
        }

        if (parseFailure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(parseFailure);
        }

        if (inspection!.TotalBytes < MinimumDumpBytes)
        {
            throw new BackupPsException("DumpTooSmall", FailureCategory.InvalidData,
                $"pg_dump of {target.Description} produced only {inspection.TotalBytes} bytes, less than any real dump; nothing was kept.");
        }

        await compressor.FinishAsync(cancellationToken).ConfigureAwait(false);
        var hash = hashing.Complete();
        return new DumpResult(inspection, hash.Length, hash.Sha256);
    }

    private static void CheckPgDump(ExecResult result, DatabaseTarget target, IOperationHost host)
    {
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        // The whole error: the server's DETAIL and HINT (say, to raise max_locks_per_transaction) and the query.
        var error = ClientErrorOutput.Parse(result.Stderr).FirstOrDefault();
        if (result.ExitCode != 0 || error is not null)
        {
            var why = error is not null
                ? ClientErrorOutput.Describe(error.Message, null, error.Detail, error.Hint, error.Context, error.Statement, ClientErrorOutput.Remedy(error.Message, error.Context))
                : lines.FirstOrDefault() ?? (result.ExitCode > 128 ? $"killed by signal {result.ExitCode - 128}" : "no error text");
            throw new BackupPsException("PgDumpFailed", FailureCategory.InvalidOperation,
                $"pg_dump of {target.Description} failed (exit code {result.ExitCode}): {why}; nothing was kept.")
            { Target = target.Container.Name };
        }

        foreach (var warning in lines)
        {
            host.WriteWarning("pg_dump: " + warning);
        }
    }
}
