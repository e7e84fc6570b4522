using System.Management.Automation;
using System.Text.Json.Nodes;
using BackupPs.Module.Tests.Infrastructure;
using BackupPs.Tests.Infrastructure;

namespace BackupPs.Module.Tests.Tryouts;

/// <summary>
/// Fresh-eyes tryouts (issue 10, output and reporting): what a user sees of the cmdlets' objects outside the
/// happy path of Format-List and ConvertTo-Json: Get-Member, Get-Help, the backup table, objects that went
/// through Export-Clixml/Import-Clixml (Start-Job, Receive-Job and remoting do the same).
/// </summary>
[Collection(SharedPostgres.Name)]
public sealed class T2OutputTryoutTests : IDisposable
{
    private readonly ModuleSession _session = ModuleSession.Start();
    private readonly string _store = Directory.CreateTempSubdirectory("bps-t2-output-").FullName;

    public T2OutputTryoutTests(SharedPostgresServer server)
    {
        _session.Invoke("""
            $global:backup = Backup-Database -Container $args[0] -Environment dev -Path $args[1]
            $global:test = $backup | Test-Backup
            """, server.Name, _store).AssertSucceeded();
    }

    public void Dispose()
    {
        _session.Dispose();
        Directory.Delete(_store, recursive: true);
    }

    /// <summary>
    /// Get-Member is how a user learns an object: its property types name BackupPs.Core.* internals
    /// (BackupPs.Core.Compression.CompressionKind, IReadOnlyList[BackupPs.Core.Postgres.TableRowCount], ...)
    /// although the objects carry stable names (BackupPs.BackupRecord).
    /// </summary>
    [Theory]
    [InlineData("$backup")]
    [InlineData("$test")]
    public void GetMemberNamesNoInternalNamespace(string expression)
    {
        var text = Render($"{expression} | Get-Member", width: 300);
        Assert.DoesNotContain("BackupPs.Core", text, StringComparison.Ordinal);
    }

    /// <summary>
    /// Get-Help -Full lists INPUTS and OUTPUTS as BackupPs.Core.Catalog.BackupRecord,
    /// BackupPs.Core.Verification.TestBackupResult, ... and each output type twice (once by its .NET name, once by
    /// its PSTypeName). Help should name the stable PSTypeNames only, once each.
    /// </summary>
    [Theory]
    [InlineData("Backup-Database")]
    [InlineData("Get-Backup")]
    [InlineData("Restore-Database")]
    [InlineData("Test-Backup")]
    public void HelpNamesTheStableTypeNamesOnly(string command)
    {
        var help = Render($"Get-Help {command} -Full");
        Assert.DoesNotContain("BackupPs.Core", help, StringComparison.Ordinal);
        var outputs = help[help.IndexOf("OUTPUTS", StringComparison.Ordinal)..];
        outputs = outputs[..outputs.IndexOf("NOTES", StringComparison.Ordinal)];
        var names = outputs.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("BackupPs.", StringComparison.Ordinal)).ToArray();
        Assert.Equal(names.Distinct().Count(), names.Length);
    }

    /// <summary>The table: "file name, container, age, size, verified". The Verified column is missing.</summary>
    [Fact]
    public void BackupTableHasAVerifiedColumn()
    {
        var header = Render("Get-Backup -Path $args[0] | Format-Table", arguments: new object?[] { _store })
            .Split('\n').Select(l => l.Trim()).First(l => l.Length > 0);
        Assert.Contains("Verified", header.Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>
    /// A record that went through Export-Clixml/Import-Clixml (or Start-Job/Receive-Job): the table's Age column
    /// is empty (StartedUtc comes back as a property bag, so the view's date arithmetic fails silently).
    /// </summary>
    [Fact]
    public void AgeColumnSurvivesExportAndImportClixml()
    {
        var file = Path.Combine(_store, "records.xml");
        var live = Render("$backup | Format-Table");
        var imported = Render("$backup | Export-Clixml $args[0]; Import-Clixml $args[0] | Format-Table", arguments: new object?[] { file });
        // Same view, same row: FileName, Container, Age ("0m" for a backup just taken), Size.
        Assert.Equal(live, imported);
    }

    /// <summary>
    /// ConvertTo-Json of a record that went through Export-Clixml/Import-Clixml (Receive-Job does the same) writes
    /// Duration as a TimeSpan object (Ticks, Days, ... TotalSeconds) instead of the ISO 8601 text the CLI's --json
    /// and ConvertTo-Json of the live object give.
    /// </summary>
    [Theory]
    [InlineData("$backup")]
    [InlineData("$test")]
    public void ConvertToJsonAfterClixmlRoundTripKeepsIsoDurations(string expression)
    {
        var file = Path.Combine(_store, "roundtrip.xml");
        var json = JsonNode.Parse((string)_session.Invoke($"{expression} | Export-Clixml $args[0]; Import-Clixml $args[0] | ConvertTo-Json -Depth 8", file)
            .AssertSucceeded().Output[0].BaseObject)!;
        Assert.Equal("String", JsonValueKindOf(json["Duration"]));
        Assert.StartsWith("PT", json["Duration"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private static string JsonValueKindOf(JsonNode? node) => node?.GetValueKind().ToString() ?? "null";

    private string Render(string pipeline, int width = 80, params object?[] arguments) =>
        string.Concat(_session.Invoke(pipeline + $" | Out-String -Width {width}", arguments).AssertSucceeded().Output.Select(o => o.BaseObject as string));
}
