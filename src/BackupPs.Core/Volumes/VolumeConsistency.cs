using BackupPs.Core.Catalog;
using BackupPs.Core.Errors;

namespace BackupPs.Core.Volumes;

/// <summary>
/// How a volume can be copied consistently, decided from its users (<see cref="VolumeUsers"/>) and the switches. Only a
/// live container that mounts the volume read-write can change it while it is read: those are stopped (-StopContainer,
/// or labelled <see cref="VolumeUser.StopLabel"/>=true), copied live (-AllowLive: crash-consistent), or the volume is
/// refused. A live PostgreSQL data directory is refused even with -AllowLive: Backup-Database is the consistent way.
/// </summary>
/// <param name="Consistency">What the manifest will record.</param>
/// <param name="ToStop">The containers to stop for the copy and start again after, in stop order.</param>
/// <param name="LiveWriters">The live read-write users left running (-AllowLive), for the warning.</param>
internal sealed record VolumeConsistency(BackupConsistency Consistency, IReadOnlyList<VolumeUser> ToStop, IReadOnlyList<VolumeUser> LiveWriters)
{
    /// <summary>The plan for <paramref name="volume"/>, or VolumeInUse (ResourceBusy) / VolumeHoldsLivePostgres (InvalidOperation).</summary>
    /// <param name="action">What the copy is for, in messages ("back up", "take the safety backup of").</param>
    public static VolumeConsistency Decide(string volume, IReadOnlyList<VolumeUser> users, bool stopContainer, bool allowLive, string action = "back up")
    {
        var writers = users.Where(u => u.IsLive && u.ReadWrite).ToList();
        var toStop = writers.Where(u => stopContainer || u.StopsByLabel).ToList();
        var live = writers.Except(toStop).ToList();
        if (writers.Count == 0)
        {
            return new VolumeConsistency(BackupConsistency.Consistent, [], []);
        }

        if (live.Count == 0)
        {
            return new VolumeConsistency(BackupConsistency.Stopped, toStop, []);
        }

        if (live.FirstOrDefault(u => u.PostgresData is not null) is { } postgres)
        {
            throw new BackupPsException("VolumeHoldsLivePostgres", FailureCategory.InvalidOperation,
                $"Volume {volume} holds the data directory of the PostgreSQL server running in container {postgres.Container.Name} ({postgres.PostgresData}): "
                + "a copy of those files while the server runs is not one PostgreSQL can be trusted to start from, so it is refused even with -AllowLive. "
                + $"Back the database up with Backup-Database -Container {postgres.Container.Name}, which is consistent while the server runs, "
                + $"or pass -StopContainer to stop {postgres.Container.Name} for the copy and start it again after.")
            { Target = volume };
        }

        if (allowLive)
        {
            return new VolumeConsistency(BackupConsistency.CrashConsistent, toStop, live);
        }

        throw new BackupPsException("VolumeInUse", FailureCategory.ResourceBusy,
            $"Cannot {action} volume {volume} as it is: {Names(live)} {(live.Count == 1 ? "runs and mounts" : "run and mount")} it read-write and may write to it during the copy. "
            + "Pass -StopContainer to stop them for the copy (they are started again after, also when the copy fails), "
            + $"label them {VolumeUser.StopLabel}=true to have that done every time, or pass -AllowLive to copy it while in use (recorded as crash-consistent).")
        { Target = volume };
    }

    /// <summary>"knot-db (running, read-write at /data), knot-api (...)".</summary>
    internal static string Names(IEnumerable<VolumeUser> users) => string.Join(", ", users.Select(u => u.Description));
}
