using BackupPs.Core.Errors;
using BackupPs.Core.Files;

namespace BackupPs.Tests.FileSets;

/// <summary>ExcludePatterns (pure logic): a pattern that cannot be used is an InvalidExcludePattern error naming it, never a crash.</summary>
public sealed class ExcludePatternsTests
{
    [Theory]
    [InlineData("[")]
    [InlineData("photos/[")]
    [InlineData("a[!")]
    [InlineData("[]")]
    [InlineData("[z-a]")]
    [InlineData("")]
    [InlineData("./")]
    public void An_unusable_pattern_is_refused_naming_it(string pattern)
    {
        var e = Assert.Throws<BackupPsException>(() => new ExcludePatterns([pattern]));

        Assert.Equal("InvalidExcludePattern", e.ErrorId);
        Assert.Contains($"'{pattern}'", e.Message);
    }

    [Theory]
    [InlineData("[]x]", "]", true)]
    [InlineData("[!a]", "b", true)]
    [InlineData("[!a]", "a", false)]
    [InlineData("[a-c].jpg", "photos/b.jpg", true)]
    public void Sets_match_as_fnmatch_does(string pattern, string path, bool excluded) =>
        Assert.Equal(excluded, new ExcludePatterns([pattern]).Matches(path));
}
