using BackupPs.Module.Tests.Infrastructure;

namespace BackupPs.Module.Tests.Parameters;

/// <summary>
/// The source path role on the real commands that have one (Backup-Directory first): Get-Item/Get-ChildItem output and
/// provider paths are what is backed up, a piped item never becomes the store, and a non-file-system path is refused.
/// The generated binding itself is covered on a test-only command (Generator/SourcePathTests).
/// </summary>
public sealed class SourcePathCommandTests : IDisposable
{
    private readonly ModuleSession _session = ModuleSession.Start();
    private readonly string _root = Directory.CreateTempSubdirectory("bps-source-cmd-").FullName;

    public SourcePathCommandTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "app", "certs", "live"));
        File.WriteAllText(Path.Combine(_root, "app", "certs", "live", "cert.pem"), "certificate");
    }

    public void Dispose()
    {
        _session.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public void AFolderFromGetItemIsBackedUpIntoTheStoreNamedByPath()
    {
        var result = _session.Invoke("Get-Item $args[0] | Backup-Directory -Environment prod -Path $args[1]",
            Path.Combine(_root, "app", "certs"), Path.Combine(_root, "store")).AssertSucceeded();
        var record = Assert.Single(result.Output);
        Assert.StartsWith(Path.Combine(_root, "store", "prod", "directory", "certs") + "/", (string)record.Properties["Path"].Value, StringComparison.Ordinal);
        Assert.Equal([Path.Combine(_root, "app", "certs")], (IEnumerable<string>)record.Properties["SourcePaths"].Value);
    }

    [Fact]
    public void APipedFolderNeverBecomesTheStore()
    {
        var result = _session.Invoke("Set-Location $args[1]; Get-Item $args[0] | Backup-Directory -Environment dev",
            Path.Combine(_root, "app", "certs"), _root).AssertSucceeded();
        Assert.StartsWith(Path.Combine(_root, "backups", "dev", "directory", "certs") + "/", (string)Assert.Single(result.Output).Properties["Path"].Value, StringComparison.Ordinal);
    }

    [Fact]
    public void RelativeAndProviderQualifiedSourcePathsResolveAndOtherProvidersAreRefused()
    {
        var result = _session.Invoke("Set-Location $args[0]; Backup-Directory -SourcePath 'Microsoft.PowerShell.Core\\FileSystem::app/certs' -Environment dev -Path store", _root)
            .AssertSucceeded();
        Assert.Equal([Path.Combine(_root, "app", "certs")], (IEnumerable<string>)Assert.Single(result.Output).Properties["SourcePaths"].Value);

        var refused = _session.Invoke("Backup-Directory -SourcePath Env:HOME -Environment dev -Path $args[0]", Path.Combine(_root, "store2"));
        Assert.Empty(refused.Output);
        Assert.Equal("PathNotFileSystem", Assert.Single(refused.Errors).FullyQualifiedErrorId.Split(',')[0]);
        Assert.False(Directory.Exists(Path.Combine(_root, "store2")));
    }
}
