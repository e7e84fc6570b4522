using System.Globalization;
using BackupPs.Core.Catalog;
using BackupPs.Core.Errors;
using BackupPs.Core.Storage;
using BackupPs.Core.Verification;

namespace BackupPs.Core.Files;

/// <summary>
/// Proves a file set's artifact (EnvFile, Directory, Volume) against its manifest, as <see cref="ArtifactVerifier"/> proves a
/// database dump: one sequential pass hashes the file, decompresses all of it and walks every tar entry, comparing each with
/// <see cref="BackupManifest.Files"/> (name, type, size, mode, owner, mtime, link target, content SHA-256), in manifest order,
/// nothing missing and nothing extra; then, for an incremental backup, every earlier artifact it takes files from
/// (<see cref="FileSetChain"/>). The writer's read-back proof, Test-Backup and the restore's prescan all call it.
/// </summary>
public static class FileSetVerifier
{
    /// <summary>How many differences an Entries check names before it counts the rest.</summary>
    private const int NamedDifferences = 5;

    /// <summary>
    /// The checks of one artifact, in this order: FileName, Size, Sha256, Decompression, Entries, Chain. None throws for a
    /// damaged artifact: each failed check says what differs. Throws BackupPsException only when the file cannot be opened
    /// (BackupFileNotFound, BackupFileUnreadable, StoreFileNotRegular) and OperationCanceledException.
    /// </summary>
    /// <param name="artifactPath">The artifact (.tar.zst / .tar.gz); an incremental backup's chain is looked for beside it.</param>
    /// <param name="manifest">Its manifest, as <see cref="ManifestStore.Read"/> validated it (or as the writer is about to store it).</param>
    /// <param name="progress">Called with the number of file bytes read so far, or null.</param>
    /// <param name="hashChain">
    /// True (Test-Backup, restore): every earlier artifact of the chain is read and hashed. False (the writer's read-back of
    /// an incremental backup, whose base was proven when it was written): each must be there with its manifest and its
    /// recorded size, but is not read, so a daily incremental does not read the whole full backup again.
    /// </param>
    public static async Task<IReadOnlyList<BackupCheck>> VerifyAsync(string artifactPath, BackupManifest manifest, Action<long>? progress,
        CancellationToken cancellationToken, bool hashChain = true) =>
        (await VerifyWithChainAsync(artifactPath, manifest, progress, cancellationToken, hashChain).ConfigureAwait(false)).Checks;

    /// <summary>As <see cref="VerifyAsync"/>, and the chain's links as proven (null when the Chain check failed): a restore reads them next.</summary>
    internal static Task<(IReadOnlyList<BackupCheck> Checks, IReadOnlyList<ChainLink>? Links)> VerifyWithChainAsync(string artifactPath, BackupManifest manifest,
        Action<long>? progress, CancellationToken cancellationToken, bool hashChain = true) =>
        Task.Run(() => Verify(artifactPath, manifest, progress, hashChain, cancellationToken), cancellationToken);

    private static (IReadOnlyList<BackupCheck>, IReadOnlyList<ChainLink>?) Verify(string artifactPath, BackupManifest manifest, Action<long>? progress, bool hashChain,
        CancellationToken cancellationToken)
    {
        var files = manifest.Files ?? [];
        var inThisTar = new Dictionary<string, (int Index, FileEntry Entry)>(StringComparer.Ordinal);
        for (var i = 0; i < files.Count; i++)
        {
            if (files[i].StoredIn is null)
            {
                inThisTar[files[i].Path] = (i, files[i]);
            }
        }

        var storedElsewhere = files.Where(e => e.StoredIn is not null).ToDictionary(e => e.Path, e => e.StoredIn!, StringComparer.Ordinal);
        var differences = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        BackupPsException? decompressionError = null, tarError = null;
        ContentHash hash;
        long tarBytes;
        long contentBytes = 0;
        using (var reader = ArtifactTarReader.Open(artifactPath, progress))
        {
            try
            {
                try
                {
                    var lastIndex = -1;
                    while (reader.Next() is { } tar)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        var path = ManifestEntryMatch.ManifestPath(tar.Name);
                        var shown = ManifestValidator.Shown(path);
                        if (!inThisTar.TryGetValue(path, out var expected))
                        {
                            differences.Add(storedElsewhere.TryGetValue(path, out var storedIn)
                                ? $"{shown} is in the tar, but recorded as stored in {storedIn}"
                                : $"{shown} is in the tar but not in the manifest");
                            continue;
                        }

                        if (!seen.Add(path))
                        {
                            differences.Add($"{shown} is in the tar twice");
                            continue;
                        }

                        if (expected.Index < lastIndex)
                        {
                            differences.Add($"{shown} comes earlier in the tar than in the manifest");
                        }

                        lastIndex = Math.Max(lastIndex, expected.Index);
                        if (ManifestEntryMatch.HeaderDifference(tar, expected.Entry) is { } difference)
                        {
                            differences.Add($"{shown}: {difference}");
                        }

                        var content = reader.ReadContent(tar, null, cancellationToken);
                        contentBytes += content.Length;
                        if (expected.Entry.Type == FileEntryType.File && content.Sha256 != expected.Entry.Sha256)
                        {
                            differences.Add($"{shown}: content SHA-256 {content.Sha256}, recorded {expected.Entry.Sha256}");
                        }
                    }

                    hash = reader.Finish(cancellationToken);
                }
                catch (BackupPsException e) when (e.ErrorId == ArtifactTarReader.TarDamagedErrorId)
                {
                    tarError = e;
                    reader.DecodeRest(cancellationToken);
                    hash = reader.HashRest(cancellationToken);
                }
            }
            catch (BackupPsException e) when (e.ErrorId != ArtifactTarReader.TarDamagedErrorId)
            {
                decompressionError = e;
                hash = reader.HashRest(cancellationToken);
            }

            tarBytes = reader.TarBytes;
        }

        var missing = inThisTar.Values.Where(e => !seen.Contains(e.Entry.Path)).Select(e => $"{ManifestValidator.Shown(e.Entry.Path)} is recorded but not in the tar");
        if (tarError is null && decompressionError is null)
        {
            differences.AddRange(missing);
        }

        var (chain, links) = ChainCheck(artifactPath, manifest, hashChain, cancellationToken);
        var fileName = Path.GetFileName(artifactPath);
        var decoded = decompressionError is null && tarBytes == manifest.DumpBytes;
        var checks = new List<BackupCheck>
        {
            new("FileName", fileName == manifest.FileName, fileName == manifest.FileName ? fileName : $"the file is named {fileName} but was written as {manifest.FileName}"),
            new("Size", hash.Length == manifest.SizeBytes,
                hash.Length == manifest.SizeBytes ? $"{hash.Length} bytes" : $"{hash.Length} bytes on disk, {manifest.SizeBytes} recorded"),
            new("Sha256", hash.Sha256 == manifest.Sha256, hash.Sha256 == manifest.Sha256 ? hash.Sha256 : $"hash {hash.Sha256} differs from the recorded {manifest.Sha256}"),
            new("Decompression", decoded, decompressionError?.Message
                ?? (decoded ? $"{manifest.Compression} stream decoded to the end ({tarBytes} bytes of tar)" : $"{manifest.Compression} stream decoded to {tarBytes} bytes of tar, {manifest.DumpBytes} recorded")),
            EntriesCheck(files, inThisTar.Count, contentBytes, differences, decompressionError ?? tarError),
            chain,
        };
        return (checks, links);
    }

    private static BackupCheck EntriesCheck(IReadOnlyList<FileEntry> files, int inThisTar, long contentBytes, List<string> differences, BackupPsException? readError)
    {
        if (readError is not null)
        {
            var found = differences.Count == 0 ? "" : $"; before that: {string.Join("; ", differences.Take(NamedDifferences))}";
            return new BackupCheck("Entries", false, readError.ErrorId == ArtifactTarReader.TarDamagedErrorId
                ? readError.Message.TrimEnd('.') + found
                : "not walked to the end: the file could not be decompressed" + found);
        }

        if (differences.Count > 0)
        {
            return new BackupCheck("Entries", false, string.Join("; ", differences.Take(NamedDifferences))
                + (differences.Count > NamedDifferences ? $"; and {differences.Count - NamedDifferences} more" : ""));
        }

        var stored = files.Count - inThisTar;
        return new BackupCheck("Entries", true,
            $"{inThisTar} entries as recorded ({files.Count(e => e.Type == FileEntryType.File && e.StoredIn is null)} files, "
            + $"{files.Count(e => e.Type == FileEntryType.Directory)} folders, {files.Count(e => e.Type is FileEntryType.SymbolicLink or FileEntryType.HardLink)} links), "
            + $"{contentBytes.ToString("N0", CultureInfo.InvariantCulture)} bytes of content" + (stored > 0 ? $"; {stored} unchanged file(s) in earlier backups" : ""));
    }

    private static (BackupCheck, IReadOnlyList<ChainLink>?) ChainCheck(string artifactPath, BackupManifest manifest, bool hashChain, CancellationToken cancellationToken)
    {
        if (manifest.BaseFileName is null && (manifest.Files ?? []).All(e => e.StoredIn is null))
        {
            return (new BackupCheck("Chain", true, "a full backup: every file is in this artifact"), []);
        }

        try
        {
            var links = FileSetChain.Prove(artifactPath, manifest, cancellationToken, hashChain);
            return (new BackupCheck("Chain", true,
                $"incremental on {manifest.BaseFileName}: {links.Sum(l => l.Entries.Count)} unchanged file(s) in {string.Join(", ", links.Where(l => l.Entries.Count > 0).Select(l => l.FileName))}, "
                + (hashChain ? "each artifact present with its recorded SHA-256" : "each artifact present with its recorded size")), links);
        }
        catch (BackupPsException e) when (e.ErrorId == FileSetChain.BrokenErrorId)
        {
            return (new BackupCheck("Chain", false, e.Message), null);
        }
    }
}
