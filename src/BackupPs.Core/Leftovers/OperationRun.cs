using System.Collections.Concurrent;

namespace BackupPs.Core.Leftovers;

/// <summary>
/// One run of a command in this process (a CLI run, one cmdlet invocation in a pwsh session), begun by
/// the host around the handler and flowing with it (an async-local value). It knows:
/// <list type="bullet">
/// <item>the resources the run holds (<see cref="Hold"/>): a pwsh session outlives its runs, so its
/// process running says nothing about a leftover whose cleanup failed; one that no run of this process
/// holds is dead (<see cref="ResourceOwner.Holds"/>) and the next run removes it at once;</item>
/// <item>how long the way out of a stopped run may take (<see cref="CleanupTimeout"/>): every cleanup
/// after Ctrl+C or SIGTERM shares one <see cref="CleanupBudget"/>, well inside systemd's default 90 s stop
/// timeout, and what it cannot remove in that time is left to the next run, with a warning;</item>
/// <item>what its cleanup could not remove (<see cref="LeftBehind"/>), so the host's last words are true.</item>
/// </list>
/// </summary>
public sealed class OperationRun : IDisposable
{
    /// <summary>How long all the cleanup of a stopped run may take together, counted from the stop.</summary>
    public static readonly TimeSpan CleanupBudget = TimeSpan.FromSeconds(30);

    private static readonly AsyncLocal<OperationRun?> s_current = new();

    /// <summary>The names every run of this process holds now, and those named outside any run (held for good).</summary>
    private static readonly ConcurrentDictionary<string, byte> s_held = new(StringComparer.Ordinal);

    private readonly ConcurrentQueue<string> _names = new();
    private readonly ConcurrentQueue<string> _leftBehind = new();
    private readonly CancellationTokenSource _cleanupOver = new();
    private readonly CancellationTokenRegistration _stopped;

    private OperationRun(CancellationToken stopping) =>
        _stopped = stopping.Register(() => _cleanupOver.CancelAfter(CleanupBudget));

    /// <summary>
    /// Begins a run for the calling flow (and all it awaits); <paramref name="stopping"/> is the token that
    /// stops it, from which the <see cref="CleanupBudget"/> is counted. Dispose it when the handler is done.
    /// </summary>
    public static OperationRun Begin(CancellationToken stopping)
    {
        var run = new OperationRun(stopping);
        s_current.Value = run;
        return run;
    }

    /// <summary>What this run's cleanup could not remove, as the warnings named it; empty when all went.</summary>
    public IReadOnlyList<string> LeftBehind => [.. _leftBehind];

    /// <summary>Records <paramref name="name"/> (a resource about to be created under it) as held by the current run; returns it.</summary>
    internal static string Hold(string name)
    {
        s_held[name] = 0;
        s_current.Value?._names.Enqueue(name);
        return name;
    }

    /// <summary>Whether a run of this process holds <paramref name="name"/>.</summary>
    internal static bool IsHeld(string name) => s_held.ContainsKey(name);

    /// <summary>Records that the current run's cleanup could not remove <paramref name="what"/> (the next run will).</summary>
    internal static void NoteLeftBehind(string what) => s_current.Value?._leftBehind.Enqueue(what);

    /// <summary>
    /// The timeout of one cleanup step that usually may take <paramref name="usual"/>: shorter when the run
    /// was stopped, so that all its steps end within <see cref="CleanupBudget"/> of the stop.
    /// </summary>
    internal static CancellationTokenSource CleanupTimeout(TimeSpan usual)
    {
        var source = s_current.Value is { } run ? CancellationTokenSource.CreateLinkedTokenSource(run._cleanupOver.Token) : new CancellationTokenSource();
        source.CancelAfter(usual);
        return source;
    }

    /// <summary>Ends the run: what it held counts as held no more.</summary>
    public void Dispose()
    {
        _stopped.Dispose();
        while (_names.TryDequeue(out var name))
        {
            s_held.TryRemove(name, out _);
        }

        if (s_current.Value == this)
        {
            s_current.Value = null;
        }

        _cleanupOver.Dispose();
    }
}
