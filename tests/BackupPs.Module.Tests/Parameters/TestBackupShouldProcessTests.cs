using System.Management.Automation;
using BackupPs.Module.Tests.Infrastructure;
using BackupPs.Tests.Infrastructure;

namespace BackupPs.Module.Tests.Parameters;

/// <summary>
/// Test-Backup -Restore restores into a server, so it asks ShouldProcess (ConfirmImpact Medium: only under
/// -Confirm): -WhatIf, $WhatIfPreference and a No leave the server alone and say what would be done. The plain
/// integrity test changes nothing and runs under -WhatIf too.
/// </summary>
[Collection(SharedPostgres.Name)]
public sealed class TestBackupShouldProcessTests(SharedPostgresServer server, BackupStore store) : IClassFixture<BackupStore>, IDisposable
{
    private readonly ModuleSession _session = ModuleSession.Start();

    private string File => store.Files(_session, server)[0];

    [Theory]
    [InlineData("Test-Backup -Path $args[0] -Restore -WhatIf")]
    [InlineData("$WhatIfPreference = $true; try { $args[0] | Test-Backup -Restore } finally { $WhatIfPreference = $false }")]
    public void WhatIfSaysWhatTheDrillWouldDoAndRunsNothing(string script)
    {
        var databases = Databases();
        var result = _session.Invoke(script, File).AssertSucceeded();
        var line = Assert.Single(result.HostLines, l => l.StartsWith("What if:", StringComparison.Ordinal));
        Assert.Contains("Restore drill of " + File, line, StringComparison.Ordinal);
        Assert.Contains("container " + server.Name, line, StringComparison.Ordinal);
        Assert.Empty(result.Output);
        OnlyTheManifestWasRead(result.Progress);
        Assert.Equal(databases, Databases());
    }

    [Fact]
    public void ConfirmAnsweredNoRunsNothingAndYesRunsTheDrill()
    {
        var databases = Databases();
        _session.Host.Answers.Enqueue(false);
        var declined = _session.Invoke("Test-Backup -Path $args[0] -Restore -Confirm", File).AssertSucceeded();
        Assert.Single(declined.Prompts);
        Assert.Empty(declined.Output);
        OnlyTheManifestWasRead(declined.Progress);
        Assert.Equal(databases, Databases());

        _session.Host.Answers.Enqueue(true);
        var accepted = _session.Invoke("Test-Backup -Path $args[0] -Restore -Confirm", File).AssertSucceeded();
        Assert.Single(accepted.Prompts);
        var result = Assert.Single(accepted.Output);
        Assert.True((bool)result.Properties["Passed"].Value);
        Assert.NotNull(result.Properties["RestoredInto"].Value);
        Assert.NotEmpty(accepted.Progress);
        Assert.Equal(databases, Databases());
    }

    /// <summary>The plan needs the manifest (it names the container); no step after reading it may have started.</summary>
    private static void OnlyTheManifestWasRead(IReadOnlyList<ProgressRecord> progress) =>
        Assert.All(progress, p => Assert.True(p.StatusDescription is "Starting" || p.StatusDescription.Contains("reading the manifest", StringComparison.Ordinal),
            "A drill declined or under -WhatIf went past its manifest: " + p.StatusDescription));

    [Fact]
    public void TheDrillDoesNotAskWithoutConfirm()
    {
        var result = _session.Invoke("Test-Backup -Path $args[0] -Restore", File).AssertSucceeded();
        Assert.Empty(result.Prompts);
        Assert.True((bool)Assert.Single(result.Output).Properties["Passed"].Value);
    }

    [Fact]
    public void ThePlainTestChangesNothingAndRunsUnderWhatIf()
    {
        var result = _session.Invoke("Test-Backup -Path $args[0] -WhatIf", File).AssertSucceeded();
        Assert.Empty(result.HostLines);
        Assert.True((bool)Assert.Single(result.Output).Properties["Passed"].Value);
    }

    public void Dispose() => _session.Dispose();

    private string Databases() => server.Psql("select string_agg(datname, ',' order by datname) from pg_database", "postgres");
}
