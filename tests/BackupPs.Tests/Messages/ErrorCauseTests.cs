using BackupPs.Core.Catalog;
using BackupPs.Core.Errors;
using BackupPs.Core.Storage;

namespace BackupPs.Tests.Messages;

/// <summary>
/// Errors name the real cause in plain words, and what to do: a folder that cannot be created says so (not "Writing
/// failed after 0 bytes (Could not find file ...)"), system errors are translated, a missing manifest says where it was
/// expected and why.
/// </summary>
public sealed class ErrorCauseTests
{
    [Fact]
    public void AFolderThatCannotBeCreatedSaysSoAndWhy()
    {
        // /proc takes no new folders: mkdir fails with "no such file or directory" although /proc exists.
        var e = Assert.Throws<BackupPsException>(() => SecureDirectory.Ensure("/proc/backupps-test/store"));
        Assert.Equal(StorageErrorIds.NotWritable, e.ErrorId);
        Assert.Equal(FailureCategory.PermissionDenied, e.Category);
        Assert.StartsWith("The destination '/proc' is not writable (the folder 'backupps-test' cannot be created in it: its file system takes no new folders", e.Message);
        Assert.Contains("choose another -Path", e.Message);
        Assert.DoesNotContain("Could not find file", e.Message);
        Assert.DoesNotContain("after 0 bytes", e.Message);
    }

    [Fact]
    public void AFolderBelowAFileIsNamedAsTheFileInTheWay()
    {
        var file = Path.GetTempFileName();
        try
        {
            var e = Assert.Throws<BackupPsException>(() => SecureDirectory.Ensure(Path.Combine(file, "store")));
            Assert.Equal(StorageErrorIds.IsFile, e.ErrorId);
            Assert.Contains($"'{file}' is an existing file", e.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData(30, "read-only file system")]
    [InlineData(28, "no space left on the device")]
    [InlineData(122, "disk quota exceeded")]
    [InlineData(13, "permission denied")]
    [InlineData(2, "no such file or folder")]
    [InlineData(17, "something of that name already exists")]
    [InlineData(5, "input/output error: the disk or network share failed")]
    [InlineData(20, "a part of the path is a file, not a folder")]
    public void SystemErrorsAreToldInPlainWords(int errno, string cause) =>
        Assert.Equal(cause, StorageErrors.Cause(new IOException("raw text of .NET", errno)));

    [Fact]
    public void ExceptionsWithoutAnErrnoAreToldByTheirKind()
    {
        Assert.Equal("permission denied", StorageErrors.Cause(new UnauthorizedAccessException("Access to the path '/x' is denied.")));
        Assert.Equal("no such file or folder", StorageErrors.Cause(new FileNotFoundException("Could not find file '/x'.")));
        Assert.Equal("something else", StorageErrors.Cause(new IOException("something else.")));
    }

    [Fact]
    public void AMissingManifestSaysWhereItWasExpectedAndAManifestGivenForTheBackupIsToldAsSuch()
    {
        var folder = Directory.CreateTempSubdirectory("bps-manifest-").FullName;
        try
        {
            var backup = Path.Combine(folder, "app-dev-20261121T120000Z.dump.zst");
            var missing = Assert.Throws<BackupPsException>(() => ManifestStore.Read(BackupNames.ManifestPathFor(backup)));
            Assert.Equal("ManifestNotFound", missing.ErrorId);
            Assert.Equal($"No manifest at {folder}/app-dev-20261121T120000Z.manifest.json, where the manifest of a backup file is kept (next to it, named after it with "
                + ".manifest.json): the file is not a BackupPs backup, or it was renamed or moved without its manifest; put the manifest back next to it, "
                + "or pass a backup that Get-Backup lists.", missing.Message);

            // The example: a manifest's path where the backup file belongs.
            var manifest = Path.Combine(folder, "app-dev-20261121T120000Z.manifest.json");
            var doubled = Assert.Throws<BackupPsException>(() => ManifestStore.Read(BackupNames.ManifestPathFor(manifest)));
            Assert.Contains($"{manifest} is itself a manifest; pass the backup file it describes", doubled.Message);

            // A folder that does not exist is the same case, not an unreadable manifest.
            Assert.Equal("ManifestNotFound", Assert.Throws<BackupPsException>(() => ManifestStore.Read(Path.Combine(folder, "gone", "x.manifest.json"))).ErrorId);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
