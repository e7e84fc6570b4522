using System.Net;
using System.Net.Sockets;
using BackupPs.Core.Errors;

namespace BackupPs.Core.Docker;

/// <summary>How the client reaches the daemon.</summary>
public enum DockerEndpointKind
{
    /// <summary>A Unix domain socket (unix:///var/run/docker.sock).</summary>
    Unix,

    /// <summary>Plain TCP without TLS (tcp://host:2375).</summary>
    Tcp,
}

/// <summary>
/// A parsed Docker endpoint: <c>unix:///path</c> or <c>tcp://host:port</c>. TLS (<c>DOCKER_TLS_VERIFY</c>),
/// <c>ssh://</c>, <c>npipe://</c> and docker CLI contexts are not supported.
/// </summary>
public sealed class DockerEndpoint
{
    /// <summary>The daemon's default Unix socket endpoint.</summary>
    public const string DefaultUri = "unix:///var/run/docker.sock";

    /// <summary>Port used for <c>tcp://host</c> without a port (the daemon's plain-HTTP port).</summary>
    public const int DefaultTcpPort = 2375;

    private DockerEndpoint(string uri, DockerEndpointKind kind, string? socketPath, string? host, int port)
    {
        Uri = uri;
        Kind = kind;
        SocketPath = socketPath;
        Host = host;
        Port = port;
    }

    /// <summary>The endpoint as given (normalised), e.g. <c>unix:///var/run/docker.sock</c>.</summary>
    public string Uri { get; }

    public DockerEndpointKind Kind { get; }

    /// <summary>Socket file path for <see cref="DockerEndpointKind.Unix"/>; otherwise null.</summary>
    public string? SocketPath { get; }

    /// <summary>Host name or address for <see cref="DockerEndpointKind.Tcp"/>; otherwise null.</summary>
    public string? Host { get; }

    /// <summary>TCP port for <see cref="DockerEndpointKind.Tcp"/>; otherwise 0.</summary>
    public int Port { get; }

    /// <summary>The value used for the HTTP Host header and the HttpClient base address.</summary>
    internal string HttpAuthority => Kind == DockerEndpointKind.Unix
        ? "api.moby.localhost"
        : (Host!.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}");

    public override string ToString() => Uri;

    /// <summary>Resolves the endpoint string from the environment: <c>DOCKER_HOST</c>, else <see cref="DefaultUri"/>.</summary>
    public static string ResolveDefaultUri() => ResolveDefaultUri(Environment.GetEnvironmentVariable);

    internal static string ResolveDefaultUri(Func<string, string?> getEnvironmentVariable)
    {
        string? host = getEnvironmentVariable("DOCKER_HOST");
        return string.IsNullOrWhiteSpace(host) ? DefaultUri : host.Trim();
    }

    /// <summary>Parses and validates the endpoint from the environment (<c>DOCKER_HOST</c>, <c>DOCKER_TLS_VERIFY</c>).</summary>
    public static DockerEndpoint FromEnvironment() => FromEnvironment(Environment.GetEnvironmentVariable);

    internal static DockerEndpoint FromEnvironment(Func<string, string?> getEnvironmentVariable)
    {
        DockerEndpoint endpoint = Parse(ResolveDefaultUri(getEnvironmentVariable));
        if (endpoint.Kind == DockerEndpointKind.Tcp && !string.IsNullOrEmpty(getEnvironmentVariable("DOCKER_TLS_VERIFY")))
        {
            throw DockerErrors.Create(
                DockerErrorIds.DockerHostInvalid, FailureCategory.InvalidArgument,
                $"DOCKER_TLS_VERIFY is set for '{endpoint.Uri}' but BackupPs does not speak TLS to the daemon; use the local unix socket (unset DOCKER_HOST) or an SSH tunnel to a plain tcp:// port.",
                endpoint.Uri);
        }

        return endpoint;
    }

    /// <summary>Parses <c>unix:///path</c> or <c>tcp://host[:port]</c>.</summary>
    public static DockerEndpoint Parse(string endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        string value = endpoint.Trim();
        if (value.StartsWith("unix://", StringComparison.OrdinalIgnoreCase))
        {
            string path = value["unix://".Length..];
            if (path.Length == 0 || path[0] != '/')
            {
                throw Invalid(endpoint, "a unix endpoint needs an absolute socket path, e.g. unix:///var/run/docker.sock");
            }

            return new DockerEndpoint("unix://" + path, DockerEndpointKind.Unix, path, null, 0);
        }

        if (value.StartsWith("tcp://", StringComparison.OrdinalIgnoreCase)
            || value.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            if (!System.Uri.TryCreate(value.StartsWith("tcp://", StringComparison.OrdinalIgnoreCase) ? "http://" + value["tcp://".Length..] : value, UriKind.Absolute, out Uri? uri)
                || string.IsNullOrEmpty(uri.Host)
                || (uri.AbsolutePath.Length > 0 && uri.AbsolutePath != "/"))
            {
                throw Invalid(endpoint, "a tcp endpoint looks like tcp://host:2375");
            }

            string host = uri.Host.Trim('[', ']');
            int port = HasExplicitPort(value) ? uri.Port : DefaultTcpPort;
            string display = host.Contains(':', StringComparison.Ordinal) ? $"tcp://[{host}]:{port}" : $"tcp://{host}:{port}";
            return new DockerEndpoint(display, DockerEndpointKind.Tcp, null, host, port);
        }

        throw Invalid(endpoint, "only unix:///path and tcp://host:port are supported (no TLS, ssh:// or npipe://)");
    }

    private static bool HasExplicitPort(string value)
    {
        string authority = value[(value.IndexOf("://", StringComparison.Ordinal) + 3)..];
        int slash = authority.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            authority = authority[..slash];
        }

        return authority.StartsWith('[')
            ? authority.Contains("]:", StringComparison.Ordinal)
            : authority.Contains(':', StringComparison.Ordinal);
    }

    private static BackupPsException Invalid(string endpoint, string why) => DockerErrors.Create(
        DockerErrorIds.DockerHostInvalid, FailureCategory.InvalidArgument,
        $"The Docker endpoint '{endpoint}' cannot be used because {why}; fix DOCKER_HOST or the -DockerHost value.",
        endpoint);

    /// <summary>
    /// Opens a connected stream socket to the daemon and maps connect failures to <see cref="BackupPsException"/>.
    /// For Unix sockets the connect syscall is issued synchronously on the calling thread (it never blocks on
    /// a local socket), which the permission test relies on.
    /// </summary>
    internal async ValueTask<Socket> ConnectAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (Kind == DockerEndpointKind.Unix)
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath!), cancellationToken).ConfigureAwait(false);
                return socket;
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                throw MapConnectError(ex);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        var tcp = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await tcp.ConnectAsync(new DnsEndPoint(Host!, Port), cancellationToken).ConfigureAwait(false);
            return tcp;
        }
        catch (SocketException ex)
        {
            tcp.Dispose();
            throw MapConnectError(ex);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    internal BackupPsException MapConnectError(SocketException ex)
    {
        if (Kind == DockerEndpointKind.Unix)
        {
            switch (ex.SocketErrorCode)
            {
                case SocketError.AccessDenied:
                    return DockerErrors.PermissionDenied(SocketPath!, ex);
                case SocketError.ConnectionRefused:
                    // ECONNREFUSED on a unix socket: the file exists but no daemon listens (stale socket).
                    return DockerErrors.ConnectionRefused(Uri, ex);
                case SocketError.AddressNotAvailable: // ENOENT is surfaced as this for unix endpoints
                case SocketError.HostNotFound:
                    return DockerErrors.SocketNotFound(SocketPath!, ex);
            }

            // ENOTDIR, ENOENT variants and others: decide by whether the file is there.
            if (!File.Exists(SocketPath) && !Directory.Exists(SocketPath))
            {
                return DockerErrors.SocketNotFound(SocketPath!, ex);
            }

            return DockerErrors.ConnectionFailed(Uri, ex.Message, ex);
        }

        return ex.SocketErrorCode switch
        {
            SocketError.ConnectionRefused => DockerErrors.ConnectionRefused(Uri, ex),
            SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData or SocketError.HostUnreachable
                or SocketError.NetworkUnreachable or SocketError.TimedOut or SocketError.HostDown => DockerErrors.Create(
                    DockerErrorIds.DockerHostUnreachable, FailureCategory.ConnectionError,
                    $"The Docker host '{Uri}' cannot be reached ({DockerErrors.OneLine(ex.Message)}); check DOCKER_HOST and the network, or unset DOCKER_HOST to use the local socket.",
                    Uri, ex),
            SocketError.AccessDenied => DockerErrors.Create(
                DockerErrorIds.DockerPermissionDenied, FailureCategory.PermissionDenied,
                $"Permission denied connecting to the Docker host '{Uri}'; check firewall rules for the port or use the local unix socket.",
                Uri, ex),
            _ => DockerErrors.ConnectionFailed(Uri, ex.Message, ex),
        };
    }
}
