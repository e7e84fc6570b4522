using BackupPs.Cli;
using BackupPs.Core.Catalog;
using BackupPs.Core.Compression;
using BackupPs.Core.Database;
using BackupPs.Tests.Infrastructure;
using Xunit;

namespace BackupPs.Tests.CliParsing;

/// <summary>The CLI binds the same options classes as the cmdlets: names, sets and types come from one definition.</summary>
public sealed class CommandLineTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    /// <summary>What is backed up is given once per path, positionally or with --source-path; a comma is part of a name.</summary>
    [Fact]
    public void SourcePathsAreGivenOncePerPath()
    {
        var options = Assert.IsType<BackupPs.Core.Directories.BackupDirectoryOptions>(CommandLine.Parse(
            ["backup-directory", "/opt/app/certs", "/opt/app/a,b", "--source-path", "storage/photos", "--environment", "prod", "--path", "/opt/backups"], NoEnvironment).Options);
        Assert.Equal(["/opt/app/certs", "/opt/app/a,b", "storage/photos"], options.SourcePath!);
        Assert.Equal("/opt/backups", options.Path);
    }

    [Fact]
    public void VerbsAreTheCmdletNamesInLowerCase()
    {
        // The names the issues promise are there, whichever command lands next.
        Assert.Subset(CommandLine.Commands.Select(c => c.Attribute.CliName).ToHashSet(),
            new HashSet<string> { "backup-database", "backup-directory", "backup-volume", "export-env-file", "get-backup", "import-env-file", "restore-database", "restore-directory", "restore-volume", "test-backup" });
    }

    /// <summary>A command's alias (Export-EnvFiles) is a verb too, in kebab case or plain lower case; help lists it.</summary>
    [Theory]
    [InlineData("export-env-file")]
    [InlineData("export-envfile")]
    [InlineData("export-env-files")]
    [InlineData("Export-EnvFiles")]
    public void CommandAliasesAreVerbsToo(string verb)
    {
        var line = CommandLine.Parse([verb, "--source-path", "apps/api/.env", "--source-path", "apps/web/.env", "--environment", "prod", "--path", "/opt/backups"], NoEnvironment);
        var options = Assert.IsType<BackupPs.Core.EnvFiles.ExportEnvFileOptions>(line.Options);
        Assert.Equal(["apps/api/.env", "apps/web/.env"], options.SourcePath!);
        Assert.Contains("export-env-files", CliHelp.Write(null), StringComparison.Ordinal);
        Assert.Contains("(also: backupps export-env-files)", CliHelp.Write(line.Command), StringComparison.Ordinal);
    }

    [Fact]
    public void KebabCaseOptionsBindToTheOptionsProperties()
    {
        var line = CommandLine.Parse(["backup-database", "--compose-project", "knot", "--compose-service", "db", "--environment", "prod",
            "--format", "plain", "--compression", "GZIP", "--json"], NoEnvironment);
        var options = Assert.IsType<BackupDatabaseOptions>(line.Options);
        Assert.Equal(("knot", "db", "prod"), (options.ComposeProject, options.ComposeService, options.Environment));
        Assert.Equal(BackupFormat.Plain, options.Format);
        Assert.Equal(CompressionKind.Gzip, options.Compression);
        Assert.True(line.Flags.Json);
    }

    [Fact]
    public void ListOptionsTakeCommaSeparatedValues()
    {
        var options = Assert.IsType<BackupPs.Core.Restore.RestoreDatabaseOptions>(CommandLine.Parse(
            ["restore-database", "x.dump.zst", "--accept-error", "missingrole, NotOwner", "--jobs", "2", "--replace"], NoEnvironment).Options);
        Assert.Equal([BackupPs.Core.Restore.RestoreErrorClass.MissingRole, BackupPs.Core.Restore.RestoreErrorClass.NotOwner], options.AcceptError);
        Assert.Equal(2, options.Jobs);
        Assert.True(options.Replace);
        Assert.Throws<UsageException>(() => CommandLine.Parse(["restore-database", "x", "--accept-error", "Everything"], NoEnvironment));
    }

    [Fact]
    public void PositionalArgumentsFollowOptionPositions()
    {
        var options = Assert.IsType<BackupDatabaseOptions>(CommandLine.Parse(["backup-database", "knot-db", "--environment", "dev"], NoEnvironment).Options);
        Assert.Equal("knot-db", options.Container);
    }

    [Theory]
    [InlineData("No command given", new string[0])]
    [InlineData("Unknown command 'frobnicate'", new[] { "frobnicate" })]
    [InlineData("Unknown option '--nope'", new[] { "get-backup", "--nope" })]
    [InlineData("The command backup-database needs --container, --environment (or --compose-project/--compose-service)", new[] { "backup-database" })]
    [InlineData("The options --container and --compose-project/--compose-service cannot be used together", new[] { "backup-database", "--container", "a", "--compose-project", "p", "--environment", "x" })]
    [InlineData("'zip' is not a valid value for --compression; use one of Zstd, Gzip", new[] { "backup-database", "a", "--environment", "x", "--compression", "zip" })]
    [InlineData("Option '--environment' needs a value", new[] { "backup-database", "a", "--environment" })]
    [InlineData("needs the password in the BACKUPPS_PASSWORD environment variable", new[] { "backup-database", "a", "--environment", "x", "--credential", "bob" })]
    [InlineData("is not a valid value for --since", new[] { "get-backup", "--since", "yesterday-ish" })]
    public void BadUsageIsOneClearLine(string expected, string[] args)
    {
        var error = Assert.Throws<UsageException>(() => CommandLine.Parse(args, NoEnvironment));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void TheCredentialPasswordComesOnlyFromTheEnvironment()
    {
        var options = Assert.IsType<BackupDatabaseOptions>(CommandLine.Parse(["backup-database", "a", "--environment", "x", "--credential", "bob"],
            name => name == CommandLine.PasswordVariable ? "pw" : null).Options);
        Assert.Equal("bob", options.Credential!.UserName);
        Assert.Equal("bob", options.Credential.ToString());
    }

    [Fact]
    public void UsageErrorsExitWithTwoAndHelpListsEveryCommand()
    {
        var bad = Infrastructure.BackupPsCli.Run("backup-database", "--environment", "prod");
        Assert.Equal(2, bad.ExitCode);
        Assert.StartsWith("backupps: The command backup-database needs --container", bad.Stderr);

        var help = Infrastructure.BackupPsCli.Run("--help");
        Assert.Equal(0, help.ExitCode);
        foreach (var command in CommandLine.Commands)
        {
            Assert.Contains(command.Attribute.CliName, help.Stdout);
        }

        var commandHelp = Infrastructure.BackupPsCli.Run("backup-database", "--help");
        Assert.Contains("--compose-project", commandHelp.Stdout);
    }
}
