using System.Buffers;

namespace BackupPs.Core.Compression;

/// <summary>
/// Reads zstd data (one or more concatenated frames, as `zstd -d` accepts) through the system libzstd.
/// A read returns 0 only after the last frame ended exactly at the end of the input with its checksum
/// verified by libzstd; otherwise it throws BackupPsException (InvalidData): CompressedStreamTruncated when the
/// input ends inside a frame (or is empty), CompressedStreamCorrupt for a bad block, a checksum mismatch or
/// trailing bytes that are not a zstd frame. Memory is constant (libzstd's window, at most 128 MB for frames
/// made with default settings; 2 MB at level 3). Ownership: leaveOpen true by default.
/// </summary>
public sealed class ZstdDecompressStream : DecompressorStream
{
    private readonly ZstdNative _native;
    private readonly ZstdContextHandle _dctx;
    private readonly byte[] _inBuffer;
    private readonly nint _inPtr;
    private int _inPosition;
    private int _inLength;
    private bool _inputEnded;
    private bool _frameOpen = true; // nothing decoded yet: an empty input is a truncated one
    private bool _outputPending;

    /// <param name="input">The compressed data; must be readable.</param>
    /// <param name="leaveOpen">true (default): disposing this stream leaves <paramref name="input"/> open.</param>
    /// <param name="sourceName">Named in error messages (e.g. the file path); optional.</param>
    public ZstdDecompressStream(Stream input, bool leaveOpen = true, string? sourceName = null)
        : base(input, leaveOpen, sourceName, "zstd")
    {
        _native = ZstdNative.Instance;
        _dctx = ZstdContextHandle.ForDecompression(_native);
        if (_dctx.IsInvalid)
        {
            _dctx.Dispose();
            throw new OutOfMemoryException("ZSTD_createDCtx returned NULL.");
        }

        _inBuffer = GC.AllocateUninitializedArray<byte>(Math.Max(128 * 1024, _native.DStreamInSize), pinned: true);
        _inPtr = ZstdCompressStream.AddressOf(_inBuffer);
    }

    /// <inheritdoc />
    public override CompressionKind Kind => CompressionKind.Zstd;

    /// <inheritdoc />
    private protected override int ReadCore(Span<byte> buffer)
    {
        while (true)
        {
            if (_inPosition == _inLength && !_outputPending)
            {
                if (!_inputEnded)
                {
                    Accept(Input.Read(_inBuffer, 0, _inBuffer.Length));
                }

                if (_inPosition == _inLength)
                {
                    ThrowIfInsideFrame();
                    return 0;
                }
            }

            int produced;
            unsafe
            {
                fixed (byte* destination = buffer)
                {
                    produced = Step((nint)destination, buffer.Length);
                }
            }

            if (produced > 0)
            {
                return produced;
            }
        }
    }

    /// <inheritdoc />
    private protected override async ValueTask<int> ReadCoreAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        using MemoryHandle pin = buffer.Pin();
        nint destination = ZstdCompressStream.AddressOf(pin);
        while (true)
        {
            if (_inPosition == _inLength && !_outputPending)
            {
                if (!_inputEnded)
                {
                    Accept(await Input.ReadAsync(_inBuffer.AsMemory(), cancellationToken).ConfigureAwait(false));
                }

                if (_inPosition == _inLength)
                {
                    ThrowIfInsideFrame();
                    return 0;
                }
            }

            int produced = Step(destination, buffer.Length);
            if (produced > 0)
            {
                return produced;
            }
        }
    }

    private void Accept(int read)
    {
        _inPosition = 0;
        _inLength = read;
        if (read == 0)
        {
            _inputEnded = true;
        }
        else
        {
            BytesIn += read;
        }
    }

    /// <summary>Input exhausted and nothing buffered in libzstd: a clean end only between frames.</summary>
    private void ThrowIfInsideFrame()
    {
        if (_frameOpen)
        {
            throw CompressionErrors.Truncated(SourceName, Format, BytesIn,
                BytesIn == 0 ? "it is empty" : "the last frame is incomplete");
        }
    }

    private unsafe int Step(nint destination, int capacity)
    {
        bool added = false;
        try
        {
            _dctx.DangerousAddRef(ref added);
            var input = new ZstdInBuffer { Src = _inPtr, Size = (nuint)_inLength, Pos = (nuint)_inPosition };
            var output = new ZstdOutBuffer { Dst = destination, Size = (nuint)capacity, Pos = 0 };
            nuint result = _native.DecompressStream(_dctx.DangerousGetHandle(), &output, &input);
            if (_native.IsError(result))
            {
                long offset = BytesIn - _inLength + (long)input.Pos;
                throw CompressionErrors.Corrupt(SourceName, Format, offset, _native.GetErrorName(result));
            }

            int consumed = (int)input.Pos - _inPosition;
            _inPosition = (int)input.Pos;
            int produced = (int)output.Pos;

            // 0 = a frame ended and everything it decoded was flushed; anything else = inside a frame. A call
            // that moved nothing (draining after a full buffer, right at a frame's end) only returns the
            // header size of a next frame that may never come: it must not reopen the frame.
            if (consumed > 0 || produced > 0)
            {
                _frameOpen = result != 0;
            }

            // A full output buffer means libzstd may hold more decoded bytes: drain before reading input.
            _outputPending = produced == capacity;
            BytesOut += produced;
            return produced;
        }
        finally
        {
            if (added)
            {
                _dctx.DangerousRelease();
            }
        }
    }

    /// <inheritdoc />
    private protected override void ReleaseDecoder() => _dctx.Dispose();
}
