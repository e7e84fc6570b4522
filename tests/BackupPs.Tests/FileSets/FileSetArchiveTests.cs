using BackupPs.Core.Catalog;
using BackupPs.Core.Files;
using BackupPs.Tests.Infrastructure;

namespace BackupPs.Tests.FileSets;

/// <summary>
/// The writer side of the file-set engine on real trees: what it stores (owners, modes, links, xattrs, sub-second
/// mtimes), that GNU tar reads the artifact back into the same tree, and what it refuses or reports.
/// </summary>
public sealed class FileSetArchiveTests : IDisposable
{
    private readonly FileSetScratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    /// <summary>The tree every fidelity test starts from: owners, special modes, links of every kind, an empty folder, 100 ns mtimes.</summary>
    private void BuildRichTree()
    {
        _scratch.Sh("""
            mkdir -p keys empty shared/tmp photos/2024
            printf 'secret-key' > keys/server.key && chmod 0600 keys/server.key && chown 1234:5678 keys/server.key
            printf 'cert' > keys/server.crt && chmod 0644 keys/server.crt && chown 70000:70001 keys/server.crt
            printf '#!/bin/sh\n' > tool && chmod 4755 tool
            chmod 2775 shared && chown 1000:1000 shared
            chmod 1777 shared/tmp
            head -c 300000 /dev/urandom > photos/2024/a.jpg
            ln photos/2024/a.jpg photos/same.jpg
            ln -s keys/server.crt current.crt
            ln -s ../nowhere/missing dangling
            ln -s /etc/hostname absolute
            : > emptyfile
            """);
        _scratch.Sh($"touch -h -d '{FileSetScratch.Stamp(new DateTimeOffset(2024, 3, 1, 12, 0, 0, TimeSpan.Zero).AddTicks(1234567))}' keys/server.key current.crt");
        _scratch.Sh($"touch -d '{FileSetScratch.Stamp(new DateTimeOffset(2023, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(9876543))}' empty photos/2024");
    }

    [Fact]
    public async Task StoresTheWholeTreeAndGnuTarExtractsTheSameTree()
    {
        BuildRichTree();
        var xattrs = _scratch.Sh("setfattr -n user.origin -v camera-1 photos/2024/a.jpg 2>/dev/null && echo yes || python3 -c \"import os; os.setxattr('photos/2024/a.jpg', 'user.origin', b'camera-1'); print('yes')\"").Trim() == "yes";
        var host = new RecordingHost();

        var record = await _scratch.BackupAsync(host);

        Assert.Empty(host.Errors);
        Assert.Empty(host.Warnings);
        var manifest = ManifestStore.Read(record.ManifestPath);
        Assert.Equal(BackupKind.Directory, manifest.Kind);
        Assert.Equal(BackupConsistency.Consistent, manifest.Consistency);
        var files = manifest.Files!.ToDictionary(f => f.Path);
        Assert.Equal(".", manifest.Files![0].Path);
        Assert.Equal(("0600", 1234L, 5678L), (files["keys/server.key"].Mode, files["keys/server.key"].Uid, files["keys/server.key"].Gid));
        Assert.Equal((70000L, 70001L), (files["keys/server.crt"].Uid, files["keys/server.crt"].Gid));
        Assert.Equal("4755", files["tool"].Mode);
        Assert.Equal("2775", files["shared"].Mode);
        Assert.Equal("1777", files["shared/tmp"].Mode);
        Assert.Equal((FileEntryType.File, 300000L), (files["photos/2024/a.jpg"].Type, files["photos/2024/a.jpg"].Size));
        Assert.Equal((FileEntryType.HardLink, "photos/2024/a.jpg", 0L), (files["photos/same.jpg"].Type, files["photos/same.jpg"].LinkTarget, files["photos/same.jpg"].Size));
        Assert.Equal((FileEntryType.SymbolicLink, "../nowhere/missing"), (files["dangling"].Type, files["dangling"].LinkTarget));
        Assert.Equal("/etc/hostname", files["absolute"].LinkTarget);
        Assert.Equal(FileEntryType.Directory, files["empty"].Type);
        Assert.Equal(new DateTimeOffset(2024, 3, 1, 12, 0, 0, TimeSpan.Zero).AddTicks(1234567), files["keys/server.key"].Modified);
        Assert.Equal(new DateTimeOffset(2024, 3, 1, 12, 0, 0, TimeSpan.Zero).AddTicks(1234567), files["current.crt"].Modified);
        Assert.Equal(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(_scratch.Source, "photos/2024/a.jpg")))).ToLowerInvariant(),
            files["photos/2024/a.jpg"].Sha256);
        Assert.Equal(manifest.Files.Where(f => f.Type == FileEntryType.File).Sum(f => f.Size), manifest.TotalBytes);
        Assert.All(manifest.Files, f => Assert.False(f.ChangedWhileRead));
        Assert.Null(manifest.Skipped);

        var listing = FileSetScratch.Tar(record.Path, "--numeric-owner --full-time -tv");
        Assert.True(listing.ExitCode == 0, listing.ToString());
        Assert.Contains("1234/5678", listing.Stdout);
        Assert.Contains("photos/same.jpg link to photos/2024/a.jpg", listing.Stdout);
        Assert.Contains("dangling -> ../nowhere/missing", listing.Stdout);

        var extracted = Path.Combine(_scratch.Root, "extracted");
        Directory.CreateDirectory(extracted);
        var extract = FileSetScratch.Tar(record.Path, $"-xp --numeric-owner --xattrs --xattrs-include='*' -C '{extracted}'");
        Assert.True(extract.ExitCode == 0, extract.ToString());
        var diff = ProcessRunner.Run("diff", ["-r", "--no-dereference", _scratch.Source, extracted]);
        Assert.True(diff.ExitCode == 0, diff.ToString());
        Assert.Equal(FileSetScratch.Facts(_scratch.Source), FileSetScratch.Facts(extracted));
        if (xattrs)
        {
            var value = ProcessRunner.Run("python3", ["-c", $"import os; print(os.getxattr('{extracted}/photos/2024/a.jpg', 'user.origin').decode())"]);
            Assert.Equal("camera-1", value.Stdout.Trim());
        }
    }

    [Fact]
    public async Task SpecialFilesAndUnusableNamesAreReportedAndSkippedNeverChanged()
    {
        _scratch.Sh("""
            mkdir sub && printf ok > sub/kept.txt
            mkfifo sub/pipe
            python3 -c "import socket; s=socket.socket(socket.AF_UNIX); s.bind('sock')"
            printf x > $'caf\xe9-latin1.txt'
            printf y > $'two\nlines.txt'
            ln -s $'\xff' $'badlink'
            """);
        var host = new RecordingHost();

        var record = await _scratch.BackupAsync(host);

        var errors = host.Errors.ToArray();
        Assert.Equal(2, errors.Count(e => e.ErrorId == FileSetErrorIds.SpecialFileSkipped));
        Assert.Equal(2, errors.Count(e => e.ErrorId == FileSetErrorIds.NameNotUtf8));
        Assert.Single(errors, e => e.ErrorId == FileSetErrorIds.NameHasNewline);
        Assert.Contains(errors, e => e.Message.Contains("a FIFO", StringComparison.Ordinal) && e.Message.Contains("sub/pipe", StringComparison.Ordinal));
        var manifest = ManifestStore.Read(record.ManifestPath);
        Assert.Equal([".", "sub", "sub/kept.txt"], manifest.Files!.Select(f => f.Path).Order(StringComparer.Ordinal));
        var skipped = manifest.Skipped!.Select(s => s.Path).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["badlink", "caf\\xe9-latin1.txt", "sock", "sub/pipe", "two\\x0alines.txt"], skipped);
        Assert.All(manifest.Skipped!, s => Assert.False(string.IsNullOrWhiteSpace(s.Reason)));
    }

    [Fact]
    public async Task AFileThatGrowsWhileReadIsStoredAtItsDeclaredSizeAndMarkedChanged()
    {
        _scratch.Sh("head -c 100000 /dev/urandom > growing.log && printf steady > steady.txt");
        var host = new RecordingHost();
        var path = Path.Combine(_scratch.Source, "growing.log");

        // Between the walk's lstat and the open: what a writer appending to a log does while the backup runs.
        var record = await _scratch.BackupAsync(host, hook: e =>
        {
            if (e.Entry.Path == "growing.log")
            {
                File.AppendAllText(path, new string('z', 5000));
            }

            return e;
        });

        var warning = Assert.Single(host.Warnings);
        Assert.Contains("growing.log: file changed as we read it", warning);
        var manifest = ManifestStore.Read(record.ManifestPath);
        Assert.Equal(BackupConsistency.CrashConsistent, manifest.Consistency);
        var files = manifest.Files!.ToDictionary(f => f.Path);
        Assert.True(files["growing.log"].ChangedWhileRead);
        Assert.Equal(100000, files["growing.log"].Size);
        Assert.False(files["steady.txt"].ChangedWhileRead);
        var listing = FileSetScratch.Tar(record.Path, "-tv");
        Assert.True(listing.ExitCode == 0, listing.ToString());
        Assert.Contains("steady.txt", listing.Stdout);
    }

    [Theory]
    [InlineData(1000, 2500)]
    [InlineData(1000, 10)]
    [InlineData(1000, 0)]
    public async Task ContentLongerOrShorterThanDeclaredNeverCorruptsTheArchive(int declared, int actual)
    {
        var host = new RecordingHost();
        var content = new byte[actual];
        Random.Shared.NextBytes(content);
        var now = DateTimeOffset.UtcNow;
        SourceEntry[] entries =
        [
            new() { Entry = new FileEntry { Path = ".", Type = FileEntryType.Directory, Mode = "0755", Modified = now } },
            new() { Entry = new FileEntry { Path = "torn.bin", Size = declared, Mode = "0644", Modified = now }, OpenContent = () => new MemoryStream(content) },
            new() { Entry = new FileEntry { Path = "after.txt", Size = 5, Mode = "0644", Modified = now }, OpenContent = () => new MemoryStream("after"u8.ToArray()) },
        ];

        var record = await FileSetArchive.StoreAsync(_scratch.Spec(), entries, host, null, CancellationToken.None);

        var manifest = ManifestStore.Read(record.ManifestPath);
        var torn = manifest.Files!.Single(f => f.Path == "torn.bin");
        Assert.True(torn.ChangedWhileRead);
        var stored = content.Take(declared).Concat(new byte[Math.Max(0, declared - actual)]).ToArray();
        Assert.Equal(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(stored)).ToLowerInvariant(), torn.Sha256);
        Assert.Equal(BackupConsistency.CrashConsistent, manifest.Consistency);
        var extracted = Path.Combine(_scratch.Root, "x");
        Directory.CreateDirectory(extracted);
        Assert.Equal(0, FileSetScratch.Tar(record.Path, $"-x -C '{extracted}'").ExitCode);
        Assert.Equal(stored, File.ReadAllBytes(Path.Combine(extracted, "torn.bin")));
        Assert.Equal("after", File.ReadAllText(Path.Combine(extracted, "after.txt")));
    }

    [Fact]
    public async Task UnreadableEntriesFailTheBackupNamingEveryOneAndLeaveNothing()
    {
        var host = new RecordingHost();
        var now = DateTimeOffset.UtcNow;
        SourceEntry[] entries =
        [
            new() { Entry = new FileEntry { Path = ".", Type = FileEntryType.Directory, Mode = "0755", Modified = now } },
            new() { Entry = new FileEntry { Path = "a.key", Size = 3, Mode = "0600", Modified = now }, OpenContent = () => throw new UnauthorizedAccessException("Access to the path is denied.") },
            new() { Entry = new FileEntry { Path = "locked", Mode = "0700" }, Unreadable = "/src/locked: the folder cannot be listed (Permission denied)" },
            new() { Entry = new FileEntry { Path = "ok.txt", Size = 2, Mode = "0644", Modified = now }, OpenContent = () => new MemoryStream("ok"u8.ToArray()) },
        ];

        var e = await Assert.ThrowsAsync<BackupPs.Core.Errors.BackupPsException>(() => FileSetArchive.StoreAsync(_scratch.Spec(), entries, host, null, CancellationToken.None));

        Assert.Equal(FileSetErrorIds.SourceNotReadable, e.ErrorId);
        Assert.Contains("a.key", e.Message);
        Assert.Contains("/src/locked", e.Message);
        Assert.DoesNotContain("ok.txt", e.Message);
        Assert.Empty(_scratch.StoreEntries());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(6)]
    public async Task CancellationAtAnyEntryLeavesNoArtifactNoPartialAndNoFolder(int cancelAt)
    {
        BuildRichTree();
        using var cancel = new CancellationTokenSource();
        var seen = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _scratch.BackupAsync(new RecordingHost(), hook: e =>
        {
            if (seen++ == cancelAt)
            {
                cancel.Cancel();
            }

            return e;
        }, cancellationToken: cancel.Token));

        Assert.Empty(_scratch.StoreEntries());
    }

    [Fact]
    public async Task ExcludedEntriesAreLeftOutWithEverythingUnderThemAndRecorded()
    {
        _scratch.Sh("mkdir -p cache/deep logs keep && printf a > cache/deep/x && printf b > logs/a.log && printf c > logs/a.txt && printf d > keep/b.tmp && printf e > keep/c");
        var host = new RecordingHost();

        var record = await _scratch.BackupAsync(host, exclude: ["cache", "*.tmp", "logs/*.log"]);

        var manifest = ManifestStore.Read(record.ManifestPath);
        Assert.Equal([".", "keep", "keep/c", "logs", "logs/a.txt"], manifest.Files!.Select(f => f.Path));
        Assert.Equal(["cache", "*.tmp", "logs/*.log"], manifest.Exclude!);
    }

    [Fact]
    public async Task AnIncrementalBackupListsTheWholeTreeButStoresOnlyWhatChanged()
    {
        _scratch.Sh("mkdir -p photos && for i in 1 2 3 4; do head -c 20000 /dev/urandom > photos/$i.jpg; done && printf v1 > notes.txt");
        var host = new RecordingHost();
        var full = await _scratch.BackupAsync(host, _scratch.Spec(clock: new PinnedClock(new DateTimeOffset(2026, 1, 1, 2, 0, 0, TimeSpan.Zero))));
        _scratch.Sh("printf v2-longer > notes.txt && rm photos/2.jpg && head -c 5000 /dev/urandom > photos/5.jpg && chmod 0600 photos/3.jpg");

        var second = await _scratch.BackupAsync(host, _scratch.Spec(baseRecord: full, clock: new PinnedClock(new DateTimeOffset(2026, 1, 2, 2, 0, 0, TimeSpan.Zero))));
        _scratch.Sh("printf v3 > notes.txt");
        var third = await _scratch.BackupAsync(host, _scratch.Spec(baseRecord: second, clock: new PinnedClock(new DateTimeOffset(2026, 1, 3, 2, 0, 0, TimeSpan.Zero))));

        var manifest = ManifestStore.Read(second.ManifestPath);
        Assert.Equal(full.FileName, manifest.BaseFileName);
        var files = manifest.Files!.ToDictionary(f => f.Path);
        Assert.Equal([".", "notes.txt", "photos", "photos/1.jpg", "photos/3.jpg", "photos/4.jpg", "photos/5.jpg"], files.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(full.FileName, files["photos/1.jpg"].StoredIn);
        Assert.Equal(full.FileName, files["photos/4.jpg"].StoredIn);
        Assert.Equal(full.Files!.Single(f => f.Path == "photos/1.jpg").Sha256, files["photos/1.jpg"].Sha256);
        Assert.Null(files["photos/3.jpg"].StoredIn);
        Assert.Null(files["photos/5.jpg"].StoredIn);
        Assert.Null(files["notes.txt"].StoredIn);
        var listing = FileSetScratch.Tar(second.Path, "-t");
        Assert.Equal(["./", "notes.txt", "photos/", "photos/3.jpg", "photos/5.jpg"], listing.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        // A third run points at the artifact that really holds each unchanged file, not at its own base.
        var thirdFiles = ManifestStore.Read(third.ManifestPath).Files!.ToDictionary(f => f.Path);
        Assert.Equal(full.FileName, thirdFiles["photos/1.jpg"].StoredIn);
        Assert.Equal(second.FileName, thirdFiles["photos/5.jpg"].StoredIn);
        Assert.Null(thirdFiles["notes.txt"].StoredIn);
    }
}
