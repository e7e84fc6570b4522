using System.Reflection;
using BackupPs.Cli;
using BackupPs.Core.Catalog;
using BackupPs.Core.Commands;
using BackupPs.Core.Database;
using BackupPs.Core.Restore;
using BackupPs.Core.Verification;
using Xunit;

namespace BackupPs.Tests.CliParsing;

/// <summary>
/// The CLI refuses what the cmdlets refuse at binding, from the same OptionAttribute data: empty strings, numbers
/// out of range, enum members never accepted, the core's name rules, and options that need a switch. Paths are
/// taken one per argument (a shell expands wildcards into several).
/// </summary>
public sealed class CliParameterRulesTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    [Fact]
    public void PathsAreOnePerArgumentAndMaySeveral()
    {
        var test = Assert.IsType<TestBackupOptions>(CommandLine.Parse(["test-backup", "/s/a.dump.zst", "/s/b,c.dump.zst", "--path", "/t"], NoEnvironment).Options);
        Assert.Equal(["/s/a.dump.zst", "/s/b,c.dump.zst", "/t"], test.Path!);
        var listing = Assert.IsType<GetBackupOptions>(CommandLine.Parse(["get-backup"], NoEnvironment).Options);
        Assert.Equal([BackupNames.DefaultRoot], listing.Path!);
        var restore = Assert.IsType<RestoreDatabaseOptions>(CommandLine.Parse(["restore-database", "/s/a.dump.zst", "--replace"], NoEnvironment).Options);
        Assert.Equal(["/s/a.dump.zst"], restore.Path!);
    }

    [Theory]
    [InlineData("ParameterArgumentValidationError", "--path must not be empty", new[] { "get-backup", "" })]
    [InlineData("ParameterArgumentValidationError", "--path must not be empty", new[] { "test-backup", "/s/a.dump.zst", "" })]
    [InlineData("ParameterArgumentValidationError", "--path must not be empty", new[] { "backup-database", "db", "--environment", "dev", "--path", "" })]
    [InlineData("ParameterArgumentValidationError", "--database must not be empty", new[] { "backup-database", "db", "--environment", "dev", "--database", "" })]
    [InlineData("EmptyPath", "--path is empty", new[] { "get-backup", "   " })]
    [InlineData("EmptyPath", "--path is empty", new[] { "test-backup", "/s/a.dump.zst", " \t" })]
    [InlineData("EmptyPath", "--path is empty", new[] { "backup-database", "db", "--environment", "dev", "--path", "  " })]
    [InlineData("EmptyPath", "--safety-backup-path is empty", new[] { "restore-database", "x.dump.zst", "--replace", "--safety-backup-path", " " })]
    [InlineData("EmptyPath", "--source-path is empty", new[] { "backup-directory", "--source-path", " ", "--environment", "dev" })]
    [InlineData("EmptyPath", "--destination is empty", new[] { "restore-directory", "x.tar.zst", "--destination", "  " })]
    [InlineData("ParameterArgumentValidationError", "--container must not be empty", new[] { "restore-database", "x.dump.zst", "--container", "" })]
    [InlineData("ParameterArgumentValidationError", "--container must not be empty", new[] { "backup-database", "", "--environment", "dev" })]
    [InlineData("ParameterArgumentValidationError", "--role must not be empty", new[] { "restore-database", "x.dump.zst", "--role", "" })]
    [InlineData("ParameterArgumentValidationError", "--jobs must be from 0 to 64, not 1000", new[] { "restore-database", "x.dump.zst", "--jobs", "1000" })]
    [InlineData("ParameterArgumentValidationError", "--jobs must be from 0 to 64, not -1", new[] { "restore-database", "x.dump.zst", "--jobs", "-1" })]
    [InlineData("ParameterArgumentValidationError", "use one of MissingRole, NotOwner, AlreadyExists, RoleMembership", new[] { "restore-database", "x.dump.zst", "--accept-error", "MissingRole,other" })]
    [InlineData("InvalidEnvironmentName", "The environment name '../x' is not valid", new[] { "backup-database", "db", "--environment", "../x" })]
    [InlineData("InvalidEnvironmentName", "The environment name 'a b' is not valid", new[] { "get-backup", "--environment", "a b" })]
    [InlineData("InvalidEnvironmentName", "The environment name 'prod!' is not valid", new[] { "restore-database", "x.dump.zst", "--target-environment", "prod!" })]
    [InlineData("InvalidName", "--database 'dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd' is 64 bytes",
        new[] { "restore-database", "x.dump.zst", "--database", "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd" })]
    public void BadValuesAreRefusedAsTheCmdletsRefuseThem(string errorId, string message, string[] args)
    {
        var error = Assert.Throws<UsageException>(() => CommandLine.Parse(args, NoEnvironment));
        Assert.Equal(errorId, error.ErrorId);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void ExpectedMayBeEmpty()
    {
        var options = Assert.IsType<TestBackupOptions>(CommandLine.Parse(["test-backup", "x.dump.zst", "--restore", "--query", "select ''", "--expected", ""], NoEnvironment).Options);
        Assert.Equal("", options.Expected);
    }

    /// <summary>Every option that needs a switch, found from the options classes: refused without it, accepted with it.</summary>
    [Theory]
    [MemberData(nameof(SwitchBoundOptions))]
    public void OptionsThatNeedASwitchAreRefusedWithoutIt(string command, string option, string requires, string? value)
    {
        string[] without = value is null ? [command, "x.dump.zst", option] : [command, "x.dump.zst", option, value];
        var error = Assert.Throws<UsageException>(() => CommandLine.Parse(without, name => name == CommandLine.PasswordVariable ? "pw" : null));
        Assert.Equal("MissingMandatoryParameter", error.ErrorId);
        Assert.Equal($"{option} only works with {requires}; add it or leave {option} out.", error.Message);
        CommandLine.Parse([.. without, requires], name => name == CommandLine.PasswordVariable ? "pw" : null);
    }

    public static TheoryData<string, string, string, string?> SwitchBoundOptions()
    {
        var data = new TheoryData<string, string, string, string?>();
        foreach (var command in CommandLine.Commands)
        {
            foreach (var property in command.OptionsType.GetProperties())
            {
                if (property.GetCustomAttribute<OptionAttribute>()?.Requires is { } requires)
                {
                    var value = property.PropertyType == typeof(bool) ? null : property.PropertyType == typeof(DatabaseCredential) ? "bob" : "/tmp";
                    data.Add(command.Attribute.CliName, "--" + OptionSpec.Kebab(property.Name), "--" + OptionSpec.Kebab(requires), value);
                }
            }
        }

        Assert.True(data.Count >= 8, "the options that need -Replace or -Restore are found");
        return data;
    }

    [Theory]
    [InlineData("--container", "--isolated", new[] { "test-backup", "x.dump.zst", "--restore", "--isolated", "--container", "db" })]
    [InlineData("--credential", "--isolated", new[] { "test-backup", "x.dump.zst", "--restore", "--credential", "bob", "--isolated" })]
    [InlineData("--safety-backup-path", "--skip-safety-backup", new[] { "restore-database", "x.dump.zst", "--replace", "--skip-safety-backup", "--safety-backup-path", "/tmp" })]
    public void OptionsThatASwitchMakesMeaninglessAreRefusedWithIt(string option, string excluded, string[] args)
    {
        var error = Assert.Throws<UsageException>(() => CommandLine.Parse(args, name => name == CommandLine.PasswordVariable ? "pw" : null));
        Assert.Equal("AmbiguousParameterSet", error.ErrorId);
        Assert.StartsWith($"{option} cannot be used with {excluded}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheSameRulesHoldInEveryCommandsDefinition()
    {
        // A string option that may be empty says so; the rest are refused empty by both front ends.
        var allowed = typeof(BackupDatabaseOptions).Assembly.GetTypes()
            .SelectMany(t => t.GetProperties())
            .Where(p => p.GetCustomAttribute<OptionAttribute>()?.AllowEmpty == true)
            .Select(p => $"{p.DeclaringType!.Name}.{p.Name}");
        Assert.Equal(["TestBackupOptions.Expected"], allowed);
    }
}
