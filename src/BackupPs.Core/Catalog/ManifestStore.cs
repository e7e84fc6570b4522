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

    public static BackupManifest Read(string manifestPath)
    {
        try
        {
            using var stream = File.OpenRead(manifestPath);
            using var document = JsonDocument.Parse(stream);
            // The version first: a manifest of another schema would otherwise fail on field details.
            var version = document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty(nameof(BackupManifest.SchemaVersion), out var v) && v.TryGetInt32(out var n) ? n : (int?)null;
            if (version != BackupManifest.CurrentSchemaVersion)
            {
                throw Invalid(manifestPath, $"schema version {version?.ToString() ?? "missing"}, this BackupPs reads {BackupManifest.CurrentSchemaVersion}", null);
            }

            return document.RootElement.Deserialize<BackupManifest>(JsonDefaults.Indented)
                ?? throw Invalid(manifestPath, "it is empty", null);
        }
        catch (FileNotFoundException e)
        {
            throw new BackupPsException("ManifestNotFound", FailureCategory.ObjectNotFound,
                $"No manifest at {manifestPath}: the file is not a BackupPs backup, or it was renamed or moved without its manifest.", e)
            { Target = manifestPath };
        }
        catch (JsonException e)
        {
            throw Invalid(manifestPath, e.Message, e);
        }
    }

    /// <summary>
    /// Every manifest below <paramref name="root"/>, as records, ordered by recorded start time; equal times
    /// (backups in the same instant, a pinned or coarse clock) by completion time, then in the order their
    /// names were claimed (stem, stem-2, ..., stem-10: see <see cref="BackupPlacement"/>), so the order never
    /// depends on the directory listing.
    /// </summary>
    public static IEnumerable<BackupRecord> Enumerate(string root, IOperationHost host)
    {
        var records = new List<BackupRecord>();
        var files = Directory.EnumerateFiles(root, "*" + BackupNames.ManifestSuffix,
            new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = false, AttributesToSkip = 0 });
        foreach (var manifestPath in files)
        {
            BackupManifest manifest;
            try
            {
                manifest = Read(manifestPath);
            }
            catch (BackupPsException e)
            {
                host.WriteWarning(e.Message);
                continue;
            }

            var path = Path.Combine(Path.GetDirectoryName(manifestPath)!, manifest.FileName);
            if (!File.Exists(path))
            {
                host.WriteWarning($"Skipping {manifestPath}: its backup file {manifest.FileName} is missing.");
                continue;
            }

            records.Add(ToRecord(manifest, path, manifestPath));
        }

        // Manifest names end alike (unlike .dump.zst / .sql.gz), so within a folder a shorter one is an earlier claim.
        return records.OrderBy(r => r.StartedUtc).ThenBy(r => r.CompletedUtc)
            .ThenBy(r => Path.GetDirectoryName(r.ManifestPath), StringComparer.Ordinal)
            .ThenBy(r => r.ManifestPath.Length)
            .ThenBy(r => r.ManifestPath, StringComparer.Ordinal);
    }

    public static BackupRecord ToRecord(BackupManifest m, string path, string manifestPath) => new()
    {
        SchemaVersion = m.SchemaVersion,
        Kind = m.Kind,
        Environment = m.Environment,
        Database = m.Database,
        FileName = m.FileName,
        Format = m.Format,
        Compression = m.Compression,
        SizeBytes = m.SizeBytes,
        Sha256 = m.Sha256,
        DumpBytes = m.DumpBytes,
        StartedUtc = m.StartedUtc,
        CompletedUtc = m.CompletedUtc,
        Duration = m.Duration,
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
        Tool = m.Tool,
        Path = path,
        ManifestPath = manifestPath,
    };

    private static BackupPsException Invalid(string manifestPath, string why, Exception? inner) =>
        new("ManifestInvalid", FailureCategory.InvalidData,
            $"The manifest {manifestPath} cannot be read ({why}); the backup it describes cannot be trusted.", inner)
        { Target = manifestPath };
}
