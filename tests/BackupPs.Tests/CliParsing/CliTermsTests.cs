using BackupPs.Cli;
using BackupPs.Core.Commands;
using BackupPs.Core.Errors;
using Xunit;

namespace BackupPs.Tests.CliParsing;

/// <summary>
/// Text shared by both front ends names the cmdlets' parameters and the cmdlets; the CLI shows it in its own terms
/// (help: its options; messages: its options and commands).
/// </summary>
public sealed class CliTermsTests
{
    [Fact]
    public void ParameterNamesAreSpelledTheCliWay()
    {
        Assert.Equal(
            "With --restore: --replace keeps --keep-previous; --what-if shows it; Test-Backup and -Unknown stay.",
            CliTerms.Options("With -Restore: -Replace keeps -KeepPrevious; -WhatIf shows it; Test-Backup and -Unknown stay."));
    }

    [Theory]
    [InlineData("Pass -Path with the folder Backup-Database wrote to.", "Pass --path with the folder backupps backup-database wrote to.")]
    [InlineData("Pass a backup that Get-Backup lists.", "Pass a backup that backupps get-backup lists.")]
    [InlineData("Several containers match; pass one of them to -Container.", "Several containers match; pass one of them to --container.")]
    [InlineData("Add -AcceptError/-NoOwner (-WhatIf shows the plan).", "Add --accept-error/--no-owner (--what-if shows the plan).")]
    [InlineData("Test-Backup -Restore and Restore-Database -Replace.", "backupps test-backup --restore and backupps restore-database --replace.")]
    public void MessagesNameTheCliOptionsAndCommands(string message, string expected) =>
        Assert.Equal(expected, CliTerms.Message(message));

    /// <summary>Only what is a parameter or a command of ours changes: hyphenated words, unknown flags, other cmdlets stay.</summary>
    [Theory]
    [InlineData("The pre-data section of app-prod-20261121T020000Z.dump failed.")]
    [InlineData("pg_restore -Fc and -Unknown are not ours; Get-Help and Remove-Item neither.")]
    [InlineData("Use --path and backupps get-backup.")]
    [InlineData("A-Z ranges and x-Path stay.")]
    public void TextThatNamesNoneOfOursIsLeftAlone(string message) =>
        Assert.Equal(message, CliTerms.Message(message));

    /// <summary>Every line the CLI writes on stderr from the core goes through the translation: errors, warnings, verbose lines.</summary>
    [Fact]
    public void ErrorsWarningsAndVerboseLinesAreInCliTerms()
    {
        var error = new StringWriter();
        var host = new ConsoleHost(CommandLine.Parse(["get-backup", "/tmp", "--verbose"], _ => null).Flags, CommandImpact.Medium, TextWriter.Null, error, terminal: false);
        host.WriteError(new BackupPsException("StoreNotFound", FailureCategory.ObjectNotFound, "No store; pass -Path with the folder Backup-Database wrote to."));
        host.WriteWarning("Others can write to it; Backup-Database -Path elsewhere.");
        host.WriteVerbose("Get-Backup -Latest picked one.");

        Assert.Equal(
            [
                "backupps: No store; pass --path with the folder backupps backup-database wrote to. [StoreNotFound]",
                "WARNING: Others can write to it; backupps backup-database --path elsewhere.",
                "VERBOSE: backupps get-backup --latest picked one.",
            ],
            error.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }
}
