using BackupPs.Core.Catalog;
using BackupPs.Core.Docker;
using BackupPs.Core.Errors;
using BackupPs.Core.Hosting;
using BackupPs.Core.Volumes;
using BackupPs.Tests.Infrastructure;

namespace BackupPs.Tests.Volumes;

/// <summary>
/// Backup-Volume end to end against real volumes and containers: what is refused, what is stopped and started again
/// (also when the backup fails), what the manifest records, both ways of reading.
/// </summary>
public sealed class BackupVolumeTests : VolumeTestClass
{
    [Fact]
    public async Task A_volume_a_running_container_writes_to_is_refused_and_nothing_isStored()
    {
        var volume = await Bed.CreateVolumeAsync();
        var writer = await Bed.RunAsync([new DockerMountSpec(DockerMountType.Volume, volume, "/data")]);
        var host = new RecordingHost();

        await Backup(host, volume);

        var error = Assert.Single(host.Errors);
        Assert.Equal("VolumeInUse", error.ErrorId);
        Assert.Contains(writer, error.Message, StringComparison.Ordinal);
        Assert.Empty(host.Output);
        Assert.Empty(Directory.GetFiles(Store, "*.tar.*", SearchOption.AllDirectories));
        Assert.True((await Bed.StateAsync(writer)).Running);
    }

    [Fact]
    public async Task A_read_only_user_does_not_count_and_the_copy_is_consistent()
    {
        var volume = await Bed.CreateVolumeAsync();
        await Bed.FillAsync(volume, VolumeTestBed.OneFile("a.txt", "hello"));
        await Bed.RunAsync([new DockerMountSpec(DockerMountType.Volume, volume, "/data", ReadOnly: true)]);
        var host = new RecordingHost();

        var record = Assert.IsType<BackupRecord>(Assert.Single(await Backup(host, volume)));

        Assert.Equal(BackupConsistency.Consistent, record.Consistency);
        Assert.Empty(host.Warnings);
        Assert.Empty(host.Errors);
        Assert.Equal(BackupKind.Volume, record.Kind);
        Assert.Equal(volume, record.Name);
        Assert.Equal(Path.Combine(Store, "prod", "volume", volume), Path.GetDirectoryName(record.Path));
        Assert.Equal("local", record.Volume!.Driver);
        Assert.Equal("1", record.Volume.Labels!["backupps.test"]);
        Assert.Equal(VolumeReadThrough.Mountpoint, record.Volume.ReadThrough);
        Assert.Contains(record.Files!, f => f.Path == "a.txt" && f.Size == 5);
    }

    [Fact]
    public async Task StopContainer_stops_the_writers_for_the_copy_and_starts_them_again()
    {
        var volume = await Bed.CreateVolumeAsync();
        var writer = await Bed.RunAsync([new DockerMountSpec(DockerMountType.Volume, volume, "/data")]);
        var idle = await Bed.RunAsync([new DockerMountSpec(DockerMountType.Volume, volume, "/data")], start: false);
        var host = new RecordingHost();

        var record = Assert.IsType<BackupRecord>(Assert.Single(await Backup(host, volume, o => o.StopContainer = true)));

        Assert.Equal(BackupConsistency.Stopped, record.Consistency);
        Assert.Equal([writer], record.Volume!.StoppedContainers);
        Assert.True((await Bed.StateAsync(writer)).Running);
        Assert.False((await Bed.StateAsync(idle)).Running); // never started by us
        Assert.Contains(host.Confirmations, c => c.Target == $"container {writer}");
        Assert.Empty(Directory.GetFiles(Path.Combine(Store, ".backupps", "stopped-containers")));
    }

    [Fact]
    public async Task A_container_labelled_stop_during_backup_is_stopped_without_the_switch()
    {
        var volume = await Bed.CreateVolumeAsync();
        var writer = await Bed.RunAsync([new DockerMountSpec(DockerMountType.Volume, volume, "/data")],
            labels: new Dictionary<string, string> { [VolumeUser.StopLabel] = "true" });

        var record = Assert.IsType<BackupRecord>(Assert.Single(await Backup(new RecordingHost(), volume)));

        Assert.Equal(BackupConsistency.Stopped, record.Consistency);
        Assert.Equal([writer], record.Volume!.StoppedContainers);
        Assert.True((await Bed.StateAsync(writer)).Running);
    }

    [Fact]
    public async Task A_container_killed_after_its_grace_period_makes_the_copy_crash_consistent()
    {
        var volume = await Bed.CreateVolumeAsync();
        // A bare sleep as PID 1 ignores SIGTERM: docker stop kills it after the default 10 s.
        var stubborn = await Bed.RunAsync([new DockerMountSpec(DockerMountType.Volume, volume, "/data")], cmd: ["sleep", "86400"]);
        var host = new RecordingHost();

        var record = Assert.IsType<BackupRecord>(Assert.Single(await Backup(host, volume, o => o.StopContainer = true)));

        Assert.Equal(BackupConsistency.CrashConsistent, record.Consistency);
        Assert.Contains(host.Warnings, w => w.Contains($"Container {stubborn} did not stop within its grace period", StringComparison.Ordinal));
        Assert.True((await Bed.StateAsync(stubborn)).Running);
    }

    [Fact]
    public async Task StopContainer_starts_the_containers_again_when_the_backup_fails()
    {
        var volume = await Bed.CreateVolumeAsync();
        var writer = await Bed.RunAsync([new DockerMountSpec(DockerMountType.Volume, volume, "/data")]);
        using var stop = new CancellationTokenSource();
        var stoppedWhenRead = false;
        var host = new CallbackHost(message =>
        {
            // The copy starts only once the writer is stopped: fail it right there.
            if (message.StartsWith("Reading volume", StringComparison.Ordinal))
            {
                stoppedWhenRead = !Bed.StateAsync(writer).GetAwaiter().GetResult().Running;
                stop.Cancel();
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Backup(host, volume, o => o.StopContainer = true, stop.Token));

        Assert.True(stoppedWhenRead);
        Assert.True((await Bed.StateAsync(writer)).Running);
        Assert.Empty(Directory.GetFiles(Store, "*.tar.*", SearchOption.AllDirectories));
        Assert.Empty(Directory.GetFiles(Path.Combine(Store, ".backupps", "stopped-containers")));
    }

    [Fact]
    public async Task AllowLive_copies_a_volume_in_use_and_records_it_as_crash_consistent()
    {
        var volume = await Bed.CreateVolumeAsync();
        var writer = await Bed.RunAsync([new DockerMountSpec(DockerMountType.Volume, volume, "/data")]);
        var host = new RecordingHost();

        var record = Assert.IsType<BackupRecord>(Assert.Single(await Backup(host, volume, o => o.AllowLive = true)));

        Assert.Equal(BackupConsistency.CrashConsistent, record.Consistency);
        Assert.Null(record.Volume!.StoppedContainers);
        Assert.True((await Bed.StateAsync(writer)).Running);
        Assert.Contains(host.Warnings, w => w.Contains("crash-consistent", StringComparison.Ordinal) && w.Contains(writer, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_running_PostgreSQL_data_volume_is_refused_even_with_AllowLive_pointing_at_Backup_Database()
    {
        var volume = await Bed.CreateVolumeAsync();
        var db = new PostgresContainer(scale: 0, runOptions: ["-v", volume + ":/var/lib/postgresql/data"]);
        var host = new RecordingHost();
        try
        {
            await db.InitializeAsync();
            await Backup(host, volume, o => o.AllowLive = true);
        }
        finally
        {
            await db.DisposeAsync();
        }

        var error = Assert.Single(host.Errors);
        Assert.Equal("VolumeHoldsLivePostgres", error.ErrorId);
        Assert.Contains($"Backup-Database -Container {db.Name}", error.Message, StringComparison.Ordinal);
        Assert.Empty(host.Output);
    }

    [Fact]
    public async Task One_volume_failing_does_not_stop_the_next_and_a_missing_volume_is_named()
    {
        var volume = await Bed.CreateVolumeAsync();
        var missing = "bps-test-missing-" + Guid.NewGuid().ToString("N")[..8];
        var host = new RecordingHost();

        var output = await Backup(host, [missing, volume]);

        Assert.Equal("VolumeNotFound", Assert.Single(host.Errors).ErrorId);
        Assert.Equal(volume, Assert.IsType<BackupRecord>(Assert.Single(output)).Name);
    }

    [Fact]
    public async Task The_archive_way_reads_through_a_helper_that_is_removed_and_skips_a_FIFO_with_an_error()
    {
        var volume = await Bed.CreateVolumeAsync();
        var folder = (await Bed.Client.InspectVolumeAsync(volume)).Mountpoint;
        VolumeTree.Write(folder);
        Assert.Equal(0, ProcessRunner.Run("mkfifo", [Path.Combine(folder, "pipe")]).ExitCode);
        var host = new RecordingHost();

        var record = Assert.IsType<BackupRecord>(Assert.Single(await Backup(host, volume, readThrough: VolumeReadThrough.ArchiveApi)));

        Assert.Equal(VolumeReadThrough.ArchiveApi, record.Volume!.ReadThrough);
        Assert.Equal("SpecialFileSkipped", Assert.Single(host.Errors).ErrorId);
        Assert.Equal("pipe", Assert.Single(record.Skipped!).Path);
        Assert.Contains(record.Files!, f => f.Path == "version-hardlink" && f.Type == FileEntryType.HardLink && f.LinkTarget == "pgdata/PG_VERSION");
        Assert.Contains(record.Files!, f => f.Path == "shared/tool" && f.Mode == "4755");
        Assert.Contains(record.Files!, f => f.Path == "." && f.Mode == "0700" && f.Uid == 999);
        Assert.Empty(await Bed.Client.ListContainersAsync(all: true, new Dictionary<string, string> { [VolumeHelperContainer.Label] = "1", ["backupps.owner"] = BackupPs.Core.Leftovers.ResourceOwner.Current.Token }));
    }

    private Task<IReadOnlyList<object>> Backup(IOperationHost host, string volume, Action<BackupVolumeOptions>? configure = null, CancellationToken cancellationToken = default,
        string? readThrough = null) => Backup(host, [volume], configure, cancellationToken, readThrough);

    private async Task<IReadOnlyList<object>> Backup(IOperationHost host, string[] volumes, Action<BackupVolumeOptions>? configure = null,
        CancellationToken cancellationToken = default, string? readThrough = null)
    {
        var options = new BackupVolumeOptions { Volume = volumes, Environment = "prod", Path = Store };
        configure?.Invoke(options);
        await new BackupVolumeHandler(() => new DockerClient(), TimeProvider.System, readThrough).ExecuteAsync(options, host, cancellationToken);
        return host is RecordingHost recording ? recording.Output.ToList() : [];
    }

    /// <summary>A <see cref="RecordingHost"/> that also calls back on every verbose message (to act at a given step).</summary>
    private sealed class CallbackHost(Action<string> onVerbose) : IOperationHost
    {
        private readonly RecordingHost _inner = new();

        public void WriteOutput(object record) => _inner.WriteOutput(record);

        public void WriteError(BackupPsException error) => _inner.WriteError(error);

        public void WriteVerbose(string message)
        {
            _inner.WriteVerbose(message);
            onVerbose(message);
        }

        public void WriteWarning(string message) => _inner.WriteWarning(message);

        public void WriteProgress(OperationProgress progress) => _inner.WriteProgress(progress);

        public bool ShouldProcess(string target, string action) => _inner.ShouldProcess(target, action);
    }
}
