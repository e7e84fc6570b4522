using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using BackupPs.Core.Docker;
using BackupPs.Core.Errors;
using Xunit;
using Xunit.Abstractions;

namespace BackupPs.Tests.Docker;

/// <summary>Exec against the real daemon, in the fixture's long-running container.</summary>
[Collection(DockerDaemonCollection.Name)]
public sealed class DockerExecTests(DockerDaemonFixture fixture, ITestOutputHelper output)
{
    private DockerClient Client => fixture.Client;

    private string Container => fixture.ExecContainerId;

    /// <summary>A write-only sink that counts and hashes, optionally canceling after N bytes.</summary>
    private sealed class HashingSink : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public long Count { get; private set; }

        public long CancelAfter { get; init; } = long.MaxValue;

        public CancellationTokenSource? Cts { get; init; }

        public string Hex() => Convert.ToHexStringLower(_hash.GetHashAndReset());

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _hash.AppendData(buffer);
            Count += buffer.Length;
            if (Count >= CancelAfter)
            {
                Cts?.Cancel();
            }
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Count;

        public override long Position { get => Count; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }

    private async Task<(ExecResult Result, string Stdout)> RunAsync(params string[] cmd)
    {
        var stdout = new MemoryStream();
        ExecResult r = await Client.ExecAsync(Container, new ExecRequest { Cmd = cmd }, stdout);
        return (r, Encoding.UTF8.GetString(stdout.ToArray()));
    }

    [Fact]
    public async Task Negotiates_against_the_real_daemon()
    {
        DockerVersionInfo v = await Client.GetVersionAsync();
        DockerApiVersion expected = DockerApiVersion.Negotiate(DockerApiVersion.Parse(v.ApiVersion), DockerApiVersion.Parse(v.MinApiVersion), "real");
        Assert.Equal(expected, await Client.NegotiateApiVersionAsync());
        Assert.Equal(expected, Client.ApiVersion);
        output.WriteLine($"daemon {v.Version}, API {v.MinApiVersion}..{v.ApiVersion}, using {expected}");
    }

    [Fact]
    public async Task Large_stdout_arrives_byte_for_byte()
    {
        const long size = 200L * 1024 * 1024;
        (ExecResult prep, string sum) = await RunAsync("sh", "-c", $"head -c {size} /dev/urandom > /tmp/big && sha256sum /tmp/big");
        Assert.Equal(0, prep.ExitCode);
        string expectedHash = sum.Split(' ')[0];

        try
        {
            double best = 0;
            for (int round = 0; round < 3; round++)
            {
                var sink = new HashingSink();
                var sw = Stopwatch.StartNew();
                ExecResult r = await Client.ExecAsync(Container, new ExecRequest { Cmd = ["cat", "/tmp/big"] }, sink);
                sw.Stop();
                Assert.Equal(0, r.ExitCode);
                Assert.Equal(size, sink.Count);
                Assert.Equal(size, r.StdoutBytes);
                Assert.Equal(expectedHash, sink.Hex());
                Assert.Equal(string.Empty, r.Stderr);
                double mbps = size / sw.Elapsed.TotalSeconds / (1024 * 1024);
                best = Math.Max(best, mbps);
                output.WriteLine($"exec cat 200 MiB (with SHA-256): {sw.ElapsedMilliseconds} ms = {mbps:F0} MiB/s");
            }

            // Without hashing: the daemon/pipe is the limit, not the client.
            var sw2 = Stopwatch.StartNew();
            ExecResult zero = await Client.ExecAsync(Container, new ExecRequest { Cmd = ["head", "-c", size.ToString(System.Globalization.CultureInfo.InvariantCulture), "/dev/zero"] }, Stream.Null);
            sw2.Stop();
            Assert.Equal(size, zero.StdoutBytes);
            output.WriteLine($"exec head -c 200M /dev/zero -> Stream.Null: {sw2.ElapsedMilliseconds} ms = {size / sw2.Elapsed.TotalSeconds / (1024 * 1024):F0} MiB/s");
        }
        finally
        {
            await RunAsync("rm", "-f", "/tmp/big");
        }
    }

    [Fact]
    public async Task Stderr_is_captured_and_exit_codes_are_reported()
    {
        (ExecResult r, string stdout) = await RunAsync("sh", "-c", "echo out; echo 'pg_dump: error: one' >&2; echo two >&2; exit 3");
        Assert.Equal(3, r.ExitCode);
        Assert.Equal("out\n", stdout);
        Assert.Equal("pg_dump: error: one\ntwo\n", r.Stderr);
        Assert.False(r.StderrTruncated);
        Assert.Equal("out\n", Encoding.UTF8.GetString(r.StdoutHead.Span));

        (ExecResult ok, _) = await RunAsync("true");
        Assert.Equal(0, ok.ExitCode);
        (ExecResult fail, _) = await RunAsync("false");
        Assert.Equal(1, fail.ExitCode);
    }

    [Fact]
    public async Task Huge_stderr_keeps_head_and_tail()
    {
        (ExecResult r, _) = await RunAsync("sh", "-c", "echo FIRST >&2; yes middle-line | head -c 1000000 >&2; echo LAST >&2");
        Assert.Equal(0, r.ExitCode);
        Assert.True(r.StderrTruncated);
        Assert.Equal(1000000 + 6 + 5, r.StderrBytes);
        Assert.StartsWith("FIRST\n", r.Stderr, StringComparison.Ordinal);
        Assert.EndsWith("LAST\n", r.Stderr, StringComparison.Ordinal);
        Assert.InRange(r.Stderr.Length, 64 * 1024, (64 * 1024) + 100);
    }

    [Fact]
    public async Task Missing_command_exits_127_or_126_with_the_message_in_stdout_head()
    {
        // Through a shell, the shell reports "not found" with 127.
        (ExecResult viaShell, _) = await RunAsync("sh", "-c", "no-such-command --version");
        Assert.Equal(127, viaShell.ExitCode);
        Assert.Contains("not found", viaShell.Stderr, StringComparison.Ordinal);

        // Direct exec: the daemon cannot start it and writes its error into the *stdout* stream. The code is 127
        // (not found) or 126 depending on how the daemon version classifies the runtime's message (20.10 + runc 1.1
        // answers 126 for both).
        foreach (string cmd in new[] { "/no/such/binary", "no-such-command" })
        {
            (ExecResult r, string stdout) = await RunAsync(cmd, "--flag");
            output.WriteLine($"{cmd}: exit {r.ExitCode}, stdout: {stdout.Trim()}");
            Assert.Contains(r.ExitCode, new[] { 126, 127 });
            Assert.Contains(cmd, stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Env_user_and_working_directory_are_applied()
    {
        var stdout = new MemoryStream();
        ExecResult r = await Client.ExecAsync(
            Container,
            new ExecRequest { Cmd = ["sh", "-c", "echo $BPS_SECRET; id -u; pwd"], Env = ["BPS_SECRET=s3cr3t"], User = "65534", WorkingDir = "/tmp" },
            stdout);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("s3cr3t\n65534\n/tmp\n", Encoding.UTF8.GetString(stdout.ToArray()));
    }

    [Fact]
    public async Task Stdin_round_trip_with_concurrent_output()
    {
        byte[] input = new byte[48 * 1024 * 1024];
        new Random(7).NextBytes(input);
        string expected = Convert.ToHexStringLower(SHA256.HashData(input));

        // cat echoes everything back while we are still writing: both directions must flow at once.
        var sink = new HashingSink();
        ExecResult echo = await Client.ExecAsync(Container, new ExecRequest { Cmd = ["cat"] }, new MemoryStream(input), sink);
        Assert.Equal(0, echo.ExitCode);
        Assert.Equal(input.Length, sink.Count);
        Assert.Equal(expected, sink.Hex());

        // The process sees EOF after the half-close and can report on the whole input.
        var stdout = new MemoryStream();
        ExecResult sum = await Client.ExecAsync(Container, new ExecRequest { Cmd = ["sha256sum"] }, new MemoryStream(input), stdout);
        Assert.Equal(0, sum.ExitCode);
        Assert.StartsWith(expected, Encoding.UTF8.GetString(stdout.ToArray()), StringComparison.Ordinal);

        // Empty stdin: EOF at once.
        var count = new MemoryStream();
        ExecResult wc = await Client.ExecAsync(Container, new ExecRequest { Cmd = ["wc", "-c"] }, new MemoryStream(), count);
        Assert.Equal(0, wc.ExitCode);
        Assert.Equal("0", Encoding.UTF8.GetString(count.ToArray()).Trim());
    }

    [Fact]
    public async Task Process_exiting_before_reading_stdin_is_not_an_error()
    {
        byte[] input = new byte[32 * 1024 * 1024];
        var stdout = new MemoryStream();
        ExecResult r = await Client.ExecAsync(Container, new ExecRequest { Cmd = ["sh", "-c", "head -c 10 >/dev/null; exit 4"] }, new MemoryStream(input), stdout);
        Assert.Equal(4, r.ExitCode);
    }

    /// <summary>A stdin source that fails after some bytes: the caller's exception wins and the connection is aborted.</summary>
    private sealed class FailingStream(int failAfter) : Stream
    {
        private int _given;

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_given >= failAfter)
            {
                throw new IOException("source disk error");
            }

            int n = Math.Min(count, failAfter - _given);
            _given += n;
            return n;
        }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Fact]
    public async Task Failing_stdin_source_surfaces_the_source_exception()
    {
        var ex = await Assert.ThrowsAsync<IOException>(
            () => Client.ExecAsync(Container, new ExecRequest { Cmd = ["cat"] }, new FailingStream(1024 * 1024), Stream.Null));
        Assert.Equal("source disk error", ex.Message);

        (ExecResult after, _) = await RunAsync("true");
        Assert.Equal(0, after.ExitCode);
    }

    [Fact]
    public async Task Cancellation_mid_stream_aborts_promptly()
    {
        using var cts = new CancellationTokenSource();
        var sink = new HashingSink { CancelAfter = 64L * 1024 * 1024, Cts = cts };
        var sw = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => Client.ExecAsync(Container, new ExecRequest { Cmd = ["sh", "-c", "cat /dev/zero; echo done"] }, sink, cts.Token));
        sw.Stop();
        output.WriteLine($"canceled after {sink.Count / (1024 * 1024)} MiB, {sw.ElapsedMilliseconds} ms");
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(30));

        // Cancellation while blocked waiting for output, too.
        using var idle = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var sw2 = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => Client.ExecAsync(Container, new ExecRequest { Cmd = ["sleep", "30"] }, Stream.Null, idle.Token));
        Assert.True(sw2.Elapsed < TimeSpan.FromSeconds(5), $"cancel took {sw2.ElapsedMilliseconds} ms");

        // The client stays usable, and the canceled processes were killed (KillOnCancel, the default).
        string list = await ProcessListAsync();
        output.WriteLine("processes after cancel:\n" + list);
        Assert.DoesNotContain("cat /dev/zero", list, StringComparison.Ordinal);
        Assert.DoesNotContain("sleep 30", list, StringComparison.Ordinal);
    }

    private async Task<string> ProcessListAsync()
    {
        string list = string.Empty;
        for (int i = 0; i < 20; i++)
        {
            (ExecResult ps, list) = await RunAsync("ps", "-o", "pid,args");
            Assert.Equal(0, ps.ExitCode);
            if (!list.Contains("cat /dev/zero", StringComparison.Ordinal) && !list.Contains("sleep 30", StringComparison.Ordinal))
            {
                break;
            }

            await Task.Delay(100);
        }

        return list;
    }

    [Fact]
    public async Task Disposing_the_client_aborts_a_running_exec()
    {
        var client = new DockerClient();
        Task<ExecResult> exec = client.ExecAsync(Container, new ExecRequest { Cmd = ["sleep", "29"], KillOnCancel = false }, Stream.Null);
        await Task.Delay(500);
        var sw = Stopwatch.StartNew();
        client.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => exec);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.GetVersionAsync());
        await RunAsync("pkill", "-f", "sleep 29");
    }

    [Fact]
    public async Task Cancellation_without_KillOnCancel_leaves_the_process_running()
    {
        string marker = "sleep 4" + Random.Shared.Next(100, 999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => Client.ExecAsync(Container, new ExecRequest { Cmd = ["sh", "-c", marker], KillOnCancel = false }, Stream.Null, cts.Token));
        (_, string list) = await RunAsync("ps", "-o", "pid,args");
        Assert.Contains(marker, list, StringComparison.Ordinal); // documented: the API cannot kill an exec
        await RunAsync("pkill", "-f", marker);
    }

    [Fact]
    public async Task Exec_in_missing_or_stopped_container_is_mapped()
    {
        var missing = await Assert.ThrowsAsync<BackupPsException>(
            () => Client.ExecAsync("bps-test-does-not-exist", new ExecRequest { Cmd = ["true"] }, Stream.Null));
        Assert.Equal(DockerErrorIds.DockerContainerNotFound, missing.ErrorId);

        string id = await fixture.CreateContainerAsync(DockerDaemonFixture.UniqueName("stopped"), ["true"]);
        var stopped = await Assert.ThrowsAsync<BackupPsException>(
            () => Client.ExecAsync(id, new ExecRequest { Cmd = ["true"] }, Stream.Null));
        Assert.Equal(DockerErrorIds.DockerContainerNotRunning, stopped.ErrorId);
        Assert.Equal(FailureCategory.InvalidOperation, stopped.Category);
        await Client.RemoveContainerAsync(id, force: true, removeVolumes: true);
    }
}
