using System.Formats.Tar;
using System.Security.Cryptography;
using BackupPs.Core.Catalog;
using BackupPs.Core.Compression;
using BackupPs.Core.Storage;
using BackupPs.Core.Verification;

namespace BackupPs.Core.Files;

/// <summary>
/// Stand-in for the reader side's FileSetVerifier until it is merged (same signature): hashes the written file,
/// decompresses it, walks every tar entry and compares it with the manifest's Files (the entries this tar holds, in
/// order: name, type, size, mode, owner, mtime, link, content SHA-256), nothing extra, nothing missing.
/// </summary>
internal static class InterimReadBack
{
    public static Task<IReadOnlyList<BackupCheck>> VerifyAsync(string artifactPath, BackupManifest manifest, Action<long>? progress,
        CancellationToken cancellationToken) =>
        Task.Run<IReadOnlyList<BackupCheck>>(() => Verify(artifactPath, manifest, progress, cancellationToken), cancellationToken);

    private static List<BackupCheck> Verify(string artifactPath, BackupManifest manifest, Action<long>? progress, CancellationToken cancellationToken)
    {
        using var file = new FileStream(artifactPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        using var hashing = new HashingStream(file);
        var expected = new Queue<FileEntry>((manifest.Files ?? []).Where(f => f.StoredIn is null));
        var differences = new List<string>();
        string? decompressionError = null;
        try
        {
            using var decompressor = CompressionStreams.OpenDecompressor(hashing, artifactPath);
            using var reader = new TarReader(decompressor);
            while (reader.GetNextEntry() is { } entry)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Invoke(hashing.BytesHashed);
                if (!expected.TryDequeue(out var want))
                {
                    differences.Add($"{entry.Name} is in the tar but not in the manifest");
                    continue;
                }

                Compare(entry, want, differences);
            }

            // The rest of the file (the compressor's end frame) is part of what was hashed.
            decompressor.CopyTo(Stream.Null);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or Errors.BackupPsException)
        {
            decompressionError = e.Message;
        }

        hashing.CopyTo(Stream.Null);
        differences.AddRange(expected.Select(f => $"{f.Path} is in the manifest but not in the tar"));
        var hash = hashing.Complete();
        return
        [
            new BackupCheck("Sha256", hash.Sha256 == manifest.Sha256, hash.Sha256 == manifest.Sha256 ? hash.Sha256 : $"hash {hash.Sha256}, recorded {manifest.Sha256}"),
            new BackupCheck("Decompression", decompressionError is null, decompressionError ?? "decoded to the end"),
            new BackupCheck("Entries", differences.Count == 0, differences.Count == 0 ? "every entry matches the manifest" : string.Join("; ", differences.Take(10))),
        ];
    }

    private static void Compare(TarEntry entry, FileEntry want, List<string> differences)
    {
        var name = want.Path == "." ? "./" : want.Type == FileEntryType.Directory ? want.Path + "/" : want.Path;
        var type = want.Type switch
        {
            FileEntryType.File => TarEntryType.RegularFile,
            FileEntryType.Directory => TarEntryType.Directory,
            FileEntryType.SymbolicLink => TarEntryType.SymbolicLink,
            _ => TarEntryType.HardLink,
        };
        var sha = entry.EntryType == TarEntryType.RegularFile
            ? Convert.ToHexString(SHA256.HashData(entry.DataStream ?? Stream.Null)).ToLowerInvariant()
            : null;

        var facts = new (string What, object? Got, object? Want)[]
        {
            ("name", entry.Name, name),
            ("type", entry.EntryType, type),
            ("size", entry.Length, want.Size),
            ("mode", TreeScanner.FormatMode(entry.Mode), want.Mode),
            ("uid", (long)entry.Uid, want.Uid),
            ("gid", (long)entry.Gid, want.Gid),
            ("mtime", entry.ModificationTime, want.Modified),
            ("link", entry.LinkName.Length == 0 ? null : entry.LinkName, want.LinkTarget),
            ("sha256", sha, want.Type == FileEntryType.File ? want.Sha256 : null),
        };
        foreach (var (what, got, wanted) in facts.Where(f => !Equals(f.Got, f.Want)))
        {
            differences.Add($"{want.Path}: {what} {got} in the tar, {wanted} in the manifest");
        }
    }
}
