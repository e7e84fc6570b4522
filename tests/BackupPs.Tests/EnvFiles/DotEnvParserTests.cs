using System.Text;
using BackupPs.Core.EnvFiles;

namespace BackupPs.Tests.EnvFiles;

/// <summary>The .env syntax docker compose and dotenv accept, read for names only; problem lines by number, never by text.</summary>
public sealed class DotEnvParserTests
{
    private static DotEnvNames Read(string text) => DotEnvParser.ReadNames(Encoding.UTF8.GetBytes(text));

    [Fact]
    public void PlainExportedAndColonDefinitionsInFileOrder()
    {
        var result = Read("A=1\nexport B=two\n  C = spaced  \nD: yaml-style\nexport\tE=tab\n");
        Assert.Equal(["A", "B", "C", "D", "E"], result.Names);
        Assert.Empty(result.Problems);
    }

    [Fact]
    public void CommentsBlankLinesAndBareNames()
    {
        var result = Read("# a comment\n\n   \n\t# indented comment\nBARE\nBARE_WITH_COMMENT # passed through\nF=x # trailing comment\nG=a#b\n");
        Assert.Equal(["BARE", "BARE_WITH_COMMENT", "F", "G"], result.Names);
        Assert.Empty(result.Problems);
    }

    [Fact]
    public void QuotedValuesInEveryQuoteSpanLines()
    {
        var text = "S='single # not a comment'\nD=\"line1\nline2 \\\" still inside\nline3\"\nB=`back\ntick`\nAFTER=1\nE=\"\"\nEMPTY=\n";
        var result = Read(text);
        Assert.Equal(["S", "D", "B", "AFTER", "E", "EMPTY"], result.Names);
        Assert.Empty(result.Problems);
    }

    [Fact]
    public void CrlfLoneCrAndBomAreLineEndsAndNoise()
    {
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("A=1\r\nB=\"x\r\ny\"\r\nC=3\rD=4")];
        var result = DotEnvParser.ReadNames(bytes);
        Assert.Equal(["A", "B", "C", "D"], result.Names);
        Assert.Empty(result.Problems);
    }

    [Fact]
    public void ANameDefinedTwiceIsListedOnceWhereItFirstAppears()
    {
        Assert.Equal(["A", "B"], Read("A=1\nB=2\nA=3\n").Names);
    }

    [Fact]
    public void LinesThatDefineNothingAreProblemsByNumberWithoutTheirText()
    {
        const string secret = "s3cr3t-Value-Zq9";
        var text = $"A=1\n={secret}\nthis is {secret}\nB=2\n-----BEGIN PRIVATE KEY-----\n1ABC=x\narr[0]=x\n";
        var result = Read(text);
        Assert.Equal(["A", "B"], result.Names);
        Assert.Equal([2, 3, 5, 6, 7], result.Problems.Select(p => p.Line));
        Assert.All(result.Problems, p => Assert.DoesNotContain(secret, p.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public void ProblemLinesAfterAMultiLineValueAreCountedFromTheFileStart()
    {
        var result = Read("K=\"a\nb\nc\"\n!bad\n");
        Assert.Equal(["K"], result.Names);
        Assert.Equal(4, Assert.Single(result.Problems).Line);
    }

    /// <summary>A PEM key pasted without quotes: its base64 lines look like bare names (or KEY=... with padding), but are data.</summary>
    [Fact]
    public void LinesOfAnUnquotedMultiLineSecretNeverBecomeNames()
    {
        var text = "PRIVATE_KEY=-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\nd41d8cd98f00b204e9800998ecf8427e\nMIIEvQIBADANBgkqhkiG9w0BAQ==\n-----END PRIVATE KEY-----\nNEXT=1\n";
        var result = Read(text);
        Assert.Equal(["PRIVATE_KEY", "NEXT"], result.Names);
        Assert.Equal([2, 3, 4, 5], result.Problems.Select(p => p.Line));
    }

    [Theory]
    [InlineData("JWT_SECRET_2=x")]
    [InlineData("nodeEnv=x")]
    [InlineData("NEXT_PUBLIC_GOOGLE_ANALYTICS_ID=x")]
    [InlineData("REDIS_PORT_6379=x")]
    [InlineData("app.name=x")]
    public void OrdinaryNamesAreNotMistakenForData(string line) => Assert.Single(Read(line).Names);

    [Fact]
    public void AnUnclosedQuoteKeepsTheNameAndSaysSoByLine()
    {
        var result = Read("A=1\nB=\"never closed\nC=3\n");
        Assert.Equal(["A", "B", "C"], result.Names);
        var problem = Assert.Single(result.Problems);
        Assert.Equal(2, problem.Line);
        Assert.DoesNotContain("never closed", problem.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TextAfterAClosingQuoteIsAProblemOnTheLineOfTheQuote()
    {
        var result = Read("A=\"x\ny\" trailing\nB=1\n");
        Assert.Equal(["A", "B"], result.Names);
        Assert.Equal(2, Assert.Single(result.Problems).Line);
    }

    [Fact]
    public void CompareNamesAddedRemovedAndChangedByValue()
    {
        var before = Encoding.UTF8.GetBytes("KEEP=1\nCHANGE=old\nGONE=x\nQUOTED=\"same\"\n");
        var after = Encoding.UTF8.GetBytes("export KEEP=1\nCHANGE=new\nQUOTED=same\nNEW=y\n");
        var difference = DotEnvParser.Compare(before, after);
        Assert.Equal(["NEW"], difference.Added);
        Assert.Equal(["GONE"], difference.Removed);
        Assert.Equal(["CHANGE"], difference.Changed);
    }

    [Fact]
    public void CompareWithNoFileYetAddsEveryName()
    {
        var difference = DotEnvParser.Compare([], Encoding.UTF8.GetBytes("A=1\nB=2\n"));
        Assert.Equal(["A", "B"], difference.Added);
        Assert.Empty(difference.Removed);
        Assert.Empty(difference.Changed);
    }

    [Fact]
    public void CompareTakesTheLastValueOfANameDefinedTwice()
    {
        var difference = DotEnvParser.Compare(Encoding.UTF8.GetBytes("A=1\nA=2\n"), Encoding.UTF8.GetBytes("A=2\n"));
        Assert.Empty(difference.Changed);
    }
}
