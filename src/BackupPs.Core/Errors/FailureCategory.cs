namespace BackupPs.Core.Errors;

/// <summary>
/// The subset of PowerShell's ErrorCategory that BackupPs uses. Member names match
/// System.Management.Automation.ErrorCategory exactly so the cmdlet layer maps by name.
/// </summary>
public enum FailureCategory
{
    NotSpecified,
    InvalidArgument,
    ObjectNotFound,
    ResourceUnavailable,
    ConnectionError,
    PermissionDenied,
    InvalidData,
    InvalidOperation,
    WriteError,
    ReadError,
    OperationStopped,
    ResourceExists,
    ResourceBusy,
    ProtocolError,
}
