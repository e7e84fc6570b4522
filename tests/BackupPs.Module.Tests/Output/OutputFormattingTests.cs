using System.Management.Automation;
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

    /// <summary>
    /// The table: "file name, container, age, size, verified". Verified is when the backup was proven: every
    /// catalogued backup was read back whole and checked before its manifest was written, at CompletedUtc.
    /// </summary>
    [Theory]
    [InlineData("$backup")]
    [InlineData("Get-Backup -Path $args[0]")]
    public void BackupTableShowsFileNameContainerAgeSizeAndVerified(string expression)
    {
        var lines = Lines(Render(expression + " | Format-Table"));
        Assert.Equal(["FileName", "Source", "Age", "Size", "Verified"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        var verified = _session.Invoke("$backup.CompletedUtc.UtcDateTime.ToString('MM-dd HH:mm')").AssertSucceeded().Output[0].ToString();
        Assert.EndsWith(verified, lines[2], StringComparison.Ordinal);
        Assert.Contains(_session.Invoke("$backup.FileName").Output[0].ToString(), Render("$backup"), StringComparison.Ordinal);
    }

    /// <summary>
    /// Objects that went through Export-Clixml/Import-Clixml (Start-Job/Receive-Job and remoting do the same) come back
    /// as Deserialized.BackupPs.*: pwsh picks the same views, which must show the same (the backup table's Age was blank:
    /// StartedUtc comes back as a property bag, and date arithmetic on it failed silently).
    /// </summary>
    [Theory]
    [InlineData("$backup", "Format-Table")]
    [InlineData("$backup", "Format-List")]
    [InlineData("$test", "Format-Table")]
    [InlineData("$test", "Format-List")]
    [InlineData("$restore", "Format-Table")]
    [InlineData("$restore.Tables", "Format-Table")]
    public void ViewsShowDeserializedObjectsAsTheLiveOnes(string expression, string view)
    {
        var file = Path.Combine(_store, "records.xml");
        var live = Render($"{expression} | {view}");
        var imported = Render($"{expression} | Export-Clixml $args[0]; Import-Clixml $args[0] | {view}", file);
        Assert.Equal(live, imported);
    }

    /// <summary>The pipeline's text at 80 columns; $args[0] is the store unless other arguments are given.</summary>
    private string Render(string pipeline, params object?[] arguments) => SessionText.Render(_session, pipeline, arguments.Length > 0 ? arguments : [_store]);

    private static string[] Lines(string text) => SessionText.Lines(text);
}
