using System.Security.Cryptography;
using BackupPs.Core.Errors;

namespace BackupPs.Core.Files;

/// <summary>
/// A file's content as its tar entry carries it: exactly the size the header declared, whatever the file does while it
/// is read. TarWriter takes the header's size from <see cref="Length"/> and then copies the stream to its end, so a file
/// that grew would write more bytes than declared and corrupt every entry after it, and one that shrank would leave
/// the entry short. This stream ends at the declared size (<see cref="Grew"/> tells, after <see cref="CheckForMore"/>,
/// whether the file had more) and pads a short file with zeros (<see cref="Shrank"/>). Everything handed out is hashed:
/// <see cref="Sha256"/> is the content as stored. Reads pass straight through (no buffering of the file).
/// </summary>
internal sealed class DeclaredSizeStream : Stream
{
    private readonly Stream _source;
    private readonly string _shownPath;
    private readonly Action<int> _progress;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _position;

    /// <param name="source">The file's content, read forward only; not disposed here.</param>
    /// <param name="declaredSize">The size the header declares, in bytes.</param>
    /// <param name="shownPath">The file, for the error when reading it fails.</param>
    /// <param name="progress">Called with the bytes of each read.</param>
    public DeclaredSizeStream(Stream source, long declaredSize, string shownPath, Action<int> progress)
    {
        _source = source;
        Length = declaredSize;
        _shownPath = shownPath;
        _progress = progress;
    }

    /// <summary>True when the file ended before the declared size: the rest of the entry is zeros.</summary>
    public bool Shrank { get; private set; }

    /// <summary>True when the file had bytes beyond the declared size (known after <see cref="CheckForMore"/>); they are not stored.</summary>
    public bool Grew { get; private set; }

    public override bool CanRead => true;

    /// <summary>True so that TarWriter reads <see cref="Length"/> for the header instead of buffering the content to measure it.</summary>
    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length { get; }

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    /// <summary>The SHA-256 of the bytes handed out, 64 lower-case hex digits; call once the entry is written.</summary>
    public string Sha256() => Convert.ToHexString(_hash.GetHashAndReset()).ToLowerInvariant();

    /// <summary>After the declared size was read: whether the file has more (sets <see cref="Grew"/>).</summary>
    public async Task CheckForMore(CancellationToken cancellationToken)
    {
        if (!Shrank)
        {
            var probe = new byte[1];
            Grew = await Guard(() => _source.ReadAsync(probe, cancellationToken)).ConfigureAwait(false) > 0;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var want = Want(buffer.Length);
        if (want == 0)
        {
            return 0;
        }

        int got = 0;
        if (!Shrank)
        {
            try
            {
                got = _source.Read(buffer[..want]);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw ReadFailed(e);
            }
        }

        return Deliver(buffer[..want], got);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var want = Want(buffer.Length);
        if (want == 0)
        {
            return 0;
        }

        var got = Shrank ? 0 : await Guard(() => _source.ReadAsync(buffer[..want], cancellationToken)).ConfigureAwait(false);
        return Deliver(buffer.Span[..want], got);
    }

    private int Want(int room) => (int)Math.Min(room, Length - _position);

    /// <summary>Hands out what was read, or, once the file ended early, zeros up to the declared size.</summary>
    private int Deliver(Span<byte> buffer, int got)
    {
        if (got == 0)
        {
            Shrank = true;
            got = buffer.Length;
            buffer.Clear();
        }

        _hash.AppendData(buffer[..got]);
        _position += got;
        _progress(got);
        return got;
    }

    private async ValueTask<int> Guard(Func<ValueTask<int>> read)
    {
        try
        {
            return await read().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw ReadFailed(e);
        }
    }

    /// <summary>A source read failure is the source's fault, not the store's: say so (not "the destination failed").</summary>
    private BackupPsException ReadFailed(Exception e) =>
        new(FileSetErrorIds.SourceReadFailed, FailureCategory.ReadError,
            $"Reading {_shownPath} failed after {_position} bytes ({e.Message}); nothing was kept. Check the source's disk (dmesg), then back up again.", e)
        { Target = _shownPath };

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override void Flush()
    {
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }
}
