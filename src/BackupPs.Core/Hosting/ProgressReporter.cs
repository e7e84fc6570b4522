using System.Diagnostics;

namespace BackupPs.Core.Hosting;

/// <summary>
/// Turns a byte count into throttled progress records (a few per second, never per read call) and
/// guarantees the Completed record on every exit path via Dispose.
/// </summary>
internal sealed class ProgressReporter(IOperationHost host, int activityId, string activity, long expectedBytes) : IDisposable
{
    private static readonly long Interval = Stopwatch.Frequency / 4;
    private long _next;

    public void Report(long bytes)
    {
        var now = Stopwatch.GetTimestamp();
        if (now < _next)
        {
            return;
        }

        _next = now + Interval;
        // The database size is only an estimate of the dump size: never claim 100% before the end.
        var percent = expectedBytes > 0 ? (int)Math.Min(99, bytes * 100 / expectedBytes) : -1;
        host.WriteProgress(new OperationProgress(activityId, activity, $"{bytes / (1024 * 1024)} MB read", percent));
    }

    public void Dispose() => host.WriteProgress(new OperationProgress(activityId, activity, "Done", 100, Completed: true));
}
