using BackupPs.Core.Errors;
using BackupPs.Core.Storage;

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
