using BackupPs.Core.Catalog;
using BackupPs.Core.Commands;
using BackupPs.Core.Compression;
using BackupPs.Core.Database;
using BackupPs.Core.Docker;
using BackupPs.Core.Errors;
using BackupPs.Core.Hosting;
using BackupPs.Core.Leftovers;
using BackupPs.Core.Restore;

namespace BackupPs.Core.Volumes;

/// <summary>
/// Restore-Volume. Into a new volume (created with the recorded driver, labels and options; removed again on failure), or,
/// with -Replace, in place of an existing volume's content: its running containers stopped (journal first, started again
/// in <c>finally</c>), a safety backup of the current content into the store, then the replacement
/// (<see cref="VolumeWriter"/>); any failure after the safety backup puts it back.
/// </summary>
public sealed class RestoreVolumeHandler : ICommandHandler<RestoreVolumeOptions>
{
    private readonly Func<DockerClient> _connect;
    private readonly TimeProvider _clock;
    private readonly string? _writeThrough;
    private readonly Func<Task>? _beforeReplacing;

    public RestoreVolumeHandler()
        : this(() => new DockerClient(), TimeProvider.System, writeThrough: null)
    {
    }

    /// <param name="writeThrough">Forces one way of reading and writing (<see cref="VolumeReadThrough.ArchiveApi"/>: the tests
    /// of the API way run as root); null picks the best way available.</param>
    /// <param name="beforeReplacing">A test seam: runs once the new tree is proven and before the old content goes (a failure there must put the safety backup back).</param>
    internal RestoreVolumeHandler(Func<DockerClient> connect, TimeProvider clock, string? writeThrough, Func<Task>? beforeReplacing = null)
    {
        _connect = connect;
        _clock = clock;
        _writeThrough = writeThrough;
        _beforeReplacing = beforeReplacing;
    }

    public async Task ExecuteAsync(RestoreVolumeOptions options, IOperationHost host, CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new BackupPsException("NotSupportedOnWindows", FailureCategory.InvalidOperation, "Restore-Volume restores Linux trees (owners, modes, links) and runs on Linux only.");
        }

        var backup = StoredBackup.Load(StoredBackup.One(options.Path ?? [], BackupKind.Volume, host), host).RequireKind(BackupKind.Volume, "Restore-Volume");
        var manifest = backup.Manifest;
        var recorded = manifest.Volume!;
        var name = options.Volume ?? recorded.Name;
        var root = BackupNames.StoreRootOf(backup.Path, manifest);
        using var docker = _connect();
        await ContainerStopJournal.RecoverAsync(docker, root, host, cancellationToken).ConfigureAwait(false);
        await ContainerLeftovers.RemoveVolumeHelpersAsync(docker, VolumeHelperContainer.Label, _clock.GetUtcNow(), host, cancellationToken).ConfigureAwait(false);

        var existing = await TryInspectAsync(docker, name, cancellationToken).ConfigureAwait(false);
        if (existing is not null && !options.Replace)
        {
            throw new BackupPsException("VolumeExists", FailureCategory.ResourceExists,
                $"Volume {name} exists, and Restore-Volume restores into a new volume unless -Replace is given. Pass -Replace to replace its content "
                + "(after a safety backup of it), or -Volume with a new name to restore beside it.")
            { Target = name };
        }

        if (existing is null && options.Replace)
        {
            throw new BackupPsException("VolumeNotFound", FailureCategory.ObjectNotFound,
                $"-Replace replaces the content of an existing volume, and there is no volume named {name}; leave -Replace out to create it from the backup.")
            { Target = name };
        }

        var users = existing is null ? [] : await VolumeUsers.FindAsync(docker, name, cancellationToken).ConfigureAwait(false);
        var toStop = users.Where(u => u.IsLive).ToList();
        var backupHandler = new BackupVolumeHandler(_connect, _clock, _writeThrough);
        // A new volume's way is settled once it exists (its folder is where the daemon puts it).
        var writeThrough = existing is null ? null : backupHandler.ReadThrough(docker, existing, host);

        var stopsConfirmed = toStop.Select(u => host.ShouldProcess($"container {u.Container.Name}",
            $"Stop while the content of volume {name} is replaced, and start it again after")).ToList();
        if (!host.ShouldProcess($"volume {name}", Plan(backup, name, existing is not null, toStop, root, writeThrough)) || stopsConfirmed.Contains(false))
        {
            return;
        }

        host.WriteOutput(existing is null
            ? await RestoreNewAsync(docker, backup, name, backupHandler, host, cancellationToken).ConfigureAwait(false)
            : await ReplaceAsync(docker, backup, existing, users, toStop, writeThrough!, root, backupHandler, host, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Creates the volume as recorded and writes the tree into it; on any failure (Ctrl+C included) the volume is removed again.</summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private async Task<VolumeRestoreRecord> RestoreNewAsync(DockerClient docker, StoredBackup backup, string name, BackupVolumeHandler backupHandler,
        IOperationHost host, CancellationToken cancellationToken)
    {
        var started = _clock.GetUtcNow();
        var recorded = backup.Manifest.Volume!;
        using var progress = ProgressActivity.Start(host, $"Restoring {Path.GetFileName(backup.Path)} into the new volume {name}", "creating the volume");
        host.WriteVerbose($"Creating volume {name} with driver {recorded.Driver}{(recorded.Options is { Count: > 0 } o ? $" and options {string.Join(", ", o.Keys)}" : "")} and the recorded labels.");
        var volume = await docker.CreateVolumeAsync(name, recorded.Driver, recorded.Labels, recorded.Options, cancellationToken).ConfigureAwait(false);
        string writeThrough;
        try
        {
            writeThrough = backupHandler.ReadThrough(docker, volume, host);
            await VolumeWriter.WriteAsync(docker, volume, writeThrough, backup.Path, backup.Manifest, replace: false, [], host, progress, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            using var timeout = OperationRun.CleanupTimeout(TimeSpan.FromMinutes(1));
            try
            {
                await docker.RemoveVolumeAsync(name, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is BackupPsException or OperationCanceledException)
            {
                host.WriteWarning($"The volume {name}, created for the restore that failed, could not be removed ({e.Message}); remove it with docker volume rm {name}.");
                OperationRun.NoteLeftBehind($"volume {name}");
            }

            throw;
        }

        return Record(backup, name, RestoreMode.New, writeThrough, null, null, started);
    }

    /// <summary>Stops the volume's running containers, takes the safety backup, replaces the content, and puts the safety backup back on failure.</summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private async Task<VolumeRestoreRecord> ReplaceAsync(DockerClient docker, StoredBackup backup, DockerVolume volume, IReadOnlyList<VolumeUser> users,
        IReadOnlyList<VolumeUser> toStop, string writeThrough, string root, BackupVolumeHandler backupHandler, IOperationHost host, CancellationToken cancellationToken)
    {
        var started = _clock.GetUtcNow();
        var manifest = backup.Manifest;
        using var progress = ProgressActivity.Start(host, $"Restoring {Path.GetFileName(backup.Path)} in place of volume {volume.Name}", "stopping its containers");
        var journal = ContainerStopJournal.Begin(root, $"Restore-Volume -Replace of volume {volume.Name}");
        try
        {
            foreach (var user in toStop)
            {
                await journal.StopAsync(docker, user.Container, host, cancellationToken).ConfigureAwait(false);
            }

            progress.Step(1, 2, $"the safety backup of volume {volume.Name}");
            host.WriteVerbose($"Safety backup of volume {volume.Name} into {root} before anything changes.");
            BackupRecord safety;
            try
            {
                safety = await backupHandler.BackupAsync(docker, volume, users, writeThrough, manifest.Environment, root,
                    BackupDatabaseHandler.ChooseCompression(null, CompressionStreams.IsZstdAvailable, host),
                    journal.StoppedNames.Count > 0 ? BackupConsistency.Stopped : BackupConsistency.Consistent, journal.StoppedNames, null, host, progress, cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (BackupPsException e)
            {
                throw new BackupPsException(e.ErrorId, e.Category,
                    $"The safety backup of volume {volume.Name} failed, so nothing was changed: {e.Message}", e)
                { Target = volume.Name };
            }

            progress.Step(2, 2, $"replacing the content of volume {volume.Name}");
            try
            {
                await VolumeWriter.WriteAsync(docker, volume, writeThrough, backup.Path, manifest, replace: true, users, host, progress, cancellationToken, _beforeReplacing)
                    .ConfigureAwait(false);
            }
            catch (Exception e) when (e is BackupPsException or OperationCanceledException or IOException or UnauthorizedAccessException)
            {
                await PutBackAsync(docker, volume, users, writeThrough, safety, host).ConfigureAwait(false);
                throw;
            }

            return Record(backup, volume.Name, RestoreMode.Replace, writeThrough, safety.Path, journal.StoppedNames, started);
        }
        finally
        {
            await journal.StartAllAsync(docker, host).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Puts the safety backup back after a failed replacement (also after Ctrl+C, on its own cleanup timeout). If that fails
    /// too, the error says where the safety backup is, so it can be restored by hand.
    /// </summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static async Task PutBackAsync(DockerClient docker, DockerVolume volume, IReadOnlyList<VolumeUser> users, string writeThrough, BackupRecord safety,
        IOperationHost host)
    {
        host.WriteWarning($"Replacing the content of volume {volume.Name} failed; putting its safety backup {safety.Path} back.");
        using var timeout = OperationRun.CleanupTimeout(TimeSpan.FromMinutes(30));
        try
        {
            await VolumeWriter.WriteAsync(docker, volume, writeThrough, safety.Path, safety, replace: true, users, host, null, timeout.Token).ConfigureAwait(false);
            host.WriteWarning($"Volume {volume.Name} holds its content from before the restore again (from {safety.Path}).");
        }
        catch (Exception e) when (e is BackupPsException or OperationCanceledException or IOException or UnauthorizedAccessException)
        {
            throw new BackupPsException("SafetyBackupNotRestored", FailureCategory.WriteError,
                $"Replacing the content of volume {volume.Name} failed, and putting its safety backup back failed too ({e.Message}): the volume may hold part of either. "
                + $"Restore it by hand: Restore-Volume -Path {safety.Path} -Replace.", e)
            { Target = volume.Name };
        }
    }

    private VolumeRestoreRecord Record(StoredBackup backup, string name, RestoreMode mode, string writeThrough, string? safety, IReadOnlyList<string>? stopped,
        DateTimeOffset started) => new()
    {
        Volume = name,
        Mode = mode,
        Path = backup.Path,
        BackupVolume = backup.Manifest.Volume!.Name,
        BackupEnvironment = backup.Manifest.Environment,
        WrittenThrough = writeThrough,
        SafetyBackupPath = safety,
        StoppedContainers = stopped is { Count: > 0 } ? stopped : null,
        FileCount = backup.Manifest.FileCount,
        TotalBytes = backup.Manifest.TotalBytes,
        StartedUtc = started,
        CompletedUtc = _clock.GetUtcNow(),
    };

    /// <summary>The exact steps, for -WhatIf and the confirmation prompt.</summary>
    /// <param name="writeThrough">How the files will be written; null for a new volume (settled once it exists).</param>
    private static string Plan(StoredBackup backup, string name, bool replace, IReadOnlyList<VolumeUser> toStop, string root, string? writeThrough)
    {
        var recorded = backup.Manifest.Volume!;
        var steps = new List<string>();
        if (!replace)
        {
            steps.Add($"create volume {name} (driver {recorded.Driver}{(recorded.Options is { Count: > 0 } ? ", the recorded options" : "")}{(recorded.Labels is { Count: > 0 } ? ", the recorded labels" : "")})");
        }
        else
        {
            if (toStop.Count > 0)
            {
                steps.Add($"stop {string.Join(", ", toStop.Select(u => u.Container.Name))}");
            }

            steps.Add($"back its current content up to {BackupNames.FolderFor(root, backup.Manifest.Environment, BackupKind.Volume, name)} (safety backup)");
        }

        steps.Add($"verify {Path.GetFileName(backup.Path)} ({backup.Manifest.FileCount} entries) and write it {(replace ? "in place of the content" : "into it")}{(writeThrough is null ? "" : " through " + writeThrough)}");
        steps.Add("compare every file with the manifest");
        if (replace)
        {
            steps.Add(toStop.Count > 0 ? "start the stopped containers again (on failure: put the safety backup back first)" : "on failure: put the safety backup back");
        }

        return $"Restore {backup.Path} ({backup.Manifest.Environment} backup of volume {recorded.Name}, {backup.Manifest.StartedUtc:u}): " + string.Join("; ", steps);
    }

    private static async Task<DockerVolume?> TryInspectAsync(DockerClient docker, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await docker.InspectVolumeAsync(name, cancellationToken).ConfigureAwait(false);
        }
        catch (BackupPsException e) when (e.ErrorId == DockerErrorIds.DockerVolumeNotFound)
        {
            return null;
        }
    }
}
