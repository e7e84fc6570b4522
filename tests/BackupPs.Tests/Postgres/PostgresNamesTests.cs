using System.Text;
using BackupPs.Core.Errors;
using BackupPs.Core.Postgres;
using BackupPs.Core.Restore;
using Xunit;

namespace BackupPs.Tests.Postgres;

/// <summary>PostgreSQL's 63-byte names: refused as typed when longer, and shortened only between whole characters.</summary>
public sealed class PostgresNamesTests
{
    [Theory]
    [InlineData(63, true)]
    [InlineData(64, false)]
    [InlineData(70, false)]
    public void ANameIsRefusedWhenTheServerWouldCutIt(int bytes, bool accepted)
    {
        var name = new string('l', bytes);
        if (accepted)
        {
            Assert.Equal(name, PostgresNames.Require(name, "-Database"));
            return;
        }

        var refused = Assert.Throws<BackupPsException>(() => PostgresNames.Require(name, "-Database"));
        Assert.Equal("InvalidName", refused.ErrorId);
        Assert.Contains(new string('l', 63) + "'", refused.Message);
    }

    [Fact]
    public void MultiByteNamesCountInBytes()
    {
        // 21 three-byte characters are 63 bytes; one more is 66.
        Assert.True(PostgresNames.IsName(new string('€', 21)));
        Assert.False(PostgresNames.IsName(new string('€', 22)));
        Assert.False(PostgresNames.IsName("a\0b"));
        Assert.False(PostgresNames.IsName(""));
    }

    [Theory]
    [InlineData("\U0001F600\U0001F600abc", 8, "\U0001F600\U0001F600")]
    [InlineData("\U0001F600\U0001F600abc", 7, "\U0001F600")]
    [InlineData("ééé", 5, "éé")]
    [InlineData("abc", 63, "abc")]
    public void ShorteningCutsBetweenWholeCharacters(string name, int maxBytes, string expected) =>
        Assert.Equal(expected, PostgresNames.Shorten(name, maxBytes));

    [Fact]
    public void TheKeptCopyOfAnEmojiNameEndsAtAWholeCharacter()
    {
        var now = new DateTimeOffset(2026, 11, 21, 10, 15, 30, TimeSpan.Zero);
        var name = RestoreDatabaseHandler.PreviousName(string.Concat(Enumerable.Repeat("\U0001F600", 15)) + "abc", now);

        Assert.Equal(string.Concat(Enumerable.Repeat("\U0001F600", 9)) + "_before_20261121T101530Z", name);
        Assert.DoesNotContain('\uFFFD', Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(name)));
    }
}
