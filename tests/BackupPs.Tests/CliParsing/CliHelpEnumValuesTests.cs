using BackupPs.Cli;
using Xunit;

namespace BackupPs.Tests.CliParsing;

/// <summary>
/// `backupps <command> --help` offers only what the parser accepts: --accept-error Other is refused
/// (ParameterArgumentValidationError), as Get-Help and completion leave it out, so its "one of ..." leaves it out too.
/// </summary>
public sealed class CliHelpEnumValuesTests
{
    [Fact]
    public void AcceptErrorHelpOffersOnlyTheAcceptedClasses()
    {
        var command = CommandLine.Commands.Single(c => c.Attribute.CliName == "restore-database");
        var header = string.Join(" ", CliHelp.Write(command).Split('\n')
            .SkipWhile(line => !line.TrimStart().StartsWith("--accept-error", StringComparison.Ordinal))
            .TakeWhile(line => line.Trim().Length > 0)
            .Select(line => line.Trim()));

        Assert.Contains("MissingRole", header);
        Assert.DoesNotContain("Other", header);
    }
}
