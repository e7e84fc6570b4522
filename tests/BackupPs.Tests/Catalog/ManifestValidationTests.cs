using System.Text.Json;
using System.Text.Json.Nodes;
using BackupPs.Core.Catalog;
using BackupPs.Core.Errors;
using BackupPs.Core.Hosting;

namespace BackupPs.Tests.Catalog;

/// <summary>
/// A manifest is read from a store that someone else may have edited: every field is checked as strictly as
/// the same value typed by a user, and a bad one is refused as ManifestInvalid naming the file and the field.
/// </summary>
public sealed class ManifestValidationTests : IDisposable
{
    private const string FileName = "app-prod-20261121T020000Z.dump.zst";

    private static readonly DateTimeOffset Started = new(2026, 11, 21, 2, 0, 0, TimeSpan.Zero);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "bps-manifest-" + Guid.NewGuid().ToString("N")[..8], "prod", "app");

    public ManifestValidationTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(Path.GetDirectoryName(_folder))!, recursive: true);

    [Fact]
    public void AManifestAsBackupDatabaseWritesItPasses()
    {
        var manifest = ManifestStore.Read(Write(Valid()));
        Assert.Equal("prod", manifest.Environment);
    }

    [Theory]
    [InlineData("Environment", "\"../../../esc\"")]
    [InlineData("Environment", "\"Prod\"")]
    [InlineData("Environment", "\"\"")]
    [InlineData("Environment", "\"a/b\"")]
    [InlineData("Environment", "null")]
    [InlineData("Database", "\"\"")]
    [InlineData("Database", "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"")]
    [InlineData("Database", "\"a\\u0000b\"")]
    [InlineData("Kind", "7")]
    [InlineData("Format", "7")]
    [InlineData("Compression", "9")]
    [InlineData("FileName", "\"../../../etc/passwd\"")]
    [InlineData("FileName", "\"other-prod-20261121T020000Z.dump.zst\"")]
    [InlineData("FileName", "\"app-dev-20261121T020000Z.dump.zst\"")]
    [InlineData("FileName", "\"app-prod-20261121T020001Z.dump.zst\"")]
    [InlineData("FileName", "\"app-prod-20261121T020000Z-01.dump.zst\"")]
    [InlineData("FileName", "\"app-prod-20261121T020000Z-1.dump.zst\"")]
    [InlineData("FileName", "\"app-prod-20261121T020000Z.sql.gz\"")]
    [InlineData("SizeBytes", "-1")]
    [InlineData("SizeBytes", "0")]
    [InlineData("DumpBytes", "-5")]
    [InlineData("Sha256", "\"00\"")]
    [InlineData("Sha256", "\"9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08\"")]
    [InlineData("Sha256", "\"zz86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\"")]
    [InlineData("StartedUtc", "\"0001-01-01T00:00:00+00:00\"")]
    [InlineData("StartedUtc", "\"2026-11-21T04:00:00+02:00\"")]
    [InlineData("CompletedUtc", "\"2026-11-21T01:59:59+00:00\"")]
    [InlineData("Duration", "\"1.00:00:00\"")]
    [InlineData("Container", "\"../x\"")]
    [InlineData("Container", "\"a b\"")]
    [InlineData("ContainerId", "\"abc\"")]
    [InlineData("ImageId", "\"latest\"")]
    [InlineData("Image", "\"postgres\\n15\"")]
    [InlineData("ComposeProject", "\"a/b\"")]
    [InlineData("ComposeService", "\"\"")]
    [InlineData("ServerVersion", "\"15.4\\u001b[31m\"")]
    [InlineData("PgDumpVersion", "\"latest\"")]
    [InlineData("ArchiveVersion", "\"abc\"")]
    [InlineData("ArchiveVersion", "null")]
    [InlineData("Tool", "\"BackupPs\\r\\nInjected: line\"")]
    [InlineData("Tables", "[{\"Schema\":\"public\",\"Table\":\"loans\",\"Rows\":21},{\"Schema\":\"public\",\"Table\":\"loans\",\"Rows\":21}]")]
    [InlineData("Tables", "[{\"Schema\":\"public\",\"Table\":\"loans\",\"Rows\":-42}]")]
    [InlineData("Tables", "[{\"Schema\":\"\",\"Table\":\"loans\",\"Rows\":42}]")]
    [InlineData("Tables", "null")]
    [InlineData("TotalRows", "41")]
    [InlineData("DatabaseProperties", "{\"Encoding\":\"UTF8;\",\"LocaleProvider\":\"libc\",\"Collate\":\"C\",\"Ctype\":\"C\",\"Settings\":[]}")]
    [InlineData("DatabaseProperties", "{\"Encoding\":\"UTF8\",\"LocaleProvider\":\"mine\",\"Collate\":\"C\",\"Ctype\":\"C\",\"Settings\":[]}")]
    [InlineData("DatabaseProperties", "{\"Encoding\":\"UTF8\",\"LocaleProvider\":\"libc\",\"Collate\":\"C\\n\",\"Ctype\":\"C\",\"Settings\":[]}")]
    [InlineData("DatabaseProperties", "{\"Encoding\":\"UTF8\",\"LocaleProvider\":\"libc\",\"Collate\":\"C\",\"Ctype\":\"C\",\"Settings\":[{\"Role\":null,\"Name\":\"a;b\",\"Value\":\"1\"}]}")]
    [InlineData("DatabaseProperties", "{\"Encoding\":\"UTF8\",\"LocaleProvider\":\"libc\",\"Collate\":\"C\",\"Ctype\":\"C\",\"Settings\":[{\"Role\":null,\"Name\":\"search_path\",\"Value\":\"public; DROP DATABASE prod; --\"}]}")]
    [InlineData("DatabaseProperties", "{\"Encoding\":\"UTF8\",\"LocaleProvider\":\"libc\",\"Collate\":\"C\",\"Ctype\":\"C\",\"Settings\":[{\"Role\":\"\",\"Name\":\"work_mem\",\"Value\":\"4MB\"}]}")]
    // Nulls inside arrays and nested objects, wrong types, empty strings, numbers out of range.
    [InlineData("Tables", "[null]")]
    [InlineData("Tables", "{}")]
    [InlineData("Tables", "\"public.loans\"")]
    [InlineData("Tables", "[{\"Schema\":null,\"Table\":\"loans\",\"Rows\":42}]")]
    [InlineData("Tables", "[{\"Schema\":\"public\",\"Table\":\"loans\",\"Rows\":1e20}]")]
    [InlineData("Tables", "[{\"Schema\":\"public\",\"Table\":\"a\",\"Rows\":9000000000000000000},{\"Schema\":\"public\",\"Table\":\"b\",\"Rows\":9000000000000000000}]")]
    [InlineData("Environment", "5")]
    [InlineData("Environment", "[\"prod\"]")]
    [InlineData("FileName", "\" \"")]
    [InlineData("SizeBytes", "1e300")]
    [InlineData("SizeBytes", "99999999999999999999")]
    [InlineData("SizeBytes", "\"3\"")]
    [InlineData("StartedUtc", "null")]
    [InlineData("Duration", "\"soon\"")]
    [InlineData("Container", "\"\"")]
    [InlineData("Container", "null")]
    [InlineData("DatabaseProperties", "[]")]
    [InlineData("DatabaseProperties", "{\"Encoding\":\"UTF8\",\"LocaleProvider\":\"libc\",\"Collate\":\"C\",\"Ctype\":\"C\",\"Settings\":null}")]
    [InlineData("DatabaseProperties", "{\"Encoding\":\"UTF8\",\"LocaleProvider\":\"libc\",\"Collate\":\"C\",\"Ctype\":\"C\",\"Settings\":[null]}")]
    [InlineData("DatabaseProperties", "{\"Encoding\":null,\"LocaleProvider\":\"libc\",\"Collate\":\"C\",\"Ctype\":\"C\",\"Settings\":[]}")]
    public void AHostileFieldIsRefusedNamingTheFileAndTheField(string field, string json)
    {
        var manifest = Valid();
        manifest[field] = JsonNode.Parse(json);
        var path = Write(manifest);

        var error = Assert.Throws<BackupPsException>(() => ManifestStore.Read(path));

        Assert.Equal("ManifestInvalid", error.ErrorId);
        Assert.Equal(FailureCategory.InvalidData, error.Category);
        Assert.Contains(path, error.Message);
        Assert.Contains(field, error.Message);
        Assert.DoesNotContain(error.Message, char.IsControl); // a hostile value cannot forge output lines or colours
    }

    [Fact]
    public void SettingsAsPostgresStoresThemPass()
    {
        var manifest = Valid();
        manifest["DatabaseProperties"] = JsonNode.Parse("""
            {"Encoding":"UTF8","LocaleProvider":"icu","Collate":"de_DE.UTF-8","Ctype":"de_DE.UTF-8","Locale":"de-DE","IcuRules":null,
             "Settings":[{"Role":null,"Name":"search_path","Value":"\"$user\", public, \"My \"\"Schema\"\"\""},
                         {"Role":"app reader","Name":"app.tenant","Value":"it's; anything"},
                         {"Role":null,"Name":"temp_tablespaces","Value":"\"\""}]}
            """);
        Assert.Equal(3, ManifestStore.Read(Write(manifest)).DatabaseProperties!.Settings.Count);
    }

    [Fact]
    public void AFieldGivenTwiceIsRefused()
    {
        // The deserializer would take the last value; a person or jq reading the file may see the first.
        var text = Valid().ToJsonString().Replace("\"Environment\":\"prod\"", "\"Environment\":\"prod\",\"Environment\":\"../../../esc\"", StringComparison.Ordinal);
        var path = Path.Combine(_folder, "app-prod-20261121T020000Z.manifest.json");
        File.WriteAllText(path, text);

        var error = Assert.Throws<BackupPsException>(() => ManifestStore.Read(path));
        Assert.Equal("ManifestInvalid", error.ErrorId);
        Assert.Contains("Environment is given twice", error.Message);
    }

    [Fact]
    public void AHugeManifestIsRefusedWithoutReadingItAll()
    {
        var path = Path.Combine(_folder, "app-prod-20261121T020000Z.manifest.json");
        using (var file = File.Create(path))
        {
            file.SetLength(ManifestStore.MaxManifestBytes + 1L);
        }

        var error = Assert.Throws<BackupPsException>(() => ManifestStore.Read(path));
        Assert.Equal("ManifestInvalid", error.ErrorId);
        Assert.Contains("larger than 64 MiB", error.Message);
    }

    /// <summary>Whole files that are no manifest at all: each is ManifestInvalid naming the file, never a .NET exception.</summary>
    [Theory]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("[1, 2]")]
    [InlineData("\"app\"")]
    [InlineData("{}")]
    [InlineData("{ not json")]
    public void AFileThatIsNoManifestIsRefused(string text)
    {
        var path = Path.Combine(_folder, "app-prod-20261121T020000Z.manifest.json");
        File.WriteAllText(path, text);

        var error = Assert.Throws<BackupPsException>(() => ManifestStore.Read(path));
        Assert.Equal("ManifestInvalid", error.ErrorId);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void InvalidUtf8IsRefused()
    {
        var path = Path.Combine(_folder, "app-prod-20261121T020000Z.manifest.json");
        var text = Valid().ToJsonString();
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        var at = text.IndexOf("\"prod\"", StringComparison.Ordinal) + 1;
        bytes[at] = 0xff; // inside the environment's value
        File.WriteAllBytes(path, bytes);

        Assert.Equal("ManifestInvalid", Assert.Throws<BackupPsException>(() => ManifestStore.Read(path)).ErrorId);
    }

    [Fact]
    public void ASymbolicLinkInPlaceOfTheManifestIsNotRead()
    {
        var real = Path.Combine(_folder, "elsewhere.json");
        File.WriteAllText(real, Valid().ToJsonString());
        var path = Path.Combine(_folder, "app-prod-20261121T020000Z.manifest.json");
        File.CreateSymbolicLink(path, real);

        Assert.Equal("StoreFileNotRegular", Assert.Throws<BackupPsException>(() => ManifestStore.Read(path)).ErrorId);
    }

    private static JsonObject Valid() =>
        JsonSerializer.SerializeToNode(ManifestSamples.Valid(FileName, Started, Started.AddSeconds(3)), JsonDefaults.Indented)!.AsObject();

    private string Write(JsonObject manifest)
    {
        var path = Path.Combine(_folder, "app-prod-20261121T020000Z.manifest.json");
        File.WriteAllText(path, manifest.ToJsonString());
        return path;
    }
}
