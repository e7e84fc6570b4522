using BackupPs.Module.Tests.Infrastructure;
using BackupPs.Tests.Infrastructure;

namespace BackupPs.Module.Tests.Session;

/// <summary>The module imports into a fresh runspace the way a user imports it, and its cmdlets run there.</summary>
[Collection(SharedPostgres.Name)]
public sealed class ModuleImportTests(SharedPostgresServer server) : IDisposable
{
    private readonly ModuleSession _session = ModuleSession.Start();
    private readonly string _store = Directory.CreateTempSubdirectory("bps-runspace-").FullName;

    [Fact]
    public void ExportsExactlyTheManifestsCmdlets()
    {
        var names = _session.Invoke("(Get-Command -Module BackupPs).Name | Sort-Object").AssertSucceeded().Output.Select(o => o.ToString());
        Assert.Equal(["Backup-Database", "Backup-Directory", "Backup-Volume", "Export-EnvFile", "Export-EnvFiles", "Get-Backup", "Import-EnvFile", "Restore-Database", "Restore-Directory", "Restore-Volume", "Test-Backup"], names);
    }

    /// <summary>Export-EnvFiles, the name in the user's card, is an alias of Export-EnvFile that the module exports.</summary>
    [Fact]
    public void CmdletAliasesAreExportedAndResolve()
    {
        var alias = _session.Invoke("Get-Alias Export-EnvFiles | ForEach-Object { '{0} {1}' -f $_.ResolvedCommandName, $_.ModuleName }").AssertSucceeded().Output.Single();
        Assert.Equal("Export-EnvFile BackupPs", alias.ToString());
    }

    [Fact]
    public void BacksUpListsAndTestsThroughThePipeline()
    {
        var result = _session.Invoke(
            "Backup-Database -Container $args[0] -Environment dev -Path $args[1] | Out-Null; Get-Backup -Path $args[1] | Test-Backup",
            server.Name, _store).AssertSucceeded();
        var test = Assert.Single(result.Output);
        Assert.True((bool)test.Properties["Passed"].Value);
    }

    [Fact]
    public void WhatIfWritesNothingAndSaysWhatItWouldDo()
    {
        var target = Path.Combine(_store, "whatif");
        var result = _session.Invoke("Backup-Database -Container $args[0] -Environment dev -Path $args[1] -WhatIf", server.Name, target).AssertSucceeded();
        Assert.Empty(result.Output);
        Assert.Contains(result.HostLines, l => l.StartsWith("What if:", StringComparison.Ordinal));
        Assert.False(Directory.Exists(target));
    }

    public void Dispose()
    {
        _session.Dispose();
        Directory.Delete(_store, recursive: true);
    }
}
