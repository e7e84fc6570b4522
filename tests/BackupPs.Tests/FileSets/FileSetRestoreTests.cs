using System.Formats.Tar;
using BackupPs.Core.Catalog;
using BackupPs.Core.Compression;
using BackupPs.Core.Errors;
using BackupPs.Core.Files;
using BackupPs.Core.Hosting;
using BackupPs.Core.Storage;
using BackupPs.Core.Verification;
using BackupPs.Tests.Infrastructure;
using BackupPs.Tests.Storage;

namespace BackupPs.Tests.FileSets;

/// <summary>
/// FileSetRestore on real trees (as root, so owners are real): a full round trip compared by diff -r and by every entry's
/// owner, mode, mtime and link; GNU tar's reading of the same artifact; incremental chains; and the archives a restore must
/// refuse with nothing written (.., absolute names, escaping symbolic and hard links, a link then a write through it, extra,
/// truncated and oversized entries, a broken chain), a failure half-way and Ctrl+C leaving nothing.
/// </summary>
public sealed class FileSetRestoreTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("bps-fsrestore-").FullName;

    public FileSetRestoreTests() => Directory.CreateDirectory(Restores);

    public void Dispose() => TreeRemoval.Remove(_root);

    private string Store => Path.Combine(_root, "store");

    private string Restores => Path.Combine(_root, "restores");

    private string Target => Path.Combine(Restores, "certs");

    private static Task<IReadOnlyList<BackupCheck>> Extract((string Path, BackupManifest Manifest) artifact, string destination,
        ExtractOptions? options = null, IOperationHost? host = null, CancellationToken cancellationToken = default) =>
        FileSetRestore.ExtractAsync(artifact.Path, artifact.Manifest, destination, options ?? new ExtractOptions(), host ?? new RecordingHost(), null, cancellationToken);

    /// <summary>Every path under <paramref name="folder"/> with its kind, mode and size: what "nothing was written" compares.</summary>
    private static string[] Snapshot(string folder) =>
        Directory.EnumerateFileSystemEntries(folder, "*", new EnumerationOptions { AttributesToSkip = 0, RecurseSubdirectories = true })
            .Select(p => $"{p} {EntryStatus.Read(p)}").Order(StringComparer.Ordinal).ToArray();

    /// <summary>A tree with what a certificate folder or a photo store has: owners, setuid/setgid/sticky, links, hard links, an empty folder, a dot-file, sub-second mtimes.</summary>
    private string SourceTree()
    {
        var src = Path.Combine(_root, "src");
        StorageTestSupport.Sh($"""
            set -e; mkdir -p '{src}' && cd '{src}'
            mkdir live bin shared empty
            printf 'key' > live/key.pem; printf '#!/bin/sh\n' > bin/run; printf 'secret' > .hidden; head -c 300000 /dev/urandom > photo.jpg
            ln live/key.pem live/copy.pem; ln -s live/key.pem cert.pem; ln -s nothing-here dangling
            chown 1000:1001 live/key.pem; chown -h 1002:1003 cert.pem; chown 1000:1000 live
            chmod 2750 live; chmod 0600 live/key.pem; chmod 4755 bin/run; chmod 1777 shared; chmod 0700 empty; chmod 0640 .hidden
            touch -h -d '2024-01-02 03:04:05.123456789' cert.pem live/key.pem bin/run .hidden photo.jpg dangling
            touch -d '2023-05-06 07:08:09.987654321' live bin shared empty .
            """);
        return src;
    }

    private static void AssertSameTree(string expected, string actual)
    {
        var diff = ProcessRunner.Run("diff", ["-r", "--no-dereference", expected, actual]);
        Assert.True(diff.ExitCode == 0, diff.ToString());
        Assert.Equal(TestArtifact.FromTree(expected).Select(e => e.Entry), TestArtifact.FromTree(actual).Select(e => e.Entry));
        var first = EntryStatus.Read(Path.Combine(actual, "live/key.pem"))!.Value;
        var second = EntryStatus.Read(Path.Combine(actual, "live/copy.pem"))!.Value;
        Assert.Equal((first.Device, first.Inode), (second.Device, second.Inode));
    }

    [Fact]
    public async Task A_tree_comes_back_with_owners_modes_links_hard_links_empty_folders_and_sub_second_mtimes()
    {
        Assert.True(StorageTestSupport.IsRoot, "these tests restore owners, which needs root");
        var src = SourceTree();
        var artifact = TestArtifact.Write(Store, TestArtifact.FromTree(src));

        var checks = await Extract(artifact, Target);

        Assert.All(checks, c => Assert.True(c.Passed, c.ToString()));
        Assert.Equal("Compare", checks[^1].Name);
        AssertSameTree(src, Target);
        Assert.Equal("2750", ManifestEntryMatch.ModeText(EntryStatus.Read(Path.Combine(Target, "live"))!.Value.Mode));
        Assert.Equal(1002u, EntryStatus.Read(Path.Combine(Target, "cert.pem"))!.Value.Owner);
    }

    [Fact]
    public async Task What_the_writer_stores_comes_back_as_the_source_and_GNU_tar_reads_the_same()
    {
        var src = SourceTree();
        var host = new RecordingHost();
        var record = await FileSetArchive.StoreAsync(new FileSetSpec
        {
            Kind = BackupKind.Directory, Name = "certs", Environment = "test", StoreRoot = Store, Compression = CompressionKind.Zstd, SourcePaths = [src],
        }, TreeScanner.Scan(src, null, host).Entries, host, null, CancellationToken.None);
        var gnu = Path.Combine(_root, "gnu");
        Directory.CreateDirectory(gnu);

        await Extract((record.Path, record), Target);
        var tar = ProcessRunner.Run("tar", ["-xpf", record.Path, "--numeric-owner", "--xattrs", "-C", gnu]);

        AssertSameTree(src, Target);
        Assert.True(tar.ExitCode == 0, tar.ToString());
        AssertSameTree(src, gnu);
    }

    [Fact]
    public async Task GNU_tar_reads_the_same_tree_from_the_artifact()
    {
        var src = SourceTree();
        var artifact = TestArtifact.Write(Store, TestArtifact.FromTree(src));
        var gnu = Path.Combine(_root, "gnu");
        Directory.CreateDirectory(gnu);

        await Extract(artifact, Target);
        var tar = ProcessRunner.Run("tar", ["-xpf", artifact.Path, "--numeric-owner", "--xattrs", "-C", gnu]);

        Assert.True(tar.ExitCode == 0, tar.ToString());
        AssertSameTree(gnu, Target);
        var listing = ProcessRunner.Run("tar", ["-tvf", artifact.Path, "--numeric-owner"]);
        Assert.Contains("1000/1001", listing.Stdout);
        Assert.Contains("cert.pem -> live/key.pem", listing.Stdout);
        Assert.Contains("live/key.pem link to live/copy.pem", listing.Stdout);
    }

    [Fact]
    public async Task Extended_attributes_are_restored()
    {
        var file = TestArtifact.File("tagged.txt", "x");
        var artifact = TestArtifact.Write(Store, [TestArtifact.Folder("."), file], writeTar: tar =>
        {
            TestArtifact.WriteEntry(tar, TestArtifact.Folder("."));
            TestArtifact.WriteEntry(tar, file, xattrs: new Dictionary<string, string> { ["user.origin"] = "camera-7" });
        });

        await Extract(artifact, Target);

        var read = ProcessRunner.Run("python3", ["-c", "import os,sys; print(os.getxattr(sys.argv[1], 'user.origin').decode())", Path.Combine(Target, "tagged.txt")]);
        Assert.Equal("camera-7", read.Stdout.Trim());
    }

    [Fact]
    public async Task An_empty_existing_folder_is_filled_and_a_non_empty_one_refused()
    {
        var artifact = TestArtifact.Write(Store, [TestArtifact.Folder(".", mode: "0750"), TestArtifact.File("a.txt", "a")]);
        Directory.CreateDirectory(Target);

        await Extract(artifact, Target);
        var e = await Assert.ThrowsAsync<BackupPsException>(() => Extract(artifact, Target));

        Assert.Equal(FileSetRestore.DestinationNotEmptyErrorId, e.ErrorId);
        Assert.Equal("a", File.ReadAllText(Path.Combine(Target, "a.txt")));
        Assert.Equal("0750", ManifestEntryMatch.ModeText(EntryStatus.Read(Target)!.Value.Mode));
    }

    [Fact]
    public async Task A_new_destination_needs_an_existing_parent_and_a_file_is_no_destination()
    {
        var artifact = TestArtifact.Write(Store, [TestArtifact.Folder("."), TestArtifact.File("a.txt", "a")]);
        File.WriteAllText(Path.Combine(Restores, "file"), "x");

        var noParent = await Assert.ThrowsAsync<BackupPsException>(() => Extract(artifact, Path.Combine(Restores, "missing", "certs")));
        var file = await Assert.ThrowsAsync<BackupPsException>(() => Extract(artifact, Path.Combine(Restores, "file")));

        Assert.Equal("DestinationInvalid", noParent.ErrorId);
        Assert.Equal("DestinationInvalid", file.ErrorId);
        Assert.False(Directory.Exists(Path.Combine(Restores, "missing")));
    }

    /// <summary>Refused with <paramref name="errorId"/>, into a new destination and into an empty one: nothing written in either, nor anywhere under the test's root.</summary>
    private async Task<BackupPsException> AssertRefused((string Path, BackupManifest Manifest) artifact, string errorId, ExtractOptions? options = null)
    {
        var before = Snapshot(_root);
        var e = await Assert.ThrowsAsync<BackupPsException>(() => Extract(artifact, Target, options));
        Assert.Equal(errorId, e.ErrorId);
        Assert.Equal(before, Snapshot(_root));

        var empty = Path.Combine(Restores, "empty");
        Directory.CreateDirectory(empty);
        before = Snapshot(_root);
        var again = await Assert.ThrowsAsync<BackupPsException>(() => Extract(artifact, empty, options));
        Assert.Equal(errorId, again.ErrorId);
        Assert.Equal(before, Snapshot(_root));
        Directory.Delete(empty);
        return e;
    }

    private static readonly TestEntry[] Safe = [TestArtifact.Folder("."), TestArtifact.Folder("sub"), TestArtifact.File("sub/a.txt", "a")];

    private (string Path, BackupManifest Manifest) WithExtraTarEntry(TestEntry extra, string name) =>
        TestArtifact.Write(Store, Safe, writeTar: tar =>
        {
            foreach (var entry in Safe)
            {
                TestArtifact.WriteEntry(tar, entry);
            }

            TestArtifact.WriteEntry(tar, extra, name: name);
        });

    [Fact]
    public async Task A_dot_dot_name_in_the_tar_is_refused() =>
        await AssertRefused(WithExtraTarEntry(TestArtifact.File("evil", "pwned"), "../../evil"), FileSetRestore.BackupDamagedErrorId);

    [Fact]
    public async Task An_absolute_name_in_the_tar_is_refused() =>
        await AssertRefused(WithExtraTarEntry(TestArtifact.File("evil", "pwned"), Path.Combine(_root, "evil")), FileSetRestore.BackupDamagedErrorId);

    [Fact]
    public async Task An_entry_not_in_the_manifest_is_refused()
    {
        var e = await AssertRefused(WithExtraTarEntry(TestArtifact.File("planted.sh", "#!/bin/sh"), "sub/planted.sh"), FileSetRestore.BackupDamagedErrorId);
        Assert.Contains("sub/planted.sh is in the tar but not in the manifest", e.Message);
    }

    [Fact]
    public async Task A_hard_link_in_the_tar_to_a_path_outside_is_refused()
    {
        var link = TestArtifact.File("sub/h", "");
        var entries = Safe.Append(link).ToArray();
        var artifact = TestArtifact.Write(Store, entries, writeTar: tar =>
        {
            Safe.ToList().ForEach(e => TestArtifact.WriteEntry(tar, e));
            TestArtifact.WriteEntry(tar, new TestEntry(link.Entry with { Type = FileEntryType.HardLink, LinkTarget = "/etc/passwd", Sha256 = null }));
        });

        await AssertRefused(artifact, FileSetRestore.BackupDamagedErrorId);
    }

    [Fact]
    public async Task A_manifest_with_a_dot_dot_path_or_a_hard_link_to_nothing_earlier_is_refused()
    {
        var artifact = TestArtifact.Write(Store, Safe);
        var dotDot = artifact with { Manifest = With(artifact.Manifest, TestArtifact.File("../evil", "x").Entry) };
        var forward = artifact with { Manifest = With(artifact.Manifest, TestArtifact.HardLink("sub/h", TestArtifact.File("/etc/passwd", "")).Entry) };

        await AssertRefused(dotDot, "ManifestInvalid");
        await AssertRefused(forward, "ManifestInvalid");
    }

    /// <summary>The manifest with <paramref name="added"/> appended, as a forged one would be (never read back through ManifestStore).</summary>
    private static BackupManifest With(BackupManifest m, params FileEntry[] added)
    {
        var files = m.Files!.Concat(added).ToList();
        return new BackupManifest
        {
            Kind = m.Kind, Environment = m.Environment, Name = m.Name, FileName = m.FileName, Compression = m.Compression, SizeBytes = m.SizeBytes,
            Sha256 = m.Sha256, DumpBytes = m.DumpBytes, StartedUtc = m.StartedUtc, CompletedUtc = m.CompletedUtc, Elapsed = m.Elapsed,
            SourceHost = m.SourceHost, SourcePaths = m.SourcePaths, Consistency = m.Consistency, Files = files, FileCount = files.Count,
            TotalBytes = files.Sum(f => f.Size),
        };
    }

    [Theory]
    [InlineData("../../outside")]
    [InlineData("/etc")]
    [InlineData("sub/../..")]
    public async Task A_symbolic_link_leading_outside_is_refused(string target)
    {
        var e = await AssertRefused(TestArtifact.Write(Store, [.. Safe, TestArtifact.Symlink("up", target)]), ExtractionPlan.UnsafeEntryErrorId);

        Assert.Contains("-AllowExternalLinks", e.Message);
    }

    [Fact]
    public async Task A_symbolic_link_leading_outside_through_another_link_is_refused() =>
        await AssertRefused(TestArtifact.Write(Store, [.. Safe, TestArtifact.Symlink("here", "."), TestArtifact.Symlink("sub/deep", "../here/.."), TestArtifact.Symlink("up", "sub/deep/x")]),
            ExtractionPlan.UnsafeEntryErrorId);

    [Fact]
    public async Task A_symbolic_link_loop_is_refused() =>
        await AssertRefused(TestArtifact.Write(Store, [.. Safe, TestArtifact.Symlink("a", "b/x"), TestArtifact.Symlink("b", "a/y")]), ExtractionPlan.UnsafeEntryErrorId);

    [Fact]
    public async Task A_link_then_a_write_through_it_is_refused()
    {
        var artifact = TestArtifact.Write(Store, Safe);
        var inside = artifact with { Manifest = With(artifact.Manifest, TestArtifact.Symlink("a", "sub").Entry, TestArtifact.File("a/x", "through the link").Entry) };
        var outside = artifact with { Manifest = With(artifact.Manifest, TestArtifact.Symlink("a", Path.Combine(_root, "outside")).Entry, TestArtifact.File("a/x", "x").Entry) };

        var e = await AssertRefused(inside, "ManifestInvalid");
        await AssertRefused(outside, "ManifestInvalid", new ExtractOptions { AllowExternalLinks = true });

        Assert.Contains("a/x lies under a, which is not a folder", e.Message);
    }

    [Fact]
    public async Task A_hard_link_to_a_folder_or_a_symbolic_link_is_refused()
    {
        var artifact = TestArtifact.Write(Store, Safe);
        var link = TestArtifact.Symlink("l", "sub/a.txt");

        await AssertRefused(artifact with { Manifest = With(artifact.Manifest, TestArtifact.HardLink("h", Safe[1]).Entry) }, "ManifestInvalid");
        await AssertRefused(artifact with { Manifest = With(artifact.Manifest, link.Entry, TestArtifact.HardLink("h", link).Entry) }, "ManifestInvalid");
    }

    [Fact]
    public async Task A_truncated_tar_is_refused() =>
        await AssertRefused(TestArtifact.Write(Store, [TestArtifact.Folder("."), TestArtifact.File("big.bin", new byte[100_000])], spoilTar: tar => tar[..60_000]),
            FileSetRestore.BackupDamagedErrorId);

    [Fact]
    public async Task A_tar_entry_bigger_than_the_manifest_says_is_refused() =>
        await AssertRefused(TestArtifact.Write(Store, Safe, writeTar: tar => Safe.ToList().ForEach(e =>
            TestArtifact.WriteEntry(tar, e, content: e.Content is null ? null : new byte[1 << 16]))), FileSetRestore.BackupDamagedErrorId);

    [Fact]
    public async Task Links_leading_outside_are_created_as_links_when_allowed_and_never_followed()
    {
        var outside = Path.Combine(_root, "outside");
        Directory.CreateDirectory(outside);
        var artifact = TestArtifact.Write(Store, [.. Safe, TestArtifact.Symlink("etc", "/etc"), TestArtifact.Symlink("out", outside)]);

        await Extract(artifact, Target, new ExtractOptions { AllowExternalLinks = true });

        Assert.Equal("/etc", new FileInfo(Path.Combine(Target, "etc")).LinkTarget);
        Assert.Equal(outside, new FileInfo(Path.Combine(Target, "out")).LinkTarget);
        Assert.Empty(Directory.GetFileSystemEntries(outside));
    }

    /// <summary>A full backup of a tree and an incremental one on it that takes the unchanged photo from the full one.</summary>
    private ((string Path, BackupManifest Manifest) Full, (string Path, BackupManifest Manifest) Incremental) Chain()
    {
        var photo = TestArtifact.File("photo.jpg", System.Security.Cryptography.RandomNumberGenerator.GetBytes(50_000), mode: "0640", uid: 1000, gid: 1000);
        List<TestEntry> tree = [TestArtifact.Folder("."), photo, TestArtifact.HardLink("same-photo.jpg", photo), TestArtifact.File("note.txt", "v1")];
        var full = TestArtifact.Write(Store, tree);
        List<TestEntry> later = [tree[0], photo with { Entry = photo.Entry with { StoredIn = full.Manifest.FileName } }, tree[2], TestArtifact.File("note.txt", "v2")];
        return (full, TestArtifact.Write(Store, later, started: TestArtifact.Started.AddDays(1), baseFileName: full.Manifest.FileName));
    }

    [Fact]
    public async Task An_incremental_backup_takes_unchanged_files_from_its_base()
    {
        var (full, incremental) = Chain();

        await Extract(incremental, Target);

        Assert.Equal(File.ReadAllBytes(Path.Combine(Target, "photo.jpg")), File.ReadAllBytes(Path.Combine(Target, "same-photo.jpg")));
        Assert.Equal("v2", File.ReadAllText(Path.Combine(Target, "note.txt")));
        Assert.Equal(1000u, EntryStatus.Read(Path.Combine(Target, "photo.jpg"))!.Value.Owner);
        Assert.True(File.Exists(full.Path));
    }

    [Fact]
    public async Task A_damaged_or_missing_base_is_refused_before_anything_is_written()
    {
        var (full, incremental) = Chain();
        var bytes = File.ReadAllBytes(full.Path);
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(full.Path, bytes);

        var damaged = await AssertRefused(incremental, FileSetRestore.BackupDamagedErrorId);
        File.Delete(full.Path);
        var missing = await AssertRefused(incremental, FileSetRestore.BackupDamagedErrorId);

        Assert.Contains("Chain", damaged.Message);
        Assert.Contains(full.Manifest.FileName, missing.Message);
    }

    [Fact]
    public async Task A_disk_that_fills_up_half_way_is_left_as_it_was()
    {
        using var tmpfs = new TmpfsMount("size=256k");
        var artifact = TestArtifact.Write(Store, [TestArtifact.Folder("."), TestArtifact.File("a.bin", new byte[100_000]), TestArtifact.File("b.bin", new byte[400_000])]);

        var e = await Assert.ThrowsAsync<BackupPsException>(() => Extract(artifact, Path.Combine(tmpfs.Path, "certs")));

        Assert.Equal(FileSetRestore.WriteFailedErrorId, e.ErrorId);
        Assert.Contains("no space left", e.Message);
        Assert.Empty(tmpfs.Entries());
    }

    [Fact]
    public async Task Ctrl_C_while_files_are_written_leaves_no_destination()
    {
        var artifact = TestArtifact.Write(Store, [TestArtifact.Folder("."), .. Enumerable.Range(0, 20).Select(i => TestArtifact.File($"f{i}.bin", new byte[200_000]))]);
        using var cancel = new CancellationTokenSource();
        var host = new CancellingHost(cancel, p => p.Status.Contains("restored", StringComparison.Ordinal));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Extract(artifact, Target, host: host, cancellationToken: cancel.Token));

        Assert.True(host.Cancelled);
        Assert.False(Path.Exists(Target));
        Assert.Empty(Directory.GetFileSystemEntries(Restores));
    }

    [Fact]
    public async Task Without_root_owners_are_not_restored_and_not_compared()
    {
        var artifact = TestArtifact.Write(Store, [TestArtifact.Folder("."), TestArtifact.File("a.txt", "a", uid: 1234, gid: 1234)]);
        var host = new RecordingHost();

        var checks = await Extract(artifact, Target, new ExtractOptions { RestoreOwners = false }, host);

        Assert.True(checks[^1].Passed);
        Assert.DoesNotContain("owner", checks[^1].Detail);
        Assert.Equal(0u, EntryStatus.Read(Path.Combine(Target, "a.txt"))!.Value.Owner);
        Assert.Contains(host.Verbose, v => v.Contains("Not running as root", StringComparison.Ordinal));
    }

    [Fact]
    public void CompareTree_names_an_extra_a_missing_and_a_changed_entry()
    {
        var src = SourceTree();
        var manifest = new BackupManifest { Environment = "test", FileName = "x", Sha256 = "", Files = TestArtifact.FromTree(src).Select(e => e.Entry).ToList() };
        File.WriteAllText(Path.Combine(src, "extra.txt"), "x");
        File.Delete(Path.Combine(src, ".hidden"));
        File.SetUnixFileMode(Path.Combine(src, "bin/run"), UnixFileMode.UserRead);

        var check = FileSetRestore.CompareTree(src, manifest, compareOwners: true, CancellationToken.None);

        Assert.False(check.Passed);
        Assert.Contains("extra.txt is not in the backup", check.Detail);
        Assert.Contains(".hidden is missing", check.Detail);
        Assert.Contains("bin/run has the mode 0400, recorded 4755", check.Detail);
    }
}
