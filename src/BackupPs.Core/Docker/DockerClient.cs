using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;
using System.Text;
using System.Text.Json;
using BackupPs.Core.Errors;

namespace BackupPs.Core.Docker;

/// <summary>
/// A small Docker Engine API client (HTTP/1.1 over the Unix socket or plain TCP), written for BackupPs rather than
/// Docker.DotNet, which negotiates no API version and loses the daemon's error messages (README, "Dependencies").
/// JSON calls and archive streaming use <see cref="HttpClient"/>
/// with <see cref="SocketsHttpHandler.ConnectCallback"/>; exec start uses a raw hijacked socket.
/// </summary>
/// <remarks>
/// <para>The API version is negotiated lazily on the first call and then cached for the instance: 1.41 by
/// default, raised to the daemon's minimum when that is higher (up to <see cref="DockerApiVersion.MaximumSupported"/>).
/// Every request path carries <c>/v{version}/</c>.</para>
/// <para>All failures an operator can act on are <see cref="BackupPsException"/> with an id from
/// <see cref="DockerErrorIds"/>. Cancellation surfaces as <see cref="OperationCanceledException"/>.</para>
/// <para>Instances are thread-safe; share one per daemon.</para>
/// </remarks>
public sealed partial class DockerClient : IDisposable, IAsyncDisposable
{
    private const int MaxErrorBodyBytes = 64 * 1024;

    private readonly HttpClient _http;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly object _gate = new();
    private Task<DockerApiVersion>? _negotiation;
    private int _disposed;

    /// <summary>Creates a client for <paramref name="endpoint"/> (<c>unix:///path</c> or <c>tcp://host:port</c>);
    /// null resolves it from <c>DOCKER_HOST</c> (see <see cref="ResolveDefaultEndpoint"/>). Does not connect yet.</summary>
    public DockerClient(string? endpoint = null)
        : this(endpoint is null ? DockerEndpoint.FromEnvironment() : DockerEndpoint.Parse(endpoint))
    {
    }

    /// <summary>Creates a client for a parsed endpoint. Does not connect yet.</summary>
    public DockerClient(DockerEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        Endpoint = endpoint;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) => new NetworkStream(await endpoint.ConnectAsync(ct).ConfigureAwait(false), ownsSocket: true),
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            ConnectTimeout = TimeSpan.FromSeconds(30),
            Expect100ContinueTimeout = TimeSpan.FromSeconds(5),
        };
        _http = new HttpClient(handler, disposeHandler: true)
        {
            BaseAddress = new Uri("http://" + endpoint.HttpAuthority + "/"),
            Timeout = Timeout.InfiniteTimeSpan, // waits, stops and archive streams can take long; callers cancel.
            DefaultRequestVersion = HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("BackupPs", "1.0"));
    }

    /// <summary>The endpoint this client talks to.</summary>
    public DockerEndpoint Endpoint { get; }

    /// <summary>The negotiated API version, or null before the first successful call.</summary>
    public DockerApiVersion? ApiVersion
    {
        get
        {
            Task<DockerApiVersion>? t = Volatile.Read(ref _negotiation);
            return t is { IsCompletedSuccessfully: true } ? t.Result : null;
        }
    }

    /// <summary>The endpoint string from the environment: <c>DOCKER_HOST</c>, else <c>unix:///var/run/docker.sock</c>.</summary>
    public static string ResolveDefaultEndpoint() => DockerEndpoint.ResolveDefaultUri();

    /// <summary>Negotiates the API version (once per instance; later calls return the cached value).</summary>
    public async Task<DockerApiVersion> NegotiateApiVersionAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        Task<DockerApiVersion> task;
        lock (_gate)
        {
            if (_negotiation is null || _negotiation.IsFaulted || _negotiation.IsCanceled)
            {
                // Runs on the client's lifetime token (plus a timeout) so one caller's cancellation does not
                // poison the cache and a hung daemon does not block every later caller.
                _negotiation = NegotiateWithTimeoutAsync();
            }

            task = _negotiation;
        }

        return await task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How long version negotiation (ping + version) may take before the daemon counts as unresponsive.</summary>
    internal static TimeSpan NegotiationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    private async Task<DockerApiVersion> NegotiateWithTimeoutAsync()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token);
        timeout.CancelAfter(NegotiationTimeout);
        try
        {
            return await NegotiateCoreAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!_lifetime.IsCancellationRequested)
        {
            throw DockerErrors.Create(
                DockerErrorIds.DockerConnectionFailed, FailureCategory.ConnectionError,
                $"The Docker daemon at '{Endpoint.Uri}' did not answer /_ping and /version within {NegotiationTimeout.TotalSeconds:0} s; check that the daemon is healthy (docker info) and retry.",
                Endpoint.Uri);
        }
    }

    private async Task<DockerApiVersion> NegotiateCoreAsync(CancellationToken ct)
    {
        DockerApiVersion? max = null;
        using (HttpResponseMessage ping = await SendCoreAsync(HttpMethod.Get, "_ping", null, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false))
        {
            if (!ping.IsSuccessStatusCode)
            {
                throw await ErrorAsync(ping, new RequestContext("ping the daemon", ObjectKind.None, null), ct).ConfigureAwait(false);
            }

            if (ping.Headers.TryGetValues("Api-Version", out IEnumerable<string>? values)
                && DockerApiVersion.TryParse(values.FirstOrDefault(), out DockerApiVersion pingMax))
            {
                max = pingMax;
            }
        }

        DockerApiVersion? min = null;
        using (HttpResponseMessage version = await SendCoreAsync(HttpMethod.Get, "version", null, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false))
        {
            if (!version.IsSuccessStatusCode)
            {
                throw await ErrorAsync(version, new RequestContext("read the daemon version", ObjectKind.None, null), ct).ConfigureAwait(false);
            }

            using JsonDocument doc = await ReadJsonAsync(version, ct).ConfigureAwait(false);
            if (DockerApiVersion.TryParse(doc.RootElement.Str("MinAPIVersion"), out DockerApiVersion vMin))
            {
                min = vMin;
            }

            if (max is null && DockerApiVersion.TryParse(doc.RootElement.Str("ApiVersion"), out DockerApiVersion vMax))
            {
                max = vMax;
            }
        }

        if (max is null)
        {
            throw DockerErrors.Create(
                DockerErrorIds.DockerConnectionFailed, FailureCategory.ProtocolError,
                $"The endpoint '{Endpoint.Uri}' did not report a Docker API version on /_ping or /version, so it is probably not a Docker daemon; check DOCKER_HOST.",
                Endpoint.Uri);
        }

        return DockerApiVersion.Negotiate(max.Value, min, Endpoint.Uri);
    }

    /// <summary><c>GET /version</c>: the daemon's version and API range.</summary>
    public async Task<DockerVersionInfo> GetVersionAsync(CancellationToken cancellationToken = default)
    {
        using JsonDocument doc = await GetJsonAsync("version", new RequestContext("read the daemon version", ObjectKind.None, null), cancellationToken).ConfigureAwait(false);
        JsonElement r = doc.RootElement;
        return new DockerVersionInfo(
            r.StrOrEmpty("Version"),
            r.StrOrEmpty("ApiVersion"),
            r.StrOrEmpty("MinAPIVersion"),
            r.Str("Os"),
            r.Str("Arch"),
            r.Str("KernelVersion"));
    }

    // ---------------------------------------------------------------- request plumbing

    internal enum ObjectKind
    {
        None,
        Container,
        Volume,
        Image,
        Exec,
        ContainerPath,
    }

    /// <summary>What a request was about, for error messages.</summary>
    /// <param name="Operation">A verb phrase, e.g. "inspect container".</param>
    internal readonly record struct RequestContext(string Operation, ObjectKind Kind, string? Target, string? Path = null);

    /// <summary>Sends a request to <c>/v{version}/{relative}</c>.</summary>
    /// <param name="expectContinue">Send <c>Expect: 100-continue</c> so that an early error answer (e.g. a 404 for an
    /// archive upload) arrives before the body is sent instead of as a broken pipe.</param>
    internal async Task<HttpResponseMessage> SendAsync(
        HttpMethod method, string relative, HttpContent? content, HttpCompletionOption completion, CancellationToken ct, bool expectContinue = false)
    {
        DockerApiVersion version = await NegotiateApiVersionAsync(ct).ConfigureAwait(false);
        return await SendCoreAsync(method, "v" + version.ToString() + "/" + relative, content, completion, ct, expectContinue).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> SendCoreAsync(
        HttpMethod method, string relative, HttpContent? content, HttpCompletionOption completion, CancellationToken ct, bool expectContinue = false)
    {
        ThrowIfDisposed();
        var request = new HttpRequestMessage(method, relative) { Content = content };
        if (expectContinue)
        {
            request.Headers.ExpectContinue = true;
        }

        try
        {
            return await _http.SendAsync(request, completion, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            if (FindBackupPsException(ex) is { } inner)
            {
                ExceptionDispatchInfo.Throw(inner);
            }

            if (FindSourceException(ex) is { } source)
            {
                ExceptionDispatchInfo.Throw(source);
            }

            throw DockerErrors.ConnectionFailed(Endpoint.Uri, ex.InnerException?.Message ?? ex.Message, ex);
        }
        catch (IOException ex) when (!ct.IsCancellationRequested)
        {
            if (FindSourceException(ex) is { } source)
            {
                ExceptionDispatchInfo.Throw(source);
            }

            throw DockerErrors.ConnectionFailed(Endpoint.Uri, ex.Message, ex);
        }
        catch (ObjectDisposedException) when (Volatile.Read(ref _disposed) != 0)
        {
            throw new ObjectDisposedException(nameof(DockerClient));
        }
    }

    private static BackupPsException? FindBackupPsException(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is BackupPsException bp)
            {
                return bp;
            }
        }

        return null;
    }

    /// <summary>The original exception of a caller's request body stream, if that is what failed.</summary>
    private static Exception? FindSourceException(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is RequestBodySourceException s)
            {
                return s.InnerException;
            }
        }

        return null;
    }

    internal async Task<JsonDocument> GetJsonAsync(string relative, RequestContext context, CancellationToken ct)
    {
        using HttpResponseMessage response = await SendAsync(HttpMethod.Get, relative, null, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
        await EnsureSuccessAsync(response, context, ct).ConfigureAwait(false);
        return await ReadJsonAsync(response, ct).ConfigureAwait(false);
    }

    /// <summary>Sends a request with an optional JSON body and returns the parsed JSON answer (null for an empty body).</summary>
    internal async Task<(HttpStatusCode Status, JsonDocument? Body)> SendJsonAsync(
        HttpMethod method, string relative, byte[]? jsonBody, RequestContext context, CancellationToken ct, params HttpStatusCode[] alsoOk)
    {
        HttpContent? content = null;
        if (jsonBody is not null)
        {
            content = new ByteArrayContent(jsonBody);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        using HttpResponseMessage response = await SendAsync(method, relative, content, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
        if (Array.IndexOf(alsoOk, response.StatusCode) < 0)
        {
            await EnsureSuccessAsync(response, context, ct).ConfigureAwait(false);
        }

        JsonDocument? doc = null;
        if (response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.NoContent)
        {
            byte[] bytes = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
            if (bytes.AsSpan().Trim(" \t\r\n"u8).Length > 0)
            {
                doc = ParseJson(bytes, context);
            }
        }

        return (response.StatusCode, doc);
    }

    private async Task<JsonDocument> ReadJsonAsync(HttpResponseMessage response, CancellationToken ct)
    {
        byte[] bytes = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        return ParseJson(bytes, new RequestContext("read the answer", ObjectKind.None, null));
    }

    private JsonDocument ParseJson(byte[] bytes, RequestContext context)
    {
        try
        {
            return JsonDocument.Parse(bytes);
        }
        catch (JsonException ex)
        {
            throw DockerErrors.Create(
                DockerErrorIds.DockerConnectionFailed, FailureCategory.ProtocolError,
                $"The Docker daemon at '{Endpoint.Uri}' sent malformed JSON while trying to {context.Operation}; check that DOCKER_HOST points at a Docker daemon.",
                context.Target ?? Endpoint.Uri, ex);
        }
    }

    internal async Task EnsureSuccessAsync(HttpResponseMessage response, RequestContext context, CancellationToken ct)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw await ErrorAsync(response, context, ct).ConfigureAwait(false);
        }
    }

    internal async Task<BackupPsException> ErrorAsync(HttpResponseMessage response, RequestContext context, CancellationToken ct)
    {
        string message;
        try
        {
            using Stream s = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            byte[] buf = new byte[MaxErrorBodyBytes];
            int total = 0;
            int n;
            while (total < buf.Length && (n = await s.ReadAsync(buf.AsMemory(total), ct).ConfigureAwait(false)) > 0)
            {
                total += n;
            }

            message = ExtractErrorMessage(buf.AsSpan(0, total));
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            message = string.Empty;
        }

        return MapError((int)response.StatusCode, message, context, Endpoint.Uri);
    }

    /// <summary>Reads <c>{"message": "..."}</c>; falls back to the raw text.</summary>
    internal static string ExtractErrorMessage(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return string.Empty;
        }

        try
        {
            var reader = new Utf8JsonReader(body);
            using JsonDocument doc = JsonDocument.ParseValue(ref reader);
            if (doc.RootElement.Str("message") is { } m)
            {
                return m;
            }
        }
        catch (JsonException)
        {
            // not JSON: use the text
        }

        return Encoding.UTF8.GetString(body);
    }

    /// <summary>Maps a daemon error answer to a <see cref="BackupPsException"/> with a stable id.</summary>
    internal static BackupPsException MapError(int status, string daemonMessage, RequestContext context, string endpoint)
    {
        string detail = DockerErrors.OneLine(daemonMessage);
        string target = context.Target ?? endpoint;
        string msg = daemonMessage ?? string.Empty;

        if (status == 400 && msg.Contains("client version", StringComparison.OrdinalIgnoreCase)
            && (msg.Contains("too old", StringComparison.OrdinalIgnoreCase) || msg.Contains("too new", StringComparison.OrdinalIgnoreCase)))
        {
            return DockerErrors.Create(
                DockerErrorIds.DockerApiVersionUnsupported, FailureCategory.ResourceUnavailable,
                $"The Docker daemon at '{endpoint}' rejected the API version ({detail}); upgrade BackupPs or Docker so that both support a common API version.",
                endpoint);
        }

        if (status == 404)
        {
            switch (context.Kind)
            {
                case ObjectKind.Container:
                case ObjectKind.ContainerPath when msg.StartsWith("No such container", StringComparison.OrdinalIgnoreCase):
                    return DockerErrors.Create(
                        DockerErrorIds.DockerContainerNotFound, FailureCategory.ObjectNotFound,
                        $"No Docker container named or with id '{context.Target}' exists; check the name with 'docker ps -a' and the compose project.",
                        target);
                case ObjectKind.ContainerPath:
                    return DockerErrors.Create(
                        DockerErrorIds.DockerPathNotFound, FailureCategory.ObjectNotFound,
                        $"The path '{context.Path}' does not exist in container '{context.Target}' ({detail}); check the path in the configuration.",
                        context.Path ?? target);
                case ObjectKind.Volume:
                    return DockerErrors.Create(
                        DockerErrorIds.DockerVolumeNotFound, FailureCategory.ObjectNotFound,
                        $"No Docker volume named '{context.Target}' exists; check the name with 'docker volume ls'.",
                        target);
                case ObjectKind.Image:
                    return DockerErrors.Create(
                        DockerErrorIds.DockerImageNotFound, FailureCategory.ObjectNotFound,
                        $"The Docker image '{context.Target}' is not present locally; pull it first (docker pull {context.Target}) because BackupPs never pulls.",
                        target);
            }
        }

        if (status == 409)
        {
            if (context.Kind is ObjectKind.Container or ObjectKind.Exec
                && (msg.Contains("is not running", StringComparison.OrdinalIgnoreCase)
                    || msg.Contains("is paused", StringComparison.OrdinalIgnoreCase)
                    || msg.Contains("is restarting", StringComparison.OrdinalIgnoreCase)))
            {
                return DockerErrors.Create(
                    DockerErrorIds.DockerContainerNotRunning, FailureCategory.InvalidOperation,
                    $"Cannot {context.Operation} '{context.Target}' because the container is not running ({detail}); start or unpause it (docker start {context.Target}) and retry.",
                    target);
            }

            if (msg.Contains("already in use", StringComparison.OrdinalIgnoreCase)
                || msg.Contains("already exists", StringComparison.OrdinalIgnoreCase))
            {
                return DockerErrors.Create(
                    DockerErrorIds.DockerNameConflict, FailureCategory.ResourceExists,
                    $"Cannot {context.Operation} '{context.Target}' because the name is already taken ({detail}); remove the old object or choose another name.",
                    target);
            }

            if (context.Kind == ObjectKind.Volume && msg.Contains("in use", StringComparison.OrdinalIgnoreCase))
            {
                return DockerErrors.Create(
                    DockerErrorIds.DockerVolumeInUse, FailureCategory.InvalidOperation,
                    $"Cannot {context.Operation} '{context.Target}' because a container still uses it ({detail}); remove or stop that container first.",
                    target);
            }
        }

        string what = context.Target is null ? context.Operation : $"{context.Operation} '{context.Target}'";
        string hint = status >= 500
            ? "check the daemon log (journalctl -u docker) and retry"
            : "check the request values and the object's state, then retry";
        return DockerErrors.Create(
            DockerErrorIds.DockerRequestFailed, DockerErrors.CategoryFor((HttpStatusCode)status),
            $"Docker could not {what} (HTTP {status}: {detail}); {hint}.",
            target);
    }

    internal static string Esc(string value) => Uri.EscapeDataString(value);

    /// <summary>Escapes an image reference for a path segment but keeps '/', ':' and '@' as the docker CLI sends them.</summary>
    internal static string EscImage(string value) => Uri.EscapeDataString(value)
        .Replace("%2F", "/", StringComparison.OrdinalIgnoreCase)
        .Replace("%3A", ":", StringComparison.OrdinalIgnoreCase)
        .Replace("%40", "@", StringComparison.OrdinalIgnoreCase);

    internal static string RequireId(string value, string paramName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value, paramName);
        return value;
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    /// <summary>Cancels in-flight work (including hijacked exec connections) and closes pooled connections.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _lifetime.Cancel();
        _http.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
