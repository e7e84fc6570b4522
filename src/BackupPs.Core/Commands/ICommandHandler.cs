using BackupPs.Core.Hosting;

namespace BackupPs.Core.Commands;

/// <summary>
/// Runs one invocation of a command (one ProcessRecord in pwsh, one CLI run). Output, progress,
/// messages and confirmations go through <paramref name="host"/>; an operator-actionable failure is
/// a thrown <see cref="Errors.BackupPsException"/>.
/// </summary>
public interface ICommandHandler<in TOptions>
{
    Task ExecuteAsync(TOptions options, IOperationHost host, CancellationToken cancellationToken);
}
