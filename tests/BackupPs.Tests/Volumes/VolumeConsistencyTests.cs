using BackupPs.Core.Catalog;
using BackupPs.Core.Docker;
using BackupPs.Core.Errors;
using BackupPs.Core.Volumes;

namespace BackupPs.Tests.Volumes;

/// <summary>Which copies of a volume are refused, which stop containers, and what the manifest records (pure logic).</summary>
public sealed class VolumeConsistencyTests
{
    [Fact]
    public void Without_live_writers_the_copy_is_consistent_and_stops_nothing()
    {
        var plan = VolumeConsistency.Decide("data", [User("idle", running: false, readWrite: true), User("reader", running: true, readWrite: false)], false, false);
        Assert.Equal(BackupConsistency.Consistent, plan.Consistency);
        Assert.Empty(plan.ToStop);
    }

    [Fact]
    public void A_live_writer_is_refused_naming_it_and_the_ways_out()
    {
        var error = Assert.Throws<BackupPsException>(() => VolumeConsistency.Decide("data", [User("api", running: true, readWrite: true)], false, false));
        Assert.Equal("VolumeInUse", error.ErrorId);
        Assert.Equal(FailureCategory.ResourceBusy, error.Category);
        Assert.Contains("api (running, read-write at /data)", error.Message, StringComparison.Ordinal);
        Assert.Contains("-StopContainer", error.Message, StringComparison.Ordinal);
        Assert.Contains("-AllowLive", error.Message, StringComparison.Ordinal);
        Assert.Contains(VolumeUser.StopLabel, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StopContainer_or_the_label_stops_the_live_writers_only()
    {
        var users = new[] { User("api", running: true, readWrite: true), User("reader", running: true, readWrite: false), User("idle", running: false, readWrite: true) };
        var plan = VolumeConsistency.Decide("data", users, stopContainer: true, allowLive: false);
        Assert.Equal(BackupConsistency.Stopped, plan.Consistency);
        Assert.Equal(["api"], plan.ToStop.Select(u => u.Container.Name));

        var labelled = VolumeConsistency.Decide("data", [User("api", running: true, readWrite: true, stopLabel: "True")], stopContainer: false, allowLive: false);
        Assert.Equal(BackupConsistency.Stopped, labelled.Consistency);
    }

    [Fact]
    public void AllowLive_is_crash_consistent_and_still_stops_the_labelled_ones()
    {
        var plan = VolumeConsistency.Decide("data", [User("api", running: true, readWrite: true), User("worker", running: true, readWrite: true, stopLabel: "true")], false, allowLive: true);
        Assert.Equal(BackupConsistency.CrashConsistent, plan.Consistency);
        Assert.Equal(["worker"], plan.ToStop.Select(u => u.Container.Name));
        Assert.Equal(["api"], plan.LiveWriters.Select(u => u.Container.Name));
    }

    [Fact]
    public void A_live_PostgreSQL_data_directory_is_refused_even_with_AllowLive_pointing_at_Backup_Database()
    {
        var db = User("knot-db", running: true, readWrite: true, postgres: "its PGDATA /var/lib/postgresql/data is on the volume");
        var error = Assert.Throws<BackupPsException>(() => VolumeConsistency.Decide("db-data", [db], stopContainer: false, allowLive: true));
        Assert.Equal("VolumeHoldsLivePostgres", error.ErrorId);
        Assert.Contains("Backup-Database -Container knot-db", error.Message, StringComparison.Ordinal);
        Assert.Contains("-StopContainer", error.Message, StringComparison.Ordinal);

        Assert.Equal(BackupConsistency.Stopped, VolumeConsistency.Decide("db-data", [db], stopContainer: true, allowLive: false).Consistency);
    }

    [Theory]
    [InlineData("/var/lib/postgresql/data", "/var/lib/postgresql/data", true)]
    [InlineData("/var/lib/postgresql/data", "/var/lib/postgresql", true)]
    [InlineData("/var/lib/postgresql/data/pgdata", "/var/lib/postgresql/data", true)]
    [InlineData("/var/lib/postgresql", "/var/lib/postgresql/data/pg_wal", true)]
    [InlineData("/var/lib/postgresql/data", "/var/lib/postgresql/data2", false)]
    [InlineData("/var/lib/postgresql/data", "/backups", false)]
    public void PGDATA_counts_when_it_is_at_under_or_above_the_mount(string pgdata, string destination, bool overlaps) =>
        Assert.Equal(overlaps, VolumeUsers.Overlaps(pgdata, destination));

    [Fact]
    public void The_last_PGDATA_setting_counts() =>
        Assert.Equal("/b", VolumeUsers.PgData(["PATH=/bin", "PGDATA=/a", "PGDATA=/b"]));

    private static VolumeUser User(string name, bool running, bool readWrite, string? stopLabel = null, string? postgres = null)
    {
        var labels = stopLabel is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [VolumeUser.StopLabel] = stopLabel };
        var mount = new DockerMountPoint("volume", "data", "/var/lib/docker/volumes/data/_data", "/data", "local", readWrite);
        var container = new DockerContainerDetails("id-" + name, name, "sha256:0",
            new DockerContainerConfig("img", [], labels, null),
            new DockerContainerState(running ? "running" : "exited", running, false, false, 0, running ? 42 : 0),
            [mount]);
        return new VolumeUser(container, mount, readWrite, postgres);
    }
}
