using System.Diagnostics;
using BackupPs.Core.Catalog;
using BackupPs.Core.Commands;
using BackupPs.Core.Database;
using BackupPs.Core.Docker;
using BackupPs.Core.Errors;
using BackupPs.Core.Hosting;
using BackupPs.Core.Leftovers;
using BackupPs.Core.Postgres;

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
        if (!options.Replace && (options.KeepPrevious || options.SkipSafetyBackup))
        {
            throw new BackupPsException("ReplaceOptionWithoutReplace", FailureCategory.InvalidArgument,
                "-KeepPrevious and -SkipSafetyBackup only apply to -Replace; add -Replace or leave them out.");
        }

        if (options.Jobs < 0)
        {
            throw new BackupPsException("InvalidJobs", FailureCategory.InvalidArgument, $"-Jobs must be 1 or more (or 0 for one per CPU, at most {RestoreSettings.MaxAutomaticJobs}), not {options.Jobs}.");
        }

        var backup = StoredBackup.Load(options.Path!, host);
        var manifest = backup.Manifest;
        using var docker = _connect();
        var target = await RestoreTarget.ConnectAsync(docker, options.Container, manifest, options.Credential, host, cancellationToken).ConfigureAwait(false);
        // As typed: a longer name would be one the server cuts, which the operation lock and the output would not know.
        var database = options.Database is null ? manifest.Database : PostgresNames.Require(options.Database, "-Database");
        if (options.Role is not null)
        {
            PostgresNames.Require(options.Role, "-Role");
        }

        var description = $"database {database} in container {target.Container.Name}";
        var environment = target.DetermineEnvironment(options.TargetEnvironment, manifest);
        RestoreTarget.GuardEnvironment(manifest.Environment, environment, options.AllowCrossEnvironment, description, host);
        await target.CheckVersionAsync(docker, backup, cancellationToken).ConfigureAwait(false);

        // Before anything is read about the database or written anywhere: no other BackupPs operation changes it meanwhile.
        await using var operationLock = await DatabaseOperationLock.AcquireAsync(docker, target.Server, database, "restore-database", cancellationToken)
            .ConfigureAwait(false);
        await RestoreDestination.CheckAsync(docker, target, database, options.Replace, cancellationToken).ConfigureAwait(false);

        var now = _clock.GetUtcNow();
        var side = ScratchDatabase.NewName(ScratchDatabase.Side, now);
        var previous = PreviousName(database, now);
        var safetyRoot = options.Replace && !options.SkipSafetyBackup ? SafetyRoot(options, backup) : null;
        if (!host.ShouldProcess(description, Plan(options, backup, database, environment, side, previous, safetyRoot)))
        {
            return;
        }

        await ContainerLeftovers.RemoveAllAsync(docker, target.Server, now, host, cancellationToken).ConfigureAwait(false);
        var watch = Stopwatch.StartNew();
        var like = options.Replace ? database : null;
        // Set once the side database is renamed into place or already dropped: the finally drops it otherwise (Ctrl+C, exceptions),
        // also when its CREATE is what was interrupted (it may go on in the server: DropAsync waits for it).
        var sideSettled = false;
        string? safetyBackupPath = null;
        try
        {
            // Before the safety backup: CREATE DATABASE is where the server refuses what it lacks (the backup's collation,
            // ctype or ICU locale, the owner role, the encoding), cheaply and before any long work.
            await ScratchDatabase.CreateAsync(docker, target.Server, side, manifest.DatabaseProperties, like, options.Role, cancellationToken).ConfigureAwait(false);

            if (safetyRoot is not null)
            {
                host.WriteVerbose($"Safety backup of {description} to {safetyRoot} before anything changes.");
                var existing = target.Server.WithDatabase(database);
                var (_, bytes) = await existing.PreflightAsync(docker, cancellationToken).ConfigureAwait(false);
                var safety = await new BackupDatabaseHandler(_connect, _clock).BackupAsync(docker, existing, environment, safetyRoot, BackupFormat.Custom,
                    BackupDatabaseHandler.ChooseCompression(null, Compression.CompressionStreams.IsZstdAvailable, host), bytes, host, cancellationToken)
                    .ConfigureAwait(false);
                safetyBackupPath = safety.Path;
            }
            else if (options.Replace)
            {
                host.WriteWarning($"No safety backup of {description} (-SkipSafetyBackup): if the restored data is wrong, the replaced data is gone.");
            }

            var settings = new RestoreSettings(options.NoOwner, options.NoAcl, options.Role, options.Jobs, options.AcceptError ?? []);
            var outcome = await ArtifactRestore.RunAsync(docker, target.Server.WithDatabase(side), backup.Path, manifest, settings, host, cancellationToken)
                .ConfigureAwait(false);
            IReadOnlyList<TableRowComparison> tables = [];
            string? failure = outcome.Succeeded ? null : outcome.Explain();
            if (failure is null)
            {
                await ScratchDatabase.ConfigureAsync(docker, target.Server, side, database, like, manifest.DatabaseProperties, host, cancellationToken).ConfigureAwait(false);
                tables = await RestoredRows.CompareAsync(docker, target.Server.WithDatabase(side), manifest.Tables, cancellationToken).ConfigureAwait(false);
                failure = RestoredRows.Describe(tables);
            }

            if (failure is null)
            {
                host.WriteVerbose($"Restored and verified in {side}; putting it in place as {database}.");
                // Past this point Ctrl+C no longer interrupts: the swap and the rename are bounded and not cancellable,
                // so a cancellation waits for them instead of dropping the side database under them.
                operationLock.EnsureHeld(database);
                if (options.Replace)
                {
                    (failure, var swappedOut) = await DatabaseSwap.SwapAsync(docker, target.Server, database, side, PreviousNames(database, now))
                        .ConfigureAwait(false);
                    previous = swappedOut ?? previous;
                }
                else
                {
                    failure = await RenameAsync(docker, target.Server, side, database).ConfigureAwait(false);
                }

                sideSettled = failure is null;
            }

            var swapped = options.Replace && failure is null;
            // A replaced copy that could not be dropped stays, and the output names it like one kept on purpose.
            var keptPrevious = swapped
                && (options.KeepPrevious || !await ScratchDatabase.DropAsync(docker, target.Server, previous, host).ConfigureAwait(false));

            host.WriteOutput(new RestoreRecord
            {
                Container = target.Container.Name,
                Database = database,
                Environment = environment,
                Mode = options.Replace ? RestoreMode.Replace : RestoreMode.New,
                Succeeded = failure is null,
                BackupPath = backup.Path,
                BackupEnvironment = manifest.Environment,
                BackupDatabase = manifest.Database,
                StartedUtc = now,
                Duration = watch.Elapsed,
                RestoreDuration = outcome.Duration,
                SafetyBackupPath = safetyBackupPath,
                SafetyBackupSkipped = options.Replace && options.SkipSafetyBackup,
                PreviousDatabase = keptPrevious ? previous : null,
                Tables = tables,
                RowCountsMatch = tables.Count == manifest.Tables.Count && tables.All(t => t.Matches),
                Errors = outcome.Errors,
            });

            if (failure is not null)
            {
                var unchanged = options.Replace ? $"{database} was left as it was" : $"no database {database} was created";
                sideSettled = true;
                var dropped = await ScratchDatabase.DropAsync(docker, target.Server, side, host).ConfigureAwait(false)
                    ? "the side database was dropped"
                    : $"the side database {side} is dropped by the next restore or drill there";
                host.WriteError(new BackupPsException("RestoreFailed", outcome.IntegrityPassed ? FailureCategory.InvalidOperation : FailureCategory.InvalidData,
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
        options.SafetyBackupPath is not null ? Path.GetFullPath(options.SafetyBackupPath) : BackupNames.StoreRootOf(backup.Path, backup.Manifest);

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
        steps.Add($"compare the exact row counts of its {m.Tables.Count} tables with the manifest");
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

    /// <summary>Puts a new restore in place. Not cancellable, like the swap: only the side database, which nobody else uses, is locked.</summary>
    private static async Task<string?> RenameAsync(DockerClient docker, DatabaseTarget server, string side, string database)
    {
        try
        {
            await server.QueryAsync(docker, $"ALTER DATABASE {SqlText.Identifier(side)} RENAME TO {SqlText.Identifier(database)}", CancellationToken.None).ConfigureAwait(false);
            return null;
        }
        catch (BackupPsException e)
        {
            return $"the restored database could not be renamed to {database} ({e.Message})";
        }
    }
}
