using System.Collections.Concurrent;
using System.Formats.Tar;
using System.Text;
using BackupPs.Core.Docker;
using Xunit;

namespace BackupPs.Tests.Docker;

/// <summary>
/// Shared state for the tests that need the real Docker daemon (DOCKER_HOST or /var/run/docker.sock):
/// a tiny local image built from the host's static busybox (apt-get install busybox-static) with
/// <c>docker import</c> semantics, and one long-running container (network none) to exec into.
/// Everything the tests create carries the label <c>backupps.test=1</c> and is removed at the end.
/// </summary>
public sealed class DockerDaemonFixture : IAsyncLifetime
{
    public const string TestLabel = "backupps.test";
    public const string ImageRepository = "backupps-test/busybox";
    public const string ImageTag = "2"; // bump when the applet list changes
    public const string Image = ImageRepository + ":" + ImageTag;

    private static readonly string[] Applets =
    [
        "sh", "cat", "head", "tail", "sha256sum", "sleep", "echo", "printf", "wc", "yes", "dd", "id", "pwd",
        "ls", "mkdir", "rm", "true", "false", "env", "ps", "kill", "pkill", "grep", "cut", "tr", "seq", "stat", "tar",
        "test", "[",
    ];

    private readonly ConcurrentBag<string> _containers = new();
    private readonly ConcurrentBag<string> _volumes = new();

    public DockerClient Client { get; } = new();

    /// <summary>A running container (sleeping) for exec tests.</summary>
    public string ExecContainerId { get; private set; } = string.Empty;

    /// <summary>Labels every test object carries.</summary>
    public static Dictionary<string, string> Labels(params (string Key, string Value)[] extra)
    {
        var d = new Dictionary<string, string> { [TestLabel] = "1" };
        foreach ((string k, string v) in extra)
        {
            d[k] = v;
        }

        return d;
    }

    public static string UniqueName(string prefix) => $"bps-test-{prefix}-{Guid.NewGuid().ToString("N")[..12]}";

    public void TrackContainer(string id) => _containers.Add(id);

    public void TrackVolume(string name) => _volumes.Add(name);

    public async Task<string> CreateContainerAsync(string? name, IReadOnlyList<string> cmd, IReadOnlyDictionary<string, string>? labels = null, IReadOnlyList<DockerMountSpec>? mounts = null)
    {
        string id = await Client.CreateContainerAsync(new CreateContainerRequest
        {
            Image = Image,
            Name = name,
            Cmd = cmd,
            Labels = labels ?? Labels(),
            Mounts = mounts,
        });
        TrackContainer(id);
        return id;
    }

    public async Task InitializeAsync()
    {
        await EnsureImageAsync(Client);
        string id = await CreateContainerAsync(UniqueName("exec"), ["sleep", "86400"]);
        await Client.StartContainerAsync(id);
        ExecContainerId = id;
    }

    public async Task DisposeAsync()
    {
        foreach (string id in _containers)
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

        foreach (string name in _volumes)
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

    /// <summary>Imports <see cref="Image"/> from the host's static busybox if it is not present.</summary>
    public static async Task EnsureImageAsync(DockerClient client)
    {
        if (await client.InspectImageAsync(Image) is not null)
        {
            return;
        }

        string busybox = new[] { "/bin/busybox", "/usr/bin/busybox" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("The Docker tests need a static busybox binary; run: apt-get install busybox-static");
        byte[] binary = await File.ReadAllBytesAsync(busybox);
        if (HasInterpreter(binary))
        {
            throw new InvalidOperationException($"{busybox} is dynamically linked; the Docker tests need the static one: apt-get install busybox-static");
        }

        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (string dir in new[] { "bin", "etc", "tmp", "proc", "sys", "dev", "root", "var", "data" })
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, dir + "/")
                {
                    Mode = dir == "tmp"
                        ? (UnixFileMode)0b1_111_111_111 // 1777
                        : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute,
                });
            }

            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "bin/busybox")
            {
                Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute,
                DataStream = new MemoryStream(binary),
            });
            foreach (string applet in Applets)
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "bin/" + applet) { LinkName = "busybox" });
            }

            WriteText(writer, "etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\npostgres:x:999:999:postgres:/tmp:/bin/sh\n");
            WriteText(writer, "etc/group", "root:x:0:\nnogroup:x:65534:\npostgres:x:999:\n");
        }

        tar.Position = 0;
        await client.ImportImageAsync(tar, ImageRepository, ImageTag);
        if (await client.InspectImageAsync(Image) is null)
        {
            throw new InvalidOperationException($"Importing {Image} did not produce an image.");
        }
    }

    /// <summary>True when a 64-bit little-endian ELF has a PT_INTERP program header (i.e. is dynamically linked).</summary>
    private static bool HasInterpreter(byte[] elf)
    {
        if (elf.Length < 64 || elf[0] != 0x7F || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F' || elf[4] != 2)
        {
            return false;
        }

        long phoff = BitConverter.ToInt64(elf, 0x20);
        int phentsize = BitConverter.ToUInt16(elf, 0x36);
        int phnum = BitConverter.ToUInt16(elf, 0x38);
        for (int i = 0; i < phnum; i++)
        {
            if (BitConverter.ToUInt32(elf, (int)(phoff + (i * phentsize))) == 3)
            {
                return true;
            }
        }

        return false;
    }

    private static void WriteText(TarWriter writer, string name, string text)
        => writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name)
        {
            Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            DataStream = new MemoryStream(Encoding.UTF8.GetBytes(text)),
        });
}

[CollectionDefinition(Name)]
public sealed class DockerDaemonCollection : ICollectionFixture<DockerDaemonFixture>
{
    public const string Name = "Docker daemon";
}
