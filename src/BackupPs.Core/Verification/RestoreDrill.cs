using System.Globalization;
using BackupPs.Core.Database;
using BackupPs.Core.Docker;
using BackupPs.Core.Errors;
using BackupPs.Core.Hosting;
using BackupPs.Core.Leftovers;
using BackupPs.Core.Restore;

namespace BackupPs.Core.Verification;

/// <summary>What a drill adds to a test result.</summary>
internal sealed record DrillResult(IReadOnlyList<BackupCheck> Checks, TimeSpan? RestoreDuration, string? RestoredInto);

/// <summary>
/// Test-Backup -Restore: restores the backup into a throwaway database (backupps_drill_*) in the
/// target server, or into a throwaway container from the source's image (-Isolated), and proves
/// the result: exact row counts against the manifest, the Prisma migration table, and the caller's
/// own query. Whatever it created is dropped on every exit path, Ctrl+C included.
/// </summary>
internal static class RestoreDrill
{
    /// <summary>Test-Backup -Restore's steps: the manifest, the drill database, the restore, the row counts and checks, the cleanup.</summary>
    public const int Steps = 5;

    /// <summary>What -Query must return when no -Expected is given.</summary>
    public const string DefaultExpected = "t";

    /// <param name="progress">Test-Backup's activity, at its step 2 of <see cref="Steps"/>: the drill goes on with steps 2 to 5.</param>
    public static async Task<DrillResult> RunAsync(DockerClient docker, StoredBackup backup, TestBackupOptions options, TimeProvider clock,
        IOperationHost host, ProgressActivity progress, CancellationToken cancellationToken)
    {
        var manifest = backup.Manifest;
        var checks = new List<BackupCheck>();
        ThrowawayServer? throwaway = null;
        RestoreTarget? target = null;
        string? drill = null;
        TimeSpan? restoreDuration = null;
        try
        {
            try
            {
                progress.Step(2, Steps, options.Isolated ? "starting a throwaway container" : "creating the drill database");
                if (options.Isolated)
                {
                    throwaway = await ThrowawayServer.StartAsync(docker, manifest, host, cancellationToken).ConfigureAwait(false);
                    target = await RestoreTarget.ConnectAsync(docker, throwaway.Id, manifest, null, host, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    target = await RestoreTarget.ConnectAsync(docker, options.Container, manifest, options.Credential, host, cancellationToken).ConfigureAwait(false);
                    target.GuardDrill(manifest, containerNamed: options.Container is not null, host);
                }

                await target.CheckVersionAsync(docker, backup, cancellationToken).ConfigureAwait(false);
                await ContainerLeftovers.RemoveAllAsync(docker, target.Server, clock.GetUtcNow(), host, cancellationToken).ConfigureAwait(false);
                // Named before it is created: the finally drops it even when the CREATE is interrupted.
                drill = ScratchDatabase.NewName(ScratchDatabase.Drill, clock.GetUtcNow());
                host.WriteVerbose($"Drilling in container {target.Container.Name}: creating the drill database {drill}.");
                await ScratchDatabase.CreateAsync(docker, target.Server, drill, manifest.DatabaseProperties, like: null, owner: null, cancellationToken).ConfigureAwait(false);
            }
            catch (BackupPsException e) when (e.Category != FailureCategory.InvalidArgument)
            {
                // No server to restore into: the file itself can still be proven.
                host.WriteVerbose($"No server to restore into ({e.Message.TrimEnd('.')}); checking the file only.");
                progress.Step(3, Steps, "checking the file only, as no server can be drilled");
                using (var reading = progress.Child($"Reading {Path.GetFileName(backup.Path)}", "Starting"))
                {
                    checks.AddRange(await ArtifactVerifier.VerifyAsync(backup.Path, Path.GetFileName(backup.Path), manifest,
                        read => reading.Bytes(read, manifest.SizeBytes, "checked"), cancellationToken).ConfigureAwait(false));
                }

                checks.Add(new BackupCheck("Restore", false, "not attempted: " + e.Message));
                return new DrillResult(checks, null, null);
            }

            // A throwaway server has none of the source's roles: ownership and privileges are not what a drill proves.
            var settings = new RestoreSettings(NoOwner: options.Isolated, NoAcl: options.Isolated, Role: null, Jobs: 0, AcceptedErrors: []);
            var into = target.Server.WithDatabase(drill);
            progress.Step(3, Steps, $"restoring into {drill}");
            var outcome = await ArtifactRestore.RunAsync(docker, into, backup.Path, manifest, settings, host, progress, cancellationToken).ConfigureAwait(false);
            checks.AddRange(outcome.Integrity);
            var restored = outcome.Restored;
            restoreDuration = outcome.Duration;
            checks.Add(new BackupCheck("Restore", restored, restored
                ? $"restored into {drill} in {target.Container.Name} in {outcome.Duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s"
                : outcome.Explain()));
            if (restored && outcome.IntegrityPassed)
            {
                // As Restore-Database does: the database's own settings come last, and the checks run with them in place.
                await ScratchDatabase.ConfigureAsync(docker, target.Server, drill, $"the drill's copy of {manifest.Database}", like: null, manifest.DatabaseProperties, host, cancellationToken).ConfigureAwait(false);
                progress.Step(4, Steps, $"counting the rows of {manifest.Tables!.Count} table(s)");
                host.WriteVerbose($"Restored in {outcome.Duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s; counting the rows of the {manifest.Tables!.Count} table(s) in {drill}.");
                var tables = await RestoredRows.CompareAsync(docker, into, manifest.Tables, cancellationToken).ConfigureAwait(false);
                var difference = RestoredRows.Describe(tables);
                checks.Add(new BackupCheck("RestoredRows", difference is null, difference
                    ?? $"{tables.Count} tables, {tables.Sum(t => t.Restored ?? 0).ToString("N0", CultureInfo.InvariantCulture)} rows, exactly as in the manifest"));
                if (manifest.Tables.FirstOrDefault(t => t.Table == "_prisma_migrations") is { } prisma)
                {
                    checks.Add(await CheckPrismaAsync(docker, into, prisma.Schema, prisma.Rows, cancellationToken).ConfigureAwait(false));
                }

                if (options.Query is not null)
                {
                    host.WriteVerbose($"Running the -Query check in {drill}.");
                    checks.Add(await CheckQueryAsync(docker, into, options.Query, options.Expected ?? DefaultExpected, cancellationToken).ConfigureAwait(false));
                }
            }

            return new DrillResult(checks, restoreDuration, $"{drill} in {target.Container.Name}");
        }
        finally
        {
            string? cleanup = null;
            if (throwaway is not null || drill is not null)
            {
                progress.Step(5, Steps, throwaway is not null ? "removing the throwaway container" : $"dropping {drill}");
                host.WriteVerbose(throwaway is not null ? $"Removing the throwaway container {throwaway.Id[..12]}." : $"Dropping the drill database {drill}.");
            }

            if (throwaway is not null)
            {
                cleanup = await throwaway.RemoveAsync().ConfigureAwait(false);
            }
            else if (drill is not null && target is not null && !await ScratchDatabase.DropAsync(docker, target.Server, drill, host).ConfigureAwait(false))
            {
                cleanup = $"the drill database {drill} could not be dropped";
            }

            if (cleanup is not null)
            {
                checks.Add(new BackupCheck("Cleanup", false, cleanup));
            }
        }
    }

    /// <summary>Prisma's migration table: as many migrations as the backup holds, none failed or half-applied, and the latest one named.</summary>
    private static async Task<BackupCheck> CheckPrismaAsync(DockerClient docker, DatabaseTarget database, string schema, long? expected,
        CancellationToken cancellationToken)
    {
        var table = SqlText.Table(schema, "_prisma_migrations");
        var row = (await database.QueryAsync(docker,
                $"SELECT count(*) || '|' || count(*) FILTER (WHERE finished_at IS NULL AND rolled_back_at IS NULL) || '|' || "
                + $"coalesce(max(migration_name) FILTER (WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL), '') FROM {table}",
                cancellationToken).ConfigureAwait(false)).Trim().Split('|');
        var count = long.Parse(row[0], CultureInfo.InvariantCulture);
        var unfinished = long.Parse(row[1], CultureInfo.InvariantCulture);
        var problems = new List<string>();
        if (expected is { } e && e != count)
        {
            problems.Add($"{count} migrations restored, {e} in the backup");
        }

        if (unfinished > 0)
        {
            problems.Add($"{unfinished} migration(s) unfinished or failed (finished_at empty): the backup was taken mid-migration");
        }

        return new BackupCheck("PrismaMigrations", problems.Count == 0, problems.Count == 0
            ? $"{count} migrations, latest {(row[2].Length > 0 ? row[2] : "(none)")}"
            : string.Join("; ", problems));
    }

    private static async Task<BackupCheck> CheckQueryAsync(DockerClient docker, DatabaseTarget database, string query, string expected,
        CancellationToken cancellationToken)
    {
        try
        {
            var actual = (await database.QueryAsync(docker, query, cancellationToken).ConfigureAwait(false)).Trim();
            return new BackupCheck("Query", actual == expected.Trim(),
                actual == expected.Trim() ? $"returned {expected.Trim()} as expected" : $"returned '{actual}', expected '{expected.Trim()}'");
        }
        catch (BackupPsException e)
        {
            return new BackupCheck("Query", false, "the query failed: " + e.Message);
        }
    }
}
