using System.Formats.Tar;
using System.Security.Cryptography;
using BackupPs.Core.Catalog;
using BackupPs.Core.Compression;
using BackupPs.Core.Docker;
using BackupPs.Core.Errors;
using BackupPs.Core.Files;
using BackupPs.Core.Hosting;
using BackupPs.Core.Leftovers;
using BackupPs.Core.Storage;
using BackupPs.Core.Verification;

namespace BackupPs.Core.Volumes;

/// <summary>
/// Writes a volume backup's tree into a volume, one of the two ways of <see cref="VolumeReadThrough"/>, and proves the
/// result against the manifest. Nothing is written before the whole backup was proven (every byte against the manifest)
/// and its tree found safe (<see cref="ExtractionPlan"/>). Symbolic links are restored as links whatever they point at
/// (<see cref="ExtractOptions.AllowExternalLinks"/>): in a volume they name paths inside its containers, and a restore
/// never writes through one.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal static class VolumeWriter
{
    /// <summary>How volume restores extract: links as links, owners as recorded when root.</summary>
    private static readonly ExtractOptions Extract = new() { AllowExternalLinks = true };

    /// <summary>
    /// Writes <paramref name="artifactPath"/> into <paramref name="volume"/>: into its empty folder, or with
    /// <paramref name="replace"/> instead of what it holds. On failure the volume may hold part of either tree: the caller
    /// removes a new volume or puts the safety backup back.
    /// </summary>
    /// <param name="beforeReplacing">Called once the new tree is ready and before the old one is removed (a test seam for failures there); null in production.</param>
    /// <returns>The checks the backup passed on the way: its verification, and the comparison of the volume with the manifest.</returns>
    public static async Task<IReadOnlyList<BackupCheck>> WriteAsync(DockerClient docker, DockerVolume volume, string writeThrough, string artifactPath, BackupManifest manifest, bool replace,
        IReadOnlyList<VolumeUser> users, IOperationHost host, ProgressActivity? parent, CancellationToken cancellationToken, Func<Task>? beforeReplacing = null)
    {
        return writeThrough == VolumeReadThrough.Mountpoint
            ? await WriteIntoFolderAsync(volume, artifactPath, manifest, replace, host, parent, cancellationToken, beforeReplacing).ConfigureAwait(false)
            : await WriteThroughApiAsync(docker, volume, artifactPath, manifest, replace, users, host, parent, cancellationToken, beforeReplacing).ConfigureAwait(false);
    }

    /// <summary>
    /// As root on the Docker host: <see cref="FileSetRestore.ExtractAsync"/> straight into the empty folder of a new volume;
    /// for a replace, into a staging folder inside the volume (same file system), proven there, then the old entries
    /// removed, the new ones renamed up, and the root given the recorded owner, mode and mtime.
    /// </summary>
    private static async Task<IReadOnlyList<BackupCheck>> WriteIntoFolderAsync(DockerVolume volume, string artifactPath, BackupManifest manifest, bool replace, IOperationHost host,
        ProgressActivity? parent, CancellationToken cancellationToken, Func<Task>? beforeReplacing)
    {
        var folder = volume.Mountpoint;
        if (!replace)
        {
            host.WriteVerbose($"Writing the files into the folder of volume {volume.Name}, {folder}.");
            return await FileSetRestore.ExtractAsync(artifactPath, manifest, folder, Extract, host, parent, cancellationToken).ConfigureAwait(false);
        }

        var staging = Path.Combine(folder, OperationRun.Hold($".backupps-restore-{ResourceOwner.Current.Token}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant()}"));
        host.WriteVerbose($"Writing the files into {staging} inside volume {volume.Name}, then swapping them in.");
        IReadOnlyList<BackupCheck> verified;
        try
        {
            verified = await FileSetRestore.ExtractAsync(artifactPath, manifest, staging, Extract, host, parent, cancellationToken).ConfigureAwait(false);
            if (beforeReplacing is not null)
            {
                await beforeReplacing().ConfigureAwait(false);
            }

            cancellationToken.ThrowIfCancellationRequested();
            foreach (var old in Directory.EnumerateFileSystemEntries(folder).Where(p => p != staging).ToList())
            {
                TreeRemoval.Remove(old);
            }

            foreach (var entry in Directory.EnumerateFileSystemEntries(staging).ToList())
            {
                var moved = Path.Combine(folder, Path.GetFileName(entry));
                if (EntryStatus.Read(entry)?.Kind == EntryKind.Directory)
                {
                    Directory.Move(entry, moved);
                }
                else
                {
                    File.Move(entry, moved);
                }
            }

            Directory.Delete(staging);
            SetRoot(folder, manifest.Files!.Single(e => e.Path == "."));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BackupPsException(FileSetRestore.WriteFailedErrorId, FailureCategory.WriteError,
                $"Replacing the content of volume {volume.Name} in {folder} failed ({StorageErrors.Cause(e)}).", e)
            { Target = folder };
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                TreeRemoval.Remove(staging);
            }
        }

        var compare = FileSetRestore.CompareTree(folder, manifest, Extract.RestoreOwners, cancellationToken);
        return compare.Passed
            ? [.. verified.Where(c => c.Name != compare.Name), compare]
            : throw Differs(volume.Name, artifactPath, compare.Detail);
    }

    /// <summary>The recorded owner, mode and mtime of the tree's root, on the volume's own folder (its children were renamed in).</summary>
    private static void SetRoot(string folder, FileEntry root)
    {
        if (Extract.RestoreOwners && LibC.LChown(folder, (uint)root.Uid, (uint)root.Gid) != 0)
        {
            throw LibC.ErrnoException(System.Runtime.InteropServices.Marshal.GetLastPInvokeError(), $"Cannot give {folder} its recorded owner");
        }

        File.SetUnixFileMode(folder, (UnixFileMode)Convert.ToInt32(root.Mode, 8));
        Directory.SetLastWriteTimeUtc(folder, root.Modified.UtcDateTime);
    }

    /// <summary>
    /// Through the Engine API: the backup proven (prescan and every byte against the manifest), a read-write helper container,
    /// for a replace the volume emptied (<see cref="VolumeHelperContainer.EmptyVolumeAsync"/>), the tar streamed into
    /// <c>PUT /containers/{id}/archive</c> (the daemon keeps numeric owners, modes, links, sub-second mtimes and extended
    /// attributes of PAX records), its SHA-256 checked on the way, then read back and compared (<see cref="ArchiveTreeCheck"/>).
    /// </summary>
    private static async Task<IReadOnlyList<BackupCheck>> WriteThroughApiAsync(DockerClient docker, DockerVolume volume, string artifactPath, BackupManifest manifest, bool replace,
        IReadOnlyList<VolumeUser> users, IOperationHost host, ProgressActivity? parent, CancellationToken cancellationToken, Func<Task>? beforeReplacing)
    {
        if (manifest.BaseFileName is not null)
        {
            throw new BackupPsException(FileSetRestore.BackupDamagedErrorId, FailureCategory.InvalidData,
                $"{artifactPath} is an incremental backup, which Restore-Volume writes only as root on the Docker host; run it there.")
            { Target = artifactPath };
        }

        ExtractionPlan.Build(artifactPath, manifest, Extract);
        using var progress = ProgressActivity.Start(host, $"Restoring {Path.GetFileName(artifactPath)} into volume {volume.Name}", "verifying the backup", parent);
        host.WriteVerbose($"Verifying {artifactPath} before anything is written.");
        var checks = await FileSetVerifier.VerifyAsync(artifactPath, manifest, read => progress.Bytes(read, manifest.SizeBytes, "verified"), cancellationToken).ConfigureAwait(false);
        if (checks.Where(c => !c.Passed).ToArray() is { Length: > 0 } failed)
        {
            throw new BackupPsException(FileSetRestore.BackupDamagedErrorId, FailureCategory.InvalidData,
                $"{artifactPath} failed {failed.Length} check(s), so nothing was written: {string.Join("; ", failed.Select(c => $"{c.Name}: {c.Detail.TrimEnd('.')}"))}. Restore another backup.")
            { Target = artifactPath };
        }

        if (beforeReplacing is not null)
        {
            await beforeReplacing().ConfigureAwait(false);
        }

        if (replace)
        {
            progress.Status("removing the volume's current content");
            await VolumeHelperContainer.EmptyVolumeAsync(docker, volume.Name, users, host, cancellationToken).ConfigureAwait(false);
        }

        await using var helper = await VolumeHelperContainer.CreateAsync(docker, volume.Name, readWrite: true, users, host, cancellationToken).ConfigureAwait(false);
        progress.Status("writing the files through the Docker API");
        host.WriteVerbose($"Writing the files into volume {volume.Name} through the archive endpoint of {helper.Name}.");
        string sha256;
        await using (var file = File.OpenRead(artifactPath))
        {
            using var hashing = new HashingStream(file);
            await using var tar = CompressionStreams.OpenDecompressor(hashing, artifactPath);
            await docker.PutArchiveAsync(helper.Id, VolumeHelperContainer.MountPath, tar, cancellationToken).ConfigureAwait(false);
            // What the daemon did not read (tar's end padding) still belongs to the file that was verified.
            await hashing.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
            sha256 = hashing.Complete().Sha256;
        }

        if (sha256 != manifest.Sha256)
        {
            throw new BackupPsException(TreeExtraction.ChangedErrorId, FailureCategory.InvalidData,
                $"{artifactPath} changed while it was restored (its SHA-256 is no longer the one verified); what was written is not trusted. Restore again from a backup nobody writes to.")
            { Target = artifactPath };
        }

        // The daemon skips a tar's "./" entry when extracting into a folder, so the volume's root gets its recorded owner,
        // mode and mtime from an entry naming it from above, extracted into the helper's "/" after everything else.
        using (var root = new MemoryStream())
        {
            var recorded = manifest.Files!.Single(e => e.Path == ".");
            using (var writer = new TarWriter(root, TarEntryFormat.Pax, leaveOpen: true))
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, VolumeHelperContainer.MountPath.TrimStart('/') + "/")
                {
                    Mode = (UnixFileMode)Convert.ToInt32(recorded.Mode, 8),
                    Uid = (int)recorded.Uid,
                    Gid = (int)recorded.Gid,
                    ModificationTime = recorded.Modified,
                });
            }

            root.Position = 0;
            await docker.PutArchiveAsync(helper.Id, "/", root, cancellationToken).ConfigureAwait(false);
        }

        progress.Status("reading the restored files back");
        await using var archive = await docker.GetArchiveAsync(helper.Id, VolumeHelperContainer.MountPath, cancellationToken).ConfigureAwait(false);
        var compare = ArchiveTreeCheck.Compare(new ArchiveSourceEntries().Read(archive, null, $"volume {volume.Name}", host), manifest, cancellationToken);
        return compare.Passed ? [.. checks, compare] : throw Differs(volume.Name, artifactPath, compare.Detail);
    }

    private static BackupPsException Differs(string volume, string artifactPath, string detail) =>
        new(FileSetRestore.TreeDiffersErrorId, FailureCategory.InvalidData,
            $"The files restored into volume {volume} differ from the manifest of {artifactPath} ({detail.TrimEnd('.')}).")
        { Target = volume };
}
