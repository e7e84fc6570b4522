using System.Buffers;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using BackupPs.Core.Errors;

namespace BackupPs.Core.Docker;

/// <summary>
/// A raw HTTP/1.1 request whose response is taken over as a bidirectional byte stream
/// (<c>Connection: Upgrade</c>, <c>Upgrade: tcp</c>), as <c>POST /exec/{id}/start</c> needs.
/// </summary>
/// <remarks>
/// Both <c>101 UPGRADED</c> and <c>200 OK</c> (a proxy that strips <c>Upgrade</c>) are accepted. Bytes that arrived
/// after the response head belong to the stream and are left in <see cref="Buffer"/> at <c>[Start, End)</c>.
/// Any other status is read as a JSON error and mapped through the supplied callback.
/// </remarks>
internal sealed class HijackedConnection : IDisposable
{
    internal const int DefaultBufferSize = 256 * 1024;
    private const int MaxHeadBytes = 64 * 1024;
    private const int MaxErrorBody = 64 * 1024;

    private byte[]? _buffer;
    private int _aborted;

    private HijackedConnection(Socket socket, byte[] buffer, int start, int end)
    {
        Socket = socket;
        Stream = new NetworkStream(socket, ownsSocket: true);
        _buffer = buffer;
        Start = start;
        End = end;
    }

    internal Socket Socket { get; }

    internal NetworkStream Stream { get; }

    internal byte[] Buffer => _buffer ?? throw new ObjectDisposedException(nameof(HijackedConnection));

    internal int Start { get; }

    internal int End { get; }

    internal bool Aborted => Volatile.Read(ref _aborted) != 0;

    /// <summary>Connects, sends the request and reads the response head.</summary>
    /// <param name="mapError">Maps (HTTP status, daemon message) to the exception to throw for a non-upgrade answer.</param>
    internal static async Task<HijackedConnection> OpenAsync(
        DockerEndpoint endpoint,
        string pathAndQuery,
        byte[] jsonBody,
        Func<int, string, Exception> mapError,
        CancellationToken ct,
        int bufferSize = DefaultBufferSize)
    {
        Socket socket = await endpoint.ConnectAsync(ct).ConfigureAwait(false);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(bufferSize, MaxHeadBytes));
        bool handedOver = false;
        try
        {
            using CancellationTokenRegistration reg = ct.Register(static s => ((Socket)s!).Dispose(), socket);
            string head =
                $"POST {pathAndQuery} HTTP/1.1\r\n" +
                $"Host: {endpoint.HttpAuthority}\r\n" +
                "User-Agent: BackupPs/1.0\r\n" +
                "Content-Type: application/json\r\n" +
                "Connection: Upgrade\r\n" +
                "Upgrade: tcp\r\n" +
                $"Content-Length: {jsonBody.Length.ToString(CultureInfo.InvariantCulture)}\r\n\r\n";
            byte[] request = new byte[Encoding.ASCII.GetByteCount(head) + jsonBody.Length];
            int headLen = Encoding.ASCII.GetBytes(head, request);
            jsonBody.CopyTo(request, headLen);
            await SendAllAsync(socket, request, ct).ConfigureAwait(false);

            // Read the response head.
            int end = 0;
            int headerEnd;
            while ((headerEnd = buffer.AsSpan(0, end).IndexOf("\r\n\r\n"u8)) < 0)
            {
                if (end >= MaxHeadBytes)
                {
                    throw Protocol(endpoint, "the response head is larger than 64 KiB");
                }

                int n = await socket.ReceiveAsync(buffer.AsMemory(end, MaxHeadBytes - end), SocketFlags.None, ct).ConfigureAwait(false);
                if (n == 0)
                {
                    throw DockerErrors.ConnectionFailed(endpoint.Uri, "the daemon closed the connection before answering the exec start request");
                }

                end += n;
            }

            string headText = Encoding.ASCII.GetString(buffer, 0, headerEnd);
            string[] lines = headText.Split("\r\n");
            string[] statusParts = lines[0].Split(' ', 3);
            if (statusParts.Length < 2 || !statusParts[0].StartsWith("HTTP/1.", StringComparison.Ordinal)
                || !int.TryParse(statusParts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int status))
            {
                throw Protocol(endpoint, "the status line is not HTTP/1.x");
            }

            int bodyStart = headerEnd + 4;
            if (status is 101 or 200)
            {
                handedOver = true;
                return new HijackedConnection(socket, buffer, bodyStart, end);
            }

            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            for (int i = 1; i < lines.Length; i++)
            {
                int colon = lines[i].IndexOf(':', StringComparison.Ordinal);
                if (colon > 0)
                {
                    headers[lines[i][..colon].Trim()] = lines[i][(colon + 1)..].Trim();
                }
            }

            string body = await ReadErrorBodyAsync(socket, buffer, bodyStart, end, headers, ct).ConfigureAwait(false);
            throw mapError(status, DockerClient.ExtractErrorMessage(Encoding.UTF8.GetBytes(body)));
        }
        catch (SocketException ex) when (!ct.IsCancellationRequested)
        {
            throw DockerErrors.ConnectionFailed(endpoint.Uri, ex.Message, ex);
        }
        catch (ObjectDisposedException) when (ct.IsCancellationRequested)
        {
            throw new OperationCanceledException(ct);
        }
        catch (SocketException) when (ct.IsCancellationRequested)
        {
            throw new OperationCanceledException(ct);
        }
        finally
        {
            if (!handedOver)
            {
                socket.Dispose();
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private static async Task SendAllAsync(Socket socket, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        while (!data.IsEmpty)
        {
            int n = await socket.SendAsync(data, SocketFlags.None, ct).ConfigureAwait(false);
            data = data[n..];
        }
    }

    private static async Task<string> ReadErrorBodyAsync(
        Socket socket, byte[] buffer, int start, int end, Dictionary<string, string> headers, CancellationToken ct)
    {
        // Move what we have to the front and read more as the framing says, capped.
        int have = end - start;
        System.Buffer.BlockCopy(buffer, start, buffer, 0, have);
        int limit = Math.Min(buffer.Length, MaxErrorBody);
        bool chunked = headers.TryGetValue("Transfer-Encoding", out string? te) && te.Contains("chunked", StringComparison.OrdinalIgnoreCase);
        long? length = headers.TryGetValue("Content-Length", out string? cl)
            && long.TryParse(cl, NumberStyles.None, CultureInfo.InvariantCulture, out long l) ? l : null;

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            while (have < limit)
            {
                if (length is not null && have >= length)
                {
                    break;
                }

                if (chunked && buffer.AsSpan(0, have).IndexOf("\r\n0\r\n"u8) >= 0)
                {
                    break;
                }

                int n = await socket.ReceiveAsync(buffer.AsMemory(have, limit - have), SocketFlags.None, timeout.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                have += n;
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // The error body did not complete in time; use what arrived.
        }
        catch (SocketException)
        {
            // Use what arrived.
        }

        int take = length is not null ? (int)Math.Min(have, length.Value) : have;
        return chunked ? Dechunk(buffer.AsSpan(0, have)) : Encoding.UTF8.GetString(buffer, 0, take);
    }

    private static string Dechunk(ReadOnlySpan<byte> data)
    {
        var sb = new StringBuilder();
        while (!data.IsEmpty)
        {
            int lineEnd = data.IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                break;
            }

            string sizeText = Encoding.ASCII.GetString(data[..lineEnd]).Split(';')[0].Trim();
            if (!int.TryParse(sizeText, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int size) || size == 0)
            {
                break;
            }

            data = data[(lineEnd + 2)..];
            int take = Math.Min(size, data.Length);
            sb.Append(Encoding.UTF8.GetString(data[..take]));
            data = data[take..];
            if (data.Length >= 2)
            {
                data = data[2..];
            }
        }

        return sb.ToString();
    }

    private static BackupPsException Protocol(DockerEndpoint endpoint, string why) => DockerErrors.Create(
        DockerErrorIds.DockerConnectionFailed, FailureCategory.ProtocolError,
        $"The Docker endpoint '{endpoint.Uri}' answered the exec start request with invalid HTTP ({why}); check that DOCKER_HOST points at a Docker daemon and no proxy rewrites the connection.",
        endpoint.Uri);

    /// <summary>Closes the socket at once (pending reads and writes fail). Safe to call from any thread, many times.</summary>
    internal void Abort()
    {
        Volatile.Write(ref _aborted, 1);
        Socket.Dispose();
    }

    public void Dispose()
    {
        Stream.Dispose();
        byte[]? b = Interlocked.Exchange(ref _buffer, null);
        if (b is not null)
        {
            ArrayPool<byte>.Shared.Return(b);
        }
    }
}
