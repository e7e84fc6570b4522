using BackupPs.Module.Tests.Infrastructure;

namespace BackupPs.Module.Tests.Tryouts;

/// <summary>
/// Fresh-eyes tryouts (issue 10): a parameter that names something inside PostgreSQL never completes file names
/// (the fault for -Container, -Environment and -Database, here for -Role). It completes the server's roles
/// or nothing; the files of the current folder are never roles.
/// </summary>
public sealed class T1CompletionTests : IDisposable
{
    private readonly ModuleSession _session = ModuleSession.Start();
    private readonly string _location = Directory.CreateTempSubdirectory("bps-t1-complete-").FullName;

    [Theory]
    [InlineData("Restore-Database x.dump.zst -Role ")]
    [InlineData("Restore-Database x.dump.zst -NoOwner -Role ")]
    public void RoleNeverCompletesFileNames(string line)
    {
        File.WriteAllText(Path.Combine(_location, "t1-not-a-role.txt"), "");
        var offered = _session.Invoke(
            "Set-Location -LiteralPath $args[0]; $line = $args[1]; (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText",
            _location, line).AssertSucceeded().Output.Select(o => o.ToString()).ToArray();

        Assert.DoesNotContain(offered, text => text.Contains("t1-not-a-role", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        _session.Dispose();
        Directory.Delete(_location, recursive: true);
    }
}
