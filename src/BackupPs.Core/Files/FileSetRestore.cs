using System.Globalization;
using BackupPs.Core.Catalog;
using BackupPs.Core.Errors;
using BackupPs.Core.Hosting;
using BackupPs.Core.Storage;
using BackupPs.Core.Verification;

namespace BackupPs.Core.Files;

/// <summary>
/// Restores a file set into a folder: the common engine of Restore-Directory, Import-EnvFile's -Destination, Restore-Volume
/// (into a mountpoint) and Test-Backup's drills. Nothing is written until the whole backup was proven and found safe: the
/// manifest's tree (<see cref="ExtractionPlan"/>), then every byte of the artifact and of each earlier artifact an
/// incremental backup takes files from (<see cref="FileSetVerifier"/>). Then <see cref="TreeExtraction"/> writes it and
/// <see cref="CompareTree"/> checks the result against the manifest. On any failure, Ctrl+C included, what was written is
/// removed: a new destination entirely, an empty one emptied again (with its mode back).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal static class FileSetRestore
{
    /// <summary>The ErrorId of a destination that holds something already.</summary>
    public const string DestinationNotEmptyErrorId = "DestinationNotEmpty";

    /// <summary>The ErrorId of an artifact (or chain) that failed its checks: nothing was written.</summary>
    public const string BackupDamagedErrorId = "BackupFailedVerification";

    /// <summary>The ErrorId of a restored tree that does not match its manifest: it was removed.</summary>
    public const string TreeDiffersErrorId = "RestoredTreeDiffers";

    /// <summary>The ErrorId of a write that failed (disk full, permissions): what was written is removed.</summary>
    public const string WriteFailedErrorId = "RestoreWriteFailed";


    private static readonly EnumerationOptions Everything = new() { AttributesToSkip = 0, IgnoreInaccessible = false, RecurseSubdirectories = false };

    /// <summary>
    /// Extracts <paramref name="artifactPath"/> (and its chain) into <paramref name="destination"/>, which must not exist (its
    /// parent must: it is created 0700, and gets the root entry's mode at the end) or be an empty folder. Returns the
    /// verifier's checks and a last "Compare" check, all passed. Errors (BackupPsException): <see cref="DestinationNotEmptyErrorId"/>,
    /// DestinationInvalid, <see cref="ExtractionPlan.UnsafeEntryErrorId"/> and <see cref="BackupDamagedErrorId"/> (nothing
    /// written), <see cref="TreeExtraction.ChangedErrorId"/>, <see cref="WriteFailedErrorId"/> and <see cref="TreeDiffersErrorId"/>
    /// (what was written is removed).
    /// </summary>
    /// <param name="parent">The caller's progress activity (this one is its child), or null.</param>
    public static async Task<IReadOnlyList<BackupCheck>> ExtractAsync(string artifactPath, BackupManifest manifest, string destination, ExtractOptions options,
        IOperationHost host, ProgressActivity? parent, CancellationToken cancellationToken)
    {
        var target = Prepare(artifactPath, manifest, destination, options);
        using var progress = ProgressActivity.Start(host, $"Restoring {Path.GetFileName(artifactPath)} into {target.Destination}", "verifying the backup", parent);
        host.WriteVerbose($"Verifying {artifactPath} (and any earlier backup it builds on) before anything is written.");
        var (checks, links) = await FileSetVerifier.VerifyWithChainAsync(artifactPath, manifest,
            read => progress.Bytes(read, manifest.SizeBytes, "verified"), cancellationToken).ConfigureAwait(false);
        if (checks.Any(c => !c.Passed) || links is null)
        {
            var failed = checks.Where(c => !c.Passed).ToArray();
            throw new BackupPsException(BackupDamagedErrorId, FailureCategory.InvalidData,
                $"{artifactPath} failed {failed.Length} check(s), so nothing was written: {string.Join("; ", failed.Select(c => $"{c.Name}: {c.Detail.TrimEnd('.')}"))}. Restore another backup.")
            { Target = artifactPath };
        }

        return [.. checks, await WriteAsync(artifactPath, manifest, links, target, options, host, progress, cancellationToken).ConfigureAwait(false)];
    }

    /// <summary>
    /// As <see cref="ExtractAsync"/>, for a caller that has just run <see cref="FileSetVerifier.VerifyWithChainAsync"/> itself
    /// and reports its checks (Test-Backup's drill): the manifest's tree is still checked before anything is written, and
    /// every header and file again while written. Returns the "Compare" check, passed.
    /// </summary>
    /// <param name="links">The chain the verifier proved.</param>
    public static async Task<BackupCheck> ExtractVerifiedAsync(string artifactPath, BackupManifest manifest, IReadOnlyList<ChainLink> links, string destination,
        ExtractOptions options, IOperationHost host, ProgressActivity? parent, CancellationToken cancellationToken)
    {
        var target = Prepare(artifactPath, manifest, destination, options);
        using var progress = ProgressActivity.Start(host, $"Restoring {Path.GetFileName(artifactPath)} into {target.Destination}", "Starting", parent);
        return await WriteAsync(artifactPath, manifest, links, target, options, host, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Where a restore writes, checked, and the manifest's tree found safe (<see cref="ExtractionPlan"/>).</summary>
    /// <param name="EmptyFolderMode">Null for a new destination; the mode of an existing empty one, put back if the restore fails.</param>
    private sealed record Target(string Destination, UnixFileMode? EmptyFolderMode, ExtractionPlan Plan);

    private static Target Prepare(string artifactPath, BackupManifest manifest, string destination, ExtractOptions options)
    {
        destination = Path.TrimEndingDirectorySeparator(Path.GetFullPath(destination));
        // Every entry path becomes a path written: the manifest's own rules (no "..", no absolute names) are checked here
        // too, whoever read it.
        ManifestValidator.Validate(manifest, BackupNames.ManifestPathFor(artifactPath));
        var emptyFolderMode = CheckDestination(destination);
        return new Target(destination, emptyFolderMode, ExtractionPlan.Build(artifactPath, manifest, options));
    }

    private static async Task<BackupCheck> WriteAsync(string artifactPath, BackupManifest manifest, IReadOnlyList<ChainLink> links, Target target,
        ExtractOptions options, IOperationHost host, ProgressActivity progress, CancellationToken cancellationToken)
    {
        var (destination, emptyFolderMode, plan) = target;
        host.WriteVerbose(emptyFolderMode is null ? $"Creating {destination} (0700 until the restore is complete)." : $"Restoring into the empty folder {destination}.");
        if (emptyFolderMode is null)
        {
            if (LibC.MkDir(destination, (uint)SecureDirectory.DirectoryMode) != 0)
            {
                throw WriteFailed(destination, LibC.ErrnoException(System.Runtime.InteropServices.Marshal.GetLastPInvokeError(), $"Cannot create {destination}"));
            }
        }
        else
        {
            File.SetUnixFileMode(destination, SecureDirectory.DirectoryMode);
        }

        try
        {
            await Task.Run(() =>
            {
                try
                {
                    new TreeExtraction(artifactPath, manifest, plan, links, destination, options, host, progress, cancellationToken).Run();
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw WriteFailed(destination, e);
                }
            }, cancellationToken).ConfigureAwait(false);
            progress.Status("comparing the restored tree with the manifest");
            var compare = await Task.Run(() => CompareTree(destination, manifest, options.RestoreOwners, cancellationToken), cancellationToken).ConfigureAwait(false);
            if (!compare.Passed)
            {
                throw new BackupPsException(TreeDiffersErrorId, FailureCategory.InvalidData,
                    $"The tree restored into {destination} differs from the manifest of {artifactPath} ({compare.Detail.TrimEnd('.')}), so it was removed. "
                    + "The file system may not keep what the backup holds (modes, times, links); restore onto a Linux file system such as ext4.")
                { Target = destination };
            }

            return compare;
        }
        catch
        {
            Undo(destination, emptyFolderMode, host);
            throw;
        }
    }

    /// <summary>
    /// Compares the tree under <paramref name="destination"/> with <paramref name="manifest"/>: every entry there, of its type,
    /// mode, mtime, size, link target and content SHA-256, hard links sharing their first name's inode, owners when
    /// <paramref name="compareOwners"/>, and nothing else in the tree. Returns a "Compare" check naming the first differences.
    /// </summary>
    public static BackupCheck CompareTree(string destination, BackupManifest manifest, bool compareOwners, CancellationToken cancellationToken)
    {
        var files = manifest.Files ?? [];
        var differences = new List<string>();
        var inodes = new Dictionary<string, (ulong Device, ulong Inode)>(StringComparer.Ordinal);
        string Full(string path) => path == "." ? destination : Path.Combine(destination, path);
        foreach (var entry in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var shown = ManifestValidator.Shown(entry.Path);
            var status = EntryStatus.Read(Full(entry.Path));
            if (status is not { } found)
            {
                differences.Add($"{shown} is missing");
                continue;
            }

            inodes[entry.Path] = (found.Device, found.Inode);
            if (entry.Type == FileEntryType.HardLink)
            {
                if (!inodes.TryGetValue(entry.LinkTarget!, out var first) || first != (found.Device, found.Inode))
                {
                    differences.Add($"{shown} is not a hard link to {ManifestValidator.Shown(entry.LinkTarget)}");
                }

                continue;
            }

            var kind = entry.Type switch
            {
                FileEntryType.File => EntryKind.RegularFile,
                FileEntryType.Directory => EntryKind.Directory,
                _ => EntryKind.SymbolicLink,
            };
            if (found.Kind != kind)
            {
                differences.Add($"{shown} is {found.Describe()}, recorded as a {ManifestEntryMatch.Describe(entry.Type)}");
                continue;
            }

            if (kind != EntryKind.SymbolicLink && ManifestEntryMatch.ModeText(found.Mode) != entry.Mode)
            {
                differences.Add($"{shown} has the mode {ManifestEntryMatch.ModeText(found.Mode)}, recorded {entry.Mode}");
            }

            if (compareOwners && (found.Owner != entry.Uid || found.Group != entry.Gid))
            {
                differences.Add($"{shown} belongs to {found.Owner}:{found.Group}, recorded {entry.Uid}:{entry.Gid}");
            }

            if (found.Modified.UtcTicks != entry.Modified.UtcTicks)
            {
                differences.Add($"{shown} was modified {found.Modified.UtcDateTime:o}, recorded {entry.Modified.UtcDateTime:o}");
            }

            if (kind == EntryKind.SymbolicLink && new FileInfo(Full(entry.Path)).LinkTarget != entry.LinkTarget)
            {
                differences.Add($"{shown} links to '{ManifestValidator.Shown(new FileInfo(Full(entry.Path)).LinkTarget)}', recorded '{ManifestValidator.Shown(entry.LinkTarget)}'");
            }

            if (kind == EntryKind.RegularFile && (found.Size != entry.Size || Sha256Of(Full(entry.Path), cancellationToken) != entry.Sha256))
            {
                differences.Add($"{shown} does not have the recorded content ({found.Size} bytes, recorded {entry.Size})");
            }
        }

        // The folders an entry lies in are expected too, listed or not (an EnvFile set's parents are not).
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in files)
        {
            for (var end = entry.Path.Length; end > 0 && known.Add(entry.Path[..end]); end = entry.Path.LastIndexOf('/', end - 1))
            {
            }
        }

        foreach (var extra in Walk(destination, "").Where(p => !known.Contains(p)))
        {
            differences.Add($"{ManifestValidator.Shown(extra)} is not in the backup");
        }

        return differences.Count == 0
            ? new BackupCheck("Compare", true, $"{files.Count.ToString(CultureInfo.InvariantCulture)} entries match the manifest (type, mode, "
                + (compareOwners ? "owner, " : "") + "mtime, links, content)")
            : new BackupCheck("Compare", false, string.Join("; ", differences.Take(5)) + (differences.Count > 5 ? $"; and {differences.Count - 5} more" : ""));
    }

    /// <summary>Every path under <paramref name="folder"/>, relative, '/'-separated; symbolic links are listed, never entered.</summary>
    private static IEnumerable<string> Walk(string folder, string prefix)
    {
        foreach (var child in Directory.EnumerateFileSystemEntries(folder, "*", Everything))
        {
            var relative = prefix + Path.GetFileName(child);
            yield return relative;
            if (EntryStatus.Read(child) is { Kind: EntryKind.Directory })
            {
                foreach (var below in Walk(child, relative + "/"))
                {
                    yield return below;
                }
            }
        }
    }

    private static string Sha256Of(string path, CancellationToken cancellationToken)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        using var hashing = new HashingStream(file);
        var buffer = new byte[1 << 16];
        while (hashing.Read(buffer) > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
        }

        return hashing.Complete().Sha256;
    }

    /// <summary>
    /// Null when <paramref name="destination"/> does not exist (and its parent is a folder), the mode of an existing empty
    /// folder; otherwise refused.
    /// </summary>
    private static UnixFileMode? CheckDestination(string destination)
    {
        var status = EntryStatus.Read(destination);
        if (status is null)
        {
            var parent = Path.GetDirectoryName(destination);
            if (parent is null || EntryStatus.Read(parent, followLinks: true) is not { Kind: EntryKind.Directory })
            {
                throw new BackupPsException("DestinationInvalid", FailureCategory.ObjectNotFound,
                    $"The folder {parent} that would hold {destination} does not exist; create it first, or choose another -Destination.")
                { Target = destination };
            }

            return null;
        }

        if (status.Value.Kind != EntryKind.Directory)
        {
            throw new BackupPsException("DestinationInvalid", FailureCategory.InvalidArgument,
                $"The destination {destination} is {status.Value.Describe()}, not a folder; a restore writes into a new or empty folder. Choose another -Destination.")
            { Target = destination };
        }

        if (Directory.EnumerateFileSystemEntries(destination, "*", Everything).Any())
        {
            throw new BackupPsException(DestinationNotEmptyErrorId, FailureCategory.ResourceExists,
                $"The destination {destination} is not empty, and a restore never writes over files; choose a new or empty -Destination, or use -Replace to swap the restored tree in (the old one is kept beside it).")
            { Target = destination };
        }

        return status.Value.Mode;
    }

    private static BackupPsException WriteFailed(string destination, Exception e) =>
        new(WriteFailedErrorId, StorageErrors.Errno(e) is LibC.EACCES or LibC.EPERM || e is UnauthorizedAccessException ? FailureCategory.PermissionDenied : FailureCategory.WriteError,
            $"Restoring into {destination} failed ({StorageErrors.Cause(e)}: {e.Message.TrimEnd('.')}), so what was written is removed. Free space or fix the permissions, and restore again.", e)
        { Target = destination };

    /// <summary>Removes what a failed restore wrote; not cancellable (it runs on the way out of a cancelled one).</summary>
    private static void Undo(string destination, UnixFileMode? emptyFolderMode, IOperationHost host)
    {
        try
        {
            if (emptyFolderMode is { } mode)
            {
                TreeRemoval.RemoveChildren(destination);
                File.SetUnixFileMode(destination, mode);
            }
            else
            {
                TreeRemoval.Remove(destination);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            host.WriteWarning($"What the failed restore wrote into {destination} could not all be removed ({StorageErrors.Cause(e)}); remove it by hand.");
        }
    }
}
