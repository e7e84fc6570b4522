using System.Text;
using BackupPs.Core.Docker;
using BackupPs.Core.Errors;
using Xunit;

namespace BackupPs.Tests.Docker;

/// <summary>Protocol behaviour against <see cref="FakeDockerDaemon"/>: negotiation, error mapping, exec streams.</summary>
public sealed class DockerClientProtocolTests
{
    private static DockerApiVersion V(string s) => DockerApiVersion.Parse(s);

    [Theory]
    [InlineData("1.41", "1.12", "1.41")] // Docker 20.10
    [InlineData("1.51", "1.24", "1.41")] // Docker 28
    [InlineData("1.52", "1.44", "1.44")] // Docker 29.0-29.2: raise to the daemon minimum
    [InlineData("1.54", "1.40", "1.41")] // Docker 29.3+
    [InlineData("1.47", "1.47", "1.47")]
    public void Negotiation_picks_141_or_the_daemon_minimum(string max, string min, string expected)
        => Assert.Equal(V(expected), DockerApiVersion.Negotiate(V(max), V(min), "test"));

    [Theory]
    [InlineData("1.40", "1.12")] // daemon too old
    [InlineData("1.56", "1.48")] // daemon minimum above what this client knows
    [InlineData("1.43", "1.44")] // inconsistent daemon
    public void Negotiation_fails_clearly(string max, string min)
    {
        var ex = Assert.Throws<BackupPsException>(() => DockerApiVersion.Negotiate(V(max), V(min), "test"));
        Assert.Equal(DockerErrorIds.DockerApiVersionUnsupported, ex.ErrorId);
    }

    [Fact]
    public void Api_versions_compare_numerically()
    {
        Assert.True(V("1.9") < V("1.41"));
        Assert.True(V("1.100") > V("1.47"));
        Assert.True(V("2.0") > V("1.99"));
        Assert.Equal("1.44", V("v1.44").ToString());
        Assert.False(DockerApiVersion.TryParse("1", out _));
        Assert.False(DockerApiVersion.TryParse("abc", out _));
    }

    [Fact]
    public async Task Raises_the_version_when_the_daemon_minimum_is_above_141()
    {
        await using var fake = new FakeDockerDaemon(
            r => r.PathOnly.EndsWith("/containers/json", StringComparison.Ordinal) ? FakeResponse.Json(200, "[]", "1.52") : null,
            maxApi: "1.52", minApi: "1.44");
        using var client = new DockerClient(fake.Endpoint);
        Assert.Null(client.ApiVersion); // lazy: nothing sent yet
        Assert.Empty(fake.Requests);

        await client.ListContainersAsync(true, null);
        await client.ListContainersAsync(false, null);

        Assert.Equal(V("1.44"), client.ApiVersion);
        FakeRequest[] requests = fake.Requests.ToArray();
        Assert.Single(requests, r => r.PathOnly == "/_ping"); // negotiated once per instance
        Assert.Single(requests, r => r.PathOnly == "/version");
        Assert.All(
            requests.Where(r => r.PathOnly.Contains("containers", StringComparison.Ordinal)),
            r => Assert.StartsWith("/v1.44/containers/json?all=", r.Path, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Daemon_maximum_below_141_fails_with_DockerApiVersionUnsupported()
    {
        await using var fake = new FakeDockerDaemon(_ => null, maxApi: "1.40", minApi: "1.12");
        using var client = new DockerClient(fake.Endpoint);
        var ex = await Assert.ThrowsAsync<BackupPsException>(() => client.ListContainersAsync(true, null));
        Assert.Equal(DockerErrorIds.DockerApiVersionUnsupported, ex.ErrorId);
        Assert.Equal(FailureCategory.ResourceUnavailable, ex.Category);
        Assert.Contains("1.40", ex.Message, StringComparison.Ordinal);
        Assert.Contains("upgrade Docker", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(fake.Requests, r => r.PathOnly.Contains("containers", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Daemon_minimum_above_client_maximum_fails_with_DockerApiVersionUnsupported()
    {
        await using var fake = new FakeDockerDaemon(_ => null, maxApi: "1.60", minApi: "1.50");
        using var client = new DockerClient(fake.Endpoint);
        var ex = await Assert.ThrowsAsync<BackupPsException>(() => client.NegotiateApiVersionAsync());
        Assert.Equal(DockerErrorIds.DockerApiVersionUnsupported, ex.ErrorId);
        Assert.Contains("1.50", ex.Message, StringComparison.Ordinal);
        Assert.Contains("DOCKER_MIN_API_VERSION", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Not_a_docker_daemon_is_reported()
    {
        await using var fake = new FakeDockerDaemon(_ => FakeResponse.Text(404, "nope"));
        using var client = new DockerClient(fake.Endpoint);
        var ex = await Assert.ThrowsAsync<BackupPsException>(() => client.GetVersionAsync());
        Assert.Equal(DockerErrorIds.DockerRequestFailed, ex.ErrorId);
        Assert.Contains("ping the daemon", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Error_json_is_mapped_to_stable_ids()
    {
        await using var fake = new FakeDockerDaemon(r => r.PathOnly switch
        {
            "/v1.41/containers/ghost/json" => FakeResponse.Json(404, """{"message":"No such container: ghost"}"""),
            "/v1.41/containers/stopped/exec" => FakeResponse.Json(409, """{"message":"Container 0123abcd is not running"}"""),
            "/v1.41/containers/paused/exec" => FakeResponse.Json(409, """{"message":"Container 0123abcd is paused, unpause the container before exec"}"""),
            "/v1.41/containers/boom/json" => FakeResponse.Json(500, "{\"message\":\"driver failed:\\n  disk\\tfull\"}"),
            "/v1.41/containers/plain/json" => FakeResponse.Text(500, "plain text failure"),
            "/v1.41/containers/old/json" => FakeResponse.Json(400, """{"message":"client version 1.41 is too old. Minimum supported API version is 1.44, please upgrade your client to a newer version"}"""),
            "/v1.41/volumes/gone" => FakeResponse.Json(404, """{"message":"get gone: no such volume"}"""),
            "/v1.41/volumes/busy" => FakeResponse.Json(409, """{"message":"remove busy: volume is in use - [abc]"}"""),
            "/v1.41/containers/create" => FakeResponse.Json(409, """{"message":"Conflict. The container name \"/x\" is already in use by container \"abc\"."}"""),
            "/v1.41/containers/c1/archive" => FakeResponse.Json(404, """{"message":"Could not find the file /nope in container c1"}"""),
            "/v1.41/containers/c2/archive" => FakeResponse.Json(404, """{"message":"No such container: c2"}"""),
            "/v1.41/images/missing:1/json" => FakeResponse.Json(404, """{"message":"No such image: missing:1"}"""),
            _ => null,
        });
        using var client = new DockerClient(fake.Endpoint);

        var notFound = await Assert.ThrowsAsync<BackupPsException>(() => client.InspectContainerAsync("ghost"));
        Assert.Equal(DockerErrorIds.DockerContainerNotFound, notFound.ErrorId);
        Assert.Equal(FailureCategory.ObjectNotFound, notFound.Category);
        Assert.Equal("ghost", notFound.Target);

        foreach (string name in new[] { "stopped", "paused" })
        {
            var notRunning = await Assert.ThrowsAsync<BackupPsException>(() => client.ExecAsync(name, new ExecRequest { Cmd = ["true"] }, Stream.Null));
            Assert.Equal(DockerErrorIds.DockerContainerNotRunning, notRunning.ErrorId);
            Assert.Equal(FailureCategory.InvalidOperation, notRunning.Category);
        }

        var server = await Assert.ThrowsAsync<BackupPsException>(() => client.InspectContainerAsync("boom"));
        Assert.Equal(DockerErrorIds.DockerRequestFailed, server.ErrorId);
        Assert.Contains("driver failed: disk full", server.Message, StringComparison.Ordinal); // one line
        Assert.DoesNotContain('\n', server.Message);

        var plain = await Assert.ThrowsAsync<BackupPsException>(() => client.InspectContainerAsync("plain"));
        Assert.Contains("plain text failure", plain.Message, StringComparison.Ordinal);

        var old = await Assert.ThrowsAsync<BackupPsException>(() => client.InspectContainerAsync("old"));
        Assert.Equal(DockerErrorIds.DockerApiVersionUnsupported, old.ErrorId);

        var volume = await Assert.ThrowsAsync<BackupPsException>(() => client.InspectVolumeAsync("gone"));
        Assert.Equal(DockerErrorIds.DockerVolumeNotFound, volume.ErrorId);
        Assert.False(await client.RemoveVolumeAsync("gone"));
        var busy = await Assert.ThrowsAsync<BackupPsException>(() => client.RemoveVolumeAsync("busy"));
        Assert.Equal(DockerErrorIds.DockerVolumeInUse, busy.ErrorId);

        var conflict = await Assert.ThrowsAsync<BackupPsException>(() => client.CreateContainerAsync(new CreateContainerRequest { Image = "img", Name = "x" }));
        Assert.Equal(DockerErrorIds.DockerNameConflict, conflict.ErrorId);
        Assert.Equal(FailureCategory.ResourceExists, conflict.Category);

        var path = await Assert.ThrowsAsync<BackupPsException>(() => client.GetArchiveAsync("c1", "/nope"));
        Assert.Equal(DockerErrorIds.DockerPathNotFound, path.ErrorId);
        var container = await Assert.ThrowsAsync<BackupPsException>(() => client.GetArchiveAsync("c2", "/x"));
        Assert.Equal(DockerErrorIds.DockerContainerNotFound, container.ErrorId);

        Assert.Null(await client.InspectImageAsync("missing:1"));
    }

    /// <summary>Routes a fake exec: create → start (the given stream) → inspect (the given exit code).</summary>
    private static Func<FakeRequest, FakeResponse?> ExecRoutes(FakeResponse start, int? exitCode = 0, bool running = false, Action<FakeRequest>? onCreate = null)
        => r =>
        {
            if (r.PathOnly.EndsWith("/containers/c1/exec", StringComparison.Ordinal))
            {
                onCreate?.Invoke(r);
                return FakeResponse.Json(201, """{"Id":"e1"}""");
            }

            if (r.PathOnly.EndsWith("/exec/e1/start", StringComparison.Ordinal))
            {
                return start;
            }

            if (r.PathOnly.EndsWith("/exec/e1/json", StringComparison.Ordinal))
            {
                string code = exitCode is null ? "null" : exitCode.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return FakeResponse.Json(200, $$"""{"ID":"e1","Running":{{(running ? "true" : "false")}},"ExitCode":{{code}}}""");
            }

            return null;
        };

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    [Theory]
    [InlineData(false, 0)]
    [InlineData(true, 0)] // a proxy that strips Upgrade gets 200 + raw stream
    [InlineData(false, 5)] // stream delivered in small pieces
    public async Task Exec_over_a_hijacked_connection(bool use200, int chunk)
    {
        byte[] stream = Concat(FakeDockerDaemon.Frame(1, "PGDMP"), FakeDockerDaemon.Frame(2, "note\n"), FakeDockerDaemon.Frame(1, "-rest"));
        FakeRequest? create = null;
        await using var fake = new FakeDockerDaemon(ExecRoutes(FakeResponse.Upgraded(stream, use200, chunk), exitCode: 3, onCreate: r => create = r));
        using var client = new DockerClient(fake.Endpoint);
        var stdout = new MemoryStream();
        ExecResult result = await client.ExecAsync(
            "c1", new ExecRequest { Cmd = ["pg_dump", "-Fc"], Env = ["PGPASSWORD=secret"], User = "postgres", WorkingDir = "/" }, stdout);

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("PGDMP-rest", Encoding.UTF8.GetString(stdout.ToArray()));
        Assert.Equal("note\n", result.Stderr);
        Assert.Equal(10, result.StdoutBytes);
        Assert.Equal("PGDMP-rest", Encoding.UTF8.GetString(result.StdoutHead.Span));

        Assert.NotNull(create);
        Assert.Contains("\"Tty\":false", create.BodyText, StringComparison.Ordinal);
        Assert.Contains("\"AttachStdin\":false", create.BodyText, StringComparison.Ordinal);
        Assert.Contains("\"User\":\"postgres\"", create.BodyText, StringComparison.Ordinal);
        FakeRequest start = fake.Requests.Single(r => r.PathOnly.EndsWith("/start", StringComparison.Ordinal));
        Assert.Equal("/v1.41/exec/e1/start", start.Path);
        Assert.Equal("Upgrade", start.Headers["Connection"]);
        Assert.Equal("tcp", start.Headers["Upgrade"]);
        Assert.Equal("""{"Detach":false,"Tty":false}""", start.BodyText);
    }

    [Fact]
    public async Task Exec_truncated_frame_is_DockerStreamTruncated()
    {
        byte[] frame = FakeDockerDaemon.Frame(1, "0123456789");
        byte[] stream = Concat(FakeDockerDaemon.Frame(1, "ok"), frame[..12]);
        await using var fake = new FakeDockerDaemon(ExecRoutes(FakeResponse.Upgraded(stream)));
        using var client = new DockerClient(fake.Endpoint);
        var ex = await Assert.ThrowsAsync<BackupPsException>(() => client.ExecAsync("c1", new ExecRequest { Cmd = ["x"] }, Stream.Null));
        Assert.Equal(DockerErrorIds.DockerStreamTruncated, ex.ErrorId);
        Assert.Equal(FailureCategory.ProtocolError, ex.Category);
    }

    [Fact]
    public async Task Exec_unknown_stream_type_is_a_protocol_error()
    {
        byte[] stream = Concat(FakeDockerDaemon.Frame(1, "ok"), FakeDockerDaemon.Frame(9, "??"));
        await using var fake = new FakeDockerDaemon(ExecRoutes(FakeResponse.Upgraded(stream)));
        using var client = new DockerClient(fake.Endpoint);
        var ex = await Assert.ThrowsAsync<BackupPsException>(() => client.ExecAsync("c1", new ExecRequest { Cmd = ["x"] }, Stream.Null));
        Assert.Equal(DockerErrorIds.DockerStreamCorrupt, ex.ErrorId);
        Assert.Equal(FailureCategory.ProtocolError, ex.Category);
    }

    [Fact]
    public async Task Exec_systemerr_frame_is_a_failure()
    {
        byte[] stream = Concat(FakeDockerDaemon.Frame(1, "partial"), FakeDockerDaemon.Frame(3, "failed to copy stdout"));
        await using var fake = new FakeDockerDaemon(ExecRoutes(FakeResponse.Upgraded(stream)));
        using var client = new DockerClient(fake.Endpoint);
        var ex = await Assert.ThrowsAsync<BackupPsException>(() => client.ExecAsync("c1", new ExecRequest { Cmd = ["x"] }, Stream.Null));
        Assert.Equal(DockerErrorIds.DockerExecSystemError, ex.ErrorId);
        Assert.Contains("failed to copy stdout", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exec_start_error_answer_is_mapped()
    {
        await using var fake = new FakeDockerDaemon(ExecRoutes(FakeResponse.Json(409, """{"message":"Container c1 is not running"}""")));
        using var client = new DockerClient(fake.Endpoint);
        var ex = await Assert.ThrowsAsync<BackupPsException>(() => client.ExecAsync("c1", new ExecRequest { Cmd = ["x"] }, Stream.Null));
        Assert.Equal(DockerErrorIds.DockerContainerNotRunning, ex.ErrorId);
    }

    [Fact]
    public async Task Exec_without_an_exit_code_fails_after_polling()
    {
        TimeSpan saved = DockerClient.ExitCodeWait;
        DockerClient.ExitCodeWait = TimeSpan.FromMilliseconds(300);
        try
        {
            await using var fake = new FakeDockerDaemon(ExecRoutes(FakeResponse.Upgraded(FakeDockerDaemon.Frame(1, "x")), exitCode: null, running: true));
            using var client = new DockerClient(fake.Endpoint);
            var ex = await Assert.ThrowsAsync<BackupPsException>(() => client.ExecAsync("c1", new ExecRequest { Cmd = ["x"] }, Stream.Null));
            Assert.Equal(DockerErrorIds.DockerExecExitCodeMissing, ex.ErrorId);
            Assert.True(fake.Requests.Count(r => r.PathOnly.EndsWith("/exec/e1/json", StringComparison.Ordinal)) > 1);
        }
        finally
        {
            DockerClient.ExitCodeWait = saved;
        }
    }

    [Fact]
    public async Task Label_filters_use_the_array_form()
    {
        await using var fake = new FakeDockerDaemon(r => r.PathOnly switch
        {
            "/v1.41/containers/json" => FakeResponse.Json(200, """[{"Id":"abc","Names":["/db-1"],"Image":"postgres:16","ImageID":"sha256:1","State":"running","Labels":{"com.docker.compose.project":"app"}}]"""),
            "/v1.41/volumes" => FakeResponse.Json(200, """{"Volumes":null,"Warnings":null}"""),
            _ => null,
        });
        using var client = new DockerClient(fake.Endpoint);
        var list = await client.ListContainersAsync(true, new Dictionary<string, string>
        {
            ["com.docker.compose.service"] = "db",
            ["com.docker.compose.project"] = "app",
        });
        Assert.Empty(await client.ListVolumesAsync(new Dictionary<string, string> { ["k"] = "v" }));

        DockerContainerSummary c = Assert.Single(list);
        Assert.Equal(["db-1"], c.Names);
        Assert.Equal("sha256:1", c.ImageId);
        string path = fake.Requests.Single(r => r.PathOnly == "/v1.41/containers/json").Path;
        string filters = Uri.UnescapeDataString(path[(path.IndexOf("filters=", StringComparison.Ordinal) + 8)..]);
        Assert.Equal("""{"label":["com.docker.compose.project=app","com.docker.compose.service=db"]}""", filters);
        Assert.Contains("all=true", path, StringComparison.Ordinal);
    }
}
