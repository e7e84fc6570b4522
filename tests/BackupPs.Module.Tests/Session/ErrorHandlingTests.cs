using System.Management.Automation;
using System.Text.Json.Nodes;
using BackupPs.Module.Tests.Infrastructure;
using BackupPs.Tests.Infrastructure;

namespace BackupPs.Module.Tests.Session;

/// <summary>
/// Which errors stop a cmdlet, as PowerShell users expect: an error about one pipeline item is non-terminating (the
/// next item still runs, -ErrorAction decides what the caller sees), and bad input never surfaces as a bare .NET
/// exception. Each test gets its own copy of one store of real backups: two good, one with "Tables": null.
/// </summary>
[Collection(SharedPostgres.Name)]
public sealed class ErrorHandlingTests : IDisposable
{
    private readonly SharedPostgresServer _server;
    private readonly ModuleSession _session = ModuleSession.Start();
    private readonly string _store = Directory.CreateTempSubdirectory("bps-errors-").FullName;
    private readonly string[] _good;
    private readonly string _bad;

    /// <summary>Guards the store every test copies: three real backups, made once per test run.</summary>
    private static readonly object TemplateLock = new();
    private static string? _template;
    private static string[] _templatePaths = [];

    public ErrorHandlingTests(SharedPostgresServer server)
    {
        _server = server;
        var paths = TemplateBackups(server, _session).Select(p => _store + p[_template!.Length..]).ToArray();
        Assert.Equal(0, ProcessRunner.Run("cp", ["-a", _template! + "/.", _store]).ExitCode);
        _bad = paths[1];
        _good = [paths[0], paths[2]];
        EditManifest(_bad, m => m["Tables"] = null);
    }

    private static string[] TemplateBackups(SharedPostgresServer server, ModuleSession session)
    {
        lock (TemplateLock)
        {
            if (_template is null)
            {
                var template = Directory.CreateTempSubdirectory("bps-errors-template-").FullName;
                AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(template, recursive: true);
                _templatePaths = Enumerable.Range(0, 3)
                    .Select(_ => (string)session.Invoke("(Backup-Database -Container $args[0] -Environment dev -Path $args[1]).Path", server.Name, template)
                        .AssertSucceeded().Output.Single().BaseObject)
                    .ToArray();
                _template = template;
            }

            return _templatePaths;
        }
    }

    /// <summary>The example: one bad manifest no longer stops the others from being tested.</summary>
    [Fact]
    public void GetBackupPipedIntoTestBackupTestsTheGoodOnesAndReportsOneError()
    {
        var result = _session.Invoke("Get-Backup -Path $args[0] | Test-Backup", _store);

        Assert.Null(result.Terminating);
        Assert.Equal(_good, result.Output.Select(o => (string)o.Properties["Path"].Value));
        Assert.All(result.Output, o => Assert.True((bool)o.Properties["Passed"].Value));
        var error = Assert.Single(result.Errors);
        Assert.Equal("ManifestInvalid,BackupPs.Commands.GetBackupCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidData, error.CategoryInfo.Category);
        Assert.Equal(Manifest(_bad), error.TargetObject);
        Assert.Contains("field Tables", error.Exception.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> OneBadItem() => new()
    {
        { "Get-Backup -Path $args[0]", "ManifestInvalid" },
        { "Test-Backup -Path $args[1]", "BackupTestFailed" },
        { "Restore-Database -Path $args[1] -Database errors_never -Confirm:$false", "ManifestInvalid" },
        { "Backup-Database -Container bps-no-such-container -Environment dev -Path $args[0]", "ContainerNotFound" },
    };

    [Theory]
    [MemberData(nameof(OneBadItem))]
    public void ErrorActionStopMakesTheErrorTerminating(string command, string errorId)
    {
        var result = _session.Invoke(command + " -ErrorAction Stop; 'not reached'", _store, _bad);

        Assert.DoesNotContain(result.Output, o => "not reached".Equals(o.BaseObject));
        Assert.NotNull(result.TerminatingRecord);
        Assert.StartsWith(errorId + ",", result.TerminatingRecord!.FullyQualifiedErrorId, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(OneBadItem))]
    public void SilentlyContinueHidesTheErrorButErrorVariableAndErrorKeepIt(string command, string errorId)
    {
        var result = _session.Invoke("$Error.Clear(); " + command + " -ErrorAction SilentlyContinue -ErrorVariable failed; 'reached'; "
            + "$failed[0].FullyQualifiedErrorId; $Error[0].FullyQualifiedErrorId", _store, _bad);

        Assert.Null(result.Terminating);
        Assert.Empty(result.Errors);
        var lines = result.Output.Select(o => o.BaseObject.ToString()).ToArray();
        var reached = Array.IndexOf(lines, "reached");
        Assert.True(reached >= 0, string.Join(" | ", lines));
        Assert.StartsWith(errorId + ",", lines[reached + 1], StringComparison.Ordinal);
        Assert.StartsWith(errorId + ",", lines[reached + 2], StringComparison.Ordinal);
    }

    /// <summary>
    /// TargetEnvironmentUnknown was terminating (every InvalidArgument was), so one record stopped
    /// `Get-Backup | Restore-Database`: now the next record is restored.
    /// </summary>
    [Fact]
    public void ARestorePipelineGoesOnAfterABadRecord()
    {
        // A backup whose recorded source is another container: the target's environment cannot be told.
        EditManifest(_good[0], m => m["ContainerId"] = new string('f', 64));
        const string copy = "errors_next";
        try
        {
            var result = _session.Invoke("[pscustomobject]@{ Path = $args[0] }, [pscustomobject]@{ Path = $args[1] } | Restore-Database -Database $args[2] -Confirm:$false",
                _good[0], _good[1], copy);

            Assert.Null(result.Terminating);
            var error = Assert.Single(result.Errors);
            Assert.Equal("TargetEnvironmentUnknown,BackupPs.Commands.RestoreDatabaseCommand", error.FullyQualifiedErrorId);
            Assert.Equal(_good[1], (string)Assert.Single(result.Output).Properties["BackupPath"].Value);
            Assert.Equal("1", _server.Psql($"select count(*) from pg_database where datname = '{copy}'", "postgres"));
        }
        finally
        {
            _server.Psql($"drop database if exists {copy}", "postgres");
        }
    }

    /// <summary>Hostile strings that reached .NET as ArgumentException: now an ErrorRecord of BackupPs, per item.</summary>
    [Theory]
    [InlineData("Get-Backup -Path \"/tmp/a`0b\"", "InvalidBackupPath")]
    [InlineData("Test-Backup -Path \"/tmp/a`0b.dump.zst\"", "InvalidBackupPath")]
    [InlineData("Restore-Database -Path \"/tmp/a`0b.dump.zst\" -Database x -Confirm:$false", "InvalidBackupPath")]
    [InlineData("Backup-Database -Container $args[0] -Environment dev -Path \"/tmp/a`0b\"", "InvalidDestinationPath")]
    [InlineData("Backup-Database -Container ' ' -Environment dev -Path $args[1]", "ContainerNotFound")]
    [InlineData("Restore-Database -Path $args[2] -Container ' ' -Database x -Confirm:$false", "ContainerNotFound")]
    // A NUL in the login made Docker refuse the exec, which read as "no psql/pg_dump on its PATH" (NotAPostgresContainer).
    [InlineData("Restore-Database -Path $args[2] -Database x -Confirm:$false -Credential ([pscredential]::new(\"a`0b\", (ConvertTo-SecureString x -AsPlainText -Force)))", "InvalidName")]
    // A drill that finds no container still proves the file, and fails its Restore check with the reason.
    [InlineData("Test-Backup -Path $args[2] -Restore -Container ' '", "BackupTestFailed", "No container named ' '")]
    public void BadInputIsAnErrorOfBackupPsNeverADotNetException(string command, string errorId, string? saying = null)
    {
        var result = _session.Invoke(command, _server.Name, _store, _good[1]);

        Assert.Null(result.Terminating);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith(errorId + ",", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Contains(saying ?? "", error.Exception.Message, StringComparison.Ordinal);
        Assert.Equal("BackupPs.Core.Errors.BackupPsException", error.Exception.GetType().FullName);
        Assert.DoesNotContain("\0", error.Exception.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _session.Dispose();
        Directory.Delete(_store, recursive: true);
    }

    private static string Manifest(string backup) => Path.ChangeExtension(Path.ChangeExtension(backup, null), null) + ".manifest.json";

    private static void EditManifest(string backup, Action<JsonObject> edit)
    {
        var manifest = JsonNode.Parse(File.ReadAllText(Manifest(backup)))!.AsObject();
        edit(manifest);
        File.WriteAllText(Manifest(backup), manifest.ToJsonString());
    }
}
