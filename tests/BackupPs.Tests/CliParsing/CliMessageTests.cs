using System.Text.RegularExpressions;
using BackupPs.Tests.Infrastructure;

namespace BackupPs.Tests.CliParsing;

/// <summary>
/// The core's messages name PowerShell parameters and cmdlets ("pass -Path with the folder Backup-Database wrote to",
/// "a backup that Get-Backup lists"); the CLI's operator types `backupps get-backup --path`, so the program prints
/// them in its own terms, as its --help does (issue 10).
/// </summary>
public sealed partial class CliMessageTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("bps-cli-message-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void AMissingStoreTellsTheCliUserItsOwnOption()
    {
        var result = BackupPsCli.Run("get-backup", Path.Combine(_folder, "typo"));
        Assert.NotEqual(0, result.ExitCode);
        AssertSaysItInCliTerms(result);
        Assert.Contains("--path", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void AFileThatIsNoBackupTellsTheCliUserItsOwnCommand()
    {
        var file = Path.Combine(_folder, "notes.txt");
        File.WriteAllText(file, "not a backup");
        var result = BackupPsCli.Run("restore-database", file, "--database", "copy");
        Assert.NotEqual(0, result.ExitCode);
        AssertSaysItInCliTerms(result);
    }

    [Fact]
    public void AFileInTheWayTellsTheCliUserItsOwnOption()
    {
        var file = Path.Combine(_folder, "in-the-way");
        File.WriteAllText(file, "x");
        // The path check comes before any container lookup.
        var result = BackupPsCli.Run("backup-database", "--container", "no-such-container", "--environment", "dev", "--path", file);
        Assert.NotEqual(0, result.ExitCode);
        AssertSaysItInCliTerms(result);
    }

    private static void AssertSaysItInCliTerms(ProcessResult result)
    {
        Assert.DoesNotMatch(PowerShellParameter(), result.Stderr);
        Assert.DoesNotMatch(CmdletName(), result.Stderr);
    }

    /// <summary>" -Path", "(-NoOwner": a single dash before a capitalised name, as pwsh spells a parameter.</summary>
    [GeneratedRegex(@"(?<![-\w])-[A-Z][A-Za-z]+\b")]
    private static partial Regex PowerShellParameter();

    [GeneratedRegex(@"\b(Backup-Database|Get-Backup|Test-Backup|Restore-Database)\b")]
    private static partial Regex CmdletName();
}
