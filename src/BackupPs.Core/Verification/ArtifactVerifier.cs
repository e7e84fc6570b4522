using System.Globalization;
using BackupPs.Core.Catalog;
using BackupPs.Core.Compression;
using BackupPs.Core.Database;
using BackupPs.Core.Errors;
using BackupPs.Core.Postgres;
using BackupPs.Core.Storage;

namespace BackupPs.Core.Verification;

/// <summary>
/// Proves an artifact on disk: one sequential pass hashes the file, decompresses all of it and walks
/// the whole dump structure, then every fact is compared with the manifest. Backup-Database runs it
/// on its temporary file before the rename (a backup is only called good once this passes) and
/// Test-Backup runs it on stored backups: one definition of "intact" for both.
/// </summary>
internal static class ArtifactVerifier
{
    /// <param name="progress">Called with the number of file bytes read so far, or null.</param>
    /// <param name="copy">
    /// Receives every decompressed byte as it is checked (a restore feeds pg_restore this way, so the
    /// artifact is read once). Its write failures propagate: the reader on the other end has stopped.
    /// </param>
    /// <param name="observer">Follows a custom archive's blocks as they are checked (a parallel restore loads them this way).</param>
    public static async Task<IReadOnlyList<BackupCheck>> VerifyAsync(string path, string fileName, BackupManifest manifest,
        Action<long>? progress, CancellationToken cancellationToken, Stream? copy = null, IArchiveObserver? observer = null)
    {
        var reading = await Task.Run(() => Read(path, progress, copy, observer, cancellationToken), cancellationToken).ConfigureAwait(false);
        var checks = new List<BackupCheck>
        {
            Check("FileName", fileName == manifest.FileName,
                fileName == manifest.FileName ? fileName : $"the file is named {fileName} but was written as {manifest.FileName}"),
            Check("Size", reading.SizeBytes == manifest.SizeBytes,
                reading.SizeBytes == manifest.SizeBytes ? $"{reading.SizeBytes} bytes" : $"{reading.SizeBytes} bytes on disk, {manifest.SizeBytes} recorded"),
            Check("Sha256", reading.Sha256 == manifest.Sha256,
                reading.Sha256 == manifest.Sha256 ? reading.Sha256 : $"hash {reading.Sha256} differs from the recorded {manifest.Sha256}"),
            Check("Decompression", reading.DecompressionError is null,
                reading.DecompressionError?.Message ?? $"{manifest.Compression} stream decoded to the end ({reading.Inspection?.TotalBytes ?? 0} bytes)"),
        };

        var inspection = reading.Inspection;
        checks.Add(Check("Structure", inspection is not null,
            inspection is not null
                ? $"{inspection.Format} dump parsed to the end: {inspection.TocEntries} TOC entries, {inspection.TableDataEntries} table data blocks"
                : reading.StructureError?.Message ?? "not checked: the file could not be decompressed"));
        checks.Add(CompareMetadata(manifest, inspection));
        checks.Add(CompareRows(manifest, inspection));
        return checks;
    }

    private static BackupCheck CompareMetadata(BackupManifest manifest, DumpInspection? inspection)
    {
        if (inspection is null)
        {
            return Check("Metadata", false, "not checked: the dump could not be read");
        }

        var expectedFormat = manifest.Format == BackupFormat.Custom ? DumpFormat.Custom : DumpFormat.Plain;
        var differences = new List<string>();
        if (inspection.Format != expectedFormat)
        {
            differences.Add($"format {inspection.Format}, recorded {manifest.Format}");
        }

        if (inspection.ServerVersion != manifest.ServerVersion)
        {
            differences.Add($"server version {inspection.ServerVersion}, recorded {manifest.ServerVersion}");
        }

        if (inspection.PgDumpVersion != manifest.PgDumpVersion)
        {
            differences.Add($"pg_dump version {inspection.PgDumpVersion}, recorded {manifest.PgDumpVersion}");
        }

        if (inspection.DatabaseName is not null && inspection.DatabaseName != manifest.Database)
        {
            differences.Add($"database {inspection.DatabaseName}, recorded {manifest.Database}");
        }

        return differences.Count == 0
            ? Check("Metadata", true, $"{manifest.Format} dump of {manifest.Database} from PostgreSQL {manifest.ServerVersion}")
            : Check("Metadata", false, string.Join("; ", differences));
    }

    private static BackupCheck CompareRows(BackupManifest manifest, DumpInspection? inspection)
    {
        if (inspection is null)
        {
            return Check("RowCounts", false, "not checked: the dump could not be read");
        }

        var recorded = manifest.Tables!.ToDictionary(t => (t.Schema, t.Table), t => t.Rows);
        var found = inspection.Tables.ToDictionary(t => (t.Schema, t.Table), t => t.Rows);
        var differences = recorded.Keys.Union(found.Keys)
            .Where(k => !recorded.TryGetValue(k, out var r) || !found.TryGetValue(k, out var f) || r != f)
            .Select(k => $"{k.Schema}.{k.Table}: {Rows(found, k)} in the file, {Rows(recorded, k)} recorded")
            .ToArray();
        return differences.Length == 0
            ? Check("RowCounts", true, $"{recorded.Count} tables, {manifest.TotalRows.ToString("N0", CultureInfo.InvariantCulture)} rows as recorded")
            : Check("RowCounts", false, string.Join("; ", differences.Take(5)) + (differences.Length > 5 ? $"; and {differences.Length - 5} more" : ""));
    }

    private static string Rows(Dictionary<(string, string), long?> rows, (string, string) key) =>
        rows.TryGetValue(key, out var n) ? n?.ToString(CultureInfo.InvariantCulture) ?? "unknown" : "absent";

    private static BackupCheck Check(string name, bool passed, string detail) => new(name, passed, detail);

    /// <summary>
    /// Opens a stored backup for reading. The store can change while a run uses it (a cleanup job, a
    /// permission change, an unmounted disk): that is said in words, not as an unexpected exception.
    /// Only a regular file is opened (<see cref="StoreFile.OpenRead"/>).
    /// </summary>
    internal static FileStream OpenBackup(string path, int bufferSize)
    {
        try
        {
            return StoreFile.OpenRead(path, "The backup file", bufferSize);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new BackupPsException("BackupFileNotFound", FailureCategory.ObjectNotFound,
                $"The backup file {path} was removed or renamed while this run was using it; Get-Backup lists the backups that exist.", e)
            { Target = path };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BackupPsException("BackupFileUnreadable", e is UnauthorizedAccessException ? FailureCategory.PermissionDenied : FailureCategory.ReadError,
                $"The backup file {path} cannot be read ({StorageErrors.Cause(e)}); check its permissions and the disk it is on.", e)
            { Target = path };
        }
    }

    private sealed record Reading(long SizeBytes, string Sha256, DumpInspection? Inspection, BackupPsException? DecompressionError, BackupPsException? StructureError);

    private static Reading Read(string path, Action<long>? progress, Stream? copy, IArchiveObserver? observer, CancellationToken cancellationToken)
    {
        using var file = OpenBackup(path, 1 << 20);
        using var counted = progress is null ? (Stream)file : new TeeReadStream(file, Stream.Null, progress);
        using var hashing = new HashingStream(counted);
        DumpInspection? inspection = null;
        BackupPsException? decompressionError = null, structureError = null;
        try
        {
            using var decompressor = CompressionStreams.OpenDecompressor(hashing, path);
            using var tee = copy is null ? null : new TeeReadStream(decompressor, copy, static _ => { });
            var dump = (Stream?)tee ?? decompressor;
            // Detect rather than trust the manifest: a format mismatch is then reported by Metadata.
            inspection = DumpInspector.Read(dump, observer, cancellationToken);
            if (copy is not null)
            {
                // Whatever follows the parsed structure belongs to the copy too.
                dump.CopyTo(Stream.Null);
            }
        }
        catch (BackupPsException e) when (e.ErrorId.StartsWith("Dump", StringComparison.Ordinal))
        {
            structureError = e;
        }
        catch (BackupPsException e)
        {
            decompressionError = e;
        }

        // Hash every byte of the file, even past the point where decoding stopped.
        hashing.CopyTo(Stream.Null);
        var hash = hashing.Complete();
        return new Reading(hash.Length, hash.Sha256, inspection, decompressionError, structureError);
    }
}
