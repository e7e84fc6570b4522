using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using BackupPs.Core.Docker;
using BackupPs.Core.Errors;
using BackupPs.Core.Hosting;
using BackupPs.Core.Leftovers;
using BackupPs.Core.Restore;
using BackupPs.Core.Verification;

namespace BackupPs.Core.Volumes;

/// <summary>
/// Test-Backup -Restore of a Volume backup: restored into a throwaway volume (<see cref="VolumeWriter"/>: the backup proven
/// first, every entry compared with the manifest after), which is removed on every exit path, Ctrl+C included. The volume is
/// named backupps-drill-&lt;owner token&gt;-&lt;random&gt; and labelled with its owner and <see cref="Label"/>; it is created with the
/// local driver and no options whatever the backup recorded: recorded options may name the production share (an NFS
/// device), and the drill proves the content, not the driver.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal static class VolumeDrill
{
    /// <summary>The label of a drill's throwaway volume (=1).</summary>
    public const string Label = "backupps.drill-volume";

    /// <summary>Test-Backup -Restore's steps for a volume: the manifest, the restore with its checks, the cleanup.</summary>
    public const int Steps = 3;

    /// <param name="progress">Test-Backup's activity, at its step 1 of <see cref="Steps"/>.</param>
    public static async Task<DrillResult> RunAsync(DockerClient docker, StoredBackup backup, IOperationHost host, ProgressActivity progress, CancellationToken cancellationToken)
    {
        var manifest = backup.Manifest;
        var checks = new List<BackupCheck>();
        var name = OperationRun.Hold($"backupps-drill-{ResourceOwner.Current.Token}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant()}");
        var watch = Stopwatch.StartNew();
        try
        {
            progress.Step(2, Steps, $"restoring into the throwaway volume {name} and comparing every entry");
            host.WriteVerbose($"Drilling: restoring {backup.Path} into the throwaway volume {name}.");
            var volume = await docker.CreateVolumeAsync(name, "local", new Dictionary<string, string>(ResourceOwner.Current.Labels) { [Label] = "1" }, null, cancellationToken)
                .ConfigureAwait(false);
            var writeThrough = VolumeReadThrough.WhyNotMountpoint(docker, volume) is null ? VolumeReadThrough.Mountpoint : VolumeReadThrough.ArchiveApi;
            var written = await VolumeWriter.WriteAsync(docker, volume, writeThrough, backup.Path, manifest, replace: false, [], host, progress, cancellationToken).ConfigureAwait(false);
            checks.AddRange(written.Where(c => c.Name != "Compare"));
            checks.Add(new BackupCheck("Restore", true, $"restored {manifest.FileCount} entries into volume {name} through {writeThrough} in {watch.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s"));
            checks.AddRange(written.Where(c => c.Name == "Compare"));
            return new DrillResult(checks, watch.Elapsed, name);
        }
        catch (BackupPsException e)
        {
            checks.Add(new BackupCheck("Restore", false, e.Message));
            return new DrillResult(checks, null, name);
        }
        finally
        {
            progress.Step(3, Steps, $"removing the volume {name}");
            using var timeout = OperationRun.CleanupTimeout(TimeSpan.FromMinutes(1));
            try
            {
                await docker.RemoveVolumeAsync(name, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is BackupPsException or OperationCanceledException)
            {
                // The result holds this very list: a failed cleanup shows in it as a failed check.
                checks.Add(new BackupCheck("Cleanup", false, $"the throwaway volume {name} could not be removed ({e.Message}); remove it with docker volume rm {name}"));
                OperationRun.NoteLeftBehind($"volume {name}");
            }
        }
    }
}
