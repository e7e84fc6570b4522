using System.Globalization;
using System.Text;

namespace BackupPs.Core.Docker;

/// <summary>
/// Captures a byte stream in memory up to a cap, keeping the first <c>headBytes</c> and the last
/// <c>tailBytes</c> (a ring buffer), so a long stderr keeps both the first error and the final summary.
/// Allocates its buffers on first use only.
/// </summary>
internal sealed class BoundedCapture
{
    private readonly int _headCap;
    private readonly int _tailCap;
    private byte[]? _head;
    private int _headLength;
    private byte[]? _tail;
    private int _tailPos;     // next write position in the ring
    private long _tailCount;  // bytes ever written to the ring

    internal BoundedCapture(int headBytes, int tailBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(headBytes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tailBytes);
        _headCap = headBytes;
        _tailCap = tailBytes;
    }

    /// <summary>Total bytes appended (kept or not).</summary>
    internal long TotalBytes { get; private set; }

    /// <summary>True when bytes between the head and the tail were dropped.</summary>
    internal bool Truncated => TotalBytes > (long)_headCap + _tailCap;

    internal void Append(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        TotalBytes += data.Length;
        if (_headLength < _headCap)
        {
            _head ??= new byte[_headCap];
            int n = Math.Min(data.Length, _headCap - _headLength);
            data[..n].CopyTo(_head.AsSpan(_headLength));
            _headLength += n;
            data = data[n..];
            if (data.IsEmpty)
            {
                return;
            }
        }

        _tail ??= new byte[_tailCap];
        if (data.Length >= _tailCap)
        {
            data[^_tailCap..].CopyTo(_tail);
            _tailPos = 0;
            _tailCount += data.Length;
            return;
        }

        int first = Math.Min(data.Length, _tailCap - _tailPos);
        data[..first].CopyTo(_tail.AsSpan(_tailPos));
        data[first..].CopyTo(_tail);
        _tailPos = (_tailPos + data.Length) % _tailCap;
        _tailCount += data.Length;
    }

    /// <summary>The captured bytes decoded as UTF-8, with an omission marker when truncated.</summary>
    internal string GetText()
    {
        if (TotalBytes == 0)
        {
            return string.Empty;
        }

        var sb = new StringBuilder();
        sb.Append(Encoding.UTF8.GetString(_head!, 0, _headLength));
        if (_tailCount == 0)
        {
            return sb.ToString();
        }

        if (_tailCount <= _tailCap)
        {
            sb.Append(Encoding.UTF8.GetString(_tail!, 0, (int)_tailCount));
            return sb.ToString();
        }

        long omitted = _tailCount - _tailCap;
        sb.Append(CultureInfo.InvariantCulture, $"\n[... {omitted} bytes omitted ...]\n");
        byte[] ordered = new byte[_tailCap];
        int firstPart = _tailCap - _tailPos;
        Array.Copy(_tail!, _tailPos, ordered, 0, firstPart);
        Array.Copy(_tail!, 0, ordered, firstPart, _tailPos);
        sb.Append(Encoding.UTF8.GetString(ordered));
        return sb.ToString();
    }
}
