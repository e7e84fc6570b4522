using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using BackupPs.Core.Errors;

namespace BackupPs.Core.Docker;

public sealed partial class DockerClient
{
    /// <summary><c>GET /volumes</c>, optionally filtered by labels (ANDed; a null value matches on presence).</summary>
    public async Task<IReadOnlyList<DockerVolume>> ListVolumesAsync(
        IReadOnlyDictionary<string, string>? labelFilters, CancellationToken cancellationToken = default)
    {
        string query = "volumes";
        if (DockerJson.LabelFilters(labelFilters) is { } filters)
        {
            query += "?filters=" + Esc(filters);
        }

        using JsonDocument doc = await GetJsonAsync(query, new RequestContext("list volumes", ObjectKind.None, null), cancellationToken).ConfigureAwait(false);
        var result = new List<DockerVolume>();
        if (doc.RootElement.TryGet("Volumes", out JsonElement volumes) && volumes.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement v in volumes.EnumerateArray())
            {
                result.Add(ReadVolume(v));
            }
        }

        return result;
    }

    /// <summary><c>GET /volumes/{name}</c>. Throws DockerVolumeNotFound (ObjectNotFound) for a 404.</summary>
    public async Task<DockerVolume> InspectVolumeAsync(string name, CancellationToken cancellationToken = default)
    {
        RequireId(name, nameof(name));
        using JsonDocument doc = await GetJsonAsync(
            "volumes/" + Esc(name), new RequestContext("inspect volume", ObjectKind.Volume, name), cancellationToken).ConfigureAwait(false);
        return ReadVolume(doc.RootElement);
    }

    /// <summary><c>POST /volumes/create</c> with the local driver. Creating an existing name returns the existing volume
    /// (daemon behaviour), so compare labels if that matters.</summary>
    public Task<DockerVolume> CreateVolumeAsync(
        string name, IReadOnlyDictionary<string, string>? labels, CancellationToken cancellationToken = default)
        => CreateVolumeAsync(name, "local", labels, null, cancellationToken);

    /// <summary>
    /// <c>POST /volumes/create</c> with <paramref name="driver"/> and its <paramref name="driverOptions"/> (for local:
    /// type, device, o), as Restore-Volume recreates a backed-up volume. Creating an existing name returns the existing
    /// volume (daemon behaviour): inspect first when a new one is meant.
    /// </summary>
    public async Task<DockerVolume> CreateVolumeAsync(string name, string driver, IReadOnlyDictionary<string, string>? labels,
        IReadOnlyDictionary<string, string>? driverOptions, CancellationToken cancellationToken = default)
    {
        RequireId(name, nameof(name));
        ArgumentException.ThrowIfNullOrWhiteSpace(driver);
        byte[] body = DockerJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("Name", name);
            w.WriteString("Driver", driver);
            w.WriteStringMap("Labels", labels ?? new Dictionary<string, string>());
            w.WriteStringMap("DriverOpts", driverOptions ?? new Dictionary<string, string>());
            w.WriteEndObject();
        });
        (_, JsonDocument? doc) = await SendJsonAsync(
            HttpMethod.Post, "volumes/create", body, new RequestContext("create volume", ObjectKind.Volume, name), cancellationToken).ConfigureAwait(false);
        using (doc)
        {
            return doc is null
                ? await InspectVolumeAsync(name, cancellationToken).ConfigureAwait(false)
                : ReadVolume(doc.RootElement);
        }
    }

    /// <summary><c>DELETE /volumes/{name}</c>. Returns false when it did not exist; throws DockerVolumeInUse (409)
    /// when a container still references it.</summary>
    public async Task<bool> RemoveVolumeAsync(string name, CancellationToken cancellationToken = default)
    {
        RequireId(name, nameof(name));
        (HttpStatusCode status, JsonDocument? doc) = await SendJsonAsync(
            HttpMethod.Delete, "volumes/" + Esc(name), null,
            new RequestContext("remove volume", ObjectKind.Volume, name), cancellationToken, HttpStatusCode.NotFound).ConfigureAwait(false);
        doc?.Dispose();
        return status != HttpStatusCode.NotFound;
    }

    private static DockerVolume ReadVolume(JsonElement v) => new(
        v.StrOrEmpty("Name"),
        v.StrOrEmpty("Driver"),
        v.StrOrEmpty("Mountpoint"),
        v.StrOrEmpty("Scope"),
        v.Str("CreatedAt"),
        v.StrMap("Labels"),
        v.StrMap("Options"));

    /// <summary><c>GET /images/json</c>: the images present locally (never pulls), newest first as the daemon lists them.</summary>
    public async Task<IReadOnlyList<DockerImageSummary>> ListImagesAsync(CancellationToken cancellationToken = default)
    {
        using JsonDocument doc = await GetJsonAsync("images/json", new RequestContext("list images", ObjectKind.None, null), cancellationToken).ConfigureAwait(false);
        var result = new List<DockerImageSummary>();
        if (doc.RootElement.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement i in doc.RootElement.EnumerateArray())
            {
                result.Add(new DockerImageSummary(i.StrOrEmpty("Id"), i.StrList("RepoTags"), i.Int64("Size") ?? 0));
            }
        }

        return result;
    }

    /// <summary><c>GET /images/{name}/json</c>; null when the image is not present locally.</summary>
    public async Task<DockerImage?> InspectImageAsync(string name, CancellationToken cancellationToken = default)
    {
        RequireId(name, nameof(name));
        (HttpStatusCode status, JsonDocument? doc) = await SendJsonAsync(
            HttpMethod.Get, "images/" + EscImage(name) + "/json", null,
            new RequestContext("inspect image", ObjectKind.Image, name), cancellationToken, HttpStatusCode.NotFound).ConfigureAwait(false);
        using (doc)
        {
            if (status == HttpStatusCode.NotFound || doc is null)
            {
                return null;
            }

            JsonElement r = doc.RootElement;
            r.TryGet("Config", out JsonElement config);
            return new DockerImage(
                r.StrOrEmpty("Id"),
                r.StrList("RepoTags"),
                config.StrMap("Labels"),
                r.Str("Os"),
                r.Str("Architecture"));
        }
    }

    /// <summary>
    /// <c>POST /images/create?fromSrc=-</c>: imports a root filesystem tar as <paramref name="repository"/>:<paramref name="tag"/>
    /// (like <c>docker import</c>). Internal: used by the tests to build a tiny local image without a registry.
    /// </summary>
    internal async Task ImportImageAsync(Stream rootfsTar, string repository, string tag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rootfsTar);
        var content = new PassThroughStreamContent(rootfsTar);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-tar");
        string target = repository + ":" + tag;
        using HttpResponseMessage response = await SendAsync(
            HttpMethod.Post, "images/create?fromSrc=-&repo=" + Esc(repository) + "&tag=" + Esc(tag), content,
            HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        var context = new RequestContext("import image", ObjectKind.None, target);
        await EnsureSuccessAsync(response, context, cancellationToken).ConfigureAwait(false);

        // The answer is a stream of JSON progress objects; an {"error": ...} object means failure.
        string text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            try
            {
                using JsonDocument doc = JsonDocument.Parse(Encoding.UTF8.GetBytes(line));
                if (doc.RootElement.Str("error") is { } error)
                {
                    throw MapError(500, error, context, Endpoint.Uri);
                }
            }
            catch (JsonException)
            {
                // progress lines we do not understand are ignored
            }
        }
    }
}

/// <summary>Streams a caller-owned <see cref="Stream"/> as a request body without disposing it.</summary>
internal sealed class PassThroughStreamContent : HttpContent
{
    private const int BufferSize = 256 * 1024;
    private readonly Stream _source;

    internal PassThroughStreamContent(Stream source) => _source = source;

    protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        => SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context, CancellationToken cancellationToken)
    {
        byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (true)
            {
                int n;
                try
                {
                    n = await _source.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Marks a failure of the caller's stream so it is not reported as a daemon connection problem.
                    throw new RequestBodySourceException(ex);
                }

                if (n == 0)
                {
                    break;
                }

                await stream.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        if (_source.CanSeek)
        {
            length = _source.Length - _source.Position;
            return true;
        }

        length = 0;
        return false;
    }
}

/// <summary>Wraps an exception thrown by a caller-supplied request body stream; unwrapped again by the client.</summary>
internal sealed class RequestBodySourceException : IOException
{
    internal RequestBodySourceException(Exception inner)
        : base("Reading the request body stream failed.", inner)
    {
    }
}
