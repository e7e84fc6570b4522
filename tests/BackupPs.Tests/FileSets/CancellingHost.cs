using BackupPs.Core.Errors;
using BackupPs.Core.Hosting;
using BackupPs.Tests.Infrastructure;

namespace BackupPs.Tests.FileSets;

/// <summary>A host that cancels the run the first time a progress record matches (Ctrl+C at a known point), recording the rest.</summary>
internal sealed class CancellingHost(CancellationTokenSource cancel, Func<OperationProgress, bool> when) : IOperationHost
{
    private readonly RecordingHost _recorded = new();

    public bool Cancelled { get; private set; }

    public RecordingHost Recorded => _recorded;

    public void WriteOutput(object record) => _recorded.WriteOutput(record);

    public void WriteError(BackupPsException error) => _recorded.WriteError(error);

    public void WriteVerbose(string message) => _recorded.WriteVerbose(message);

    public void WriteWarning(string message) => _recorded.WriteWarning(message);

    public void WriteProgress(OperationProgress progress)
    {
        _recorded.WriteProgress(progress);
        if (!Cancelled && when(progress))
        {
            Cancelled = true;
            cancel.Cancel();
        }
    }

    public bool ShouldProcess(string target, string action) => _recorded.ShouldProcess(target, action);
}
