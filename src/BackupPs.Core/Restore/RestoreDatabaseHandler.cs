using System.Diagnostics;
using BackupPs.Core.Catalog;
using BackupPs.Core.Commands;
using BackupPs.Core.Database;
using BackupPs.Core.Docker;
using BackupPs.Core.Errors;
using BackupPs.Core.Hosting;
using BackupPs.Core.Leftovers;
using BackupPs.Core.Postgres;
using BackupPs.Core.Storage;

namespace BackupPs.Core.Restore;

/// <summary>
/// Restore-Database. Never destroys first: the backup is always restored into a side database
/// (backupps_side_*), checked (hash and structure on the way in, then exact row counts), and only
/// then renamed into place. With -Replace the existing database is first backed up (the safety
/// backup), then swapped out in one transaction and dropped last (or kept). Any failure before the
/// swap drops the side database and leaves the original as it was.
/// </summary>
public sealed class RestoreDatabaseHandler : ICommandHandler<RestoreDatabaseOptions>
{
    private readonly Func<DockerClient> _connect;
    private readonly TimeProvider _clock;

    public RestoreDatabaseHandler()
        : this(() => new DockerClient(), TimeProvider.System)
    {
    }

    internal RestoreDatabaseHandler(Func<DockerClient> connect, TimeProvider clock)
    {
        _connect = connect;
        _clock = clock;
    }

    public async Task ExecuteAsync(RestoreDatabaseOptions options, IOperationHost host, CancellationToken cancellationToken)
    {
        // -KeepPrevious, -SkipSafetyBackup and -SafetyBackupPath without -Replace, and -Jobs outside 0-64, are refused at binding (OptionAttribute).
        var backup = StoredBackup.Load(StoredBackup.One(options.Path ?? [], BackupKind.Database, host), host).RequireKind(BackupKind.Database, "Restore-Database");
        var manifest = backup.Manifest;
        using var docker = _connect();
        var target = await RestoreTarget.ConnectAsync(docker, options.Container, manifest, options.Credential, host, cancellationToken).ConfigureAwait(false);
        // As typed: a longer name would be one the server cuts, which the operation lock and the output would not know.
        var database = options.Database is null ? manifest.Database! : PostgresNames.Require(options.Database, "-Database");
        if (options.Role is not null)
        {
            PostgresNames.Require(options.Role, "-Role");
        }

        var description = $"database {database} in container {target.Container.Name}";
        var environment = target.DetermineEnvironment(options.TargetEnvironment, manifest);
        RestoreTarget.GuardEnvironment(manifest.Environment, environment, options.AllowCrossEnvironment, description, host);
        host.WriteVerbose($"Restoring {backup.Path} (a {manifest.Environment} backup of {manifest.Database}, taken {manifest.StartedUtc:u}) into the {description}, "
            + $"which is {environment}{(options.Replace ? ", replacing it" : "")}.");
        await target.CheckVersionAsync(docker, backup, cancellationToken).ConfigureAwait(false);

        // Checked for the plan (-WhatIf shows it even while another operation runs), and again under the lock.
        await RestoreDestination.CheckAsync(docker, target, database, options.Replace, cancellationToken).ConfigureAwait(false);

        var now = _clock.GetUtcNow();
        var side = ScratchDatabase.NewName(ScratchDatabase.Side, now);
        var previous = PreviousName(database, now);
        var safetyRoot = options.Replace && !options.SkipSafetyBackup ? SafetyRoot(options, backup) : null;
        if (!host.ShouldProcess(description, Plan(options, backup, database, environment, side, previous, safetyRoot)))
        {
            return;
        }

        // Before anything is written anywhere: no other BackupPs operation changes the database meanwhile, and what
        // was checked before the confirmation still holds (another operation may have run in between).
        await using var operationLock = await DatabaseOperationLock.AcquireAsync(docker, target.Server, database, "restore-database", cancellationToken)
            .ConfigureAwait(false);
        await RestoreDestination.CheckAsync(docker, target, database, options.Replace, cancellationToken).ConfigureAwait(false);

        await ContainerLeftovers.RemoveAllAsync(docker, target.Server, now, host, cancellationToken).ConfigureAwait(false);
        var watch = Stopwatch.StartNew();
        // Steps: the side database, the safety backup (with -Replace), the restore, the row counts, the rename or swap.
        using var progress = ProgressActivity.Start(host, $"Restoring {Path.GetFileName(backup.Path)} into {description}", "Starting");
        var steps = safetyRoot is null ? 4 : 5;
        var step = 0;
        var like = options.Replace ? database : null;
        // Set once the side database is renamed into place or already dropped: the finally drops it otherwise (Ctrl+C, exceptions),
        // also when its CREATE is what was interrupted (it may go on in the server: DropAsync waits for it).
        var sideSettled = false;
        string? safetyBackupPath = null;
        try
        {
            // Before the safety backup: CREATE DATABASE is where the server refuses what it lacks (the backup's collation,
            // ctype or ICU locale, the owner role, the encoding), cheaply and before any long work.
            progress.Step(++step, steps, $"creating the side database {side}");
            host.WriteVerbose($"Creating the side database {side} in {target.Container.Name}, into which the backup is restored and checked.");
            await ScratchDatabase.CreateAsync(docker, target.Server, side, manifest.DatabaseProperties, like, options.Role, cancellationToken).ConfigureAwait(false);

            if (safetyRoot is not null)
            {
                progress.Step(++step, steps, $"the safety backup of {database}");
                host.WriteVerbose($"Safety backup of {description} to {safetyRoot} before anything changes.");
                var existing = target.Server.WithDatabase(database);
                await existing.PreflightAsync(docker, cancellationToken).ConfigureAwait(false);
                try
                {
                    var safety = await new BackupDatabaseHandler(_connect, _clock).BackupAsync(docker, existing, environment, safetyRoot, BackupFormat.Custom,
                        BackupDatabaseHandler.ChooseCompression(null, Compression.CompressionStreams.IsZstdAvailable, host), host, progress, cancellationToken)
                        .ConfigureAwait(false);
                    safetyBackupPath = safety.Path;
                }
                catch (BackupPsException e) when (SafetyStoreError(e, description, safetyRoot) is { } error)
                {
                    throw error;
                }
            }
            else if (options.Replace)
            {
                host.WriteWarning($"No safety backup of {description} (-SkipSafetyBackup): if the restored data is wrong, the replaced data is gone.");
            }

            // The lock's session may have been ended during the safety backup: stop before the long restore (the swap checks again).
            await operationLock.EnsureHeldAsync(docker, target.Server, database, cancellationToken).ConfigureAwait(false);

            var settings = new RestoreSettings(options.NoOwner, options.NoAcl, options.Role, options.Jobs, options.AcceptError ?? []);
            progress.Step(++step, steps, $"restoring into {side}");
            var outcome = await ArtifactRestore.RunAsync(docker, target.Server.WithDatabase(side), backup.Path, manifest, settings, host, progress, cancellationToken)
                .ConfigureAwait(false);
            host.WriteVerbose(outcome.Succeeded
                ? $"Restored into {side} in {outcome.Duration.TotalSeconds:0.0} s."
                : $"The restore into {side} failed after {outcome.Duration.TotalSeconds:0.0} s: {outcome.Explain()}.");
            IReadOnlyList<TableRowComparison> tables = [];
            string? failure = outcome.Succeeded ? null : outcome.Explain();
            var lockLost = false;
            var previousLeft = false;
            if (failure is null)
            {
                await ScratchDatabase.ConfigureAsync(docker, target.Server, side, database, like, manifest.DatabaseProperties, host, cancellationToken).ConfigureAwait(false);
                progress.Step(++step, steps, $"counting the rows of {manifest.Tables!.Count} table(s)");
                host.WriteVerbose($"Counting the rows of the {manifest.Tables!.Count} table(s) in {side} to compare them with the manifest.");
                tables = await RestoredRows.CompareAsync(docker, target.Server.WithDatabase(side), manifest.Tables, cancellationToken).ConfigureAwait(false);
                failure = RestoredRows.Describe(tables);
            }

            if (failure is null)
            {
                progress.Step(++step, steps, $"putting {side} in place as {database}");
                host.WriteVerbose($"Restored and verified in {side}; putting it in place as {database}.");
                // Past this point Ctrl+C no longer interrupts: the swap and the rename are bounded and not cancellable,
                // so a cancellation waits for them instead of dropping the side database under them.
                // Both prove, in their own transaction, that the operation lock is still held.
                if (options.Replace)
                {
                    var swap = await DatabaseSwap.SwapAsync(docker, target.Server, database, side, PreviousNames(database, now), operationLock,
                        options.KeepPrevious, host).ConfigureAwait(false);
                    (failure, lockLost) = (swap.Failure, swap.LockLost);
                    previous = swap.Previous ?? previous;
                    previousLeft = swap.Previous is not null;
                }
                else
                {
                    (failure, lockLost) = await RenameAsync(docker, target.Server, side, database, operationLock).ConfigureAwait(false);
                }

                sideSettled = failure is null;
            }

            // Kept as asked, or left because its drop failed (a warning said so): the record names it either way.
            var keptPrevious = options.Replace && failure is null && (options.KeepPrevious || previousLeft);

            host.WriteOutput(new RestoreRecord
            {
                Container = target.Container.Name,
                Database = database,
                Environment = environment,
                Mode = options.Replace ? RestoreMode.Replace : RestoreMode.New,
                Succeeded = failure is null,
                BackupPath = backup.Path,
                BackupEnvironment = manifest.Environment,
                BackupDatabase = manifest.Database!,
                StartedUtc = now,
                Elapsed = watch.Elapsed,
                RestoreElapsed = outcome.Duration,
                SafetyBackupPath = safetyBackupPath,
                SafetyBackupSkipped = options.Replace && options.SkipSafetyBackup,
                PreviousDatabase = keptPrevious ? previous : null,
                Tables = tables,
                RowCountsMatch = tables.Count == manifest.Tables!.Count && tables.All(t => t.Matches),
                Errors = outcome.Errors,
            });

            if (failure is not null)
            {
                var unchanged = options.Replace ? $"{database} was left as it was" : $"no database {database} was created";
                sideSettled = true;
                var dropped = await ScratchDatabase.DropAsync(docker, target.Server, side, host).ConfigureAwait(false)
                    ? "the side database was dropped"
                    : $"the side database {side} is dropped by the next restore or drill there";
                host.WriteError(lockLost ? DatabaseOperationLock.LostError(database) : new BackupPsException("RestoreFailed", outcome.IntegrityPassed ? FailureCategory.InvalidOperation : FailureCategory.InvalidData,
                    $"Restoring {Path.GetFileName(backup.Path)} into {description} failed: {failure}. {unchanged}, and {dropped}.")
                { Target = backup.Path });
            }
        }
        finally
        {
            if (!sideSettled)
            {
                await ScratchDatabase.DropAsync(docker, target.Server, side, host).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// "app_before_20261121T101500Z", shortened to PostgreSQL's 63-byte name limit; claim 2, 3, ... append _2, _3
    /// for replaces of the same second whose earlier name is still taken (by a copy kept with -KeepPrevious).
    /// </summary>
    internal static string PreviousName(string database, DateTimeOffset now, int claim = 1)
    {
        var suffix = $"_before_{now.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}" + (claim == 1 ? "" : $"_{claim}");
        return PostgresNames.Shorten(database, PostgresNames.MaxBytes - suffix.Length) + suffix;
    }

    /// <summary>
    /// -SafetyBackupPath, else the store the restored backup lives in (<see cref="BackupNames.StoreRootOf"/>: its
    /// root, or the backup's own folder for a copy kept elsewhere). Only the backup's path and its validated
    /// manifest decide it, so the safety backup never lands outside that store.
    /// </summary>
    private static string SafetyRoot(RestoreDatabaseOptions options, StoredBackup backup) =>
        options.SafetyBackupPath is not null ? SecureDirectory.FullPath(options.SafetyBackupPath, "-SafetyBackupPath") : BackupNames.StoreRootOf(backup.Path, backup.Manifest);

    /// <summary>The exact steps, for -WhatIf and the confirmation prompt.</summary>
    private static string Plan(RestoreDatabaseOptions options, StoredBackup backup, string database, string environment, string side,
        string previous, string? safetyRoot)
    {
        var m = backup.Manifest;
        var steps = new List<string>
        {
            $"create database {side} with the backup's encoding and collation (what the server lacks fails here, before any other work)",
        };
        if (options.Replace)
        {
            steps.Add(safetyRoot is not null
                ? $"back up {database} to {BackupNames.FolderFor(safetyRoot, environment, database)} (safety backup)"
                : "no safety backup (-SkipSafetyBackup)");
        }

        steps.Add($"restore the backup into {side} with {(m.Format == BackupFormat.Custom ? "pg_restore" : "psql (ON_ERROR_STOP)")}, checking its SHA-256 and structure on the way");
        steps.Add(options.Replace
            ? $"give it the connection limit, settings, privileges and comment {database} has now"
            : "apply the database settings recorded in the backup");
        steps.Add($"compare the exact row counts of its {m.Tables!.Count} tables with the manifest");
        if (options.Replace)
        {
            steps.Add($"in one transaction: end the sessions of {database}, rename it to {previous} (or {previous}_2, ... if a replace in the same second kept that name) and {side} to {database}; waits for other sessions' locks are bounded ({DatabaseSwap.Attempts} attempts of up to {DatabaseSwap.LockTimeout}), and a swap that cannot finish changes nothing");
            steps.Add(options.KeepPrevious ? $"keep {previous}" : $"drop {previous}");
        }
        else
        {
            steps.Add($"rename {side} to {database}");
        }

        steps.Add($"on any failure before the rename: drop {side}{(options.Replace ? $", leaving {database} as it is" : "")}");
        var header = $"{(options.Replace ? "Replace" : "Restore into new")} database {database} ({environment}) from {backup.Path} ({m.Environment}, {m.Format}, taken {m.StartedUtc:u}):";
        return header + string.Concat(steps.Select((s, i) => $"\n  {i + 1}. {s}"));
    }

    /// <summary>The names the replaced copy may get, first free first (see <see cref="PreviousName"/>).</summary>
    private static string[] PreviousNames(string database, DateTimeOffset now) =>
        Enumerable.Range(1, DatabaseSwap.MaxPreviousClaims).Select(claim => PreviousName(database, now, claim)).ToArray();

    /// <summary>
    /// Puts a new restore in place, in one transaction that first proves the operation lock is still held. Not
    /// cancellable, like the swap: only the side database, which nobody else uses, is locked.
    /// </summary>
    private static async Task<(string? Failure, bool LockLost)> RenameAsync(DockerClient docker, DatabaseTarget server, string side, string database,
        DatabaseOperationLock operationLock)
    {
        const string LockLost = "backupps: the operation lock of this restore is no longer held";
        try
        {
            // The name goes in as a setting: the dollar-quoted block holds no text of the user's.
            await server.QueryAsync(docker, $"""
                SELECT pg_catalog.set_config('backupps.database', {SqlText.Literal(database)}, false) AS backupps_database \gset
                BEGIN;
                DO $backupps_rename$ BEGIN
                  IF NOT {operationLock.HeldCondition("pg_catalog.current_setting('backupps.database')")} THEN
                    RAISE EXCEPTION '{LockLost}';
                  END IF;
                END $backupps_rename$;
                ALTER DATABASE {SqlText.Identifier(side)} RENAME TO {SqlText.Identifier(database)};
                COMMIT;
                """, CancellationToken.None, script: true).ConfigureAwait(false);
            return (null, false);
        }
        catch (BackupPsException e)
        {
            return ($"the restored database could not be renamed to {database} ({e.Message})", e.Message.Contains(LockLost, StringComparison.Ordinal));
        }
    }

    /// <summary>
    /// A failure to write the safety backup, told as such: the option to change is -SafetyBackupPath (the storage
    /// errors name Backup-Database's -Path), and nothing was changed yet. Null for errors that are not the store's.
    /// </summary>
    private static BackupPsException? SafetyStoreError(BackupPsException e, string description, string safetyRoot)
    {
        if (e.ErrorId is not (StorageErrorIds.NotWritable or StorageErrorIds.IsFile or StorageErrorIds.DirectoryMissing or StorageErrorIds.InvalidPath
            or StorageErrorIds.Full or StorageErrorIds.FileTooLarge or StorageErrorIds.WriteFailed or StorageErrorIds.RemovedDuringRun or StorageErrorIds.AlreadyExists))
        {
            return null;
        }

        // The storage messages say what happened, then "; " and what to do about it for Backup-Database.
        var what = e.Message.Split("; ", 2)[0].TrimEnd('.');
        var advice = e.ErrorId == StorageErrorIds.Full ? "free space there or pass another folder to -SafetyBackupPath" : "pass a writable folder to -SafetyBackupPath";
        return new BackupPsException(e.ErrorId, e.Category,
            $"The safety backup of {description} into {safetyRoot} failed, so nothing was changed (no restore was started, and the database is as it was): {what}. "
            + $"To restore, {advice} (or -SkipSafetyBackup to go without one).", e)
        { Target = e.Target };
    }
}
