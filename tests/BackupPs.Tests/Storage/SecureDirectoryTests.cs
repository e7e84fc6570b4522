using System.Runtime.Versioning;
using BackupPs.Core.Errors;
using BackupPs.Core.Storage;
using BackupPs.Tests.Compression;
using Xunit;

namespace BackupPs.Tests.Storage;

[UnsupportedOSPlatform("windows")]
public class SecureDirectoryTests
{
    private const UnixFileMode Mode0700 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    [Fact]
    public void CreatesEveryMissingLevelWithMode0700AndLeavesExistingOnes()
    {
        using var scratch = new TempTestDirectory();
        File.SetUnixFileMode(scratch.Path, Mode0700 | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
        string leaf = Path.Combine(scratch.Path, "a", "b", "c");

        SecureDirectoryResult result = SecureDirectory.Ensure(leaf + "/");

        Assert.True(result.Created);
        Assert.Equal(leaf, result.FullPath);
        Assert.Equal(Mode0700, result.Mode);
        Assert.False(result.IsGroupOrWorldWritable);
        foreach (string level in new[] { "a", "a/b", "a/b/c" })
        {
            Assert.Equal(Mode0700, File.GetUnixFileMode(Path.Combine(scratch.Path, level)));
        }

        Assert.Equal(Mode0700 | UnixFileMode.GroupRead | UnixFileMode.GroupExecute, File.GetUnixFileMode(scratch.Path));
        Assert.Empty(Directory.GetFiles(leaf, "*", SearchOption.AllDirectories)); // the probe file is gone
    }

    [Fact]
    public void ExistingDirectoryIsReportedAsIs()
    {
        using var scratch = new TempTestDirectory();
        string shared = Path.Combine(scratch.Path, "shared");
        Directory.CreateDirectory(shared);
        File.SetUnixFileMode(shared, (UnixFileMode)0b111_111_111); // 0777, like a careless NAS mount

        SecureDirectoryResult result = SecureDirectory.Ensure(shared);

        Assert.False(result.Created);
        Assert.True(result.IsGroupOrWorldWritable);
        Assert.Equal((UnixFileMode)0b111_111_111, File.GetUnixFileMode(shared)); // not changed
    }

    [Fact]
    public void ExistingFileIsAClearError()
    {
        using var scratch = new TempTestDirectory();
        string file = scratch.File("backup.zst");
        File.WriteAllText(file, "x");

        var e = Assert.Throws<BackupPsException>(() => SecureDirectory.Ensure(file));
        Assert.Equal(StorageErrorIds.IsFile, e.ErrorId);
        Assert.Equal(FailureCategory.InvalidArgument, e.Category);
        Assert.Contains(file, e.Message);

        e = Assert.Throws<BackupPsException>(() => SecureDirectory.Ensure(Path.Combine(file, "below", "it")));
        Assert.Equal(StorageErrorIds.IsFile, e.ErrorId);
        Assert.Equal(file, e.Target);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("a\0b")]
    public void UnusablePathIsInvalidArgument(string path)
    {
        var e = Assert.Throws<BackupPsException>(() => SecureDirectory.Ensure(path));
        Assert.Equal(StorageErrorIds.InvalidPath, e.ErrorId);
        Assert.Equal(FailureCategory.InvalidArgument, e.Category);
    }

    /// <summary>
    /// chmod 0500 does not stop root (CAP_DAC_OVERRIDE), so "not writable" is tested two ways that do:
    /// a read-only tmpfs (EROFS, applies to root too), and a thread whose fsuid is nobody (EACCES).
    /// </summary>
    [Fact]
    public void ReadOnlyFilesystemIsNotWritable()
    {
        if (!StorageTestSupport.IsRoot)
        {
            return; // mounting needs root; the CI machines run the tests as root
        }

        using var mount = new TmpfsMount("size=1m");
        Directory.CreateDirectory(Path.Combine(mount.Path, "existing"));
        mount.Remount("ro");

        var e = Assert.Throws<BackupPsException>(() => SecureDirectory.Ensure(Path.Combine(mount.Path, "existing")));
        Assert.Equal(StorageErrorIds.NotWritable, e.ErrorId);
        Assert.Equal(FailureCategory.PermissionDenied, e.Category);
        Assert.Contains("read-only", e.Message);

        e = Assert.Throws<BackupPsException>(() => SecureDirectory.Ensure(Path.Combine(mount.Path, "new", "deeper")));
        Assert.Equal(StorageErrorIds.NotWritable, e.ErrorId);
    }

    [Fact]
    public void DirectoryWithoutWritePermissionIsNotWritable()
    {
        if (!StorageTestSupport.IsRoot)
        {
            return; // needs setfsuid
        }

        using var scratch = new TempTestDirectory();
        File.SetUnixFileMode(scratch.Path, (UnixFileMode)0b111_101_101); // 0755, owned by root
        string locked = Path.Combine(scratch.Path, "locked");
        Directory.CreateDirectory(locked);
        File.SetUnixFileMode(locked, (UnixFileMode)0b101_101_101); // 0555

        BackupPsException? existing = null;
        BackupPsException? below = null;
        StorageTestSupport.RunAsNobody(() =>
        {
            existing = Assert.Throws<BackupPsException>(() => SecureDirectory.Ensure(locked));
            below = Assert.Throws<BackupPsException>(() => SecureDirectory.Ensure(Path.Combine(locked, "sub")));
        });

        Assert.Equal(StorageErrorIds.NotWritable, existing!.ErrorId);
        Assert.Equal(FailureCategory.PermissionDenied, existing.Category);
        Assert.Contains("permission denied", existing.Message);
        Assert.Equal(StorageErrorIds.NotWritable, below!.ErrorId);

        SecureDirectory.Ensure(locked); // root itself may write there
    }
}
