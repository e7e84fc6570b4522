using System.Diagnostics;
using BackupPs.Core.Catalog;
using BackupPs.Core.Commands;
using BackupPs.Core.Docker;
using BackupPs.Core.Errors;
using BackupPs.Core.Files;
using BackupPs.Core.Hosting;
using BackupPs.Core.Restore;
using BackupPs.Core.Storage;

namespace BackupPs.Core.Verification;

/// <summary>
/// Test-Backup: emits one result per backup with a row per check, then a non-terminating error
/// when any check failed, so both `.Passed` and -ErrorAction work. Without -Restore it proves the
/// file (<see cref="ArtifactVerifier"/>); with -Restore it runs a full drill (<see cref="RestoreDrill"/>),
/// whose restore makes the same file checks on the bytes it restores.
/// </summary>
public sealed class TestBackupHandler : ICommandHandler<TestBackupOptions>
{
    /// <summary>The ErrorId of a database drill's option (-Container, -Query, ...) given with -Restore for a file set backup.</summary>
    public const string DatabaseDrillOptionErrorId = "DrillOptionNotForFileSet";

    /// <summary>The ErrorId for -Expected without -Query.</summary>
    public const string ExpectedWithoutQueryErrorId = "ExpectedWithoutQuery";

    private readonly Func<DockerClient> _connect;
    private readonly TimeProvider _clock;

    public TestBackupHandler()
        : this(() => new DockerClient(), TimeProvider.System)
    {
    }

    internal TestBackupHandler(Func<DockerClient> connect, TimeProvider clock)
    {
        _connect = connect;
        _clock = clock;
    }

    /// <summary>Tests every backup -Path names (files, manifests, folders: <see cref="BackupPaths.Files"/>); one that cannot be tested is an error, and the next is tested.</summary>
    public async Task ExecuteAsync(TestBackupOptions options, IOperationHost host, CancellationToken cancellationToken)
    {
        // -Expected is what -Query must return; alone it would be silently ignored. A parameter set cannot say this
        // (Requires names switches), so it is refused here, before any backup, as ending the whole invocation.
        if (options.Expected is not null && options.Query is null)
        {
            throw new BackupPsException(ExpectedWithoutQueryErrorId, FailureCategory.InvalidArgument,
                "-Expected is what -Query must return, and no -Query was given; add -Query with the SQL to check, or leave -Expected out.");
        }

        foreach (var given in options.Path ?? [])
        {
            try
            {
                foreach (var path in BackupPaths.Files(given, host))
                {
                    try
                    {
                        await TestAsync(StoredBackup.RequireFile(path), options, host, cancellationToken).ConfigureAwait(false);
                    }
                    catch (BackupPsException e) when (e.Category != FailureCategory.InvalidArgument)
                    {
                        host.WriteError(e);
                    }
                }
            }
            catch (BackupPsException e) when (e.Category != FailureCategory.InvalidArgument)
            {
                host.WriteError(e);
            }
        }
    }

    private async Task TestAsync(string path, TestBackupOptions options, IOperationHost host, CancellationToken cancellationToken)
    {

        var watch = Stopwatch.StartNew();
        var manifestPath = BackupNames.ManifestPathFor(path);
        BackupManifest? manifest = null;
        List<BackupCheck> checks;
        DrillResult? drill = null;
        // Steps: the manifest, then the file (hash, decompression, structure, rows in it), or with -Restore those of the drill.
        using var progress = ProgressActivity.Start(host, $"Testing {System.IO.Path.GetFileName(path)}", "Starting");
        try
        {
            progress.Step(1, options.Restore ? RestoreDrill.Steps : 2, "reading the manifest");
            host.WriteVerbose($"Reading the manifest {manifestPath}.");
            manifest = ManifestStore.Read(manifestPath);
            // A drill runs the backup's SQL in a server: refused like a restore when anyone could have planted it.
            new StoreTrust(host).Check(path, manifestPath, BackupNames.StoreRootOf(path, manifest), refuseUnsafe: options.Restore);
            checks = [new BackupCheck("Manifest", true, manifestPath)];
            if (manifest.Kind != BackupKind.Database)
            {
                if (options.Restore)
                {
                    RequireFileSetDrill(path, manifest, options);
                }

                if (options.Restore && !(manifest.Kind == BackupKind.Volume
                        ? host.ShouldProcess("a throwaway Docker volume",
                            $"Restore drill of {path}: restore it into a throwaway volume, compare every entry with the manifest, then remove the volume")
                        : host.ShouldProcess($"a throwaway folder under {System.IO.Path.GetTempPath()}",
                            $"Restore drill of {path}: restore it into a throwaway folder, compare every entry with the manifest, then remove it")))
                {
                    // -WhatIf or a No: as for a database drill, nothing runs and nothing is reported for this backup.
                    return;
                }

                drill = await TestFileSetAsync(path, manifest, options, checks, _connect, host, progress, cancellationToken).ConfigureAwait(false);
            }
            else if (options.Restore && new FileInfo(path).Length == manifest.SizeBytes)
            {
                if (!host.ShouldProcess(DrillTarget(options, manifest), $"Restore drill of {path}: restore it into a throwaway database, compare its rows with the manifest"
                    + (options.Query is null ? "" : " and run -Query") + ", then drop it"))
                {
                    // -WhatIf or a No: the drill would touch a server, so nothing runs and nothing is reported for this backup.
                    return;
                }

                using var docker = _connect();
                drill = await RestoreDrill.RunAsync(docker, new StoredBackup(path, manifest), options, _clock, host, progress, cancellationToken).ConfigureAwait(false);
                checks.AddRange(drill.Checks);
            }
            else
            {
                progress.Step(2, 2, "checking the file: hash, decompression, structure and rows");
                host.WriteVerbose($"Checking {path}: its SHA-256, its {manifest.Compression} stream, its {manifest.Format} dump structure and its rows against the manifest.");
                var size = new FileInfo(path).Length;
                using (var reading = progress.Child($"Reading {System.IO.Path.GetFileName(path)}", "Starting"))
                {
                    checks.AddRange(await ArtifactVerifier.VerifyAsync(path, System.IO.Path.GetFileName(path), manifest, read => reading.Bytes(read, size, "checked"), cancellationToken)
                        .ConfigureAwait(false));
                }

                if (options.Restore)
                {
                    checks.Add(new BackupCheck("Restore", false, "not attempted: the file is not the size its manifest records"));
                }
            }
        }
        catch (BackupPsException e) when (e.ErrorId is "ManifestNotFound" or "ManifestInvalid" or StoreFile.NotRegularErrorId)
        {
            host.WriteVerbose($"The manifest cannot be used, so the file is not checked: {e.Message}");
            checks = [new BackupCheck("Manifest", false, e.Message)];
        }

        foreach (var check in checks)
        {
            host.WriteVerbose($"Check {check.Name}: {(check.Passed ? "passed" : "FAILED")} ({check.Detail.TrimEnd('.')}).");
        }

        host.WriteVerbose($"Tested {path} in {watch.Elapsed.TotalSeconds:0.0} s: {(checks.All(c => c.Passed) ? "every check passed" : $"{checks.Count(c => !c.Passed)} check(s) failed")}.");

        var result = new TestBackupResult
        {
            Path = path,
            Environment = manifest?.Environment,
            Kind = manifest?.Kind,
            Name = manifest?.CatalogName,
            Database = manifest?.Database,
            Passed = checks.All(c => c.Passed),
            Checks = checks,
            Elapsed = watch.Elapsed,
            RestoreElapsed = drill?.RestoreDuration,
            RestoredInto = drill?.RestoredInto,
        };
        host.WriteOutput(result);
        if (!result.Passed)
        {
            var failed = checks.Where(c => !c.Passed).ToArray();
            host.WriteError(new BackupPsException("BackupTestFailed", FailureCategory.InvalidData,
                $"Backup {path} failed {failed.Length} check(s): {string.Join("; ", failed.Select(c => $"{c.Name}: {c.Detail.TrimEnd('.')}"))}.")
            { Target = path });
        }
    }

    /// <summary>
    /// A file set (EnvFile, Directory, Volume): <see cref="FileSetVerifier"/>'s checks, or with -Restore a drill into a
    /// throwaway folder (<see cref="FileSetDrill"/>) or, for a volume, a throwaway volume (<see cref="Volumes.VolumeDrill"/>),
    /// after <see cref="RequireFileSetDrill"/> and the confirmation. Adds the
    /// checks to <paramref name="checks"/>; returns the drill's result or null.
    /// </summary>
    /// <param name="connect">Reaches the Docker daemon (the volume drill only).</param>
    private static async Task<DrillResult?> TestFileSetAsync(string path, BackupManifest manifest, TestBackupOptions options, List<BackupCheck> checks,
        Func<DockerClient> connect, IOperationHost host, ProgressActivity progress, CancellationToken cancellationToken)
    {
        if (!options.Restore)
        {
            progress.Step(2, 2, "checking the file: hash, decompression, every entry, the chain");
            host.WriteVerbose($"Checking {path}: its SHA-256, its {manifest.Compression} stream, every tar entry against the manifest's {manifest.FileCount} entries, "
                + $"{(manifest.BaseFileName is null ? "no chain (a full backup)" : "and the earlier backups it builds on")}.");
            using var reading = progress.Child($"Reading {System.IO.Path.GetFileName(path)}", "Starting");
            checks.AddRange(await FileSetVerifier.VerifyAsync(path, manifest, read => reading.Bytes(read, manifest.SizeBytes, "checked"), cancellationToken).ConfigureAwait(false));
            return null;
        }

        if (OperatingSystem.IsWindows())
        {
            throw new BackupPsException("NotSupportedOnWindows", FailureCategory.InvalidOperation,
                $"{path} is a {manifest.Kind} backup: restoring one (owners, modes, links) needs Linux.")
            { Target = path };
        }

        if (manifest.Kind == BackupKind.Volume)
        {
            using var docker = connect();
            var volumeDrill = await Volumes.VolumeDrill.RunAsync(docker, new StoredBackup(path, manifest), host, progress, cancellationToken).ConfigureAwait(false);
            checks.AddRange(volumeDrill.Checks);
            return volumeDrill;
        }

        var drill = await FileSetDrill.RunAsync(new StoredBackup(path, manifest), host, progress, cancellationToken).ConfigureAwait(false);
        checks.AddRange(drill.Checks);
        return drill;
    }

    /// <summary>
    /// Refuses, before the confirmation, a drill of a file set that cannot run as asked: the -Restore options that only
    /// concern a database drill would be ignored.
    /// </summary>
    private static void RequireFileSetDrill(string path, BackupManifest manifest, TestBackupOptions options)
    {
        var databaseOnly = new (bool Given, string Name)[]
        {
            (options.Isolated, "-Isolated"), (options.Container is not null, "-Container"), (options.Query is not null, "-Query"),
            (options.Expected is not null, "-Expected"), (options.Credential is not null, "-Credential"),
        }.Where(o => o.Given).Select(o => o.Name).ToArray();
        if (databaseOnly.Length > 0)
        {
            throw new BackupPsException(DatabaseDrillOptionErrorId, FailureCategory.InvalidOperation,
                $"{path} is a {manifest.Kind} backup, and {string.Join(", ", databaseOnly)} only concern(s) the drill of a database backup; "
                + "drill it with -Restore alone (it is restored into a throwaway folder and compared file by file).")
            { Target = path };
        }

    }

    /// <summary>Where the drill would restore, for the confirmation: the container it would use, or a throwaway one.</summary>
    private static string DrillTarget(TestBackupOptions options, BackupManifest manifest) =>
        options.Isolated
            ? $"a throwaway container from image {manifest.Image}"
            : $"container {options.Container ?? manifest.Container ?? $"of {manifest.ComposeProject}/{manifest.ComposeService}"}";
}
