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
/// <param name="Host">8 hex digits of a hash of the host name and its boot id: a reboot makes every earlier owner another host's.</param>
/// <param name="ProcessId">The owner's process id.</param>
/// <param name="Started">The owner's start time in clock ticks since boot (/proc/&lt;pid&gt;/stat), which tells a reused pid apart.</param>
internal sealed partial record ResourceOwner(string Host, int ProcessId, long Started)
{
    /// <summary>This process.</summary>
    public static ResourceOwner Current { get; } = new(HostHash(), Environment.ProcessId, StartTime(Environment.ProcessId) ?? 0);

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
    /// True when the owner still runs, false when it certainly does not (this host, and no process with
    /// that id and start time), null when that cannot be known here (another host's, or a reboot ago).
    /// </summary>
    public bool? IsRunning()
    {
        if (Host != Current.Host || Current.Started == 0)
        {
            return null;
        }

        return StartTime(ProcessId) == Started;
    }

    /// <summary>The start time of process <paramref name="pid"/> in clock ticks since boot, or null when there is no such process.</summary>
    private static long? StartTime(int pid)
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so count from the last ')'; starttime is field 22.
                var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                return long.Parse(fields[19], CultureInfo.InvariantCulture);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
                return null;
            }
        }

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

    private static string HostHash()
    {
        var boot = "";
        try
        {
            boot = OperatingSystem.IsLinux() ? File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim() : "";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Environment.MachineName + "\n" + boot)))[..8].ToLowerInvariant();
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
