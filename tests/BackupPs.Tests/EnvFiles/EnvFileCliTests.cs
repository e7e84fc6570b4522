using System.Text;
using System.Text.Json;
using BackupPs.Core.Compression;
using BackupPs.Tests.Infrastructure;

namespace BackupPs.Tests.EnvFiles;

/// <summary>
/// export-env-file and import-env-file as an operator runs them, in the forms the issue names: real files, real
/// modes and owners, the real program. Values are unique markers that must never leave the 0600 artifact.
/// </summary>
public sealed class EnvFileCliTests : IDisposable
{
    private readonly EnvFileTree _tree = EnvFileTree.Create();

    [Fact]
    public void ExportAndImportNeverShowAValueAnywhereButInTheArtifact()
    {
        var export = BackupPsCli.Run("export-env-file", "--source-path", _tree.Api, "--source-path", _tree.Web, "--environment", "prod", "--path", _tree.Store,
            "--verbose", "--json");
        Assert.True(export.ExitCode == 0, export.ToString());
        AssertNoValue(export, "the export's output");
        // The line that defines nothing is named by file and number.
        Assert.Contains($"{_tree.Web} line {EnvFileTree.WebBrokenLine}:", export.Stderr, StringComparison.Ordinal);

        var record = Assert.Single(BackupPsCli.JsonLines(export));
        var artifact = record.GetProperty("Path").GetString()!;
        Assert.Equal("EnvFile", record.GetProperty("Kind").GetString());
        Assert.Equal(Path.Combine(_tree.Store, "prod", "envfile", "env"), Path.GetDirectoryName(artifact));
        Assert.Matches(@"^env-prod-\d{8}T\d{6}Z\.tar\.zst$", Path.GetFileName(artifact));
        var files = record.GetProperty("Files").EnumerateArray().ToArray();
        Assert.Equal([_tree.Api.TrimStart('/'), _tree.Web.TrimStart('/')], files.Select(f => f.GetProperty("Path").GetString()));
        Assert.Equal(EnvFileTree.ApiNames, files[0].GetProperty("Variables").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(EnvFileTree.WebNames, files[1].GetProperty("Variables").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal("0640", files[0].GetProperty("Mode").GetString());

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(artifact));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(artifact)!));
        foreach (var file in _tree.StoreFilesButArtifacts())
        {
            _tree.AssertNoValue(File.ReadAllText(file), file);
        }

        // Inside the artifact, and only there, every value is kept.
        var tar = Decompress(artifact);
        Assert.All(_tree.Markers, m => Assert.Contains(m, tar, StringComparison.Ordinal));

        // Change the api file: one value changed, one variable removed, one added.
        var original = File.ReadAllBytes(_tree.Api);
        var newValue = "SeCrEtNew" + Guid.NewGuid().ToString("N");
        File.WriteAllText(_tree.Api, $"JWT_SECRET={newValue}\nPRIVATE_KEY=\"-----BEGIN PRIVATE KEY-----\n{_tree.Markers[2]}\n-----END PRIVATE KEY-----\"\r\nAPI_TOKEN='{_tree.Markers[3]}' # rotated\nAPI_URL=https://api.example.test\nADDED_LATER={newValue}\n");
        var changed = File.ReadAllBytes(_tree.Api);

        var whatIf = BackupPsCli.Run("import-env-file", "--path", artifact, "--what-if", "--verbose", "--json");
        Assert.True(whatIf.ExitCode == 0, whatIf.ToString());
        AssertNoValue(whatIf, "the import's -WhatIf output");
        Assert.DoesNotContain(newValue, whatIf.Stdout + whatIf.Stderr, StringComparison.Ordinal);
        var plan = Assert.Single(whatIf.Stdout.Split('\n'), l => l.StartsWith("What if:", StringComparison.Ordinal) && l.Contains(_tree.Api, StringComparison.Ordinal));
        Assert.Contains("Variables added: DB_PASSWORD; removed: ADDED_LATER; changed: JWT_SECRET", plan, StringComparison.Ordinal);
        Assert.Equal(changed, File.ReadAllBytes(_tree.Api));

        var import = BackupPsCli.Run("import-env-file", "--path", artifact, "--force", "--verbose", "--json");
        Assert.True(import.ExitCode == 0, import.ToString());
        AssertNoValue(import, "the import's output");
        Assert.DoesNotContain(newValue, import.Stdout + import.Stderr, StringComparison.Ordinal);
        var records = BackupPsCli.JsonLines(import);
        Assert.Equal(2, records.Count);
        Assert.All(records, r =>
        {
            Assert.Equal(artifact, r.GetProperty("Path").GetString());
            Assert.Equal("EnvFile", r.GetProperty("Kind").GetString());
        });
        var api = records[0];
        Assert.Equal(_tree.Api, api.GetProperty("File").GetString());
        Assert.Equal("Replaced", api.GetProperty("Action").GetString());
        Assert.Equal(["DB_PASSWORD"], Names(api, "Added"));
        Assert.Equal(["ADDED_LATER"], Names(api, "Removed"));
        Assert.Equal(["JWT_SECRET"], Names(api, "Changed"));
        Assert.Equal("Unchanged", records[1].GetProperty("Action").GetString());
        Assert.Equal(original, File.ReadAllBytes(_tree.Api));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(_tree.Api));

        // The replaced file is kept, 0600, beside it.
        var copy = api.GetProperty("PreviousCopy").GetString()!;
        Assert.Matches(@"\.env\.before-\d{8}T\d{6}Z$", copy);
        Assert.Equal(changed, File.ReadAllBytes(copy));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(copy));
        Assert.Empty(Directory.EnumerateFiles(Path.GetDirectoryName(_tree.Api)!, "*.partial", new EnumerationOptions { AttributesToSkip = 0 }));
    }

    /// <summary>As root, the recorded owner and group come back with the mode and the modification time.</summary>
    [Fact]
    public void ImportRestoresModeOwnerAndTime()
    {
        Run("chown", "1234:2345", _tree.Api);
        File.SetUnixFileMode(_tree.Api, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        File.SetLastWriteTimeUtc(_tree.Api, new DateTime(2026, 3, 4, 5, 6, 7, 891, DateTimeKind.Utc));
        var original = File.ReadAllBytes(_tree.Api);
        var artifact = Export("--source-path", _tree.Api);

        File.WriteAllText(_tree.Api, "JWT_SECRET=replaced\n");
        Run("chown", "0:0", _tree.Api);
        File.SetUnixFileMode(_tree.Api, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var import = BackupPsCli.Run("import-env-file", "--path", artifact, "--force", "--json");
        Assert.True(import.ExitCode == 0, import.ToString());
        Assert.Equal(original, File.ReadAllBytes(_tree.Api));
        Assert.Equal("1234:2345 640", Run("stat", "-c", "%u:%g %a", _tree.Api).Trim());
        Assert.Equal(new DateTime(2026, 3, 4, 5, 6, 7, 891, DateTimeKind.Utc), File.GetLastWriteTimeUtc(_tree.Api));
        var record = Assert.Single(BackupPsCli.JsonLines(import));
        Assert.Equal((1234, 2345, "0640"), (record.GetProperty("Uid").GetInt64(), record.GetProperty("Gid").GetInt64(), record.GetProperty("Mode").GetString()));
    }

    [Fact]
    public void AMissingFileIsAnErrorNamingItAndTheOthersAreStillBackedUp()
    {
        var missing = Path.Combine(_tree.Root, "app", "clients", "nfc-agent", ".env");
        var run = BackupPsCli.Run("export-env-file", "--source-path", _tree.Api, "--source-path", missing, "--environment", "prod", "--path", _tree.Store, "--json");
        Assert.Equal(1, run.ExitCode);
        var error = Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.Contains(missing, StringComparison.Ordinal));
        Assert.Contains("[EnvFileNotFound]", error, StringComparison.Ordinal);
        Assert.Contains("--skip-missing", error, StringComparison.Ordinal);
        var record = Assert.Single(BackupPsCli.JsonLines(run));
        Assert.Equal([_tree.Api.TrimStart('/')], record.GetProperty("Files").EnumerateArray().Select(f => f.GetProperty("Path").GetString()));
        Assert.Equal(missing.TrimStart('/'), Assert.Single(record.GetProperty("Skipped").EnumerateArray()).GetProperty("Path").GetString());

        var skipping = BackupPsCli.Run("export-env-file", "--source-path", _tree.Api, "--source-path", missing, "--environment", "prod", "--path", _tree.Store,
            "--skip-missing", "--json");
        Assert.True(skipping.ExitCode == 0, skipping.ToString());
        Assert.Contains(missing, skipping.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("[EnvFileNotFound]", skipping.Stderr, StringComparison.Ordinal);
        Assert.Single(BackupPsCli.JsonLines(skipping));
    }

    [Fact]
    public void NothingLeftToBackUpWritesNoArtifact()
    {
        var missing = Path.Combine(_tree.Root, "nowhere", ".env");
        var run = BackupPsCli.Run("export-env-file", "--source-path", missing, "--environment", "prod", "--path", _tree.Store, "--skip-missing");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("nothing was written", run.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_tree.Store));

        var failing = BackupPsCli.Run("export-env-file", "--source-path", missing, "--environment", "prod", "--path", _tree.Store);
        Assert.Equal(1, failing.ExitCode);
        Assert.False(Directory.Exists(_tree.Store));
    }

    /// <summary>A folder, a FIFO (never opened: it would block) and a dangling link are refused per file; a link to a file is followed.</summary>
    [Fact]
    public void WhatIsNotARegularFileIsRefusedAndALinkIsFollowedToItsFile()
    {
        var folder = Path.GetDirectoryName(_tree.Api)!;
        var fifo = Path.Combine(_tree.Root, "fifo.env");
        Run("mkfifo", fifo);
        var dangling = Path.Combine(_tree.Root, "dangling.env");
        File.CreateSymbolicLink(dangling, Path.Combine(_tree.Root, "gone"));
        var link = Path.Combine(_tree.Root, "linked.env");
        File.CreateSymbolicLink(link, _tree.Web);

        var run = BackupPsCli.RunWithin(TimeSpan.FromMinutes(2), "export-env-files", "--source-path", folder, "--source-path", fifo, "--source-path", dangling,
            "--source-path", link, "--environment", "prod", "--path", _tree.Store, "--json", "--verbose");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"{folder} is not backed up: it is a directory", run.Stderr, StringComparison.Ordinal);
        Assert.Contains($"{fifo} is not backed up: it is a FIFO", run.Stderr, StringComparison.Ordinal);
        Assert.Contains($"{dangling} is not backed up: it is a symbolic link to nothing", run.Stderr, StringComparison.Ordinal);
        Assert.Contains($"{link} is a symbolic link to {_tree.Web}", run.Stderr, StringComparison.Ordinal);
        var record = Assert.Single(BackupPsCli.JsonLines(run));
        Assert.Equal([_tree.Web.TrimStart('/')], record.GetProperty("Files").EnumerateArray().Select(f => f.GetProperty("Path").GetString()));
        Assert.Equal(3, record.GetProperty("Skipped").GetArrayLength());
    }

    [Fact]
    public void ImportUnderADestinationLeavesTheLiveFilesAlone()
    {
        var artifact = Export("--source-path", _tree.Api, "--source-path", _tree.Web);
        var destination = Path.Combine(_tree.Root, "check");
        var live = File.GetLastWriteTimeUtc(_tree.Api);

        var import = BackupPsCli.Run("import-env-file", "--path", artifact, "--destination", destination, "--force", "--json");
        Assert.True(import.ExitCode == 0, import.ToString());
        AssertNoValue(import, "the import's output");
        var api = Path.Combine(destination, _tree.Api.TrimStart('/'));
        Assert.Equal(File.ReadAllBytes(_tree.Api), File.ReadAllBytes(api));
        Assert.Equal(File.ReadAllBytes(_tree.Web), File.ReadAllBytes(Path.Combine(destination, _tree.Web.TrimStart('/'))));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(api)!));
        Assert.All(BackupPsCli.JsonLines(import), r => Assert.Equal("Created", r.GetProperty("Action").GetString()));
        Assert.Equal(live, File.GetLastWriteTimeUtc(_tree.Api));
    }

    /// <summary>The README's restore by hand: GNU tar puts the files, modes and owners back as Import-EnvFile does.</summary>
    [Fact]
    public void GnuTarRestoresTheArtifactByHand()
    {
        Run("chown", "1234:2345", _tree.Api);
        var artifact = Export("--source-path", _tree.Api, "--source-path", _tree.Web);
        var destination = Directory.CreateDirectory(Path.Combine(_tree.Root, "by-hand")).FullName;

        Run("tar", "--zstd", "-xpf", artifact, "-C", destination, "--numeric-owner");
        foreach (var file in new[] { _tree.Api, _tree.Web })
        {
            var restored = Path.Combine(destination, file.TrimStart('/'));
            Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(restored));
            Assert.Equal(Run("stat", "-c", "%u:%g %a %Y", file), Run("stat", "-c", "%u:%g %a %Y", restored));
        }
    }

    /// <summary>A backup whose bytes were changed (same size) is refused before any file is written.</summary>
    [Fact]
    public void ADamagedBackupWritesNothing()
    {
        var artifact = Export("--source-path", _tree.Api);
        var bytes = File.ReadAllBytes(artifact);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(artifact, bytes);
        var destination = Path.Combine(_tree.Root, "check");

        var import = BackupPsCli.Run("import-env-file", "--path", artifact, "--destination", destination, "--force");
        Assert.Equal(1, import.ExitCode);
        Assert.Contains("[BackupFileDamaged]", import.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(destination));
    }

    /// <summary>An operator who is not root exports and imports their own files: the mode comes back, no chown is tried.</summary>
    [Fact]
    public async Task ANonRootOperatorExportsAndImportsTheirOwnFiles()
    {
        var home = OperatorAccount.Nobody.NewWritableFolder();
        try
        {
            var file = Path.Combine(home, ".env");
            var store = Path.Combine(home, "store");
            File.WriteAllText(file, $"TOKEN={_tree.Markers[0]}\n");
            Run("chown", "65534:65534", file);
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);

            var export = await BackupPsCli.RunAsAsync(OperatorAccount.Nobody, _ => { }, "export-env-file", "--source-path", file, "--environment", "dev", "--path", store, "--json");
            Assert.True(export.ExitCode == 0, export.ToString());
            var artifact = Assert.Single(BackupPsCli.JsonLines(export)).GetProperty("Path").GetString()!;
            File.WriteAllText(file, "TOKEN=other\n");

            var import = await BackupPsCli.RunAsAsync(OperatorAccount.Nobody, _ => { }, "import-env-file", "--path", artifact, "--force", "--json", "--verbose");
            Assert.True(import.ExitCode == 0, import.ToString());
            AssertNoValue(import, "the non-root import's output");
            Assert.Equal($"TOKEN={_tree.Markers[0]}\n", File.ReadAllText(file));
            Assert.Equal("65534:65534 600", Run("stat", "-c", "%u:%g %a", file).Trim());
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    public void Dispose() => _tree.Dispose();

    /// <summary>Exports the files given as prod into the tree's store; the artifact's path.</summary>
    private string Export(params string[] sources)
    {
        var run = BackupPsCli.Run(["export-env-file", .. sources, "--environment", "prod", "--path", _tree.Store, "--json"]);
        Assert.True(run.ExitCode == 0, run.ToString());
        return Assert.Single(BackupPsCli.JsonLines(run)).GetProperty("Path").GetString()!;
    }

    private void AssertNoValue(ProcessResult run, string where)
    {
        _tree.AssertNoValue(run.Stdout, where + " (stdout)");
        _tree.AssertNoValue(run.Stderr, where + " (stderr)");
    }

    private static string[] Names(JsonElement record, string property) =>
        record.GetProperty(property).EnumerateArray().Select(n => n.GetString()!).ToArray();

    private static string Decompress(string artifact)
    {
        using var file = File.OpenRead(artifact);
        using var decompressed = CompressionStreams.OpenDecompressor(file, artifact);
        using var reader = new StreamReader(decompressed, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private static string Run(string program, params string[] args)
    {
        var result = ProcessRunner.Run(program, args);
        Assert.True(result.ExitCode == 0, $"{program} failed: {result}");
        return result.Stdout;
    }
}
