using System.Text;
using System.Text.RegularExpressions;
using BackupPs.Core.Database;
using BackupPs.Core.Docker;
using BackupPs.Core.Errors;
using BackupPs.Core.Hosting;
using BackupPs.Core.Restore;

namespace BackupPs.Core.Leftovers;

/// <summary>
/// Removes what a BackupPs process that ended without cleaning up (kill -9, a crash, a lost host) left
/// in Docker: its files and folders in a container's scratch directories (<see cref="ContainerScratch"/>)
/// and its drill containers (label backupps.drill=1). What belongs to an owner known not to run any
/// more (<see cref="ResourceOwner.Holds"/>) goes at once; what belongs to another host's owner, and
/// files an earlier version made (no owner), after an hour. Nothing without BackupPs's name or label
/// is ever touched, nor an earlier version's drill container (it may still be in use).
/// </summary>
internal static partial class ContainerLeftovers
{
    /// <summary>The label every drill container carries.</summary>
    public const string DrillLabel = "backupps.drill";

    /// <summary>What an owner that cannot be asked may take before its leftovers count as abandoned.</summary>
    private static readonly TimeSpan StaleAge = TimeSpan.FromHours(1);

    /// <summary>
    /// What every restore and drill does before it creates anything: removes the scratch databases
    /// (<see cref="ScratchDatabase.RemoveStaleAsync"/>) and scratch files in <paramref name="server"/>, and
    /// the drill containers on the daemon, that interrupted runs left behind.
    /// </summary>
    public static async Task RemoveAllAsync(DockerClient docker, DatabaseTarget server, DateTimeOffset now, IOperationHost host, CancellationToken cancellationToken)
    {
        await RemoveDrillContainersAsync(docker, now, host, cancellationToken).ConfigureAwait(false);
        await ScratchDatabase.RemoveStaleAsync(docker, server, now, host, cancellationToken).ConfigureAwait(false);
        await RemoveScratchAsync(docker, server, host, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Removes the leftovers in <paramref name="target"/>'s scratch directories. Best effort: a
    /// container that cannot be listed or cleaned is no reason to fail the operation that asked.
    /// </summary>
    public static async Task RemoveScratchAsync(DockerClient docker, DatabaseTarget target, IOperationHost host, CancellationToken cancellationToken)
    {
        var directories = target.ScratchDirectories;
        // One line per entry: "old" (not modified for an hour) or "new", then its path. Globs only: no name is parsed as shell text.
        const string list =
            "IFS=:; for d in $" + ContainerScratch.Variable + "; do for f in \"$d\"/.backupps-*; do [ -e \"$f\" ] || [ -L \"$f\" ] || continue; "
            + "if [ -n \"$(find \"$f\" -maxdepth 0 -mmin +60 2>/dev/null)\" ]; then echo \"old $f\"; else echo \"new $f\"; fi; done; done; exit 0";
        using var stdout = new MemoryStream();
        try
        {
            await docker.ExecAsync(target.Container.Id, new ExecRequest { Cmd = ["sh", "-c", list], Env = [ContainerScratch.Environment(directories)] },
                stdout, cancellationToken).ConfigureAwait(false);
            var abandoned = Encoding.UTF8.GetString(stdout.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line.Split(' ', 2))
                .Where(entry => entry.Length == 2 && IsAbandoned(entry[1], old: entry[0] == "old", directories))
                .Select(entry => entry[1])
                .ToArray();
            if (abandoned.Length == 0)
            {
                return;
            }

            await docker.ExecAsync(target.Container.Id, new ExecRequest { Cmd = ["rm", "-rf", "--", .. abandoned] }, Stream.Null, cancellationToken).ConfigureAwait(false);
            host.WriteWarning($"Removed {string.Join(", ", abandoned)} in {target.Container.Name}, left behind by a BackupPs run that was interrupted.");
        }
        catch (BackupPsException e)
        {
            host.WriteVerbose($"Could not look for leftovers of interrupted runs in {target.Container.Name}: {e.Message}");
        }
    }

    /// <summary>Whether <paramref name="path"/> (one of our scratch names in one of <paramref name="directories"/>) belongs to no running BackupPs process.</summary>
    internal static bool IsAbandoned(string path, bool old, IReadOnlyList<string> directories)
    {
        var match = ScratchPath().Match(path);
        if (!match.Success || !directories.Contains(match.Groups[1].Value))
        {
            return false;
        }

        var running = ResourceOwner.Parse(match.Groups[2].Success ? match.Groups[2].Value : null)?.Holds(Path.GetFileName(path));
        return running is false || (running is null && old);
    }

    /// <summary>
    /// Removes drill containers whose owner does not run any more, or, for another host's owner, that
    /// were created more than an hour ago. Containers without an owner label are left alone.
    /// </summary>
    public static Task RemoveDrillContainersAsync(DockerClient docker, DateTimeOffset now, IOperationHost host, CancellationToken cancellationToken) =>
        RemoveOwnedContainersAsync(docker, DrillLabel, "drill container", "a drill", now, host, cancellationToken);

    /// <summary>
    /// The same for the helper containers of Backup-Volume and Restore-Volume (label <paramref name="label"/>=1): created,
    /// never started, they only hold a volume mounted, and block its removal while they exist.
    /// </summary>
    public static Task RemoveVolumeHelpersAsync(DockerClient docker, string label, DateTimeOffset now, IOperationHost host, CancellationToken cancellationToken) =>
        RemoveOwnedContainersAsync(docker, label, "volume helper container", "a volume backup or restore", now, host, cancellationToken);

    /// <param name="what">"drill container", for messages.</param>
    /// <param name="by">"a drill": what left it behind, for messages.</param>
    private static async Task RemoveOwnedContainersAsync(DockerClient docker, string label, string what, string by, DateTimeOffset now, IOperationHost host,
        CancellationToken cancellationToken)
    {
        IReadOnlyList<DockerContainerSummary> containers;
        try
        {
            containers = await docker.ListContainersAsync(all: true, new Dictionary<string, string> { [label] = "1" }, cancellationToken).ConfigureAwait(false);
        }
        catch (BackupPsException e)
        {
            host.WriteVerbose($"Could not look for {what}s left by interrupted runs: {e.Message}");
            return;
        }

        foreach (var container in containers)
        {
            if (ResourceOwner.Parse(container.Labels.GetValueOrDefault(ResourceOwner.Label)) is not { } owner)
            {
                // An earlier version's: nothing tells whether its drill still runs (a big one can take hours), so it is only named.
                host.WriteVerbose($"The {what} {container.Names.FirstOrDefault() ?? container.Id[..12]} has no owner label (an earlier BackupPs made it); if none runs, remove it with docker rm -f -v {container.Id[..12]}.");
                continue;
            }

            var running = owner.Holds(container.Names.FirstOrDefault()?.TrimStart('/') ?? container.Id);
            if (running is true || (running is null && now - container.Created <= StaleAge))
            {
                continue;
            }

            using var timeout = OperationRun.CleanupTimeout(TimeSpan.FromMinutes(1));
            try
            {
                await docker.RemoveContainerAsync(container.Id, force: true, removeVolumes: true, timeout.Token).ConfigureAwait(false);
                host.WriteWarning($"Removed the {what} {container.Names.FirstOrDefault() ?? container.Id[..12]}, left behind by {by} that was interrupted.");
            }
            catch (Exception e) when (e is BackupPsException or OperationCanceledException)
            {
                host.WriteWarning($"The {what} {container.Id[..12]}, left behind by {by} that was interrupted, could not be removed ({e.Message}); remove it with docker rm -f -v {container.Id[..12]}.");
            }
        }
    }

    /// <summary>The directory, then the owner of this version's names (earlier versions' have 32 hex digits and no owner).</summary>
    [GeneratedRegex("^(/.*)/\\.backupps-(?:(" + ResourceOwner.TokenPattern + ")-[0-9a-f]{12}|[0-9a-f]{32})(?:\\.fifo)?$")]
    private static partial Regex ScratchPath();
}
