using BackupPs.Core.Catalog;
using BackupPs.Core.Compression;
using BackupPs.Core.Errors;

namespace BackupPs.Tests.Catalog;

public sealed class BackupNamesTests
{
    [Theory]
    [InlineData("prod", "prod")]
    [InlineData("Prod", "prod")]
    [InlineData("staging-2", "staging-2")]
    [InlineData("dev_local", "dev_local")]
    public void EnvironmentNamesAreNormalisedToLowerCase(string given, string expected) =>
        Assert.Equal(expected, BackupNames.NormalizeEnvironment(given));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("..")]
    [InlineData("../prod")]
    [InlineData("prod/x")]
    [InlineData("/prod")]
    [InlineData(".hidden")]
    [InlineData("-prod")]
    [InlineData("prod dev")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456")]
    public void EnvironmentNamesThatCouldEscapeOrConfuseAreRefused(string? given)
    {
        var error = Assert.Throws<BackupPsException>(() => BackupNames.NormalizeEnvironment(given));
        Assert.Equal("InvalidEnvironmentName", error.ErrorId);
        Assert.Equal(FailureCategory.InvalidArgument, error.Category);
    }

    [Fact]
    public void ArtifactNamesCarryDatabaseEnvironmentAndUtcTime()
    {
        var started = new DateTimeOffset(2026, 1, 28, 2, 0, 5, TimeSpan.FromHours(9));
        Assert.Equal("knot-prod-20260127T170005Z.dump.zst", BackupNames.ArtifactFileName("knot", "prod", started, BackupFormat.Custom, CompressionKind.Zstd));
        Assert.Equal("knot-dev-20260127T170005Z.sql.gz", BackupNames.ArtifactFileName("knot", "dev", started, BackupFormat.Plain, CompressionKind.Gzip));
    }

    [Fact]
    public void BackupsThatLostTheirNameToAnotherOfTheSameSecondAreNumbered()
    {
        var started = new DateTimeOffset(2026, 11, 21, 2, 0, 0, TimeSpan.Zero);
        Assert.Equal("app-prod-20261121T020000Z.dump.zst", BackupNames.ArtifactFileName("app", "prod", started, BackupFormat.Custom, CompressionKind.Zstd, claim: 1));
        Assert.Equal("app-prod-20261121T020000Z-2.dump.zst", BackupNames.ArtifactFileName("app", "prod", started, BackupFormat.Custom, CompressionKind.Zstd, claim: 2));
        Assert.Equal("app-prod-20261121T020000Z-12.sql.gz", BackupNames.ArtifactFileName("app", "prod", started, BackupFormat.Plain, CompressionKind.Gzip, claim: 12));
        Assert.Equal("/b/app-prod-20261121T020000Z-2.manifest.json", BackupNames.ManifestPathFor("/b/app-prod-20261121T020000Z-2.sql.gz"));
        Assert.Throws<ArgumentOutOfRangeException>(() => BackupNames.ArtifactFileName("app", "prod", started, BackupFormat.Custom, CompressionKind.Zstd, claim: 0));
    }

    [Theory]
    [InlineData("app", "app")]
    [InlineData("my_app-2.0", "my_app-2.0")]
    [InlineData("my db/../x", "my_db_.._x~0b630092")]
    [InlineData("..", "_..~5ec1f7e7")]
    [InlineData("日本", "__~cf2abf0c")]
    public void DatabaseNamesBecomeOneSafePathSegment(string database, string expected) =>
        Assert.Equal(expected, BackupNames.FileSafe(database));

    [Theory]
    [InlineData("a/b", "a_b")]
    [InlineData("日本", "中国")]
    [InlineData("..", "_..")]
    [InlineData(".", "_.")]
    [InlineData("a b", "a/b")]
    public void DistinctDatabasesNeverShareAFolder(string one, string other) =>
        Assert.NotEqual(BackupNames.FileSafe(one), BackupNames.FileSafe(other));

    [Theory]
    [InlineData("/b/app-prod-1.dump.zst", "/b/app-prod-1.manifest.json")]
    [InlineData("/b/app-prod-1.sql.gz", "/b/app-prod-1.manifest.json")]
    [InlineData("/b/renamed.bak", "/b/renamed.bak.manifest.json")]
    public void ManifestsSitBesideTheirArtifact(string artifact, string manifest) =>
        Assert.Equal(manifest, BackupNames.ManifestPathFor(artifact));

    [Theory]
    [InlineData("../../../esc")]
    [InlineData("..")]
    [InlineData("prod/../../x")]
    public void AFolderIsNeverComposedFromAnEnvironmentThatClimbs(string environment) =>
        Assert.Equal("InvalidEnvironmentName", Assert.Throws<BackupPsException>(() => BackupNames.FolderFor("/store", environment, "app")).ErrorId);

    [Theory]
    [InlineData("/store/prod/app/app-prod-20261121T020000Z.dump.zst", "/store")]
    [InlineData("/store/dev/app/app-prod-20261121T020000Z.dump.zst", "/store/dev/app")]
    [InlineData("/copies/app-prod-20261121T020000Z.dump.zst", "/copies")]
    public void ABackupsStoreIsItsRootWhenFiledWhereItBelongsElseItsOwnFolder(string artifact, string root) =>
        Assert.Equal(root, BackupNames.StoreRootOf(artifact, ManifestSamples.Valid(Path.GetFileName(artifact), new DateTimeOffset(2026, 11, 21, 2, 0, 0, TimeSpan.Zero))));
}
