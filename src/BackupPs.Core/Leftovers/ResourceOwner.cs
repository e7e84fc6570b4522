using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace BackupPs.Core.Leftovers;

/// <summary>
/// The BackupPs process that created a resource (a scratch database, a drill container, a folder or
/// FIFO in a container's /tmp): its host, process id and start time. Every such resource carries its
/// owner's <see cref="Token"/> in its name (and drill containers in labels too), so the next run can
/// tell, right away, what belongs to no running BackupPs process and remove it, however the owner
/// ended (Ctrl+C, SIGTERM, kill -9, a crash).
/// </summary>
/// <param name="Host">
/// 8 hex digits of a hash of the host name, its boot id and the owner's PID namespace: where
/// <paramref name="ProcessId"/> names a process. A reboot, another container or a process in another PID
/// namespace on the same kernel (unshare -p, docker run --uts host, systemd PrivatePIDs) is another
/// "host", whose owners cannot be looked up here and so are never taken for dead.
/// </param>
/// <param name="ProcessId">The owner's process id, in its own PID namespace.</param>
/// <param name="Started">The owner's start time in clock ticks since boot (/proc/&lt;pid&gt;/stat), which tells a reused pid apart.</param>
internal sealed partial record ResourceOwner(string Host, int ProcessId, long Started)
{
    /// <summary>
    /// This process. Its start time is 0 (nothing is ever judged dead) when /proc does not show this process
    /// under its own id: a /proc mounted for another PID namespace would answer for other processes.
    /// </summary>
    public static ResourceOwner Current { get; } = new(HostHash(), Environment.ProcessId, OwnStartTime());

    /// <summary>Container label holding the <see cref="Token"/>.</summary>
    public const string Label = "backupps.owner";

    /// <summary>Container labels with the owner spelled out for people (docker ps --filter label=...).</summary>
    public const string HostLabel = "backupps.owner.host";

    public const string ProcessLabel = "backupps.owner.pid";

    /// <summary>
    /// "&lt;host&gt;_&lt;pid&gt;_&lt;start&gt;" (pid and start in base 36): at most 25 characters of [0-9a-z_],
    /// short enough for PostgreSQL's 63-byte names, and safe in file names and shell text.
    /// </summary>
    public string Token => $"{Host}_{Base36(ProcessId)}_{Base36(Started)}";

    /// <summary>The labels a container BackupPs creates carries: the token and the owner in full.</summary>
    public IReadOnlyDictionary<string, string> Labels => new Dictionary<string, string>
    {
        [Label] = Token,
        [HostLabel] = Environment.MachineName,
        [ProcessLabel] = ProcessId.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>A regular-expression fragment matching a <see cref="Token"/>.</summary>
    public const string TokenPattern = "[0-9a-f]{8}_[0-9a-z]{1,6}_[0-9a-z]{1,9}";

    /// <summary>The owner a <see cref="Token"/> names, or null when <paramref name="token"/> is not one.</summary>
    public static ResourceOwner? Parse(string? token)
    {
        var match = token is null ? null : TokenRegex().Match(token);
        if (match is not { Success: true })
        {
            return null;
        }

        var pid = FromBase36(match.Groups[2].Value);
        return pid <= int.MaxValue ? new ResourceOwner(match.Groups[1].Value, (int)pid, FromBase36(match.Groups[3].Value)) : null;
    }

    /// <summary>
    /// True when the owner still runs, false when it certainly does not (this host and PID namespace, and
    /// no process with that id and start time while every process can be seen), null when that cannot be
    /// known here (another host's or PID namespace's, a reboot ago, or processes hidden from this user).
    /// </summary>
    public bool? IsRunning() => IsRunning(Current, Look);

    /// <summary>
    /// Whether <paramref name="resource"/> (the name it was created under), which carries this owner, is
    /// still in use: for this very process, whether one of its runs holds it (<see cref="OperationRun"/>;
    /// a long-lived pwsh session outlives the runs whose cleanup failed), else <see cref="IsRunning()"/>.
    /// </summary>
    public bool? Holds(string resource) => this == Current ? OperationRun.IsHeld(resource) : IsRunning();

    /// <summary>What /proc shows of a process id: its start time, or that it is absent, or that it cannot be seen.</summary>
    internal readonly record struct Sighting(long? Started, bool Hidden)
    {
        public static Sighting Absent => new(null, false);

        public static Sighting Invisible => new(null, true);
    }

    /// <summary><see cref="IsRunning()"/> as seen from <paramref name="current"/> through <paramref name="look"/>.</summary>
    internal bool? IsRunning(ResourceOwner current, Func<int, Sighting> look)
    {
        if (Host != current.Host || current.Started == 0)
        {
            return null;
        }

        var seen = look(ProcessId);
        return seen.Hidden ? null : seen.Started == Started;
    }

    /// <summary>
    /// Looks process <paramref name="pid"/> up in /proc. A process that is not there counts as absent only
    /// when this process can see everyone's: with /proc mounted hidepid=1 or 2 a user sees only its own
    /// processes, which shows as init (pid 1, always there) being invisible or unreadable.
    /// </summary>
    private static Sighting Look(int pid)
    {
        if (!OperatingSystem.IsLinux())
        {
            return new Sighting(OtherStartTime(pid), false);
        }

        return ProcStat(pid) switch
        {
            { Readable: false } => Sighting.Invisible,
            { Started: { } started } => new Sighting(started, false),
            _ => ProcStat(1) is { Started: not null } ? Sighting.Absent : Sighting.Invisible,
        };
    }

    private static long OwnStartTime()
    {
        if (!OperatingSystem.IsLinux())
        {
            return OtherStartTime(Environment.ProcessId) ?? 0;
        }

        var self = ProcStat(Environment.ProcessId, "self");
        return self.ProcessId == Environment.ProcessId && self.Started is { } started ? started : 0;
    }

    /// <summary>
    /// /proc/&lt;pid&gt;/stat's pid and start time (clock ticks since boot); Readable is false when it exists
    /// but may not be read (hidepid=1), Started null when it does not exist or cannot be understood.
    /// </summary>
    private static (bool Readable, int? ProcessId, long? Started) ProcStat(int pid, string? name = null)
    {
        try
        {
            // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so count from the last ')'; starttime is field 22.
            var stat = File.ReadAllText($"/proc/{name ?? pid.ToString(CultureInfo.InvariantCulture)}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (true, int.Parse(stat[..stat.IndexOf(' ', StringComparison.Ordinal)], CultureInfo.InvariantCulture), long.Parse(fields[19], CultureInfo.InvariantCulture));
        }
        catch (UnauthorizedAccessException)
        {
            return (false, null, null);
        }
        catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return (true, null, null);
        }
    }

    /// <summary>The start time of process <paramref name="pid"/> where there is no /proc, or null when there is no such process.</summary>
    private static long? OtherStartTime(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.StartTime.ToUniversalTime().Ticks / TimeSpan.TicksPerSecond;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    /// <summary>The host name, boot id and PID namespace (the inode /proc/self/ns/pid names, "pid:[4026531836]"), hashed.</summary>
    private static string HostHash()
    {
        string boot = "", pidNamespace = "";
        try
        {
            if (OperatingSystem.IsLinux())
            {
                boot = File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim();
                pidNamespace = new FileInfo("/proc/self/ns/pid").LinkTarget ?? "";
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        if (OperatingSystem.IsLinux() && pidNamespace.Length == 0)
        {
            // A namespace that cannot be named may be anyone's: a host of its own, so no other owner is ever judged from here.
            pidNamespace = Guid.NewGuid().ToString();
        }

        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Environment.MachineName + "\n" + boot + "\n" + pidNamespace)))[..8].ToLowerInvariant();
    }

    private static string Base36(long value)
    {
        const string digits = "0123456789abcdefghijklmnopqrstuvwxyz";
        var text = new StringBuilder();
        do
        {
            text.Insert(0, digits[(int)(value % 36)]);
            value /= 36;
        }
        while (value > 0);
        return text.ToString();
    }

    private static long FromBase36(string text)
    {
        long value = 0;
        foreach (var c in text)
        {
            var digit = c is >= '0' and <= '9' ? c - '0' : c - 'a' + 10;
            value = value * 36 + digit;
        }

        return value;
    }

    [GeneratedRegex("^([0-9a-f]{8})_([0-9a-z]{1,6})_([0-9a-z]{1,9})$")]
    private static partial Regex TokenRegex();
}
