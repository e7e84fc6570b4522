using System.Diagnostics;
using BackupPs.Core.Catalog;
using BackupPs.Core.Docker;
using BackupPs.Core.Errors;
using BackupPs.Core.Restore;
using BackupPs.Core.Volumes;
using BackupPs.Tests.Infrastructure;

namespace BackupPs.Tests.Volumes;

/// <summary>
/// Restore-Volume end to end, both ways of writing: a round trip keeps owners, modes, links and times; a restored
/// PostgreSQL data volume starts; -Replace stops and restarts the volume's containers and puts the safety backup back
/// when the replacement fails; the CLI forms with --json.
/// </summary>
public sealed class RestoreVolumeTests : VolumeTestClass
{
    [Theory]
    [InlineData(VolumeReadThrough.Mountpoint)]
    [InlineData(VolumeReadThrough.ArchiveApi)]
    public async Task A_round_trip_into_a_new_volume_keeps_owners_modes_links_and_times(string way)
    {
        var source = await Bed.CreateVolumeAsync(new Dictionary<string, string> { ["com.example.tier"] = "data" });
        var sourceFolder = await FolderAsync(source);
        VolumeTree.Write(sourceFolder);
        var backup = await BackupAsync(source, way);
        var target = NewName();

        var host = new RecordingHost();
        await Restore(host, backup.Path, o => o.Volume = target, way);

        var record = Assert.IsType<VolumeRestoreRecord>(Assert.Single(host.Output));
        Assert.Equal(RestoreMode.New, record.Mode);
        Assert.Equal(way, record.WrittenThrough);
        var restored = await Bed.Client.InspectVolumeAsync(target);
        Assert.Equal("data", restored.Labels["com.example.tier"]);
        var subSecond = way == VolumeReadThrough.Mountpoint;
        Assert.Equal(VolumeTree.Snapshot(sourceFolder, subSecond), VolumeTree.Snapshot(restored.Mountpoint, subSecond));
        var diff = ProcessRunner.Run("diff", ["-r", "--no-dereference", sourceFolder, restored.Mountpoint]);
        Assert.True(diff.ExitCode == 0, diff.ToString());
    }

    [Theory]
    [InlineData(VolumeReadThrough.Mountpoint)]
    [InlineData(VolumeReadThrough.ArchiveApi)]
    public async Task A_restored_db_data_volume_starts_PostgreSQL_with_its_data(string way)
    {
        var data = await Bed.CreateVolumeAsync();
        var first = new PostgresContainer(scale: 0, runOptions: ["-v", data + ":/var/lib/postgresql/data"]);
        await first.InitializeAsync();
        try
        {
            first.Psql("create table marker(id int); insert into marker select generate_series(1, 42)");
            PostgresContainer.Docker(["stop", first.Name]);
            var backup = await BackupAsync(data, way);
            var target = NewName();
            await Restore(new RecordingHost(), backup.Path, o => o.Volume = target, way);

            var second = new PostgresContainer(scale: 0, runOptions: ["-v", target + ":/var/lib/postgresql/data"]);
            await second.InitializeAsync();
            try
            {
                Assert.Equal("42", second.Psql("select count(*) from marker"));
            }
            finally
            {
                await second.DisposeAsync();
            }
        }
        finally
        {
            await first.DisposeAsync();
        }
    }

    [Fact]
    public async Task Without_Replace_an_existing_volume_is_refused_and_left_alone()
    {
        var volume = await Bed.CreateVolumeAsync();
        await Bed.FillAsync(volume, VolumeTestBed.OneFile("keep.txt", "mine"));
        var backup = await BackupAsync(volume, VolumeReadThrough.Mountpoint);
        var host = new RecordingHost();

        var error = await Assert.ThrowsAsync<BackupPsException>(() => Restore(host, backup.Path, null, null));

        Assert.Equal("VolumeExists", error.ErrorId);
        Assert.Contains("-Replace", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(VolumeReadThrough.Mountpoint)]
    [InlineData(VolumeReadThrough.ArchiveApi)]
    public async Task Replace_stops_the_users_takes_a_safety_backup_replaces_and_starts_them_again(string way)
    {
        var volume = await Bed.CreateVolumeAsync();
        await Bed.FillAsync(volume, VolumeTestBed.OneFile("old.txt", "before", uid: 999));
        var backup = await BackupAsync(volume, way);
        await Bed.FillAsync(volume, VolumeTestBed.OneFile("added-later.txt", "after"));
        var user = await Bed.RunAsync([new DockerMountSpec(DockerMountType.Volume, volume, "/data", ReadOnly: true)]);
        var host = new RecordingHost();

        await Restore(host, backup.Path, o => o.Replace = true, way);

        var record = Assert.IsType<VolumeRestoreRecord>(Assert.Single(host.Output));
        Assert.Equal(RestoreMode.Replace, record.Mode);
        Assert.Equal([user], record.StoppedContainers);
        Assert.True((await Bed.StateAsync(user)).Running);
        var folder = await FolderAsync(volume);
        Assert.Equal(["old.txt"], Directory.GetFileSystemEntries(folder).Select(Path.GetFileName));
        var safety = ManifestStore.Read(BackupNames.ManifestPathFor(record.SafetyBackupPath!));
        Assert.Contains(safety.Files!, f => f.Path == "added-later.txt");
        Assert.Equal(BackupConsistency.Stopped, safety.Consistency);
    }

    [Theory]
    [InlineData(VolumeReadThrough.Mountpoint)]
    [InlineData(VolumeReadThrough.ArchiveApi)]
    public async Task A_replace_that_fails_in_the_middle_puts_the_safety_backup_back(string way)
    {
        var volume = await Bed.CreateVolumeAsync();
        await Bed.FillAsync(volume, VolumeTestBed.OneFile("old.txt", "before"));
        var backup = await BackupAsync(volume, way);
        var folder = await FolderAsync(volume);
        File.Delete(Path.Combine(folder, "old.txt"));
        VolumeTree.Write(folder);
        var before = VolumeTree.Snapshot(folder, subSecond: way == VolumeReadThrough.Mountpoint);
        var user = await Bed.RunAsync([new DockerMountSpec(DockerMountType.Volume, volume, "/data")]);
        var host = new RecordingHost();
        var failure = new BackupPsException("InjectedFailure", FailureCategory.WriteError, "the disk went away");
        var handler = new RestoreVolumeHandler(() => new DockerClient(), TimeProvider.System, way, beforeReplacing: () =>
        {
            // Half-way: the old content is still there, the new one proven; for the API way the volume is emptied next.
            File.WriteAllText(Path.Combine(folder, "pgdata", "PG_VERSION"), "scribbled\n");
            throw failure;
        });

        var error = await Assert.ThrowsAsync<BackupPsException>(() =>
            handler.ExecuteAsync(new RestoreVolumeOptions { Path = [backup.Path], Replace = true }, host, CancellationToken.None));

        Assert.Same(failure, error);
        Assert.Contains(host.Warnings, w => w.Contains("holds its content from before the restore again", StringComparison.Ordinal));
        Assert.Equal(before, VolumeTree.Snapshot(folder, subSecond: way == VolumeReadThrough.Mountpoint));
        Assert.True((await Bed.StateAsync(user)).Running);
    }

    [Fact]
    public async Task The_CLI_backs_up_and_restores_with_json_records()
    {
        var volume = await Bed.CreateVolumeAsync();
        await Bed.FillAsync(volume, VolumeTestBed.OneFile("cli.txt", "through the CLI", uid: 999));
        var target = NewName();

        var backedUp = BackupPsCli.Run("backup-volume", "--volume", volume, "--environment", "prod", "--path", Store, "--json");
        Assert.True(backedUp.ExitCode == 0, backedUp.ToString());
        var record = Assert.Single(BackupPsCli.JsonLines(backedUp));
        Assert.Equal("Volume", record.GetProperty("Kind").GetString());
        var artifact = record.GetProperty("Path").GetString()!;
        Assert.True(File.Exists(artifact));

        var restored = BackupPsCli.Run("restore-volume", "--path", artifact, "--volume", target, "--force", "--json");
        Bed.TrackVolume(target);
        Assert.True(restored.ExitCode == 0, restored.ToString());
        var restoreRecord = Assert.Single(BackupPsCli.JsonLines(restored));
        Assert.Equal("Volume", restoreRecord.GetProperty("Kind").GetString());
        Assert.Equal(artifact, restoreRecord.GetProperty("Path").GetString());
        Assert.Equal(target, restoreRecord.GetProperty("Volume").GetString());
        Assert.Equal("through the CLI", File.ReadAllText(Path.Combine(await FolderAsync(target), "cli.txt")));

        var again = BackupPsCli.Run("restore-volume", "--path", artifact, "--volume", target, "--force");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("[VolumeExists]", again.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_Backup_Restore_drills_a_volume_backup_into_a_throwaway_volume_and_removes_it()
    {
        var volume = await Bed.CreateVolumeAsync();
        VolumeTree.Write(await FolderAsync(volume));
        var backup = await BackupAsync(volume, VolumeReadThrough.Mountpoint);

        var tested = BackupPsCli.Run("test-backup", backup.Path, "--restore", "--json");

        Assert.True(tested.ExitCode == 0, tested.ToString());
        var result = Assert.Single(BackupPsCli.JsonLines(tested));
        Assert.True(result.GetProperty("Passed").GetBoolean(), tested.Stdout);
        var checks = result.GetProperty("Checks").EnumerateArray().Select(c => c.GetProperty("Name").GetString()).ToArray();
        Assert.Contains("Restore", checks);
        Assert.Contains("Compare", checks);
        Assert.Empty(await Bed.Client.ListVolumesAsync(new Dictionary<string, string> { [VolumeDrill.Label] = "1" }));
    }

    [Fact]
    public async Task A_docker_group_member_backs_up_and_restores_through_the_archive_endpoint()
    {
        var volume = await Bed.CreateVolumeAsync();
        await Bed.FillAsync(volume, VolumeTestBed.OneFile("owned.txt", "by 999", uid: 999, mode: 0x180));
        var account = OperatorAccount.DockerGroupMember;
        var store = account.NewWritableFolder();
        var target = NewName();
        try
        {
            var backedUp = await BackupPsCli.RunAsAsync(account, _ => { }, "backup-volume", "--volume", volume, "--environment", "dev", "--path", store, "--json");
            Assert.True(backedUp.ExitCode == 0, backedUp.ToString());
            var record = Assert.Single(BackupPsCli.JsonLines(backedUp));
            Assert.Equal(VolumeReadThrough.ArchiveApi, record.GetProperty("Volume").GetProperty("ReadThrough").GetString());

            var restored = await BackupPsCli.RunAsAsync(account, _ => { }, "restore-volume", "--path", record.GetProperty("Path").GetString()!, "--volume", target, "--force", "--json");
            Bed.TrackVolume(target);
            Assert.True(restored.ExitCode == 0, restored.ToString());
            var file = Path.Combine(await FolderAsync(target), "owned.txt");
            Assert.Equal("by 999", File.ReadAllText(file));
            var status = BackupPs.Core.Storage.EntryStatus.Read(file)!.Value;
            Assert.Equal((999u, (UnixFileMode)0x180), (status.Owner, status.Mode));
        }
        finally
        {
            Directory.Delete(store, recursive: true);
        }
    }

    [Fact]
    public async Task A_killed_runs_stopped_containers_are_started_by_the_next_run_which_says_so()
    {
        var volume = await Bed.CreateVolumeAsync();
        // Enough data that the copy is still running when the container is seen stopped.
        var folder = await FolderAsync(volume);
        await using (var big = File.Create(Path.Combine(folder, "random.bin")))
        {
            var block = System.Security.Cryptography.RandomNumberGenerator.GetBytes(1 << 20);
            for (var i = 0; i < 400; i++)
            {
                await big.WriteAsync(block);
                block[0]++;
            }
        }

        var writer = await Bed.RunAsync([new DockerMountSpec(DockerMountType.Volume, volume, "/data")]);
        Process? cli = null;
        var run = BackupPsCli.RunAsync(null, p => cli = p, "backup-volume", "--volume", volume, "--environment", "prod", "--path", Store, "--stop-container", "--compression", "Gzip");
        var watch = Stopwatch.StartNew();
        while ((await Bed.StateAsync(writer)).Running && !run.IsCompleted && watch.Elapsed < TimeSpan.FromMinutes(2))
        {
            await Task.Delay(20);
        }

        if (run.IsCompleted)
        {
            Assert.Fail("The backup ended before its container was seen stopped: " + await run);
        }

        cli!.Kill(entireProcessTree: true);
        await run;
        Assert.False((await Bed.StateAsync(writer)).Running);

        var next = BackupPsCli.Run("backup-volume", "--volume", volume, "--environment", "prod", "--path", Store, "--stop-container");

        Assert.True(next.ExitCode == 0, next.ToString());
        Assert.Contains($"Started container {writer} again", next.Stderr, StringComparison.Ordinal);
        Assert.True((await Bed.StateAsync(writer)).Running);
    }

    private async Task<BackupRecord> BackupAsync(string volume, string way)
    {
        var host = new RecordingHost();
        await new BackupVolumeHandler(() => new DockerClient(), TimeProvider.System, way)
            .ExecuteAsync(new BackupVolumeOptions { Volume = [volume], Environment = "prod", Path = Store, StopContainer = true }, host, CancellationToken.None);
        Assert.Empty(host.Errors);
        return Assert.IsType<BackupRecord>(Assert.Single(host.Output));
    }

    private Task Restore(RecordingHost host, string path, Action<RestoreVolumeOptions>? configure, string? way)
    {
        var options = new RestoreVolumeOptions { Path = [path] };
        configure?.Invoke(options);
        if (options.Volume is not null)
        {
            Bed.TrackVolume(options.Volume);
        }

        return new RestoreVolumeHandler(() => new DockerClient(), TimeProvider.System, way).ExecuteAsync(options, host, CancellationToken.None);
    }

    private async Task<string> FolderAsync(string volume) => (await Bed.Client.InspectVolumeAsync(volume)).Mountpoint;

    private static string NewName() => "bps-test-restored-" + Guid.NewGuid().ToString("N")[..12];
}
