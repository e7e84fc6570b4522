using System.Management.Automation;
using BackupPs.Module.Tests.Infrastructure;
using BackupPs.Tests.Infrastructure;

namespace BackupPs.Module.Tests.Parameters;

/// <summary>
/// -Path as PowerShell users expect it: string[] with wildcards, from the pipeline by value (strings) and by
/// property name (records' Path), -LiteralPath (Get-ChildItem's PSPath), and one rule across the module: -Path
/// always points at backups (a store folder, backup files, or their manifests).
/// </summary>
[Collection(SharedPostgres.Name)]
public sealed class PathParameterTests(SharedPostgresServer server, BackupStore store) : IClassFixture<BackupStore>, IDisposable
{
    private readonly ModuleSession _session = ModuleSession.Start();

    private IReadOnlyList<string> Files => store.Files(_session, server);

    [Fact]
    public void AStringPipesIntoTestBackup()
    {
        var result = _session.Invoke("$args[0] | Test-Backup", Files[0]).AssertSucceeded();
        Assert.True(Passed(Assert.Single(result.Output)));
    }

    [Fact]
    public void GetChildItemPipesIntoTestBackupAndGetBackup()
    {
        _ = Files;
        var tested = _session.Invoke("Get-ChildItem $args[0] -Recurse -Filter *.zst | Test-Backup", store.Root).AssertSucceeded();
        Assert.Equal(2, tested.Output.Count(Passed));
        var listed = _session.Invoke("Get-Item $args[0] | Get-Backup", store.Root).AssertSucceeded();
        Assert.Equal(Files, listed.Output.Select(PathOf));
    }

    [Fact]
    public void AStorePipesIntoGetBackup()
    {
        var result = _session.Invoke("$args[0] | Get-Backup", store.Root).AssertSucceeded();
        Assert.Equal(Files, result.Output.Select(PathOf));
    }

    [Fact]
    public void RecordsPipeIntoGetBackupAndTestBackup()
    {
        _ = Files;
        var result = _session.Invoke("Get-Backup -Path $args[0] | Get-Backup | Test-Backup", store.Root).AssertSucceeded();
        Assert.Equal(2, result.Output.Count(Passed));
    }

    [Fact]
    public void WildcardsExpandToEveryMatch()
    {
        _ = Files;
        var tested = _session.Invoke("Test-Backup (Join-Path $args[0] 'dev/*/*.zst')", store.Root).AssertSucceeded();
        // In the provider's (name) order: two backups of one second are app-...Z.dump.zst and app-...Z-2.dump.zst.
        Assert.Equal(Files.Order(StringComparer.Ordinal), tested.Output.Select(PathOf).Order(StringComparer.Ordinal));
        var listed = _session.Invoke("Get-Backup -Path (Join-Path $args[0] 'st?re'), $args[1]", store.Folder, Files[0]).AssertSucceeded();
        Assert.Equal(Files, listed.Output.Select(PathOf));
    }

    [Fact]
    public void AWildcardWithoutAMatchIsPathNotFoundAndTheOtherPathsGoOn()
    {
        var result = _session.Invoke("Test-Backup (Join-Path $args[0] '*.nothing'), $args[1]", store.Folder, Files[0]);
        Assert.Null(result.Terminating);
        var error = Assert.Single(result.Errors);
        Assert.Equal("PathNotFound,BackupPs.Commands.TestBackupCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal(Files[0], PathOf(Assert.Single(result.Output)));

        var listing = _session.Invoke("Get-Backup -Path (Join-Path $args[0] 'no-store-*')", store.Folder);
        Assert.Equal("PathNotFound", Assert.Single(listing.Errors).FullyQualifiedErrorId.Split(',')[0]);
        Assert.Empty(listing.Output);
    }

    [Fact]
    public void LiteralPathTakesBracketsAsTyped()
    {
        _ = Files;
        var bracketed = Path.Combine(store.Folder, "copy[1]");
        if (!Directory.Exists(bracketed))
        {
            CopyFolder(store.Root, bracketed);
        }

        var literal = _session.Invoke("Get-Backup -LiteralPath $args[0]", bracketed).AssertSucceeded();
        Assert.Equal(2, literal.Output.Count);
        Assert.All(literal.Output, r => Assert.StartsWith(bracketed, PathOf(r), StringComparison.Ordinal));

        // A record's Path binds to -Path: a name that exists as typed is not taken as a pattern.
        var piped = _session.Invoke("Get-Backup -LiteralPath $args[0] | Test-Backup", bracketed).AssertSucceeded();
        Assert.Equal(2, piped.Output.Count(Passed));
        var file = PathOf(literal.Output[0]);
        Assert.True(Passed(Assert.Single(_session.Invoke("Test-Backup -LP $args[0]", file).AssertSucceeded().Output)));
        Assert.True(Passed(Assert.Single(_session.Invoke("Get-Item -LiteralPath $args[0] | Test-Backup", file).AssertSucceeded().Output)));
    }

    [Fact]
    public void AManifestMeansItsBackup()
    {
        var manifest = Files[0].Replace(".dump.zst", ".manifest.json", StringComparison.Ordinal);
        var result = _session.Invoke("Test-Backup $args[0]", manifest).AssertSucceeded();
        Assert.Equal(Files[0], PathOf(Assert.Single(result.Output)));
        Assert.Equal(Files[0], PathOf(Assert.Single(_session.Invoke("Get-Backup -Path $args[0]", manifest).AssertSucceeded().Output)));
    }

    [Fact]
    public void AFolderMeansTheBackupsInIt()
    {
        _ = Files;
        var result = _session.Invoke("Test-Backup $args[0]", store.Root).AssertSucceeded();
        Assert.Equal(Files, result.Output.Select(PathOf));
    }

    [Fact]
    public void RestoreDatabaseRefusesAFolderOfSeveralBackupsAndSaysHowToPick()
    {
        _ = Files;
        var result = _session.Invoke("Restore-Database -Path $args[0] -Database never_made -WhatIf", store.Root);
        var error = result.TerminatingRecord ?? Assert.Single(result.Errors);
        Assert.Equal("AmbiguousBackup,BackupPs.Commands.RestoreDatabaseCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Contains("-Latest | Restore-Database", error.Exception.Message, StringComparison.Ordinal);
        Assert.Empty(result.HostLines);
    }

    [Fact]
    public void RecordsPipedIntoBackupDatabaseKeepTheirStore()
    {
        var root = Path.Combine(store.Folder, "own-store");
        var first = BackupStore.Backup(_session, server, root);
        var elsewhere = Directory.CreateTempSubdirectory("bps-location-").FullName;
        try
        {
            var result = _session.Invoke("Set-Location $args[1]; Get-Backup -Path $args[0] -Latest | Backup-Database", root, elsewhere).AssertSucceeded();
            var written = PathOf(Assert.Single(result.Output));
            Assert.Equal(Path.GetDirectoryName(first), Path.GetDirectoryName(written));
            Assert.Empty(Directory.EnumerateFileSystemEntries(elsewhere));
        }
        finally
        {
            _session.Invoke("Set-Location /");
            Directory.Delete(elsewhere, recursive: true);
        }
    }

    [Theory]
    [InlineData("Get-Backup -Path ''")]
    [InlineData("Get-Backup -Path $unsetInACronScript")]
    [InlineData("Get-Backup -LiteralPath ''")]
    [InlineData("Test-Backup -Path ''")]
    [InlineData("Test-Backup -Path @()")]
    [InlineData("Restore-Database -Path '' -WhatIf")]
    [InlineData("Backup-Database -Container x -Environment dev -Path '' -WhatIf")]
    [InlineData("Backup-Database -Container x -Environment dev -Path $unsetInACronScript -WhatIf")]
    [InlineData("Restore-Database -Path x.dump.zst -Replace -SafetyBackupPath '' -WhatIf")]
    public void AnEmptyPathIsRefusedNeverTheCurrentFolder(string script)
    {
        var location = Directory.CreateTempSubdirectory("bps-empty-").FullName;
        try
        {
            var result = _session.Invoke($"Set-Location $args[0]; {script}", location);
            var error = result.TerminatingRecord ?? Assert.Single(result.Errors);
            Assert.StartsWith("ParameterArgumentValidationError,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
            Assert.Equal(ErrorCategory.InvalidData, error.CategoryInfo.Category);
            Assert.Empty(Directory.EnumerateFileSystemEntries(location));
        }
        finally
        {
            _session.Invoke("Set-Location /");
            Directory.Delete(location, recursive: true);
        }
    }

    [Fact]
    public void AnEmptyStringPipedIsRefused()
    {
        var result = _session.Invoke("'' | Test-Backup");
        var error = result.TerminatingRecord ?? Assert.Single(result.Errors);
        Assert.StartsWith("ParameterArgumentValidationError,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Test-Backup Env:/PATH")]
    [InlineData("Get-Backup -Path Variable:/PWD")]
    [InlineData("Restore-Database -LiteralPath Function:/prompt -WhatIf")]
    public void PathsOfOtherProvidersAreRefused(string script)
    {
        var result = _session.Invoke(script);
        var error = result.TerminatingRecord ?? Assert.Single(result.Errors);
        Assert.StartsWith("PathNotFileSystem,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Contains("provider", error.Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BackupDatabaseRefusesAWildcardMatchingSeveralFolders()
    {
        _ = Files;
        Directory.CreateDirectory(Path.Combine(store.Folder, "twin-a"));
        Directory.CreateDirectory(Path.Combine(store.Folder, "twin-b"));
        var result = _session.Invoke("Backup-Database -Container $args[0] -Environment dev -Path (Join-Path $args[1] 'twin-*') -WhatIf", server.Name, store.Folder);
        var error = result.TerminatingRecord ?? Assert.Single(result.Errors);
        Assert.Equal("AmbiguousPath,BackupPs.Commands.BackupDatabaseCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Empty(result.HostLines);
    }

    public void Dispose() => _session.Dispose();

    private static bool Passed(PSObject result) => (bool)result.Properties["Passed"].Value;

    private static string PathOf(PSObject record) => (string)record.Properties["Path"].Value;

    private static void CopyFolder(string from, string to)
    {
        foreach (var folder in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories).Prepend(from))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, folder));
            Directory.CreateDirectory(target);
            File.SetUnixFileMode(target, File.GetUnixFileMode(folder));
            foreach (var file in Directory.EnumerateFiles(folder))
            {
                File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
            }
        }
    }
}
