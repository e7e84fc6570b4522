using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using BackupPs.Cli;
using BackupPs.Core.Commands;
using BackupPs.Core.Errors;
using BackupPs.Core.Leftovers;

// backupps <command> [options]: exit 0 on success, 1 when the operation failed, 2 for bad usage.
// Failures are one line on stderr; a stack trace is never shown (set BACKUPPS_DEBUG=1 to see one).
// Every signal that ends a run asks for the same clean stop as Ctrl+C: SIGTERM (systemd, docker stop,
// kill), SIGHUP (the SSH session or terminal went away) and SIGQUIT (Ctrl+\).
using var stopping = new CancellationTokenSource();
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Stop);
using var sigquit = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, Stop);
Console.SetOut(new LostTerminalWriter(Console.Out));
Console.SetError(new LostTerminalWriter(Console.Error));

if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
{
    Console.Out.Write(CliHelp.Write(null));
    return args.Length == 0 ? 2 : 0;
}

CommandLine line;
try
{
    line = CommandLine.Parse(args, Environment.GetEnvironmentVariable);
}
catch (UsageException e)
{
    Console.Error.WriteLine("backupps: " + CliTerms.Message(e.Message) + (e.ErrorId is null ? "" : $" [{e.ErrorId}]"));
    return 2;
}

if (line.Flags.Help)
{
    Console.Out.Write(CliHelp.Write(line.Command));
    return 0;
}

var host = new ConsoleHost(line.Flags, line.Command.Attribute.Impact, Console.Out, Console.Error);
using var run = OperationRun.Begin(stopping.Token);
try
{
    var handler = Activator.CreateInstance(line.Command.Attribute.HandlerType)!;
    var execute = typeof(ICommandHandler<>).MakeGenericType(line.Command.OptionsType).GetMethod(nameof(ICommandHandler<object>.ExecuteAsync))!;
    await InvokeHandler(execute, handler, [line.Options, host, stopping.Token]).ConfigureAwait(false);
    return host.ErrorCount == 0 ? 0 : 1;
}
catch (BackupPsException e)
{
    host.WriteError(e);
    return e.Category == FailureCategory.InvalidArgument ? 2 : 1;
}
catch (OperationCanceledException) when (stopping.IsCancellationRequested)
{
    // Only what is true: a cleanup that failed (or ran out of its time after the stop) said so in a warning.
    Console.Error.WriteLine(run.LeftBehind.Count == 0
        ? "backupps: Cancelled; what the run had created was removed."
        : $"backupps: Cancelled; could not remove {string.Join("; ", run.LeftBehind)} (see the warnings above); the next run removes it.");
    return 1;
}
catch (Exception e) when (Environment.GetEnvironmentVariable("BACKUPPS_DEBUG") != "1")
{
    host.WriteError(BackupPsException.ForBug(e, "BACKUPPS_DEBUG=1 shows the stack trace"));
    return 1;
}

static Task InvokeHandler(MethodInfo execute, object handler, object[] arguments)
{
    try
    {
        return (Task)execute.Invoke(handler, arguments)!;
    }
    catch (TargetInvocationException e) when (e.InnerException is not null)
    {
        // A handler that fails before its first await throws synchronously; surface the real error.
        ExceptionDispatchInfo.Throw(e.InnerException);
        throw;
    }
}

void Stop(PosixSignalContext context)
{
    // The first signal cancels cleanly (partial files are removed on the way out); a second one
    // while that is under way gets the default handling and ends the process at once.
    context.Cancel = !stopping.IsCancellationRequested;
    stopping.Cancel();
}
