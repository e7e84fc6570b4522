using System.Management.Automation;
using System.Text.Json;
using System.Text.Json.Nodes;
using BackupPs.Module.Tests.Infrastructure;
using BackupPs.Tests.Infrastructure;

namespace BackupPs.Module.Tests.Output;

/// <summary>
/// What the cmdlets' objects look like to a PowerShell user: stable PSTypeNames on every object and nested
/// object, views that fit 80 columns, lists without C# record syntax, a readable "$record", and
/// ConvertTo-Json that says what the CLI's --json says.
/// </summary>
[Collection(SharedPostgres.Name)]
public sealed class OutputFormattingTests : IDisposable
{
    private readonly ModuleSession _session = ModuleSession.Start();
    private readonly string _store = Directory.CreateTempSubdirectory("bps-output-").FullName;
    private readonly SharedPostgresServer _server;

    public OutputFormattingTests(SharedPostgresServer server)
    {
        _server = server;
        // One backup, one test result and one restore record, kept in the session as $backup, $test, $restore.
        _session.Invoke("""
            $global:backup = Backup-Database -Container $args[0] -Environment dev -Path $args[1]
            $global:test = $backup | Test-Backup
            $global:restore = Restore-Database -Path $backup.Path -Database output_copy -Confirm:$false
            """, server.Name, _store).AssertSucceeded();
    }

    public void Dispose()
    {
        _server.Psql("drop database if exists output_copy", "postgres");
        _session.Dispose();
        Directory.Delete(_store, recursive: true);
    }

    [Theory]
    [InlineData("$backup", "BackupPs.BackupRecord")]
    [InlineData("$backup.Tables[0]", "BackupPs.TableRowCount")]
    [InlineData("$backup.DatabaseProperties", "BackupPs.DatabaseProperties")]
    [InlineData("Get-Backup -Path $args[0]", "BackupPs.BackupRecord")]
    [InlineData("$test", "BackupPs.TestBackupResult")]
    [InlineData("$test.Checks[0]", "BackupPs.BackupCheck")]
    [InlineData("$restore", "BackupPs.RestoreRecord")]
    [InlineData("$restore.Tables[0]", "BackupPs.TableRowComparison")]
    public void EveryOutputAndNestedObjectHasAStableTypeName(string expression, string typeName)
    {
        var output = _session.Invoke(expression, _store).AssertSucceeded().Output;
        Assert.Equal(typeName, Assert.Single(output).TypeNames[0]);
    }

    [Theory]
    [InlineData("$backup")]
    [InlineData("$test")]
    [InlineData("$restore")]
    [InlineData("$test.Checks")]
    [InlineData("$restore.Tables")]
    public void TablesFitEightyColumnsWithoutCuttingAColumn(string expression)
    {
        var text = Render(expression + " | Format-Table");
        Assert.All(Lines(text), l => Assert.True(l.Length <= 80, $"Wider than 80 columns: '{l}'"));
        Assert.DoesNotContain("…", text, StringComparison.Ordinal);
        Assert.DoesNotContain("...", text, StringComparison.Ordinal);
    }

    [Fact]
    public void BackupTableShowsFileNameContainerAgeAndSize()
    {
        var header = Lines(Render("$backup | Format-Table"))[0];
        Assert.Equal(["FileName", "Container", "Age", "Size"], header.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(_session.Invoke("$backup.FileName").Output[0].ToString(), Render("$backup"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("$backup")]
    [InlineData("$test")]
    [InlineData("$restore")]
    public void ListsShowNestedObjectsAsReadableRows(string expression)
    {
        var text = Render(expression + " | Format-List");
        Assert.DoesNotContain("{ Name = ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("BackupPs.Core", text, StringComparison.Ordinal);
        Assert.DoesNotContain(" = ", Render(expression + " | Format-List *"), StringComparison.Ordinal);
    }

    [Fact]
    public void TestResultListHasOneLinePerCheck()
    {
        var text = Render("$test | Format-List");
        foreach (var check in new[] { "Manifest: passed", "Sha256: passed", "RowCounts: passed" })
        {
            Assert.Contains(check, text, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("\"$backup\"", "app-dev-")]
    [InlineData("\"$test\"", ": passed")]
    [InlineData("\"$restore\"", "-> output_copy in ")]
    [InlineData("\"$($test.Checks[0])\"", "Manifest: passed")]
    [InlineData("\"$($restore.Tables[0])\"", "restored")]
    public void StringsOfOutputObjectsAreReadable(string expression, string expected)
    {
        var text = (string)_session.Invoke(expression).AssertSucceeded().Output[0].BaseObject;
        Assert.Contains(expected, text, StringComparison.Ordinal);
        Assert.DoesNotContain("BackupPs.Core", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ConvertToJsonOfABackupRecordSaysWhatTheCliSays()
    {
        var cli = ProcessRunner.Run("dotnet", [CliDll, "get-backup", _store, "--json"]);
        Assert.True(cli.ExitCode == 0, cli.ToString());
        var expected = JsonNode.Parse(cli.Stdout.Trim())!;
        var actual = JsonNode.Parse((string)_session.Invoke("Get-Backup -Path $args[0] | ConvertTo-Json -Depth 5", _store).AssertSucceeded().Output[0].BaseObject)!;
        Assert.Equal("Custom", actual["Format"]!.GetValue<string>());
        Assert.Equal("Zstd", actual["Compression"]!.GetValue<string>());
        Assert.Equal(expected["StartedUtc"]!.GetValue<string>(), actual["StartedUtc"]!.GetValue<string>());
        Assert.Equal(Canonical(expected, WithoutDurations), Canonical(actual, WithoutDurations));
    }

    [Fact]
    public void CliJsonWritesIsoDurations()
    {
        var cli = ProcessRunner.Run("dotnet", [CliDll, "get-backup", _store, "--json"]);
        var duration = JsonNode.Parse(cli.Stdout.Trim())!["Duration"]!.GetValue<string>();
        Assert.StartsWith("PT", duration, StringComparison.Ordinal);
        Assert.Equal(System.Xml.XmlConvert.ToTimeSpan(duration), (TimeSpan)_session.Invoke("$backup.Duration").Output[0].BaseObject);
    }

    [Fact]
    public void ConvertToJsonWritesEnumNamesInNestedObjectsToo()
    {
        var json = JsonNode.Parse((string)_session.Invoke("$restore | ConvertTo-Json -Depth 5").AssertSucceeded().Output[0].BaseObject)!;
        Assert.Equal("New", json["Mode"]!.GetValue<string>());
    }

    /// <summary>
    /// Durations are left out of the equality: PowerShell's ConvertTo-Json serialises a TimeSpan property as an
    /// object of its parts whatever types.ps1xml says (it reflects the .NET properties), so only the CLI writes ISO 8601.
    /// </summary>
    private static readonly string[] WithoutDurations = ["Duration", "RestoreDuration"];

    private static string CliDll => Path.Combine(PostgresContainer.RepositoryRoot, "src", "BackupPs.Cli", "bin",
        new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name, "net8.0", "backupps.dll");

    private static string Canonical(JsonNode node, string[] skip)
    {
        var copy = JsonNode.Parse(node.ToJsonString())!.AsObject();
        foreach (var name in skip)
        {
            copy.Remove(name);
        }

        return JsonSerializer.Serialize(new SortedDictionary<string, JsonNode?>(copy.ToDictionary(p => p.Key, p => p.Value?.DeepClone()), StringComparer.Ordinal));
    }

    private string Render(string pipeline) =>
        string.Concat(_session.Invoke(pipeline + " | Out-String -Width 80").AssertSucceeded().Output.Select(o => o.BaseObject as string));

    private static string[] Lines(string text) =>
        text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0).ToArray();
}
