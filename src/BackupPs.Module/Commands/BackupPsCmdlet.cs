using System.Collections.Concurrent;
using System.Management.Automation;
using BackupPs.Core.Commands;
using BackupPs.Core.Errors;
using BackupPs.Core.Hosting;
using BackupPs.Core.Leftovers;
using BackupPs.Output;

namespace BackupPs.Commands;

/// <summary>
/// Base of every BackupPs cmdlet. The core runs on a worker thread; everything it reports is queued
/// and replayed here on the pipeline thread, the only thread allowed to call Write*/ShouldProcess.
/// Ctrl+C (StopProcessing) cancels the core's token, and the core removes its partial files.
/// </summary>
public abstract class BackupPsCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();

    protected override void StopProcessing() => _stopping.Cancel();

    public void Dispose()
    {
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Resolves a path parameter against the current PowerShell location (not the process directory).</summary>
    protected string? ResolvePath(string? path) =>
        path is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);

    protected void Run<TOptions>(ICommandHandler<TOptions> handler, TOptions options)
    {
        using var host = new PipelineHost(_stopping.Token);
        var work = Task.Run(async () =>
        {
            // What this invocation creates is held only while it runs: the session outlives it, and a later
            // run in this session removes at once what its cleanup could not.
            using var run = OperationRun.Begin(_stopping.Token);
            try
            {
                await handler.ExecuteAsync(options, host, _stopping.Token).ConfigureAwait(false);
            }
            finally
            {
                host.Complete();
            }
        });

        try
        {
            foreach (var message in host.Messages)
            {
                message(this);
            }
        }
        catch
        {
            // The pipeline was stopped downstream (Select-Object -First, Ctrl+C) or a Write* threw:
            // stop the core and let it remove what it had started before we unwind.
            _stopping.Cancel();
            work.ContinueWith(static _ => { }, TaskScheduler.Default).Wait();
            throw;
        }

        try
        {
            work.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (BackupPsException error) when (error.ConcernsWholeInvocation)
        {
            // No later pipeline item could succeed either (a switch combination, no Docker daemon).
            ThrowTerminatingError(ToErrorRecord(error));
        }
        catch (BackupPsException error)
        {
            // About this item only: the next one still runs, and -ErrorAction decides what the caller sees.
            WriteError(ToErrorRecord(error));
        }
        catch (Exception bug) when (bug is not PipelineStoppedException)
        {
            // No input should get here (a cancellation that is not our stop included): say it is a bug instead of
            // surfacing a bare .NET exception, and stop, since what state the bug left is unknown.
            ThrowTerminatingError(ToErrorRecord(BackupPsException.ForBug(bug, "$Error[0].Exception.InnerException.StackTrace has the stack trace")));
        }
    }

    internal static ErrorRecord ToErrorRecord(BackupPsException error) =>
        new(error, error.ErrorId, Enum.Parse<ErrorCategory>(error.Category.ToString()), error.Target);

    /// <summary>Queues the core's callbacks as actions to replay on the pipeline thread.</summary>
    private sealed class PipelineHost(CancellationToken stopping) : IOperationHost, IDisposable
    {
        private readonly BlockingCollection<Action<BackupPsCmdlet>> _queue = new();

        public IEnumerable<Action<BackupPsCmdlet>> Messages => _queue.GetConsumingEnumerable();

        public void Complete() => _queue.CompleteAdding();

        public void Dispose() => _queue.Dispose();

        // Written with the stable PSTypeNames (BackupPs.BackupRecord ...) the views and scripts key on.
        public void WriteOutput(object record) => _queue.Add(c => c.WriteObject(OutputTypeNames.Decorate(record)));

        public void WriteError(BackupPsException error) => _queue.Add(c => c.WriteError(ToErrorRecord(error)));

        public void WriteVerbose(string message) => _queue.Add(c => c.WriteVerbose(message));

        public void WriteWarning(string message) => _queue.Add(c => c.WriteWarning(message));

        public void WriteProgress(OperationProgress progress) => _queue.Add(c => c.WriteProgress(
            new ProgressRecord(progress.ActivityId, progress.Activity, progress.Status)
            {
                PercentComplete = progress.PercentComplete,
                ParentActivityId = progress.ParentActivityId,
                RecordType = progress.Completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
            }));

        public bool ShouldProcess(string target, string action)
        {
            // The worker blocks until the pipeline thread has asked the user (-WhatIf/-Confirm).
            var answer = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            _queue.Add(c => answer.SetResult(c.ShouldProcess(target, action)));
            answer.Task.Wait(stopping);
            return answer.Task.Result;
        }
    }
}
