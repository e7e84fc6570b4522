using System.Globalization;

namespace BackupPs.Tests.Infrastructure;

/// <summary>
/// What a BackupPs run may leave behind when it is stopped, looked for from outside (docker CLI, the host's /proc):
/// scratch databases, scratch files in the container, drill containers, partial files in a store, processes in the
/// container. Shared by the CLI's signal tests and the module's Stop() tests.
/// </summary>
public static class RunLeftovers
{
    /// <summary>backupps_* databases in <paramref name="container"/> (empty when it is gone).</summary>
    public static string[] ScratchDatabases(string container, string user = PostgresContainer.User) =>
        Lines(ProcessRunner.Run("docker", ["exec", "-e", "PGPASSWORD=" + PostgresContainer.Password, container, "psql", "-X", "-w", "-At", "-U", user, "-d", "postgres",
            "-c", "select datname from pg_database where datname like 'backupps\\_%'"]));

    /// <summary>
    /// BackupPs's files and folders in the container's scratch directories (empty when it is gone), read
    /// through /proc/&lt;pid&gt;/root (the tests run as root): fast enough to catch a FIFO that lives for a moment.
    /// </summary>
    public static string[] ScratchFiles(string container)
    {
        var pid = ProcessRunner.Run("docker", ["inspect", "-f", "{{.State.Pid}}", container]).Stdout.Trim();
        return new[] { "/tmp", "/var/run/postgresql", "/dev/shm" }
            .Select(d => $"/proc/{pid}/root{d}")
            .Where(d => pid is not ("" or "0") && Directory.Exists(d))
            .SelectMany(d => Directory.GetFileSystemEntries(d, ".backupps-*"))
            .ToArray();
    }

    /// <summary>Container ids by name, looked up once: a poll that runs docker inspect each time is too slow to see a short-lived process.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> ContainerIds = new(StringComparer.Ordinal);

    /// <summary>
    /// The host pids and command lines of the processes in <paramref name="container"/> whose command line starts with
    /// <paramref name="prefix"/>, read from the host's /proc (the tests run as root) and told apart by their cgroup.
    /// </summary>
    public static (string Pid, string Args)[] ContainerProcesses(string container, string prefix)
    {
        if (!ContainerIds.TryGetValue(container, out var id))
        {
            id = ProcessRunner.Run("docker", ["inspect", "-f", "{{.Id}}", container]).Stdout.Trim();
            if (id.Length > 0)
            {
                ContainerIds[container] = id;
            }
        }

        var found = new List<(string, string)>();
        foreach (var process in Directory.GetDirectories("/proc").Where(d => Path.GetFileName(d).All(char.IsAsciiDigit)))
        {
            try
            {
                var args = File.ReadAllText(process + "/cmdline").Replace('\0', ' ').TrimEnd();
                if (id.Length > 0 && args.StartsWith(prefix, StringComparison.Ordinal) && File.ReadAllText(process + "/cgroup").Contains(id, StringComparison.Ordinal))
                {
                    found.Add((Path.GetFileName(process), args));
                }
            }
            catch (IOException)
            {
                // The process ended meanwhile.
            }
        }

        return [.. found];
    }

    /// <summary>The drill containers started by the process <paramref name="pid"/> (a CLI run, or the test process for cmdlets) (filtered by its owner label: others run drills on this daemon too).</summary>
    public static string[] DrillContainers(int pid) =>
        Lines(ProcessRunner.Run("docker", ["ps", "-aq", "--filter", "label=backupps.drill=1", "--filter", "label=backupps.owner.pid=" + pid.ToString(CultureInfo.InvariantCulture)]));

    /// <summary>The hidden partial files (.*.partial) anywhere in <paramref name="store"/>.</summary>
    public static string[] PartialFiles(string store) => Directory.Exists(store)
        ? Directory.GetFiles(store, ".*.partial", SearchOption.AllDirectories)
        : [];

    private static string[] Lines(ProcessResult result) =>
        result.ExitCode == 0 ? result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];
}
