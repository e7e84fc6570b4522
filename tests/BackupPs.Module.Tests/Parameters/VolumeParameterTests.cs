using System.Management.Automation;
using BackupPs.Module.Tests.Infrastructure;

namespace BackupPs.Module.Tests.Parameters;

/// <summary>
/// How Backup-Volume and Restore-Volume bind in a real runspace: -Volume from strings and from objects' Name or VolumeName
/// (docker volume ls --format json | ConvertFrom-Json), one error per volume that does not exist, -StopContainer and
/// -AllowLive refused together, -WhatIf showing the containers that would be stopped, completion from docker volume ls.
/// </summary>
public sealed class VolumeParameterTests : IDisposable
{
    private readonly ModuleSession _session = ModuleSession.Start();
    private readonly string _store = Directory.CreateTempSubdirectory("bps-volume-params-").FullName;

    [Theory]
    [InlineData("'{0}a', '{0}b' | Backup-Volume -Environment dev -Path $args[0]")]
    [InlineData("[pscustomobject]@{{ Name = '{0}a' }}, [pscustomobject]@{{ VolumeName = '{0}b' }} | Backup-Volume -Environment dev -Path $args[0]")]
    [InlineData("Backup-Volume {0}a, {0}b -Environment dev -Path $args[0]")]
    public void Volume_binds_from_strings_and_from_Name_or_VolumeName_and_each_missing_one_is_its_own_error(string template)
    {
        var prefix = "bps-test-none-" + Guid.NewGuid().ToString("N")[..8];
        var result = _session.Invoke(string.Format(System.Globalization.CultureInfo.InvariantCulture, template, prefix), _store);

        Assert.Null(result.Terminating);
        Assert.Equal([prefix + "a", prefix + "b"], result.Errors.Select(e => e.TargetObject?.ToString()));
        Assert.All(result.Errors, e => Assert.StartsWith("VolumeNotFound,", e.FullyQualifiedErrorId, StringComparison.Ordinal));
        Assert.Empty(result.Output);
    }

    [Fact]
    public void StopContainer_and_AllowLive_cannot_be_given_together()
    {
        var result = _session.Invoke("Backup-Volume x -Environment dev -StopContainer -AllowLive");
        var error = result.TerminatingRecord ?? Assert.Single(result.Errors);
        Assert.StartsWith("AmbiguousParameterSet,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
    }

    [Fact]
    public void WhatIf_shows_the_containers_it_would_stop_and_does_nothing()
    {
        var volume = "bps-test-whatif-" + Guid.NewGuid().ToString("N")[..8];
        var container = "bps-test-whatif-user-" + Guid.NewGuid().ToString("N")[..8];
        Docker("volume", "create", "--label", "backupps.test=1", volume);
        try
        {
            Docker("run", "-d", "--name", container, "--label", "backupps.test=1", "--network", "none", "-v", volume + ":/data", "backupps-test/busybox:2", "sleep", "600");
            var result = _session.Invoke("Backup-Volume -Volume $args[1] -Environment dev -Path $args[0] -StopContainer -WhatIf", _store, volume).AssertSucceeded();

            Assert.Contains(result.HostLines, l => l.Contains($"container {container}", StringComparison.Ordinal) && l.Contains("Stop for the backup", StringComparison.Ordinal));
            Assert.Contains(result.HostLines, l => l.Contains($"volume {volume}", StringComparison.Ordinal) && l.Contains($"with {container} stopped", StringComparison.Ordinal));
            Assert.Equal("true", Docker("inspect", "-f", "{{.State.Running}}", container).Trim());
            Assert.Empty(Directory.GetFileSystemEntries(_store));
        }
        finally
        {
            Docker("rm", "-f", container);
            Docker("volume", "rm", volume);
        }
    }

    [Fact]
    public void A_volume_backup_record_piped_back_in_names_its_volume()
    {
        var volume = "bps-test-again-" + Guid.NewGuid().ToString("N")[..8];
        Docker("volume", "create", "--label", "backupps.test=1", volume);
        try
        {
            _session.Invoke("Backup-Volume -Volume $args[1] -Environment dev -Path $args[0] | Out-Null", _store, volume).AssertSucceeded();
            var result = _session.Invoke("Get-Backup -Path $args[0] | Backup-Volume -WhatIf", _store).AssertSucceeded();

            Assert.Contains(result.HostLines, l => l.Contains($"on target \"volume {volume}\"", StringComparison.Ordinal) && l.Contains("Back up as dev", StringComparison.Ordinal));
        }
        finally
        {
            Docker("volume", "rm", volume);
        }
    }

    [Fact]
    public void Volume_completes_from_the_volumes_docker_lists()
    {
        var volume = "bps-test-complete-" + Guid.NewGuid().ToString("N")[..8];
        Docker("volume", "create", "--label", "backupps.test=1", volume);
        try
        {
            var script = $"$line = 'Backup-Volume -Volume {volume[..20]}'; (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText";
            Assert.Contains(volume, _session.Invoke(script).AssertSucceeded().Output.Select(o => o.ToString()));
        }
        finally
        {
            Docker("volume", "rm", volume);
        }
    }

    public void Dispose()
    {
        _session.Dispose();
        Directory.Delete(_store, recursive: true);
    }

    private static string Docker(params string[] args)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("docker", args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output;
    }
}
