using BackupPs.Cli;
using BackupPs.Core.Commands;

namespace BackupPs.Tests.CliParsing;

/// <summary>A CLI example is shown under a title it lives up to: one backup file cannot prove "every" database's backup.</summary>
public sealed class CliExampleTitleTests
{
    [Fact]
    public void AnExampleOfEveryBackupNamingOneFileOnTheCliHasItsOwnCliTitle()
    {
        var examples = CommandLine.Commands
            .SelectMany(c => c.OptionsType.GetCustomAttributes(typeof(ExampleAttribute), false).Cast<ExampleAttribute>())
            .Where(e => e.CliLines.Count > 0 && e.CliLines.All(l => l.Contains(".dump.", StringComparison.Ordinal)))
            .ToArray();
        Assert.NotEmpty(examples);
        Assert.All(examples, e =>
        {
            var title = e.CliTitle ?? e.Title;
            Assert.False(title.Contains("every", StringComparison.OrdinalIgnoreCase),
                $"'{title}' is shown over {e.CliLines[0]}, which names one file.");
        });
    }

    [Fact]
    public void TheCliHelpShowsTheCliTitle()
    {
        var help = CliHelp.Write(CommandLine.Commands.Single(c => c.Attribute.CliName == "test-backup"));
        Assert.Contains("  Prove one backup, or all in a folder (the CLI cannot pick the newest):\n", help, StringComparison.Ordinal);
        Assert.DoesNotContain("Prove the newest backup of every prod database", help, StringComparison.Ordinal);
    }
}
