using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using BackupPs.Core.Errors;
using BackupPs.Core.Leftovers;

namespace BackupPs.Core.Storage;

/// <summary>
/// Writes a file so that its final name only ever shows complete, durable content and never replaces
/// another file:
/// <list type="number">
/// <item><see cref="Create"/> opens `.&lt;final-name&gt;.&lt;owner&gt;.&lt;16 hex&gt;.partial` in the same directory with
/// O_CREAT|O_EXCL and mode 0600 from the start (never readable by others, not even briefly).</item>
/// <item>The caller writes to <see cref="Stream"/> (unbuffered: each write is a write(2), so a full disk
/// surfaces at the write that hit it, as BackupPsException DestinationFull).</item>
/// <item><see cref="CommitAsync"/>: fsync the file, close it, rename it to the final name without
/// overwriting (renameat2 RENAME_NOREPLACE; else link+unlink; else an O_EXCL placeholder that the rename then
/// replaces), then fsync the directory so the new name survives a power cut. <see cref="CommitAs"/> does the
/// same under a name chosen at that moment, so that a writer whose name is taken can try the next one: the
/// rename itself decides, never a look beforehand (<see cref="CreateUnnamed"/>).</item>
/// <item>Dispose without a successful commit deletes the temporary file: that is the cleanup path for
/// failures and Ctrl+C. A killed process leaves a `.partial` file behind, which names its owner
/// (<see cref="ResourceOwner"/>) so that the next write into that folder removes it: <see cref="RemoveStalePartials"/>.</item>
/// </list>
/// Not thread-safe.
/// </summary>
public sealed partial class AtomicFile : IDisposable, IAsyncDisposable
{
    /// <summary>Suffix of every temporary file; no backup listing should match it.</summary>
    public const string PartialSuffix = ".partial";

    /// <summary>rw------- : the mode of the temporary and therefore the final file (before the umask).</summary>
    public const UnixFileMode CreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const int MaxFileNameBytes = 255;
    private const int RandomHexLength = 16;

    private static volatile bool s_renameAt2Unavailable;

    private readonly FileStream _file;
    private readonly AtomicFileStream _stream;
    private bool _closed;
    private bool _disposed;

    private AtomicFile(string finalPath, string tempPath, FileStream file)
    {
        FinalPath = finalPath;
        TempPath = tempPath;
        Directory = Path.GetDirectoryName(finalPath)!;
        _file = file;
        _stream = new AtomicFileStream(this, file);
    }

    /// <summary>The absolute path the file gets on commit; after a commit, the path it has.</summary>
    public string FinalPath { get; private set; }

    /// <summary>
    /// The absolute path of the temporary file being written. It may be opened for reading (the writer shares
    /// read access and does not buffer), e.g. to prove the content before <see cref="CommitAsync"/>.
    /// </summary>
    public string TempPath { get; }

    /// <summary>The directory both live in.</summary>
    public string Directory { get; }

    /// <summary>
    /// Where to write the content. Write-only, not seekable, unbuffered. Owned by this AtomicFile: disposing it
    /// only flushes, so a wrapper created with leaveOpen: false cannot close the file before the commit.
    /// Write failures arrive as BackupPsException (DestinationFull, DestinationFileTooLarge,
    /// DestinationNotWritable, DestinationWriteFailed).
    /// </summary>
    public Stream Stream => _stream;

    /// <summary>Bytes written to <see cref="Stream"/> so far.</summary>
    public long BytesWritten => _stream.BytesWritten;

    /// <summary>True once the content is durable under <see cref="FinalPath"/>.</summary>
    public bool IsCommitted { get; private set; }

    /// <summary>
    /// Starts writing <paramref name="finalPath"/>, whose directory must exist (see
    /// <see cref="SecureDirectory.Ensure"/>). Fails fast with BackupAlreadyExists when the final name is taken
    /// (it is checked again, atomically, at commit), and with DestinationNotWritable, DestinationFull,
    /// DestinationDirectoryMissing or InvalidDestinationPath.
    /// </summary>
    public static AtomicFile Create(string finalPath) => Open(finalPath, failIfTaken: true);

    /// <summary>
    /// Starts writing a file whose final name is only settled by <see cref="CommitAs"/>:
    /// <paramref name="provisionalPath"/> names the temporary file and is what <see cref="Commit"/> would use,
    /// but its being taken now is no error (the caller will try other names). Otherwise as <see cref="Create"/>.
    /// </summary>
    public static AtomicFile CreateUnnamed(string provisionalPath) => Open(provisionalPath, failIfTaken: false);

    private static AtomicFile Open(string finalPath, bool failIfTaken)
    {
        string full = SecureDirectory.FullPath(finalPath);
        string name = Path.GetFileName(full);
        string? directory = Path.GetDirectoryName(full);
        if (string.IsNullOrEmpty(name) || directory is null)
        {
            throw StorageErrors.InvalidPath(finalPath, "it names no file");
        }

        if (failIfTaken && Path.Exists(full))
        {
            throw StorageErrors.AlreadyExists(full);
        }

        for (int attempt = 0; ; attempt++)
        {
            string temp = Path.Combine(directory, TempFileName(name));
            var options = new FileStreamOptions
            {
                Mode = System.IO.FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.Read,
                BufferSize = 0,
            };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = CreateMode;
            }

            try
            {
                return new AtomicFile(full, temp, new FileStream(temp, options));
            }
            catch (IOException e) when (StorageErrors.IsAlreadyExists(e) && attempt < 3)
            {
                // 64 random bits collided (or a stale file): draw again.
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                if (e is DirectoryNotFoundException || !System.IO.Directory.Exists(directory))
                {
                    throw StorageErrors.DirectoryMissing(directory, e);
                }

                throw StorageErrors.MapWriteFailure(e, directory, full, 0);
            }
        }
    }

    /// <summary>Flush + fsync, no-clobber rename to <see cref="FinalPath"/>, fsync of the directory. See the class remarks.</summary>
    /// <exception cref="BackupPsException">BackupAlreadyExists, DestinationFull, DestinationWriteFailed, ...;
    /// the temporary file then stays until Dispose deletes it.</exception>
    public void Commit() => CommitAs(FinalPath);

    /// <summary>
    /// <see cref="Commit"/> under <paramref name="finalPath"/>, a name in the same directory. Fails with
    /// BackupAlreadyExists, leaving everything as it was, when that name is taken: the caller may try another.
    /// Once committed, a call with another name moves the file there the same way (no overwrite, directory
    /// fsync): a backup that lost the race for its manifest's name moves on to a name it can have whole.
    /// </summary>
    public void CommitAs(string finalPath)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        string full = SecureDirectory.FullPath(finalPath);
        if (Path.GetDirectoryName(full) != Directory)
        {
            throw new ArgumentException($"'{full}' is not in {Directory}, where the file is written.", nameof(finalPath));
        }

        if (IsCommitted && full == FinalPath)
        {
            return;
        }

        if (!_closed)
        {
            Guard(() => _file.Flush(flushToDisk: true));
            _closed = true;
            Guard(_file.Dispose);
        }

        string source = IsCommitted ? FinalPath : TempPath;
        Guard(() => RenameNoReplace(source, full));
        FinalPath = full;
        IsCommitted = true;
        Guard(() => SyncDirectory(Directory));
    }

    /// <summary>
    /// <see cref="Commit"/> on a thread-pool thread (fsync of a large file can take seconds). The token is
    /// honoured until the rename starts; after that the commit completes.
    /// </summary>
    public Task CommitAsync(CancellationToken cancellationToken = default) => CommitAsAsync(FinalPath, cancellationToken);

    /// <summary><see cref="CommitAs"/> on a thread-pool thread; the token as in <see cref="CommitAsync"/>.</summary>
    public Task CommitAsAsync(string finalPath, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (IsCommitted && SecureDirectory.FullPath(finalPath) == FinalPath)
        {
            return Task.CompletedTask;
        }

        return Task.Run(
            () =>
            {
                cancellationToken.ThrowIfCancellationRequested();
                CommitAs(finalPath);
            },
            cancellationToken);
    }

    /// <summary>Closes the file; without a successful commit, deletes the temporary file. Never throws.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_closed)
        {
            _closed = true;
            try
            {
                _file.Dispose();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A failing close (disk full on NFS, say) changes nothing: the file is deleted below.
            }
        }

        // After a commit the temporary name is normally gone already; it still exists only if unlink failed
        // after link(2), and then it is a second name of the committed file.
        try
        {
            File.Delete(TempPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: RemoveStalePartials cleans up what cannot be deleted now.
            if (!IsCommitted)
            {
                OperationRun.NoteLeftBehind("the partial file " + TempPath);
            }
        }
    }

    /// <inheritdoc cref="Dispose" />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>True for names this class gives temporary files: `.&lt;name&gt;.&lt;owner&gt;.&lt;16 hex&gt;.partial`, and `.&lt;name&gt;.&lt;16 hex&gt;.partial` of earlier versions.</summary>
    public static bool IsPartialFileName(string fileName) => PartialNamePattern().IsMatch(fileName);

    /// <summary>
    /// Deletes temporary files of interrupted writes in <paramref name="directory"/> (not recursive, only names
    /// <see cref="IsPartialFileName"/> accepts): at once those whose owner is known not to hold them any more
    /// (<see cref="ResourceOwner.Holds"/>: it ended, or it is this process and no run of it holds the file), the
    /// others (another host's owner, or an earlier version's name without one) once their last write is older
    /// than <paramref name="olderThan"/>: a running backup writes continuously, so its file is never that old;
    /// pick a margin such as 1 hour. Returns the paths deleted; files that cannot be deleted are skipped. A
    /// missing directory yields an empty list.
    /// </summary>
    public static IReadOnlyList<string> RemoveStalePartials(string directory, TimeSpan olderThan)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(olderThan, TimeSpan.Zero);
        string full = SecureDirectory.FullPath(directory);
        var removed = new List<string>();
        if (!System.IO.Directory.Exists(full))
        {
            return removed;
        }

        DateTime cutoff = DateTime.UtcNow - olderThan;
        foreach (string path in System.IO.Directory.EnumerateFiles(full, "*" + PartialSuffix, new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = true }))
        {
            try
            {
                var name = Path.GetFileName(path);
                if (IsPartialFileName(name) && IsAbandonedPartial(name, () => File.GetLastWriteTimeUtc(path) < cutoff))
                {
                    File.Delete(path);
                    removed.Add(path);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Raced with its owner or not ours to delete: leave it.
            }
        }

        return removed;
    }

    /// <summary>Whether partial file <paramref name="name"/> belongs to no running write: its owner's verdict, else <paramref name="old"/>'s.</summary>
    private static bool IsAbandonedPartial(string name, Func<bool> old)
    {
        var match = PartialOwnerPattern().Match(name);
        var held = match.Success ? ResourceOwner.Parse(match.Groups[1].Value)?.Holds(name) : null;
        return held is false || (held is null && old());
    }

    /// <summary>`.&lt;final name, shortened to fit&gt;.&lt;owner token&gt;.&lt;16 hex&gt;.partial`, held by the current run (<see cref="OperationRun"/>).</summary>
    internal static string TempFileName(string finalName)
    {
        string owner = ResourceOwner.Current.Token;
        // The whole name must fit NAME_MAX (255 bytes): shorten the embedded final name if needed.
        int budget = MaxFileNameBytes - 1 - 1 - owner.Length - 1 - RandomHexLength - PartialSuffix.Length;
        string shown = finalName;
        while (Encoding.UTF8.GetByteCount(shown) > budget)
        {
            int cut = shown.Length - 1;
            if (cut > 0 && char.IsLowSurrogate(shown[cut]))
            {
                cut--;
            }

            shown = shown[..cut];
        }

        string random = Convert.ToHexString(RandomNumberGenerator.GetBytes(RandomHexLength / 2)).ToLowerInvariant();
        return OperationRun.Hold($".{shown}.{owner}.{random}{PartialSuffix}");
    }

    internal void ThrowIfClosed()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_closed)
        {
            throw new InvalidOperationException("The file is already committed or closed; no more data can be written.");
        }
    }

    internal Exception MapFailure(Exception e) => StorageErrors.MapWriteFailure(e, Directory, FinalPath, BytesWritten);

    private void Guard(Action action)
    {
        try
        {
            action();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw MapFailure(e);
        }
    }

    /// <summary>Renames <paramref name="source"/> to <paramref name="destination"/>, failing with BackupAlreadyExists if it exists.</summary>
    internal static void RenameNoReplace(string source, string destination)
    {
        if (OperatingSystem.IsWindows())
        {
            try
            {
                File.Move(source, destination, overwrite: false); // MoveFileEx without REPLACE_EXISTING: atomic no-clobber
                return;
            }
            catch (IOException e) when (StorageErrors.IsAlreadyExists(e))
            {
                throw StorageErrors.AlreadyExists(destination, e);
            }
        }

        int errno;
        if (!s_renameAt2Unavailable)
        {
            try
            {
                if (LibC.RenameAt2(LibC.AtFdCwd, source, LibC.AtFdCwd, destination, LibC.RenameNoReplace) == 0)
                {
                    return;
                }

                errno = Marshal.GetLastPInvokeError();
            }
            catch (EntryPointNotFoundException)
            {
                s_renameAt2Unavailable = true; // glibc < 2.28, macOS
                errno = LibC.ENOSYS;
            }

            if (errno == LibC.EEXIST)
            {
                throw StorageErrors.AlreadyExists(destination);
            }

            // EINVAL: this filesystem does not implement RENAME_NOREPLACE (some FUSE, older NFS/CIFS).
            if (errno is not (LibC.EINVAL or LibC.ENOSYS or LibC.ENOTSUP))
            {
                throw LibC.ErrnoException(errno, $"Renaming '{source}' to '{destination}' failed");
            }
        }

        // link(2) fails with EEXIST instead of replacing: atomic no-clobber on any filesystem with hard links.
        if (LibC.Link(source, destination) == 0)
        {
            LibC.Unlink(source); // if this fails, Dispose deletes the extra name
            return;
        }

        errno = Marshal.GetLastPInvokeError();
        if (errno == LibC.EEXIST)
        {
            throw StorageErrors.AlreadyExists(destination);
        }

        if (errno is not (LibC.EPERM or LibC.ENOTSUP or LibC.ENOSYS or LibC.EMLINK))
        {
            throw LibC.ErrnoException(errno, $"Linking '{source}' to '{destination}' failed");
        }

        // No hard links (FAT/exFAT USB drives, some network filesystems): reserve the name with O_EXCL, then
        // rename over our own empty placeholder (rename(2) replaces atomically). A crash in between leaves an
        // empty file under the final name, which a restore rejects as truncated.
        try
        {
            new FileStream(destination, System.IO.FileMode.CreateNew, FileAccess.Write).Dispose();
        }
        catch (IOException e) when (StorageErrors.IsAlreadyExists(e))
        {
            throw StorageErrors.AlreadyExists(destination, e);
        }

        try
        {
            File.Move(source, destination, overwrite: true);
        }
        catch
        {
            try
            {
                File.Delete(destination);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Leave the empty placeholder; the original failure is what matters.
            }

            throw;
        }
    }

    /// <summary>fsync(2) on the directory so a completed rename survives a power cut. No-op on Windows.</summary>
    internal static void SyncDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        int fd = LibC.Open(directory, LibC.OpenReadOnlyCloseOnExec);
        if (fd < 0)
        {
            return; // e.g. a write-only (0300) drop directory: durability of the name is then up to the OS
        }

        try
        {
            if (LibC.FSync(fd) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();

                // Some filesystems cannot sync a directory (EINVAL / ENOTSUP); only a real I/O error matters.
                if (errno is LibC.EIO or LibC.ENOSPC or LibC.EDQUOT)
                {
                    throw LibC.ErrnoException(errno, $"Syncing directory '{directory}' failed");
                }
            }
        }
        finally
        {
            LibC.Close(fd);
        }
    }

    [GeneratedRegex(@"^\..+\.[0-9a-f]{16}\.partial$", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex PartialNamePattern();

    /// <summary>The owner in a partial file's name: the token right before the random part (a final name never decides it).</summary>
    [GeneratedRegex(@"\.(" + ResourceOwner.TokenPattern + @")\.[0-9a-f]{16}\.partial$", RegexOptions.CultureInvariant)]
    private static partial Regex PartialOwnerPattern();

    /// <summary>The write-only, error-mapping, counting view of the temporary file.</summary>
    private sealed class AtomicFileStream : Stream
    {
        private readonly AtomicFile _owner;
        private readonly FileStream _file;

        public AtomicFileStream(AtomicFile owner, FileStream file)
        {
            _owner = owner;
            _file = file;
        }

        public long BytesWritten { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => !_owner._closed && !_owner._disposed;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Flush()
        {
            if (_owner._closed || _owner._disposed)
            {
                return;
            }

            try
            {
                _file.Flush();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw _owner.MapFailure(e);
            }
        }

        public override Task FlushAsync(CancellationToken cancellationToken)
        {
            Flush();
            return Task.CompletedTask;
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            ValidateBufferArguments(buffer, offset, count);
            Write(buffer.AsSpan(offset, count));
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _owner.ThrowIfClosed();
            try
            {
                _file.Write(buffer);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw _owner.MapFailure(e);
            }

            BytesWritten += buffer.Length;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            ValidateBufferArguments(buffer, offset, count);
            return WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _owner.ThrowIfClosed();
            try
            {
                await _file.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw _owner.MapFailure(e);
            }

            BytesWritten += buffer.Length;
        }

        protected override void Dispose(bool disposing)
        {
            // Owned by the AtomicFile; see AtomicFile.Stream.
        }

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
