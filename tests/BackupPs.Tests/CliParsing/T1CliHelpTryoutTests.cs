using BackupPs.Cli;
using Xunit;

namespace BackupPs.Tests.CliParsing;

/// <summary>
/// Fresh-eyes tryouts (issue 10): `backupps restore-database --help` must not offer what the parser refuses.
/// --accept-error Other is refused (ParameterArgumentValidationError), and Get-Help and completion leave it out,
/// but the option's header still lists it among "one of ...".
/// </summary>
public sealed class T1CliHelpTryoutTests
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
