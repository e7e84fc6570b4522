using BackupPs.Core.Errors;
using BackupPs.Core.Files;

namespace BackupPs.Tests.FileSets;

/// <summary>The -Exclude pattern rules (pure logic): names at any depth, anchored paths, ** and character sets.</summary>
public sealed class ExcludePatternsTests
{
    [Theory]
    [InlineData("*.tmp", "a.tmp", true)]
    [InlineData("*.tmp", "deep/down/a.tmp", true)]
    [InlineData("*.tmp", "a.tmp.keep", false)]
    [InlineData("cache", "cache", true)]
    [InlineData("cache", "photos/cache", true)]
    [InlineData("cache", "photos/cache2", false)]
    [InlineData("logs/*.log", "logs/a.log", true)]
    [InlineData("logs/*.log", "logs/old/a.log", false)]
    [InlineData("logs/*.log", "app/logs/a.log", false)]
    [InlineData("./logs/", "logs", true)]
    [InlineData("/logs", "logs", true)]
    [InlineData("thumbnails/**", "thumbnails/2024/a.jpg", true)]
    [InlineData("thumbnails/**", "thumbnails", false)]
    [InlineData("**/node_modules", "node_modules", true)]
    [InlineData("**/node_modules", "a/b/node_modules", true)]
    [InlineData("photos/**/*.raw", "photos/x.raw", true)]
    [InlineData("photos/**/*.raw", "photos/2024/05/x.raw", true)]
    [InlineData("img?.png", "img1.png", true)]
    [InlineData("img?.png", "img10.png", false)]
    [InlineData("[ab].txt", "a.txt", true)]
    [InlineData("[!ab].txt", "a.txt", false)]
    [InlineData("[!ab].txt", "c.txt", true)]
    [InlineData("[0-9].txt", "7.txt", true)]
    [InlineData("a+b(c).txt", "a+b(c).txt", true)]
    [InlineData("Cache", "cache", false)]
    [InlineData("[]x]", "]", true)]
    [InlineData("[a-c].jpg", "photos/b.jpg", true)]
    public void MatchesAsDocumented(string pattern, string path, bool excluded)
    {
        Assert.Equal(excluded, new ExcludePatterns([pattern]).Matches(path));
    }

    [Fact]
    public void TheRootIsNeverExcluded()
    {
        Assert.False(new ExcludePatterns(["*", "**"]).Matches("."));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("./")]
    [InlineData("/")]
    [InlineData("[abc")]
    [InlineData("[")]
    [InlineData("photos/[")]
    [InlineData("a[!")]
    [InlineData("[]")]
    [InlineData("[z-a]")]
    public void UnusablePatternsAreRefusedNamingThem(string pattern)
    {
        var e = Assert.Throws<BackupPsException>(() => new ExcludePatterns([pattern]));
        Assert.Equal("InvalidExcludePattern", e.ErrorId);
        Assert.Equal(FailureCategory.InvalidArgument, e.Category);
        Assert.Contains($"'{pattern}'", e.Message);
    }
}
