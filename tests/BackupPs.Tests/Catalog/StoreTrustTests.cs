using System.Runtime.Versioning;
using BackupPs.Core.Catalog;
using BackupPs.Core.Errors;
using BackupPs.Tests.Infrastructure;
using BackupPs.Tests.Storage;

namespace BackupPs.Tests.Catalog;

/// <summary>
/// Who could have changed the path to a backup: every folder it is resolved through counts, the folders holding
/// the links on the way (a link to a safe store can be repointed by whoever may write its folder) as much as the
/// folders the links lead to.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class StoreTrustTests : IDisposable
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode Everyone = (UnixFileMode)0b111_111_111;
    private const UnixFileMode Group = (UnixFileMode)0b111_111_101;

    private readonly string _scratch = Path.Combine(Path.GetTempPath(), "bps-trust-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly string _store;

    /// <summary>A private store (every level 0700) with one backup and its manifest (0600) in dev/app.</summary>
    public StoreTrustTests()
    {
        _store = Folder("safe/store");
        File.SetUnixFileMode(Folder("safe"), Private);
        File.SetUnixFileMode(_scratch, Private);
        foreach (var name in new[] { "x.dump.zst", "x.manifest.json" })
        {
            File.WriteAllText(Path.Combine(Folder("safe/store/dev/app"), name), "");
            File.SetUnixFileMode(Path.Combine(_store, "dev/app", name), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Fact]
    public void APrivateStoreReachedThroughAPrivateLinkIsTrusted()
    {
        var link = Link(Folder("home"), "backups", _store);
        var host = new RecordingHost();

        Check(link, host);

        Assert.Empty(host.Warnings);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ALinkToTheStoreInAFolderEveryoneCanWriteIsRefused(bool relative)
    {
        var open = Folder("open", Everyone);
        var link = Link(open, "backups", relative ? "../safe/store" : _store);

        var refused = Assert.Throws<BackupPsException>(() => Check(link, new RecordingHost()));

        Assert.Equal(StoreTrust.UnsafeErrorId, refused.ErrorId);
        Assert.Contains($"{open} is writable by every user (mode 0777)", refused.Message);
    }

    [Fact]
    public void ALinkChainIsCheckedAtEveryLink()
    {
        // home/backups -> open/hop -> safe/store: only the middle link lies in a folder everyone can write.
        var open = Folder("open", Everyone);
        Link(open, "hop", _store);
        var link = Link(Folder("home"), "backups", Path.Combine(open, "hop"));

        var refused = Assert.Throws<BackupPsException>(() => Check(link, new RecordingHost()));

        Assert.Contains($"{open} is writable by every user", refused.Message);
    }

    [Fact]
    public void ALinkedEnvironmentFolderIsCheckedWhereItLeadsAndAbove()
    {
        // store/dev -> usb/dev, as on a Pi with a USB disk; usb itself may be written by everyone.
        var usb = Folder("usb", Everyone);
        Directory.Move(Path.Combine(_store, "dev"), Path.Combine(usb, "dev"));
        Link(_store, "dev", Path.Combine(usb, "dev"));

        var refused = Assert.Throws<BackupPsException>(() => Check(_store, new RecordingHost()));

        Assert.Contains($"{usb} is writable by every user", refused.Message);
    }

    [Fact]
    public void ALinkInAGroupWritableFolderIsWarnedAbout()
    {
        var shared = Folder("shared", Group);
        var link = Link(shared, "backups", _store);
        var host = new RecordingHost();

        Check(link, host);

        Assert.Contains(host.Warnings, w => w.Contains($"{shared} is writable by its group (mode 0775)", StringComparison.Ordinal));
    }

    [Fact]
    public void ALinkOfAnotherUserInAStickyFolderIsWarnedAbout()
    {
        if (!StorageTestSupport.IsRoot)
        {
            return; // giving the link to another user needs root; the CI machines run the tests as root
        }

        var sticky = Folder("sticky", Everyone | UnixFileMode.StickyBit);
        var link = Link(sticky, "backups", _store);
        Assert.Equal(0, ProcessRunner.Run("chown", ["-h", StorageTestSupport.Nobody.ToString(System.Globalization.CultureInfo.InvariantCulture), link]).ExitCode);
        var host = new RecordingHost();

        Check(link, host);

        Assert.Contains(host.Warnings, w => w.Contains($"{link} belongs to user {StorageTestSupport.Nobody}", StringComparison.Ordinal));
        Assert.DoesNotContain(host.Warnings, w => w.Contains("writable by every user", StringComparison.Ordinal));
    }

    /// <summary>Checks the backup in dev/app below <paramref name="root"/> as a restore does.</summary>
    private static void Check(string root, RecordingHost host) =>
        new StoreTrust(host).Check(Path.Combine(root, "dev/app/x.dump.zst"), Path.Combine(root, "dev/app/x.manifest.json"), root, refuseUnsafe: true);

    /// <summary>Creates <paramref name="relative"/> below the scratch folder (every level 0700), the last with <paramref name="mode"/>.</summary>
    private string Folder(string relative, UnixFileMode mode = Private)
    {
        var path = Path.Combine(_scratch, relative);
        Directory.CreateDirectory(path, Private);
        File.SetUnixFileMode(path, mode);
        return path;
    }

    private static string Link(string folder, string name, string target)
    {
        var link = Path.Combine(folder, name);
        File.CreateSymbolicLink(link, target);
        return link;
    }
}
