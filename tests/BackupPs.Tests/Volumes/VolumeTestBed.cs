using System.Collections.Concurrent;
using System.Formats.Tar;
using BackupPs.Core.Docker;
using BackupPs.Tests.Docker;

namespace BackupPs.Tests.Volumes;

/// <summary>
/// Real Docker volumes and containers for the volume tests: random names (bps-test-...), the label backupps.test=1, all
/// removed in <see cref="DisposeAsync"/> (containers first, then volumes). Containers run the tiny busybox test image
/// (<see cref="DockerDaemonFixture.Image"/>) unless a test asks for another.
/// </summary>
public sealed class VolumeTestBed : IAsyncLifetime
{
    private readonly ConcurrentBag<string> _containers = new();
    private readonly ConcurrentBag<string> _volumes = new();

    public DockerClient Client { get; } = new();

    /// <summary>A command that idles and ends on SIGTERM, as a well-behaved service does (a bare sleep as PID 1 ignores it and is killed after 10 s).</summary>
    public static readonly IReadOnlyList<string> StopsOnTerm = ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"];

    public async Task InitializeAsync() => await DockerDaemonFixture.EnsureImageAsync(Client);

    /// <summary>A new, empty volume with the test label (and <paramref name="labels"/>).</summary>
    public async Task<string> CreateVolumeAsync(IReadOnlyDictionary<string, string>? labels = null)
    {
        var name = DockerDaemonFixture.UniqueName("vol");
        _volumes.Add(name);
        var all = DockerDaemonFixture.Labels();
        foreach (var (key, value) in labels ?? new Dictionary<string, string>())
        {
            all[key] = value;
        }

        await Client.CreateVolumeAsync(name, all);
        return name;
    }

    /// <summary>Removes a volume a test made under another name (a restore's target) at the end too.</summary>
    public void TrackVolume(string name) => _volumes.Add(name);

    /// <summary>A container of <paramref name="image"/> mounting <paramref name="mounts"/>, started unless <paramref name="start"/> is false.</summary>
    public async Task<string> RunAsync(IReadOnlyList<DockerMountSpec> mounts, bool start = true, IReadOnlyList<string>? env = null,
        IReadOnlyDictionary<string, string>? labels = null, string? image = null, IReadOnlyList<string>? cmd = null)
    {
        var name = DockerDaemonFixture.UniqueName("user");
        var all = DockerDaemonFixture.Labels();
        foreach (var (key, value) in labels ?? new Dictionary<string, string>())
        {
            all[key] = value;
        }

        var id = await Client.CreateContainerAsync(new CreateContainerRequest
        {
            Image = image ?? DockerDaemonFixture.Image,
            Name = name,
            Cmd = cmd ?? StopsOnTerm,
            Env = env,
            Labels = all,
            Mounts = mounts,
        });
        _containers.Add(id);
        if (start)
        {
            await Client.StartContainerAsync(id);
        }

        return name;
    }

    /// <summary>Writes <paramref name="tar"/> into <paramref name="volume"/> through a created (never started) container.</summary>
    public async Task FillAsync(string volume, byte[] tar)
    {
        var writer = await Client.CreateContainerAsync(new CreateContainerRequest
        {
            Image = DockerDaemonFixture.Image,
            Cmd = ["true"],
            Labels = DockerDaemonFixture.Labels(),
            Mounts = [new DockerMountSpec(DockerMountType.Volume, volume, "/v")],
        });
        try
        {
            await Client.PutArchiveAsync(writer, "/v", new MemoryStream(tar));
        }
        finally
        {
            await Client.RemoveContainerAsync(writer, force: true, removeVolumes: false);
        }
    }

    /// <summary>A tar of one file <paramref name="name"/> holding <paramref name="text"/>, owned by <paramref name="uid"/>.</summary>
    public static byte[] OneFile(string name, string text, int uid = 0, int mode = 0x1a4 /* 0644 */)
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name)
            {
                Mode = (UnixFileMode)mode,
                Uid = uid,
                Gid = uid,
                DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)),
            });
        }

        return tar.ToArray();
    }

    public async Task<DockerContainerState> StateAsync(string container) => (await Client.InspectContainerAsync(container)).State;

    public async Task DisposeAsync()
    {
        foreach (var id in _containers)
        {
            try
            {
                await Client.RemoveContainerAsync(id, force: true, removeVolumes: true);
            }
            catch (Exception)
            {
                // best effort
            }
        }

        foreach (var name in _volumes)
        {
            try
            {
                await Client.RemoveVolumeAsync(name);
            }
            catch (Exception)
            {
                // best effort
            }
        }

        Client.Dispose();
    }
}
