using BackupPs.Core.Compression;
using BackupPs.Core.Docker;

namespace BackupPs.Core.Errors;

/// <summary>
/// PowerShell's rule for which errors stop a command, decided once per ErrorId. An error about one pipeline item
/// (this backup, this record's container or environment, this file) is non-terminating: the cmdlet writes it and goes
/// on with the next item, and -ErrorAction decides what the caller sees. Only an error that makes the whole invocation
/// pointless is terminating: a combination of parameters no pipeline item can change, or a Docker daemon or library
/// that every item needs and that is not there.
/// </summary>
/// <remarks>
/// The list holds only ids whose every throw site is about the invocation. An id thrown both for a parameter and for
/// a value read from a record or a container (InvalidName, InvalidEnvironmentName, EnvironmentMismatch,
/// DestinationIsFile, ...) stays per item: -Environment, -Container and -Database are bound from piped records, and
/// a manifest's or label's value is one item's. The CLI's exit codes do not depend on this (they follow the category).
/// </remarks>
public static class InvocationErrors
{
    private static readonly HashSet<string> Ids = new(StringComparer.Ordinal)
    {
        // Parameters that are wrong together, whatever the item: the same for every item.
        Verification.TestBackupHandler.ExpectedWithoutQueryErrorId,
        CompressionErrorIds.InvalidLevel,

        // Nothing any item needs can be reached.
        CompressionErrorIds.ZstdLibraryMissing,
        DockerErrorIds.DockerHostInvalid,
        DockerErrorIds.DockerSocketNotFound,
        DockerErrorIds.DockerPermissionDenied,
        DockerErrorIds.DockerConnectionRefused,
        DockerErrorIds.DockerHostUnreachable,
        DockerErrorIds.DockerApiVersionUnsupported,
    };

    /// <summary>True when an error with this id makes the whole invocation pointless, so a cmdlet throws it as terminating.</summary>
    public static bool Contains(string errorId) => Ids.Contains(errorId);
}
