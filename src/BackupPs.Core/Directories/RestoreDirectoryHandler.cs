using System.Diagnostics;
using System.Globalization;
using BackupPs.Core.Catalog;
using BackupPs.Core.Commands;
using BackupPs.Core.Errors;
using BackupPs.Core.Files;
using BackupPs.Core.Hosting;
using BackupPs.Core.Restore;
using BackupPs.Core.Storage;

namespace BackupPs.Core.Directories;

/// <summary>
/// Restore-Directory: one backup (<see cref="StoredBackup.One"/>), into a new or empty folder (<see cref="FileSetRestore"/>),
/// or with -Replace into a sibling staging folder that is verified and then swapped in (<see cref="FolderSwap"/>). The
/// destination defaults to the folder the backup was taken from (SourcePaths[0]): after a loss it is missing or empty,
/// and an existing tree is never touched without -Replace.
/// </summary>
public sealed class RestoreDirectoryHandler : ICommandHandler<RestoreDirectoryOptions>
{
    private readonly TimeProvider _clock;

    public RestoreDirectoryHandler()
        : this(TimeProvider.System)
    {
    }

    internal RestoreDirectoryHandler(TimeProvider clock) => _clock = clock;

    public async Task ExecuteAsync(RestoreDirectoryOptions options, IOperationHost host, CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new BackupPsException("NotSupportedOnWindows", FailureCategory.InvalidOperation, "Restore-Directory restores Linux trees (owners, modes, links) and runs on Linux only.");
        }

        var backup = StoredBackup.Load(StoredBackup.One(options.Path ?? [], BackupKind.Directory, host), host).RequireKind(BackupKind.Directory, "Restore-Directory");
        var manifest = backup.Manifest;
        var destination = Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.Destination is null
            ? manifest.SourcePaths![0]
            : BackupPaths.NotBlank(options.Destination, "-Destination")));
        var replacing = options.Replace && Holds(destination);
        if (!replacing && Holds(destination))
        {
            throw new BackupPsException(FileSetRestore.DestinationNotEmptyErrorId, FailureCategory.ResourceExists,
                $"The destination {destination} is not empty, and Restore-Directory never writes over files; use -Replace to swap the restored tree in (the old one is kept as "
                + $"{Path.GetFileName(destination)}.before-<UTC stamp>), or choose a new or empty -Destination.")
            { Target = destination };
        }

        var started = _clock.GetUtcNow();
        var stamp = started.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var staging = $"{destination}.restoring-{stamp}";
        var previous = $"{destination}.before-{stamp}";
        var extractOptions = new ExtractOptions { AllowExternalLinks = options.AllowExternalLinks };
        var what = $"{manifest.FileCount} entries, {manifest.TotalBytes.ToString("N0", CultureInfo.InvariantCulture)} bytes of {backup.Path}"
            + (manifest.BaseFileName is null ? "" : $" (incremental on {manifest.BaseFileName})");
        var plan = replacing
            ? $"Restore {what} into {staging}, verify every file against the manifest, swap it with {destination} by rename, then "
                + (options.RemovePrevious ? "remove the replaced tree" : $"keep the replaced tree as {previous}")
            : $"Restore {what} into {(Path.Exists(destination) ? "the empty folder" : "the new folder")} {destination}, verify every file against the manifest";
        if (!host.ShouldProcess(destination, plan + (extractOptions.RestoreOwners ? ", with their recorded owners" : ", owned by you (not root: owners are not restored)")))
        {
            return;
        }

        var watch = Stopwatch.StartNew();
        host.WriteVerbose($"Restoring {backup.Path} (a {manifest.Environment} backup of {manifest.CatalogName}, taken {manifest.StartedUtc:u}) into {destination}{(replacing ? ", replacing it" : "")}.");
        using var progress = ProgressActivity.Start(host, $"Restoring {Path.GetFileName(backup.Path)} into {destination}", "Starting");
        var checks = await FileSetRestore.ExtractAsync(backup.Path, manifest, replacing ? staging : destination, extractOptions, host, progress, cancellationToken)
            .ConfigureAwait(false);
        string? kept = null;
        if (replacing)
        {
            kept = SwapIn(staging, destination, previous, host);
            if (options.RemovePrevious)
            {
                host.WriteVerbose($"Removing the replaced tree {kept} (-RemovePrevious).");
                TreeRemoval.Remove(kept);
                kept = null;
            }
        }

        host.WriteOutput(new DirectoryRestoreRecord
        {
            Path = backup.Path,
            Kind = manifest.Kind,
            Name = manifest.CatalogName,
            Environment = manifest.Environment,
            Destination = destination,
            Mode = replacing ? RestoreMode.Replace : RestoreMode.New,
            PreviousPath = kept,
            FileCount = manifest.FileCount,
            TotalBytes = manifest.TotalBytes,
            OwnersRestored = extractOptions.RestoreOwners,
            Checks = checks,
            StartedUtc = started,
            Elapsed = watch.Elapsed,
        });
    }

    /// <summary>True when <paramref name="path"/> is anything but a missing name or an empty folder (a file counts: it is refused later in words).</summary>
    private static bool Holds(string path) =>
        EntryStatus.Read(path) is { } status && (status.Kind != EntryKind.Directory || Directory.EnumerateFileSystemEntries(path).Any());

    /// <summary>The swap, after the staged tree was verified; not cancellable. On failure the staged tree is removed and the target is as it was.</summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static string SwapIn(string staging, string destination, string previous, IOperationHost host)
    {
        try
        {
            var kept = FolderSwap.Swap(staging, destination, previous);
            if (kept != previous)
            {
                host.WriteWarning($"The replaced tree could not be renamed to {previous}; it is kept as {kept}.");
            }

            return kept;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or BackupPsException)
        {
            TreeRemoval.Remove(staging);
            throw new BackupPsException(FileSetRestore.WriteFailedErrorId, FailureCategory.WriteError,
                $"The restored tree could not be swapped in for {destination} ({StorageErrors.Cause(e)}); {destination} is as it was, and the restored copy was removed. "
                + "A mount point cannot be replaced by rename: restore into an empty -Destination instead.", e)
            { Target = destination };
        }
    }
}
