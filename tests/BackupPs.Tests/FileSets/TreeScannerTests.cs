using BackupPs.Core.Catalog;
using BackupPs.Core.Files;
using BackupPs.Tests.Infrastructure;

namespace BackupPs.Tests.FileSets;

/// <summary>The tree walk's rarer cases: entries that vanish or are replaced between the walk and the read, links, xattrs.</summary>
public sealed class TreeScannerTests : IDisposable
{
    private readonly FileSetScratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task AFileRemovedOrReplacedAfterTheWalkFoundItIsSkippedWithAWarning()
    {
        _scratch.Sh("printf a > removed.txt && printf b > replaced.txt && printf c > kept.txt");
        var host = new RecordingHost();

        var record = await _scratch.BackupAsync(host, hook: e =>
        {
            if (e.Entry.Path == "removed.txt")
            {
                File.Delete(Path.Combine(_scratch.Source, "removed.txt"));
            }
            else if (e.Entry.Path == "replaced.txt")
            {
                // A symbolic link to a file outside the tree in its place: never read through.
                File.Delete(Path.Combine(_scratch.Source, "replaced.txt"));
                File.CreateSymbolicLink(Path.Combine(_scratch.Source, "replaced.txt"), "/etc/shadow");
            }

            return e;
        });

        Assert.Equal(2, host.Warnings.Count(w => w.Contains("was removed or replaced before it was read", StringComparison.Ordinal)));
        var manifest = ManifestStore.Read(record.ManifestPath);
        Assert.Equal([".", "kept.txt"], manifest.Files!.Select(f => f.Path));
        Assert.Equal(["removed.txt", "replaced.txt"], manifest.Skipped!.Select(s => s.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AHardLinkWhoseFirstNameIsExcludedIsStoredAsAFile()
    {
        _scratch.Sh("mkdir -p cache keep && printf data > cache/a && ln cache/a keep/a && ln cache/a keep/b");
        var host = new RecordingHost();

        var record = await _scratch.BackupAsync(host, exclude: ["cache"]);

        var files = ManifestStore.Read(record.ManifestPath).Files!.ToDictionary(f => f.Path);
        Assert.Equal((FileEntryType.File, 4L), (files["keep/a"].Type, files["keep/a"].Size));
        Assert.Equal((FileEntryType.HardLink, "keep/a"), (files["keep/b"].Type, files["keep/b"].LinkTarget));
    }

    [Fact]
    public async Task ExtendedAttributesAreKeptAndABinaryValueIsReportedNotDroppedSilently()
    {
        _scratch.Sh("printf a > tagged.txt && mkdir folder");
        var file = Path.Combine(_scratch.Source, "tagged.txt");
        if (!FileSetScratch.SetXattr(file, "user.comment", "vacation 2024"u8.ToArray()))
        {
            return;
        }

        Assert.True(FileSetScratch.SetXattr(file, "user.blob", [0xff, 0x00, 0xfe]));
        Assert.True(FileSetScratch.SetXattr(Path.Combine(_scratch.Source, "folder"), "user.kind", "album"u8.ToArray()));
        var host = new RecordingHost();

        var record = await _scratch.BackupAsync(host);

        var warning = Assert.Single(host.Warnings);
        Assert.Contains("user.blob", warning);
        Assert.Contains("tagged.txt", warning);
        var listing = FileSetScratch.Tar(record.Path, "--xattrs --xattrs-include='*' -tvv");
        Assert.True(listing.ExitCode == 0, listing.ToString());
        Assert.Contains("user.comment", listing.Stdout);
        Assert.Contains("user.kind", listing.Stdout);
        Assert.DoesNotContain("user.blob", listing.Stdout);
    }

    [Fact]
    public async Task ASymbolicLinkInsideTheTreeIsNeverFollowedEvenToAFolder()
    {
        var outside = Path.Combine(_scratch.Root, "outside");
        Directory.CreateDirectory(outside);
        File.WriteAllText(Path.Combine(outside, "not-mine.txt"), "x");
        _scratch.Sh($"ln -s '{outside}' escape && ln -s escape/not-mine.txt chained");
        var host = new RecordingHost();

        var record = await _scratch.BackupAsync(host);

        var manifest = ManifestStore.Read(record.ManifestPath);
        Assert.Equal([".", "chained", "escape"], manifest.Files!.Select(f => f.Path));
        Assert.All(manifest.Files!.Skip(1), f => Assert.Equal(FileEntryType.SymbolicLink, f.Type));
        Assert.DoesNotContain("not-mine", FileSetScratch.Tar(record.Path, "-t").Stdout.Replace("escape/not-mine.txt", "", StringComparison.Ordinal));
    }

    [Fact]
    public void AScanOfSomethingThatIsNoFolderFailsOnFirstUse()
    {
        var file = Path.Combine(_scratch.Source, "f");
        File.WriteAllText(file, "f");

        var e = Assert.Throws<BackupPs.Core.Errors.BackupPsException>(() => TreeScanner.Scan(file, null, new RecordingHost()).Entries.ToList());

        Assert.Equal(FileSetErrorIds.SourceNotDirectory, e.ErrorId);
    }

    [Fact]
    public async Task AnOwnerIdTooLargeForTheTarWriterIsAPerFileErrorNotANegativeNumber()
    {
        _scratch.Sh("printf a > nfs.txt && chown 4294967294 nfs.txt && printf b > ok.txt");
        var host = new RecordingHost();

        var record = await _scratch.BackupAsync(host);

        Assert.Equal(FileSetErrorIds.OwnerIdTooLarge, Assert.Single(host.Errors).ErrorId);
        var manifest = ManifestStore.Read(record.ManifestPath);
        Assert.Equal([".", "ok.txt"], manifest.Files!.Select(f => f.Path));
        Assert.Equal("nfs.txt", Assert.Single(manifest.Skipped!).Path);
    }
}
