using System.Diagnostics;
using BackupPs.Core.Catalog;
using BackupPs.Core.Commands;
using BackupPs.Core.Docker;
using BackupPs.Core.Errors;
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

    public async Task ExecuteAsync(TestBackupOptions options, IOperationHost host, CancellationToken cancellationToken)
    {
        if (!options.Restore && (options.Isolated || options.Container is not null || options.Query is not null || options.Expected is not null))
        {
            throw new BackupPsException("DrillOptionWithoutRestore", FailureCategory.InvalidArgument,
                "-Isolated, -Container, -Query and -Expected belong to the restore drill; add -Restore.");
        }

        var path = StoredBackup.RequireFile(options.Path!);

        var watch = Stopwatch.StartNew();
        var manifestPath = BackupNames.ManifestPathFor(path);
        BackupManifest? manifest = null;
        List<BackupCheck> checks;
        DrillResult? drill = null;
        try
        {
            manifest = ManifestStore.Read(manifestPath);
            // A drill runs the backup's SQL in a server: refused like a restore when anyone could have planted it.
            new StoreTrust(host).Check(path, manifestPath, BackupNames.StoreRootOf(path, manifest), refuseUnsafe: options.Restore);
            checks = [new BackupCheck("Manifest", true, manifestPath)];
            if (options.Restore && new FileInfo(path).Length == manifest.SizeBytes)
            {
                using var docker = _connect();
                drill = await RestoreDrill.RunAsync(docker, new StoredBackup(path, manifest), options, _clock, host, cancellationToken).ConfigureAwait(false);
                checks.AddRange(drill.Checks);
            }
            else
            {
                using var progress = new ProgressReporter(host, 2, $"Testing {path}", new FileInfo(path).Length);
                checks.AddRange(await ArtifactVerifier.VerifyAsync(path, System.IO.Path.GetFileName(path), manifest, progress.Report, cancellationToken).ConfigureAwait(false));
                if (options.Restore)
                {
                    checks.Add(new BackupCheck("Restore", false, "not attempted: the file is not the size its manifest records"));
                }
            }
        }
        catch (BackupPsException e) when (e.ErrorId is "ManifestNotFound" or "ManifestInvalid" or StoreFile.NotRegularErrorId)
        {
            checks = [new BackupCheck("Manifest", false, e.Message)];
        }

        var result = new TestBackupResult
        {
            Path = path,
            Environment = manifest?.Environment,
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
                $"Backup {path} failed {failed.Length} check(s): {string.Join("; ", failed.Select(c => $"{c.Name}: {c.Detail}"))}")
            { Target = path });
        }
    }
}
