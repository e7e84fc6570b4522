using System.Reflection;
using BackupPs.Core.Commands;
using Xunit;

namespace BackupPs.Tests.Module;

/// <summary>
/// The help texts live in the options classes (the one definition); every command and option has
/// them. The runspace tests (tests/BackupPs.Module.Tests, GetHelpTests) check what Get-Help makes of them.
/// </summary>
public sealed class HelpDefinitionTests
{
    private static readonly Type[] Definitions = typeof(CommandAttribute).Assembly.GetTypes()
        .Where(t => t.GetCustomAttribute<CommandAttribute>() is not null)
        .ToArray();

    public static TheoryData<Type> OptionsTypes() => new(Definitions);

    [Theory]
    [MemberData(nameof(OptionsTypes))]
    public void EveryCommandHasSynopsisDescriptionOutputsAndTwoExamples(Type options)
    {
        var command = options.GetCustomAttribute<CommandAttribute>()!;
        Assert.EndsWith(".", command.Synopsis);
        Assert.True(HelpText.Paragraphs(command.Description).Count >= 2, $"{options.Name}: the description has fewer than two paragraphs.");
        Assert.EndsWith(".", command.OutputDescription);

        var examples = options.GetCustomAttributes<ExampleAttribute>().ToArray();
        Assert.True(examples.Length >= 2, $"{options.Name} has fewer than two examples.");
        Assert.All(examples, e =>
        {
            Assert.False(string.IsNullOrWhiteSpace(e.Title));
            Assert.Contains($"{command.Verb}-{command.Noun}", e.Code);
            Assert.NotEmpty(HelpText.Paragraphs(e.Remarks));
        });
        Assert.Contains(examples, e => e.CliLines.Count > 0);
    }

    [Theory]
    [MemberData(nameof(OptionsTypes))]
    public void EveryOptionHasHelp(Type options)
    {
        foreach (var property in options.GetProperties().Where(p => p.GetCustomAttribute<OptionAttribute>() is not null))
        {
            Assert.False(string.IsNullOrWhiteSpace(property.GetCustomAttribute<OptionAttribute>()!.Help), $"{options.Name}.{property.Name} has no help.");
        }
    }

    [Fact]
    public void ParagraphsJoinWrappedLinesAndKeepIndentedLinesWhole()
    {
        var paragraphs = HelpText.Paragraphs("""
            One paragraph
            wrapped in the source.

            A second one:

                0 2 * * * root backupps backup-database --environment prod
            """);
        Assert.Equal(
            ["One paragraph wrapped in the source.", "A second one:", "    0 2 * * * root backupps backup-database --environment prod"],
            paragraphs);
        Assert.True(HelpText.IsVerbatim(paragraphs[2]));
        Assert.False(HelpText.IsVerbatim(paragraphs[0]));
    }

    [Fact]
    public void WrapBreaksAtSpacesWithinTheWidth()
    {
        Assert.Equal(["aaa bbb", "ccc", "dddddddddd"], HelpText.Wrap("aaa bbb ccc dddddddddd", 7));
    }
}
