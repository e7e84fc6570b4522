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
        var actual = Json("Get-Backup -Path $args[0] | ConvertTo-Json -Depth 8", _store);
        Assert.Equal("Custom", actual["Format"]!.GetValue<string>());
        Assert.Equal("Zstd", actual["Compression"]!.GetValue<string>());
        Assert.Equal(expected["StartedUtc"]!.GetValue<string>(), actual["StartedUtc"]!.GetValue<string>());
        Assert.StartsWith("PT", actual["Duration"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(Canonical(expected), Canonical(actual));
    }

    /// <summary>
    /// Every output object, nested ones and durations included: ConvertTo-Json in pwsh against the serialiser call the
    /// CLI makes for --json (ConsoleHost: JsonSerializer.Serialize(record, record.GetType(), JsonDefaults.CommandOutput)),
    /// made on the same object in the same runspace, so the values match to the tick.
    /// </summary>
    [Theory]
    [InlineData("$backup")]
    [InlineData("$test")]
    [InlineData("$restore")]
    public void ConvertToJsonSaysWhatTheCliSaysOfTheSameObject(string expression) => AssertConvertToJsonIsCliJson(expression);

    [Fact]
    public void ConvertToJsonOfARestoreDrillSaysWhatTheCliSays()
    {
        // ConfirmPreference None: whether or not -Restore asks (ShouldProcess), the drill runs unattended.
        _session.Invoke("$ConfirmPreference = 'None'; $global:drill = $backup | Test-Backup -Restore").AssertSucceeded();
        AssertConvertToJsonIsCliJson("$drill");
        Assert.StartsWith("PT", Json("$drill | ConvertTo-Json -Depth 8")["RestoreDuration"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.IsType<TimeSpan>(_session.Invoke("$drill.RestoreDuration").AssertSucceeded().Output[0].BaseObject);
    }

    /// <summary>
    /// ConvertTo-Json writes ISO 8601 text, yet a script gets a [TimeSpan] of the same value: `$r.RestoreDuration |
    /// Should -BeLessThan $rto`, `.TotalSeconds` and the views keep working.
    /// </summary>
    [Theory]
    [InlineData("$backup", "Duration")]
    [InlineData("$test", "Duration")]
    [InlineData("$restore", "Duration")]
    [InlineData("$restore", "RestoreDuration")]
    public void DurationsAreTimeSpansInPowerShellWithTheValueJsonGives(string expression, string property)
    {
        var value = Assert.IsType<TimeSpan>(_session.Invoke($"{expression}.{property}").AssertSucceeded().Output[0].BaseObject);
        Assert.Equal(System.Xml.XmlConvert.ToTimeSpan(Json($"{expression} | ConvertTo-Json -Depth 8")[property]!.GetValue<string>()), value);
        Assert.Equal(value.TotalSeconds, (double)_session.Invoke($"{expression}.{property}.TotalSeconds").Output[0].BaseObject);
        Assert.Equal(true, _session.Invoke($"{expression}.{property} -lt [TimeSpan]::FromDays(1)").Output[0].BaseObject);
        // Get-Member names the type too (a RestoreDuration's getter serves Test-Backup's, which may be null: TimeSpan?).
        Assert.Contains("System.TimeSpan", (string)_session.Invoke($"({expression} | Get-Member -Name {property}).Definition").Output[0].BaseObject, StringComparison.Ordinal);
    }

    [Fact]
    public void ATestWithoutRestoreHasNoRestoreDuration()
    {
        Assert.Equal(true, _session.Invoke("$null -eq $test.RestoreDuration").AssertSucceeded().Output[0].BaseObject);
        Assert.Null(Json("$test | ConvertTo-Json -Depth 8")["RestoreDuration"]);
    }

    [Fact]
    public void SortObjectAndWhereObjectCompareDurationsAsTimeSpans()
    {
        // Backups of 10 s, 9 s and 0.5 s, their manifests in the form every BackupPs has written ("00:00:10"). As text,
        // the ISO forms would sort PT0.5S, PT10S, PT9S.
        var root = Path.Combine(_store, "durations");
        var original = JsonNode.Parse(File.ReadAllText((string)_session.Invoke("$backup.ManifestPath").Output[0].BaseObject))!.AsObject();
        var backupFile = (string)_session.Invoke("$backup.Path").Output[0].BaseObject;
        var folder = Directory.CreateDirectory(Path.Combine(root, original["Environment"]!.GetValue<string>(), Path.GetFileName(Path.GetDirectoryName(backupFile))!)).FullName;
        var originalStamp = Stamp(original["StartedUtc"]!.GetValue<DateTimeOffset>());
        var day = 1;
        foreach (var duration in new[] { "00:00:10", "00:00:09", "00:00:00.5000000" })
        {
            var started = new DateTimeOffset(2026, 1, day++, 2, 0, 0, TimeSpan.Zero);
            var manifest = original.DeepClone().AsObject();
            manifest["StartedUtc"] = started;
            manifest["CompletedUtc"] = started + TimeSpan.ParseExact(duration, "c", System.Globalization.CultureInfo.InvariantCulture);
            manifest["Duration"] = duration;
            var fileName = original["FileName"]!.GetValue<string>().Replace(originalStamp, Stamp(started), StringComparison.Ordinal);
            manifest["FileName"] = fileName;
            File.Copy(backupFile, Path.Combine(folder, fileName));
            File.WriteAllText(Path.Combine(folder, fileName.Replace(".dump.zst", ".manifest.json", StringComparison.Ordinal)), manifest.ToJsonString());
        }

        var sorted = _session.Invoke("Get-Backup -Path $args[0] | Sort-Object Duration | ForEach-Object { $_.Duration.TotalSeconds }", root).AssertSucceeded();
        Assert.Equal([0.5, 9.0, 10.0], sorted.Output.Select(o => (double)o.BaseObject));
        var longer = _session.Invoke("Get-Backup -Path $args[0] | Where-Object Duration -gt ([TimeSpan]::FromSeconds(5)) | ForEach-Object { $_.Duration.TotalSeconds }", root);
        Assert.Equal([10.0, 9.0], longer.AssertSucceeded().Output.Select(o => (double)o.BaseObject));

        static string Stamp(DateTimeOffset started) => started.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public void ConvertToJsonWritesEnumNamesInNestedObjectsToo()
    {
        var json = Json("$restore | ConvertTo-Json -Depth 8");
        Assert.Equal("New", json["Mode"]!.GetValue<string>());
    }

    private void AssertConvertToJsonIsCliJson(string expression)
    {
        var cli = Json($"$o = ({expression}).psobject.BaseObject; [System.Text.Json.JsonSerializer]::Serialize($o, $o.GetType(), [BackupPs.Core.Hosting.JsonDefaults]::CommandOutput)");
        var actual = Json($"{expression} | ConvertTo-Json -Depth 8");
        Assert.Equal(Canonical(cli), Canonical(actual));
    }

    private JsonNode Json(string script, params object?[] arguments) =>
        JsonNode.Parse((string)_session.Invoke(script, arguments).AssertSucceeded().Output[0].BaseObject)!;

    private static string CliDll => Path.Combine(PostgresContainer.RepositoryRoot, "src", "BackupPs.Cli", "bin",
        new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name, "net8.0", "backupps.dll");

    /// <summary>The JSON with every object's properties in name order: the two writers may order them differently.</summary>
    private static string Canonical(JsonNode? node) => node switch
    {
        JsonObject o => "{" + string.Join(",", o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => JsonSerializer.Serialize(p.Key) + ":" + Canonical(p.Value))) + "}",
        JsonArray a => "[" + string.Join(",", a.Select(Canonical)) + "]",
        null => "null",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => JsonSerializer.Serialize(v.GetValue<string>()),
        _ => node.ToJsonString(),
    };

    private string Render(string pipeline) =>
        string.Concat(_session.Invoke(pipeline + " | Out-String -Width 80").AssertSucceeded().Output.Select(o => o.BaseObject as string));

    private static string[] Lines(string text) =>
        text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0).ToArray();
}
