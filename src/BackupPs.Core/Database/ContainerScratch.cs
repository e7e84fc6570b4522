using System.Text;
using BackupPs.Core.Docker;
using BackupPs.Core.Leftovers;

namespace BackupPs.Core.Database;

/// <summary>
/// Where BackupPs may put its short-lived files inside a database container (the FIFOs of the
/// transport, the restore's folder with the archive's TOC and -L lists): the first of these in which
/// the file can be made.
/// <list type="number">
/// <item>/tmp, the place every image expects scratch files in.</item>
/// <item>The server's socket directory: in a read-only container (compose's <c>read_only: true</c>
/// with <c>tmpfs: /var/run/postgresql</c>, PGDATA on a volume) it is the one place the server itself
/// must be able to write, so it is writable there; it is a tmpfs in that setup, and the server only
/// looks at its own .s.PGSQL.* files in it.</item>
/// <item>/dev/shm, the tmpfs Docker mounts in every container that has its own IPC namespace. Last,
/// because the server keeps its dynamic shared memory there and the default size is only 64 MB.</item>
/// </list>
/// Never $PGDATA or a folder next to it: files there would travel with the data directory's own
/// backups and copies. What is made stays private (a 0700 folder, 0600 FIFOs): it holds schema text.
/// </summary>
internal static class ContainerScratch
{
    /// <summary>The environment variable that hands the candidates to the exec's shell (colon-separated, as PATH).</summary>
    public const string Variable = "BACKUPPS_SCRATCH";

    /// <summary>
    /// A new name for a file or folder in a scratch directory: ".backupps-&lt;owner token&gt;-&lt;12 hex&gt;"
    /// and <paramref name="suffix"/>. The owner (<see cref="ResourceOwner"/>) lets the next run remove
    /// it at once when this process (or, in a pwsh session, the run: <see cref="OperationRun"/>) ended
    /// without removing it (<see cref="ContainerLeftovers"/>).
    /// </summary>
    public static string NewName(string suffix = "") => OperationRun.Hold($".backupps-{ResourceOwner.Current.Token}-{Guid.NewGuid().ToString("N")[..12]}{suffix}");

    /// <summary>
    /// Removes <paramref name="name"/> from every candidate directory: what a creation that failed or was
    /// cancelled may have made before it could say where (its output was never read). Best effort and
    /// not cancellable: it runs on the way out of a cancelled operation.
    /// </summary>
    public static async Task RemoveEverywhereAsync(DockerClient docker, string containerId, IReadOnlyList<string> directories, string name)
    {
        using var timeout = OperationRun.CleanupTimeout(TimeSpan.FromSeconds(30));
        try
        {
            await docker.ExecAsync(containerId, new ExecRequest
            {
                // The name is ours ([.0-9a-z_-]); "$0" carries it, so nothing is parsed as shell text.
                Cmd = ["sh", "-c", $"set -f; IFS=:; for d in ${Variable}; do rm -rf \"$d/$0\"; done", name],
                Env = [Environment(directories)],
            }, Stream.Null, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is Errors.BackupPsException or OperationCanceledException)
        {
            // A stopped container keeps it; the next run removes it (its owner is gone).
            OperationRun.NoteLeftBehind($"{name} in a scratch folder of container {containerId[..12]}");
        }
    }

    /// <summary>The candidates, best first; <paramref name="socket"/> is the server's, when known.</summary>
    public static IReadOnlyList<string> Directories(ServerSocket? socket)
    {
        List<string> directories = ["/tmp"];
        // A colon would split the list; such a directory is simply not offered.
        if (socket is { IsDirectory: true } && !socket.Host.Contains(':', StringComparison.Ordinal) && socket.Host.TrimEnd('/') != "/tmp")
        {
            directories.Add(socket.Host.TrimEnd('/'));
        }

        directories.Add("/dev/shm");
        return directories;
    }

    /// <summary>The exec environment entry that <see cref="Choose"/> reads.</summary>
    public static string Environment(IReadOnlyList<string> directories) => Variable + "=" + string.Join(':', directories);

    /// <summary>
    /// Shell text that runs <c><paramref name="make"/> "$dir/<paramref name="name"/>"</c> in each candidate
    /// until one succeeds and leaves that path in $p, or exits 1 (each failed attempt has said why on stderr).
    /// $p is physical (pwd -P): this process opens it through /proc/&lt;pid&gt;/root, where an absolute
    /// symlink of the container (Debian's /var/run -> /run) would resolve on the host instead.
    /// <paramref name="make"/> and <paramref name="name"/> are BackupPs's own words; the directories come
    /// from the environment, so nothing the container reports is ever parsed as shell text.
    /// </summary>
    public static string Choose(string make, string name) =>
        $"set -f; IFS=:; p=; for d in ${Variable}; do if {make} \"$d/{name}\"; then p=\"$(cd \"$d\" && pwd -P)/{name}\"; break; fi; done; unset IFS; set +f; [ -n \"$p\" ] || exit 1; ";

    /// <summary>The path the script printed on its first line ("$p"), or null when it printed none of ours.</summary>
    public static string? ChosenPath(MemoryStream stdout, string name)
    {
        var path = Encoding.UTF8.GetString(stdout.ToArray()).Split('\n')[0];
        return path.StartsWith('/') && path.EndsWith("/" + name, StringComparison.Ordinal) ? path : null;
    }

    /// <summary>What an operator can do when no candidate worked.</summary>
    public static string Remedy(IReadOnlyList<string> directories) =>
        $"none of {string.Join(", ", directories)} is writable in the container; give it a writable /tmp (docker run --tmpfs /tmp, or tmpfs: /tmp in compose) and retry";

    /// <summary>Every line of a failed attempt's stderr, joined: one reason per candidate.</summary>
    public static string Reasons(string stderr) =>
        string.Join("; ", stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(5));
}
