using BackupPs.Core.Catalog;
using BackupPs.Core.Compression;
using BackupPs.Core.Storage;

namespace BackupPs.Tests.Catalog;

/// <summary>
/// How a proven backup gets its name when others of the same second compete for it: on real files, with
/// rivals staged on disk or racing in parallel.
/// </summary>
public sealed class BackupPlacementTests : IDisposable
{
    private const string Stem = "app-prod-20261121T020000Z";

    private static readonly DateTimeOffset Started = new(2026, 11, 21, 2, 0, 0, TimeSpan.Zero);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "bps-placement-" + Guid.NewGuid().ToString("N")[..8]);

    public BackupPlacementTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task AFreeNameIsTakenAsItIs()
    {
        var record = await StoreAsync(".dump.zst", "mine");
        Assert.Equal(Path.Combine(_folder, Stem + ".dump.zst"), record.Path);
        Assert.Equal(Path.Combine(_folder, Stem + ".manifest.json"), record.ManifestPath);
        Assert.Equal([Stem + ".dump.zst", Stem + ".manifest.json"], Names());
    }

    [Fact]
    public async Task TakenNamesAreLeftAloneAndTheNextFreeSuffixIsUsed()
    {
        // An earlier backup of the same second, and the artifact of one whose process was killed before its manifest.
        Stage(Stem + ".dump.zst", "first");
        Stage(Stem + ".manifest.json", "first's manifest");
        Stage(Stem + "-2.dump.zst", "orphan");

        var record = await StoreAsync(".dump.zst", "mine");

        Assert.Equal(Path.Combine(_folder, Stem + "-3.dump.zst"), record.Path);
        Assert.Equal(Stem + "-3.dump.zst", ManifestStore.Read(record.ManifestPath).FileName);
        Assert.Equal("mine", File.ReadAllText(record.Path));
        Assert.Equal(("first", "first's manifest", "orphan"),
            (Read(Stem + ".dump.zst"), Read(Stem + ".manifest.json"), Read(Stem + "-2.dump.zst")));
    }

    [Fact]
    public async Task AManifestTakenByABackupOfAnotherFormatTakesTheArtifactOnToTheNextStem()
    {
        // A plain gzip backup of the same second owns the stem; our custom artifact's own name is free.
        Stage(Stem + ".sql.gz", "plain");
        Stage(Stem + ".manifest.json", "plain's manifest");

        var record = await StoreAsync(".dump.zst", "mine");

        Assert.Equal(Path.Combine(_folder, Stem + "-2.dump.zst"), record.Path);
        Assert.Equal(Path.Combine(_folder, Stem + "-2.manifest.json"), record.ManifestPath);
        Assert.Equal([Stem + "-2.dump.zst", Stem + "-2.manifest.json", Stem + ".manifest.json", Stem + ".sql.gz"], Names());
        Assert.Equal("plain's manifest", Read(Stem + ".manifest.json"));
    }

    [Fact]
    public async Task BackupsRacingInTheSameSecondEachGetAWholeStemOfTheirOwn()
    {
        string[] extensions = [".dump.zst", ".sql.gz", ".dump.gz", ".sql.zst"];
        using var start = new Barrier(12);
        var records = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(async () =>
        {
            await using var artifact = Write(extensions[i % extensions.Length], $"backup {i}");
            start.SignalAndWait();
            return await BackupPlacement.StoreAsync(artifact, FileNameFor(extensions[i % extensions.Length]), Describe(i.ToString()),
                CancellationToken.None);
        })));

        Assert.Equal(12, records.Select(r => BackupNames.ManifestPathFor(r.Path)).Distinct().Count());
        foreach (var record in records)
        {
            // Each manifest sits on its artifact's stem, names it, and describes the content that writer wrote.
            Assert.Equal(BackupNames.ManifestPathFor(record.Path), record.ManifestPath);
            var manifest = ManifestStore.Read(record.ManifestPath);
            Assert.Equal(Path.GetFileName(record.Path), manifest.FileName);
            Assert.Equal($"backup {manifest.Container!["writer-".Length..]}", File.ReadAllText(record.Path));
        }

        Assert.Equal(24, Names().Length); // nothing else: no partial file, no stray artifact
    }

    [Fact]
    public async Task AnArtifactWhoseManifestCannotBeWrittenIsRemoved()
    {
        await using var artifact = Write(".dump.zst", "mine");
        await Assert.ThrowsAsync<IOException>(() => BackupPlacement.StoreAsync(artifact, FileNameFor(".dump.zst"),
            _ => throw new IOException("disk gone"), CancellationToken.None));
        await artifact.DisposeAsync();
        Assert.Empty(Names());
    }

    private async Task<BackupRecord> StoreAsync(string extension, string content)
    {
        await using var artifact = Write(extension, content);
        return await BackupPlacement.StoreAsync(artifact, FileNameFor(extension), Describe("-"), CancellationToken.None);
    }

    private AtomicFile Write(string extension, string content)
    {
        var artifact = AtomicFile.CreateUnnamed(Path.Combine(_folder, Stem + extension));
        artifact.Stream.Write(System.Text.Encoding.UTF8.GetBytes(content));
        return artifact;
    }

    private static Func<int, string> FileNameFor(string extension) => claim => BackupNames.ArtifactFileName("app", "prod", Started,
        extension.StartsWith(".dump", StringComparison.Ordinal) ? BackupFormat.Custom : BackupFormat.Plain,
        extension.EndsWith(".zst", StringComparison.Ordinal) ? CompressionKind.Zstd : CompressionKind.Gzip, claim);

    /// <summary>Container carries the writer's number, so a manifest can be matched to the content it describes.</summary>
    private static Func<string, BackupManifest> Describe(string writer) => fileName => ManifestSamples.Valid(fileName, Started, container: "writer-" + writer);

    private void Stage(string name, string content) => File.WriteAllText(Path.Combine(_folder, name), content);

    private string Read(string name) => File.ReadAllText(Path.Combine(_folder, name));

    private string[] Names() => Directory.GetFiles(_folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;
}
