using System.Management.Automation;
using BackupPs.Module.Tests.Infrastructure;

namespace BackupPs.Module.Tests.Parameters;

/// <summary>
/// Bad values and switches that go together are refused when the parameters are bound, before anything runs:
/// validation attributes and parameter sets generated from the options (the CLI refuses the same from the same data).
/// None of these reach Docker, so no server is needed.
/// </summary>
public sealed class ParameterValidationTests : IDisposable
{
    private readonly ModuleSession _session = ModuleSession.Start();

    [Theory]
    [InlineData("Backup-Database -Container x -Environment dev -Database ''", "Database")]
    [InlineData("Backup-Database -Container '' -Environment dev", "Container")]
    [InlineData("Backup-Database -ComposeProject '' -ComposeService db -Environment dev", "ComposeProject")]
    [InlineData("Backup-Database -Container x -Environment dev -Database ('d' * 64)", "Database")]
    [InlineData("Backup-Database -Container x -Environment '../etc'", "Environment")]
    [InlineData("Backup-Database -Container x -Environment ''", "Environment")]
    [InlineData("Get-Backup -Environment 'a b'", "Environment")]
    [InlineData("Get-Backup -Database ''", "Database")]
    [InlineData("Restore-Database -Path x.dump.zst -Container ''", "Container")]
    [InlineData("Restore-Database -Path x.dump.zst -Database ''", "Database")]
    [InlineData("Restore-Database -Path x.dump.zst -Role ''", "Role")]
    [InlineData("Restore-Database -Path x.dump.zst -TargetEnvironment 'prod!'", "TargetEnvironment")]
    [InlineData("Restore-Database -Path x.dump.zst -Jobs 1000", "Jobs")]
    [InlineData("Restore-Database -Path x.dump.zst -Jobs -1", "Jobs")]
    [InlineData("Restore-Database -Path x.dump.zst -AcceptError Other", "AcceptError")]
    [InlineData("Restore-Database -Path x.dump.zst -AcceptError MissingRole, Other", "AcceptError")]
    [InlineData("Test-Backup -Path x.dump.zst -Restore -Query ''", "Query")]
    [InlineData("Test-Backup -Path x.dump.zst -Restore -Container ''", "Container")]
    public void BadValuesAreValidationErrorsAtBinding(string script, string parameter)
    {
        var result = _session.Invoke(script);
        var error = result.TerminatingRecord ?? Assert.Single(result.Errors);
        Assert.StartsWith("ParameterArgumentValidationError,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.InvalidData, error.CategoryInfo.Category);
        Assert.Contains($"'{parameter}'", error.Exception.Message, StringComparison.Ordinal);
        Assert.Empty(result.Output);
    }

    [Fact]
    public void AnEnvironmentNameIsRefusedWithTheCoresRule()
    {
        var error = Refused("Backup-Database -Container x -Environment '../etc'");
        Assert.Contains("use 1-32 letters, digits, '-' or '_'", error.Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AcceptErrorNeverCompletesOther()
    {
        var script = "$line = 'Restore-Database x -AcceptError '; (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText";
        var offered = _session.Invoke(script).AssertSucceeded().Output.Select(o => o.ToString()).ToArray();
        Assert.Equal(["AlreadyExists", "MissingRole", "NotOwner", "RoleMembership"], offered.Order());
    }

    [Theory]
    [InlineData("Restore-Database -Path x.dump.zst -KeepPrevious")]
    [InlineData("Restore-Database -Path x.dump.zst -SkipSafetyBackup")]
    [InlineData("Restore-Database -Path x.dump.zst -SafetyBackupPath /tmp")]
    [InlineData("Test-Backup -Path x.dump.zst -Isolated")]
    [InlineData("Test-Backup -Path x.dump.zst -Container db")]
    [InlineData("Test-Backup -Path x.dump.zst -Query 'select true'")]
    [InlineData("Test-Backup -Path x.dump.zst -Expected 42")]
    [InlineData("Test-Backup -Path x.dump.zst -Credential ([pscredential]::new('u', (ConvertTo-SecureString p -AsPlainText -Force)))")]
    public void OptionsThatNeedASwitchAreRefusedWithoutIt(string script)
    {
        // As in a runbook, where no one can answer: an interactive shell first asks for the missing switch.
        using var shell = PowerShell.Create();
        shell.AddScript("Import-Module $args[0]; " + script).AddArgument(ModuleSession.ManifestPath);
        Assert.Empty(shell.Invoke());
        var error = Assert.Single(shell.Streams.Error);
        // MissingMandatoryParameter when one set is left (it lacks the switch), AmbiguousParameterSet when several are.
        Assert.Contains(error.FullyQualifiedErrorId.Split(',')[0], new[] { "MissingMandatoryParameter", "AmbiguousParameterSet" });
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
    }

    [Theory]
    [InlineData("Get-Backup -Path /a -LiteralPath /b")]
    [InlineData("Test-Backup -Path /a -LiteralPath /b")]
    [InlineData("Backup-Database -Container x -ComposeProject p -ComposeService s -Environment dev")]
    [InlineData("Test-Backup -Path /a -Restore -Isolated -Container db")]
    [InlineData("Test-Backup -Path /a -Restore -Isolated -Credential ([pscredential]::new('u', (ConvertTo-SecureString p -AsPlainText -Force)))")]
    [InlineData("Restore-Database -Path /a -Replace -SkipSafetyBackup -SafetyBackupPath /tmp")]
    public void ParametersOfDifferentSetsCannotBeMixed(string script)
    {
        var error = Refused(script);
        Assert.StartsWith("AmbiguousParameterSet,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
    }

    public void Dispose() => _session.Dispose();

    private ErrorRecord Refused(string script)
    {
        var result = _session.Invoke(script);
        Assert.Empty(result.Output);
        return result.TerminatingRecord ?? Assert.Single(result.Errors);
    }
}
