using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using BackupPs.Tests.Infrastructure;

namespace BackupPs.Module.Tests.Infrastructure;

/// <summary>
/// A fresh PowerShell runspace with BackupPs imported from the repository's BackupPs.psd1 (so from
/// module/bin, exactly what build.ps1 lays out and users import), hosted by a <see cref="TestHost"/>
/// that records what an interactive user would see and answers confirmations. One per test (or per
/// test class): runspaces share nothing but the process.
/// </summary>
public sealed class ModuleSession : IDisposable
{
    private readonly Runspace _runspace;

    private ModuleSession(TestHost host)
    {
        Host = host;
        var state = InitialSessionState.CreateDefault2();
        _runspace = RunspaceFactory.CreateRunspace(host, state);
        _runspace.Open();
        var import = Invoke("Import-Module -Name $args[0] -ErrorAction Stop", ManifestPath);
        if (import.Terminating is not null || import.Errors.Count > 0)
        {
            throw new InvalidOperationException("Import-Module BackupPs failed: " + (import.Terminating?.Message ?? import.Errors[0].ToString()));
        }
    }

    /// <summary>BackupPs.psd1 at the repository root.</summary>
    public static string ManifestPath { get; } = Path.Combine(PostgresContainer.RepositoryRoot, "BackupPs.psd1");

    /// <summary>The host: confirmation answers go into <see cref="TestHost.Answers"/>; prompts and host lines are recorded.</summary>
    public TestHost Host { get; }

    /// <summary>Opens a runspace and imports the module; throws when the import fails.</summary>
    public static ModuleSession Start(TestHost? host = null) => new(host ?? new TestHost());

    /// <summary>
    /// Runs <paramref name="script"/> in this session (its variables and location persist between calls).
    /// <paramref name="arguments"/> are passed as <c>$args</c>. Never throws for script errors: a
    /// terminating error is returned in <see cref="SessionResult.Terminating"/>.
    /// </summary>
    public SessionResult Invoke(string script, params object?[] arguments)
    {
        using var shell = CreateShell(script, arguments);
        return Collect(shell, () => shell.Invoke());
    }

    /// <summary>
    /// Starts <paramref name="script"/>, calls <see cref="PowerShell.Stop"/> (what Ctrl+C does) as soon
    /// as <paramref name="stopWhen"/> returns true for a progress or verbose record, and waits for the
    /// pipeline to end. The result says whether the stop happened (<see cref="SessionResult.Stopped"/>).
    /// </summary>
    public SessionResult InvokeAndStop(string script, Func<object, bool> stopWhen, params object?[] arguments)
    {
        using var shell = CreateShell(script, arguments);
        var stopped = 0;
        void Watch(object record)
        {
            if (stopWhen(record) && Interlocked.Exchange(ref stopped, 1) == 0)
            {
                // Stop() blocks until the pipeline has stopped: never on the thread that writes the record.
                _ = shell.BeginStop(null, null);
            }
        }

        shell.Streams.Progress.DataAdded += (sender, e) => Watch(((PSDataCollection<ProgressRecord>)sender!)[e.Index]);
        shell.Streams.Verbose.DataAdded += (sender, e) => Watch(((PSDataCollection<VerboseRecord>)sender!)[e.Index]);
        var result = Collect(shell, () => shell.Invoke());
        return result with { Stopped = stopped == 1 };
    }

    /// <summary>
    /// Starts <paramref name="script"/>, polls <paramref name="reached"/> (state outside the runspace: a partial file,
    /// a scratch database, a process in a container) until it holds, then calls <see cref="PowerShell.Stop"/> and waits
    /// for the pipeline to end. <see cref="SessionResult.Stopped"/> is false when the script ended before that.
    /// </summary>
    public SessionResult InvokeAndStopWhen(string script, Func<bool> reached, params object?[] arguments)
    {
        using var shell = CreateShell(script, arguments);
        var stopped = false;
        var result = Collect(shell, () =>
        {
            var running = shell.BeginInvoke();
            while (!running.IsCompleted)
            {
                if (reached())
                {
                    stopped = !running.IsCompleted;
                    shell.Stop();
                    break;
                }

                Thread.Sleep(5);
            }

            return new Collection<PSObject>(shell.EndInvoke(running));
        });
        return result with { Stopped = stopped };
    }

    public void Dispose() => _runspace.Dispose();

    private PowerShell CreateShell(string script, object?[] arguments)
    {
        var shell = PowerShell.Create(_runspace);
        shell.AddScript(script);
        foreach (var argument in arguments)
        {
            shell.AddArgument(argument);
        }

        return shell;
    }

    private SessionResult Collect(PowerShell shell, Func<Collection<PSObject>> run)
    {
        Host.UI.Lines.Clear();
        Host.UI.Prompts.Clear();
        Collection<PSObject> output = [];
        Exception? terminating = null;
        try
        {
            output = run();
        }
        catch (RuntimeException error)
        {
            terminating = error;
        }

        return new SessionResult(
            output,
            shell.Streams.Error.ToArray(),
            terminating,
            shell.Streams.Progress.ToArray(),
            shell.Streams.Verbose.Select(v => v.Message).ToArray(),
            shell.Streams.Warning.Select(w => w.Message).ToArray(),
            Host.UI.Lines.ToArray(),
            Host.UI.Prompts.ToArray(),
            Stopped: false);
    }
}

/// <summary>What one <see cref="ModuleSession.Invoke"/> produced.</summary>
/// <param name="Output">The pipeline's output objects.</param>
/// <param name="Errors">Non-terminating ErrorRecords (the error stream).</param>
/// <param name="Terminating">The terminating error that ended the script, if any (a PipelineStoppedException after a stop).</param>
/// <param name="Progress">Every progress record, in order.</param>
/// <param name="Verbose">Verbose messages (the script must ask for them: -Verbose or $VerbosePreference).</param>
/// <param name="Warnings">Warning messages.</param>
/// <param name="HostLines">Lines written to the host (What if: ..., Write-Host).</param>
/// <param name="Prompts">Confirmation prompts shown (-Confirm, ConfirmImpact), caption and message.</param>
/// <param name="Stopped">Whether <see cref="ModuleSession.InvokeAndStop"/> stopped the pipeline.</param>
public sealed record SessionResult(
    IReadOnlyList<PSObject> Output,
    IReadOnlyList<ErrorRecord> Errors,
    Exception? Terminating,
    IReadOnlyList<ProgressRecord> Progress,
    IReadOnlyList<string> Verbose,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<string> HostLines,
    IReadOnlyList<string> Prompts,
    bool Stopped)
{
    /// <summary>The ErrorRecord of <see cref="Terminating"/>, when it carries one.</summary>
    public ErrorRecord? TerminatingRecord => (Terminating as IContainsErrorRecord)?.ErrorRecord;

    /// <summary>Fails with everything the script reported unless it ran without any error.</summary>
    public SessionResult AssertSucceeded()
    {
        Assert.True(Terminating is null && Errors.Count == 0,
            "The script failed: " + string.Join(" | ", Errors.Select(e => e.FullyQualifiedErrorId + ": " + e)) + (Terminating is null ? "" : " | terminating: " + Terminating.Message));
        return this;
    }
}
