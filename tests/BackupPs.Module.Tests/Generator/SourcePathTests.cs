using System.Management.Automation;
using BackupPs.Module.Tests.Infrastructure;

namespace BackupPs.Module.Tests.Generator;

/// <summary>
/// The source path role (<c>OptionAttribute.IsSourcePath</c>) and the destination role (<c>IsDestinationPath</c>), as
/// the generator makes them, on the test-only Backup-Probe (<see cref="GeneratedProbe"/>): what is backed up comes from
/// Get-ChildItem/Get-Item output, typed paths, wildcards and provider-qualified paths, all piped items make one run, and
/// a piped file never becomes the store.
/// </summary>
public sealed class SourcePathTests : IDisposable
{
    private readonly ModuleSession _session = ModuleSession.Start();
    private readonly string _root = Directory.CreateTempSubdirectory("backupps-source-").FullName;

    public SourcePathTests()
    {
        // The module loads its core on first use; the probe needs it at import, from the same file.
        _session.Invoke("Add-Type -Path (Join-Path (Split-Path (Get-Module BackupPs).Path) BackupPs.Core.dll); Import-Module $args[0] -ErrorAction Stop", GeneratedProbe.AssemblyPath)
            .AssertSucceeded();
        foreach (var app in new[] { "api", "web", "w[1]" })
        {
            Directory.CreateDirectory(Path.Combine(_root, "apps", app));
            File.WriteAllText(Path.Combine(_root, "apps", app, ".env"), "KEY=value\n");
        }
    }

    public void Dispose()
    {
        _session.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private string Env(string app) => Path.Combine(_root, "apps", app, ".env");

    [Fact]
    public void GetChildItemOutputIsOneRunWithEveryFile()
    {
        var result = _session.Invoke("Get-ChildItem $args[0] -Recurse -Filter .env -Force | Backup-Probe -Environment prod -Path $args[1]", _root, Path.Combine(_root, "store"))
            .AssertSucceeded();
        var run = Assert.Single(result.Output);
        Assert.Equal(new[] { Env("api"), Env("web"), Env("w[1]") }.Order(), Sources(run).Order());
        Assert.Equal(Path.Combine(_root, "store"), run.Properties["Path"].Value);
    }

    [Fact]
    public void APipedFolderOrPathInfoIsTheSourceNeverTheStore()
    {
        // Without -Path, a FileInfo's PSPath must not bind the store's -LiteralPath, nor a PathInfo's Path the store's -Path.
        foreach (var script in new[] { "Set-Location $args[1]; Get-Item $args[0] | Backup-Probe", "Set-Location $args[1]; Resolve-Path $args[0] | Backup-Probe" })
        {
            var run = Assert.Single(_session.Invoke(script, Path.Combine(_root, "apps", "api"), _root).AssertSucceeded().Output);
            Assert.Equal([Path.Combine(_root, "apps", "api")], Sources(run));
            Assert.Equal(Path.Combine(_root, "backups"), run.Properties["Path"].Value);
        }

        var parameters = _session.Invoke("(Get-Command Backup-Probe).Parameters").AssertSucceeded().Output.Single().BaseObject as IDictionary<string, ParameterMetadata>;
        Assert.All(parameters!["LiteralPath"].ParameterSets.Values, s => Assert.False(s.ValueFromPipelineByPropertyName || s.ValueFromPipeline));
        Assert.All(parameters["Path"].ParameterSets.Values, s => Assert.False(s.ValueFromPipelineByPropertyName || s.ValueFromPipeline));
        Assert.All(parameters["SourcePath"].ParameterSets.Values, s => Assert.True(s.ValueFromPipelineByPropertyName && s.ValueFromPipeline));
        Assert.Equal(["FullName", "PSPath"], parameters["SourcePath"].Aliases);
    }

    [Fact]
    public void WildcardsExpandAndANameThatExistsIsTakenAsTyped()
    {
        var run = Assert.Single(_session.Invoke("Backup-Probe -SourcePath (Join-Path $args[0] 'apps/*/.env')", _root).AssertSucceeded().Output);
        Assert.Equal(new[] { Env("api"), Env("web"), Env("w[1]") }.Order(), Sources(run).Order());

        // 'w[1]' as a pattern would match "w1" only; it exists as typed, so it is that folder's file.
        run = Assert.Single(_session.Invoke("Backup-Probe -SourcePath $args[0]", Env("w[1]")).AssertSucceeded().Output);
        Assert.Equal([Env("w[1]")], Sources(run));
    }

    [Fact]
    public void RelativeAndProviderQualifiedPathsResolveAgainstTheLocation()
    {
        var result = _session.Invoke("Set-Location $args[0]; Backup-Probe -SourcePath apps/api/.env, ('Microsoft.PowerShell.Core\\FileSystem::' + $args[1]) -Destination restored", _root, Env("web"))
            .AssertSucceeded();
        var run = Assert.Single(result.Output);
        Assert.Equal([Env("api"), Env("web")], Sources(run));
        Assert.Equal(Path.Combine(_root, "restored"), run.Properties["Destination"].Value);
    }

    [Fact]
    public void APathThatMatchesNothingOrIsNotAFileIsAnErrorOfItsOwnAndTheRestRuns()
    {
        var result = _session.Invoke("Backup-Probe -SourcePath (Join-Path $args[0] 'apps/*/.nothing'), 'Env:PATH', $args[1], (Join-Path $args[0] 'missing.env')", _root, Env("api"));
        Assert.Null(result.Terminating);
        Assert.Equal(["PathNotFound", "PathNotFileSystem"], result.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]));
        Assert.Contains("-SourcePath", result.Errors[0].Exception.Message, StringComparison.Ordinal);
        // A missing path without wildcards is passed on: the command says what is missing (or -SkipMissing skips it).
        Assert.Equal([Env("api"), Path.Combine(_root, "missing.env")], Sources(Assert.Single(result.Output)));
    }

    [Fact]
    public void NothingRunsWhenNoSourcePathResolves()
    {
        var result = _session.Invoke("Backup-Probe -SourcePath 'Env:PATH'");
        Assert.Empty(result.Output);
        Assert.Equal("PathNotFileSystem", Assert.Single(result.Errors).FullyQualifiedErrorId.Split(',')[0]);
    }

    [Fact]
    public void APipedObjectThatChangesAnotherParameterStartsANewRun()
    {
        var result = _session.Invoke("""
            @([pscustomobject]@{ FullName = $args[0]; Environment = 'prod' }, [pscustomobject]@{ FullName = $args[1]; Environment = 'prod' },
              [pscustomobject]@{ FullName = $args[2]; Environment = 'dev' }) | Backup-Probe
            """, Env("api"), Env("web"), Env("w[1]")).AssertSucceeded();
        Assert.Equal(2, result.Output.Count);
        Assert.Equal(["prod", "dev"], result.Output.Select(r => (string)r.Properties["Environment"].Value));
        Assert.Equal([Env("api"), Env("web")], Sources(result.Output[0]));
        Assert.Equal([Env("w[1]")], Sources(result.Output[1]));
    }

    [Fact]
    public void TheDestinationIsTakenAsTypedAndMustBeAFileSystemPath()
    {
        var run = Assert.Single(_session.Invoke("Backup-Probe $args[0] -Destination (Join-Path $args[1] 'new[1]')", Env("api"), _root).AssertSucceeded().Output);
        Assert.Equal(Path.Combine(_root, "new[1]"), run.Properties["Destination"].Value);

        var refused = _session.Invoke("Backup-Probe $args[0] -Destination 'Env:PATH'", Env("api"));
        Assert.Empty(refused.Output);
        // Statement-terminating (ThrowTerminatingError), so a script sees it in its error stream.
        Assert.Equal("PathNotFileSystem", (refused.TerminatingRecord ?? Assert.Single(refused.Errors)).FullyQualifiedErrorId.Split(',')[0]);

        var blank = _session.Invoke("Backup-Probe $args[0] -Destination '  '", Env("api"));
        Assert.Empty(blank.Output);
        Assert.Equal("EmptyPath", (blank.TerminatingRecord ?? Assert.Single(blank.Errors)).FullyQualifiedErrorId.Split(',')[0]);
    }

    private static string[] Sources(PSObject run) => (string[])run.Properties["SourcePath"].Value;
}
