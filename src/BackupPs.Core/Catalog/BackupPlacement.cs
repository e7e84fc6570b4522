using BackupPs.Core.Errors;
using BackupPs.Core.Hosting;
using BackupPs.Core.Storage;
using BackupPs.Core.Verification;

namespace BackupPs.Core.Catalog;

/// <summary>
/// Gives a proven backup its name in the store. Names carry the start time to the second, so backups of
/// one folder that start in the same second (three scheduled runs at once, a safety backup of Restore-Database
/// -Replace beside a scheduled one, one database in two containers of the same environment) compete for one
/// stem. The store never asks whether a name is free (the answer is stale by the time it is used): each
/// candidate stem, plain then -2, -3, ..., is claimed by the no-clobber rename of the artifact and then by the
/// no-clobber write of its manifest. A backup that loses either race moves on to the next stem, taking its
/// artifact with it, so every backup is kept and an artifact and its manifest always end up sharing a stem,
/// even when the rival has another format or compression (app-...Z.dump.zst and app-...Z.sql.gz both want
/// app-...Z.manifest.json).
/// </summary>
internal static class BackupPlacement
{
    /// <summary>More same-second rivals than this is no race but a fault (a filesystem that reports every name as taken).</summary>
    internal const int MaxClaims = 1000;

    /// <summary>
    /// Commits <paramref name="artifact"/> (from <see cref="AtomicFile.CreateUnnamed"/>) under the first
    /// stem whose artifact and manifest names it can both take, and writes the manifest there.
    /// </summary>
    /// <param name="fileNameFor">The artifact's file name for a claim number (1, 2, ...).</param>
    /// <param name="describe">The manifest for the artifact's final file name.</param>
    /// <returns>The stored backup's record.</returns>
    public static async Task<BackupRecord> StoreAsync(AtomicFile artifact, Func<int, string> fileNameFor, Func<string, BackupManifest> describe,
        CancellationToken cancellationToken)
    {
        try
        {
            for (var claim = 1; claim <= MaxClaims; claim++)
            {
                var fileName = fileNameFor(claim);
                var path = Path.Combine(artifact.Directory, fileName);
                if (!await TryAsync(() => artifact.CommitAsAsync(path, cancellationToken)).ConfigureAwait(false))
                {
                    continue;
                }

                var manifest = describe(fileName);
                var manifestPath = BackupNames.ManifestPathFor(path);
                if (await TryAsync(() => ManifestStore.WriteAsync(manifestPath, manifest, cancellationToken)).ConfigureAwait(false))
                {
                    return ManifestStore.ToRecord(manifest, path, manifestPath);
                }
            }

            throw new BackupPsException(StorageErrorIds.AlreadyExists, FailureCategory.ResourceExists,
                $"All {MaxClaims} names for this backup were all taken in {artifact.Directory} ({fileNameFor(1)} and its successors); nothing was kept. Check what is writing there.")
            { Target = artifact.Directory };
        }
        catch when (artifact.IsCommitted)
        {
            // A backup file without its manifest is invisible to Get-Backup and unprovable: remove it.
            File.Delete(artifact.FinalPath);
            throw;
        }
    }

    /// <summary>
    /// The last two steps of every backup (of three, on <paramref name="progress"/>): the written <paramref name="artifact"/>
    /// is read back by <paramref name="readBack"/> (given the temporary file, the manifest under the provisional name and a
    /// progress callback) and, only when every check passes, stored with <see cref="StoreAsync"/>. A failed check is
    /// BackupNotProven (WriteError) naming <paramref name="description"/>; a store that changed under the finished file
    /// (its folder removed or made unreadable) is the storage error that says so, not "a bug".
    /// </summary>
    public static async Task<BackupRecord> ProveAndStoreAsync(AtomicFile artifact, Func<int, string> fileNameFor, Func<string, BackupManifest> describe,
        long sizeBytes, string description, Func<string, BackupManifest, Action<long>, Task<IEnumerable<BackupCheck>>> readBack,
        ProgressActivity progress, IOperationHost host, CancellationToken cancellationToken)
    {
        var provisionalName = fileNameFor(1);
        try
        {
            progress.Step(2, 3, "reading the written file back");
            var watch = System.Diagnostics.Stopwatch.StartNew();
            BackupCheck[] failed;
            using (var reading = progress.Child($"Reading back {provisionalName}", "Starting"))
            {
                failed = (await readBack(artifact.TempPath, describe(provisionalName), read => reading.Bytes(read, sizeBytes, "read back")).ConfigureAwait(false))
                    .Where(c => !c.Passed).ToArray();
            }

            host.WriteVerbose($"Read back and checked in {watch.Elapsed.TotalSeconds:0.0} s: {(failed.Length == 0 ? "every check passed" : $"{failed.Length} check(s) failed")}.");
            if (failed.Length > 0)
            {
                throw new BackupPsException(NotProvenErrorId, FailureCategory.WriteError,
                    $"The written backup of {description} failed its read-back check ({string.Join("; ", failed.Select(c => $"{c.Name}: {c.Detail}"))}); nothing was kept. Check the disk under {artifact.Directory}.")
                { Target = Path.Combine(artifact.Directory, provisionalName) };
            }

            progress.Step(3, 3, "storing the backup and its manifest");
            var record = await StoreAsync(artifact, fileNameFor, describe, cancellationToken).ConfigureAwait(false);
            host.WriteVerbose($"Stored {record.Path} and its manifest.");
            return record;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The store changed under the finished file (its folder removed, renamed or made unreadable): say so, not "a bug".
            throw artifact.MapFailure(e);
        }
        catch (BackupPsException e) when (e.InnerException is IOException or UnauthorizedAccessException)
        {
            // The read-back could not open the file it had just written: the same change, seen from the reading side.
            throw artifact.MapFailure(e.InnerException);
        }
    }

    /// <summary>WriteError: the written file failed its read-back; nothing was kept.</summary>
    public const string NotProvenErrorId = "BackupNotProven";

    /// <summary>False when the name was taken (by a rival or a leftover), so the next claim is tried.</summary>
    private static async Task<bool> TryAsync(Func<Task> claim)
    {
        try
        {
            await claim().ConfigureAwait(false);
            return true;
        }
        catch (BackupPsException e) when (e.ErrorId == StorageErrorIds.AlreadyExists)
        {
            return false;
        }
    }
}
