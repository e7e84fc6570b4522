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
}
