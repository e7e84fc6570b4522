using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BackupPs.Core.Compression;

/// <summary>
/// Writes one standard zstd frame (readable by `zstd -d`, verified by `zstd -t`) with the 32-bit content
/// checksum enabled, through the system libzstd's streaming API (ZSTD_compressStream2). Memory is constant:
/// one output buffer here plus libzstd's window and, with workers, its job buffers (a few MB per worker at
/// level 3). With <see cref="Workers"/> &gt; 0 libzstd compresses on its own threads while the caller keeps
/// writing. See <see cref="CompressorStream"/> for the life cycle and ownership rules.
/// </summary>
public sealed class ZstdCompressStream : CompressorStream
{
    /// <summary>The level used when none is given (zstd's own default).</summary>
    public const int DefaultLevel = 3;

    /// <summary>Lowest accepted level.</summary>
    public const int MinLevel = 1;

    /// <summary>Highest accepted level (19; zstd's 20-22 "ultra" levels need hundreds of MB per worker).</summary>
    public const int MaxLevel = 19;

    private const int OutputBufferSize = 256 * 1024;

    private readonly ZstdNative _native;
    private readonly ZstdCompressionContextHandle _cctx;
    private readonly Stream _output;
    private readonly bool _leaveOpen;
    private readonly byte[] _outBuffer;
    private readonly nint _outPtr;
    private bool _disposed;

    /// <param name="output">Where the compressed frame goes; must be writable.</param>
    /// <param name="level">1..19; null means <see cref="DefaultLevel"/>.</param>
    /// <param name="workers">libzstd worker threads: null = Environment.ProcessorCount, 0 = compress on the
    /// calling thread. Falls back silently to 0 when the library was built without multi-threading.</param>
    /// <param name="leaveOpen">true (default): disposing this stream leaves <paramref name="output"/> open.</param>
    public ZstdCompressStream(Stream output, int? level = null, int? workers = null, bool leaveOpen = true)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!output.CanWrite)
        {
            throw new ArgumentException("The output stream must be writable.", nameof(output));
        }

        int effectiveLevel = level ?? DefaultLevel;
        if (effectiveLevel is < MinLevel or > MaxLevel)
        {
            throw CompressionErrors.InvalidLevel(CompressionKind.Zstd, effectiveLevel, MinLevel, MaxLevel);
        }

        int requestedWorkers = workers ?? Environment.ProcessorCount;
        ArgumentOutOfRangeException.ThrowIfNegative(requestedWorkers, nameof(workers));

        _native = ZstdNative.Instance;
        _cctx = new ZstdCompressionContextHandle(_native);
        if (_cctx.IsInvalid)
        {
            _cctx.Dispose();
            throw CompressionErrors.CompressionFailed("ZSTD_createCCtx returned NULL");
        }

        try
        {
            nint cctx = _cctx.DangerousGetHandle();
            Check(_native.SetParameter(cctx, ZstdCParameter.CompressionLevel, effectiveLevel), "setting the level");
            Check(_native.SetParameter(cctx, ZstdCParameter.ChecksumFlag, 1), "enabling the checksum");
            if (requestedWorkers > 0 && _native.IsError(_native.SetParameter(cctx, ZstdCParameter.NbWorkers, requestedWorkers)))
            {
                // A libzstd built without ZSTD_MULTITHREAD rejects nbWorkers > 0: compress on this thread instead.
                requestedWorkers = 0;
            }
        }
        catch
        {
            _cctx.Dispose();
            throw;
        }

        Level = effectiveLevel;
        Workers = requestedWorkers;
        _output = output;
        _leaveOpen = leaveOpen;
        _outBuffer = GC.AllocateUninitializedArray<byte>(Math.Max(OutputBufferSize, _native.CStreamOutSize), pinned: true);
        _outPtr = AddressOf(_outBuffer);
    }

    /// <inheritdoc />
    public override CompressionKind Kind => CompressionKind.Zstd;

    /// <summary>The compression level in use.</summary>
    public int Level { get; }

    /// <summary>libzstd worker threads in use (0 = single-threaded, on the caller's thread).</summary>
    public int Workers { get; }

    /// <inheritdoc />
    public override bool CanWrite => !_disposed && !IsFinished;

    /// <inheritdoc />
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        EnsureWritable();
        if (buffer.IsEmpty)
        {
            return;
        }

        try
        {
            unsafe
            {
                fixed (byte* source = buffer)
                {
                    nuint position = 0;
                    nuint length = (nuint)buffer.Length;
                    while (position < length)
                    {
                        Step((nint)source, length, ref position, ZstdEndDirective.Continue, out int produced);
                        if (produced > 0)
                        {
                            _output.Write(_outBuffer, 0, produced);
                            BytesOut += produced;
                        }
                    }
                }
            }

            BytesIn += buffer.Length;
        }
        catch
        {
            Faulted = true;
            throw;
        }
    }

    /// <inheritdoc />
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        EnsureWritable();
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        return buffer.IsEmpty ? ValueTask.CompletedTask : WriteCoreAsync(buffer, cancellationToken);
    }

    private async ValueTask WriteCoreAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            using MemoryHandle pin = buffer.Pin();
            nint source = AddressOf(pin);
            nuint position = 0;
            nuint length = (nuint)buffer.Length;
            while (position < length)
            {
                Step(source, length, ref position, ZstdEndDirective.Continue, out int produced);
                if (produced > 0)
                {
                    await _output.WriteAsync(_outBuffer.AsMemory(0, produced), cancellationToken).ConfigureAwait(false);
                    BytesOut += produced;
                }
            }

            BytesIn += buffer.Length;
        }
        catch
        {
            Faulted = true;
            throw;
        }
    }

    /// <summary>
    /// Ends the current block (ZSTD_e_flush) so everything written so far is decodable, then flushes the inner
    /// stream. Costs ratio and, with workers, waits for them: the backup pipeline never needs it.
    /// A no-op once the frame is finished or after a failed write.
    /// </summary>
    public override void Flush()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (IsFinished || Faulted)
        {
            return;
        }

        Drain(ZstdEndDirective.Flush);
        _output.Flush();
    }

    /// <inheritdoc cref="Flush" />
    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (IsFinished || Faulted)
        {
            return;
        }

        await DrainAsync(ZstdEndDirective.Flush, cancellationToken).ConfigureAwait(false);
        await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override void Finish()
    {
        if (IsFinished)
        {
            return;
        }

        EnsureWritable();
        Drain(ZstdEndDirective.End);
        _output.Flush();
        IsFinished = true;
    }

    /// <inheritdoc />
    public override async Task FinishAsync(CancellationToken cancellationToken = default)
    {
        if (IsFinished)
        {
            return;
        }

        EnsureWritable();
        await DrainAsync(ZstdEndDirective.End, cancellationToken).ConfigureAwait(false);
        await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
        IsFinished = true;
    }

    private void Drain(ZstdEndDirective directive)
    {
        try
        {
            nuint remaining;
            do
            {
                nuint position = 0;
                remaining = Step(0, 0, ref position, directive, out int produced);
                if (produced > 0)
                {
                    _output.Write(_outBuffer, 0, produced);
                    BytesOut += produced;
                }
            }
            while (remaining != 0);
        }
        catch
        {
            Faulted = true;
            throw;
        }
    }

    private async Task DrainAsync(ZstdEndDirective directive, CancellationToken cancellationToken)
    {
        try
        {
            nuint remaining;
            do
            {
                cancellationToken.ThrowIfCancellationRequested();
                nuint position = 0;
                remaining = Step(0, 0, ref position, directive, out int produced);
                if (produced > 0)
                {
                    await _output.WriteAsync(_outBuffer.AsMemory(0, produced), cancellationToken).ConfigureAwait(false);
                    BytesOut += produced;
                }
            }
            while (remaining != 0);
        }
        catch
        {
            Faulted = true;
            throw;
        }
    }

    /// <summary>One ZSTD_compressStream2 call into the (pinned) output buffer; returns libzstd's "still to flush" hint.</summary>
    private unsafe nuint Step(nint source, nuint sourceLength, ref nuint sourcePosition, ZstdEndDirective directive, out int produced)
    {
        bool added = false;
        try
        {
            _cctx.DangerousAddRef(ref added);
            var input = new ZstdInBuffer { Src = source, Size = sourceLength, Pos = sourcePosition };
            var output = new ZstdOutBuffer { Dst = _outPtr, Size = (nuint)_outBuffer.Length, Pos = 0 };
            nuint result = _native.CompressStream2(_cctx.DangerousGetHandle(), &output, &input, directive);
            Check(result, "compressing");
            sourcePosition = input.Pos;
            produced = (int)output.Pos;
            return result;
        }
        finally
        {
            if (added)
            {
                _cctx.DangerousRelease();
            }
        }
    }

    private void Check(nuint result, string what)
    {
        if (_native.IsError(result))
        {
            throw CompressionErrors.CompressionFailed($"{what}: {_native.GetErrorName(result)}");
        }
    }

    private void EnsureWritable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (IsFinished)
        {
            throw new InvalidOperationException("The zstd frame is already finished; no more data can be written.");
        }

        if (Faulted)
        {
            throw new InvalidOperationException("An earlier write to the zstd stream failed or it was abandoned; the compressed output is incomplete.");
        }
    }

    /// <summary>Finishes the frame unless a write failed, then frees the context (and the output unless leaveOpen).</summary>
    protected override void Dispose(bool disposing)
    {
        if (_disposed)
        {
            return;
        }

        try
        {
            if (disposing && !IsFinished && !Faulted)
            {
                Finish();
            }
        }
        finally
        {
            _disposed = true;
            _cctx.Dispose();
            if (disposing && !_leaveOpen)
            {
                _output.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    /// <inheritdoc cref="Dispose(bool)" />
    public override async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        try
        {
            if (!IsFinished && !Faulted)
            {
                await FinishAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _disposed = true;
            _cctx.Dispose();
            if (!_leaveOpen)
            {
                await _output.DisposeAsync().ConfigureAwait(false);
            }

            GC.SuppressFinalize(this);
        }
    }

    internal static unsafe nint AddressOf(byte[] pinnedArray) =>
        (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinnedArray));

    internal static unsafe nint AddressOf(in MemoryHandle pin) => (nint)pin.Pointer;
}
