using BackupPs.Module.Tests.Infrastructure;

namespace BackupPs.Module.Tests.Output;

/// <summary>
/// The RestoreError view shows properties only: a deserialized object (Import-Clixml, Receive-Job) has the
/// properties but none of the methods, so a column computed by a method came back blank.
/// </summary>
public sealed class RestoreErrorViewTests : IDisposable
{
    private readonly ModuleSession _session = ModuleSession.Start();
    private readonly string _folder = Directory.CreateTempSubdirectory("bps-view-").FullName;

    public void Dispose()
    {
        _session.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void ADeserializedRestoreErrorShowsItsMessage()
    {
        // A restore error as Restore-Database reports it, made here from the loaded BackupPs.Core (PowerShell does not resolve its type names) (an accepted AlreadyExists with the statement that failed).
        const string error = """
            $null = Get-Backup -Path $args[0] -WarningAction SilentlyContinue # loads BackupPs.Core
            $core = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'BackupPs.Core' } | Select-Object -First 1
            $class = [Enum]::Parse($core.GetType('BackupPs.Core.Restore.RestoreErrorClass'), 'AlreadyExists')
            $global:errorRecord = [Activator]::CreateInstance($core.GetType('BackupPs.Core.Restore.RestoreError'),
                @($class, 'relation "items" already exists', 'TABLE items app', 'CREATE TABLE items (id int);', $true))
            $errorRecord.PSObject.TypeNames.Insert(0, 'BackupPs.RestoreError')
            """;
        _session.Invoke(error, _folder).AssertSucceeded();
        var file = Path.Combine(_folder, "error.xml");

        var live = Render("$errorRecord | Format-Table | Out-String -Width 80");
        var imported = Render("$errorRecord | Export-Clixml $args[0]; Import-Clixml $args[0] | Format-Table | Out-String -Width 80", file);

        Assert.Contains("relation \"items\" already exists", live, StringComparison.Ordinal);
        Assert.Equal(live, imported);
    }

    [Fact]
    public void NoViewCallsAMethodOtherThanToString()
    {
        // ToString survives deserialization (Export-Clixml stores its text); any other method is gone.
        var views = File.ReadAllText(Path.Combine(Path.GetDirectoryName(ModuleSession.ManifestPath)!, "module", "BackupPs.Format.ps1xml"));
        var calls = System.Text.RegularExpressions.Regex.Matches(views, @"\.(\w+)\(\)").Select(m => m.Groups[1].Value).Distinct();
        Assert.Equal(["ToString"], calls);
    }

    private string Render(string pipeline, params object?[] arguments) =>
        string.Concat(_session.Invoke(pipeline, arguments).AssertSucceeded().Output.Select(o => o.BaseObject as string));
}
