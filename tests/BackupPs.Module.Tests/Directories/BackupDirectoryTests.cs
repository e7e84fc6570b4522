using System.Management.Automation;
using BackupPs.Module.Tests.Infrastructure;

namespace BackupPs.Module.Tests.Directories;

/// <summary>Backup-Directory in a real runspace: pipeline binding, the PowerShell location, per-file errors, -WhatIf and Ctrl+C.</summary>
public sealed class BackupDirectoryTests : IDisposable
{
    private readonly ModuleSession _session = ModuleSession.Start();
    private readonly string _root = Directory.CreateTempSubdirectory("backupps-directory-").FullName;

    public BackupDirectoryTests()
    {
        foreach (var folder in new[] { "photos", "pdfs" })
        {
            Directory.CreateDirectory(Path.Combine(_root, "storage", folder));
            File.WriteAllText(Path.Combine(_root, "storage", folder, "a.bin"), folder);
        }
    }

    private string Store => Path.Combine(_root, "store");

    public void Dispose()
    {
        _session.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private static string[] Names(SessionResult result) => result.Output.Select(r => (string)r.Properties["Name"].Value).Order().ToArray();

    [Fact]
    public void PipedFoldersAreBackedUpOneByOneIntoTheStoreGiven()
    {
        var result = _session.Invoke("Get-ChildItem $args[0] -Directory | Backup-Directory -Environment prod -Path $args[1]", Path.Combine(_root, "storage"), Store)
            .AssertSucceeded();

        Assert.Equal(["pdfs", "photos"], Names(result));
        Assert.All(result.Output, r => Assert.Equal("Directory", r.Properties["Kind"].Value.ToString()));
        Assert.All(result.Output, r => Assert.StartsWith(Path.Combine(Store, "prod", "directory"), (string)r.Properties["Path"].Value, StringComparison.Ordinal));
    }

    [Fact]
    public void RelativePathsResolveAgainstTheLocationAndTheDefaultStoreIsBackups()
    {
        var result = _session.Invoke("Set-Location $args[0]; Backup-Directory storage/photos -Environment dev", _root).AssertSucceeded();

        var record = Assert.Single(result.Output);
        Assert.Equal([Path.Combine(_root, "storage", "photos")], ((IEnumerable<string>)record.Properties["SourcePaths"].Value).ToArray());
        Assert.StartsWith(Path.Combine(_root, "backups", "dev", "directory", "photos"), (string)record.Properties["Path"].Value, StringComparison.Ordinal);
    }

    [Fact]
    public void ASkippedFifoIsANonTerminatingErrorAndTheBackupIsStillWritten()
    {
        var fifo = Path.Combine(_root, "storage", "photos", "queue");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo])!)
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        var result = _session.Invoke("Backup-Directory $args[0] -Environment prod -Path $args[1]", Path.Combine(_root, "storage", "photos"), Store);

        Assert.Null(result.Terminating);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("SpecialFileSkipped", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(fifo, error.TargetObject);
        Assert.Single(result.Output);
    }

    [Fact]
    public void NameWithSeveralPipedFoldersIsRefusedBeforeAnythingIsWritten()
    {
        var result = _session.Invoke("Get-ChildItem $args[0] -Directory | Backup-Directory -Environment prod -Path $args[1] -Name both", Path.Combine(_root, "storage"), Store);

        Assert.Empty(result.Output);
        Assert.Contains("NameWithSeveralSources", result.TerminatingRecord?.FullyQualifiedErrorId ?? string.Join(",", result.Errors.Select(e => e.FullyQualifiedErrorId)));
        Assert.False(Directory.Exists(Store));
    }

    [Fact]
    public void WhatIfWritesNothing()
    {
        var result = _session.Invoke("Backup-Directory $args[0] -Environment prod -Path $args[1] -WhatIf", Path.Combine(_root, "storage", "photos"), Store).AssertSucceeded();

        Assert.Empty(result.Output);
        Assert.Contains(result.HostLines, l => l.Contains("What if", StringComparison.Ordinal) && l.Contains("photos", StringComparison.Ordinal));
        Assert.False(Directory.Exists(Store));
    }

    [Fact]
    public void StoppingWhileArchivingLeavesNothingThatLooksLikeABackup()
    {
        // A large sparse file: quick to make, and it takes the archiver long enough to be stopped in the middle.
        var big = Path.Combine(_root, "storage", "photos", "big.raw");
        using (var file = File.Create(big))
        {
            file.SetLength(4L << 30);
        }

        var result = _session.InvokeAndStop("Backup-Directory $args[0] -Environment prod -Path $args[1]",
            record => record is ProgressRecord { StatusDescription: var status } && status.Contains("archived", StringComparison.Ordinal),
            Path.Combine(_root, "storage", "photos"), Store);

        Assert.True(result.Stopped);
        Assert.Empty(result.Output);
        Assert.Empty(Directory.Exists(Store) ? Directory.EnumerateFileSystemEntries(Store, "*", SearchOption.AllDirectories).Where(p => !Directory.Exists(p)) : []);
        Assert.False(Directory.Exists(Path.Combine(Store, "prod", "directory", "photos")));
    }
}
