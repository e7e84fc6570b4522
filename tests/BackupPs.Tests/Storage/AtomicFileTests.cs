using System.Security.Cryptography;
using System.Runtime.Versioning;
using System.Text;
using BackupPs.Core.Compression;
using BackupPs.Core.Errors;
using BackupPs.Core.Storage;
using BackupPs.Tests.Compression;
using Xunit;

namespace BackupPs.Tests.Storage;

[UnsupportedOSPlatform("windows")]
public class AtomicFileTests
{
    private const UnixFileMode Mode0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public async Task CommitPublishesTheContentUnderTheFinalNameWithMode0600()
    {
        using var scratch = new TempTestDirectory();
        string final = scratch.File("db-20240501.sql.zst");
        byte[] content = CompressionTestData.Random(300_000, 1);

        await using (AtomicFile file = AtomicFile.Create(final))
        {
            Assert.Equal(scratch.Path, Path.GetDirectoryName(file.TempPath));
            string tempName = Path.GetFileName(file.TempPath);
            Assert.StartsWith(".db-20240501.sql.zst.", tempName);
            Assert.EndsWith(".partial", tempName);
            Assert.True(AtomicFile.IsPartialFileName(tempName));
            Assert.Equal(Mode0600, File.GetUnixFileMode(file.TempPath)); // from creation, before any byte
            Assert.False(File.Exists(final));

            await file.Stream.WriteAsync(content.AsMemory(0, 100_000));
            file.Stream.Write(content, 100_000, 200_000);
            Assert.Equal(content.Length, file.BytesWritten);
            Assert.False(File.Exists(final));

            await file.CommitAsync();
            Assert.True(file.IsCommitted);
            Assert.False(File.Exists(file.TempPath));
            await file.CommitAsync(); // idempotent
        }

        Assert.Equal(content, File.ReadAllBytes(final));
        Assert.Equal(Mode0600, File.GetUnixFileMode(final));
        Assert.Equal([final], Directory.GetFiles(scratch.Path));
    }

    [Fact]
    public void TheTemporaryFileCanBeReadBackBeforeTheCommit()
    {
        // The backup handler proves the written file (hash, decompression) from TempPath before committing it.
        using var scratch = new TempTestDirectory();
        byte[] content = CompressionTestData.Compress(CompressionKind.Zstd, CompressionTestData.SqlCopyText(500_000, 4));
        using AtomicFile file = AtomicFile.Create(scratch.File("db.sql.zst"));
        file.Stream.Write(content);

        using (var reader = new FileStream(file.TempPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan))
        {
            using var hashing = new HashingStream(reader);
            using DecompressorStream decompressor = CompressionStreams.OpenDecompressor(hashing, file.TempPath);
            decompressor.CopyTo(Stream.Null);
            Assert.Equal(Convert.ToHexString(SHA256.HashData(content)).ToLowerInvariant(), hashing.Complete().Sha256);
        }

        file.Commit();
        Assert.Equal(content, File.ReadAllBytes(scratch.File("db.sql.zst")));
    }

    [Fact]
    public void DisposeWithoutCommitLeavesNothing()
    {
        using var scratch = new TempTestDirectory();
        using (AtomicFile file = AtomicFile.Create(scratch.File("x.gz")))
        {
            file.Stream.Write(new byte[10_000]);
            Assert.Single(Directory.GetFiles(scratch.Path));
        }

        Assert.Empty(Directory.GetFileSystemEntries(scratch.Path));
    }

    [Fact]
    public void CreateRefusesAnExistingFinalName()
    {
        using var scratch = new TempTestDirectory();
        string final = scratch.File("taken.zst");
        File.WriteAllText(final, "old backup");

        var e = Assert.Throws<BackupPsException>(() => AtomicFile.Create(final));
        Assert.Equal(StorageErrorIds.AlreadyExists, e.ErrorId);
        Assert.Equal(FailureCategory.ResourceExists, e.Category);
        Assert.Equal("old backup", File.ReadAllText(final));
        Assert.Single(Directory.GetFiles(scratch.Path));
    }

    [Fact]
    public void CommitNeverOverwritesAFileThatAppearedMeanwhile()
    {
        using var scratch = new TempTestDirectory();
        string final = scratch.File("race.zst");
        using (AtomicFile file = AtomicFile.Create(final))
        {
            file.Stream.Write("new"u8);
            File.WriteAllText(final, "someone else's backup");

            var e = Assert.Throws<BackupPsException>(file.Commit);
            Assert.Equal(StorageErrorIds.AlreadyExists, e.ErrorId);
            Assert.False(file.IsCommitted);
            Assert.Throws<InvalidOperationException>(() => file.Stream.Write("more"u8));
        }

        Assert.Equal("someone else's backup", File.ReadAllText(final));
        Assert.Equal([final], Directory.GetFiles(scratch.Path)); // the temporary file is gone
    }

    [Fact]
    public void AnUnnamedFileTriesNamesUntilOneIsFreeAndCanMoveOnAfterItsCommit()
    {
        using var scratch = new TempTestDirectory();
        string taken = scratch.File("db-Z.dump.zst");
        File.WriteAllText(taken, "earlier backup");
        using (AtomicFile file = AtomicFile.CreateUnnamed(taken)) // a taken provisional name is no error
        {
            file.Stream.Write("mine"u8);
            Assert.Equal(StorageErrorIds.AlreadyExists, Assert.Throws<BackupPsException>(() => file.CommitAs(taken)).ErrorId);
            Assert.False(file.IsCommitted);
            Assert.True(File.Exists(file.TempPath)); // the content waits for the next name

            file.CommitAs(scratch.File("db-Z-2.dump.zst"));
            Assert.Equal(scratch.File("db-Z-2.dump.zst"), file.FinalPath);

            // Committed: moving on never overwrites either, and leaves the file where it was when refused.
            File.WriteAllText(scratch.File("db-Z-3.dump.zst"), "rival");
            Assert.Equal(StorageErrorIds.AlreadyExists, Assert.Throws<BackupPsException>(() => file.CommitAs(scratch.File("db-Z-3.dump.zst"))).ErrorId);
            file.CommitAs(scratch.File("db-Z-4.dump.zst"));
            Assert.Throws<ArgumentException>(() => file.CommitAs(Path.Combine(Path.GetTempPath(), "elsewhere.dump.zst")));
        }

        Assert.Equal(("earlier backup", "rival", "mine"),
            (File.ReadAllText(taken), File.ReadAllText(scratch.File("db-Z-3.dump.zst")), File.ReadAllText(scratch.File("db-Z-4.dump.zst"))));
        Assert.Equal(3, Directory.GetFiles(scratch.Path).Length);
    }

    [Fact]
    public void ConcurrentWritersOfOneProvisionalNameHaveTheirOwnTemporaryFiles()
    {
        using var scratch = new TempTestDirectory();
        var files = Enumerable.Range(0, 8).Select(_ => AtomicFile.CreateUnnamed(scratch.File("db-Z.dump.zst"))).ToList();
        Assert.Equal(files.Count, files.Select(f => f.TempPath).Distinct().Count());
        Assert.All(files, f => Assert.True(AtomicFile.IsPartialFileName(Path.GetFileName(f.TempPath))));
        files.ForEach(f => f.Dispose());
        Assert.Empty(Directory.GetFiles(scratch.Path));
    }

    [Fact]
    public void ConcurrentCommitsToOneNameHaveExactlyOneWinner()
    {
        using var scratch = new TempTestDirectory();
        string final = scratch.File("contested.zst");
        var files = Enumerable.Range(0, 16).Select(_ => AtomicFile.Create(final)).ToList();
        for (int i = 0; i < files.Count; i++)
        {
            files[i].Stream.Write(Encoding.ASCII.GetBytes($"writer {i}"));
        }

        using var start = new Barrier(files.Count);
        string[] outcomes = new string[files.Count];
        var threads = files.Select((file, i) => new Thread(() =>
        {
            start.SignalAndWait();
            try
            {
                file.Commit();
                outcomes[i] = "won";
            }
            catch (BackupPsException e) when (e.ErrorId == StorageErrorIds.AlreadyExists)
            {
                outcomes[i] = "lost";
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        files.ForEach(f => f.Dispose());

        Assert.Equal(1, outcomes.Count(o => o == "won"));
        int winner = files.FindIndex(f => f.IsCommitted);
        Assert.Equal($"writer {winner}", File.ReadAllText(final));
        Assert.Equal([final], Directory.GetFiles(scratch.Path));
    }

    [Fact]
    public void RenameNoReplaceRefusesAnExistingTarget()
    {
        using var scratch = new TempTestDirectory();
        File.WriteAllText(scratch.File("a"), "a");
        File.WriteAllText(scratch.File("b"), "b");

        var e = Assert.Throws<BackupPsException>(() => AtomicFile.RenameNoReplace(scratch.File("a"), scratch.File("b")));
        Assert.Equal(StorageErrorIds.AlreadyExists, e.ErrorId);
        Assert.Equal("b", File.ReadAllText(scratch.File("b")));

        AtomicFile.RenameNoReplace(scratch.File("a"), scratch.File("c"));
        Assert.Equal("a", File.ReadAllText(scratch.File("c")));
        Assert.False(File.Exists(scratch.File("a")));
    }

    [Fact]
    public void MissingDirectoryIsReported()
    {
        using var scratch = new TempTestDirectory();
        var e = Assert.Throws<BackupPsException>(() => AtomicFile.Create(Path.Combine(scratch.Path, "nope", "x.zst")));
        Assert.Equal(StorageErrorIds.DirectoryMissing, e.ErrorId);
        Assert.Equal(FailureCategory.ObjectNotFound, e.Category);
    }

    [Fact]
    public void DiskFullIsDestinationFullAndLeavesNoFile()
    {
        if (!StorageTestSupport.IsRoot)
        {
            return; // mounting needs root; the CI machines run the tests as root
        }

        using var mount = new TmpfsMount("size=1m");
        string final = Path.Combine(mount.Path, "big.zst");
        BackupPsException e;
        using (AtomicFile file = AtomicFile.Create(final))
        {
            byte[] chunk = CompressionTestData.Random(64 * 1024, 2);
            e = Assert.Throws<BackupPsException>(() =>
            {
                for (int i = 0; i < 64; i++)
                {
                    file.Stream.Write(chunk);
                }
            });
            Assert.True(file.BytesWritten is > 0 and <= 1024 * 1024, $"{file.BytesWritten} bytes written");
            Assert.Contains($"after {file.BytesWritten} bytes", e.Message);
        }

        Assert.Equal(StorageErrorIds.Full, e.ErrorId);
        Assert.Equal(FailureCategory.WriteError, e.Category);
        Assert.Contains(mount.Path, e.Message);
        Assert.Contains("free space or choose another -Path", e.Message);
        Assert.Empty(mount.Entries());
    }

    [Theory]
    [InlineData(CompressionKind.Zstd)]
    [InlineData(CompressionKind.Gzip)]
    public async Task DiskFullInTheBackupPipelineSurfacesOnceAndCleansUp(CompressionKind kind)
    {
        if (!StorageTestSupport.IsRoot)
        {
            return;
        }

        using var mount = new TmpfsMount("size=1m");
        var e = await Assert.ThrowsAsync<BackupPsException>(async () =>
        {
            await using AtomicFile file = AtomicFile.Create(Path.Combine(mount.Path, "db.sql" + kind.FileExtension()));
            await using var hashing = new HashingStream(file.Stream);
            await using CompressorStream compressor = CompressionStreams.CreateCompressor(kind, hashing);
            for (int i = 0; i < 16; i++)
            {
                // Distinct incompressible chunks: zstd's 2 MB window would deduplicate a repeated one.
                await compressor.WriteAsync(CompressionTestData.Random(256 * 1024, i));
            }

            await compressor.FinishAsync();
            await file.CommitAsync();
        });

        Assert.Equal(StorageErrorIds.Full, e.ErrorId); // not masked by a second error from the disposals
        Assert.Empty(mount.Entries());
    }

    [Fact]
    public void ReadOnlyFilesystemIsNotWritable()
    {
        if (!StorageTestSupport.IsRoot)
        {
            return;
        }

        using var mount = new TmpfsMount("ro,size=1m");
        var e = Assert.Throws<BackupPsException>(() => AtomicFile.Create(Path.Combine(mount.Path, "x.zst")));
        Assert.Equal(StorageErrorIds.NotWritable, e.ErrorId);
        Assert.Equal(FailureCategory.PermissionDenied, e.Category);
    }

    [Fact]
    public void DirectoryWithoutWritePermissionIsNotWritable()
    {
        if (!StorageTestSupport.IsRoot)
        {
            return;
        }

        using var scratch = new TempTestDirectory();
        File.SetUnixFileMode(scratch.Path, (UnixFileMode)0b101_101_101); // 0555
        BackupPsException? e = null;
        StorageTestSupport.RunAsNobody(() => e = Assert.Throws<BackupPsException>(() => AtomicFile.Create(scratch.File("x.zst"))));

        Assert.Equal(StorageErrorIds.NotWritable, e!.ErrorId);
        Assert.Equal(FailureCategory.PermissionDenied, e.Category);
        File.SetUnixFileMode(scratch.Path, (UnixFileMode)0b111_101_101);
    }

    [Fact]
    public void TemporaryNamesFitNameMaxForLongFinalNames()
    {
        string longName = new string('é', 127) + ".zst"; // 258 bytes in UTF-8: too long for a name of its own
        string temp = AtomicFile.TempFileName(longName);
        Assert.True(Encoding.UTF8.GetByteCount(temp) <= 255);
        Assert.True(AtomicFile.IsPartialFileName(temp));

        string emoji = new string('x', 100) + string.Concat(Enumerable.Repeat("😀", 40));
        string shortened = AtomicFile.TempFileName(emoji);
        Assert.True(Encoding.UTF8.GetByteCount(shortened) <= 255);
        Assert.DoesNotContain('\uFFFD', Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(shortened))); // no split surrogate
    }

    [Fact]
    public void RemoveStalePartialsDeletesOnlyOldTemporaryFiles()
    {
        using var scratch = new TempTestDirectory();
        string stale = scratch.File(".db.zst.0123456789abcdef.partial");
        string fresh = scratch.File(".db.zst.fedcba9876543210.partial");
        string backup = scratch.File("db.zst");
        string lookalike = scratch.File("notes.partial");
        foreach (string path in new[] { stale, fresh, backup, lookalike })
        {
            File.WriteAllText(path, "x");
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddDays(-2));
        }

        File.SetLastWriteTimeUtc(fresh, DateTime.UtcNow);

        IReadOnlyList<string> removed = AtomicFile.RemoveStalePartials(scratch.Path, TimeSpan.FromHours(1));

        Assert.Equal([stale], removed);
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(fresh) && File.Exists(backup) && File.Exists(lookalike));
        Assert.Empty(AtomicFile.RemoveStalePartials(Path.Combine(scratch.Path, "missing"), TimeSpan.Zero));
    }

    [Fact]
    public void PartialFilesNameTheirOwnerAndThoseOfAnEndedOwnerGoAtOnce()
    {
        using var scratch = new TempTestDirectory();
        using var child = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("true"))!;
        child.WaitForExit();
        string dead = (BackupPs.Core.Leftovers.ResourceOwner.Current with { ProcessId = child.Id }).Token;
        string ended = scratch.File($".db.zst.{dead}.0123456789abcdef.partial");
        string otherHost = scratch.File(".db.zst.00000000_1_1.0123456789abcdef.partial");
        string unheld = scratch.File($".db.zst.{BackupPs.Core.Leftovers.ResourceOwner.Current.Token}.0123456789abcdef.partial");
        string earlier = scratch.File(".db.zst.fedcba9876543210.partial");
        string lookalike = scratch.File($".{dead}.partial");
        foreach (string path in new[] { ended, otherHost, unheld, earlier, lookalike })
        {
            File.WriteAllText(path, "x");
        }

        using (var writing = AtomicFile.Create(scratch.File("db.zst")))
        {
            Assert.Contains("." + BackupPs.Core.Leftovers.ResourceOwner.Current.Token + ".", Path.GetFileName(writing.TempPath), StringComparison.Ordinal);
            IReadOnlyList<string> removed = AtomicFile.RemoveStalePartials(scratch.Path, TimeSpan.FromHours(1));

            // A dead owner's, and one of this process that no run holds, at once; another host's and an earlier version's by age; a running write's never.
            Assert.Equal(new[] { ended, unheld }.Order(StringComparer.Ordinal), removed.Order(StringComparer.Ordinal));
            Assert.True(File.Exists(writing.TempPath) && File.Exists(otherHost) && File.Exists(earlier) && File.Exists(lookalike));
        }
    }
}
