using System.Globalization;
using System.IO.Enumeration;
using System.Text.Json;
using BackupPs.Core.Errors;
using BackupPs.Core.Hosting;
using BackupPs.Core.Storage;

namespace BackupPs.Core.Catalog;

/// <summary>Reads and writes manifests. Writes are atomic (temp name, fsync, rename, never overwrite).</summary>
public static class ManifestStore
{
    public static async Task WriteAsync(string manifestPath, BackupManifest manifest, CancellationToken cancellationToken)
    {
        await using var file = AtomicFile.Create(manifestPath);
        await JsonSerializer.SerializeAsync(file.Stream, manifest, JsonDefaults.Indented, cancellationToken).ConfigureAwait(false);
        await file.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A manifest larger than this is refused unread: a real one holds a few hundred bytes per table, so
    /// this is room for ~100,000 tables, and a bound keeps a hostile or damaged file from exhausting memory.
    /// </summary>
    public const int MaxManifestBytes = 16 << 20;

    /// <summary>
    /// Reads a manifest and validates every field (<see cref="ManifestValidator"/>). Throws ManifestNotFound,
    /// ManifestInvalid, or StoreFileNotRegular (a link, FIFO or device where the manifest belongs).
    /// </summary>
    public static BackupManifest Read(string manifestPath)
    {
        try
        {
            using var document = JsonDocument.Parse(ReadBounded(manifestPath));
            RejectDuplicateProperties(document.RootElement, manifestPath);
            // The version first: a manifest of another schema would otherwise fail on field details.
            var version = document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty(nameof(BackupManifest.SchemaVersion), out var v) && v.TryGetInt32(out var n) ? n : (int?)null;
            if (version is not { } known || known < BackupManifest.OldestSchemaVersion || known > BackupManifest.CurrentSchemaVersion)
            {
                throw Invalid(manifestPath, $"schema version {version?.ToString(CultureInfo.InvariantCulture) ?? "missing"}, this BackupPs reads {BackupManifest.OldestSchemaVersion} to {BackupManifest.CurrentSchemaVersion}", null);
            }

            var manifest = document.RootElement.Deserialize<BackupManifest>(JsonDefaults.Indented)
                ?? throw Invalid(manifestPath, "it is empty", null);
            ManifestValidator.Validate(manifest, manifestPath);
            return manifest;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw NotFound(manifestPath, e);
        }
        catch (JsonException e)
        {
            throw Invalid(manifestPath, e.Message.TrimEnd('.'), e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Invalid(manifestPath, StorageErrors.Cause(e), e);
        }
    }

    /// <summary>The manifest's bytes, refusing a file that is not regular or larger than <see cref="MaxManifestBytes"/>.</summary>
    private static byte[] ReadBounded(string manifestPath)
    {
        using var stream = StoreFile.OpenRead(manifestPath, "The manifest", 1 << 16);
        var buffer = new MemoryStream();
        var chunk = new byte[1 << 16];
        int read;
        while ((read = stream.Read(chunk)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxManifestBytes)
            {
                throw Invalid(manifestPath, $"it is larger than {MaxManifestBytes / (1 << 20)} MiB, which no manifest is", null);
            }
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// Refuses a property given twice in one object: the deserializer would silently take the last one,
    /// while jq, an editor or a person reading the file may see the first, so the file says two things.
    /// </summary>
    private static void RejectDuplicateProperties(JsonElement element, string manifestPath, string where = "")
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in element.EnumerateObject())
            {
                var path = where.Length == 0 ? property.Name : $"{where}.{property.Name}";
                if (!names.Add(property.Name))
                {
                    throw Invalid(manifestPath, $"field {path} is given twice", null);
                }

                RejectDuplicateProperties(property.Value, manifestPath, path);
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var item in element.EnumerateArray())
            {
                RejectDuplicateProperties(item, manifestPath, $"{where}[{index++}]");
            }
        }
    }

    /// <summary>
    /// Every backup below <paramref name="root"/> whose manifest, file and place in the store agree, as records,
    /// ordered by recorded start time; equal times (backups in the same instant, a pinned or coarse clock) by
    /// completion time, then in the order their names were claimed (stem, stem-2, ..., stem-10: see
    /// <see cref="BackupPlacement"/>), so the order never depends on the directory listing. Anything else is
    /// skipped with a warning that names it, so one bad file never hides the rest of the catalog: a manifest
    /// that fails validation, one that describes another file or belongs in other folders, a backup file that
    /// is missing or not a regular file, a folder not followed (see <see cref="Manifests"/>). A manifest that cannot
    /// be read or fails validation, or a manifest or backup file that is not a regular file, is a non-terminating
    /// error (the backup is lost until someone acts), the others are warnings. One backup file is one record: reached
    /// under two names (a linked folder, a bind mount) it is listed once, and claimed by two different manifests (a
    /// hard link, a copied manifest) it is listed under neither, with an error naming both (see <see cref="Distinct"/>).
    /// Who could have written the store is checked too, through every link on the way (<see cref="StoreTrust"/>:
    /// warnings only, since listing runs nothing).
    /// </summary>
    public static IEnumerable<BackupRecord> Enumerate(string root, IOperationHost host)
    {
        var found = new List<ListedBackup>();
        var trust = new StoreTrust(host);
        using var progress = ProgressActivity.Start(host, $"Reading the backups in {root}", "Looking for manifests");
        host.WriteVerbose($"Looking for manifests (*{BackupNames.ManifestSuffix}) under {root}.");
        var manifests = Manifests(root, host);
        host.WriteVerbose($"Found {manifests.Count} manifest(s) under {root}.");
        var read = 0;
        foreach (var entryPath in manifests)
        {
            progress.Items(read++, manifests.Count, "manifests read");
            try
            {
                host.WriteVerbose($"Reading the manifest {entryPath}.");
                var manifest = Read(entryPath);
                var path = Path.Combine(Path.GetDirectoryName(entryPath)!, manifest.FileName);
                if (BackupNames.ManifestPathFor(path) != entryPath)
                {
                    host.WriteWarning($"Skipping {entryPath}: it describes {manifest.FileName}, but a manifest always shares its backup's name; it was renamed or copied by hand.");
                    continue;
                }

                if (!BackupNames.IsFiledWhereItBelongs(path, manifest))
                {
                    var belongs = Path.GetRelativePath(".", BackupNames.FolderFor(".", manifest.Environment, manifest.Kind, manifest.CatalogName));
                    host.WriteWarning($"Skipping {entryPath}: it describes a {(manifest.Kind == BackupKind.Database ? "" : manifest.Kind + " ")}backup of {manifest.CatalogName} ({manifest.Environment}), "
                        + $"which belongs in {belongs}, not here; it was moved or edited by hand.");
                    continue;
                }

                var file = StoreFile.Require(path, "The backup file");
                if (file is null && !File.Exists(path))
                {
                    host.WriteWarning($"Skipping {entryPath}: its backup file {manifest.FileName} is missing.");
                    continue;
                }

                trust.Check(path, entryPath, root, refuseUnsafe: false);
                found.Add(new ListedBackup(ToRecord(manifest, path, entryPath), Identity(path, file), Identity(entryPath, StoreFile.Require(entryPath, "The manifest"))));
            }
            catch (BackupPsException e) when (e.ErrorId != StoreTrust.UnsafeErrorId)
            {
                // This backup cannot be listed; the others still are, and -ErrorAction decides what the caller sees.
                host.WriteError(e);
            }
        }

        // Manifest names end alike (unlike .dump.zst / .sql.gz), so within a folder a shorter one is an earlier claim.
        return Distinct(found, host).OrderBy(r => r.StartedUtc).ThenBy(r => r.CompletedUtc)
            .ThenBy(r => Path.GetDirectoryName(r.ManifestPath), StringComparer.Ordinal)
            .ThenBy(r => r.ManifestPath.Length)
            .ThenBy(r => r.ManifestPath, StringComparer.Ordinal);
    }

    /// <summary>A backup found in the store, with what makes its file and its manifest one file each (see <see cref="Identity"/>).</summary>
    private sealed record ListedBackup(BackupRecord Record, string FileIdentity, string ManifestIdentity);

    /// <summary>
    /// One record per backup file. The same file under the same manifest reached by two paths (a folder linked or bind
    /// mounted under a second name that still ends in its environment and database) is one backup: listed once, under
    /// the shortest path. The same file claimed by two different manifest files (a hard link under a second name with
    /// an edited manifest, a manifest copied beside a link) is a conflict: which manifest tells the truth about it cannot
    /// be known, and a record of the wrong one would be restored with the wrong database, environment or row counts, so
    /// neither is listed and one error names them all.
    /// </summary>
    private static IEnumerable<BackupRecord> Distinct(List<ListedBackup> found, IOperationHost host)
    {
        foreach (var sameFile in found.GroupBy(b => b.FileIdentity, StringComparer.Ordinal))
        {
            var byPath = sameFile.OrderBy(b => b.Record.Path.Length).ThenBy(b => b.Record.Path, StringComparer.Ordinal).ToList();
            if (byPath.Select(b => b.ManifestIdentity).Distinct(StringComparer.Ordinal).Count() == 1)
            {
                foreach (var again in byPath.Skip(1))
                {
                    host.WriteVerbose($"{again.Record.Path} is {byPath[0].Record.Path} reached under another name; it is listed once.");
                }

                yield return byPath[0].Record;
                continue;
            }

            var manifests = string.Join(", ", byPath.Select(b => b.Record.ManifestPath));
            host.WriteError(new BackupPsException("BackupClaimedTwice", FailureCategory.InvalidData,
                $"The backup file {byPath[0].Record.Path} is claimed by {byPath.Count} different manifests ({manifests}), through hard links or copies, "
                + "so none of them can be trusted and it is not listed. Keep the pair Backup-Database wrote and remove the other names and their manifests.")
            { Target = byPath[0].Record.Path });
        }
    }

    /// <summary>What makes two paths one file: its device and inode (hard links and bind mounts included), else its real path.</summary>
    private static string Identity(string path, EntryStatus? status) =>
        status is { } s ? $"{s.Device}:{s.Inode}" : new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(path);

    /// <summary>
    /// The manifests below <paramref name="root"/>. A symbolic link to a folder is followed at the levels BackupPs
    /// creates folders at (store/dev -> /mnt/usb/dev, as a linked root is): the environment, the database, and for
    /// file sets the kind and the name (&lt;environment&gt;/&lt;kind&gt;/&lt;name&gt;, one level deeper; a link below a kind
    /// folder is followed): the backup commands write through such links, so the catalog must list what they wrote.
    /// Links inside a backup's own folder are not followed (BackupPs creates no folders there), nor is a link (or bind
    /// mount) back to a folder above it, a loop; both with a warning. A folder reached under two names is read under
    /// both, but a backup is listed only where its manifest says it belongs, so never twice.
    /// </summary>
    private static List<string> Manifests(string root, IOperationHost host)
    {
        var manifests = new List<string>();
        var above = new Dictionary<string, string>(StringComparer.Ordinal) { [FolderIdentity(root)] = root };
        try
        {
            Walk(root, depth: 0);
            return manifests;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new BackupPsException("BackupStoreUnreadable", FailureCategory.PermissionDenied,
                $"The backup store {root} cannot be listed ({StorageErrors.Cause(e)}); run as the user that owns it, or fix its permissions.", e)
            { Target = root };
        }

        void Walk(string folder, int depth)
        {
            static bool IsLink(ref FileSystemEntry e) => (e.Attributes & FileAttributes.ReparsePoint) != 0;
            var entries = new FileSystemEnumerable<(string Path, bool IsFolder, bool IsLink)>(folder,
                (ref FileSystemEntry e) => (e.ToFullPath(), e.IsDirectory, IsLink(ref e)),
                new EnumerationOptions { RecurseSubdirectories = false, IgnoreInaccessible = false, AttributesToSkip = 0 })
                .OrderBy(e => e.Path, StringComparer.Ordinal) // the warnings and errors about entries come in the same order on every run and file system
                .ToList();
            manifests.AddRange(entries.Where(e => e.Path.EndsWith(BackupNames.ManifestSuffix, StringComparison.Ordinal)).Select(e => e.Path));
            // <env>/<kind>/ holds the file sets' <name> folders: a level deeper than <env>/<database>/ (which may share the name).
            var followedDepth = depth == 2 && KindFolders.Contains(Path.GetFileName(folder)) ? 3 : 2;
            foreach (var (path, _, isLink) in entries.Where(e => e.IsFolder))
            {
                var identity = FolderIdentity(path);
                if (isLink && depth >= followedDepth)
                {
                    host.WriteWarning($"Skipping {path}: it is a symbolic link to a folder ({new DirectoryInfo(path).LinkTarget}) inside a backup's folder "
                        + "(a database's, or a file set's <kind>/<name>), where BackupPs creates no folders, so it is not followed. Pass its target as -Path to list it.");
                }
                else if (above.TryGetValue(identity, out var ancestor))
                {
                    host.WriteWarning($"Skipping {path}: it leads back to {ancestor}, a folder above it (a loop), so it is not followed.");
                }
                else
                {
                    above[identity] = path;
                    Walk(path, depth + 1);
                    above.Remove(identity);
                }
            }
        }
    }

    /// <summary>The folders of the file-set kinds under an environment (envfile, directory, volume).</summary>
    private static readonly HashSet<string> KindFolders = new(Enum.GetValues<BackupKind>().Select(BackupNames.KindFolder).OfType<string>(), StringComparer.Ordinal);

    /// <summary>What makes two paths one folder: its device and inode (bind mounts included), else its real path.</summary>
    private static string FolderIdentity(string folder) =>
        EntryStatus.IsSupported
            ? EntryStatus.Read(folder, followLinks: true) is { } status ? $"{status.Device}:{status.Inode}" : folder
            : new DirectoryInfo(folder).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? folder;

    public static BackupRecord ToRecord(BackupManifest m, string path, string manifestPath) => new()
    {
        SchemaVersion = m.SchemaVersion,
        Kind = m.Kind,
        Environment = m.Environment,
        Database = m.Database,
        Name = m.Name,
        FileName = m.FileName,
        Format = m.Format,
        Compression = m.Compression,
        SizeBytes = m.SizeBytes,
        Sha256 = m.Sha256,
        DumpBytes = m.DumpBytes,
        StartedUtc = m.StartedUtc,
        CompletedUtc = m.CompletedUtc,
        Elapsed = m.Elapsed,
        Container = m.Container,
        ContainerId = m.ContainerId,
        Image = m.Image,
        ImageId = m.ImageId,
        ComposeProject = m.ComposeProject,
        ComposeService = m.ComposeService,
        ServerVersion = m.ServerVersion,
        PgDumpVersion = m.PgDumpVersion,
        ArchiveVersion = m.ArchiveVersion,
        DatabaseProperties = m.DatabaseProperties,
        Tables = m.Tables,
        TotalRows = m.TotalRows,
        SourceHost = m.SourceHost,
        SourcePaths = m.SourcePaths,
        Volume = m.Volume,
        Consistency = m.Consistency,
        Exclude = m.Exclude,
        BaseFileName = m.BaseFileName,
        Files = m.Files,
        Skipped = m.Skipped,
        FileCount = m.FileCount,
        TotalBytes = m.TotalBytes,
        Tool = m.Tool,
        Path = path,
        ManifestPath = manifestPath,
    };

    /// <summary>
    /// ManifestNotFound, saying where the manifest was expected and why there: a manifest path given where the backup
    /// file belongs (x.manifest.json.manifest.json) is told as such.
    /// </summary>
    private static BackupPsException NotFound(string manifestPath, Exception inner)
    {
        var given = manifestPath[..^BackupNames.ManifestSuffix.Length];
        var what = given.EndsWith(BackupNames.ManifestSuffix, StringComparison.Ordinal)
            ? $"{given} is itself a manifest; pass the backup file it describes (its FileName), which Get-Backup lists."
            : "the file is not a BackupPs backup, or it was renamed or moved without its manifest; put the manifest back next to it, or pass a backup that Get-Backup lists.";
        return new BackupPsException("ManifestNotFound", FailureCategory.ObjectNotFound,
            $"No manifest at {manifestPath}, where the manifest of a backup file is kept (next to it, named after it with {BackupNames.ManifestSuffix}): {what}", inner)
        { Target = manifestPath };
    }

    internal static BackupPsException Invalid(string manifestPath, string why, Exception? inner) =>
        new("ManifestInvalid", FailureCategory.InvalidData,
            $"The manifest {manifestPath} cannot be read ({why}), so the backup it describes cannot be trusted. "
            + "Put back the manifest Backup-Database wrote (from a copy of the store), or remove the pair and use another backup.", inner)
        { Target = manifestPath };
}
