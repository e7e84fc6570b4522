using System.Globalization;
using BackupPs.Core.Catalog;
using BackupPs.Core.Files;
using BackupPs.Tests.FileSets;
using BackupPs.Tests.Infrastructure;

namespace BackupPs.Tests.Directories;

/// <summary>`backupps backup-directory` as an operator runs it: real folders, the real CLI process, GNU tar on the result.</summary>
public sealed class BackupDirectoryCliTests : IDisposable
{
    private readonly FileSetScratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    private string Folder(string name)
    {
        var path = Path.Combine(_scratch.Root, name);
        Directory.CreateDirectory(path);
        return path;
    }

    [Fact]
    public void BacksUpAFolderAndPrintsItsRecord()
    {
        _scratch.Sh("mkdir -p live && printf key > live/privkey.pem && chmod 0600 live/privkey.pem && ln -s live/privkey.pem current.pem");

        var result = BackupPsCli.Run("backup-directory", "--source-path", _scratch.Source, "--environment", "prod", "--path", _scratch.Store, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var record = Assert.Single(BackupPsCli.JsonLines(result));
        Assert.Equal("Directory", record.GetProperty("Kind").GetString());
        Assert.Equal("source", record.GetProperty("Name").GetString());
        var path = record.GetProperty("Path").GetString()!;
        Assert.StartsWith(Path.Combine(_scratch.Store, "prod", "directory", "source", "source-prod-"), path, StringComparison.Ordinal);
        Assert.EndsWith(".tar.zst", path, StringComparison.Ordinal);
        Assert.Equal("600", ProcessRunner.Run("stat", ["-c", "%a", path]).Stdout.Trim());
        var listing = FileSetScratch.Tar(path, "-tv");
        Assert.True(listing.ExitCode == 0, listing.ToString());
        Assert.Contains("current.pem -> live/privkey.pem", listing.Stdout);
        var manifest = ManifestStore.Read(record.GetProperty("ManifestPath").GetString()!);
        Assert.Equal([_scratch.Source], manifest.SourcePaths!);
        Assert.Equal(Environment.MachineName, manifest.SourceHost);
    }

    [Fact]
    public void SeveralFoldersGiveOneBackupEachNamedAfterTheFolder()
    {
        var photos = Folder("photos");
        var pdfs = Folder("pdfs");
        File.WriteAllText(Path.Combine(photos, "a.jpg"), "jpg");
        File.WriteAllText(Path.Combine(pdfs, "b,c.pdf"), "pdf");

        var result = BackupPsCli.Run("backup-directory", "--source-path", photos, "--source-path", pdfs, "--environment", "prod", "--path", _scratch.Store, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["pdfs", "photos"], BackupPsCli.JsonLines(result).Select(r => r.GetProperty("Name").GetString()).Order());
    }

    [Fact]
    public void NameIsRefusedWithSeveralFolders()
    {
        var result = BackupPsCli.Run("backup-directory", "--source-path", Folder("a"), "--source-path", Folder("b"), "--name", "both", "--environment", "prod", "--path", _scratch.Store);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("NameWithSeveralSources", result.Stderr);
        Assert.Empty(_scratch.StoreEntries());
    }

    [Fact]
    public void AMissingFolderOrAFileIsAClearErrorNamingIt()
    {
        var missing = Path.Combine(_scratch.Root, "no-such-certs");
        var file = Path.Combine(_scratch.Root, "app.env");
        File.WriteAllText(file, "A=1");

        var gone = BackupPsCli.Run("backup-directory", "--source-path", missing, "--environment", "prod", "--path", _scratch.Store);
        var notFolder = BackupPsCli.Run("backup-directory", "--source-path", file, "--environment", "prod", "--path", _scratch.Store);

        Assert.Equal(1, gone.ExitCode);
        Assert.Contains(missing, gone.Stderr);
        Assert.Contains(FileSetErrorIds.SourceNotFound, gone.Stderr);
        Assert.Equal(2, notFolder.ExitCode);
        Assert.Contains(file, notFolder.Stderr);
        Assert.Contains(FileSetErrorIds.SourceNotDirectory, notFolder.Stderr);
        Assert.Empty(_scratch.StoreEntries());
    }

    [Fact]
    public void OneMissingFolderDoesNotStopTheOthers()
    {
        var certs = Folder("certs");
        File.WriteAllText(Path.Combine(certs, "a.crt"), "crt");

        var result = BackupPsCli.Run("backup-directory", "--source-path", Path.Combine(_scratch.Root, "gone"), "--source-path", certs, "--environment", "prod", "--path", _scratch.Store, "--json");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(FileSetErrorIds.SourceNotFound, result.Stderr);
        Assert.Equal("certs", Assert.Single(BackupPsCli.JsonLines(result)).GetProperty("Name").GetString());
    }

    [Fact]
    public void SpecialFilesAreErrorsButTheRestIsStoredAndTheRunFails()
    {
        _scratch.Sh("printf a > kept.txt && mkfifo queue");

        var result = BackupPsCli.Run("backup-directory", "--source-path", _scratch.Source, "--environment", "prod", "--path", _scratch.Store, "--json");

        // The backup exists (what could be kept is kept), but the run says something was left out: a cron job sees exit 1.
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"{_scratch.Source}/queue is not backed up", result.Stderr);
        Assert.Contains(FileSetErrorIds.SpecialFileSkipped, result.Stderr);
        var manifest = ManifestStore.Read(Assert.Single(BackupPsCli.JsonLines(result)).GetProperty("ManifestPath").GetString()!);
        Assert.Equal("queue", Assert.Single(manifest.Skipped!).Path);
    }

    [Fact]
    public async Task FilesTheRunningUserCannotReadFailTheBackupNamingThemAllAndLeaveNothing()
    {
        var account = OperatorAccount.Nobody;
        var root = account.NewWritableFolder();
        try
        {
            var source = Path.Combine(root, "app");
            ProcessRunner.Run("bash", ["-c", $"""
                mkdir -p '{source}/private' '{source}/public' && printf s > '{source}/secret.key' && printf p > '{source}/public/ok.txt'
                chown -R 65534:65534 '{source}' && chown 0:0 '{source}/secret.key' '{source}/private' && chmod 0600 '{source}/secret.key' && chmod 0700 '{source}/private'
                """]);
            var store = Path.Combine(root, "store");

            var result = await BackupPsCli.RunAsAsync(account, _ => { }, "backup-directory", "--source-path", source, "--environment", "prod", "--path", store);

            Assert.Equal(1, result.ExitCode);
            Assert.Contains(FileSetErrorIds.SourceNotReadable, result.Stderr);
            Assert.Contains($"{source}/secret.key", result.Stderr);
            Assert.Contains($"{source}/private", result.Stderr);
            Assert.DoesNotContain("ok.txt", result.Stderr);
            Assert.False(Directory.Exists(Path.Combine(store, "prod", "directory", "app")), "a failed backup leaves no folder of its own");
        }
        finally
        {
            ProcessRunner.Run("rm", ["-rf", root]);
        }
    }

    [Fact]
    public void IncrementalRunsStoreOnlyChangesAndExcludesMayBeRepeated()
    {
        _scratch.Sh("mkdir -p 2024 cache && printf one > 2024/a.jpg && printf two > 2024/b.jpg && printf t > cache/x && printf t > 2024/c.tmp");
        string[] common = ["backup-directory", "--source-path", _scratch.Source, "--environment", "prod", "--path", _scratch.Store, "--exclude", "cache", "--exclude", "*.tmp", "--incremental", "--json", "--verbose"];

        var first = BackupPsCli.Run(common);
        _scratch.Sh("printf three > 2024/c.jpg && rm 2024/a.jpg");
        var second = BackupPsCli.Run(common);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("there is no previous backup", first.Stderr + first.Stdout);
        Assert.True(second.ExitCode == 0, second.ToString());
        var firstRecord = Assert.Single(BackupPsCli.JsonLines(first));
        var secondRecord = Assert.Single(BackupPsCli.JsonLines(second));
        var manifest = ManifestStore.Read(secondRecord.GetProperty("ManifestPath").GetString()!);
        Assert.Equal(firstRecord.GetProperty("FileName").GetString(), manifest.BaseFileName);
        Assert.Equal(["cache", "*.tmp"], manifest.Exclude!);
        Assert.Equal([".", "2024", "2024/b.jpg", "2024/c.jpg"], manifest.Files!.Select(f => f.Path));
        Assert.Equal(firstRecord.GetProperty("FileName").GetString(), manifest.Files!.Single(f => f.Path == "2024/b.jpg").StoredIn);
        var listing = FileSetScratch.Tar(secondRecord.GetProperty("Path").GetString()!, "-t");
        Assert.Equal(["./", "2024/", "2024/c.jpg"], listing.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void WhatIfWritesNothing()
    {
        File.WriteAllText(Path.Combine(_scratch.Source, "a"), "a");

        var result = BackupPsCli.Run("backup-directory", "--source-path", _scratch.Source, "--environment", "prod", "--path", _scratch.Store, "--what-if");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(_scratch.Source, result.Stdout + result.Stderr);
        Assert.Empty(_scratch.StoreEntries());
    }

    [Fact]
    public void AnIncrementalBackupRestoresToTheSameTreeAsTheSource()
    {
        // Hard links whose first name is unchanged (so stored in the base) and a second name in the new tar, special modes, owners, links.
        _scratch.Sh("mkdir -p sub empty && printf a > sub/a && chown 1234:99 sub/a && chmod 4750 sub/a && ln sub/a hl && ln -s sub/a sl && chmod 1777 empty && printf old > changing");
        string[] backup = ["backup-directory", "--source-path", _scratch.Source, "--environment", "prod", "--path", _scratch.Store, "--incremental", "--json"];
        Assert.Equal(0, BackupPsCli.Run(backup).ExitCode);
        _scratch.Sh("printf new-content > changing && printf b > added && rm sl");

        var second = BackupPsCli.Run(backup);
        var restored = Path.Combine(_scratch.Root, "restored");
        var restore = BackupPsCli.Run("restore-directory", "--path", Assert.Single(BackupPsCli.JsonLines(second)).GetProperty("Path").GetString()!, "--destination", restored, "--force");

        Assert.True(restore.ExitCode == 0, restore.ToString());
        var diff = ProcessRunner.Run("diff", ["-r", "--no-dereference", _scratch.Source, restored]);
        Assert.True(diff.ExitCode == 0, diff.ToString());
        Assert.Equal(FileSetScratch.Facts(_scratch.Source), FileSetScratch.Facts(restored));
    }
}
