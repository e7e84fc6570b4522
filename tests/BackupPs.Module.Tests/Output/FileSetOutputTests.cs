using System.Management.Automation;
using System.Text.Json.Nodes;
using BackupPs.Module.Tests.Infrastructure;

namespace BackupPs.Module.Tests.Output;

/// <summary>
/// Records of file sets (.env files, folders; volumes alike) as a PowerShell user sees them, from a store with
/// hand-written manifests (no engine needed): one 80-column table with database dumps, a list that shows what was read
/// and the variable names of env files (never values), a readable "$record", the same views after Export-Clixml,
/// ConvertTo-Json equal to what the CLI's --json writes (the same serializer call, JsonDefaults.CommandOutput), and
/// completion of -Name and -Kind.
/// </summary>
public sealed class FileSetOutputTests : IDisposable
{
    private readonly ModuleSession _session = ModuleSession.Start();
    private readonly string _store = Directory.CreateTempSubdirectory("bps-fileset-output-").FullName;

    public FileSetOutputTests()
    {
        Write("directory", "certs", "20261121T020000Z", "2026-11-21T02:00:00+00:00", """
            "Kind":"Directory","SourcePaths":["/opt/app/certs"],"FileCount":3,"TotalBytes":2900,
            "Files":[
              {"Path":".","Type":"Directory","Size":0,"Mode":"0755","Uid":0,"Gid":0,"Modified":"2026-11-20T08:30:00.1234567+00:00"},
              {"Path":"cert.pem","Type":"File","Size":1200,"Mode":"0644","Uid":0,"Gid":0,"Modified":"2026-11-20T08:30:00+00:00","Sha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"},
              {"Path":"privkey.pem","Type":"File","Size":1700,"Mode":"0600","Uid":0,"Gid":0,"Modified":"2026-11-20T08:30:00+00:00","Sha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}]
            """);
        Write("envfile", "env", "20261121T020500Z", "2026-11-21T02:05:00+00:00", """
            "Kind":"EnvFile","SourcePaths":["/opt/app/apps/api/.env","/opt/app/apps/web/.env"],"FileCount":2,"TotalBytes":32,
            "Files":[
              {"Path":"opt/app/apps/api/.env","Type":"File","Size":20,"Mode":"0600","Uid":1000,"Gid":1000,"Modified":"2026-11-20T08:30:00+00:00","Sha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08","Variables":["DATABASE_URL","JWT_SECRET"]},
              {"Path":"opt/app/apps/web/.env","Type":"File","Size":12,"Mode":"0600","Uid":1000,"Gid":1000,"Modified":"2026-11-20T08:30:00+00:00","Sha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08","Variables":["API_URL"]}]
            """);
    }

    public void Dispose()
    {
        _session.Dispose();
        Directory.Delete(_store, recursive: true);
    }

    /// <summary>Writes a 3-byte artifact and its manifest into &lt;store&gt;/prod/&lt;kind&gt;/&lt;name&gt;/.</summary>
    private void Write(string kindFolder, string name, string stamp, string started, string fields)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_store, "prod", kindFolder, name)).FullName;
        var stem = $"{name}-prod-{stamp}";
        File.WriteAllBytes(Path.Combine(folder, stem + ".tar.zst"), [1, 2, 3]);
        File.WriteAllText(Path.Combine(folder, stem + ".manifest.json"), $$"""
            {"SchemaVersion":2,"Environment":"prod","Name":"{{name}}","FileName":"{{stem}}.tar.zst","Compression":"Zstd","SizeBytes":3,
             "Sha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08","DumpBytes":10240,
             "StartedUtc":"{{started}}","CompletedUtc":"{{started}}","Duration":"00:00:00","SourceHost":"pi","Consistency":"Consistent",
             {{fields}}}
            """);
    }

    [Fact]
    public void TheBackupTableFitsEightyColumnsAndNamesTheKindAsSource()
    {
        var lines = Lines(Render("Get-Backup -Path $args[0] | Format-Table"));
        Assert.Equal(["FileName", "Source", "Age", "Size", "Verified"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.All(lines, l => Assert.True(l.Length <= 80, $"Wider than 80 columns: '{l}'"));
        Assert.Matches(@"^certs-prod-20261121T020000Z\.tar\.zst\s+Directory\s", lines[2]);
        Assert.Matches(@"^env-prod-20261121T020500Z\.tar\.zst\s+EnvFile\s", lines[3]);
    }

    [Fact]
    public void TheListShowsWhatWasReadAndTheVariableNames()
    {
        var text = Render("Get-Backup -Path $args[0] -Kind EnvFile | Format-List");
        Assert.Matches(@"Kind\s+: EnvFile", text);
        Assert.Matches(@"Source\s+: pi:/opt/app/apps/api/.env, /opt/app/apps/web/.env", text);
        Assert.Matches(@"Files\s+: 2 entries, 0.0 KB", text);
        Assert.Contains("/opt/app/apps/api/.env: DATABASE_URL, JWT_SECRET", text, StringComparison.Ordinal);
        Assert.Contains("/opt/app/apps/web/.env: API_URL", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Tables", text, StringComparison.Ordinal);

        var directory = Render("Get-Backup -Path $args[0] -Kind Directory | Format-List");
        Assert.Matches(@"Files\s+: 3 entries, 2.8 KB", directory);
        Assert.DoesNotContain("Variables", directory, StringComparison.Ordinal);
    }

    [Fact]
    public void ARecordReadsAsItsFileKindAndName()
    {
        var text = (string)_session.Invoke("\"$(Get-Backup -Path $args[0] -Name certs)\"", _store).AssertSucceeded().Output[0].BaseObject;
        Assert.StartsWith("certs-prod-20261121T020000Z.tar.zst (prod/directory/certs, 2026-11-21 02:00:00Z,", text, StringComparison.Ordinal);
    }

    /// <summary>Export-Clixml/Receive-Job objects: the kind comes back as its number, with its name only as ToString.</summary>
    [Theory]
    [InlineData("Format-Table")]
    [InlineData("Format-List")]
    public void ViewsShowDeserializedRecordsAsTheLiveOnes(string view)
    {
        var file = Path.Combine(_store, "records.xml");
        var live = Render($"Get-Backup -Path $args[0] | {view}");
        var imported = Render($"Get-Backup -Path $args[0] | Export-Clixml $args[1]; Import-Clixml $args[1] | {view}", _store, file);
        Assert.Equal(live, imported);
    }

    /// <summary>ConvertTo-Json of a file set's record says what the CLI's --json line says (ConsoleHost: JsonDefaults.CommandOutput).</summary>
    [Fact]
    public void ConvertToJsonEqualsTheCliJson()
    {
        var result = _session.Invoke("""
            foreach ($record in Get-Backup -Path $args[0]) {
                ($record | ConvertTo-Json -Depth 10 -Compress)
                [System.Text.Json.JsonSerializer]::Serialize($record, $record.GetType(), [BackupPs.Core.Hosting.JsonDefaults]::CommandOutput)
            }
            """, _store).AssertSucceeded();
        Assert.Equal(4, result.Output.Count);
        for (var i = 0; i < result.Output.Count; i += 2)
        {
            var pwsh = JsonNode.Parse((string)result.Output[i].BaseObject);
            var cli = JsonNode.Parse((string)result.Output[i + 1].BaseObject);
            Assert.Equal(SessionText.CanonicalJson(cli), SessionText.CanonicalJson(pwsh));
        }
    }

    /// <summary>-Name completes the catalog names of the store, of the -Kind typed; -Kind completes the kinds.</summary>
    [Fact]
    public void NameAndKindCompleteFromTheStore()
    {
        Assert.Equal(["certs", "env"], Complete($"Get-Backup -Path {_store} -Name "));
        Assert.Equal(["env"], Complete($"Get-Backup -Path {_store} -Kind EnvFile -Name "));
        Assert.Equal(["certs"], Complete($"Get-Backup -Path {_store} -Environment prod -Name c"));
        Assert.Equal(["Database", "Directory", "EnvFile", "Volume"], Complete("Get-Backup -Kind ").Order(StringComparer.Ordinal));
    }

    private string[] Complete(string line) => SessionText.Complete(_session, line);

    private string Render(string pipeline, params object?[] arguments) => SessionText.Render(_session, pipeline, arguments.Length > 0 ? arguments : [_store]);

    private static string[] Lines(string text) => SessionText.Lines(text);
}
