using BackupPs.Module.Tests.Infrastructure;

namespace BackupPs.Module.Tests.Parameters;

/// <summary>
/// Restore-Directory writes trees, so it asks by default (ConfirmImpact High against $ConfirmPreference High): a No and
/// -WhatIf write nothing and say what would be done, -Confirm:$false and -Force run without asking, and its record's
/// Duration is a [TimeSpan]. Test-Backup -Restore of a file set asks under -Confirm only and shows its throwaway folder under -WhatIf.
/// The backup is a fixture (Fixtures/directory: certs with a setgid folder, a 0600 key and a symbolic link), copied into a
/// private store.
/// </summary>
public sealed class DirectoryRestoreShouldProcessTests : IDisposable
{
    private readonly ModuleSession _session = ModuleSession.Start();
    private readonly string _root = Directory.CreateTempSubdirectory("bps-dirconfirm-").FullName;

    public DirectoryRestoreShouldProcessTests()
    {
        var folder = Path.Combine(_root, "store", "test", "directory", "certs");
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Fixtures", "directory")))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
            File.SetUnixFileMode(Path.Combine(folder, Path.GetFileName(file)), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        Backup = Directory.GetFiles(folder, "*.tar.gz").Single();
    }

    private string Backup { get; }

    private string Target => Path.Combine(_root, "certs");

    public void Dispose()
    {
        _session.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public void It_asks_by_default_and_No_writes_nothing()
    {
        _session.Host.Answers.Enqueue(false);
        var declined = _session.Invoke("Restore-Directory -Path $args[0] -Destination $args[1]", Backup, Target).AssertSucceeded();

        Assert.Single(declined.Prompts);
        Assert.Empty(declined.Output);
        Assert.False(Path.Exists(Target));

        _session.Host.Answers.Enqueue(true);
        var accepted = _session.Invoke("Restore-Directory -Path $args[0] -Destination $args[1]", Backup, Target).AssertSucceeded();
        Assert.Single(accepted.Prompts);
        var record = Assert.Single(accepted.Output);
        Assert.Contains("BackupPs.DirectoryRestoreRecord", record.TypeNames);
        Assert.IsType<TimeSpan>(record.Properties["Duration"].Value);
        Assert.Equal("live/key.pem", new FileInfo(Path.Combine(Target, "cert.pem")).LinkTarget);
    }

    [Theory]
    [InlineData("Restore-Directory -Path $args[0] -Destination $args[1] -Replace -WhatIf")]
    [InlineData("$WhatIfPreference = $true; try { Get-Item $args[0] | Restore-Directory -Destination $args[1] -Replace } finally { $WhatIfPreference = $false }")]
    public void WhatIf_prints_the_plan_and_writes_nothing(string script)
    {
        Directory.CreateDirectory(Target);
        File.WriteAllText(Path.Combine(Target, "old.pem"), "old");

        var result = _session.Invoke(script, Backup, Target).AssertSucceeded();

        var line = Assert.Single(result.HostLines, l => l.StartsWith("What if:", StringComparison.Ordinal));
        Assert.Contains(".restoring-", line, StringComparison.Ordinal);
        Assert.Contains(".before-", line, StringComparison.Ordinal);
        Assert.Empty(result.Output);
        Assert.Equal([Path.Combine(Target, "old.pem")], Directory.GetFileSystemEntries(Target));
        Assert.Equal([Path.Combine(_root, "certs"), Path.Combine(_root, "store")], Directory.GetFileSystemEntries(_root).Order());
    }

    [Theory]
    [InlineData("-Confirm:$false")]
    [InlineData("-Force")]
    public void Confirm_false_or_Force_restores_without_asking(string noPrompt)
    {
        var result = _session.Invoke($"Restore-Directory -Path $args[0] -Destination $args[1] {noPrompt}", Backup, Target).AssertSucceeded();

        Assert.Empty(result.Prompts);
        Assert.Equal("key\n", File.ReadAllText(Path.Combine(Target, "live", "key.pem")));
    }

    [Fact]
    public void A_file_set_drill_shows_its_throwaway_folder_under_WhatIf_and_asks_only_under_Confirm()
    {
        var whatIf = _session.Invoke("Test-Backup -Path $args[0] -Restore -WhatIf", Backup).AssertSucceeded();
        var line = Assert.Single(whatIf.HostLines, l => l.StartsWith("What if:", StringComparison.Ordinal));
        Assert.Contains("throwaway folder", line, StringComparison.Ordinal);
        Assert.Empty(whatIf.Output);

        var drill = _session.Invoke("Test-Backup -Path $args[0] -Restore", Backup).AssertSucceeded();
        Assert.Empty(drill.Prompts);
        var result = Assert.Single(drill.Output);
        Assert.True((bool)result.Properties["Passed"].Value);
        Assert.Equal("Directory", result.Properties["Kind"].Value.ToString());
        Assert.Equal("certs", result.Properties["Name"].Value);
    }
}
