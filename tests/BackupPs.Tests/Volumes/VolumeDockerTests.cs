using System.Diagnostics;
using System.Text.Json;
using BackupPs.Core.Docker;
using BackupPs.Core.Leftovers;
using BackupPs.Core.Volumes;
using BackupPs.Tests.Docker;
using BackupPs.Tests.Infrastructure;

namespace BackupPs.Tests.Volumes;

/// <summary>
/// The Docker side of Backup-Volume and Restore-Volume against the real daemon: who uses a volume and how, the journal of
/// stopped containers, the never-started helper container and the removal of helpers that killed runs left.
/// </summary>
public sealed class VolumeDockerTests : VolumeTestClass
{
    [Fact]
    public async Task Users_are_found_with_how_they_mount_the_volume()
    {
        var volume = await Bed.CreateVolumeAsync();
        var writer = await Bed.RunAsync([new DockerMountSpec(DockerMountType.Volume, volume, "/data")]);
        var reader = await Bed.RunAsync([new DockerMountSpec(DockerMountType.Volume, volume, "/ro", ReadOnly: true)]);
        var idle = await Bed.RunAsync([new DockerMountSpec(DockerMountType.Volume, volume, "/data")], start: false);
        await Bed.RunAsync([], start: true); // uses no volume: not listed

        var users = await VolumeUsers.FindAsync(Bed.Client, volume, CancellationToken.None);

        Assert.Equal(new[] { writer, reader, idle }.Order(StringComparer.Ordinal), users.Select(u => u.Container.Name));
        var w = users.Single(u => u.Container.Name == writer);
        Assert.True(w.IsLive && w.ReadWrite);
        Assert.Equal("/data", w.Mount.Destination);
        Assert.Null(w.PostgresData);
        var r = users.Single(u => u.Container.Name == reader);
        Assert.True(r.IsLive && !r.ReadWrite);
        Assert.False(users.Single(u => u.Container.Name == idle).IsLive);
    }

    [Fact]
    public async Task PostgreSQL_data_is_recognised_by_PGDATA_on_the_volume_and_by_PG_VERSION_at_its_root()
    {
        var byPgdata = await Bed.CreateVolumeAsync();
        var below = await Bed.RunAsync([new DockerMountSpec(DockerMountType.Volume, byPgdata, "/var/lib/postgresql")], env: ["PGDATA=/var/lib/postgresql/data"]);
        var byMarker = await Bed.CreateVolumeAsync();
        await Bed.FillAsync(byMarker, VolumeTestBed.OneFile("PG_VERSION", "15\n", uid: 999, mode: 0x180));
        var marked = await Bed.RunAsync([new DockerMountSpec(DockerMountType.Volume, byMarker, "/srv/db")]);
        var other = await Bed.CreateVolumeAsync();
        await Bed.RunAsync([new DockerMountSpec(DockerMountType.Volume, other, "/backups")], env: ["PGDATA=/var/lib/postgresql/data"]);

        Assert.Contains("PGDATA /var/lib/postgresql/data", Assert.Single(await VolumeUsers.FindAsync(Bed.Client, byPgdata, CancellationToken.None)).PostgresData);
        Assert.Contains("PG_VERSION", Assert.Single(await VolumeUsers.FindAsync(Bed.Client, byMarker, CancellationToken.None)).PostgresData);
        Assert.Null(Assert.Single(await VolumeUsers.FindAsync(Bed.Client, other, CancellationToken.None)).PostgresData);
        Assert.NotNull(below + marked);
    }

    [Fact]
    public async Task The_journal_is_written_before_the_stop_and_removed_once_the_containers_run_again()
    {
        var volume = await Bed.CreateVolumeAsync();
        var name = await Bed.RunAsync([new DockerMountSpec(DockerMountType.Volume, volume, "/data")]);
        var container = await Bed.Client.InspectContainerAsync(name);
        var host = new RecordingHost();
        var journal = ContainerStopJournal.Begin(Store, $"Backup-Volume of volume {volume}");

        Assert.True(await journal.StopAsync(Bed.Client, container, host, CancellationToken.None));

        Assert.False((await Bed.StateAsync(name)).Running);
        var file = Assert.Single(Directory.GetFiles(Path.Combine(Store, ".backupps", "stopped-containers")));
        Assert.Equal(file, journal.Path);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(file)!));
        Assert.Contains(container.Id, File.ReadAllText(file));

        Assert.Equal([name], await journal.StartAllAsync(Bed.Client, host));
        Assert.True((await Bed.StateAsync(name)).Running);
        Assert.False(File.Exists(file));
    }

    [Fact]
    public async Task A_journal_left_by_a_run_that_ended_starts_its_containers_on_the_next_run_and_says_so()
    {
        var (name, container) = await StoppedUserAsync();
        var ended = await EndedProcessAsync();
        var dead = (ResourceOwner.Current with { ProcessId = ended }).Token;
        var live = ResourceOwner.Current with { ProcessId = Environment.ProcessId };
        var folder = Path.Combine(Store, ".backupps", "stopped-containers");
        Directory.CreateDirectory(folder);
        var deadJournal = WriteJournal(folder, $"{dead}-0123456789ab.json", container);
        var heldName = OperationRun.Hold($"{live.Token}-ba9876543210.json");
        var liveJournal = WriteJournal(folder, heldName, container);
        var host = new RecordingHost();

        await ContainerStopJournal.RecoverAsync(Bed.Client, Store, host, CancellationToken.None);

        Assert.True((await Bed.StateAsync(name)).Running);
        Assert.Contains(host.Warnings, w => w.Contains($"Started container {name} again", StringComparison.Ordinal) && w.Contains("Backup-Volume of volume x", StringComparison.Ordinal));
        Assert.False(File.Exists(deadJournal));
        Assert.True(File.Exists(liveJournal)); // a run that still goes on keeps its containers stopped
    }

    [Fact]
    public async Task A_journal_anyone_could_have_written_starts_nothing()
    {
        var (name, container) = await StoppedUserAsync();
        var ended = await EndedProcessAsync();
        var folder = Path.Combine(Store, ".backupps", "stopped-containers");
        Directory.CreateDirectory(folder);
        var planted = WriteJournal(folder, $"{(ResourceOwner.Current with { ProcessId = ended }).Token}-0123456789ab.json", container);
        File.SetUnixFileMode(planted, (UnixFileMode)0x1b6); // 0666
        var host = new RecordingHost();

        await ContainerStopJournal.RecoverAsync(Bed.Client, Store, host, CancellationToken.None);

        Assert.False((await Bed.StateAsync(name)).Running);
        Assert.Contains(host.Warnings, w => w.Contains($"Ignoring {planted}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_helper_container_is_created_never_started_labelled_with_its_owner_and_removed()
    {
        var volume = await Bed.CreateVolumeAsync();
        var user = await Bed.RunAsync([new DockerMountSpec(DockerMountType.Volume, volume, "/data")], start: false);
        var users = await VolumeUsers.FindAsync(Bed.Client, volume, CancellationToken.None);
        var host = new RecordingHost();
        string id;
        await using (var helper = await VolumeHelperContainer.CreateAsync(Bed.Client, volume, readWrite: false, users, host, CancellationToken.None))
        {
            id = helper.Id;
            var details = await Bed.Client.InspectContainerAsync(id);
            Assert.Equal("created", details.State.Status);
            Assert.Equal(users[0].Container.ImageId, details.ImageId);
            Assert.Equal("1", details.Config.Labels[VolumeHelperContainer.Label]);
            Assert.Equal(ResourceOwner.Current.Token, details.Config.Labels[ResourceOwner.Label]);
            Assert.StartsWith("backupps-volume-" + ResourceOwner.Current.Token, details.Name, StringComparison.Ordinal);
            var mount = Assert.Single(details.Mounts, m => m.Name == volume);
            Assert.False(mount.ReadWrite);
            Assert.Equal(VolumeHelperContainer.MountPath, mount.Destination);
        }

        var gone = await Assert.ThrowsAsync<BackupPs.Core.Errors.BackupPsException>(() => Bed.Client.InspectContainerAsync(id));
        Assert.Equal(DockerErrorIds.DockerContainerNotFound, gone.ErrorId);
        Assert.NotNull(user);
    }

    [Fact]
    public async Task A_helper_left_by_a_killed_run_is_removed_and_one_of_a_running_run_is_kept()
    {
        var volume = await Bed.CreateVolumeAsync();
        var deadOwner = ResourceOwner.Current with { ProcessId = await EndedProcessAsync() };
        var orphan = await Bed.RunAsync([new DockerMountSpec(DockerMountType.Volume, volume, VolumeHelperContainer.MountPath, ReadOnly: true)], start: false,
            labels: new Dictionary<string, string>(deadOwner.Labels) { [VolumeHelperContainer.Label] = "1" });
        var held = await Bed.RunAsync([new DockerMountSpec(DockerMountType.Volume, volume, VolumeHelperContainer.MountPath, ReadOnly: true)], start: false,
            labels: new Dictionary<string, string>(ResourceOwner.Current.Labels) { [VolumeHelperContainer.Label] = "1" });
        OperationRun.Hold(held);
        var host = new RecordingHost();

        await ContainerLeftovers.RemoveVolumeHelpersAsync(Bed.Client, VolumeHelperContainer.Label, DateTimeOffset.UtcNow, host, CancellationToken.None);

        var missing = await Assert.ThrowsAsync<BackupPs.Core.Errors.BackupPsException>(() => Bed.Client.InspectContainerAsync(orphan));
        Assert.Equal(DockerErrorIds.DockerContainerNotFound, missing.ErrorId);
        Assert.Contains(host.Warnings, w => w.Contains($"Removed the volume helper container {orphan}", StringComparison.Ordinal));
        Assert.Equal("created", (await Bed.StateAsync(held)).Status);
    }

    /// <summary>A container of a new volume, stopped, as a killed run would have left it.</summary>
    private async Task<(string Name, DockerContainerDetails Container)> StoppedUserAsync()
    {
        var volume = await Bed.CreateVolumeAsync();
        var name = await Bed.RunAsync([new DockerMountSpec(DockerMountType.Volume, volume, "/data")]);
        var container = await Bed.Client.InspectContainerAsync(name);
        await Bed.Client.StopContainerAsync(container.Id, TimeSpan.Zero);
        return (name, container);
    }

    /// <summary>The id of a process that has ended: an owner that certainly does not run any more.</summary>
    private static async Task<int> EndedProcessAsync()
    {
        using var ended = Process.Start(new ProcessStartInfo("true"))!;
        await ended.WaitForExitAsync();
        return ended.Id;
    }

    private static string WriteJournal(string folder, string name, DockerContainerDetails container)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, JsonSerializer.Serialize(new
        {
            Purpose = "Backup-Volume of volume x",
            Written = DateTimeOffset.UtcNow,
            Containers = new[] { new { container.Id, container.Name } },
        }));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }
}
