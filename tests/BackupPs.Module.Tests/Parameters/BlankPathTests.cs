using BackupPs.Module.Tests.Infrastructure;
using BackupPs.Tests.Infrastructure;

namespace BackupPs.Module.Tests.Parameters;

/// <summary>
/// A blank path (spaces only, as a cron script's <c>-Path " $dir"</c> with an unset
/// variable gives) is an empty path, refused as the CLI refuses it (EmptyPath), never a folder named "   " in the
/// current location. Nothing here needs a server: the path is refused before any container is looked up.
/// </summary>
public sealed class BlankPathTests : IDisposable
{
    private readonly ModuleSession _session = ModuleSession.Start();
    private readonly string _location = Directory.CreateTempSubdirectory("bps-blank-path-").FullName;

    [Theory]
    [InlineData("Get-Backup -Path '   '")]
    [InlineData("Get-Backup -LiteralPath '   '")]
    [InlineData("'   ' | Get-Backup")]
    [InlineData("Test-Backup -Path '   '")]
    [InlineData("Test-Backup -LiteralPath '   '")]
    [InlineData("'   ' | Test-Backup")]
    [InlineData("Restore-Database -Path '   ' -WhatIf")]
    [InlineData("Backup-Database -Container bps-no-such-container -Environment dev -Path '   ' -WhatIf")]
    [InlineData("Backup-Database -Container bps-no-such-container -Environment dev -LiteralPath '   ' -WhatIf")]
    [InlineData("Get-Backup -Path \"`t \"")]
    [InlineData("Restore-Database -LiteralPath ' ' -WhatIf")]
    [InlineData("[pscustomobject]@{ Path = '  ' } | Test-Backup")]
    public void ABlankPathIsRefusedAsEmpty(string command)
    {
        var result = _session.Invoke("Set-Location -LiteralPath $args[0]; " + command, _location);

        var error = result.TerminatingRecord ?? Assert.Single(result.Errors);
        Assert.True(
            error.FullyQualifiedErrorId.StartsWith("EmptyPath,", StringComparison.Ordinal)
                || error.FullyQualifiedErrorId.StartsWith("ParameterArgumentValidationError,", StringComparison.Ordinal),
            $"{command}: expected EmptyPath (as `backupps` says for --path ' '), got {error.FullyQualifiedErrorId}: {error.Exception.Message}");
        Assert.Empty(result.Output);
        Assert.DoesNotContain(result.HostLines, line => line.Contains("What if:", StringComparison.Ordinal));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_location));
    }

    public void Dispose()
    {
        _session.Dispose();
        Directory.Delete(_location, recursive: true);
    }
}

/// <summary>
/// Restore-Database -Replace -SafetyBackupPath '   ' must be refused (the CLI refuses
/// --safety-backup-path ' '), not plan a safety backup into a folder named "   " under the current location.
/// </summary>
[Collection(SharedPostgres.Name)]
public sealed class BlankSafetyBackupPathTests(SharedPostgresServer server, BackupStore store) : IClassFixture<BackupStore>, IDisposable
{
    private readonly ModuleSession _session = ModuleSession.Start();

    [Fact]
    public void ABlankSafetyBackupPathIsRefused()
    {
        var file = store.Files(_session, server)[0];
        var location = Path.Combine(store.Folder, "blank-safety-location");
        Directory.CreateDirectory(location);

        var result = _session.Invoke(
            "Set-Location -LiteralPath $args[0]; Restore-Database -Path $args[1] -Replace -SafetyBackupPath '   ' -WhatIf",
            location, file);

        var error = result.TerminatingRecord ?? Assert.Single(result.Errors);
        Assert.StartsWith("EmptyPath,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Contains("-SafetyBackupPath", error.Exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(result.HostLines, line => line.Contains("What if:", StringComparison.Ordinal));
        Assert.Empty(Directory.EnumerateFileSystemEntries(location));
    }

    public void Dispose() => _session.Dispose();
}
