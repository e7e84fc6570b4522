using System.Diagnostics;
using System.Text;
using BackupPs.Core.Leftovers;
using BackupPs.Core.Restore;
using Xunit;

namespace BackupPs.Tests.Leftovers;

/// <summary>Who owns a resource BackupPs made, and which scratch databases the next run drops at once.</summary>
public sealed class ResourceOwnerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 10, 15, 30, TimeSpan.Zero);

    [Fact]
    public void ThisProcessIsARunningOwnerAndItsTokenRoundTrips()
    {
        var current = ResourceOwner.Current;
        Assert.Equal(Environment.ProcessId, current.ProcessId);
        Assert.Matches("^" + ResourceOwner.TokenPattern + "$", current.Token);
        Assert.Equal(current, ResourceOwner.Parse(current.Token));
        Assert.True(current.IsRunning());
    }

    [Fact]
    public void AnEndedProcessOrAReusedPidIsNotRunningAndAnotherHostsIsUnknown()
    {
        using var child = Process.Start(new ProcessStartInfo("true"))!;
        child.WaitForExit();
        var ended = ResourceOwner.Current with { ProcessId = child.Id };
        Assert.False(ended.IsRunning());
        Assert.False((ResourceOwner.Current with { Started = ResourceOwner.Current.Started + 1 }).IsRunning());
        Assert.Null((ResourceOwner.Current with { Host = "00000000" }).IsRunning());
        Assert.Null(ResourceOwner.Parse("backupps"));
        Assert.Null(ResourceOwner.Parse("0123abcd_zzzzzz_1"));
    }

    [Fact]
    public void ScratchNamesCarryTheirTimeAndOwnerWithinPostgresNameLimit()
    {
        var name = ScratchDatabase.NewName(ScratchDatabase.Drill, Now);
        Assert.Matches("^backupps_drill_20261121101530_[0-9a-f]{4}_" + ResourceOwner.TokenPattern + "$", name);
        Assert.True(Encoding.UTF8.GetByteCount(name) <= 63, name);
        var longest = $"backupps_drill_20261121101530_abcd_{new ResourceOwner("0123abcd", int.MaxValue, 36L * 36 * 36 * 36 * 36 * 36 * 36 * 36 * 36 - 1).Token}";
        Assert.True(Encoding.UTF8.GetByteCount(longest) <= 63, longest);
    }

    [Fact]
    public void ALeftoverOfAnEndedOwnerIsDroppedAtOnceEvenWhenNewAndInUse()
    {
        using var child = Process.Start(new ProcessStartInfo("true"))!;
        child.WaitForExit();
        var dead = (ResourceOwner.Current with { ProcessId = child.Id }).Token;
        var recent = Now.AddMinutes(-1);
        var serverStarted = Now.AddDays(-1);
        Assert.True(ScratchDatabase.IsLeftover($"backupps_drill_20261121101430_abcd_{dead}", serverStarted, inUse: true, Now));
        Assert.False(ScratchDatabase.IsLeftover(ScratchDatabase.NewName(ScratchDatabase.Side, recent), serverStarted, inUse: false, Now));
    }

    [Theory]
    [InlineData("backupps_side_20261121101430_abc123", false, false)]
    [InlineData("backupps_side_20261121091430_abc123", false, true)]
    [InlineData("backupps_side_20261121091430_abc123", true, false)]
    [InlineData("backupps_drill_20261121101430_abcd_00000000_1_1", false, false)]
    [InlineData("backupps_drill_20261121091430_abcd_00000000_1_1", false, true)]
    [InlineData("backupps_drill_app", false, false)]
    [InlineData("app", false, false)]
    public void OldNamesAndOtherHostsKeepTheAgeRule(string name, bool inUse, bool leftover) =>
        Assert.Equal(leftover, ScratchDatabase.IsLeftover(name, Now.AddDays(-1), inUse, Now));

    [Fact]
    public void ScratchFilesOfAnEndedOwnerAreAbandonedAtOnceOthersByAgeAndStrangersNever()
    {
        using var child = Process.Start(new ProcessStartInfo("true"))!;
        child.WaitForExit();
        var dead = (ResourceOwner.Current with { ProcessId = child.Id }).Token;
        var alive = ResourceOwner.Current.Token;
        string[] directories = ["/tmp", "/var/run/postgresql", "/dev/shm"];
        Assert.True(ContainerLeftovers.IsAbandoned($"/tmp/.backupps-{dead}-0123456789ab", old: false, directories));
        Assert.True(ContainerLeftovers.IsAbandoned($"/dev/shm/.backupps-{dead}-0123456789ab.fifo", old: false, directories));
        // This process's: abandoned unless one of its runs holds it (a pwsh session outlives its runs).
        Assert.True(ContainerLeftovers.IsAbandoned($"/tmp/.backupps-{alive}-0123456789ab", old: false, directories));
        Assert.False(ContainerLeftovers.IsAbandoned(ContainerScratchName(), old: true, directories));
        // Another host's owner, and an earlier version's names: after an hour.
        Assert.False(ContainerLeftovers.IsAbandoned("/tmp/.backupps-00000000_1_1-0123456789ab", old: false, directories));
        Assert.True(ContainerLeftovers.IsAbandoned("/tmp/.backupps-00000000_1_1-0123456789ab", old: true, directories));
        Assert.False(ContainerLeftovers.IsAbandoned("/tmp/.backupps-0123456789abcdef0123456789abcdef.fifo", old: false, directories));
        Assert.True(ContainerLeftovers.IsAbandoned("/tmp/.backupps-0123456789abcdef0123456789abcdef.fifo", old: true, directories));
        // Not ours, or not in a scratch directory: never.
        Assert.False(ContainerLeftovers.IsAbandoned("/tmp/.backupps-notes", old: true, directories));
        Assert.False(ContainerLeftovers.IsAbandoned($"/var/lib/postgresql/data/.backupps-{dead}-0123456789ab", old: true, directories));
        Assert.False(ContainerLeftovers.IsAbandoned($"/tmp/x/.backupps-{dead}-0123456789ab", old: true, directories));
    }

    private static string ContainerScratchName() => "/tmp/" + Core.Database.ContainerScratch.NewName();

    [Fact]
    public void ALeftoverOlderThanTheServersStartIsDroppedByTheAgeRule() =>
        Assert.True(ScratchDatabase.IsLeftover("backupps_side_20261121101430_abc123", Now.AddSeconds(-10), inUse: false, Now));

    [Fact]
    public void AnOwnerThatCannotBeSeenIsUnknownNeverDead()
    {
        var owner = ResourceOwner.Current with { ProcessId = 4242 };
        Assert.Null(owner.IsRunning(ResourceOwner.Current, _ => ResourceOwner.Sighting.Invisible));
        Assert.False(owner.IsRunning(ResourceOwner.Current, _ => ResourceOwner.Sighting.Absent));
        Assert.False(owner.IsRunning(ResourceOwner.Current, _ => new ResourceOwner.Sighting(owner.Started + 1, false)));
        Assert.True(owner.IsRunning(ResourceOwner.Current, _ => new ResourceOwner.Sighting(owner.Started, false)));
        // A /proc that does not show this process under its own id (another PID namespace's) answers for nobody.
        Assert.Null(owner.IsRunning(ResourceOwner.Current with { Started = 0 }, _ => ResourceOwner.Sighting.Absent));
    }

    [Fact]
    public void WhatARunOfThisProcessMadeIsALeftoverOnceTheRunEnded()
    {
        var serverStarted = Now.AddDays(-1);
        string during;
        using (var run = OperationRun.Begin(CancellationToken.None))
        {
            during = ScratchDatabase.NewName(ScratchDatabase.Drill, Now);
            Assert.False(ScratchDatabase.IsLeftover(during, serverStarted, inUse: false, Now));
        }

        Assert.True(ScratchDatabase.IsLeftover(during, serverStarted, inUse: false, Now));
        // Named outside any run: held for as long as the process lives.
        var outside = ScratchDatabase.NewName(ScratchDatabase.Drill, Now);
        Assert.False(ScratchDatabase.IsLeftover(outside, serverStarted, inUse: false, Now));
        // Another run of the same process does not hold it either.
        using var other = OperationRun.Begin(CancellationToken.None);
        Assert.True(ScratchDatabase.IsLeftover(during, serverStarted, inUse: true, Now));
    }

    [Fact]
    public void WhatARunsCleanupCouldNotRemoveIsNamed()
    {
        using var run = OperationRun.Begin(CancellationToken.None);
        Assert.Empty(run.LeftBehind);
        OperationRun.NoteLeftBehind("the database x");
        Assert.Equal(["the database x"], run.LeftBehind);
    }
}
