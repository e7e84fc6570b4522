using BackupPs.Core.Errors;

namespace BackupPs.Core.Hosting;

/// <summary>
/// What the core may ask of whoever runs it (a cmdlet or the CLI). Implementations must be
/// thread-safe: the core calls them from worker threads; the cmdlet marshals to the pipeline thread.
/// </summary>
public interface IOperationHost
{
    void WriteOutput(object record);

    /// <summary>A non-terminating failure of one item; the command goes on with the next.</summary>
    void WriteError(BackupPsException error);

    void WriteVerbose(string message);

    void WriteWarning(string message);

    void WriteProgress(OperationProgress progress);

    /// <summary>Asks before a state change (pwsh: -WhatIf/-Confirm). False means skip it.</summary>
    bool ShouldProcess(string target, string action);
}

/// <param name="Activity">What is being done ("Backing up app from knot-db").</param>
/// <param name="Status">Where it is ("412 MB read, table public.loans").</param>
/// <param name="PercentComplete">0-100, or -1 when unknown.</param>
/// <param name="Completed">True once, when the activity ends (on every exit path).</param>
/// <param name="ParentActivityId">The activity this one is a phase of, or -1 for a top-level activity.</param>
public sealed record OperationProgress(int ActivityId, string Activity, string Status, int PercentComplete = -1, bool Completed = false,
    int ParentActivityId = -1);
