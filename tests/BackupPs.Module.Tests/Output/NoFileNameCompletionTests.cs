using BackupPs.Module.Tests.Infrastructure;

namespace BackupPs.Module.Tests.Output;

/// <summary>
/// A parameter that is not a path never completes file names (the fault for -Container, -Environment and
/// -Database, then for -Role, -Query, -Expected, -Credential, -Since, -Jobs): it completes from its source or nothing;
/// the files of the current folder are never roles, queries, times or numbers.
/// </summary>
public sealed class NoFileNameCompletionTests : IDisposable
{
    private readonly ModuleSession _session = ModuleSession.Start();
    private readonly string _location = Directory.CreateTempSubdirectory("bps-no-file-completion-").FullName;

    [Theory]
    [InlineData("Restore-Database x.dump.zst -Role ")]
    [InlineData("Restore-Database x.dump.zst -NoOwner -Role ")]
    [InlineData("Restore-Database x.dump.zst -Jobs ")]
    [InlineData("Restore-Database x.dump.zst -Credential ")]
    [InlineData("Test-Backup x.dump.zst -Restore -Query ")]
    [InlineData("Test-Backup x.dump.zst -Restore -Query 'select 1' -Expected ")]
    [InlineData("Test-Backup x.dump.zst -Credential ")]
    [InlineData("Get-Backup -Since ")]
    [InlineData("Backup-Database -Container c -Environment dev -Credential ")]
    public void NonPathParametersNeverCompleteFileNames(string line)
    {
        File.WriteAllText(Path.Combine(_location, "bps-not-a-value.txt"), "");
        var offered = _session.Invoke(
            "Set-Location -LiteralPath $args[0]; $line = $args[1]; (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches | ForEach-Object CompletionText",
            _location, line).AssertSucceeded().Output.Select(o => o.ToString()).ToArray();

        Assert.DoesNotContain(offered, text => text.Contains("bps-not-a-value", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        _session.Dispose();
        Directory.Delete(_location, recursive: true);
    }
}
