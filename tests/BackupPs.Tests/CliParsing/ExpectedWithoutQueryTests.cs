using BackupPs.Tests.Infrastructure;

namespace BackupPs.Tests.CliParsing;

/// <summary>backupps test-backup --restore --expected without --query is refused as Test-Backup refuses it, not ignored.</summary>
public sealed class ExpectedWithoutQueryTests
{
    [Theory]
    [InlineData("42")]
    [InlineData("")]
    public void ExpectedWithoutQueryIsRefused(string expected)
    {
        var result = BackupPsCli.Run("test-backup", "/nonexistent/x.dump.zst", "--restore", "--expected", expected);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("--expected is what --query must return, and no --query was given; add --query with the SQL to check, or leave --expected out. [ExpectedWithoutQuery]",
            result.Stderr, StringComparison.Ordinal);
        Assert.Empty(result.Stdout);
    }
}
