using System.Buffers.Binary;
using System.Net.Sockets;

namespace BackupPs.Core.Docker;

/// <summary>
/// Splits Docker's multiplexed exec/attach stream (Tty=false) into stdout and stderr.
/// </summary>
/// <remarks>
/// <para>Frame: <c>[type, 0, 0, 0, size(uint32 big-endian)]</c> then <c>size</c> payload bytes. Types: 0 stdin and
/// 1 stdout (both go to stdout, as moby's stdcopy does), 2 stderr, 3 systemerr (a daemon-side error, collected
/// and reported as a failure). Anything else, or non-zero padding bytes, is DockerStreamCorrupt. A clean EOF between
/// frames ends the stream; EOF inside a header or payload is DockerStreamTruncated.</para>
/// <para>Performance: one large buffer, reads of the whole free buffer, no per-frame allocation. Consecutive stdout
/// payloads inside the buffer are compacted over the consumed headers (memmove) so the sink sees one write per
/// buffer fill instead of one per frame.</para>
/// </remarks>
internal sealed class MultiplexedStreamDemuxer
{
    internal const int HeaderSize = 8;
    internal const int StdoutHeadSize = 4096;

    private readonly Stream _input;
    private readonly byte[] _buf;
    private readonly object? _target;
    private readonly Func<Exception, Exception>? _mapReadError;
    private int _start;
    private int _end;
    private int _pendStart;
    private int _pendEnd;
    private readonly byte[] _stdoutHead = new byte[StdoutHeadSize];
    private int _stdoutHeadLength;

    /// <param name="input">The connection (or any stream) carrying frames.</param>
    /// <param name="buffer">Working buffer (≥ 64 KiB recommended); bytes <c>[start, end)</c> are already-read stream data.</param>
    /// <param name="target">Error target (container id).</param>
    /// <param name="mapReadError">Maps an exception thrown by <paramref name="input"/> (not by the sinks).</param>
    internal MultiplexedStreamDemuxer(Stream input, byte[] buffer, int start, int end, object? target, Func<Exception, Exception>? mapReadError = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(buffer.Length, HeaderSize * 2);
        _input = input;
        _buf = buffer;
        _start = start;
        _end = end;
        _target = target;
        _mapReadError = mapReadError;
    }

    internal long StdoutBytes { get; private set; }

    internal long StderrBytes { get; private set; }

    internal long SystemErrorBytes { get; private set; }

    internal ReadOnlyMemory<byte> StdoutHead => _stdoutHead.AsMemory(0, _stdoutHeadLength);

    /// <summary>Copies frames until a clean EOF. Exceptions from <paramref name="stdout"/> propagate unchanged.</summary>
    /// <remarks>One loop with a single read site and no awaited helper methods, so that not even Debug builds
    /// (where async state machines are classes) allocate per read or per frame.</remarks>
    internal async Task RunAsync(Stream stdout, BoundedCapture stderr, BoundedCapture systemError, CancellationToken ct)
    {
        byte[] buf = _buf;
        bool inPayload = false;
        byte type = 0;
        long remaining = 0;
        while (true)
        {
            if (!inPayload)
            {
                if (_end - _start >= HeaderSize)
                {
                    type = buf[_start];
                    if (type > 3 || buf[_start + 1] != 0 || buf[_start + 2] != 0 || buf[_start + 3] != 0)
                    {
                        throw DockerErrors.StreamCorrupt(
                            type > 3 ? $"unknown stream type {type}" : "non-zero header padding", _target);
                    }

                    remaining = BinaryPrimitives.ReadUInt32BigEndian(buf.AsSpan(_start + 4, 4));
                    _start += HeaderSize;
                    inPayload = remaining > 0;
                    continue;
                }
            }
            else if (_end > _start)
            {
                int take = (int)Math.Min(remaining, _end - _start);
                switch (type)
                {
                    case 0:
                    case 1:
                        if (_pendEnd == _pendStart)
                        {
                            _pendStart = _pendEnd = _start;
                        }
                        else if (_pendEnd != _start)
                        {
                            // Close the gap left by the consumed header(s): memmove left, overlap-safe.
                            Buffer.BlockCopy(buf, _start, buf, _pendEnd, take);
                        }

                        _pendEnd += take;
                        break;
                    case 2:
                        stderr.Append(buf.AsSpan(_start, take));
                        StderrBytes += take;
                        break;
                    default:
                        systemError.Append(buf.AsSpan(_start, take));
                        SystemErrorBytes += take;
                        break;
                }

                _start += take;
                remaining -= take;
                inPayload = remaining > 0;
                continue;
            }

            // Need more bytes: hand pending stdout to the sink, compact, and read as much as fits.
            await FlushAsync(stdout, ct).ConfigureAwait(false);
            int have = _end - _start;
            if (_start > 0)
            {
                if (have > 0)
                {
                    Buffer.BlockCopy(buf, _start, buf, 0, have);
                }

                _start = 0;
                _end = have;
            }

            int n;
            try
            {
                n = await _input.ReadAsync(buf.AsMemory(_end), ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (_mapReadError is not null && ex is IOException or SocketException or ObjectDisposedException && !ct.IsCancellationRequested)
            {
                throw _mapReadError(ex);
            }

            if (n == 0)
            {
                if (!inPayload && _end == _start)
                {
                    return; // clean EOF between frames; nothing pending (flushed above)
                }

                throw DockerErrors.StreamTruncated(inPayload ? "frame payload" : "frame header", _target);
            }

            _end += n;
        }
    }

    private ValueTask FlushAsync(Stream stdout, CancellationToken ct)
    {
        int count = _pendEnd - _pendStart;
        if (count == 0)
        {
            return ValueTask.CompletedTask;
        }

        if (_stdoutHeadLength < StdoutHeadSize)
        {
            int n = Math.Min(count, StdoutHeadSize - _stdoutHeadLength);
            Buffer.BlockCopy(_buf, _pendStart, _stdoutHead, _stdoutHeadLength, n);
            _stdoutHeadLength += n;
        }

        StdoutBytes += count;
        int start = _pendStart;
        _pendStart = _pendEnd = 0;
        return stdout.WriteAsync(_buf.AsMemory(start, count), ct);
    }
}
