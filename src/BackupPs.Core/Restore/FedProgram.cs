using BackupPs.Core.Database;
using BackupPs.Core.Docker;
using BackupPs.Core.Storage;

namespace BackupPs.Core.Restore;

/// <summary>
/// A PostgreSQL client program (pg_restore, psql) running in the target container and reading a
/// stream that this process writes: through a FIFO when we can reach one (root, local daemon), else
/// through the exec's stdin over the Docker API. Writing fails rather than blocks once the program has
/// ended. Disposing waits for the program and releases the pipe on every exit path, Ctrl+C included.
/// </summary>
internal sealed class FedProgram : IAsyncDisposable
{
    /// <summary>How many 1 MiB chunks may wait between us and the Docker socket: bounds memory.</summary>
    private const int PipeChunks = 16;

    private readonly CancellationTokenSource _abort;
    private readonly ChunkPipe? _pipe;
    private bool _inputClosed;

    /// <summary>
    /// A write to the FIFO failed (a broken pipe): the program closed its end, so it has ended or is ending and
    /// its stderr holds why. It must not be killed then: a killed exec loses that stderr, and the server's error
    /// (a COPY row that failed a constraint, a terminated session) would be reported as "Broken pipe".
    /// </summary>
    private volatile bool _readerGone;

    private FedProgram(string name, Task<ExecResult> exec, Stream input, ChunkPipe? pipe, CancellationTokenSource abort)
    {
        Name = name;
        Exec = exec;
        Input = pipe is null ? new WatchedInput(input, this) : input;
        _pipe = pipe;
        _abort = abort;
    }

    /// <summary>What error messages call the program ("pg_restore", "psql").</summary>
    public string Name { get; }

    public Task<ExecResult> Exec { get; }

    /// <summary>Where the program's input is written; <see cref="CloseInput"/> ends it.</summary>
    public Stream Input { get; }

    /// <summary>
    /// Starts <paramref name="command"/> with its input from <paramref name="fifo"/> (the command must read
    /// that path) or, when it is null, from its stdin.
    /// </summary>
    public static async Task<FedProgram> StartAsync(DockerClient docker, DatabaseTarget into, string name, string[] command, ContainerFifo? fifo,
        string? sessionOptions, CancellationToken cancellationToken)
    {
        var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task<ExecResult> exec;
        Stream input;
        ChunkPipe? pipe = null;
        try
        {
            if (fifo is not null)
            {
                exec = docker.ExecAsync(into.Container.Id, into.Exec(command, sessionOptions), Stream.Null, abort.Token);
                try
                {
                    input = await fifo.OpenWhileRunningAsync(exec, FileAccess.Write).ConfigureAwait(false);
                }
                catch
                {
                    await Task.WhenAny(exec).ConfigureAwait(false);
                    throw;
                }
            }
            else
            {
                pipe = new ChunkPipe(PipeChunks, abort.Token);
                exec = docker.ExecAsync(into.Container.Id, into.Exec(command, sessionOptions), pipe.Reader, Stream.Null, abort.Token);
                input = pipe.Writer;
            }
        }
        catch
        {
            pipe?.Dispose();
            abort.Dispose();
            throw;
        }

        // If the program ends before it has read everything, writing must fail rather than block.
        _ = exec.ContinueWith(_ => abort.Cancel(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return new FedProgram(name, exec, input, pipe, abort);
    }

    /// <summary>Ends the input: the program sees EOF, or with <paramref name="failure"/> (the input could not be produced) a broken stream.</summary>
    public void CloseInput(Exception? failure = null)
    {
        if (_inputClosed)
        {
            return;
        }

        _inputClosed = true;
        if (_pipe is not null)
        {
            _pipe.Complete(failure);
            return;
        }

        try
        {
            if (failure is not null && !_readerGone)
            {
                // A FIFO cannot carry an error: stop the program so it does not take a partial input as complete.
                _abort.Cancel();
            }

            Input.Dispose();
        }
        catch (IOException)
        {
            // The reader is gone (broken pipe on the final flush); the exit status reports it.
        }
    }

    public async ValueTask DisposeAsync()
    {
        CloseInput(new OperationCanceledException("the restore stopped"));
        await Task.WhenAny(Exec).ConfigureAwait(false);
        _pipe?.Dispose();
        _abort.Dispose();
    }

    /// <summary>Our end of the FIFO, noting when the program has closed its end (see <see cref="_readerGone"/>).</summary>
    private sealed class WatchedInput(Stream fifo, FedProgram program) : WriteOnlyStream
    {
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            try
            {
                fifo.Write(buffer);
            }
            catch (IOException)
            {
                program._readerGone = true;
                throw;
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                await fifo.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException)
            {
                program._readerGone = true;
                throw;
            }
        }

        public override void Flush() => fifo.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => fifo.FlushAsync(cancellationToken);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                fifo.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
