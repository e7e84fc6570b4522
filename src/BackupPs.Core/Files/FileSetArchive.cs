using System.Formats.Tar;
using BackupPs.Core.Catalog;
using BackupPs.Core.Compression;
using BackupPs.Core.Errors;
using BackupPs.Core.Hosting;
using BackupPs.Core.Storage;
using BackupPs.Core.Verification;

namespace BackupPs.Core.Files;

/// <summary>
/// Stores a file set (Export-EnvFile, Backup-Directory, Backup-Volume): one POSIX PAX tar of the entries, compressed,
/// hashed, proven by reading it back, then placed in the store with its manifest. One pipeline:
/// entries → TarWriter (PAX) → compressor (zstd/gzip) → SHA-256 → temporary file (<see cref="AtomicFile"/>), streamed:
/// a file's content passes through in blocks, never whole, so memory does not grow with file sizes.
/// The tar, entry by entry in the order given (also the manifest's order):
/// <list type="bullet">
/// <item>name = <see cref="FileEntry.Path"/>, a folder's with a trailing '/', the root "." as "./";</item>
/// <item>numeric uid/gid (no user or group names), mode with setuid/setgid/sticky, mtime with its fraction in the PAX
/// "mtime" record (100 ns);</item>
/// <item>symbolic links with their target as stored, hard links with LinkName = the first name's Path, extended
/// attributes as PAX "SCHILY.xattr.&lt;name&gt;" records (GNU tar's --xattrs form; a value that is not valid UTF-8 cannot be
/// written by System.Formats.Tar and is left out with a warning).</item>
/// </list>
/// A regular file's header declares the size the producer saw; its content is cut or zero-padded to it
/// (<see cref="DeclaredSizeStream"/>), so a file that grows or shrinks never corrupts the archive. It is marked
/// <see cref="FileEntry.ChangedWhileRead"/>, with a warning like GNU tar's "file changed as we read it", when its bytes
/// were short or extra, or (for a file opened as a FileStream) its size, mtime or ctime differ between the walk, the
/// open and the end of the read; the manifest then says <see cref="BackupConsistency.CrashConsistent"/>.
/// Entries a producer marked <see cref="SourceEntry.Unreadable"/> and files that cannot be opened fail the backup once
/// every entry was walked, naming them all (<see cref="FileSetErrorIds.SourceNotReadable"/>). Files gone since the walk
/// are recorded as skipped, with a warning. Failure or Ctrl+C at any point leaves no artifact, no manifest, no .partial
/// file and no folder this run created.
/// </summary>
internal static class FileSetArchive
{
    /// <summary>A temporary file this old belongs to no running backup: its process was killed.</summary>
    private static readonly TimeSpan StalePartialAge = TimeSpan.FromDays(1);

    /// <summary>
    /// Writes, proves and stores the backup of <paramref name="entries"/>; returns its record.
    /// </summary>
    /// <param name="spec">What is stored, and where; <see cref="FileSetSpec.Base"/> makes it incremental.</param>
    /// <param name="entries">The tree in tar order, enumerated once (<see cref="TreeScan.Entries"/> or a producer's own).</param>
    /// <param name="parent">The progress activity this is a phase of, or null.</param>
    /// <exception cref="BackupPsException">SourceNotReadable, SourceReadFailed, BackupNotProven, and the store's
    /// errors (DestinationFull, DestinationNotWritable, ...); nothing is kept.</exception>
    public static async Task<BackupRecord> StoreAsync(FileSetSpec spec, IEnumerable<SourceEntry> entries, IOperationHost host,
        ProgressActivity? parent, CancellationToken cancellationToken)
    {
        if (spec.Kind == BackupKind.Database)
        {
            throw new ArgumentException("A database backup is no file set.", nameof(spec));
        }

        var folder = BackupNames.FolderFor(spec.StoreRoot, spec.Environment, spec.Kind, spec.Name);
        if (spec.Base is { } baseRecord && Path.GetDirectoryName(Path.GetFullPath(baseRecord.Path)) != Path.GetFullPath(folder))
        {
            throw new ArgumentException($"The base {baseRecord.Path} is not in {folder}, where this backup goes.", nameof(spec));
        }

        host.WriteVerbose($"Backing up {string.Join(", ", spec.SourcePaths)} into {folder} ({spec.Compression}{(spec.Base is null ? "" : $", incremental on {spec.Base.FileName}")}).");
        var directory = SecureDirectory.Ensure(folder);
        if (directory.IsGroupOrWorldWritable)
        {
            host.WriteWarning($"{folder} is writable by other users, who could replace or delete backups in it; consider chmod 700.");
        }

        try
        {
            return await StoreIntoAsync(spec, folder, entries, host, parent, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // A failed or cancelled run leaves no empty folders of its own: the store is as it was.
            directory.RemoveCreatedIfEmpty();
            throw;
        }
    }

    private static async Task<BackupRecord> StoreIntoAsync(FileSetSpec spec, string folder, IEnumerable<SourceEntry> entries, IOperationHost host,
        ProgressActivity? parent, CancellationToken cancellationToken)
    {
        foreach (var stale in AtomicFile.RemoveStalePartials(folder, StalePartialAge))
        {
            host.WriteWarning($"Removed {stale}, left behind by a backup process that was killed.");
        }

        var started = spec.Clock.GetUtcNow();
        string FileName(int claim) => BackupNames.ArtifactFileName(spec.Name, spec.Environment, started, spec.Compression, claim);
        var provisionalName = FileName(1);
        using var progress = ProgressActivity.Start(host, $"Backing up {string.Join(", ", spec.SourcePaths)}", "Starting", parent);
        await using var artifact = AtomicFile.CreateUnnamed(Path.Combine(folder, provisionalName));
        progress.Step(1, 3, "archiving");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        TarResult tar;
        using (var archiving = progress.Child($"Archiving into {provisionalName}", "Starting"))
        {
            tar = await WriteTarAsync(spec, entries, artifact.Stream, archiving, host, cancellationToken).ConfigureAwait(false);
        }

        var completed = spec.Clock.GetUtcNow();
        var stored = tar.Files.Count(f => f.StoredIn is null && f.Type == FileEntryType.File);
        BackupManifest Describe(string fileName) => new()
        {
            Kind = spec.Kind,
            Environment = spec.Environment,
            Name = spec.Name,
            FileName = fileName,
            Compression = spec.Compression,
            SizeBytes = tar.SizeBytes,
            Sha256 = tar.Sha256,
            DumpBytes = tar.TarBytes,
            StartedUtc = started,
            CompletedUtc = completed,
            Elapsed = completed - started,
            SourceHost = spec.SourceHost,
            SourcePaths = spec.SourcePaths,
            Volume = spec.Volume,
            Consistency = tar.ChangedWhileRead > 0 ? BackupConsistency.CrashConsistent : spec.Consistency,
            Exclude = spec.Exclude is { Count: > 0 } ? spec.Exclude : null,
            // Named only when this backup needs it: an incremental run that found everything changed stands alone.
            BaseFileName = tar.Files.Any(f => f.StoredIn is not null) ? spec.Base?.FileName : null,
            Files = tar.Files,
            Skipped = tar.Skipped.Count > 0 ? tar.Skipped : null,
            FileCount = tar.Files.Count,
            TotalBytes = tar.Files.Sum(f => f.Size),
        };

        host.WriteVerbose($"Archived {tar.Files.Count} entries ({stored} file(s) with content{(spec.Base is null ? "" : $", {tar.Files.Count(f => f.StoredIn is not null)} unchanged since the base")}), "
            + $"{tar.TarBytes} tar bytes, {tar.SizeBytes} compressed, in {watch.Elapsed.TotalSeconds:0.0} s; reading the written file back to prove it.");
        try
        {
            progress.Step(2, 3, "reading the written file back");
            BackupCheck[] failed;
            using (var reading = progress.Child($"Reading back {provisionalName}", "Starting"))
            {
                // The temporary file's name is not the artifact's yet (that is settled when it is stored): its FileName check cannot pass.
                failed = (await FileSetVerifier.VerifyAsync(artifact.TempPath, Describe(provisionalName),
                        read => reading.Bytes(read, tar.SizeBytes, "read back"), cancellationToken, hashChain: false).ConfigureAwait(false))
                    .Where(c => !c.Passed && c.Name != "FileName").ToArray();
            }

            if (failed.Length > 0)
            {
                throw new BackupPsException(FileSetErrorIds.BackupNotProven, FailureCategory.WriteError,
                    $"The written backup of {string.Join(", ", spec.SourcePaths)} failed its read-back check ({string.Join("; ", failed.Select(c => $"{c.Name}: {c.Detail}"))}); nothing was kept. Check the disk under {folder}.")
                { Target = Path.Combine(folder, provisionalName) };
            }

            progress.Step(3, 3, "storing the backup and its manifest");
            var record = await BackupPlacement.StoreAsync(artifact, FileName, Describe, cancellationToken).ConfigureAwait(false);
            host.WriteVerbose($"Stored {record.Path} and its manifest.");
            return record;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The store changed under the finished archive (its folder removed, renamed or made unreadable).
            throw artifact.MapFailure(e);
        }
        catch (BackupPsException e) when (e.InnerException is IOException or UnauthorizedAccessException)
        {
            throw artifact.MapFailure(e.InnerException);
        }
    }

    /// <summary>What writing the tar produced.</summary>
    private sealed record TarResult(List<FileEntry> Files, List<SkippedEntry> Skipped, int ChangedWhileRead, long TarBytes, long SizeBytes, string Sha256);

    private static async Task<TarResult> WriteTarAsync(FileSetSpec spec, IEnumerable<SourceEntry> entries, Stream destination,
        ProgressActivity progress, IOperationHost host, CancellationToken cancellationToken)
    {
        var unchanged = UnchangedFiles(spec.Base);
        var files = new List<FileEntry>();
        var skipped = new List<SkippedEntry>();
        var unreadable = new List<string>();
        var changed = 0;
        long contentBytes = 0;
        using var hashing = new HashingStream(destination);
        await using var compressor = CompressionStreams.CreateCompressor(spec.Compression, hashing);
        try
        {
            await using (var tar = new TarWriter(compressor, TarEntryFormat.Pax, leaveOpen: true))
            {
                foreach (var source in entries)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var entry = source.Entry;
                    if (source.Unreadable is { } why)
                    {
                        unreadable.Add(why);
                        continue;
                    }

                    if (entry.Type == FileEntryType.File && unchanged.TryGetValue(entry.Path, out var earlier) && IsUnchanged(entry, earlier))
                    {
                        files.Add(entry with { Sha256 = earlier.Sha256, StoredIn = earlier.StoredIn ?? spec.Base!.FileName });
                        continue;
                    }

                    var sourcePath = SourcePathOf(spec, entry);
                    var header = Header(entry, source.ExtendedAttributes, sourcePath, host);
                    if (entry.Type != FileEntryType.File)
                    {
                        await tar.WriteEntryAsync(header, cancellationToken).ConfigureAwait(false);
                        files.Add(entry);
                        continue;
                    }

                    Stream? content;
                    try
                    {
                        content = source.OpenContent?.Invoke() ?? throw new InvalidOperationException($"The file entry {entry.Path} has no content to open.");
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        unreadable.Add($"{sourcePath}: {e.Message}");
                        continue;
                    }

                    if (content is null)
                    {
                        host.WriteWarning($"File {sourcePath} was removed or replaced before it was read; it is not in the backup.");
                        skipped.Add(new SkippedEntry(entry.Path, "it was removed or replaced before it was read"));
                        continue;
                    }

                    await using (content)
                    {
                        var opened = content is FileStream file ? EntryStatus.Read(file.SafeFileHandle) : (EntryStatus?)null;
                        using var sized = new DeclaredSizeStream(content, entry.Size, sourcePath, read =>
                        {
                            contentBytes += read;
                            progress.Bytes(contentBytes, 0, "archived");
                        });
                        header.DataStream = sized;
                        await tar.WriteEntryAsync(header, cancellationToken).ConfigureAwait(false);
                        await sized.CheckForMore(cancellationToken).ConfigureAwait(false);
                        var finished = content is FileStream same ? EntryStatus.Read(same.SafeFileHandle) : (EntryStatus?)null;
                        var torn = sized.Shrank || sized.Grew
                            || (opened is { } o && (o.Size != entry.Size || o.Modified != entry.Modified))
                            || (opened is { } a && finished is { } b && (a.Size != b.Size || a.Modified != b.Modified || a.ChangedNanoseconds != b.ChangedNanoseconds));
                        if (torn)
                        {
                            changed++;
                            host.WriteWarning($"{sourcePath}: file changed as we read it; its copy may be torn (recorded as ChangedWhileRead, the backup as crash-consistent).");
                        }

                        files.Add(entry with { Sha256 = sized.Sha256(), ChangedWhileRead = torn });
                    }
                }

                if (unreadable.Count > 0)
                {
                    throw FileSetErrors.SourceNotReadable(string.Join(", ", spec.SourcePaths), unreadable);
                }
            }

            await compressor.FinishAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Write nothing more: a second error (disk full while flushing) must not hide the first.
            compressor.Abandon();
            throw;
        }

        var hash = hashing.Complete();
        return new TarResult(files, [.. spec.Skipped ?? [], .. skipped], changed, compressor.BytesIn, hash.Length, hash.Sha256);
    }

    /// <summary>The regular files of an incremental backup's base, by path.</summary>
    private static Dictionary<string, FileEntry> UnchangedFiles(BackupRecord? baseRecord) =>
        (baseRecord?.Files ?? []).Where(f => f.Type == FileEntryType.File).ToDictionary(f => f.Path, StringComparer.Ordinal);

    /// <summary>The quick check rsync and tar --listed-incremental make: same size, mtime, mode and owner means the same content.</summary>
    private static bool IsUnchanged(FileEntry now, FileEntry earlier) =>
        now.Size == earlier.Size && now.Modified == earlier.Modified && now.Mode == earlier.Mode && now.Uid == earlier.Uid && now.Gid == earlier.Gid
        && !earlier.ChangedWhileRead;

    /// <param name="sourcePath">Where the entry is on the source, for warnings.</param>
    private static PaxTarEntry Header(FileEntry entry, IReadOnlyDictionary<string, byte[]>? attributes, string sourcePath, IOperationHost host)
    {
        var (type, name) = entry.Type switch
        {
            FileEntryType.Directory => (TarEntryType.Directory, entry.Path == "." ? "./" : entry.Path + "/"),
            FileEntryType.SymbolicLink => (TarEntryType.SymbolicLink, entry.Path),
            FileEntryType.HardLink => (TarEntryType.HardLink, entry.Path),
            _ => (TarEntryType.RegularFile, entry.Path),
        };
        var records = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in attributes ?? new Dictionary<string, byte[]>())
        {
            if (Utf8.TryDecode(value) is { } text)
            {
                records["SCHILY.xattr." + key] = text;
            }
            else
            {
                host.WriteWarning($"{sourcePath}: its extended attribute {key} is not kept: its value is binary, which the PAX writer cannot store.");
            }
        }

        var header = new PaxTarEntry(type, name, records)
        {
            Mode = (UnixFileMode)Convert.ToInt32(entry.Mode, 8),
            Uid = checked((int)entry.Uid),
            Gid = checked((int)entry.Gid),
            ModificationTime = entry.Modified,
        };
        if (entry.LinkTarget is { } target)
        {
            header.LinkName = target;
        }

        return header;
    }

    /// <summary>Where an entry is on the source, for messages: the folder's path joined with it, the absolute path of an .env file.</summary>
    private static string SourcePathOf(FileSetSpec spec, FileEntry entry) => spec.Kind switch
    {
        BackupKind.EnvFile => "/" + entry.Path,
        BackupKind.Volume => $"{spec.Name}:/{(entry.Path == "." ? "" : entry.Path)}",
        _ => entry.Path == "." ? spec.SourcePaths[0] : Path.Join(spec.SourcePaths[0], entry.Path),
    };

    private static class Utf8
    {
        private static readonly System.Text.UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

        public static string? TryDecode(byte[] bytes)
        {
            try
            {
                return Strict.GetString(bytes);
            }
            catch (System.Text.DecoderFallbackException)
            {
                return null;
            }
        }
    }
}
