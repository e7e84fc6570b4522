using System.Text.Json;
using System.Text.Json.Nodes;
using BackupPs.Core.Catalog;
using BackupPs.Core.Errors;
using BackupPs.Core.Hosting;

namespace BackupPs.Tests.Catalog;

/// <summary>
/// A manifest's Duration: stores hold the form every BackupPs has written (.NET's "00:00:03.2500000"), which this
/// version still writes so that older versions keep reading a store it writes to; ISO 8601 ("PT3.25S", what --json
/// and ConvertTo-Json show) is read too. Either way it must equal CompletedUtc - StartedUtc.
/// </summary>
public sealed class ManifestDurationTests : IDisposable
{
    private const string FileName = "app-prod-20261121T020000Z.dump.zst";

    private static readonly DateTimeOffset Started = new(2026, 11, 21, 2, 0, 0, TimeSpan.Zero);

    private static readonly TimeSpan Took = TimeSpan.FromSeconds(3.25);

    private readonly string _root = Directory.CreateTempSubdirectory("bps-duration-").FullName;

    private string ManifestPath => Path.Combine(_root, "prod", "app", "app-prod-20261121T020000Z.manifest.json");

    public ManifestDurationTests() => Directory.CreateDirectory(Path.GetDirectoryName(ManifestPath)!);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData("00:00:03.2500000")] // what every earlier BackupPs wrote
    [InlineData("PT3.25S")]
    public void ADurationInEitherFormReads(string stored)
    {
        var manifest = ManifestStore.Read(Write(stored));
        Assert.Equal(Took, manifest.Elapsed);
        Assert.Equal("PT3.25S", manifest.Duration);
    }

    [Fact]
    public void AManifestWrittenByAnEarlierVersionReadsWhole()
    {
        // Byte for byte as BackupPs 0.1.0 wrote it (System.Text.Json's own TimeSpan form).
        File.WriteAllText(ManifestPath, """
            {
              "SchemaVersion": 1,
              "Kind": "Database",
              "Environment": "prod",
              "Database": "app",
              "FileName": "app-prod-20261121T020000Z.dump.zst",
              "Format": "Custom",
              "Compression": "Zstd",
              "SizeBytes": 3,
              "Sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
              "DumpBytes": 100,
              "StartedUtc": "2026-11-21T02:00:00+00:00",
              "CompletedUtc": "2026-11-21T02:00:03.25+00:00",
              "Duration": "00:00:03.2500000",
              "Container": "db",
              "ContainerId": "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
              "Image": "postgres:15",
              "ImageId": "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
              "ComposeProject": null,
              "ComposeService": null,
              "ServerVersion": "15.14 (Debian 15.14-0+deb12u1)",
              "PgDumpVersion": "15.14 (Debian 15.14-0+deb12u1)",
              "ArchiveVersion": "1.14-0",
              "Tables": [
                {
                  "Schema": "public",
                  "Table": "loans",
                  "Rows": 42
                }
              ],
              "TotalRows": 42,
              "Tool": "BackupPs 0.1.0"
            }
            """);
        var manifest = ManifestStore.Read(ManifestPath);
        Assert.Equal((Took, Started + Took), (manifest.Elapsed, manifest.CompletedUtc));
    }

    [Fact]
    public async Task ANewManifestStoresTheFormEarlierVersionsRead()
    {
        await ManifestStore.WriteAsync(ManifestPath, ManifestSamples.Valid(FileName, Started, Started + Took), CancellationToken.None);
        var stored = JsonNode.Parse(File.ReadAllText(ManifestPath))!["Duration"]!;
        Assert.Equal("00:00:03.2500000", stored.GetValue<string>());
        Assert.Equal(Took, stored.Deserialize<TimeSpan>()); // System.Text.Json's own TimeSpan reader, as earlier versions have it
    }

    [Theory]
    [InlineData("\"PT1H\"")] // well formed, but not CompletedUtc - StartedUtc
    [InlineData("\"3.25 seconds\"")]
    [InlineData("\"P\"")]
    [InlineData("\"PT3.25S\\n[31mForged\"")]
    [InlineData("3.25")]
    [InlineData("null")]
    public void AWrongDurationIsRefusedNamingTheField(string json)
    {
        var path = Write(JsonNode.Parse(json));
        var error = Assert.Throws<BackupPsException>(() => ManifestStore.Read(path));
        Assert.Equal("ManifestInvalid", error.ErrorId);
        Assert.Contains("Duration", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(error.Message, char.IsControl);
    }

    private string Write(JsonNode? duration)
    {
        var manifest = JsonSerializer.SerializeToNode(ManifestSamples.Valid(FileName, Started, Started + Took), JsonDefaults.Indented)!.AsObject();
        manifest["Duration"] = duration;
        File.WriteAllText(ManifestPath, manifest.ToJsonString());
        return ManifestPath;
    }
}
