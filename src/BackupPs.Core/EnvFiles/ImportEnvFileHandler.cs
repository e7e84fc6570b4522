using BackupPs.Core.Catalog;
using BackupPs.Core.Commands;
using BackupPs.Core.Errors;
using BackupPs.Core.Files;
using BackupPs.Core.Hosting;
using BackupPs.Core.Restore;
using BackupPs.Core.Storage;

namespace BackupPs.Core.EnvFiles;

/// <summary>
/// Import-EnvFile. The backup is proven whole before the first file is written (<see cref="EnvFileArtifact"/>); then
/// each file is compared with the one it replaces (names only) and put in place by <see cref="EnvFileReplacement"/>.
/// A file that cannot be written is an error of its own; the others go on.
/// </summary>
public sealed class ImportEnvFileHandler : ICommandHandler<ImportEnvFileOptions>
{
    private readonly TimeProvider _clock;

    public ImportEnvFileHandler()
        : this(TimeProvider.System)
    {
    }

    /// <param name="clock">Names the copies of replaced files (tests pin it).</param>
    internal ImportEnvFileHandler(TimeProvider clock) => _clock = clock;

    public async Task ExecuteAsync(ImportEnvFileOptions options, IOperationHost host, CancellationToken cancellationToken)
    {
        var backup = StoredBackup.Load(StoredBackup.One(options.Path ?? [], BackupKind.EnvFile, host), host).RequireKind(BackupKind.EnvFile, "Import-EnvFile");
        var destination = options.Destination is null ? null : SecureDirectory.FullPath(options.Destination, "-Destination");
        var manifest = backup.Manifest;
        host.WriteVerbose($"Importing {backup.Path} (a {manifest.Environment} backup of {manifest.FileCount} .env file(s), taken {manifest.StartedUtc:u}) "
            + (destination is null ? "to the recorded paths." : $"under {destination}."));

        using var progress = ProgressActivity.Start(host, $"Importing {Path.GetFileName(backup.Path)}", "Proving the backup");
        var files = await EnvFileArtifact.ReadAsync(backup, read => progress.Bytes(read, manifest.SizeBytes, "proven"), cancellationToken).ConfigureAwait(false);
        try
        {
            host.WriteVerbose($"The backup's SHA-256 and each of its {files.Count} file(s) match its manifest.");
            var asRoot = EntryStatus.CurrentUser == 0;
            for (var i = 0; i < files.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress.Items(i, files.Count, "files");
                try
                {
                    if (Import(backup, files[i], destination, asRoot, host) is { } record)
                    {
                        host.WriteOutput(record);
                    }
                }
                catch (BackupPsException e)
                {
                    host.WriteError(e);
                }
            }

            progress.Items(files.Count, files.Count, "files");
        }
        finally
        {
            EnvFileArtifact.Forget(files);
        }
    }

    /// <summary>One file: compared, confirmed, written. Null when the confirmation said no (or -WhatIf).</summary>
    private EnvFileImportRecord? Import(StoredBackup backup, EnvFileContent file, string? destination, bool asRoot, IOperationHost host)
    {
        var entry = file.Entry;
        var recorded = "/" + entry.Path;
        var target = destination is null ? recorded : Path.Combine(destination, entry.Path);
        var current = ReadCurrent(target);
        try
        {
            var difference = DotEnvParser.Compare(current?.Content ?? [], file.Content);
            var mode = ManifestEntryMatch.Mode(entry);
            (uint Uid, uint Gid)? owner = asRoot ? ((uint)entry.Uid, (uint)entry.Gid) : null;
            EnvFileImportRecord Record(EnvFileImportAction action, string? copy, EntryStatus final) => new()
            {
                Path = backup.Path,
                Environment = backup.Manifest.Environment,
                File = target,
                RecordedPath = recorded,
                Action = action,
                PreviousCopy = copy,
                Mode = ManifestEntryMatch.ModeText(final.Mode),
                Uid = final.Owner,
                Gid = final.Group,
                Added = difference.Added,
                Removed = difference.Removed,
                Changed = difference.Changed,
            };

            if (current is { } now && now.Content.AsSpan().SequenceEqual(file.Content) && now.Status.Mode == mode
                && (owner is null || (now.Status.Owner, now.Status.Group) == owner.Value))
            {
                host.WriteVerbose($"{target} already has the backup's content, mode and owner; left as it is.");
                return Record(EnvFileImportAction.Unchanged, null, now.Status);
            }

            if (!host.ShouldProcess(target, Plan(file, current is not null, difference, asRoot)))
            {
                return null;
            }

            if (!asRoot && (entry.Uid != EntryStatus.CurrentUser))
            {
                host.WriteVerbose($"{target} was owned by {entry.Uid}:{entry.Gid}; not running as root, it gets this user as its owner.");
            }

            EnvFileReplacement.Result written;
            try
            {
                written = EnvFileReplacement.Write(target, file.Content, mode, owner, entry.Modified, current?.Content, _clock.GetUtcNow());
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new BackupPsException("EnvFileNotWritten", e is UnauthorizedAccessException ? FailureCategory.PermissionDenied : FailureCategory.WriteError,
                    $"{target} could not be written ({StorageErrors.Cause(e)}); it is as it was. Check the folder's permissions and free space, or import under -Destination.", e)
                { Target = target };
            }

            foreach (var folder in written.CreatedFolders)
            {
                host.WriteVerbose($"Created {folder} (mode 0700).");
            }

            host.WriteVerbose(written.PreviousCopy is null ? $"Wrote {target}." : $"Replaced {target}; the file it replaced is kept as {written.PreviousCopy}.");
            // What the file has now, as the file system says (a non-root import gives it this user's owner).
            var final = EntryStatus.Read(target) ?? throw NotReplaceable(target, "it was removed right after it was written");
            return Record(current is null ? EnvFileImportAction.Created : EnvFileImportAction.Replaced, written.PreviousCopy, final);
        }
        finally
        {
            if (current is { } read)
            {
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(read.Content);
            }
        }
    }

    /// <summary>The file at <paramref name="target"/> now, or null when there is none; anything but a regular file is refused.</summary>
    private static (EntryStatus Status, byte[] Content)? ReadCurrent(string target)
    {
        EntryStatus? status;
        try
        {
            status = EntryStatus.Read(target);
        }
        catch (IOException e)
        {
            throw NotReplaceable(target, $"its status cannot be read ({StorageErrors.Cause(e)})", e);
        }

        if (status is not { } found)
        {
            return null;
        }

        if (found.Kind != EntryKind.RegularFile)
        {
            var link = found.Kind == EntryKind.SymbolicLink ? $" to {new FileInfo(target).LinkTarget}" : "";
            throw NotReplaceable(target, $"it is {found.Describe()}{link}, not a .env file. BackupPs replaces regular files only (a backup of a linked .env records the file the link pointed to)");
        }

        if (found.Size > EnvFileArtifact.MaxFileBytes)
        {
            throw NotReplaceable(target, $"it is {found.Size} bytes, more than a .env file BackupPs handles ({EnvFileArtifact.MaxFileBytes})");
        }

        try
        {
            using var stream = StoreFile.OpenIfUnchanged(target, found, bufferSize: 0) ?? throw NotReplaceable(target, "it changed while it was read");
            var content = new byte[found.Size];
            stream.ReadExactly(content);
            return (found, content);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw NotReplaceable(target, $"it cannot be read to compare it with the backup ({StorageErrors.Cause(e)})", e);
        }
    }

    /// <summary>What will happen to one file, names only: the confirmation's and -WhatIf's text.</summary>
    private static string Plan(EnvFileContent file, bool exists, DotEnvDifference difference, bool asRoot)
    {
        static string Names(IReadOnlyList<string> names) => names.Count == 0 ? "none" : string.Join(", ", names);
        var entry = file.Entry;
        var owner = asRoot ? $", owner {entry.Uid}:{entry.Gid}" : "";
        return exists
            ? $"Replace the .env file with the backup's (mode {entry.Mode}{owner}), keeping the current file as <file>.before-<UTC stamp>. "
                + $"Variables added: {Names(difference.Added)}; removed: {Names(difference.Removed)}; changed: {Names(difference.Changed)}"
            : $"Create the .env file from the backup (mode {entry.Mode}{owner}). Variables: {Names(difference.Added)}";
    }

    private static BackupPsException NotReplaceable(string target, string why, Exception? inner = null) =>
        new("EnvFileNotReplaceable", FailureCategory.InvalidOperation, $"{target} is not replaced: {why}.", inner) { Target = target };
}
