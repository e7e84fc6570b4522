using BackupPs.Core.Errors;

namespace BackupPs.Tests.Errors;

/// <summary>
/// Which errors stop a whole cmdlet invocation (<see cref="InvocationErrors"/>) and what an unexpected exception
/// becomes (<see cref="BackupPsException.ForBug"/>).
/// </summary>
public sealed class ErrorScopeTests
{
    /// <summary>Errors about one backup, record, container or file: the next pipeline item still runs.</summary>
    [Theory]
    [InlineData("TargetEnvironmentUnknown")]
    [InlineData("NotAPostgresContainer")]
    [InlineData("EnvironmentMismatch")]
    [InlineData("CrossEnvironmentDrill")]
    [InlineData("InvalidEnvironmentName")] // -Environment is bound from piped records, and a label's value is one container's
    [InlineData("InvalidName")]
    [InlineData("ManifestInvalid")]
    [InlineData("BackupFileNotFound")]
    [InlineData("InvalidBackupPath")]
    [InlineData("DestinationIsFile")]
    [InlineData("ContainerNotFound")]
    [InlineData("BackupClaimedTwice")]
    public void AnErrorAboutOneItemIsNotTerminating(string errorId) =>
        Assert.False(new BackupPsException(errorId, FailureCategory.InvalidArgument, "x.").ConcernsWholeInvocation);

    /// <summary>Errors no pipeline item can change: parameter combinations, and a Docker daemon that cannot be reached.</summary>
    [Theory]
    [InlineData("ExpectedWithoutQuery")]
    [InlineData("InvalidCompressionLevel")]
    [InlineData("DockerSocketNotFound")]
    [InlineData("DockerPermissionDenied")]
    [InlineData("DockerApiVersionUnsupported")]
    public void AnErrorThatMakesTheInvocationPointlessIsTerminating(string errorId) =>
        Assert.True(new BackupPsException(errorId, FailureCategory.InvalidArgument, "x.").ConcernsWholeInvocation);

    [Fact]
    public void AnUnexpectedExceptionSaysItIsABugAndWhereItArose()
    {
        Exception thrown;
        try
        {
            Raise();
            return;
        }
        catch (ArgumentException e)
        {
            thrown = e;
        }

        var error = BackupPsException.ForBug(thrown, "BACKUPPS_DEBUG=1 shows the stack trace");

        Assert.Equal(BackupPsException.UnexpectedErrorId, error.ErrorId);
        Assert.Same(thrown, error.InnerException);
        Assert.Contains("unexpected ArgumentException in ErrorScopeTests.Raise (The value is odd)", error.Message, StringComparison.Ordinal);
        Assert.Contains("this is a bug in BackupPs", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("(BACKUPPS_DEBUG=1 shows the stack trace).", error.Message, StringComparison.Ordinal);
        Assert.False(error.ConcernsWholeInvocation);
    }

    private static void Raise() => throw new ArgumentException("The value is odd.");
}
