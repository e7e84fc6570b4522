using System.Security.Cryptography;
using BackupPs.Core.Catalog;
using BackupPs.Core.Files;
using BackupPs.Core.Verification;

namespace BackupPs.Core.Volumes;

/// <summary>
/// The proof of a restore through the Engine API: the volume read back through the archive endpoint
/// (<see cref="ArchiveSourceEntries"/>) compared with the manifest, entry by entry: type, mode, numeric owner, size, link
/// target, content SHA-256, and mtime to the second (what the endpoint sends; the folder way compares to the 100 ns with
/// <see cref="FileSetRestore.CompareTree"/>). Nothing missing, nothing extra.
/// </summary>
internal static class ArchiveTreeCheck
{
    /// <summary>How many differences the check's detail names.</summary>
    private const int Shown = 5;

    /// <summary>A "Compare" check of <paramref name="restored"/> (enumerated once, content read) against <paramref name="manifest"/>.</summary>
    public static BackupCheck Compare(IEnumerable<SourceEntry> restored, BackupManifest manifest, CancellationToken cancellationToken)
    {
        var expected = (manifest.Files ?? []).ToDictionary(e => e.Path, StringComparer.Ordinal);
        var differences = new List<string>();
        var seen = 0;
        foreach (var source in restored)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var found = source.Entry;
            if (!expected.Remove(found.Path, out var recorded))
            {
                differences.Add($"{found.Path} is not in the backup");
                continue;
            }

            seen++;
            if (Difference(found, recorded, source) is { } difference)
            {
                differences.Add($"{found.Path}: {difference}");
            }
        }

        differences.AddRange(expected.Keys.Order(StringComparer.Ordinal).Select(path => $"{path} is missing"));
        return differences.Count == 0
            ? new BackupCheck("Compare", true, $"{seen} entries match the manifest (mtimes to the second, as the archive endpoint sends them).")
            : new BackupCheck("Compare", false, string.Join("; ", differences.Take(Shown)) + (differences.Count > Shown ? $"; and {differences.Count - Shown} more" : "") + ".");
    }

    private static string? Difference(FileEntry found, FileEntry recorded, SourceEntry source)
    {
        var differences = new List<string>();
        if (found.Type != recorded.Type)
        {
            differences.Add($"a {found.Type}, recorded as a {recorded.Type}");
        }

        if (found.Mode != recorded.Mode)
        {
            differences.Add($"mode {found.Mode}, recorded {recorded.Mode}");
        }

        if (found.Uid != recorded.Uid || found.Gid != recorded.Gid)
        {
            differences.Add($"owner {found.Uid}:{found.Gid}, recorded {recorded.Uid}:{recorded.Gid}");
        }

        if (found.LinkTarget != recorded.LinkTarget)
        {
            differences.Add($"linked to '{found.LinkTarget}', recorded '{recorded.LinkTarget}'");
        }

        if (found.Modified.ToUnixTimeSeconds() != recorded.Modified.ToUnixTimeSeconds())
        {
            differences.Add($"modified {found.Modified.UtcDateTime:o}, recorded {recorded.Modified.UtcDateTime:o}");
        }

        if (found.Type == FileEntryType.File)
        {
            using var content = source.OpenContent?.Invoke() ?? Stream.Null;
            var sha256 = Convert.ToHexString(SHA256.HashData(content)).ToLowerInvariant();
            if (found.Size != recorded.Size || sha256 != recorded.Sha256)
            {
                differences.Add($"{found.Size} bytes with SHA-256 {sha256[..12]}..., recorded {recorded.Size} bytes with {recorded.Sha256?[..Math.Min(12, recorded.Sha256.Length)]}...");
            }
        }

        return differences.Count == 0 ? null : string.Join(", ", differences);
    }
}
