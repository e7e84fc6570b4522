using BackupPs.Tests.Infrastructure;
using Xunit;
using static BackupPs.Tests.EndToEnd.BackupTestHelpers;
using static BackupPs.Tests.EndToEnd.RestoreTestSupport;

namespace BackupPs.Tests.EndToEnd;

/// <summary>
/// Input no container or file has: one line naming what was asked for, with a stable ErrorId, never
/// "unexpected ArgumentException (this is a bug)" (the CLI's form of a bare .NET exception).
/// </summary>
[Collection(SharedPostgres.Name)]
public sealed class HostileInputTests(SharedPostgresServer pg)
{
    /// <summary>An empty value never reaches the core: binding refuses it, as pwsh's ValidateNotNullOrEmpty does.</summary>
    [Fact]
    public void AnEmptyContainerNameIsRefusedAtBinding()
    {
        var result = BackupPsCli.Run("backup-database", "--container", "", "--environment", "dev", "--path", NewRoot());
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("[ParameterArgumentValidationError]", result.Stderr);
        Assert.DoesNotContain("this is a bug", result.Stderr);
    }

    [Theory]
    [InlineData(" ")]
    [InlineData("\t")]
    public void ABlankContainerNameIsNotFoundAndTheRealOnesAreListed(string container)
    {
        var backup = Fails("ContainerNotFound", BackupPsCli.Run("backup-database", "--container", container, "--environment", "dev", "--path", NewRoot()));
        Assert.Contains(pg.Name, backup.Stderr);
        Assert.DoesNotContain("this is a bug", backup.Stderr);

        var path = BackupOf(pg, PostgresContainer.DatabaseName);
        var restore = Fails("ContainerNotFound", RunRestore(path, "--container", container, "--database", "app_blank"));
        Assert.DoesNotContain("this is a bug", restore.Stderr);
        NoScratchDatabases(pg);
    }
}
