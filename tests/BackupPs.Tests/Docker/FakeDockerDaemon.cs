using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace BackupPs.Tests.Docker;

/// <summary>A request seen by <see cref="FakeDockerDaemon"/>.</summary>
internal sealed record FakeRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    /// <summary>The path without the query string.</summary>
    public string PathOnly => Path.Split('?')[0];

    public string BodyText => Encoding.UTF8.GetString(Body);
}

/// <summary>What <see cref="FakeDockerDaemon"/> sends back: raw bytes, written in chunks when asked.</summary>
internal sealed class FakeResponse
{
    public required byte[] Bytes { get; init; }

    /// <summary>Close the connection after sending (always true for hijacked/raw streams).</summary>
    public bool Close { get; init; }

    /// <summary>When set, the bytes are sent in pieces of this size with a short pause (exercises partial reads).</summary>
    public int ChunkSize { get; init; }

    public static FakeResponse Json(int status, string json, string apiVersion = "1.41", params (string Name, string Value)[] headers)
    {
        byte[] body = Encoding.UTF8.GetBytes(json);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {status} {Reason(status)}\r\n");
        sb.Append("Content-Type: application/json\r\n");
        sb.Append(CultureInfo.InvariantCulture, $"Api-Version: {apiVersion}\r\n");
        sb.Append("Server: Docker/0.0.0-fake (linux)\r\n");
        foreach ((string name, string value) in headers)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        }

        sb.Append(CultureInfo.InvariantCulture, $"Content-Length: {body.Length}\r\n\r\n");
        return new FakeResponse { Bytes = [.. Encoding.ASCII.GetBytes(sb.ToString()), .. body] };
    }

    public static FakeResponse Text(int status, string text, string apiVersion = "1.41")
    {
        byte[] body = Encoding.UTF8.GetBytes(text);
        string head = $"HTTP/1.1 {status} {Reason(status)}\r\nContent-Type: text/plain\r\nApi-Version: {apiVersion}\r\nContent-Length: {body.Length}\r\n\r\n";
        return new FakeResponse { Bytes = [.. Encoding.ASCII.GetBytes(head), .. body] };
    }

    /// <summary>A hijacked exec stream: the 101 (or 200) head followed by <paramref name="stream"/>, then close.</summary>
    public static FakeResponse Upgraded(byte[] stream, bool use200 = false, int chunkSize = 0)
    {
        string head = use200
            ? "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\n\r\n"
            : "HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n";
        return new FakeResponse { Bytes = [.. Encoding.ASCII.GetBytes(head), .. stream], Close = true, ChunkSize = chunkSize };
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        304 => "Not Modified",
        400 => "Bad Request",
        404 => "Not Found",
        409 => "Conflict",
        500 => "Internal Server Error",
        _ => "Status",
    };
}

/// <summary>
/// A tiny HTTP/1.1 server on a temporary Unix socket that plays a Docker daemon for protocol tests:
/// version negotiation, error bodies, and hand-crafted exec streams.
/// </summary>
internal sealed class FakeDockerDaemon : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private readonly Func<FakeRequest, FakeResponse?> _handler;
    private readonly string _dir;

    public FakeDockerDaemon(Func<FakeRequest, FakeResponse?> handler, string maxApi = "1.41", string minApi = "1.12")
    {
        _dir = Directory.CreateTempSubdirectory("bps-fake-docker-").FullName;
        SocketPath = Path.Combine(_dir, "docker.sock");
        MaxApi = maxApi;
        MinApi = minApi;
        _handler = handler;
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
        _listener.Listen(16);
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public string SocketPath { get; }

    public string Endpoint => "unix://" + SocketPath;

    public string MaxApi { get; }

    public string MinApi { get; }

    public ConcurrentQueue<FakeRequest> Requests { get; } = new();

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(Socket client)
    {
        using (client)
        {
            byte[] buf = new byte[64 * 1024];
            int have = 0;
            try
            {
                while (true)
                {
                    int headEnd;
                    while ((headEnd = buf.AsSpan(0, have).IndexOf("\r\n\r\n"u8)) < 0)
                    {
                        int n = await client.ReceiveAsync(buf.AsMemory(have), SocketFlags.None, _stop.Token);
                        if (n == 0)
                        {
                            return;
                        }

                        have += n;
                    }

                    string[] lines = Encoding.ASCII.GetString(buf, 0, headEnd).Split("\r\n");
                    string[] start = lines[0].Split(' ');
                    var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                    foreach (string line in lines.Skip(1))
                    {
                        int c = line.IndexOf(':');
                        if (c > 0)
                        {
                            headers[line[..c].Trim()] = line[(c + 1)..].Trim();
                        }
                    }

                    int bodyLen = headers.TryGetValue("Content-Length", out string? cl) ? int.Parse(cl, CultureInfo.InvariantCulture) : 0;
                    int consumed = headEnd + 4;
                    while (have - consumed < bodyLen)
                    {
                        int n = await client.ReceiveAsync(buf.AsMemory(have), SocketFlags.None, _stop.Token);
                        if (n == 0)
                        {
                            return;
                        }

                        have += n;
                    }

                    byte[] body = buf.AsSpan(consumed, bodyLen).ToArray();
                    Buffer.BlockCopy(buf, consumed + bodyLen, buf, 0, have - consumed - bodyLen);
                    have -= consumed + bodyLen;

                    var request = new FakeRequest(start[0], start[1], headers, body);
                    Requests.Enqueue(request);
                    FakeResponse response = _handler(request) ?? Default(request);
                    if (response.ChunkSize > 0)
                    {
                        for (int i = 0; i < response.Bytes.Length; i += response.ChunkSize)
                        {
                            await client.SendAsync(response.Bytes.AsMemory(i, Math.Min(response.ChunkSize, response.Bytes.Length - i)), SocketFlags.None);
                            await Task.Delay(1);
                        }
                    }
                    else
                    {
                        await client.SendAsync(response.Bytes, SocketFlags.None);
                    }

                    if (response.Close)
                    {
                        client.Shutdown(SocketShutdown.Both);
                        return;
                    }
                }
            }
            catch (Exception)
            {
                // the client went away
            }
        }
    }

    /// <summary>Answers /_ping and /version with <see cref="MaxApi"/>/<see cref="MinApi"/>; 404 otherwise.</summary>
    private FakeResponse Default(FakeRequest request)
    {
        string path = request.PathOnly;
        if (path == "/_ping")
        {
            return FakeResponse.Text(200, "OK", MaxApi);
        }

        if (path == "/version" || path.EndsWith("/version", StringComparison.Ordinal))
        {
            return FakeResponse.Json(200, $$"""{"Version":"99.0.0-fake","ApiVersion":"{{MaxApi}}","MinAPIVersion":"{{MinApi}}","Os":"linux","Arch":"amd64"}""", MaxApi);
        }

        return FakeResponse.Json(404, """{"message":"page not found"}""", MaxApi);
    }

    /// <summary>Builds one multiplexed frame.</summary>
    public static byte[] Frame(byte type, ReadOnlySpan<byte> payload)
    {
        byte[] f = new byte[8 + payload.Length];
        f[0] = type;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(f.AsSpan(4), (uint)payload.Length);
        payload.CopyTo(f.AsSpan(8));
        return f;
    }

    public static byte[] Frame(byte type, string text) => Frame(type, Encoding.UTF8.GetBytes(text));

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Dispose();
        try
        {
            await _acceptLoop;
        }
        catch (Exception)
        {
            // ignored
        }

        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
