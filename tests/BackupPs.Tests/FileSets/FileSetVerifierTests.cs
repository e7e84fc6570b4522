using BackupPs.Core.Catalog;
using BackupPs.Core.Compression;
using BackupPs.Core.Files;
using BackupPs.Core.Verification;

namespace BackupPs.Tests.FileSets;

/// <summary>
/// FileSetVerifier on hand-made artifacts: an intact one passes every check; a flipped byte, a missing, extra, changed or
/// oversized entry, a truncated tar and a broken incremental chain each fail the check that names them.
/// </summary>
public sealed class FileSetVerifierTests : IDisposable
{
    private readonly string _store = Directory.CreateTempSubdirectory("bps-fsverify-").FullName;

    public void Dispose() => Directory.Delete(_store, recursive: true);

    private static List<TestEntry> Tree()
    {
        var key = TestArtifact.File("live/key.pem", "-----BEGIN PRIVATE KEY-----\n", mode: "0600", uid: 1000, gid: 1000);
        return
        [
            TestArtifact.Folder("."),
            TestArtifact.Folder("live", mode: "2750"),
            key,
            TestArtifact.HardLink("live/key-copy.pem", key),
            TestArtifact.Symlink("cert.pem", "live/key.pem"),
            TestArtifact.Folder("empty"),
        ];
    }

    private static Task<IReadOnlyList<BackupCheck>> Verify((string Path, BackupManifest Manifest) artifact) =>
        FileSetVerifier.VerifyAsync(artifact.Path, artifact.Manifest, null, CancellationToken.None);

    private static BackupCheck Check(IReadOnlyList<BackupCheck> checks, string name) => checks.Single(c => c.Name == name);

    [Theory]
    [InlineData(CompressionKind.Zstd)]
    [InlineData(CompressionKind.Gzip)]
    public async Task An_intact_artifact_passes_every_check(CompressionKind compression)
    {
        var checks = await Verify(TestArtifact.Write(_store, Tree(), compression: compression));

        Assert.Equal(["FileName", "Size", "Sha256", "Decompression", "Entries", "Chain"], checks.Select(c => c.Name));
        Assert.All(checks, c => Assert.True(c.Passed, c.ToString()));
        Assert.Contains("6 entries as recorded", Check(checks, "Entries").Detail);
    }

    [Fact]
    public async Task A_flipped_byte_fails_the_hash()
    {
        var artifact = TestArtifact.Write(_store, Tree());
        var bytes = File.ReadAllBytes(artifact.Path);
        bytes[bytes.Length / 2] ^= 0x20;
        File.WriteAllBytes(artifact.Path, bytes);

        var checks = await Verify(artifact);

        Assert.False(Check(checks, "Sha256").Passed);
        Assert.True(Check(checks, "Size").Passed);
    }

    [Fact]
    public async Task An_entry_recorded_but_not_in_the_tar_is_missing()
    {
        var tree = Tree();
        var artifact = TestArtifact.Write(_store, tree, writeTar: tar => tree.Where(e => e.Entry.Path != "empty").ToList().ForEach(e => TestArtifact.WriteEntry(tar, e)));

        var entries = Check(await Verify(artifact), "Entries");

        Assert.False(entries.Passed);
        Assert.Contains("empty is recorded but not in the tar", entries.Detail);
    }

    [Fact]
    public async Task An_entry_in_the_tar_but_not_in_the_manifest_is_extra()
    {
        var tree = Tree();
        var artifact = TestArtifact.Write(_store, tree, writeTar: tar =>
        {
            tree.ForEach(e => TestArtifact.WriteEntry(tar, e));
            TestArtifact.WriteEntry(tar, TestArtifact.File("live/planted.sh", "#!/bin/sh\n"));
        });

        var entries = Check(await Verify(artifact), "Entries");

        Assert.False(entries.Passed);
        Assert.Contains("live/planted.sh is in the tar but not in the manifest", entries.Detail);
    }

    [Fact]
    public async Task Changed_content_mode_owner_and_link_are_each_named()
    {
        var tree = Tree();
        var artifact = TestArtifact.Write(_store, tree, writeTar: tar =>
        {
            foreach (var item in tree)
            {
                var changed = item.Entry.Path switch
                {
                    "live" => item with { Entry = item.Entry with { Mode = "0777" } },
                    "cert.pem" => item with { Entry = item.Entry with { LinkTarget = "/etc/shadow" } },
                    "empty" => item with { Entry = item.Entry with { Uid = 0, Gid = 42 } },
                    _ => item,
                };
                TestArtifact.WriteEntry(tar, changed, content: item.Entry.Path == "live/key.pem" ? "-----BEGIN PRIVATE KEY----X\n"u8.ToArray() : null);
            }
        });

        var entries = Check(await Verify(artifact), "Entries");

        Assert.False(entries.Passed);
        Assert.Contains("live: mode 0777, recorded 2750", entries.Detail);
        Assert.Contains("cert.pem: linked to '/etc/shadow', recorded 'live/key.pem'", entries.Detail);
        Assert.Contains("empty: owner 0:42, recorded 0:0", entries.Detail);
        Assert.Contains("live/key.pem: content SHA-256", entries.Detail);
    }

    [Fact]
    public async Task An_entry_bigger_than_recorded_fails()
    {
        var tree = Tree();
        var artifact = TestArtifact.Write(_store, tree, writeTar: tar => tree.ForEach(e =>
            TestArtifact.WriteEntry(tar, e, content: e.Entry.Path == "live/key.pem" ? new byte[1 << 20] : null)));

        var entries = Check(await Verify(artifact), "Entries");

        Assert.False(entries.Passed);
        Assert.Contains($"live/key.pem: size {1 << 20}, recorded 28", entries.Detail);
    }

    [Fact]
    public async Task A_truncated_tar_in_an_intact_stream_fails_the_entries_only()
    {
        var big = TestArtifact.File("big.bin", new byte[100_000]);
        var artifact = TestArtifact.Write(_store, [TestArtifact.Folder("."), big], spoilTar: tar => tar[..60_000]);

        var checks = await Verify(artifact);

        Assert.True(Check(checks, "Sha256").Passed);
        Assert.True(Check(checks, "Decompression").Passed, Check(checks, "Decompression").Detail);
        Assert.False(Check(checks, "Entries").Passed);
        Assert.Contains("is damaged", Check(checks, "Entries").Detail);
    }

    [Fact]
    public async Task A_truncated_file_fails_decompression()
    {
        var artifact = TestArtifact.Write(_store, [TestArtifact.Folder("."), TestArtifact.File("random.bin", System.Security.Cryptography.RandomNumberGenerator.GetBytes(200_000))]);
        using (var file = new FileStream(artifact.Path, FileMode.Open))
        {
            file.SetLength(file.Length / 2);
        }

        var checks = await Verify(artifact);

        Assert.False(Check(checks, "Size").Passed);
        Assert.False(Check(checks, "Decompression").Passed);
        Assert.False(Check(checks, "Entries").Passed);
    }

    [Fact]
    public async Task Data_after_the_end_of_the_tar_fails()
    {
        var artifact = TestArtifact.Write(_store, Tree(), spoilTar: tar => [.. tar, .. "hidden payload"u8.ToArray()]);

        var entries = Check(await Verify(artifact), "Entries");

        Assert.False(entries.Passed);
        Assert.Contains("data follows the end of the tar", entries.Detail);
    }

    /// <summary>A full backup and an incremental one on it that takes live/key.pem from the full one.</summary>
    private ((string Path, BackupManifest Manifest) Full, (string Path, BackupManifest Manifest) Incremental) Chain()
    {
        var full = TestArtifact.Write(_store, Tree());
        var changed = Tree().Select(e => e.Entry.Path switch
        {
            "live/key.pem" => e with { Entry = e.Entry with { StoredIn = full.Manifest.FileName } },
            _ => e,
        }).Append(TestArtifact.File("new.txt", "added later")).ToList();
        var incremental = TestArtifact.Write(_store, changed, started: TestArtifact.Started.AddDays(1), baseFileName: full.Manifest.FileName);
        return (full, incremental);
    }

    [Fact]
    public async Task An_intact_chain_passes()
    {
        var (_, incremental) = Chain();

        var checks = await Verify(incremental);

        Assert.All(checks, c => Assert.True(c.Passed, c.ToString()));
        Assert.Contains("1 unchanged file(s)", Check(checks, "Chain").Detail);
    }

    [Fact]
    public async Task A_missing_base_breaks_the_chain()
    {
        var (full, incremental) = Chain();
        File.Delete(full.Path);
        File.Delete(BackupNames.ManifestPathFor(full.Path));

        var chain = Check(await Verify(incremental), "Chain");

        Assert.False(chain.Passed);
        Assert.Contains(full.Manifest.FileName, chain.Detail);
        Assert.True(Check(await Verify(incremental), "Entries").Passed);
    }

    [Fact]
    public async Task A_damaged_base_breaks_the_chain()
    {
        var (full, incremental) = Chain();
        var bytes = File.ReadAllBytes(full.Path);
        bytes[^5] ^= 1;
        File.WriteAllBytes(full.Path, bytes);

        var chain = Check(await Verify(incremental), "Chain");

        Assert.False(chain.Passed);
        Assert.Contains("it is damaged", chain.Detail);
    }

    [Fact]
    public async Task A_file_recorded_as_stored_elsewhere_must_not_be_in_the_tar()
    {
        var (full, _) = Chain();
        var tree = Tree().Select(e => e.Entry.Path == "live/key.pem" ? e with { Entry = e.Entry with { StoredIn = full.Manifest.FileName } } : e).ToList();
        var incremental = TestArtifact.Write(_store, tree, started: TestArtifact.Started.AddDays(2), baseFileName: full.Manifest.FileName,
            writeTar: tar => Tree().ForEach(e => TestArtifact.WriteEntry(tar, e)));

        var entries = Check(await Verify(incremental), "Entries");

        Assert.False(entries.Passed);
        Assert.Contains($"live/key.pem is in the tar, but recorded as stored in {full.Manifest.FileName}", entries.Detail);
    }
}
