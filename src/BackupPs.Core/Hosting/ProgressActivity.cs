using System.Diagnostics;
using System.Globalization;

namespace BackupPs.Core.Hosting;

/// <summary>
/// One progress activity (one bar in pwsh, one line in the CLI): written when it starts, ended by
/// <see cref="Dispose"/> with its Completed record on every exit path (success, failure, Ctrl+C). A phase
/// of an operation that has a measure of its own (the bytes read back, the bytes of the file restored)
/// gets a child activity (<see cref="Child"/>), so the operation's bar shows where it is and the child's
/// how far that phase has come. Percent never goes backwards within an activity, and counts that change
/// per read call are throttled to a few records a second.
/// </summary>
internal sealed class ProgressActivity : IDisposable
{
    private static readonly long Interval = Stopwatch.Frequency / 4;

    /// <summary>pwsh keys progress by activity id, and a pipeline runs several cmdlets at once: ids are unique per process.</summary>
    private static int s_lastId;

    private readonly IOperationHost _host;
    private readonly int _parentId;
    private readonly object _gate = new();
    private string _status;
    private int _percent = -1;
    private long _next;
    private bool _completed;

    private ProgressActivity(IOperationHost host, string activity, string status, int parentId)
    {
        _host = host;
        _parentId = parentId;
        Id = Interlocked.Increment(ref s_lastId);
        Activity = activity;
        _status = status;
        Write(completed: false);
    }

    public int Id { get; }

    public string Activity { get; }

    /// <summary>Starts a top-level activity, or a child of <paramref name="parent"/> when one is given.</summary>
    public static ProgressActivity Start(IOperationHost host, string activity, string status, ProgressActivity? parent = null) =>
        new(host, activity, status, parent?.Id ?? -1);

    /// <summary>A child activity for one phase of this one.</summary>
    public ProgressActivity Child(string activity, string status) => new(_host, activity, status, Id);

    /// <summary>
    /// Enters step <paramref name="step"/> (from 1) of <paramref name="steps"/>: the status names it, and the percent is
    /// that of the steps already done, which is all that is known of an operation whose steps take unknown times.
    /// </summary>
    public void Step(int step, int steps, string status) =>
        Set($"Step {step} of {steps}: {status}", (step - 1) * 100 / Math.Max(1, steps), throttled: false);

    /// <summary>A status of its own, without a measure (written at once: these are few).</summary>
    public void Status(string status) => Set(status, _percent, throttled: false);

    /// <summary>
    /// Bytes done of <paramref name="total"/> (0 or less: unknown, then no percent), as "12 of 40 MB read".
    /// Safe to call from any thread, per read call: it writes a few records a second at most.
    /// </summary>
    public void Bytes(long done, long total, string verb)
    {
        if (IsThrottled())
        {
            return;
        }

        var status = total > 0 ? $"{Megabytes(done)} of {Megabytes(total)} MB {verb}" : $"{Megabytes(done)} MB {verb}";
        // The end is only reached when the phase ends: a file that grew meanwhile must not show more than 100%.
        Set(status, total > 0 ? (int)Math.Min(99, done * 100 / total) : -1, throttled: true);
    }

    /// <summary>Items done of <paramref name="total"/>, as "3 of 250 manifests read"; throttled like <see cref="Bytes"/>.</summary>
    public void Items(int done, int total, string what)
    {
        if (!IsThrottled())
        {
            Set($"{done} of {total} {what}", total > 0 ? Math.Min(99, done * 100 / total) : -1, throttled: true);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_completed)
            {
                return;
            }

            _completed = true;
            Write(completed: true);
        }
    }

    private static string Megabytes(long bytes) => (bytes / (1024 * 1024)).ToString(CultureInfo.InvariantCulture);

    private bool IsThrottled() => Stopwatch.GetTimestamp() < Volatile.Read(ref _next);

    private void Set(string status, int percent, bool throttled)
    {
        lock (_gate)
        {
            if (_completed)
            {
                return;
            }

            _status = status;
            _percent = Math.Max(_percent, Math.Min(percent, 100));
            if (throttled)
            {
                Volatile.Write(ref _next, Stopwatch.GetTimestamp() + Interval);
            }

            Write(completed: false);
        }
    }

    private void Write(bool completed) =>
        _host.WriteProgress(new OperationProgress(Id, Activity, _status, _percent, completed, _parentId));
}
