using System.Security.Cryptography;
using BackupPs.Core.Catalog;
using BackupPs.Core.Errors;
using BackupPs.Core.Files;
using BackupPs.Core.Restore;

namespace BackupPs.Core.EnvFiles;

/// <summary>One .env file of a backup, as its manifest describes it, with its content checked against the manifest's SHA-256.</summary>
/// <param name="Content">The file's bytes: secrets. Held only while the import runs; <see cref="EnvFileArtifact.Forget"/> wipes them.</param>
internal sealed record EnvFileContent(FileEntry Entry, byte[] Content);

/// <summary>
/// Reads the .env files out of an EnvFile backup, proven before anything is written from it: first the whole artifact by
/// <see cref="FileSetVerifier"/> (its SHA-256, decompression, every tar entry against the manifest's Files: name, type,
/// size, mode, owner, mtime, content SHA-256, nothing missing or extra), then the contents, read through the same
/// <see cref="ArtifactTarReader"/> and each checked again against its SHA-256, the file's hash too (it may have been
/// replaced in between). The files are small (Export-EnvFile refuses one over <see cref="MaxFileBytes"/>), so they are
/// read into memory: the import compares them with the files they replace before it writes.
/// </summary>
internal static class EnvFileArtifact
{
    /// <summary>The largest .env file BackupPs backs up or restores, in bytes: a file bigger than this is no .env file.</summary>
    public const int MaxFileBytes = 1024 * 1024;

    /// <summary>Every file of <paramref name="backup"/>, in manifest order, each proven; BackupFileDamaged when anything disagrees.</summary>
    /// <param name="progress">Called with the artifact bytes read so far by the proof, or null.</param>
    public static async Task<IReadOnlyList<EnvFileContent>> ReadAsync(StoredBackup backup, Action<long>? progress, CancellationToken cancellationToken)
    {
        var failed = (await FileSetVerifier.VerifyAsync(backup.Path, backup.Manifest, progress, cancellationToken).ConfigureAwait(false))
            .Where(c => !c.Passed).ToArray();
        if (failed.Length > 0)
        {
            throw Damaged(backup.Path, string.Join("; ", failed.Select(c => $"{c.Name}: {c.Detail}")));
        }

        return await Task.Run(() => ReadContents(backup, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Overwrites the files' bytes, so the secrets do not linger in memory until the collector reuses it.</summary>
    public static void Forget(IEnumerable<EnvFileContent> contents)
    {
        foreach (var content in contents)
        {
            CryptographicOperations.ZeroMemory(content.Content);
        }
    }

    private static List<EnvFileContent> ReadContents(StoredBackup backup, CancellationToken cancellationToken)
    {
        var manifest = backup.Manifest;
        var expected = manifest.Files!.ToDictionary(f => f.Path, StringComparer.Ordinal);
        var contents = new List<EnvFileContent>();
        try
        {
            using var reader = ArtifactTarReader.Open(backup.Path, progress: null);
            while (reader.Next() is { } tar)
            {
                if (!expected.Remove(ManifestEntryMatch.ManifestPath(tar.Name), out var entry) || entry.Type != FileEntryType.File || entry.Size > MaxFileBytes)
                {
                    throw Damaged(backup.Path, $"it changed after it was proven: {tar.Name} is not a file its manifest lists");
                }

                var content = new byte[entry.Size];
                contents.Add(new EnvFileContent(entry, content));
                var (sha256, length) = reader.ReadContent(tar, new MemoryStream(content), cancellationToken);
                if (sha256 != entry.Sha256 || length != entry.Size)
                {
                    throw Damaged(backup.Path, $"it changed after it was proven: the content of {tar.Name} does not match its SHA-256");
                }
            }

            if (expected.Count > 0 || reader.Finish(cancellationToken).Sha256 != manifest.Sha256)
            {
                throw Damaged(backup.Path, "it changed after it was proven: its SHA-256 no longer matches its manifest");
            }
        }
        catch (Exception e)
        {
            Forget(contents);
            // A content longer than recorded overflows its buffer: the file changed too.
            throw e is NotSupportedException ? Damaged(backup.Path, "it changed after it was proven", e) : e;
        }

        // Manifest order: the order the files were given in, which the output follows.
        var order = manifest.Files!.Select((f, i) => (f.Path, i)).ToDictionary(x => x.Path, x => x.i, StringComparer.Ordinal);
        return contents.OrderBy(c => order[c.Entry.Path]).ToList();
    }

    private static BackupPsException Damaged(string path, string why, Exception? inner = null) =>
        new("BackupFileDamaged", FailureCategory.InvalidData,
            $"The backup {path} is damaged ({why}). Nothing was written from it; Test-Backup shows the details. Import another backup.", inner)
        { Target = path };
}
