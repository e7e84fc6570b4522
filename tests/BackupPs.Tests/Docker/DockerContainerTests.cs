using System.Formats.Tar;
using System.Text;
using BackupPs.Core.Docker;
using BackupPs.Core.Errors;
using Xunit;

namespace BackupPs.Tests.Docker;

/// <summary>Containers, volumes, images and archives against the real daemon.</summary>
[Collection(DockerDaemonCollection.Name)]
public sealed class DockerContainerTests(DockerDaemonFixture fixture)
{
    private DockerClient Client => fixture.Client;

    [Fact]
    public async Task Container_lifecycle_with_network_none()
    {
        string name = DockerDaemonFixture.UniqueName("life");
        string id = await Client.CreateContainerAsync(new CreateContainerRequest
        {
            Image = DockerDaemonFixture.Image,
            Name = name,
            Cmd = ["sleep", "3600"],
            Env = ["A=1"],
            Labels = DockerDaemonFixture.Labels(("role", "life")),
        });
        fixture.TrackContainer(id);

        DockerContainerDetails created = await Client.InspectContainerAsync(name);
        Assert.Equal(id, created.Id);
        Assert.Equal(name, created.Name);
        Assert.Equal("created", created.State.Status);
        Assert.False(created.State.Running);
        Assert.Equal(DockerDaemonFixture.Image, created.Config.Image);
        Assert.StartsWith("sha256:", created.ImageId, StringComparison.Ordinal);
        Assert.Contains("A=1", created.Config.Env);
        Assert.Equal("life", created.Config.Labels["role"]);

        Assert.True(await Client.StartContainerAsync(id));
        Assert.False(await Client.StartContainerAsync(id)); // 304: already running
        DockerContainerDetails running = await Client.InspectContainerAsync(id);
        Assert.True(running.State.Running);
        Assert.Equal("running", running.State.Status);

        // network mode none: only the loopback interface exists.
        var stdout = new MemoryStream();
        ExecResult ls = await Client.ExecAsync(id, new ExecRequest { Cmd = ["ls", "/sys/class/net"] }, stdout);
        Assert.Equal(0, ls.ExitCode);
        Assert.Equal("lo", Encoding.UTF8.GetString(stdout.ToArray()).Trim());

        Assert.True(await Client.StopContainerAsync(id, TimeSpan.FromSeconds(1)));
        Assert.False(await Client.StopContainerAsync(id, TimeSpan.FromSeconds(1))); // 304: already stopped
        DockerWaitResult wait = await Client.WaitContainerAsync(id, DockerWaitCondition.NotRunning);
        Assert.Equal(137, wait.StatusCode); // sleep as PID 1 ignores SIGTERM, so the stop escalated to SIGKILL
        DockerContainerDetails stopped = await Client.InspectContainerAsync(id);
        Assert.Equal("exited", stopped.State.Status);
        Assert.Equal(137, stopped.State.ExitCode);

        Assert.True(await Client.RemoveContainerAsync(id, force: false, removeVolumes: true));
        Assert.False(await Client.RemoveContainerAsync(id, force: false, removeVolumes: true));
        var gone = await Assert.ThrowsAsync<BackupPsException>(() => Client.InspectContainerAsync(id));
        Assert.Equal(DockerErrorIds.DockerContainerNotFound, gone.ErrorId);
        Assert.Equal(FailureCategory.ObjectNotFound, gone.Category);
    }

    [Fact]
    public async Task Kill_and_wait_for_next_exit()
    {
        string id = await fixture.CreateContainerAsync(DockerDaemonFixture.UniqueName("kill"), ["sleep", "3600"]);
        await Client.StartContainerAsync(id);
        Task<DockerWaitResult> waiter = Client.WaitContainerAsync(id, DockerWaitCondition.NextExit);
        await Task.Delay(200);
        await Client.KillContainerAsync(id);
        DockerWaitResult result = await waiter.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(137, result.StatusCode);

        var notRunning = await Assert.ThrowsAsync<BackupPsException>(() => Client.KillContainerAsync(id));
        Assert.Equal(DockerErrorIds.DockerContainerNotRunning, notRunning.ErrorId);
        Assert.True(await Client.RemoveContainerAsync(id, force: true, removeVolumes: true));
    }

    [Fact]
    public async Task Name_conflict_and_missing_image_are_mapped()
    {
        string name = DockerDaemonFixture.UniqueName("dup");
        await fixture.CreateContainerAsync(name, ["true"]);
        var dup = await Assert.ThrowsAsync<BackupPsException>(() => fixture.CreateContainerAsync(name, ["true"]));
        Assert.Equal(DockerErrorIds.DockerNameConflict, dup.ErrorId);

        var noImage = await Assert.ThrowsAsync<BackupPsException>(() => Client.CreateContainerAsync(new CreateContainerRequest
        {
            Image = "backupps-test/not-here:0",
            Labels = DockerDaemonFixture.Labels(),
        }));
        Assert.Equal(DockerErrorIds.DockerImageNotFound, noImage.ErrorId);
        Assert.Contains("never pulls", noImage.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Label_filters_select_containers()
    {
        string run = Guid.NewGuid().ToString("N");
        string nameA = DockerDaemonFixture.UniqueName("la");
        string nameB = DockerDaemonFixture.UniqueName("lb");
        string a = await fixture.CreateContainerAsync(nameA, ["true"], DockerDaemonFixture.Labels(("bps.run", run), ("bps.role", "a")));
        string b = await fixture.CreateContainerAsync(nameB, ["sleep", "3600"], DockerDaemonFixture.Labels(("bps.run", run), ("bps.role", "b")));
        await Client.StartContainerAsync(b);

        IReadOnlyList<DockerContainerSummary> both = await Client.ListContainersAsync(true, new Dictionary<string, string> { ["bps.run"] = run });
        Assert.Equal(new[] { a, b }.Order(), both.Select(c => c.Id).Order());

        DockerContainerSummary onlyA = Assert.Single(await Client.ListContainersAsync(true, new Dictionary<string, string> { ["bps.run"] = run, ["bps.role"] = "a" }));
        Assert.Equal(a, onlyA.Id);
        Assert.Equal([nameA], onlyA.Names);
        Assert.Equal("created", onlyA.State);
        Assert.Equal(DockerDaemonFixture.Image, onlyA.Image);
        Assert.StartsWith("sha256:", onlyA.ImageId, StringComparison.Ordinal);
        Assert.Equal("a", onlyA.Labels["bps.role"]);

        DockerContainerSummary runningOnly = Assert.Single(await Client.ListContainersAsync(false, new Dictionary<string, string> { ["bps.run"] = run }));
        Assert.Equal(b, runningOnly.Id);
        Assert.Equal("running", runningOnly.State);

        Assert.Empty(await Client.ListContainersAsync(true, new Dictionary<string, string> { ["bps.run"] = run, ["bps.role"] = "c" }));

        await Client.RemoveContainerAsync(a, force: true, removeVolumes: true);
        await Client.RemoveContainerAsync(b, force: true, removeVolumes: true);
    }

    [Fact]
    public async Task Volumes_create_inspect_list_remove()
    {
        string name = DockerDaemonFixture.UniqueName("vol");
        string run = Guid.NewGuid().ToString("N");
        fixture.TrackVolume(name);
        DockerVolume created = await Client.CreateVolumeAsync(name, DockerDaemonFixture.Labels(("bps.run", run), ("com.docker.compose.volume", "data")));
        Assert.Equal(name, created.Name);
        Assert.Equal("local", created.Driver);
        Assert.Equal("data", created.Labels["com.docker.compose.volume"]);

        DockerVolume inspected = await Client.InspectVolumeAsync(name);
        Assert.Equal(run, inspected.Labels["bps.run"]);
        Assert.False(string.IsNullOrEmpty(inspected.Mountpoint));

        DockerVolume listed = Assert.Single(await Client.ListVolumesAsync(new Dictionary<string, string> { ["bps.run"] = run }));
        Assert.Equal(name, listed.Name);

        // In use by a (created) container: 409.
        string user = await fixture.CreateContainerAsync(null, ["true"], mounts: [new DockerMountSpec(DockerMountType.Volume, name, "/v")]);
        var inUse = await Assert.ThrowsAsync<BackupPsException>(() => Client.RemoveVolumeAsync(name));
        Assert.Equal(DockerErrorIds.DockerVolumeInUse, inUse.ErrorId);
        await Client.RemoveContainerAsync(user, force: true, removeVolumes: false);

        Assert.True(await Client.RemoveVolumeAsync(name));
        Assert.False(await Client.RemoveVolumeAsync(name));
        var missing = await Assert.ThrowsAsync<BackupPsException>(() => Client.InspectVolumeAsync(name));
        Assert.Equal(DockerErrorIds.DockerVolumeNotFound, missing.ErrorId);
    }

    [Fact]
    public async Task Image_inspect_reports_presence()
    {
        DockerImage? image = await Client.InspectImageAsync(DockerDaemonFixture.Image);
        Assert.NotNull(image);
        Assert.StartsWith("sha256:", image.Id, StringComparison.Ordinal);
        Assert.Contains(DockerDaemonFixture.Image, image.RepoTags);
        Assert.Null(await Client.InspectImageAsync("backupps-test/not-here:0"));
    }

    private static byte[] BuildTar()
    {
        using var ms = new MemoryStream();
        using (var w = new TarWriter(ms, TarEntryFormat.Pax, leaveOpen: true))
        {
            w.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "data/") { Mode = (UnixFileMode)Convert.ToInt32("750", 8), Uid = 999, Gid = 999 });
            w.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "data/PG_VERSION")
            {
                Mode = (UnixFileMode)Convert.ToInt32("600", 8),
                Uid = 999,
                Gid = 999,
                DataStream = new MemoryStream("16\n"u8.ToArray()),
            });
            byte[] big = new byte[3 * 1024 * 1024 + 17];
            new Random(3).NextBytes(big);
            w.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "data/base.bin")
            {
                Mode = (UnixFileMode)Convert.ToInt32("640", 8),
                Uid = 999,
                Gid = 70,
                DataStream = new MemoryStream(big),
            });
        }

        return ms.ToArray();
    }

    private static async Task<Dictionary<string, (TarEntryType Type, int Mode, int Uid, int Gid, byte[] Data)>> ReadTarAsync(Stream tar)
    {
        var result = new Dictionary<string, (TarEntryType, int, int, int, byte[])>();
        using var reader = new TarReader(tar);
        while (await reader.GetNextEntryAsync() is { } e)
        {
            byte[] data = [];
            if (e.DataStream is not null)
            {
                using var ms = new MemoryStream();
                await e.DataStream.CopyToAsync(ms);
                data = ms.ToArray();
            }

            result[e.Name.TrimEnd('/')] = (e.EntryType, (int)e.Mode, e.Uid, e.Gid, data);
        }

        return result;
    }

    [Fact]
    public async Task Archive_round_trip_through_a_never_started_volume_helper()
    {
        string volume = DockerDaemonFixture.UniqueName("arch");
        fixture.TrackVolume(volume);
        await Client.CreateVolumeAsync(volume, DockerDaemonFixture.Labels());
        byte[] tar = BuildTar();

        // Restore side: helper with the volume read-write, never started.
        string writer = await fixture.CreateContainerAsync(null, ["true"], mounts: [new DockerMountSpec(DockerMountType.Volume, volume, "/v")]);
        await Client.PutArchiveAsync(writer, "/v", new MemoryStream(tar));
        await Client.RemoveContainerAsync(writer, force: true, removeVolumes: false);

        // Backup side: another helper with the volume read-only, never started.
        string reader = await fixture.CreateContainerAsync(null, ["true"], mounts: [new DockerMountSpec(DockerMountType.Volume, volume, "/v", ReadOnly: true)]);
        Dictionary<string, (TarEntryType Type, int Mode, int Uid, int Gid, byte[] Data)> entries;
        await using (DockerArchiveStream archive = await Client.GetArchiveAsync(reader, "/v/data"))
        {
            Assert.NotNull(archive.Stat);
            Assert.Equal("data", archive.Stat.Name);
            entries = await ReadTarAsync(archive);
            Assert.True(archive.Position > 3 * 1024 * 1024);
        }

        Dictionary<string, (TarEntryType Type, int Mode, int Uid, int Gid, byte[] Data)> original = await ReadTarAsync(new MemoryStream(tar));
        foreach ((string name, var expected) in original)
        {
            Assert.True(entries.TryGetValue(name, out var actual), $"missing {name}");
            Assert.Equal(expected.Type, actual.Type);
            Assert.Equal(expected.Mode, actual.Mode & 0xFFF);
            Assert.Equal(expected.Uid, actual.Uid);
            Assert.Equal(expected.Gid, actual.Gid);
            Assert.Equal(expected.Data, actual.Data);
        }

        // Read-only mount: writes are refused with a mapped error, not a crash.
        var readOnly = await Assert.ThrowsAsync<BackupPsException>(() => Client.PutArchiveAsync(reader, "/v", new MemoryStream(tar)));
        Assert.Equal(DockerErrorIds.DockerRequestFailed, readOnly.ErrorId);

        var missingPath = await Assert.ThrowsAsync<BackupPsException>(() => Client.GetArchiveAsync(reader, "/v/nope"));
        Assert.Equal(DockerErrorIds.DockerPathNotFound, missingPath.ErrorId);
        var missingContainer = await Assert.ThrowsAsync<BackupPsException>(() => Client.GetArchiveAsync("bps-test-no-such", "/v"));
        Assert.Equal(DockerErrorIds.DockerContainerNotFound, missingContainer.ErrorId);

        await Client.RemoveContainerAsync(reader, force: true, removeVolumes: false);
        Assert.True(await Client.RemoveVolumeAsync(volume));
    }

    [Fact]
    public async Task Archive_put_into_running_container_is_visible_to_exec()
    {
        string id = fixture.ExecContainerId;
        string dir = "/tmp/" + Guid.NewGuid().ToString("N");
        var mk = await Client.ExecAsync(id, new ExecRequest { Cmd = ["mkdir", dir] }, Stream.Null);
        Assert.Equal(0, mk.ExitCode);
        await Client.PutArchiveAsync(id, dir, new MemoryStream(BuildTar()));
        var stdout = new MemoryStream();
        var stat = await Client.ExecAsync(id, new ExecRequest { Cmd = ["stat", "-c", "%a %u %g %s", dir + "/data/base.bin"] }, stdout);
        Assert.Equal(0, stat.ExitCode);
        Assert.Equal($"640 999 70 {3 * 1024 * 1024 + 17}", Encoding.UTF8.GetString(stdout.ToArray()).Trim());
        await Client.ExecAsync(id, new ExecRequest { Cmd = ["rm", "-rf", dir] }, Stream.Null);

        var notDir = await Assert.ThrowsAsync<BackupPsException>(() => Client.PutArchiveAsync(id, "/tmp/does-not-exist-" + Guid.NewGuid().ToString("N"), new MemoryStream(BuildTar())));
        Assert.Equal(DockerErrorIds.DockerPathNotFound, notDir.ErrorId);
    }
}
