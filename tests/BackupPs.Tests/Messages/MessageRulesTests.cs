using System.Text.RegularExpressions;

namespace BackupPs.Tests.Messages;

/// <summary>
/// Every message BackupPs writes (errors, warnings, verbose, CLI usage) is a sentence: it starts with a capital
/// letter (or an option such as -Path, a program such as pg_dump, or a path) and ends with a full stop. Read from
/// the source (<see cref="MessageSource"/>), so a new message is held to the rules without a test of its own.
/// </summary>
public sealed partial class MessageRulesTests
{
    [Fact]
    public void TheScannerFindsTheMessagesItChecks()
    {
        var messages = MessageSource.FindAll().ToList();
        // Sanity: the scanner sees the calls (a broken scanner would pass every rule by finding nothing).
        Assert.True(messages.Count(m => m.Call == "new BackupPsException") > 60, $"only {messages.Count(m => m.Call == "new BackupPsException")} BackupPsException messages found");
        Assert.True(messages.Count(m => m.Call == "WriteVerbose") > 20);
        var manifestNotFound = Assert.Single(messages, m => m.Argument.Contains("No manifest at", StringComparison.Ordinal));
        Assert.StartsWith("No manifest at {manifestPath}", Assert.Single(manifestNotFound.Starts), StringComparison.Ordinal);
        Assert.EndsWith("{what}", Assert.Single(manifestNotFound.Ends), StringComparison.Ordinal);
    }

    [Fact]
    public void EveryMessageStartsLikeASentence()
    {
        var bad = MessageSource.FindAll().SelectMany(m => m.Starts.Where(s => !StartsLikeASentence(s)).Select(s => $"{m.File}:{m.Line}: \"{s}\"")).ToList();
        Assert.True(bad.Count == 0, "Messages that do not start with a capital letter:\n" + string.Join("\n", bad));
    }

    [Fact]
    public void EveryMessageEndsWithAFullStop()
    {
        var bad = MessageSource.FindAll().SelectMany(m => m.Ends.Where(e => !EndsLikeASentence(e)).Select(e => $"{m.File}:{m.Line}: \"{e}\"")).ToList();
        Assert.True(bad.Count == 0, "Messages that do not end with a full stop:\n" + string.Join("\n", bad));
    }

    [Theory]
    [InlineData("The folder is gone.", true)]
    [InlineData("-Jobs must be from 1 to 64.", true)]
    [InlineData("pg_dump of app failed.", true)]
    [InlineData("{path} is not a backup.", true)]
    [InlineData("{entryPath}: skipped.", true)]
    [InlineData("{description} already exists.", false)]
    [InlineData("no manifest at x.", false)]
    [InlineData("cancelled.", false)]
    public void TheStartRuleAcceptsSentencesOptionsProgramsAndPaths(string message, bool accepted) =>
        Assert.Equal(accepted, StartsLikeASentence(message));

    [Theory]
    [InlineData("Done.", true)]
    [InlineData("Drop it: DROP DATABASE {SqlText.Identifier(name)};", true)]
    [InlineData("Done", false)]
    [InlineData("Done ({e.Message})", false)]
    [InlineData("The drill failed: {what}", true)]
    public void TheEndRuleAcceptsAFullStopOrASentenceInAHole(string message, bool accepted) =>
        Assert.Equal(accepted, EndsLikeASentence(message));

    /// <summary>
    /// A capital letter; an option (-Path) or a program (pg_dump, psql), which keep their spelling; or a hole that holds
    /// a path (absolute: it starts with /) or a message that is itself held to these rules.
    /// </summary>
    internal static bool StartsLikeASentence(string message) =>
        message.Length > 0 && (char.IsUpper(message[0]) || OptionOrProgram().IsMatch(message) || PathOrSentenceHole().IsMatch(message));

    /// <summary>
    /// A full stop (or the ; of an SQL statement to run, or the ? of a question), or a hole that holds a whole sentence: another
    /// message (e.Message of a BackupPsException, held to these rules itself), or one of the sentences a message is built from.
    /// </summary>
    internal static bool EndsLikeASentence(string message) =>
        message.TrimEnd() is var m && (m.EndsWith('.') || m.EndsWith('?') || SqlStatement().IsMatch(m) || SentenceHole().IsMatch(m));

    [GeneratedRegex(@"^(--?[A-Za-z{]|['""]|(pg_dump|pg_restore|psql|docker)\b)")]
    private static partial Regex OptionOrProgram();

    /// <summary>Holes whose names say they hold a path, or a sentence of their own (a message, an advice).</summary>
    [GeneratedRegex(@"^\{(\w+\.)*(\w*(path|Path|folder|Folder|root|Root|directory|stale|entryPath)|Describe\(\w+\)|e\.Message|message|what|advice|finding|option|warning\.Trim\(\))\}")]
    private static partial Regex PathOrSentenceHole();

    [GeneratedRegex(@"\{(what|advice|why|instead|byHand|later|unchanged|dropped|candidates|terminate|e\.Message)\}\.?$")]
    private static partial Regex SentenceHole();

    [GeneratedRegex(@"(DROP DATABASE|ALTER DATABASE) .*;$")]
    private static partial Regex SqlStatement();
}
