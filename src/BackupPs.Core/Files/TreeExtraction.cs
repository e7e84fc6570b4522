using System.Formats.Tar;
using System.Runtime.InteropServices;
using System.Text;
using BackupPs.Core.Catalog;
using BackupPs.Core.Errors;
using BackupPs.Core.Hosting;
using BackupPs.Core.Storage;

namespace BackupPs.Core.Files;

/// <summary>
/// Writes a proven file set into a folder of its own (new, or empty and opened to 0700), after <see cref="ExtractionPlan"/>
/// and <see cref="FileSetVerifier"/> accepted it. Every tar header is compared with the manifest again as it is read (the
/// artifact could have been swapped since the prescan), and every file's SHA-256 as it is written.
/// <para>
/// Why nothing is ever written through a link: folders are made with mkdir and files with O_CREAT|O_EXCL (neither follows
/// a link in their last component), no entry lies below a link (the plan refuses that), and symbolic links are created
/// only after every folder, file and hard link exists; the metadata pass then uses lchown, lsetxattr and utimensat with
/// AT_SYMLINK_NOFOLLOW, and chmod only on entries that are not links.
/// </para>
/// Order: implicit folders; the artifact's folders and files (content 0600 while written); files an incremental backup
/// takes from earlier artifacts; hard links; symbolic links; owners (as root),
/// extended attributes, modes (setuid/setgid after chown, which clears them); mtimes, folders last and deepest first.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal sealed class TreeExtraction(string artifactPath, BackupManifest manifest, ExtractionPlan plan, IReadOnlyList<ChainLink> links,
    string destination, ExtractOptions options, IOperationHost host, ProgressActivity progress, CancellationToken cancellationToken)
{
    /// <summary>The ErrorId when an artifact no longer holds what was proven a moment before.</summary>
    public const string ChangedErrorId = "BackupChangedDuringRestore";

    /// <summary>PAX records GNU tar writes extended attributes as (--xattrs).</summary>
    private const string XattrRecord = "SCHILY.xattr.";


    private readonly Dictionary<string, List<KeyValuePair<string, string>>> _xattrs = new(StringComparer.Ordinal);
    private readonly HashSet<string> _xattrFailures = new(StringComparer.Ordinal);
    private long _bytesWritten;

    public void Run()
    {
        foreach (var folder in plan.ImplicitFolders)
        {
            MakeFolder(folder);
        }

        ExtractArtifact();
        foreach (var link in links.Where(l => l.Entries.Count > 0))
        {
            ExtractFromEarlier(link);
        }

        var files = manifest.Files ?? [];
        foreach (var entry in files.Where(e => e.Type == FileEntryType.HardLink))
        {
            HardLink(entry);
        }

        foreach (var entry in files.Where(e => e.Type == FileEntryType.SymbolicLink))
        {
            cancellationToken.ThrowIfCancellationRequested();
            File.CreateSymbolicLink(Full(entry.Path), entry.LinkTarget!);
        }

        ApplyMetadata(files);
    }

    /// <summary>The full path of a manifest entry under the destination ("." is the destination itself).</summary>
    private string Full(string path) => path == "." ? destination : Path.Combine(destination, path);

    private BackupPsException Changed(string what, string cause) =>
        new(ChangedErrorId, FailureCategory.InvalidData,
            $"{what} changed while it was restored ({cause}); what was written is removed. Run Test-Backup on it, and find what writes to the store.")
        { Target = what };

    private void ExtractArtifact()
    {
        var expectedCount = (manifest.Files ?? []).Count(e => e.StoredIn is null);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        using var reader = ArtifactTarReader.Open(artifactPath, null);
        while (reader.Next() is { } tar)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var path = ManifestEntryMatch.ManifestPath(tar.Name);
            var expected = plan.Find(path);
            if (expected is null || expected.StoredIn is not null || !seen.Add(path))
            {
                throw Changed(artifactPath, $"it holds {ManifestValidator.Shown(path)}, which its manifest does not list there");
            }

            if (ManifestEntryMatch.HeaderDifference(tar, expected) is { } difference)
            {
                throw Changed(artifactPath, $"{ManifestValidator.Shown(path)}: {difference}");
            }

            KeepXattrs(tar, path);
            if (expected.Type == FileEntryType.Directory && path != ".")
            {
                MakeFolder(path);
            }
            else if (expected.Type == FileEntryType.File)
            {
                WriteFile(reader, tar, expected, artifactPath);
            }
        }

        var hash = reader.Finish(cancellationToken);
        if (hash.Sha256 != manifest.Sha256 || seen.Count != expectedCount)
        {
            throw Changed(artifactPath, hash.Sha256 != manifest.Sha256 ? "its SHA-256 differs from the one just verified" : "entries are missing");
        }
    }

    /// <summary>Writes the files of this incremental backup whose content <paramref name="link"/>'s tar holds (the same paths there).</summary>
    private void ExtractFromEarlier(ChainLink link)
    {
        var wanted = link.Entries.ToDictionary(e => e.Path, StringComparer.Ordinal);
        var recorded = (link.Manifest.Files ?? []).ToDictionary(e => e.Path, StringComparer.Ordinal);
        host.WriteVerbose($"Taking {wanted.Count} unchanged file(s) from the earlier backup {link.FileName}.");
        using var reader = ArtifactTarReader.Open(link.Path, null);
        while (reader.Next() is { } tar)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var path = ManifestEntryMatch.ManifestPath(tar.Name);
            if (!wanted.Remove(path, out var entry))
            {
                continue;
            }

            if (ManifestEntryMatch.HeaderDifference(tar, recorded[path]) is { } difference)
            {
                throw Changed(link.Path, $"{ManifestValidator.Shown(path)}: {difference}");
            }

            KeepXattrs(tar, path);
            WriteFile(reader, tar, entry, link.Path);
        }

        var hash = reader.Finish(cancellationToken);
        if (hash.Sha256 != link.Manifest.Sha256 || wanted.Count > 0)
        {
            throw Changed(link.Path, hash.Sha256 != link.Manifest.Sha256 ? "its SHA-256 differs from the one just verified" : $"{ManifestValidator.Shown(wanted.Keys.First())} is not in it");
        }
    }

    private void MakeFolder(string path)
    {
        if (LibC.MkDir(Full(path), (uint)SecureDirectory.DirectoryMode) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw LibC.ErrnoException(errno, $"Cannot create the folder {Full(path)}");
        }
    }

    private void WriteFile(ArtifactTarReader reader, TarEntry tar, FileEntry entry, string source)
    {
        var full = Full(entry.Path);
        (string Sha256, long Length) content;
        using (var file = new FileStream(full, new FileStreamOptions
        {
            Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 0,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            content = reader.ReadContent(tar, file, cancellationToken);
        }

        if (content.Sha256 != entry.Sha256 || content.Length != entry.Size)
        {
            throw Changed(source, $"{ManifestValidator.Shown(entry.Path)} has the SHA-256 {content.Sha256}, recorded {entry.Sha256}");
        }

        _bytesWritten += content.Length;
        progress.Bytes(_bytesWritten, manifest.TotalBytes, "restored");
    }

    private void HardLink(FileEntry entry)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // The validator lets a hard link name only an earlier regular file: never a link, a folder or a later entry.
        if (LibC.Link(Full(entry.LinkTarget!), Full(entry.Path)) != 0)
        {
            throw LibC.ErrnoException(Marshal.GetLastPInvokeError(), $"Cannot create the hard link {Full(entry.Path)}");
        }
    }

    private void KeepXattrs(TarEntry tar, string path)
    {
        if (tar is PaxTarEntry pax && pax.ExtendedAttributes.Any(a => a.Key.StartsWith(XattrRecord, StringComparison.Ordinal)))
        {
            _xattrs[path] = pax.ExtendedAttributes.Where(a => a.Key.StartsWith(XattrRecord, StringComparison.Ordinal)).ToList();
        }
    }

    private void ApplyMetadata(IReadOnlyList<FileEntry> files)
    {
        progress.Status("restoring owners, modes and times");
        // A hard link shares its inode with its first name, whose entry carries the same metadata.
        var inodes = files.Where(e => e.Type != FileEntryType.HardLink).ToList();
        if (options.RestoreOwners)
        {
            foreach (var entry in inodes)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (LibC.LChown(Full(entry.Path), (uint)entry.Uid, (uint)entry.Gid) != 0)
                {
                    throw LibC.ErrnoException(Marshal.GetLastPInvokeError(), $"Cannot give {Full(entry.Path)} the owner {entry.Uid}:{entry.Gid}");
                }
            }
        }
        else
        {
            host.WriteVerbose($"Not running as root: every restored entry belongs to you (uid {EntryStatus.CurrentUser}), not to its recorded owner.");
        }

        foreach (var entry in inodes)
        {
            SetXattrs(entry);
            if (entry.Type == FileEntryType.File)
            {
                File.SetUnixFileMode(Full(entry.Path), ManifestEntryMatch.Mode(entry));
            }
        }

        foreach (var entry in inodes.Where(e => e.Type is FileEntryType.File or FileEntryType.SymbolicLink))
        {
            SetModified(entry);
        }

        // Deepest first, the root last: setting a folder's mode or time after its children keeps both as recorded.
        foreach (var entry in inodes.Where(e => e.Type == FileEntryType.Directory).OrderByDescending(e => e.Path == "." ? -1 : e.Path.Count(c => c == '/')))
        {
            File.SetUnixFileMode(Full(entry.Path), ManifestEntryMatch.Mode(entry));
            SetModified(entry);
        }
    }

    private void SetXattrs(FileEntry entry)
    {
        if (!_xattrs.TryGetValue(entry.Path, out var attributes))
        {
            return;
        }

        foreach (var (record, value) in attributes)
        {
            var name = record[XattrRecord.Length..];
            var bytes = Encoding.UTF8.GetBytes(value);
            if (LibC.LSetXattr(Full(entry.Path), name, bytes, (nuint)bytes.Length, 0) != 0 && _xattrFailures.Add(name))
            {
                // Where possible only: a file system without xattrs, or a namespace only root may set (trusted.*, security.*).
                host.WriteVerbose($"The extended attribute {name} of {ManifestValidator.Shown(entry.Path)} cannot be restored here ({Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}); it is left out of this and any other entry.");
            }
        }
    }

    private void SetModified(FileEntry entry)
    {
        // Floored, so a time before 1970 has a negative second and a positive nanosecond part, as timespec wants.
        var seconds = Math.DivRem(entry.Modified.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks, TimeSpan.TicksPerSecond, out var rest);
        if (rest < 0)
        {
            seconds--;
            rest += TimeSpan.TicksPerSecond;
        }

        var times = new nint[] { 0, (nint)LibC.UtimeOmit, (nint)seconds, (nint)(rest * 100) };
        if (LibC.UtimensAt(LibC.AtFdCwd, Full(entry.Path), times, LibC.AtSymlinkNoFollow) != 0)
        {
            throw LibC.ErrnoException(Marshal.GetLastPInvokeError(), $"Cannot set the modification time of {Full(entry.Path)}");
        }
    }
}
