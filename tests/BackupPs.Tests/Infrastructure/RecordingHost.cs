using System.Collections.Concurrent;
using BackupPs.Core.Errors;
using BackupPs.Core.Hosting;

namespace BackupPs.Tests.Infrastructure;

/// <summary>An <see cref="IOperationHost"/> that records everything, for handlers run in-process.</summary>
public sealed class RecordingHost(bool answer = true) : IOperationHost
{
    public ConcurrentQueue<object> Output { get; } = new();

    public ConcurrentQueue<BackupPsException> Errors { get; } = new();

    public ConcurrentQueue<string> Warnings { get; } = new();

    public ConcurrentQueue<string> Verbose { get; } = new();

    public ConcurrentQueue<OperationProgress> Progress { get; } = new();

    public ConcurrentQueue<(string Target, string Action)> Confirmations { get; } = new();

    public void WriteOutput(object record) => Output.Enqueue(record);

    public void WriteError(BackupPsException error) => Errors.Enqueue(error);

    public void WriteVerbose(string message) => Verbose.Enqueue(message);

    public void WriteWarning(string message) => Warnings.Enqueue(message);

    public void WriteProgress(OperationProgress progress) => Progress.Enqueue(progress);

    public bool ShouldProcess(string target, string action)
    {
        Confirmations.Enqueue((target, action));
        return answer;
    }
}
