using System.Formats.Tar;
using System.Security.Cryptography;
using BackupPs.Core.Compression;
using BackupPs.Core.Database;
using BackupPs.Core.Errors;
using BackupPs.Core.Storage;
using BackupPs.Core.Verification;

namespace BackupPs.Core.Files;

/// <summary>
/// One sequential pass over a file set's artifact: the file is hashed as it is read, decompressed, and its tar walked
/// entry by entry (<see cref="Next"/>); <see cref="Finish"/> reads what follows the tar's end, which must be zeros, and the
/// rest of the file, so the hash covers every byte. The verifier and the extractor both read artifacts through it, so
/// "the bytes that were checked" and "the bytes that are written" come from one definition.
/// </summary>
/// <remarks>
/// Errors: the file cannot be opened (BackupFileNotFound, BackupFileUnreadable, StoreFileNotRegular); the compressed
/// stream is damaged (CompressedStreamTruncated, CompressedStreamCorrupt, UnknownCompressionFormat); the tar inside is
/// damaged (<see cref="TarDamagedErrorId"/>).
/// </remarks>
internal sealed class ArtifactTarReader : IDisposable
{
    /// <summary>The ErrorId of a tar that cannot be read to its end (truncated, a bad header, data after its end).</summary>
    public const string TarDamagedErrorId = "FileSetTarDamaged";

    private readonly string _path;
    private readonly FileStream _file;
    private readonly Stream _counted;
    private readonly HashingStream _hashing;
    private DecompressorStream? _decompressor;
    private TeeReadStream? _tar;
    private TarReader? _reader;
    private bool _ended;

    private ArtifactTarReader(string path, FileStream file, Stream counted, HashingStream hashing)
    {
        _path = path;
        _file = file;
        _counted = counted;
        _hashing = hashing;
    }

    /// <param name="progress">Called with the number of file (compressed) bytes read so far, or null.</param>
    public static ArtifactTarReader Open(string path, Action<long>? progress)
    {
        var file = ArtifactVerifier.OpenBackup(path, 1 << 20);
        var counted = progress is null ? (Stream)file : new TeeReadStream(file, Stream.Null, progress);
        return new ArtifactTarReader(path, file, counted, new HashingStream(counted));
    }

    /// <summary>Bytes of the uncompressed tar read so far.</summary>
    public long TarBytes => _tar?.BytesRead ?? 0;

    /// <summary>
    /// The next entry of the tar, or null at its end. Its <see cref="TarEntry.DataStream"/> can be read until the next
    /// call. Throws BackupPsException for a damaged compressed stream or tar.
    /// </summary>
    public TarEntry? Next()
    {
        if (_ended)
        {
            return null;
        }

        if (_reader is null)
        {
            _decompressor = CompressionStreams.OpenDecompressor(_hashing, _path);
            _tar = new TeeReadStream(_decompressor, Stream.Null, static _ => { });
            _reader = new TarReader(_tar, leaveOpen: true);
        }

        var entry = ReadTar<TarEntry?>(() => _reader.GetNextEntry());
        _ended = entry is null;
        return entry;
    }

    /// <summary>Runs a read of the tar, turning what System.Formats.Tar throws for a malformed archive into <see cref="TarDamagedErrorId"/>.</summary>
    private T ReadTar<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException or ArgumentException or OverflowException)
        {
            throw Damaged(e.Message, e);
        }
    }

    /// <summary>
    /// Reads the content of <paramref name="entry"/> (the one <see cref="Next"/> returned last), copying it to
    /// <paramref name="copy"/> when given, and returns its SHA-256 (lower-case hex) and length in bytes.
    /// </summary>
    public (string Sha256, long Length) ReadContent(TarEntry entry, Stream? copy, CancellationToken cancellationToken)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long length = 0;
        if (entry.DataStream is { } content)
        {
            var buffer = new byte[128 * 1024];
            int read;
            while ((read = ReadTar(() => content.Read(buffer))) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                sha.AppendData(buffer, 0, read);
                copy?.Write(buffer, 0, read);
                length += read;
            }
        }

        return (Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant(), length);
    }

    /// <summary>
    /// After the tar was found damaged: decodes the rest of the compressed stream, so that a damaged tar in an intact
    /// stream is told from a damaged stream. Throws the decompressor's BackupPsException when the stream is damaged too.
    /// </summary>
    public void DecodeRest(CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        while (_tar is not null && _tar.Read(buffer) > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>
    /// After <see cref="Next"/> returned null: checks that the tar is followed by nothing but its zero padding, then reads
    /// the rest of the file. Returns the SHA-256 and length of the whole file.
    /// </summary>
    public ContentHash Finish(CancellationToken cancellationToken)
    {
        if (_tar is not null)
        {
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = _tar.Read(buffer)) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (buffer.AsSpan(0, read).ContainsAnyExcept((byte)0))
                {
                    throw Damaged("data follows the end of the tar archive (two zero blocks)", null);
                }
            }
        }

        return HashRest(cancellationToken);
    }

    /// <summary>Reads whatever is left of the file (after a failure, too) and returns the hash of all of it.</summary>
    public ContentHash HashRest(CancellationToken cancellationToken)
    {
        var buffer = new byte[1 << 20];
        while (_hashing.Read(buffer) > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
        }

        return _hashing.Complete();
    }

    private BackupPsException Damaged(string cause, Exception? inner) =>
        new(TarDamagedErrorId, FailureCategory.InvalidData,
            $"The tar inside {_path} is damaged after {TarBytes} bytes ({cause.TrimEnd('.')}); restore another backup.", inner)
        { Target = _path };

    public void Dispose()
    {
        _reader?.Dispose();
        _tar?.Dispose();
        _decompressor?.Dispose();
        _hashing.Dispose();
        _counted.Dispose();
        _file.Dispose();
    }
}
