using System.Management.Automation;
using BackupPs.Module.Tests.Infrastructure;
using BackupPs.Tests.Infrastructure;

namespace BackupPs.Module.Tests.EnvFiles;

/// <summary>
/// Export-EnvFile and Import-EnvFile in a real runspace: Get-ChildItem output piped in makes one backup, the alias
/// Export-EnvFiles, -SkipMissing, -WhatIf, -Force; and no .env value in any stream (output objects as JSON, errors,
/// warnings, verbose, progress, host lines, prompts).
/// </summary>
public sealed class EnvFileCmdletTests : IDisposable
{
    private readonly ModuleSession _session = ModuleSession.Start();
    private readonly EnvFileTree _tree = EnvFileTree.Create();

    [Fact]
    public void EverythingPipedFromGetChildItemMakesOneBackupAndNoStreamShowsAValue()
    {
        var result = _session.Invoke("""
            Get-ChildItem -LiteralPath $args[0] -Recurse -Filter .env -Force | Export-EnvFile -Environment prod -Path $args[1] -Verbose
            """, Path.Combine(_tree.Root, "app"), _tree.Store).AssertSucceeded();
        AssertNoValue(result, "Export-EnvFile");
        var record = Assert.Single(result.Output);
        Assert.Equal("EnvFile", record.Properties["Kind"].Value.ToString());
        Assert.Equal(2L, record.Properties["FileCount"].Value);
        Assert.Contains(result.Warnings, w => w.StartsWith($"{_tree.Web} line {EnvFileTree.WebBrokenLine}:", StringComparison.Ordinal));
        Assert.Contains("BackupPs.BackupRecord", record.TypeNames);
        var artifact = (string)record.Properties["Path"].Value;
        foreach (var file in _tree.StoreFilesButArtifacts())
        {
            _tree.AssertNoValue(File.ReadAllText(file), file);
        }

        // The record pipes into Import-EnvFile; -WhatIf names the variables only and writes nothing.
        File.WriteAllText(_tree.Web, "SESSION_KEY=changed\nNEW_ONE=1\n");
        var whatIf = _session.Invoke("Get-Backup -Path $args[0] | Import-EnvFile -WhatIf -Verbose", artifact).AssertSucceeded();
        AssertNoValue(whatIf, "Import-EnvFile -WhatIf");
        // A file that already is as backed up needs nothing, and says so even under -WhatIf.
        Assert.Equal(["Unchanged"], whatIf.Output.Select(o => o.Properties["Action"].Value.ToString()));
        var plan = Assert.Single(whatIf.HostLines, l => l.StartsWith("What if:", StringComparison.Ordinal) && l.Contains(_tree.Web, StringComparison.Ordinal));
        Assert.Contains("Variables added: NEXT_PUBLIC_NAME; removed: NEW_ONE; changed: SESSION_KEY", plan, StringComparison.Ordinal);
        Assert.Equal("SESSION_KEY=changed\nNEW_ONE=1\n", File.ReadAllText(_tree.Web));

        // ConfirmImpact High: asked by default; -Force answers yes.
        _session.Host.Answers.Enqueue(false);
        var declined = _session.Invoke("Import-EnvFile -Path $args[0]", artifact).AssertSucceeded();
        Assert.Single(declined.Prompts);
        // The api file needs nothing (no prompt, Unchanged); the web file was declined: no record, not written.
        Assert.Equal(["Unchanged"], declined.Output.Select(o => o.Properties["Action"].Value.ToString()));
        Assert.Equal("SESSION_KEY=changed\nNEW_ONE=1\n", File.ReadAllText(_tree.Web));
        var forced = _session.Invoke("Import-EnvFile -Path $args[0] -Force -Verbose", artifact).AssertSucceeded();
        AssertNoValue(forced, "Import-EnvFile -Force");
        Assert.Empty(forced.Prompts);
        // Get-ChildItem lists in directory order: find each file's record by its name.
        var actions = forced.Output.ToDictionary(o => (string)o.Properties["File"].Value, o => o.Properties["Action"].Value.ToString());
        Assert.Equal("Unchanged", actions[_tree.Api]);
        Assert.Equal("Replaced", actions[_tree.Web]);
        var web = forced.Output.Single(o => (string)o.Properties["File"].Value == _tree.Web);
        Assert.Contains("BackupPs.EnvFileImportRecord", web.TypeNames);
        Assert.Equal(artifact, web.Properties["Path"].Value);
        Assert.True(File.Exists((string)web.Properties["PreviousCopy"].Value));
    }

    [Fact]
    public void TheAliasExportEnvFilesRunsTheSameCommand()
    {
        var result = _session.Invoke("Export-EnvFiles -SourcePath $args[0], $args[1] -Environment dev -Path $args[2]", _tree.Api, _tree.Web, _tree.Store).AssertSucceeded();
        Assert.Equal(2L, Assert.Single(result.Output).Properties["FileCount"].Value);
    }

    /// <summary>A missing file is an ErrorRecord naming it, the rest is still backed up; -SkipMissing makes it a warning.</summary>
    [Fact]
    public void AMissingFileIsAnErrorRecordUnlessSkipMissing()
    {
        var missing = Path.Combine(_tree.Root, "app", "clients", "nfc-agent", ".env");
        var result = _session.Invoke("Export-EnvFile -SourcePath $args[0], $args[1] -Environment prod -Path $args[2]", _tree.Api, missing, _tree.Store);
        Assert.Null(result.Terminating);
        var error = Assert.Single(result.Errors);
        Assert.Equal("EnvFileNotFound,BackupPs.Commands.ExportEnvFileCommand", error.FullyQualifiedErrorId);
        Assert.Equal(missing, error.TargetObject);
        Assert.Contains("-SkipMissing", error.Exception.Message, StringComparison.Ordinal);
        Assert.Single(result.Output);

        var skipping = _session.Invoke("Export-EnvFile -SourcePath $args[0], $args[1] -Environment prod -Path $args[2] -SkipMissing", _tree.Api, missing, _tree.Store)
            .AssertSucceeded();
        Assert.Contains(skipping.Warnings, w => w.Contains(missing, StringComparison.Ordinal));
        Assert.Single(skipping.Output);
    }

    /// <summary>Relative -SourcePath is resolved against the PowerShell location, not the process's directory.</summary>
    [Fact]
    public void RelativeSourcePathsFollowThePowerShellLocation()
    {
        var result = _session.Invoke("Set-Location -LiteralPath $args[0]; Export-EnvFile apps/api/.env -Environment prod -Path ../store", Path.Combine(_tree.Root, "app"))
            .AssertSucceeded();
        var files = (System.Collections.IEnumerable)Assert.Single(result.Output).Properties["Files"].Value;
        Assert.Equal(_tree.Api.TrimStart('/'), PSObject.AsPSObject(files.Cast<object>().Single()).Properties["Path"].Value);
    }

    /// <summary>A pipeline that brings no file (Get-ChildItem found none) runs nothing and writes nothing.</summary>
    [Fact]
    public void AnEmptyPipelineWritesNothing()
    {
        var result = _session.Invoke("@() | Export-EnvFile -Environment prod -Path $args[0]", _tree.Store).AssertSucceeded();
        Assert.Empty(result.Output);
        Assert.False(Directory.Exists(_tree.Store));
    }

    public void Dispose()
    {
        _session.Dispose();
        _tree.Dispose();
    }

    /// <summary>No marker in any stream the session recorded; output objects are checked as ConvertTo-Json writes them.</summary>
    private void AssertNoValue(SessionResult result, string command)
    {
        var json = _session.Invoke("$args[0] | ConvertTo-Json -Depth 6", result.Output.ToArray()).AssertSucceeded().Output.Select(o => o.ToString());
        _tree.AssertNoValue(string.Join("\n", json), command + " output objects");
        _tree.AssertNoValue(string.Join("\n", result.Errors.Select(e => $"{e} {e.Exception} {e.ErrorDetails} {e.TargetObject}")), command + " errors");
        _tree.AssertNoValue(string.Join("\n", result.Warnings), command + " warnings");
        _tree.AssertNoValue(string.Join("\n", result.Verbose), command + " verbose");
        _tree.AssertNoValue(string.Join("\n", result.Progress.Select(p => $"{p.Activity} {p.StatusDescription}")), command + " progress");
        _tree.AssertNoValue(string.Join("\n", result.HostLines.Concat(result.Prompts)), command + " host lines");
    }
}
