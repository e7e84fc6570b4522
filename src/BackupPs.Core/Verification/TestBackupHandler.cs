using System.Diagnostics;
using BackupPs.Core.Catalog;
using BackupPs.Core.Commands;
using BackupPs.Core.Errors;
using BackupPs.Core.Hosting;

namespace BackupPs.Core.Verification;

/// <summary>
/// Test-Backup (integrity): emits one result per backup with a row per check, then a
/// non-terminating error when any check failed, so both `.Passed` and -ErrorAction work.
/// </summary>
public sealed class TestBackupHandler : ICommandHandler<TestBackupOptions>
{
    public async Task ExecuteAsync(TestBackupOptions options, IOperationHost host, CancellationToken cancellationToken)
    {
        var path = System.IO.Path.GetFullPath(options.Path!);
        if (!File.Exists(path))
        {
            throw new BackupPsException("BackupFileNotFound", FailureCategory.ObjectNotFound,
                $"No backup file at {path}; Get-Backup lists the backups that exist.")
            { Target = path };
        }

        var watch = Stopwatch.StartNew();
        var manifestPath = BackupNames.ManifestPathFor(path);
        BackupManifest? manifest = null;
        IReadOnlyList<BackupCheck> checks;
        try
        {
            manifest = ManifestStore.Read(manifestPath);
            using var progress = new ProgressReporter(host, 2, $"Testing {path}", new FileInfo(path).Length);
            checks = [new BackupCheck("Manifest", true, manifestPath),
                .. await ArtifactVerifier.VerifyAsync(path, System.IO.Path.GetFileName(path), manifest, progress.Report, cancellationToken).ConfigureAwait(false)];
        }
        catch (BackupPsException e) when (e.ErrorId is "ManifestNotFound" or "ManifestInvalid")
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
            Duration = watch.Elapsed,
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
