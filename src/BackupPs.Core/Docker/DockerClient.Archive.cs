using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using BackupPs.Core.Errors;

namespace BackupPs.Core.Docker;

public sealed partial class DockerClient
{
    /// <summary>
    /// <c>GET /containers/{id}/archive?path=…</c>: a tar of <paramref name="path"/> whose entries are rooted at the
    /// path's basename. Works on created-but-never-started containers too. Dispose the returned stream.
    /// </summary>
    /// <remarks>Throws DockerContainerNotFound or DockerPathNotFound for a 404. A connection that ends early while
    /// reading raises DockerStreamTruncated from the stream's Read.</remarks>
    public async Task<DockerArchiveStream> GetArchiveAsync(string containerId, string path, CancellationToken cancellationToken = default)
    {
        RequireId(containerId, nameof(containerId));
        ArgumentException.ThrowIfNullOrEmpty(path);
        var context = new RequestContext("read an archive from container", ObjectKind.ContainerPath, containerId, path);
        HttpResponseMessage response = await SendAsync(
            HttpMethod.Get, "containers/" + Esc(containerId) + "/archive?path=" + Esc(path), null,
            HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        try
        {
            await EnsureSuccessAsync(response, context, cancellationToken).ConfigureAwait(false);
            DockerPathStat? stat = response.Headers.TryGetValues("X-Docker-Container-Path-Stat", out IEnumerable<string>? values)
                ? ParsePathStat(values.FirstOrDefault())
                : null;
            Stream content = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return new DockerArchiveStream(response, content, stat, containerId, path);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>
    /// <c>PUT /containers/{id}/archive?path=…</c>: extracts the tar <paramref name="tar"/> (not disposed) into the
    /// existing directory <paramref name="path"/>. Numeric uid/gid and modes in the tar are kept.
    /// </summary>
    public async Task PutArchiveAsync(string containerId, string path, Stream tar, CancellationToken cancellationToken = default)
    {
        RequireId(containerId, nameof(containerId));
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tar);
        var content = new PassThroughStreamContent(tar);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-tar");
        HttpResponseMessage response;
        try
        {
            response = await SendAsync(
                HttpMethod.Put, "containers/" + Esc(containerId) + "/archive?path=" + Esc(path), content,
                HttpCompletionOption.ResponseContentRead, cancellationToken, expectContinue: true).ConfigureAwait(false);
        }
        catch (BackupPsException ex) when (ex.ErrorId == DockerErrorIds.DockerConnectionFailed)
        {
            // The daemon stops reading and closes when it rejects the content half-way (invalid tar, full or
            // read-only file system); its answer is then lost.
            throw DockerErrors.Create(
                DockerErrorIds.DockerConnectionFailed, FailureCategory.ConnectionError,
                $"The Docker daemon closed the connection while receiving the archive for '{path}' in container '{containerId}', probably because it rejected the content (invalid tar, full or read-only file system); check the daemon log (journalctl -u docker) and retry.",
                containerId, ex);
        }

        using (response)
        {
            await EnsureSuccessAsync(response, new RequestContext("write an archive into container", ObjectKind.ContainerPath, containerId, path), cancellationToken)
                .ConfigureAwait(false);
        }
    }

    /// <summary>Parses the base64 JSON <c>X-Docker-Container-Path-Stat</c> header; null when absent or malformed.</summary>
    internal static DockerPathStat? ParsePathStat(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return null;
        }

        try
        {
            byte[] json = Convert.FromBase64String(header.Trim());
            using JsonDocument doc = JsonDocument.Parse(json);
            JsonElement r = doc.RootElement;
            long mode = r.Int64("mode") ?? 0;
            return new DockerPathStat(
                r.StrOrEmpty("name"),
                r.Int64("size") ?? 0,
                unchecked((uint)mode),
                r.Str("mtime"),
                r.Str("linkTarget") is { Length: > 0 } link ? link : null);
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return null;
        }
    }
}

/// <summary>
/// The tar body of <c>GET /containers/{id}/archive</c>. Read-only and forward-only; disposing it releases the
/// HTTP response. Read failures after the headers (connection dropped) become DockerStreamTruncated.
/// </summary>
public sealed class DockerArchiveStream : Stream
{
    private readonly HttpResponseMessage _response;
    private readonly Stream _inner;
    private readonly string _containerId;
    private readonly string _path;
    private long _position;

    internal DockerArchiveStream(HttpResponseMessage response, Stream inner, DockerPathStat? stat, string containerId, string path)
    {
        _response = response;
        _inner = inner;
        Stat = stat;
        _containerId = containerId;
        _path = path;
    }

    /// <summary>The stat of the archived path (from <c>X-Docker-Container-Path-Stat</c>), when the daemon sent it.</summary>
    public DockerPathStat? Stat { get; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    /// <summary>Bytes read so far.</summary>
    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        try
        {
            int n = _inner.Read(buffer);
            _position += n;
            return n;
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            throw Truncated(ex);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            int n = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            _position += n;
            return n;
        }
        catch (Exception ex) when ((ex is IOException or HttpRequestException) && !cancellationToken.IsCancellationRequested)
        {
            throw Truncated(ex);
        }
    }

    private BackupPsException Truncated(Exception ex) => DockerErrors.Create(
        DockerErrorIds.DockerStreamTruncated, FailureCategory.ProtocolError,
        string.Create(CultureInfo.InvariantCulture, $"The archive of '{_path}' from container '{_containerId}' ended after {_position} bytes because the connection failed ({DockerErrors.OneLine(ex.Message)}); treat the copy as failed and retry."),
        _containerId, ex);

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
            _response.Dispose();
        }

        base.Dispose(disposing);
    }
}
