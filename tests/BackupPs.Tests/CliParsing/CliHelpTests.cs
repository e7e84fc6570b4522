using System.Text;
using BackupPs.Cli;
using BackupPs.Core.Commands;
using Xunit;

namespace BackupPs.Tests.CliParsing;

/// <summary>`backupps &lt;verb&gt; --help` shows the text Get-Help shows, from the same definition, spelled the CLI's way.</summary>
public sealed class CliHelpTests
{
    public static TheoryData<string> Verbs() => new(CommandLine.Commands.Select(c => c.Attribute.CliName));

    [Theory]
    [MemberData(nameof(Verbs))]
    public void CommandHelpShowsSynopsisDescriptionOptionsAndExamples(string verb)
    {
        var command = CommandLine.Commands.Single(c => c.Attribute.CliName == verb);
        var help = Flat(CliHelp.Write(command));

        Assert.Contains(Flat(CliTerms.Options(command.Attribute.Synopsis)), help);
        foreach (var paragraph in HelpText.Paragraphs(command.Attribute.Description))
        {
            Assert.Contains(Flat(CliTerms.Options(paragraph)), help);
        }

        foreach (var option in command.Options)
        {
            Assert.Contains("--" + option.CliName, help);
            Assert.Contains(Flat(CliTerms.Options(option.Attribute.Help)), help);
        }

        var examples = Examples(command).Where(e => e.CliLines.Count > 0).ToArray();
        Assert.NotEmpty(examples);
        foreach (var example in examples)
        {
            Assert.Contains(example.CliTitle ?? example.Title, help);
            Assert.All(example.CliLines, line => Assert.Contains(line, help));
        }
    }

    /// <summary>Every CLI example is a command line the parser accepts, for its own verb.</summary>
    [Theory]
    [MemberData(nameof(Verbs))]
    public void CliExamplesParse(string verb)
    {
        var command = CommandLine.Commands.Single(c => c.Attribute.CliName == verb);
        foreach (var line in Examples(command).SelectMany(e => e.CliLines))
        {
            var words = ShellWords(line);
            Assert.Equal("backupps", words[0]);
            Assert.Equal(verb, words[1]);
            var parsed = CommandLine.Parse(words[1..], name => name == CommandLine.PasswordVariable ? "secret" : null);
            Assert.Same(command, parsed.Command);
        }
    }

    /// <summary>The old help printed the synopsis and one line per option only.</summary>
    [Fact]
    public void TheProgramPrintsTheFullHelp()
    {
        var result = Infrastructure.BackupPsCli.Run("test-backup", "--help");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("usage: backupps test-backup <path> [options]", result.Stdout);
        Assert.Contains("runs a restore drill", result.Stdout);
        Assert.Contains("With --restore:", result.Stdout);
        Assert.Contains("Examples:", result.Stdout);
        Assert.Contains("backupps test-backup /opt/backups/prod/app/app-prod-20261121T020000Z.dump.zst --restore", result.Stdout);
        Assert.Contains("Get-Help Test-Backup -Full", result.Stdout);
        Assert.Contains("--credential <user> (the password from the BACKUPPS_PASSWORD environment variable)", Flat(result.Stdout));
        Assert.All(result.Stdout.Split('\n').Where(l => !l.Contains("backupps ", StringComparison.Ordinal)), l => Assert.True(l.Length <= 80, $"Longer than 80 columns: {l}"));
    }

    private static ExampleAttribute[] Examples(CommandSpec command) =>
        command.OptionsType.GetCustomAttributes(typeof(ExampleAttribute), false).Cast<ExampleAttribute>().ToArray();

    /// <summary>Text with its line breaks and indentation folded into single spaces, as wrapping leaves it.</summary>
    private static string Flat(string text) => string.Join(' ', text.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries));

    /// <summary>Splits a command line as sh does for the quoting the examples use ("..." and '...').</summary>
    private static string[] ShellWords(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        char? quote = null;
        foreach (var c in line)
        {
            if (quote is not null)
            {
                if (c == quote)
                {
                    quote = null;
                }
                else
                {
                    word.Append(c);
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                inWord = true;
            }
            else if (c == ' ')
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }

        Assert.Null(quote);
        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words.ToArray();
    }
}
