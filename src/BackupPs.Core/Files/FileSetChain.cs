using BackupPs.Core.Catalog;
using BackupPs.Core.Errors;
using BackupPs.Core.Storage;

namespace BackupPs.Core.Files;

/// <summary>An earlier artifact an incremental backup takes content from: where it is, its manifest, and which entries of this backup it holds.</summary>
/// <param name="FileName">The name <see cref="BackupManifest.BaseFileName"/> or <see cref="FileEntry.StoredIn"/> gives it.</param>
/// <param name="Path">Its full path, beside the incremental backup.</param>
/// <param name="Manifest">Its manifest, read and validated.</param>
/// <param name="Entries">The incremental backup's entries whose content its tar holds (empty for a base that holds none).</param>
internal sealed record ChainLink(string FileName, string Path, BackupManifest Manifest, IReadOnlyList<FileEntry> Entries);

/// <summary>
/// The artifacts an incremental file set backup depends on (its <see cref="BackupManifest.BaseFileName"/> and every
/// <see cref="FileEntry.StoredIn"/>), each proven before a restore reads from it: there, with its manifest, of the same
/// source, the size and SHA-256 its manifest records, and listing every file taken from it with the same content and
/// in its own tar. A full backup has no links.
/// </summary>
internal static class FileSetChain
{
    /// <summary>The ErrorId of a chain with a missing, damaged or unrelated link.</summary>
    public const string BrokenErrorId = "BackupChainBroken";

    /// <summary>
    /// Proves every link of <paramref name="manifest"/>'s chain (reading each artifact completely, unless
    /// <paramref name="hash"/> is false: then its size is compared only) and returns them, in the order first named; throws
    /// <see cref="BrokenErrorId"/> (InvalidData) naming the first link that fails.
    /// </summary>
    /// <param name="artifactPath">The incremental backup's file: its links are looked for in the same folder.</param>
    public static IReadOnlyList<ChainLink> Prove(string artifactPath, BackupManifest manifest, CancellationToken cancellationToken, bool hash = true)
    {
        var folder = System.IO.Path.GetDirectoryName(artifactPath)!;
        var names = new List<string>();
        if (manifest.BaseFileName is not null)
        {
            names.Add(manifest.BaseFileName);
        }

        foreach (var entry in manifest.Files ?? [])
        {
            if (entry.StoredIn is not null && !names.Contains(entry.StoredIn))
            {
                names.Add(entry.StoredIn);
            }
        }

        var links = new List<ChainLink>();
        foreach (var name in names)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var wanted = (manifest.Files ?? []).Where(e => e.StoredIn == name).ToArray();
            links.Add(ProveLink(artifactPath, manifest, folder, name, wanted, hash, cancellationToken));
        }

        return links;
    }

    private static ChainLink ProveLink(string artifactPath, BackupManifest manifest, string folder, string name, IReadOnlyList<FileEntry> wanted,
        bool hash, CancellationToken cancellationToken)
    {
        var path = System.IO.Path.Combine(folder, name);
        BackupPsException Broken(string cause, Exception? inner = null) =>
            new(BrokenErrorId, FailureCategory.InvalidData,
                $"{artifactPath} is an incremental backup and takes {wanted.Count} file(s) from {name}, but {cause.TrimEnd('.')}; "
                + "put the earlier backups of the chain back beside it (Get-Backup lists them), or restore a full backup.", inner)
            { Target = path };

        BackupManifest linked;
        try
        {
            linked = ManifestStore.Read(BackupNames.ManifestPathFor(path));
        }
        catch (BackupPsException e) when (e.ErrorId is "ManifestNotFound" or "ManifestInvalid" or StoreFile.NotRegularErrorId)
        {
            throw Broken(e.Message, e);
        }

        if (linked.FileName != name || linked.Kind != manifest.Kind || linked.Name != manifest.Name || linked.Environment != manifest.Environment)
        {
            throw Broken($"the manifest beside it describes {linked.FileName}, a {linked.Kind} backup of {linked.Name} ({linked.Environment})");
        }

        if (linked.StartedUtc >= manifest.StartedUtc)
        {
            throw Broken($"it was started at {linked.StartedUtc:o}, not before this backup");
        }

        var recorded = (linked.Files ?? []).ToDictionary(e => e.Path, StringComparer.Ordinal);
        foreach (var entry in wanted)
        {
            if (!recorded.TryGetValue(entry.Path, out var there) || there.Type != FileEntryType.File || there.Sha256 != entry.Sha256
                || there.Size != entry.Size || there.StoredIn is not null)
            {
                throw Broken($"its manifest does not list {ManifestValidator.Shown(entry.Path)} with the same content in its own tar");
            }
        }

        if (!hash)
        {
            var size = StoreFile.Require(path, "The backup file") is { } status ? status.Size : -1;
            if (size != linked.SizeBytes)
            {
                throw Broken(size < 0 ? "it is missing" : $"it is {size} bytes, and its manifest records {linked.SizeBytes}: it is damaged");
            }

            return new ChainLink(name, path, linked, wanted);
        }

        ContentHash content;
        try
        {
            using var reader = ArtifactTarReader.Open(path, null);
            content = reader.HashRest(cancellationToken);
        }
        catch (BackupPsException e)
        {
            throw Broken(e.Message, e);
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (content.Length != linked.SizeBytes || content.Sha256 != linked.Sha256)
        {
            throw Broken($"it is {content.Length} bytes with SHA-256 {content.Sha256}, and its manifest records {linked.SizeBytes} bytes with {linked.Sha256}: it is damaged");
        }

        return new ChainLink(name, path, linked, wanted);
    }
}
