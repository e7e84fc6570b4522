namespace BackupPs.Tests.Infrastructure;

/// <summary>A clock that always shows one instant: makes "the same second" deterministic for the handlers.</summary>
public sealed class PinnedClock(DateTimeOffset now) : TimeProvider
{
    /// <summary>Pinned to the current second: for handlers whose times meet the server's (stale scratch databases).</summary>
    public static PinnedClock ThisSecond() => new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));

    public override DateTimeOffset GetUtcNow() => now;
}
