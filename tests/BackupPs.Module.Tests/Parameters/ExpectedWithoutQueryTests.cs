using System.Management.Automation;
using BackupPs.Module.Tests.Infrastructure;

namespace BackupPs.Module.Tests.Parameters;

/// <summary>
/// Test-Backup -Restore -Expected without -Query: -Expected is only what -Query must return, so alone it would be
/// ignored without a word. It is refused before any backup is touched, once for the whole invocation.
/// </summary>
public sealed class ExpectedWithoutQueryTests : IDisposable
{
    private readonly ModuleSession _session = ModuleSession.Start();

    public void Dispose() => _session.Dispose();

    [Theory]
    [InlineData("Test-Backup -Path x.dump.zst -Restore -Expected 42")]
    [InlineData("Test-Backup -Path x.dump.zst -Restore -Expected ''")]
    [InlineData("Test-Backup -Path x.dump.zst -Restore -Isolated -Expected t")]
    [InlineData("'a.dump.zst', 'b.dump.zst' | Test-Backup -Restore -Expected 42")]
    public void ExpectedWithoutQueryEndsTheInvocation(string script)
    {
        // try/catch catches only a terminating error: a per-item error would pass by it into Errors.
        var result = _session.Invoke("try { " + script + " } catch { $_ }");
        Assert.Empty(result.Errors);
        var error = Assert.IsType<ErrorRecord>(Assert.Single(result.Output).BaseObject);
        Assert.Equal("ExpectedWithoutQuery,BackupPs.Commands.TestBackupCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Equal("-Expected is what -Query must return, and no -Query was given; add -Query with the SQL to check, or leave -Expected out.", error.Exception.Message);
    }
}
