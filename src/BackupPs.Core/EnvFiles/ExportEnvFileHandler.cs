using BackupPs.Core.Catalog;
using BackupPs.Core.Commands;
using BackupPs.Core.Compression;
using BackupPs.Core.Database;
using BackupPs.Core.Errors;
using BackupPs.Core.Files;
using BackupPs.Core.Hosting;
using BackupPs.Core.Storage;

namespace BackupPs.Core.EnvFiles;

/// <summary>
/// Export-EnvFile. Every file given is read whole into memory first (a .env file is small: at most
/// <see cref="EnvFileArtifact.MaxFileBytes"/>), with a stable read (its status the same before and after), and its
/// variable names parsed from exactly the bytes that are stored. A file that cannot be backed up is an error of its own
/// and a <see cref="SkippedEntry"/> of the manifest; the others make one artifact, written and proven by
/// <see cref="FileSetArchive.StoreAsync"/>. The bytes are wiped when the run ends.
/// </summary>
public sealed class ExportEnvFileHandler : ICommandHandler<ExportEnvFileOptions>
{
    /// <summary>Reads of a file that keeps changing before it is given up (an editor or a deploy writing it right now).</summary>
    private const int ReadAttempts = 3;

    private readonly TimeProvider _clock;

    public ExportEnvFileHandler()
        : this(TimeProvider.System)
    {
    }

    /// <param name="clock">Names the file and fills the manifest (tests pin it).</param>
    internal ExportEnvFileHandler(TimeProvider clock) => _clock = clock;

    public async Task ExecuteAsync(ExportEnvFileOptions options, IOperationHost host, CancellationToken cancellationToken)
    {
        var environment = BackupNames.NormalizeEnvironment(options.Environment);
        var root = BackupPaths.StoreRoot(options.Path ?? BackupNames.DefaultRoot);
        var name = RequireName(options.Name ?? ExportEnvFileOptions.DefaultName);
        var given = options.SourcePath ?? [];
        var compression = BackupDatabaseHandler.ChooseCompression(options.Compression, CompressionStreams.IsZstdAvailable, host);
        var skipped = new List<SkippedEntry>();
        var files = new List<(FileEntry Entry, byte[] Content)>();
        try
        {
            foreach (var path in SourceFiles(given, options.SkipMissing, skipped, host))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (Read(path, skipped, host) is { } file)
                {
                    files.Add(file);
                }
            }

            if (files.Count == 0)
            {
                host.WriteWarning($"None of the {given.Length} file(s) given could be backed up (see above); nothing was written.");
                return;
            }

            var folder = BackupNames.FolderFor(root, environment, BackupKind.EnvFile, name);
            var sources = files.Select(f => "/" + f.Entry.Path).ToArray();
            if (!host.ShouldProcess(string.Join(", ", sources), $"Back up {files.Count} .env file(s) as {environment} ({compression}) to {folder}"))
            {
                return;
            }

            var spec = new FileSetSpec
            {
                Kind = BackupKind.EnvFile,
                Name = name,
                Environment = environment,
                StoreRoot = root,
                Compression = compression,
                SourcePaths = sources,
                Skipped = skipped,
                Clock = _clock,
            };
            var entries = files.Select(f => new SourceEntry { Entry = f.Entry, OpenContent = () => new MemoryStream(f.Content, writable: false) });
            host.WriteOutput(await FileSetArchive.StoreAsync(spec, entries, host, parent: null, cancellationToken).ConfigureAwait(false));
        }
        finally
        {
            foreach (var file in files)
            {
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(file.Content);
            }
        }
    }

    /// <summary>
    /// The absolute paths of the regular files to read, each once, in the order given. A missing file is an error (a
    /// warning with -SkipMissing), anything but a regular file an error; both are also recorded as skipped. A symbolic
    /// link is followed: the file it leads to is what is read and recorded (an import then writes that file, leaving the link).
    /// </summary>
    private static IEnumerable<string> SourceFiles(IReadOnlyList<string> given, bool skipMissing, List<SkippedEntry> skipped, IOperationHost host)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in given)
        {
            var full = UserPaths.Full(path, (p, why, cause) => StorageErrors.InvalidPath(p, why, cause, "-SourcePath"));
            string? real;
            EntryStatus? status;
            try
            {
                real = EntryStatus.RealPath(full);
                status = real is null ? null : EntryStatus.Read(real);
            }
            catch (IOException e)
            {
                Skip(full, $"its status cannot be read ({StorageErrors.Cause(e)})", "EnvFileUnreadable", FailureCategory.ReadError, skipped, host);
                continue;
            }

            if (real is null || status is null)
            {
                var why = EntryStatus.Read(full) is { Kind: EntryKind.SymbolicLink } ? "it is a symbolic link to nothing" : "it does not exist";
                if (skipMissing)
                {
                    host.WriteWarning($"{full} is skipped (-SkipMissing): {why}.");
                    skipped.Add(new SkippedEntry(full.TrimStart('/'), $"{why} (-SkipMissing)"));
                }
                else
                {
                    Skip(full, why, "EnvFileNotFound", FailureCategory.ObjectNotFound, skipped, host,
                        " Check the path, or add -SkipMissing for a file that may be absent.");
                }

                continue;
            }

            if (status.Value.Kind != EntryKind.RegularFile)
            {
                Skip(full, $"it is {status.Value.Describe()}{(real == full ? "" : $" (through the link to {real})")}, not a .env file", "EnvFileNotRegular",
                    FailureCategory.InvalidArgument, skipped, host, status.Value.Kind == EntryKind.Directory ? " Give the files in it: Get-ChildItem -Recurse -Filter .env -Force | Export-EnvFile ..." : "");
                continue;
            }

            if (real != full)
            {
                host.WriteVerbose($"{full} is a symbolic link to {real}; {real} is backed up under its own path.");
            }

            if (seen.Add(real))
            {
                yield return real;
            }
            else
            {
                host.WriteVerbose($"{full} is {real}, which is already in this backup.");
            }
        }
    }

    /// <summary>
    /// The file's metadata and bytes, read until a read sees the same status before and after (a file being written is
    /// read again); null, after an error and a skipped entry, when it cannot be read, is too large or keeps changing.
    /// </summary>
    private static (FileEntry Entry, byte[] Content)? Read(string path, List<SkippedEntry> skipped, IOperationHost host)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (EntryStatus.Read(path) is not { Kind: EntryKind.RegularFile } before)
                {
                    Skip(path, "it was removed or replaced while it was read", "EnvFileNotFound", FailureCategory.ObjectNotFound, skipped, host);
                    return null;
                }

                if (before.Size > EnvFileArtifact.MaxFileBytes)
                {
                    Skip(path, $"it is {before.Size} bytes, more than a .env file BackupPs backs up ({EnvFileArtifact.MaxFileBytes}); back it up with Backup-Directory",
                        "EnvFileTooLarge", FailureCategory.InvalidData, skipped, host);
                    return null;
                }

                using var stream = StoreFile.OpenIfUnchanged(path, before, bufferSize: 0);
                if (stream is not null)
                {
                    var content = new byte[before.Size];
                    var read = stream.ReadAtLeast(content, content.Length, throwOnEndOfStream: false);
                    var after = EntryStatus.Read(stream.SafeFileHandle);
                    if (read == content.Length && stream.ReadByte() < 0 && after.Size == before.Size && after.Modified == before.Modified
                        && after.ChangedNanoseconds == before.ChangedNanoseconds)
                    {
                        return (Describe(path, before, content, host), content);
                    }

                    System.Security.Cryptography.CryptographicOperations.ZeroMemory(content);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Skip(path, $"it cannot be read ({StorageErrors.Cause(e)})", "EnvFileUnreadable",
                    e is UnauthorizedAccessException ? FailureCategory.PermissionDenied : FailureCategory.ReadError, skipped, host);
                return null;
            }

            if (attempt == ReadAttempts)
            {
                Skip(path, $"it changed each of the {ReadAttempts} times it was read", "EnvFileChanging", FailureCategory.ReadError, skipped, host,
                    " Back it up again once whatever writes it is done.");
                return null;
            }
        }
    }

    /// <summary>The manifest entry of a file read whole: its variable NAMES, never a value; lines that define nothing are warned about by number.</summary>
    private static FileEntry Describe(string path, EntryStatus status, byte[] content, IOperationHost host)
    {
        var parsed = DotEnvParser.ReadNames(content);
        foreach (var problem in parsed.Problems)
        {
            host.WriteWarning($"{path} line {problem.Line}: {problem.Reason}. No variable name is taken from it; the file itself is backed up whole.");
        }

        host.WriteVerbose($"Read {path}: {content.Length} bytes, mode {ManifestEntryMatch.ModeText(status.Mode)}, owner {status.Owner}:{status.Group}, "
            + $"{parsed.Names.Count} variable(s): {string.Join(", ", parsed.Names)}.");
        return new FileEntry
        {
            Path = path.TrimStart('/'),
            Type = FileEntryType.File,
            Size = content.Length,
            Mode = ManifestEntryMatch.ModeText(status.Mode),
            Uid = status.Owner,
            Gid = status.Group,
            Modified = status.Modified,
            Variables = parsed.Names,
        };
    }

    /// <summary>A file that is not backed up: an error naming it and why, and an entry of the manifest's Skipped.</summary>
    private static void Skip(string path, string why, string errorId, FailureCategory category, List<SkippedEntry> skipped, IOperationHost host, string advice = "")
    {
        skipped.Add(new SkippedEntry(path.TrimStart('/'), why));
        host.WriteError(new BackupPsException(errorId, category, $"{path} is not backed up: {why}.{advice}") { Target = path });
    }

    /// <summary>-Name as the catalog takes it (<see cref="FileSetValidator.IsCatalogName"/>): it names one folder and the files in it.</summary>
    private static string RequireName(string name) =>
        FileSetValidator.IsCatalogName(name)
            ? name
            : throw new BackupPsException("InvalidBackupName", FailureCategory.InvalidArgument,
                $"-Name '{name}' cannot name a set of .env files: use 1-200 characters without '/' or control characters (it names the set's folder and files).")
            { Target = name };
}
