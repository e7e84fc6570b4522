using System.Net.Sockets;
using System.Runtime.InteropServices;
using BackupPs.Core.Docker;
using BackupPs.Core.Errors;
using Xunit;

namespace BackupPs.Tests.Docker;

public sealed class DockerEndpointTests
{
    [Theory]
    [InlineData("unix:///var/run/docker.sock", DockerEndpointKind.Unix, "/var/run/docker.sock", null, 0)]
    [InlineData("  unix:///run/user/1000/docker.sock ", DockerEndpointKind.Unix, "/run/user/1000/docker.sock", null, 0)]
    [InlineData("tcp://127.0.0.1:2375", DockerEndpointKind.Tcp, null, "127.0.0.1", 2375)]
    [InlineData("tcp://docker.example", DockerEndpointKind.Tcp, null, "docker.example", 2375)]
    [InlineData("tcp://host:80", DockerEndpointKind.Tcp, null, "host", 80)]
    [InlineData("tcp://[::1]:4243", DockerEndpointKind.Tcp, null, "::1", 4243)]
    [InlineData("tcp://[::1]", DockerEndpointKind.Tcp, null, "::1", 2375)]
    public void Parses_supported_endpoints(string text, DockerEndpointKind kind, string? socket, string? host, int port)
    {
        DockerEndpoint e = DockerEndpoint.Parse(text);
        Assert.Equal(kind, e.Kind);
        Assert.Equal(socket, e.SocketPath);
        Assert.Equal(host, e.Host);
        Assert.Equal(port, e.Port);
    }

    [Theory]
    [InlineData("ssh://user@host")]
    [InlineData("npipe:////./pipe/docker_engine")]
    [InlineData("unix://relative.sock")]
    [InlineData("/var/run/docker.sock")]
    [InlineData("tcp://")]
    public void Rejects_unsupported_endpoints(string text)
    {
        var ex = Assert.Throws<BackupPsException>(() => DockerEndpoint.Parse(text));
        Assert.Equal(DockerErrorIds.DockerHostInvalid, ex.ErrorId);
        Assert.Equal(FailureCategory.InvalidArgument, ex.Category);
    }

    [Fact]
    public void Environment_resolution_honours_DOCKER_HOST()
    {
        Assert.Equal(DockerEndpoint.DefaultUri, DockerEndpoint.ResolveDefaultUri(_ => null));
        Assert.Equal(DockerEndpoint.DefaultUri, DockerEndpoint.ResolveDefaultUri(_ => "  "));
        Assert.Equal("tcp://10.0.0.2:2375", DockerEndpoint.ResolveDefaultUri(n => n == "DOCKER_HOST" ? "tcp://10.0.0.2:2375" : null));
        Assert.Equal("/x/docker.sock", DockerEndpoint.FromEnvironment(n => n == "DOCKER_HOST" ? "unix:///x/docker.sock" : null).SocketPath);

        var tls = Assert.Throws<BackupPsException>(() => DockerEndpoint.FromEnvironment(
            n => n switch { "DOCKER_HOST" => "tcp://h:2376", "DOCKER_TLS_VERIFY" => "1", _ => null }));
        Assert.Equal(DockerErrorIds.DockerHostInvalid, tls.ErrorId);
    }

    [Fact]
    public async Task Missing_socket_from_DOCKER_HOST_is_DockerSocketNotFound()
    {
        DockerEndpoint endpoint = DockerEndpoint.FromEnvironment(n => n == "DOCKER_HOST" ? "unix:///nonexistent" : null);
        using var client = new DockerClient(endpoint);
        var ex = await Assert.ThrowsAsync<BackupPsException>(() => client.GetVersionAsync());
        Assert.Equal(DockerErrorIds.DockerSocketNotFound, ex.ErrorId);
        Assert.Equal(FailureCategory.ResourceUnavailable, ex.Category);
        Assert.Contains("/nonexistent", ex.Message, StringComparison.Ordinal);
        Assert.Contains("DOCKER_HOST", ex.Message, StringComparison.Ordinal);

        // The exec path connects with its own raw socket and must map the same way.
        var exec = await Assert.ThrowsAsync<BackupPsException>(
            () => client.ExecAsync("c", new ExecRequest { Cmd = ["true"] }, Stream.Null));
        Assert.Equal(DockerErrorIds.DockerSocketNotFound, exec.ErrorId);

        // A missing directory component too.
        using var client2 = new DockerClient("unix:///nonexistent/dir/docker.sock");
        var ex2 = await Assert.ThrowsAsync<BackupPsException>(() => client2.ListContainersAsync(true, null));
        Assert.Equal(DockerErrorIds.DockerSocketNotFound, ex2.ErrorId);
    }

    [Fact]
    public async Task Stale_socket_file_is_connection_refused()
    {
        string dir = Directory.CreateTempSubdirectory("bps-stale-").FullName;
        string path = Path.Combine(dir, "docker.sock");
        try
        {
            // Bound but never listening: connect(2) gets ECONNREFUSED, as with a socket file left by a dead daemon.
            // (Keep it open: .NET unlinks the file when a bound socket is disposed.)
            using var stale = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            stale.Bind(new UnixDomainSocketEndPoint(path));

            using var client = new DockerClient("unix://" + path);
            var ex = await Assert.ThrowsAsync<BackupPsException>(() => client.GetVersionAsync());
            Assert.Equal(DockerErrorIds.DockerConnectionRefused, ex.ErrorId);
            Assert.Equal(FailureCategory.ResourceUnavailable, ex.Category);
            Assert.Contains("start the Docker daemon", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Tcp_connection_refused_is_ResourceUnavailable()
    {
        // Find a free port, then close it so nothing listens there.
        int port;
        using (var probe = new Socket(SocketType.Stream, ProtocolType.Tcp))
        {
            probe.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
            port = ((System.Net.IPEndPoint)probe.LocalEndPoint!).Port;
        }

        using var client = new DockerClient($"tcp://127.0.0.1:{port}");
        var ex = await Assert.ThrowsAsync<BackupPsException>(() => client.GetVersionAsync());
        Assert.Equal(DockerErrorIds.DockerConnectionRefused, ex.ErrorId);
        Assert.Equal(FailureCategory.ResourceUnavailable, ex.Category);
    }

    [DllImport("libc.so.6", EntryPoint = "setfsuid")]
    private static extern int SetFsUid(uint fsuid);

    [DllImport("libc.so.6", EntryPoint = "geteuid")]
    private static extern uint GetEuid();

    /// <summary>
    /// A socket file with mode 000 refuses a non-root user (EACCES). As root, the check is done on a dedicated
    /// thread whose filesystem uid is switched to 65534 with setfsuid(2) — per-thread, and dropping the fs
    /// capabilities (CAP_DAC_OVERRIDE) — so the kernel applies the permission check as it would for a normal user.
    /// </summary>
    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task Permission_denied_socket_is_DockerPermissionDenied()
    {
        await using var fake = new FakeDockerDaemon(_ => null);
        File.SetUnixFileMode(Path.GetDirectoryName(fake.SocketPath)!,
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        File.SetUnixFileMode(fake.SocketPath, UnixFileMode.None);
        DockerEndpoint endpoint = DockerEndpoint.Parse(fake.Endpoint);

        if (GetEuid() != 0)
        {
            using var client = new DockerClient(endpoint);
            var viaClient = await Assert.ThrowsAsync<BackupPsException>(() => client.GetVersionAsync());
            Assert.Equal(DockerErrorIds.DockerPermissionDenied, viaClient.ErrorId);
        }

        Exception? caught = null;
        var thread = new Thread(() =>
        {
            bool switched = false;
            try
            {
                if (GetEuid() == 0)
                {
                    SetFsUid(65534);
                    switched = true;
                }

                // ConnectAsync issues connect(2) synchronously on this thread for Unix sockets.
                using Socket s = endpoint.ConnectAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
            }
            catch (Exception ex)
            {
                caught = ex;
            }
            finally
            {
                if (switched)
                {
                    SetFsUid(0);
                }
            }
        });
        thread.Start();
        thread.Join();

        var bp = Assert.IsType<BackupPsException>(caught);
        Assert.Equal(DockerErrorIds.DockerPermissionDenied, bp.ErrorId);
        Assert.Equal(FailureCategory.PermissionDenied, bp.Category);
        Assert.Contains("docker' group", bp.Message, StringComparison.Ordinal);
        Assert.Contains("sudo", bp.Message, StringComparison.Ordinal);
    }
}
