using System.Globalization;
using System.Net;
using System.Text.Json;

namespace BackupPs.Core.Docker;

public sealed partial class DockerClient
{
    /// <summary><c>GET /containers/json</c>. <paramref name="labelFilters"/> are ANDed (<c>{"label":["k=v",...]}</c>);
    /// a null value matches on the key's presence.</summary>
    public async Task<IReadOnlyList<DockerContainerSummary>> ListContainersAsync(
        bool all, IReadOnlyDictionary<string, string>? labelFilters, CancellationToken cancellationToken = default)
    {
        string query = "containers/json?all=" + (all ? "true" : "false");
        if (DockerJson.LabelFilters(labelFilters) is { } filters)
        {
            query += "&filters=" + Esc(filters);
        }

        using JsonDocument doc = await GetJsonAsync(query, new RequestContext("list containers", ObjectKind.None, null), cancellationToken).ConfigureAwait(false);
        return ReadSummaries(doc);
    }

    private static List<DockerContainerSummary> ReadSummaries(JsonDocument doc)
    {
        var result = new List<DockerContainerSummary>();
        if (doc.RootElement.ValueKind != JsonValueKind.Array)
        {
            return result;
        }

        foreach (JsonElement c in doc.RootElement.EnumerateArray())
        {
            result.Add(new DockerContainerSummary(
                c.StrOrEmpty("Id"),
                c.StrList("Names").Select(n => n.TrimStart('/')).ToArray(),
                c.StrOrEmpty("Image"),
                c.StrOrEmpty("ImageID"),
                c.StrOrEmpty("State"),
                c.StrMap("Labels"),
                DateTimeOffset.FromUnixTimeSeconds(c.TryGetProperty("Created", out var created) && created.TryGetInt64(out var seconds) ? seconds : 0)));
        }

        return result;
    }

    /// <summary>
    /// <c>GET /containers/json?all=true&amp;filters={"volume":[…]}</c>: every container, running or not, that mounts the named
    /// volume <paramref name="volume"/> (the daemon also matches a mount destination of that text, which a volume name, having
    /// no '/', never is). Inspect each for how it mounts it.
    /// </summary>
    public async Task<IReadOnlyList<DockerContainerSummary>> ListContainersUsingVolumeAsync(string volume, CancellationToken cancellationToken = default)
    {
        RequireId(volume, nameof(volume));
        string filters = System.Text.Encoding.UTF8.GetString(DockerJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteStringArray("volume", [volume]);
            w.WriteEndObject();
        }));
        using JsonDocument doc = await GetJsonAsync("containers/json?all=true&filters=" + Esc(filters),
            new RequestContext("list the containers that use volume", ObjectKind.Volume, volume), cancellationToken).ConfigureAwait(false);
        return ReadSummaries(doc);
    }

    /// <summary><c>GET /containers/{id}/json</c>. Throws DockerContainerNotFound (ObjectNotFound) for a 404.</summary>
    public async Task<DockerContainerDetails> InspectContainerAsync(string idOrName, CancellationToken cancellationToken = default)
    {
        RequireId(idOrName, nameof(idOrName));
        using JsonDocument doc = await GetJsonAsync(
            "containers/" + Esc(idOrName) + "/json",
            new RequestContext("inspect container", ObjectKind.Container, idOrName),
            cancellationToken).ConfigureAwait(false);
        JsonElement r = doc.RootElement;

        r.TryGet("Config", out JsonElement config);
        r.TryGet("State", out JsonElement state);
        var mounts = new List<DockerMountPoint>();
        if (r.TryGet("Mounts", out JsonElement m) && m.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement e in m.EnumerateArray())
            {
                mounts.Add(new DockerMountPoint(
                    e.StrOrEmpty("Type"),
                    e.Str("Name") is { Length: > 0 } name ? name : null,
                    e.StrOrEmpty("Source"),
                    e.StrOrEmpty("Destination"),
                    e.Str("Driver") is { Length: > 0 } driver ? driver : null,
                    e.Bool("RW")));
            }
        }

        return new DockerContainerDetails(
            r.StrOrEmpty("Id"),
            r.StrOrEmpty("Name").TrimStart('/'),
            r.StrOrEmpty("Image"),
            new DockerContainerConfig(
                config.StrOrEmpty("Image"),
                config.StrList("Env"),
                config.StrMap("Labels"),
                config.Str("User") is { Length: > 0 } user ? user : null),
            new DockerContainerState(
                state.StrOrEmpty("Status"),
                state.Bool("Running"),
                state.Bool("Paused"),
                state.Bool("Restarting"),
                (int)(state.Int64("ExitCode") ?? 0),
                (int)(state.Int64("Pid") ?? 0),
                state.TryGet("Health", out JsonElement health) && health.Str("Status") is { Length: > 0 } verdict ? verdict : null),
            mounts);
    }

    /// <summary><c>POST /containers/create</c>; returns the new container id. The image must be local.</summary>
    public async Task<string> CreateContainerAsync(CreateContainerRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Image);
        byte[] body = DockerJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("Image", request.Image);
            if (request.Cmd is not null)
            {
                w.WriteStringArray("Cmd", request.Cmd);
            }

            if (request.Entrypoint is not null)
            {
                w.WriteStringArray("Entrypoint", request.Entrypoint);
            }

            if (request.Env is not null)
            {
                w.WriteStringArray("Env", request.Env);
            }

            if (request.Labels is not null)
            {
                w.WriteStringMap("Labels", request.Labels);
            }

            if (request.User is not null)
            {
                w.WriteString("User", request.User);
            }

            if (request.WorkingDir is not null)
            {
                w.WriteString("WorkingDir", request.WorkingDir);
            }

            w.WriteBoolean("AttachStdin", false);
            w.WriteBoolean("AttachStdout", false);
            w.WriteBoolean("AttachStderr", false);
            w.WriteBoolean("Tty", false);
            w.WriteBoolean("OpenStdin", false);
            w.WriteStartObject("HostConfig");
            w.WriteString("NetworkMode", string.IsNullOrEmpty(request.NetworkMode) ? "none" : request.NetworkMode);
            if (request.Mounts is { Count: > 0 })
            {
                w.WriteStartArray("Mounts");
                foreach (DockerMountSpec mount in request.Mounts)
                {
                    w.WriteStartObject();
                    w.WriteString("Type", mount.Type == DockerMountType.Bind ? "bind" : "volume");
                    w.WriteString("Source", mount.Source);
                    w.WriteString("Target", mount.Target);
                    w.WriteBoolean("ReadOnly", mount.ReadOnly);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
            w.WriteEndObject();
        });

        string query = "containers/create" + (request.Name is null ? string.Empty : "?name=" + Esc(request.Name));
        // 404 means the image is missing (never pulled); 409 means the name is taken.
        var context = new RequestContext(
            request.Name is null ? "create a container from image" : $"create container '{request.Name}' from image",
            ObjectKind.Image,
            request.Image);
        (_, JsonDocument? doc) = await SendJsonAsync(HttpMethod.Post, query, body, context, cancellationToken).ConfigureAwait(false);
        using (doc)
        {
            string? id = doc?.RootElement.Str("Id");
            return string.IsNullOrEmpty(id)
                ? throw MapError(500, "the create answer has no Id", context, Endpoint.Uri)
                : id;
        }
    }

    /// <summary><c>POST /containers/{id}/start</c>. Returns false when the container was already running (304).</summary>
    public async Task<bool> StartContainerAsync(string id, CancellationToken cancellationToken = default)
    {
        RequireId(id, nameof(id));
        (HttpStatusCode status, JsonDocument? doc) = await SendJsonAsync(
            HttpMethod.Post, "containers/" + Esc(id) + "/start", null,
            new RequestContext("start container", ObjectKind.Container, id), cancellationToken, HttpStatusCode.NotModified).ConfigureAwait(false);
        doc?.Dispose();
        return status != HttpStatusCode.NotModified;
    }

    /// <summary><c>POST /containers/{id}/stop?t=N</c>: the stop signal, then SIGKILL after <paramref name="timeout"/>
    /// (rounded up to whole seconds). Returns false when the container was already stopped (304). The call blocks
    /// until the container has stopped.</summary>
    public Task<bool> StopContainerAsync(string id, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.Zero);
        return StopAsync(id, "?t=" + ((long)Math.Ceiling(timeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture), cancellationToken);
    }

    /// <summary><c>POST /containers/{id}/stop</c> without a timeout: the container's own stop signal and grace period
    /// (<c>docker run --stop-timeout</c>, compose's <c>stop_grace_period</c>; 10 s when it has none), as <c>docker stop</c>
    /// does. Returns false when it was already stopped (304). Blocks until the container has stopped.</summary>
    public Task<bool> StopContainerAsync(string id, CancellationToken cancellationToken = default) => StopAsync(id, "", cancellationToken);

    private async Task<bool> StopAsync(string id, string query, CancellationToken cancellationToken)
    {
        RequireId(id, nameof(id));
        (HttpStatusCode status, JsonDocument? doc) = await SendJsonAsync(
            HttpMethod.Post, "containers/" + Esc(id) + "/stop" + query, null,
            new RequestContext("stop container", ObjectKind.Container, id), cancellationToken, HttpStatusCode.NotModified).ConfigureAwait(false);
        doc?.Dispose();
        return status != HttpStatusCode.NotModified;
    }

    /// <summary><c>POST /containers/{id}/kill?signal=…</c>. Throws DockerContainerNotRunning when it is not running.</summary>
    public async Task KillContainerAsync(string id, string signal = "KILL", CancellationToken cancellationToken = default)
    {
        RequireId(id, nameof(id));
        ArgumentException.ThrowIfNullOrWhiteSpace(signal);
        (_, JsonDocument? doc) = await SendJsonAsync(
            HttpMethod.Post, "containers/" + Esc(id) + "/kill?signal=" + Esc(signal), null,
            new RequestContext("kill container", ObjectKind.Container, id), cancellationToken).ConfigureAwait(false);
        doc?.Dispose();
    }

    /// <summary><c>POST /containers/{id}/wait?condition=…</c>. Blocks until the condition holds.</summary>
    public async Task<DockerWaitResult> WaitContainerAsync(string id, DockerWaitCondition condition, CancellationToken cancellationToken = default)
    {
        RequireId(id, nameof(id));
        string c = condition switch
        {
            DockerWaitCondition.NextExit => "next-exit",
            DockerWaitCondition.Removed => "removed",
            _ => "not-running",
        };
        (_, JsonDocument? doc) = await SendJsonAsync(
            HttpMethod.Post, "containers/" + Esc(id) + "/wait?condition=" + c, null,
            new RequestContext("wait for container", ObjectKind.Container, id), cancellationToken).ConfigureAwait(false);
        using (doc)
        {
            if (doc is null)
            {
                return new DockerWaitResult(0, null);
            }

            JsonElement r = doc.RootElement;
            string? error = r.TryGet("Error", out JsonElement e) ? e.Str("Message") : null;
            return new DockerWaitResult(r.Int64("StatusCode") ?? 0, string.IsNullOrEmpty(error) ? null : error);
        }
    }

    /// <summary><c>DELETE /containers/{id}?force=…&amp;v=…</c>. Returns false when the container did not exist.
    /// <paramref name="removeVolumes"/> also removes its anonymous volumes.</summary>
    public async Task<bool> RemoveContainerAsync(string id, bool force, bool removeVolumes, CancellationToken cancellationToken = default)
    {
        RequireId(id, nameof(id));
        (HttpStatusCode status, JsonDocument? doc) = await SendJsonAsync(
            HttpMethod.Delete, "containers/" + Esc(id) + "?force=" + (force ? "true" : "false") + "&v=" + (removeVolumes ? "true" : "false"), null,
            new RequestContext("remove container", ObjectKind.Container, id), cancellationToken, HttpStatusCode.NotFound).ConfigureAwait(false);
        doc?.Dispose();
        return status != HttpStatusCode.NotFound;
    }
}
