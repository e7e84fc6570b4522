using System.Diagnostics;

namespace BackupPs.Core.Errors;

/// <summary>
/// The one exception type the core throws for anything an operator can act on.
/// <see cref="ErrorId"/> is stable (scripts match on it) and <see cref="Category"/> is mapped
/// one-to-one onto PowerShell's ErrorCategory by the cmdlets and onto exit codes by the CLI.
/// The message is a complete, single-line sentence: what was wrong and what to do. It must never
/// contain a secret.
/// </summary>
public sealed class BackupPsException : Exception
{
    /// <summary>The ErrorId of <see cref="ForBug"/>: an exception BackupPs did not expect, which is a bug.</summary>
    public const string UnexpectedErrorId = "UnexpectedError";

    public BackupPsException(string errorId, FailureCategory category, string message, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Category = category;
    }

    public string ErrorId { get; }

    public FailureCategory Category { get; }

    /// <summary>The object the error is about (container name, path, ...), for ErrorRecord.TargetObject.</summary>
    public object? Target { get; init; }

    /// <summary>
    /// True when the error makes the whole invocation pointless (a cmdlet throws it as terminating); false when it is
    /// about one pipeline item (written as a non-terminating error, so the next item still runs). See <see cref="InvocationErrors"/>.
    /// </summary>
    public bool ConcernsWholeInvocation => InvocationErrors.Contains(ErrorId);

    /// <summary>
    /// An exception that no input should cause (a bug in BackupPs), as an error that says so, where it arose, and how to
    /// see the stack trace (<paramref name="stackTraceHint"/>), instead of a bare .NET exception. The exception's own
    /// message is shown, as the CLI always showed it: BackupPs never puts a secret into an exception's message.
    /// </summary>
    public static BackupPsException ForBug(Exception bug, string stackTraceHint)
    {
        var version = typeof(BackupPsException).Assembly.GetName().Version?.ToString(3);
        return new BackupPsException(UnexpectedErrorId, FailureCategory.NotSpecified,
            $"BackupPs failed with an unexpected {bug.GetType().Name} in {WhereRaised(bug)} ({bug.Message.TrimEnd('.')}); "
            + $"this is a bug in BackupPs {version}, not a problem with your input or system: please report it with this message ({stackTraceHint}).", bug);
    }

    /// <summary>The innermost BackupPs method on the exception's stack (Class.Method), else the method that threw.</summary>
    private static string WhereRaised(Exception bug)
    {
        foreach (var method in new StackTrace(bug).GetFrames().Select(f => f.GetMethod()))
        {
            // Async and lambda code runs in compiler-generated types (<ExecuteAsync>d__3) nested in the real one.
            var type = method?.DeclaringType;
            var name = method?.Name;
            if (type is { Name: ['<', ..] } && type.DeclaringType is not null)
            {
                name = type.Name[1..type.Name.IndexOf('>', StringComparison.Ordinal)];
                type = type.DeclaringType;
            }

            if (type?.Namespace?.StartsWith("BackupPs", StringComparison.Ordinal) == true)
            {
                return $"{type.Name}.{name}";
            }
        }

        return bug.TargetSite is { } site ? $"{site.DeclaringType?.Name}.{site.Name}" : "an unknown place";
    }
}
