using System.Diagnostics;
using System.Globalization;
using BackupPs.Core.Catalog;
using BackupPs.Core.Errors;
using BackupPs.Core.Files;
using BackupPs.Core.Hosting;
using BackupPs.Core.Restore;
using BackupPs.Core.Storage;

namespace BackupPs.Core.Verification;

/// <summary>
/// Test-Backup -Restore of a Directory or EnvFile backup: the file is proven (<see cref="FileSetVerifier"/>), restored into
/// a throwaway folder (<see cref="FileSetRestore.ExtractVerifiedAsync"/>, which compares every entry with the manifest), and
/// the folder removed on every exit path, Ctrl+C included. The folder is
/// &lt;system temp&gt;/backupps-drill-&lt;name&gt;-&lt;random&gt; (0700, so restored secrets are no one else's to read), the tree in
/// its "tree" subfolder (whose mode is the backup's own). Links leading out of the tree are restored as links (never
/// followed), as Restore-Directory -AllowExternalLinks would: the drill proves the backup, not a choice of options.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal static class FileSetDrill
{
    /// <summary>Test-Backup -Restore's steps for a file set: the manifest, the check of the file, the restore and comparison, the cleanup.</summary>
    public const int Steps = 4;

    /// <param name="progress">Test-Backup's activity, at its step 1 of <see cref="Steps"/>: the drill goes on with steps 2 to 4.</param>
    public static async Task<DrillResult> RunAsync(StoredBackup backup, IOperationHost host, ProgressActivity progress, CancellationToken cancellationToken)
    {
        var manifest = backup.Manifest;
        progress.Step(2, Steps, "checking the file: hash, decompression, every entry, the chain");
        IReadOnlyList<BackupCheck> verified;
        IReadOnlyList<ChainLink>? links;
        using (var reading = progress.Child($"Reading {Path.GetFileName(backup.Path)}", "Starting"))
        {
            (verified, links) = await FileSetVerifier.VerifyWithChainAsync(backup.Path, manifest, read => reading.Bytes(read, manifest.SizeBytes, "checked"), cancellationToken)
                .ConfigureAwait(false);
        }

        var checks = new List<BackupCheck>(verified);
        if (checks.Any(c => !c.Passed) || links is null)
        {
            checks.Add(new BackupCheck("Restore", false, "not attempted: the file failed its checks"));
            return new DrillResult(checks, null, null);
        }

        var folder = Path.Combine(Path.GetTempPath(), $"backupps-drill-{BackupNames.FileSafe(manifest.CatalogName)}-{Guid.NewGuid().ToString("N")[..8]}");
        var tree = Path.Combine(folder, "tree");
        var watch = Stopwatch.StartNew();
        try
        {
            Directory.CreateDirectory(folder, SecureDirectory.DirectoryMode);
            progress.Step(3, Steps, $"restoring into {tree} and comparing every entry");
            host.WriteVerbose($"Drilling: restoring {backup.Path} into the throwaway folder {tree}.");
            var compare = await FileSetRestore.ExtractVerifiedAsync(backup.Path, manifest, links, tree, new ExtractOptions { AllowExternalLinks = true }, host, progress, cancellationToken)
                .ConfigureAwait(false);
            checks.Add(new BackupCheck("Restore", true, $"restored {manifest.FileCount} entries into {tree} in {watch.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s"));
            checks.Add(compare);
            return new DrillResult(checks, watch.Elapsed, tree);
        }
        catch (BackupPsException e)
        {
            checks.Add(new BackupCheck("Restore", false, e.Message));
            return new DrillResult(checks, null, tree);
        }
        finally
        {
            // The result holds this very list: a failed cleanup shows in it as a failed check.
            progress.Step(4, Steps, $"removing {folder}");
            try
            {
                TreeRemoval.Remove(folder);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                checks.Add(new BackupCheck("Cleanup", false, $"the throwaway folder {folder} could not be removed ({StorageErrors.Cause(e)}); remove it with rm -rf {folder}"));
            }
        }
    }
}
