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
    private readonly ZstdContextHandle _cctx;
    private readonly byte[] _outBuffer;
    private readonly nint _outPtr;

    /// <param name="output">Where the compressed frame goes; must be writable.</param>
    /// <param name="level">1..19; null means <see cref="DefaultLevel"/>.</param>
    /// <param name="workers">libzstd worker threads: null = Environment.ProcessorCount, 0 = compress on the
    /// calling thread. Falls back silently to 0 when the library was built without multi-threading.</param>
    /// <param name="leaveOpen">true (default): disposing this stream leaves <paramref name="output"/> open.</param>
    public ZstdCompressStream(Stream output, int? level = null, int? workers = null, bool leaveOpen = true)
        : base(output, leaveOpen, "zstd", "frame")
    {
        int effectiveLevel = level ?? DefaultLevel;
        if (effectiveLevel is < MinLevel or > MaxLevel)
        {
            throw CompressionErrors.InvalidLevel(CompressionKind.Zstd, effectiveLevel, MinLevel, MaxLevel);
        }

        int requestedWorkers = workers ?? Environment.ProcessorCount;
        ArgumentOutOfRangeException.ThrowIfNegative(requestedWorkers, nameof(workers));

        _native = ZstdNative.Instance;
        _cctx = ZstdContextHandle.ForCompression(_native);
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
    private protected override void WriteCore(ReadOnlySpan<byte> buffer)
    {
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
                            Output.Write(_outBuffer, 0, produced);
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
    private protected override ValueTask WriteCoreAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        return buffer.IsEmpty ? ValueTask.CompletedTask : CompressAsync(buffer, cancellationToken);
    }

    private async ValueTask CompressAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
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
                    await Output.WriteAsync(_outBuffer.AsMemory(0, produced), cancellationToken).ConfigureAwait(false);
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
    /// </summary>
    private protected override void FlushCore()
    {
        Drain(ZstdEndDirective.Flush);
        Output.Flush();
    }

    /// <inheritdoc cref="FlushCore" />
    private protected override async Task FlushCoreAsync(CancellationToken cancellationToken)
    {
        await DrainAsync(ZstdEndDirective.Flush, cancellationToken).ConfigureAwait(false);
        await Output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    private protected override void FinishCore()
    {
        Drain(ZstdEndDirective.End);
        Output.Flush();
    }

    /// <inheritdoc />
    private protected override async Task FinishCoreAsync(CancellationToken cancellationToken)
    {
        await DrainAsync(ZstdEndDirective.End, cancellationToken).ConfigureAwait(false);
        await Output.FlushAsync(cancellationToken).ConfigureAwait(false);
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
                    Output.Write(_outBuffer, 0, produced);
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
                    await Output.WriteAsync(_outBuffer.AsMemory(0, produced), cancellationToken).ConfigureAwait(false);
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

    /// <inheritdoc />
    private protected override void ReleaseEncoder() => _cctx.Dispose();

    internal static unsafe nint AddressOf(byte[] pinnedArray) =>
        (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinnedArray));

    internal static unsafe nint AddressOf(in MemoryHandle pin) => (nint)pin.Pointer;
}
