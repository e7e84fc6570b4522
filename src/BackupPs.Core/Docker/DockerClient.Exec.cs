using System.Buffers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using BackupPs.Core.Errors;

namespace BackupPs.Core.Docker;

public sealed partial class DockerClient
{
    /// <summary>Stderr kept per exec: the first and the last 32 KiB.</summary>
    internal const int StderrHeadBytes = 32 * 1024;

    internal const int StderrTailBytes = 32 * 1024;

    private const int StdinBufferSize = 128 * 1024;

    /// <summary>How long to poll <c>GET /exec/{id}/json</c> for the exit code after the output ended.</summary>
    internal static TimeSpan ExitCodeWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Runs <paramref name="request"/> in the running container <paramref name="containerId"/> without a TTY,
    /// streams its stdout into <paramref name="stdout"/> at full speed, captures stderr, and returns the exit code.
    /// </summary>
    /// <remarks>
    /// <para>Drain <paramref name="stdout"/> to fast local storage: the daemon waits at most 2 s for unread output
    /// after the process exits, then drops the rest. Exceptions thrown by <paramref name="stdout"/> propagate unchanged
    /// (and abort the exec connection).</para>
    /// <para>A zero exit code is not proof of a good result: check stderr and the output too. Exit codes 126/127 mean
    /// the command could not be started/was not found; the daemon's message is then in <see cref="ExecResult.StdoutHead"/>.</para>
    /// <para><b>Cancellation</b> closes the connection at once and throws <see cref="OperationCanceledException"/>;
    /// no connection or socket leaks. The Docker Engine API has no call to kill an exec process: by itself the
    /// daemon only discards the rest of the output (and, with stdin attached, closes the process's stdin) while the
    /// process keeps running until it exits. So, with <see cref="ExecRequest.KillOnCancel"/> (the default), the
    /// client then runs a short second exec that sends SIGTERM to the processes of the canceled exec (found by an
    /// environment tag), from the leaves up so that none is left to the container's PID 1, waiting at most a few
    /// seconds; if the container lacks <c>sh</c>/<c>tr</c>/<c>kill</c>, the process runs on until it exits by
    /// itself or the container stops.</para>
    /// </remarks>
    public Task<ExecResult> ExecAsync(string containerId, ExecRequest request, Stream stdout, CancellationToken cancellationToken = default)
        => ExecAsync(containerId, request, stdin: null, stdout, cancellationToken);

    /// <summary>
    /// As <see cref="ExecAsync(string, ExecRequest, Stream, CancellationToken)"/>, and when <paramref name="stdin"/> is
    /// not null, sends it as the process's stdin (raw bytes, concurrently with reading the output), then half-closes
    /// the connection so the process sees EOF.
    /// </summary>
    /// <remarks>
    /// If reading <paramref name="stdin"/> fails, the connection is aborted and that exception is rethrown; the
    /// process then sees EOF on a partial input, so treat the operation as failed. If the process exits before
    /// reading all input, the remaining input is dropped and the exit code tells what happened.
    /// </remarks>
    public async Task<ExecResult> ExecAsync(
        string containerId, ExecRequest request, Stream? stdin, Stream stdout, CancellationToken cancellationToken = default)
    {
        RequireId(containerId, nameof(containerId));
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(stdout);
        if (request.Cmd is null || request.Cmd.Count == 0 || string.IsNullOrEmpty(request.Cmd[0]))
        {
            throw new ArgumentException("ExecRequest.Cmd must name a command.", nameof(request));
        }

        string? killTag = request.KillOnCancel ? Guid.NewGuid().ToString("N") : null;
        string execId = await CreateExecAsync(containerId, request, stdin is not null, killTag, cancellationToken).ConfigureAwait(false);
        try
        {
            return await RunExecAsync(containerId, execId, request, stdin, stdout, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (killTag is not null && cancellationToken.IsCancellationRequested && Volatile.Read(ref _disposed) == 0)
        {
            await KillTaggedProcessesAsync(containerId, request.User, killTag).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Environment variable that marks the processes of one exec, for <see cref="ExecRequest.KillOnCancel"/>.</summary>
    internal const string ExecTagVariable = "BACKUPPS_EXEC_TAG";

    /// <summary>How long the best-effort kill after a cancellation may take.</summary>
    internal static TimeSpan KillOnCancelTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Best effort: SIGTERM the processes of one exec (those whose environment has the entry
    /// <c>BACKUPPS_EXEC_TAG=tag</c>), from the leaves up, each only while its parent is there to reap it.
    /// </summary>
    /// <remarks>
    /// A process whose parent ended is handed to the container's PID 1, which in the postgres images is the
    /// postmaster: it takes any child that then dies of a signal for a crashed server process and ends every
    /// session of every database (crash recovery). So no process is signalled that the postmaster would reap.
    /// </remarks>
    private async Task KillTaggedProcessesAsync(string containerId, string? user, string tag)
    {
        string script = KillerScript(tag);
        var killer = new ExecRequest { Cmd = ["sh", "-c", script], User = user, KillOnCancel = false };
        using var timeout = new CancellationTokenSource(KillOnCancelTimeout);
        try
        {
            string execId = await CreateExecAsync(containerId, killer, attachStdin: false, killTag: null, timeout.Token).ConfigureAwait(false);
            await RunExecAsync(containerId, execId, killer, null, Stream.Null, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Best effort only: the original cancellation is what the caller sees.
        }
    }

    /// <summary>
    /// The script of <see cref="KillTaggedProcessesAsync"/>. Each round it reads every process's parent and
    /// environment, then signals a tagged process only when: it is not PID 1; it has no child left (not even one
    /// that ended and waits to be reaped), so no child of its is handed to PID 1; its parent is outside the
    /// container (PPid 0: the exec's own process, reaped by the runtime) or another process of the exec, which
    /// reaps it; and, read again right before the signal, it still carries the tag and has that parent (a pid
    /// reused meanwhile is not hit). Shells whose children were stopped end by themselves or become leaves in a
    /// later round; it stops when no process of the exec is left that it may signal (one already left to PID 1
    /// runs on until it ends by itself), or after a bounded number of rounds.
    /// </summary>
    internal static string KillerScript(string tag)
    {
        // Only [0-9a-f] in the tag, so it is safe inside the script. The killer's own processes do not carry it.
        if (tag.Length == 0 || !tag.All(char.IsAsciiHexDigitLower))
        {
            throw new ArgumentException("The exec tag must be lowercase hexadecimal.", nameof(tag));
        }

        return """
            entry=TAGVAR=TAG; nl='
            '
            parent() { ppid=; while read -r key value; do if [ "$key" = PPid: ]; then ppid=$value; break; fi; done 2>/dev/null < "/proc/$1/status"; }
            tagged() { case "$nl$(tr '\000' '\n' 2>/dev/null < "/proc/$1/environ")$nl" in *"$nl$entry$nl"*) return 0;; esac; return 1; }
            round=0
            while [ "$round" -lt 100 ]; do
              round=$((round + 1)); parents=' '; mine=' '; found=
              for d in /proc/[0-9]*; do
                pid=${d#/proc/}; parent "$pid"
                [ -n "$ppid" ] || continue
                parents="$parents$ppid "
                if tagged "$pid"; then mine="$mine$pid "; found="$found $pid:$ppid"; fi
              done
              left=
              for p in $found; do
                pid=${p%:*}; was=${p#*:}
                [ "$pid" != 1 ] || continue
                case "$was" in 0) ;; *) case "$mine" in *" $was "*) ;; *) continue;; esac;; esac
                left=1
                case "$parents" in *" $pid "*) continue;; esac
                parent "$pid"
                [ "$ppid" = "$was" ] && tagged "$pid" && kill -TERM "$pid" 2>/dev/null
              done
              [ -n "$left" ] || exit 0
              sleep 0.05 2>/dev/null || sleep 1
            done
            exit 0
            """.Replace("TAGVAR", ExecTagVariable, StringComparison.Ordinal).Replace("=TAG;", "=" + tag + ";", StringComparison.Ordinal);
    }

    private async Task<ExecResult> RunExecAsync(
        string containerId, string execId, ExecRequest request, Stream? stdin, Stream stdout, CancellationToken cancellationToken)
    {
        DockerApiVersion version = await NegotiateApiVersionAsync(cancellationToken).ConfigureAwait(false);
        byte[] startBody = """{"Detach":false,"Tty":false}"""u8.ToArray();
        var startContext = new RequestContext("start exec in container", ObjectKind.Container, containerId);

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
        CancellationToken ct = linked.Token;
        HijackedConnection connection;
        try
        {
            connection = await HijackedConnection.OpenAsync(
                Endpoint,
                "/v" + version.ToString() + "/exec/" + Esc(execId) + "/start",
                startBody,
                (status, message) => MapError(status, message, startContext, Endpoint.Uri),
                ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && _lifetime.IsCancellationRequested)
        {
            throw new ObjectDisposedException(nameof(DockerClient));
        }

        var stderr = new BoundedCapture(StderrHeadBytes, StderrTailBytes);
        var systemError = new BoundedCapture(4096, 4096);
        MultiplexedStreamDemuxer demux;
        using (connection)
        {
            using CancellationTokenRegistration abortOnCancel = ct.Register(static c => ((HijackedConnection)c!).Abort(), connection);
            demux = new MultiplexedStreamDemuxer(
                connection.Stream, connection.Buffer, connection.Start, connection.End, containerId,
                ex => connection.Aborted
                    ? new OperationCanceledException(ct)
                    : DockerErrors.Create(
                        DockerErrorIds.DockerConnectionFailed, FailureCategory.ConnectionError,
                        $"The connection to the Docker daemon broke while reading the output of an exec in container '{containerId}' ({DockerErrors.OneLine(ex.Message)}), so the output is incomplete; retry the operation.",
                        containerId, ex));

            using var stdinCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            Task stdinPump = stdin is null ? Task.CompletedTask : PumpStdinAsync(connection, stdin, stdinCts.Token);
            try
            {
                await demux.RunAsync(stdout, stderr, systemError, ct).ConfigureAwait(false);
            }
            catch (Exception) when (ct.IsCancellationRequested)
            {
                connection.Abort();
                await ObserveAsync(stdinPump).ConfigureAwait(false);
                ThrowCanceled(cancellationToken);
                throw;
            }
            catch
            {
                // Sink failure, protocol error or broken connection: tear down and report the original problem,
                // unless the caller's stdin source failed first (that is the root cause).
                connection.Abort();
                if (await ObserveAsync(stdinPump).ConfigureAwait(false) is StdinSourceFailure first)
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first.InnerException!);
                }

                throw;
            }

            // Output ended. The pump has normally finished (the daemon closes the stream after the process exits);
            // stop it if the process exited without reading all its input.
            stdinCts.Cancel();
            if (await ObserveAsync(stdinPump).ConfigureAwait(false) is StdinSourceFailure failure)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure.InnerException!);
            }
        }

        if (systemError.TotalBytes > 0)
        {
            throw DockerErrors.Create(
                DockerErrorIds.DockerExecSystemError, FailureCategory.InvalidOperation,
                $"The Docker daemon reported an error while running '{request.Cmd[0]}' in container '{containerId}' ({DockerErrors.OneLine(systemError.GetText())}); check the daemon log and retry.",
                containerId);
        }

        int exitCode = await WaitForExecExitAsync(execId, containerId, cancellationToken).ConfigureAwait(false);
        return new ExecResult(
            exitCode,
            stderr.GetText(),
            stderr.TotalBytes,
            stderr.Truncated,
            demux.StdoutBytes,
            demux.StdoutHead.ToArray());
    }

    private static void ThrowCanceled(CancellationToken callerToken)
    {
        if (callerToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("The Docker exec was canceled.", callerToken);
        }

        throw new ObjectDisposedException(nameof(DockerClient), "The DockerClient was disposed while an exec was running.");
    }

    /// <summary>Awaits a background task and returns its exception instead of throwing.</summary>
    private static async Task<Exception?> ObserveAsync(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    /// <summary>Wraps an exception of the caller's stdin stream (as opposed to a socket write failure).</summary>
    private sealed class StdinSourceFailure(Exception inner) : Exception("Reading the exec stdin stream failed.", inner);

    private static async Task PumpStdinAsync(HijackedConnection connection, Stream stdin, CancellationToken ct)
    {
        await Task.Yield(); // run concurrently with the demultiplexer from the start
        byte[] buffer = ArrayPool<byte>.Shared.Rent(StdinBufferSize);
        try
        {
            while (true)
            {
                int n;
                try
                {
                    n = await stdin.ReadAsync(buffer.AsMemory(0, StdinBufferSize), ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (!ct.IsCancellationRequested)
                {
                    // The process would see a clean EOF on partial input if we half-closed now; abort instead.
                    connection.Abort();
                    throw new StdinSourceFailure(ex);
                }

                if (n == 0)
                {
                    break;
                }

                try
                {
                    await connection.Stream.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
                {
                    // The process exited (or the daemon closed the stream) before reading all input; the
                    // demultiplexer and the exit code report the outcome.
                    return;
                }
            }

            try
            {
                connection.Socket.Shutdown(SocketShutdown.Send); // EOF for the process, keep reading output
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // already closed by the peer: nothing to signal
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task<string> CreateExecAsync(string containerId, ExecRequest request, bool attachStdin, string? killTag, CancellationToken ct)
    {
        byte[] body = DockerJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteBoolean("AttachStdin", attachStdin);
            w.WriteBoolean("AttachStdout", true);
            w.WriteBoolean("AttachStderr", true);
            w.WriteBoolean("Tty", false);
            w.WriteStringArray("Cmd", request.Cmd);
            if (request.Env is not null || killTag is not null)
            {
                IEnumerable<string> env = request.Env ?? [];
                w.WriteStringArray("Env", killTag is null ? env : env.Append(ExecTagVariable + "=" + killTag));
            }

            if (!string.IsNullOrEmpty(request.User))
            {
                w.WriteString("User", request.User);
            }

            if (!string.IsNullOrEmpty(request.WorkingDir))
            {
                w.WriteString("WorkingDir", request.WorkingDir);
            }

            w.WriteEndObject();
        });

        (_, JsonDocument? doc) = await SendJsonAsync(
            HttpMethod.Post, "containers/" + Esc(containerId) + "/exec", body,
            new RequestContext("exec in container", ObjectKind.Container, containerId), ct).ConfigureAwait(false);
        using (doc)
        {
            string? id = doc?.RootElement.Str("Id");
            return string.IsNullOrEmpty(id)
                ? throw MapError(500, "the exec create answer has no Id", new RequestContext("exec in container", ObjectKind.Container, containerId), Endpoint.Uri)
                : id;
        }
    }

    /// <summary>Polls <c>GET /exec/{id}/json</c> until Running is false and ExitCode is set.</summary>
    private async Task<int> WaitForExecExitAsync(string execId, string containerId, CancellationToken ct)
    {
        var context = new RequestContext("inspect exec in container", ObjectKind.Exec, containerId);
        DateTime deadline = DateTime.UtcNow + ExitCodeWait;
        int delayMs = 10;
        while (true)
        {
            using (JsonDocument doc = await GetJsonAsync("exec/" + Esc(execId) + "/json", context, ct).ConfigureAwait(false))
            {
                JsonElement r = doc.RootElement;
                if (!r.Bool("Running") && r.Int64("ExitCode") is long code)
                {
                    return (int)code;
                }
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw DockerErrors.Create(
                    DockerErrorIds.DockerExecExitCodeMissing, FailureCategory.ProtocolError,
                    $"The exec in container '{containerId}' closed its output but the daemon reported no exit code within {ExitCodeWait.TotalSeconds:0} s; treat the result as failed and check the daemon log.",
                    containerId);
            }

            await Task.Delay(delayMs, ct).ConfigureAwait(false);
            delayMs = Math.Min(delayMs * 2, 250);
        }
    }
}
