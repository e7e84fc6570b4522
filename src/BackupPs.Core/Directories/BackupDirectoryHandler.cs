using BackupPs.Core.Catalog;
using BackupPs.Core.Commands;
using BackupPs.Core.Compression;
using BackupPs.Core.Database;
using BackupPs.Core.Errors;
using BackupPs.Core.Files;
using BackupPs.Core.Hosting;
using BackupPs.Core.Storage;

namespace BackupPs.Core.Directories;

/// <summary>
/// Backup-Directory: one file-set backup per -SourcePath folder, through <see cref="TreeScanner"/> and
/// <see cref="FileSetArchive"/>. A folder that cannot be backed up (missing, not a folder, unreadable entries) is an
/// error about that folder; the next one is still backed up.
/// </summary>
public sealed class BackupDirectoryHandler : ICommandHandler<BackupDirectoryOptions>
{
    private readonly TimeProvider _clock;

    public BackupDirectoryHandler()
        : this(TimeProvider.System)
    {
    }

    /// <param name="clock">The time that names the files and fills the manifests (tests pin it).</param>
    internal BackupDirectoryHandler(TimeProvider clock)
    {
        _clock = clock;
    }

    public async Task ExecuteAsync(BackupDirectoryOptions options, IOperationHost host, CancellationToken cancellationToken)
    {
        var sources = options.SourcePath ?? [];
        if (options.Name is { } name)
        {
            if (sources.Length > 1)
            {
                throw new BackupPsException(NameWithSeveralSourcesErrorId, FailureCategory.InvalidArgument,
                    $"-Name names one backup, and {sources.Length} folders were given; leave -Name out (each backup is named after its folder), or back them up one at a time.");
            }

            if (!FileSetValidator.IsCatalogName(name))
            {
                throw InvalidName(name, "use 1-200 characters without '/' or control characters");
            }
        }

        var environment = BackupNames.NormalizeEnvironment(options.Environment);
        var root = BackupPaths.StoreRoot(options.Path ?? BackupNames.DefaultRoot);
        var exclude = options.Exclude is { Length: > 0 } patterns ? patterns : null;
        // Bad patterns are refused before any folder is read.
        _ = new ExcludePatterns(exclude);
        var compression = BackupDatabaseHandler.ChooseCompression(options.Compression, CompressionStreams.IsZstdAvailable, host);
        foreach (var given in sources)
        {
            try
            {
                var record = await BackupAsync(given, options, environment, root, exclude, compression, host, cancellationToken).ConfigureAwait(false);
                if (record is not null)
                {
                    host.WriteOutput(record);
                }
            }
            catch (BackupPsException e) when (!e.ConcernsWholeInvocation && sources.Length > 1)
            {
                // One folder's failure; the others are still backed up, and -ErrorAction decides what the caller sees.
                host.WriteError(e);
            }
        }
    }

    /// <summary>ErrorId when -Name is given with several folders.</summary>
    public const string NameWithSeveralSourcesErrorId = "NameWithSeveralSources";

    private async Task<BackupRecord?> BackupAsync(string given, BackupDirectoryOptions options, string environment, string root,
        IReadOnlyList<string>? exclude, CompressionKind compression, IOperationHost host, CancellationToken cancellationToken)
    {
        var source = ResolveSource(given, host);
        var name = options.Name ?? System.IO.Path.GetFileName(source.Given);
        if (!FileSetValidator.IsCatalogName(name))
        {
            throw InvalidName(name, $"the folder {source.Given} has no name a backup can take; give one with -Name");
        }

        var folder = BackupNames.FolderFor(root, environment, BackupKind.Directory, name);
        if (!host.ShouldProcess(source.Full, $"Back up as {environment} ({compression}{(options.Incremental ? ", incremental" : "")}) to {folder}"))
        {
            return null;
        }

        var baseRecord = options.Incremental ? FindBase(folder, source.Full, host) : null;
        var scan = TreeScanner.Scan(source.Full, exclude, host);
        var spec = new FileSetSpec
        {
            Kind = BackupKind.Directory,
            Name = name,
            Environment = environment,
            StoreRoot = root,
            Compression = compression,
            SourcePaths = [source.Full],
            Exclude = exclude,
            Skipped = scan.Skipped,
            Base = baseRecord,
            Clock = _clock,
        };
        return await FileSetArchive.StoreAsync(spec, scan.Entries, host, parent: null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A -SourcePath as given (made absolute) and the folder it names, every symbolic link resolved.</summary>
    private sealed record Source(string Given, string Full);

    private static Source ResolveSource(string given, IOperationHost host)
    {
        var absolute = System.IO.Path.TrimEndingDirectorySeparator(UserPaths.Full(given, (path, why, cause) =>
            new BackupPsException(FileSetErrorIds.SourceNotFound, FailureCategory.InvalidArgument, $"The -SourcePath '{path}' is not usable: {why}.", cause) { Target = path }));
        var status = EntryStatus.Read(absolute, followLinks: true);
        if (status is null)
        {
            throw new BackupPsException(FileSetErrorIds.SourceNotFound, FailureCategory.ObjectNotFound,
                $"The -SourcePath {absolute} does not exist; check the path.")
            { Target = given };
        }

        if (status.Value.Kind != EntryKind.Directory)
        {
            throw new BackupPsException(FileSetErrorIds.SourceNotDirectory, FailureCategory.InvalidArgument,
                $"The -SourcePath {absolute} is {status.Value.Describe()}, not a folder; Backup-Directory backs up folders (Export-EnvFile takes single .env files).")
            { Target = given };
        }

        var real = EntryStatus.RealPath(absolute) ?? absolute;
        if (real != absolute)
        {
            host.WriteVerbose($"The -SourcePath {absolute} leads to {real}: backing up {real}.");
        }

        return new Source(absolute, real);
    }

    /// <summary>
    /// The newest backup of <paramref name="source"/> in <paramref name="folder"/> whose chain is complete (every artifact
    /// its files are stored in is there), for -Incremental; null, with a verbose note or a warning, when there is none.
    /// Manifests are read newest first by name (names carry the start time) until one of the same source is found.
    /// </summary>
    private static BackupRecord? FindBase(string folder, string source, IOperationHost host)
    {
        var manifests = Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*" + BackupNames.ManifestSuffix).OrderByDescending(p => p, StringComparer.Ordinal).ToList()
            : [];
        foreach (var manifestPath in manifests)
        {
            BackupManifest manifest;
            try
            {
                manifest = ManifestStore.Read(manifestPath);
            }
            catch (BackupPsException e)
            {
                host.WriteWarning($"{manifestPath} is not considered as the base of the incremental backup: {e.Message}");
                continue;
            }

            if (manifest.Kind != BackupKind.Directory || manifest.SourcePaths is not [var path] || path != source)
            {
                continue;
            }

            var artifact = System.IO.Path.Combine(folder, manifest.FileName);
            var missing = (manifest.Files ?? []).Select(f => f.StoredIn).OfType<string>().Append(manifest.FileName).Distinct()
                .Where(name => !File.Exists(System.IO.Path.Combine(folder, name))).ToList();
            if (missing.Count > 0)
            {
                host.WriteWarning($"The previous backup of {source}, {manifest.FileName}, cannot be the base of an incremental backup: {string.Join(", ", missing)} is missing from {folder}. Making a full backup.");
                return null;
            }

            host.WriteVerbose($"Incremental: files unchanged since {manifest.FileName} ({manifest.StartedUtc:u}) are not stored again.");
            return ManifestStore.ToRecord(manifest, artifact, manifestPath);
        }

        host.WriteVerbose($"Incremental: there is no previous backup of {source} in {folder}, so this one is full.");
        return null;
    }

    private static BackupPsException InvalidName(string name, string why) =>
        new("InvalidBackupName", FailureCategory.InvalidArgument, $"'{name}' cannot name a backup: {why}.") { Target = name };
}
