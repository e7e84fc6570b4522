using BackupPs.Core.Catalog;
using BackupPs.Core.Commands;
using BackupPs.Core.Compression;
using BackupPs.Core.Database;
using BackupPs.Core.Docker;
using BackupPs.Core.Errors;
using BackupPs.Core.Files;
using BackupPs.Core.Hosting;
using BackupPs.Core.Leftovers;

namespace BackupPs.Core.Volumes;

/// <summary>
/// Backup-Volume: for each volume, the consistency plan (<see cref="VolumeConsistency"/>: refuse, stop its writers, or copy
/// live), then its files read one of two ways (<see cref="VolumeReadThrough"/>) into <see cref="FileSetArchive"/>, which
/// writes, proves and stores the artifact with its manifest. Containers stopped for the copy are recorded first
/// (<see cref="ContainerStopJournal"/>) and started again in <c>finally</c>. One volume's failure is its own error; the
/// next volume is still backed up.
/// </summary>
public sealed class BackupVolumeHandler : ICommandHandler<BackupVolumeOptions>
{
    private readonly Func<DockerClient> _connect;
    private readonly TimeProvider _clock;
    private readonly string? _readThrough;

    public BackupVolumeHandler()
        : this(() => new DockerClient(), TimeProvider.System, readThrough: null)
    {
    }

    /// <param name="clock">The time that names the file and fills the manifest (tests pin it).</param>
    /// <param name="readThrough">Forces one way of reading (<see cref="VolumeReadThrough.ArchiveApi"/>: the tests of the
    /// archive way run as root); null picks the best way available.</param>
    internal BackupVolumeHandler(Func<DockerClient> connect, TimeProvider clock, string? readThrough)
    {
        _connect = connect;
        _clock = clock;
        _readThrough = readThrough;
    }

    public async Task ExecuteAsync(BackupVolumeOptions options, IOperationHost host, CancellationToken cancellationToken)
    {
        var environment = BackupNames.NormalizeEnvironment(options.Environment);
        var root = BackupPaths.StoreRoot(options.Path ?? BackupNames.DefaultRoot);
        _ = new ExcludePatterns(options.Exclude); // a bad pattern is refused before any container is stopped
        var compression = BackupDatabaseHandler.ChooseCompression(options.Compression, CompressionStreams.IsZstdAvailable, host);
        using var docker = _connect();
        await ContainerStopJournal.RecoverAsync(docker, root, host, cancellationToken).ConfigureAwait(false);
        await ContainerLeftovers.RemoveVolumeHelpersAsync(docker, VolumeHelperContainer.Label, _clock.GetUtcNow(), host, cancellationToken).ConfigureAwait(false);
        foreach (var name in options.Volume ?? [])
        {
            try
            {
                if (await BackupOneAsync(docker, name, options, environment, root, compression, host, cancellationToken).ConfigureAwait(false) is { } record)
                {
                    host.WriteOutput(record);
                }
            }
            catch (BackupPsException e) when (!e.ConcernsWholeInvocation)
            {
                host.WriteError(e);
            }
        }
    }

    /// <summary>One volume: plan, confirmation, stops, the copy, the starts. Null when a confirmation was declined (or -WhatIf).</summary>
    private async Task<BackupRecord?> BackupOneAsync(DockerClient docker, string name, BackupVolumeOptions options, string environment, string root,
        CompressionKind compression, IOperationHost host, CancellationToken cancellationToken)
    {
        var volume = await InspectAsync(docker, name, cancellationToken).ConfigureAwait(false);
        var users = await VolumeUsers.FindAsync(docker, volume.Name, cancellationToken).ConfigureAwait(false);
        var plan = VolumeConsistency.Decide(volume.Name, users, options.StopContainer, options.AllowLive);
        var readThrough = ReadThrough(docker, volume, host);
        var folder = BackupNames.FolderFor(root, environment, BackupKind.Volume, volume.Name);

        // Stopping is an action of its own: confirmed (and shown by -WhatIf) before the backup, in the order it happens.
        var stopsConfirmed = plan.ToStop.Select(u => host.ShouldProcess($"container {u.Container.Name}",
            $"Stop for the backup of volume {volume.Name} (it mounts it read-write), and start it again after")).ToList();
        if (!host.ShouldProcess($"volume {volume.Name}",
                $"Back up as {environment} ({compression}, read through {readThrough}) to {folder}"
                + (plan.ToStop.Count > 0 ? $", with {string.Join(", ", plan.ToStop.Select(u => u.Container.Name))} stopped" : "")) || stopsConfirmed.Contains(false))
        {
            return null;
        }

        if (plan.LiveWriters.Count > 0)
        {
            host.WriteWarning($"Copying volume {volume.Name} while {VolumeConsistency.Names(plan.LiveWriters)} may write to it (-AllowLive): the copy is crash-consistent, what a power cut would leave.");
        }

        var journal = ContainerStopJournal.Begin(root, $"Backup-Volume of volume {volume.Name}");
        var consistency = plan.Consistency;
        try
        {
            foreach (var user in plan.ToStop)
            {
                if (!await journal.StopAsync(docker, user.Container, host, cancellationToken).ConfigureAwait(false))
                {
                    continue;
                }

                if ((await docker.InspectContainerAsync(user.Container.Id, cancellationToken).ConfigureAwait(false)).State.ExitCode == KilledExitCode)
                {
                    // Killed after its grace period: its files are what a power cut leaves, whatever the copy does.
                    consistency = BackupConsistency.CrashConsistent;
                    host.WriteWarning($"Container {user.Container.Name} did not stop within its grace period and was killed; the copy of volume {volume.Name} is crash-consistent. "
                        + "Give it more time to shut down (docker run --stop-timeout, compose's stop_grace_period).");
                }
            }

            return await BackupAsync(docker, volume, users, readThrough, environment, root, compression, consistency, journal.StoppedNames, options.Exclude,
                host, parent: null, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await journal.StartAllAsync(docker, host).ConfigureAwait(false);
        }
    }

    /// <summary>The exit code of a process ended by SIGKILL (128 + 9), which docker stop sends after the grace period.</summary>
    private const int KilledExitCode = 137;

    /// <summary>
    /// The copy itself, once the volume's users are dealt with: also the safety backup Restore-Volume takes of a volume
    /// before replacing it (its containers stopped by the restore).
    /// </summary>
    /// <param name="stopped">The containers stopped for the copy, for the manifest; empty when none.</param>
    /// <param name="parent">The progress activity this backup is a phase of (a restore's safety backup), or null.</param>
    internal async Task<BackupRecord> BackupAsync(DockerClient docker, DockerVolume volume, IReadOnlyList<VolumeUser> users, string readThrough,
        string environment, string root, CompressionKind compression, BackupConsistency consistency, IReadOnlyList<string> stopped,
        IReadOnlyList<string>? exclude, IOperationHost host, ProgressActivity? parent, CancellationToken cancellationToken)
    {
        var source = new VolumeSource
        {
            Name = volume.Name,
            Driver = volume.Driver,
            Labels = volume.Labels.Count == 0 ? null : volume.Labels,
            Options = volume.Options.Count == 0 ? null : volume.Options,
            ReadThrough = readThrough,
            StoppedContainers = stopped.Count == 0 ? null : [.. stopped],
        };
        var spec = new FileSetSpec
        {
            Kind = BackupKind.Volume,
            Name = volume.Name,
            Environment = environment,
            StoreRoot = root,
            Compression = compression,
            SourcePaths = [readThrough == VolumeReadThrough.Mountpoint ? volume.Mountpoint : VolumeHelperContainer.MountPath],
            Consistency = consistency,
            Volume = source,
            Exclude = exclude is { Count: > 0 } ? exclude : null,
            Clock = _clock,
        };
        using var progress = ProgressActivity.Start(host, $"Backing up volume {volume.Name}", $"reading through {readThrough}", parent);
        if (readThrough == VolumeReadThrough.Mountpoint)
        {
            host.WriteVerbose($"Reading volume {volume.Name} from its folder {volume.Mountpoint} (root on the Docker host: sub-second mtimes and extended attributes are kept).");
            var scan = TreeScanner.Scan(volume.Mountpoint, exclude, host);
            return await FileSetArchive.StoreAsync(spec with { Skipped = scan.Skipped }, scan.Entries, host, progress, cancellationToken).ConfigureAwait(false);
        }

        await using var helper = await VolumeHelperContainer.CreateAsync(docker, volume.Name, readWrite: false, users, host, cancellationToken).ConfigureAwait(false);
        host.WriteVerbose($"Reading volume {volume.Name} through the Docker API's archive endpoint of {helper.Name} (mtimes to the second; extended attributes other than security.capability are not sent).");
        await using var archive = await docker.GetArchiveAsync(helper.Id, VolumeHelperContainer.MountPath, cancellationToken).ConfigureAwait(false);
        var entries = new ArchiveSourceEntries();
        return await FileSetArchive.StoreAsync(spec with { Skipped = entries.Skipped },
            entries.Read(archive, exclude, $"volume {volume.Name}", host), host, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How this process reads <paramref name="volume"/> (forced by the tests, else the folder whenever <see cref="VolumeReadThrough.WhyNotMountpoint"/> finds nothing against it), said in the verbose stream.</summary>
    internal string ReadThrough(DockerClient docker, DockerVolume volume, IOperationHost host)
    {
        if (_readThrough is not null)
        {
            return _readThrough;
        }

        var why = VolumeReadThrough.WhyNotMountpoint(docker, volume);
        if (why is not null)
        {
            host.WriteVerbose($"Volume {volume.Name} is read through the Docker API's archive endpoint: its folder cannot be read directly ({why}).");
        }

        return why is null ? VolumeReadThrough.Mountpoint : VolumeReadThrough.ArchiveApi;
    }

    /// <summary>The volume as the daemon describes it; a missing one is VolumeNotFound naming it.</summary>
    internal static async Task<DockerVolume> InspectAsync(DockerClient docker, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await docker.InspectVolumeAsync(name, cancellationToken).ConfigureAwait(false);
        }
        catch (BackupPsException e) when (e.ErrorId == DockerErrorIds.DockerVolumeNotFound)
        {
            throw new BackupPsException("VolumeNotFound", FailureCategory.ObjectNotFound,
                $"There is no Docker volume named {name}; docker volume ls lists the volumes (compose names them <project>_<volume>).", e)
            { Target = name };
        }
    }
}
