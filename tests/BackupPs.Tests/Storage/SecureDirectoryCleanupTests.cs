using BackupPs.Core.Storage;

namespace BackupPs.Tests.Storage;

/// <summary>The folders <see cref="SecureDirectory.Ensure"/> made are removed again only while they are empty.</summary>
public sealed class SecureDirectoryCleanupTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("bps-cleanup-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void TheCreatedLevelsAreRemovedAndAnExistingOneStays()
    {
        Directory.CreateDirectory(Path.Combine(_root, "store"));
        var result = SecureDirectory.Ensure(Path.Combine(_root, "store", "prod", "app"));
        Assert.Equal([Path.Combine(_root, "store", "prod"), Path.Combine(_root, "store", "prod", "app")], result.CreatedLevels);

        result.RemoveCreatedIfEmpty();

        Assert.Equal([Path.Combine(_root, "store")], Directory.GetFileSystemEntries(_root, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void ALevelThatGotAFileStaysWithTheLevelsAboveIt()
    {
        var result = SecureDirectory.Ensure(Path.Combine(_root, "store", "prod", "app"));
        File.WriteAllText(Path.Combine(_root, "store", "prod", "other.txt"), "x");

        result.RemoveCreatedIfEmpty();

        Assert.False(Directory.Exists(Path.Combine(_root, "store", "prod", "app")));
        Assert.True(File.Exists(Path.Combine(_root, "store", "prod", "other.txt")));
    }
}
