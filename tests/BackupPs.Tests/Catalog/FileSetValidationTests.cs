using System.Text.Json.Nodes;
using BackupPs.Core.Catalog;
using BackupPs.Core.Errors;

namespace BackupPs.Tests.Catalog;

/// <summary>
/// A file set's manifest lists the paths a restore will write, links it will make and owners it will set: each hostile
/// or lying field is refused as ManifestInvalid naming the file and the field, before any archive is opened.
/// </summary>
public sealed class FileSetValidationTests : IDisposable
{
    private static readonly DateTimeOffset Started = new(2026, 11, 21, 2, 0, 0, TimeSpan.Zero);

    private readonly string _root = Directory.CreateTempSubdirectory("bps-fileset-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData(BackupKind.Directory)]
    [InlineData(BackupKind.EnvFile)]
    [InlineData(BackupKind.Volume)]
    public async Task AManifestAsTheBackupCommandsWriteItPasses(BackupKind kind)
    {
        var path = await WriteAsync(kind, _ => { });
        Assert.Equal(kind, ManifestStore.Read(path).Kind);
    }

    /// <summary>One field spoiled: (kind, JSON path below the root, its new value as JSON, the field the error must name).</summary>
    [Theory]
    // Entry paths that would leave the destination or mean something else than they say.
    [InlineData(BackupKind.Directory, "Files/2/Path", "\"../../etc/cron.d/x\"", "Files")]
    [InlineData(BackupKind.Directory, "Files/2/Path", "\"live/../../x\"", "Files")]
    [InlineData(BackupKind.Directory, "Files/2/Path", "\"/etc/passwd\"", "Files")]
    [InlineData(BackupKind.Directory, "Files/2/Path", "\"live//cert.pem\"", "Files")]
    [InlineData(BackupKind.Directory, "Files/2/Path", "\"live/./cert.pem\"", "Files")]
    [InlineData(BackupKind.Directory, "Files/2/Path", "\"./live/cert.pem\"", "Files")]
    [InlineData(BackupKind.Directory, "Files/1/Path", "\"live/\"", "Files")]
    [InlineData(BackupKind.Directory, "Files/2/Path", "\"\"", "Files")]
    [InlineData(BackupKind.Directory, "Files/2/Path", "\"live/cert\\u0000.pem\"", "Files")]
    [InlineData(BackupKind.Directory, "Files/2/Path", "null", "Files")]
    [InlineData(BackupKind.Directory, "Files/3/Path", "\"live/cert.pem\"", "Files")]
    [InlineData(BackupKind.EnvFile, "Files/0/Path", "\"/opt/app/apps/api/.env\"", "Files")]
    [InlineData(BackupKind.EnvFile, "Files/0/Path", "\".\"", "Files")]
    [InlineData(BackupKind.EnvFile, "Files/1/Path", "\"opt/app/apps/api/.env\"", "Files")]
    // The root folder as something else, or not first.
    [InlineData(BackupKind.Directory, "Files/0/Type", "0", "Files")]
    [InlineData(BackupKind.Directory, "Files/1/Path", "\".\"", "Files")]
    // Links: a hard link must name an earlier file; a symbolic link needs its target; a file has none.
    [InlineData(BackupKind.Directory, "Files/5/LinkTarget", "\"cert-copy.pem\"", "Files")]
    [InlineData(BackupKind.Directory, "Files/5/LinkTarget", "\"live\"", "Files")]
    [InlineData(BackupKind.Directory, "Files/5/LinkTarget", "\"live/current\"", "Files")]
    [InlineData(BackupKind.Directory, "Files/5/LinkTarget", "\"../outside\"", "Files")]
    [InlineData(BackupKind.Directory, "Files/5/LinkTarget", "null", "Files")]
    [InlineData(BackupKind.Directory, "Files/4/LinkTarget", "\"\"", "Files")]
    [InlineData(BackupKind.Directory, "Files/4/LinkTarget", "\"a\\u0000b\"", "Files")]
    [InlineData(BackupKind.Directory, "Files/2/LinkTarget", "\"/etc/shadow\"", "Files")]
    // Metadata that is no metadata.
    [InlineData(BackupKind.Directory, "Files/2/Type", "9", "Files")]
    [InlineData(BackupKind.Directory, "Files/2/Mode", "\"644\"", "Files")]
    [InlineData(BackupKind.Directory, "Files/2/Mode", "\"0999\"", "Files")]
    [InlineData(BackupKind.Directory, "Files/2/Mode", "\"10644\"", "Files")]
    [InlineData(BackupKind.Directory, "Files/2/Mode", "null", "Files")]
    [InlineData(BackupKind.Directory, "Files/2/Uid", "-1", "Files")]
    [InlineData(BackupKind.Directory, "Files/2/Gid", "4294967296", "Files")]
    [InlineData(BackupKind.Directory, "Files/2/Size", "-1", "Files")]
    [InlineData(BackupKind.Directory, "Files/1/Size", "10", "Files")]
    [InlineData(BackupKind.Directory, "Files/2/Sha256", "null", "Files")]
    [InlineData(BackupKind.Directory, "Files/2/Sha256", "\"abc\"", "Files")]
    [InlineData(BackupKind.Directory, "Files/1/Sha256", "\"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\"", "Files")]
    [InlineData(BackupKind.Directory, "Files/2", "null", "Files")]
    [InlineData(BackupKind.Directory, "Files", "null", "Files")]
    // Incremental: content stored in an earlier backup needs a base, and only a file has content.
    [InlineData(BackupKind.Directory, "Files/2/StoredIn", "\"certs-prod-20261120T020000Z.tar.zst\"", "Files")]
    [InlineData(BackupKind.Directory, "BaseFileName", "\"certs-prod-20261121T020000Z.tar.zst\"", "BaseFileName")]
    [InlineData(BackupKind.Directory, "BaseFileName", "\"photos-prod-20261120T020000Z.tar.zst\"", "BaseFileName")]
    [InlineData(BackupKind.Directory, "BaseFileName", "\"../certs-prod-20261120T020000Z.tar.zst\"", "BaseFileName")]
    [InlineData(BackupKind.EnvFile, "BaseFileName", "\"env-prod-20261120T020000Z.tar.zst\"", "BaseFileName")]
    // Variables: names of an env file's files only, never values, each once.
    [InlineData(BackupKind.Directory, "Files/2/Variables", "[\"JWT_SECRET\"]", "Files")]
    [InlineData(BackupKind.EnvFile, "Files/0/Variables", "[\"JWT_SECRET=hunter2\"]", "Files")]
    [InlineData(BackupKind.EnvFile, "Files/0/Variables", "[\"A\", \"A\"]", "Files")]
    [InlineData(BackupKind.EnvFile, "Files/0/Variables", "[null]", "Files")]
    [InlineData(BackupKind.EnvFile, "Files/0/Variables", "[\"\"]", "Files")]
    // Counts and sums that lie.
    [InlineData(BackupKind.Directory, "FileCount", "5", "FileCount")]
    [InlineData(BackupKind.Directory, "FileCount", "7", "FileCount")]
    [InlineData(BackupKind.Directory, "TotalBytes", "2899", "TotalBytes")]
    [InlineData(BackupKind.Directory, "Files/2/Size", "9223372036854775807", "Files")]
    // The volume a Volume backup is of, and nothing of the kind for the others.
    [InlineData(BackupKind.Volume, "Volume", "null", "Volume")]
    [InlineData(BackupKind.Directory, "Volume", "{\"Name\":\"certs\",\"Driver\":\"local\",\"ReadThrough\":\"Mountpoint\"}", "Volume")]
    [InlineData(BackupKind.Volume, "Volume/Name", "\"other\"", "Volume.Name")]
    [InlineData(BackupKind.Volume, "Volume/Name", "\"../x\"", "Volume.Name")]
    [InlineData(BackupKind.Volume, "Volume/ReadThrough", "\"Magic\"", "Volume.ReadThrough")]
    [InlineData(BackupKind.Volume, "Volume/Driver", "null", "Volume.Driver")]
    [InlineData(BackupKind.Volume, "Volume/Labels", "{\"a\":\"b\\u0000c\"}", "Volume.Labels")]
    // The rest of a file set's fields.
    [InlineData(BackupKind.Directory, "Name", "null", "Name")]
    [InlineData(BackupKind.Directory, "Name", "\"\"", "Name")]
    [InlineData(BackupKind.Directory, "Name", "\"../certs\"", "Name")]
    [InlineData(BackupKind.Directory, "FileName", "\"certs-prod-20261121T020000Z.dump.zst\"", "FileName")]
    [InlineData(BackupKind.Directory, "FileName", "\"other-prod-20261121T020000Z.tar.zst\"", "FileName")]
    [InlineData(BackupKind.Directory, "Database", "\"certs\"", "Database")]
    [InlineData(BackupKind.Directory, "Tables", "[]", "Database")]
    [InlineData(BackupKind.Directory, "SourceHost", "null", "SourceHost")]
    [InlineData(BackupKind.Directory, "SourcePaths", "[\"opt/app/certs\"]", "SourcePaths")]
    [InlineData(BackupKind.Directory, "SourcePaths", "[]", "SourcePaths")]
    [InlineData(BackupKind.Directory, "SourcePaths", "null", "SourcePaths")]
    [InlineData(BackupKind.Directory, "Consistency", "null", "Consistency")]
    [InlineData(BackupKind.Directory, "Consistency", "7", "Consistency")]
    [InlineData(BackupKind.Directory, "Skipped", "[{\"Path\":\"fifo\",\"Reason\":null}]", "Skipped")]
    public async Task AHostileFieldIsRefusedNamingTheFileAndTheField(BackupKind kind, string pointer, string json, string field)
    {
        var path = await WriteAsync(kind, manifest => Set(manifest, pointer, JsonNode.Parse(json)));

        var error = Assert.Throws<BackupPsException>(() => ManifestStore.Read(path));

        Assert.Equal("ManifestInvalid", error.ErrorId);
        Assert.Equal(FailureCategory.InvalidData, error.Category);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains($"field {field}:", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(error.Message, char.IsControl);
    }

    /// <summary>A hard link before the file it names: the restore would link to nothing yet written.</summary>
    [Fact]
    public async Task AHardLinkToALaterEntryIsRefused()
    {
        var path = await WriteAsync(BackupKind.Directory, manifest =>
        {
            var files = manifest["Files"]!.AsArray();
            var link = files[5]!;
            files.RemoveAt(5);
            files.Insert(1, link);
        });

        var error = Assert.Throws<BackupPsException>(() => ManifestStore.Read(path));
        Assert.Contains("cert-copy.pem is a hard link to 'live/cert.pem', which is not an earlier file entry", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A symbolic link, then an entry through it: the write would land wherever the link points.</summary>
    [Theory]
    [InlineData("live/current/evil")]
    [InlineData("live/cert.pem/x")]
    public async Task AnEntryUnderALinkOrAFileIsRefused(string entry)
    {
        var path = await WriteAsync(BackupKind.Directory, manifest =>
        {
            manifest["Files"]!.AsArray().Add(JsonNode.Parse($$"""{"Path":"{{entry}}","Type":0,"Size":0,"Mode":"0644","Uid":0,"Gid":0,"Modified":"2026-11-20T08:30:00Z","Sha256":"{{ManifestSamples.Sha256}}"}"""));
            manifest["FileCount"] = 7;
        });

        var error = Assert.Throws<BackupPsException>(() => ManifestStore.Read(path));
        Assert.Contains($"{entry} lies under", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Variables on a folder of an env-file set (the kind allows them, the entry does not).</summary>
    [Fact]
    public async Task VariablesOnAFolderAreRefused()
    {
        var path = await WriteAsync(BackupKind.EnvFile, manifest =>
        {
            var files = manifest["Files"]!.AsArray();
            files.Insert(0, JsonNode.Parse("""{"Path":"opt/app","Type":1,"Size":0,"Mode":"0755","Uid":0,"Gid":0,"Modified":"2026-11-20T08:30:00Z","Variables":["A"]}"""));
            manifest["FileCount"] = 3;
        });

        var error = Assert.Throws<BackupPsException>(() => ManifestStore.Read(path));
        Assert.Contains("opt/app lists variables", error.Message, StringComparison.Ordinal);
    }

    /// <summary>An incremental backup as the engine writes it passes: a base, and unchanged files stored in it.</summary>
    [Fact]
    public async Task AnIncrementalManifestPasses()
    {
        var path = await WriteAsync(BackupKind.Directory, manifest =>
        {
            manifest["BaseFileName"] = "certs-prod-20261120T020000Z.tar.zst";
            manifest["Files"]![2]!["StoredIn"] = "certs-prod-20261119T020000Z-2.tar.gz";
        });

        Assert.Equal("certs-prod-20261119T020000Z-2.tar.gz", ManifestStore.Read(path).Files![2].StoredIn);
    }

    private async Task<string> WriteAsync(BackupKind kind, Action<JsonObject> edit)
    {
        var name = kind switch { BackupKind.EnvFile => "env", BackupKind.Volume => "docker_db-data", _ => "certs" };
        var artifact = await FileSetSamples.StoreAsync(_root, FileSetSamples.Valid(kind, name, Started));
        var manifestPath = BackupNames.ManifestPathFor(artifact);
        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(manifestPath))!.AsObject();
        edit(manifest);
        await File.WriteAllTextAsync(manifestPath, manifest.ToJsonString());
        return manifestPath;
    }

    /// <summary>Sets the value at a '/'-separated path of property names and array indexes ("Files/2/Path").</summary>
    private static void Set(JsonObject manifest, string pointer, JsonNode? value)
    {
        var parts = pointer.Split('/');
        JsonNode node = manifest;
        foreach (var part in parts[..^1])
        {
            node = int.TryParse(part, out var index) ? node[index]! : node[part]!;
        }

        if (int.TryParse(parts[^1], out var last))
        {
            node.AsArray()[last] = value;
        }
        else
        {
            node[parts[^1]] = value;
        }
    }
}
