using BackupPs.Core.Catalog;
using BackupPs.Core.Database;
using BackupPs.Core.Errors;
using BackupPs.Core.Restore;
using BackupPs.Tests.Infrastructure;
using Xunit;

namespace BackupPs.Tests.Restore;

/// <summary>
/// Which environment a container is, decided on the facts alone: the declared environment, the
/// container's labels, and whether it is the backup's source by id (never by name or compose service).
/// </summary>
public sealed class EnvironmentGuardLogicTests
{
    private const string SourceId = "5f0c4e2a9b7d1c3e5f0c4e2a9b7d1c3e5f0c4e2a9b7d1c3e5f0c4e2a9b7d1c3e";
    private const string OtherId = "0a1b2c3d4e5f0a1b2c3d4e5f0a1b2c3d4e5f0a1b2c3d4e5f0a1b2c3d4e5f0a1b";
    private const string SourceName = "knot-db-1";
    private const string Compose = "com.docker.compose.project=knot;com.docker.compose.service=db";

    /// <summary>A dev backup of container knot-db-1 (compose knot/db).</summary>
    private static BackupManifest Backup(string environment = "dev") => new()
    {
        Environment = environment,
        Database = "app",
        FileName = "app-dev-20261121T020000Z.dump.zst",
        Sha256 = "00",
        Container = SourceName,
        ContainerId = SourceId,
        ComposeProject = "knot",
        ComposeService = "db",
        Tables = [],
    };

    /// <summary>"key=value;key=value" (a value may be empty or hold spaces; "" is no labels).</summary>
    private static Dictionary<string, string> Labels(string labels) =>
        labels.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]);

    [Theory]
    // The label decides; a declared environment must agree with it (in any case).
    [InlineData(null, "backupps.environment=prod", OtherId, "other", "prod")]
    [InlineData("prod", "backupps.environment=prod", OtherId, "other", "prod")]
    [InlineData("PROD", "backupps.environment=Prod", OtherId, "other", "prod")]
    [InlineData(null, "backupps.environment=Production", OtherId, "other", "production")]
    [InlineData("dev", "backupps.environment=prod", OtherId, "other", "EnvironmentMismatch")]
    [InlineData("dev", "backupps.environment=prod", SourceId, SourceName, "EnvironmentMismatch")]
    [InlineData("dev", "Backupps.Environment=prod", OtherId, "other", "EnvironmentMismatch")]
    // A label that is not an environment name is refused, never read as something else.
    [InlineData(null, "backupps.environment=../x", OtherId, "other", "EnvironmentLabelInvalid")]
    [InlineData("prod", "backupps.environment=PROD ", OtherId, "other", "EnvironmentLabelInvalid")]
    [InlineData("dev", "backupps.environment=", SourceId, SourceName, "EnvironmentLabelInvalid")]
    [InlineData(null, "backupps.environment=prod;BACKUPPS.ENVIRONMENT=dev", OtherId, "other", "EnvironmentLabelInvalid")]
    // Unlabelled: the source by id is in the backup's environment, and a declared one must agree.
    [InlineData(null, "", SourceId, SourceName, "dev")]
    [InlineData(null, "", SourceId, "renamed", "dev")]
    [InlineData("DEV", "", SourceId, SourceName, "dev")]
    [InlineData("prod", "", SourceId, SourceName, "EnvironmentMismatch")]
    // Unlabelled and not the source by id: the same name or compose service is not enough.
    [InlineData(null, "", OtherId, SourceName, "TargetEnvironmentUnknown")]
    [InlineData(null, Compose, OtherId, "knot_db_1", "TargetEnvironmentUnknown")]
    [InlineData(null, "", OtherId, "other", "TargetEnvironmentUnknown")]
    [InlineData("staging", "", OtherId, SourceName, "staging")]
    [InlineData("../x", "", OtherId, "other", "InvalidEnvironmentName")]
    public void TheTargetEnvironmentComesFromTheLabelTheSourceByIdOrTheDeclaration(string? declared, string labels, string id, string name, string expected)
    {
        string Decide() => RestoreTarget.DecideEnvironment(declared, id, name, Labels(labels), Backup());
        if (expected.Contains("Environment", StringComparison.Ordinal))
        {
            var refused = Assert.Throws<BackupPsException>(Decide);
            Assert.Equal(expected, refused.ErrorId);
            Assert.Equal(FailureCategory.InvalidArgument, refused.Category);
            Assert.DoesNotContain('\n', refused.Message);
        }
        else
        {
            Assert.Equal(expected, Decide());
        }
    }

    [Fact]
    public void TheRefusalsSayWhatTheLabelSaysAndWhatToDo()
    {
        var mismatch = Assert.Throws<BackupPsException>(() =>
            RestoreTarget.DecideEnvironment("dev", OtherId, "shop-db", Labels("backupps.environment=prod"), Backup()));
        Assert.Contains("labelled backupps.environment=prod, but -TargetEnvironment says dev", mismatch.Message);
        Assert.Contains("Leave out -TargetEnvironment", mismatch.Message);
        Assert.Contains("fix it on the container", mismatch.Message);

        var sameName = Assert.Throws<BackupPsException>(() => RestoreTarget.DecideEnvironment(null, OtherId, SourceName, Labels(""), Backup()));
        Assert.Contains($"id {SourceId[..12]}; this is id {OtherId[..12]}; the same name is not enough", sameName.Message);
        Assert.Contains("label the container backupps.environment=<env>", sameName.Message);
        Assert.Contains("recreated", sameName.Message);

        var sameService = Assert.Throws<BackupPsException>(() => RestoreTarget.DecideEnvironment(null, OtherId, "knot_db_1", Labels(Compose), Backup()));
        Assert.Contains("the same compose service is not enough", sameService.Message);

        var invalid = Assert.Throws<BackupPsException>(() =>
            RestoreTarget.DecideEnvironment(null, OtherId, "shop-db", Labels("backupps.environment=prod\nx"), Backup()));
        Assert.Contains("backupps.environment=\"prod\\nx\"", invalid.Message);
        Assert.DoesNotContain('\n', invalid.Message);
    }

    [Theory]
    [InlineData("dev", "", "dev")]
    [InlineData("Dev", "backupps.environment=dev", "dev")]
    [InlineData("prod", "backupps.environment=PROD", "prod")]
    [InlineData("dev", "backupps.environment=prod", "EnvironmentMismatch")]
    [InlineData("dev", "backupps.environment=../x", "EnvironmentLabelInvalid")]
    public void ABackupIsFiledUnderTheContainersLabelNeverAgainstIt(string declared, string labels, string expected)
    {
        string Check() => ContainerEnvironment.RequireDeclaredMatchesLabel(declared, "-Environment", "shop-db", Labels(labels));
        if (expected.Contains("Environment", StringComparison.Ordinal))
        {
            Assert.Equal(expected, Assert.Throws<BackupPsException>(Check).ErrorId);
        }
        else
        {
            Assert.Equal(expected, Check());
        }
    }

    [Theory]
    // The backup's own environment, by label or as its source by id: no warning.
    [InlineData("dev", "backupps.environment=Dev", OtherId, false, null)]
    [InlineData("dev", "", SourceId, false, null)]
    // Another environment's server never gets a drill's copy, named or not.
    [InlineData("dev", "backupps.environment=prod", OtherId, true, "CrossEnvironmentDrill")]
    [InlineData("prod", "backupps.environment=dev", OtherId, false, "CrossEnvironmentDrill")]
    [InlineData("prod", "backupps.environment=dev", SourceId, false, "CrossEnvironmentDrill")]
    [InlineData("dev", "backupps.environment=../x", SourceId, false, "EnvironmentLabelInvalid")]
    // Unknown: only where the operator named it, with a warning; never by the source's name alone.
    [InlineData("dev", "", OtherId, false, "TargetEnvironmentUnknown")]
    [InlineData("dev", "", OtherId, true, "warning")]
    public void ADrillStaysInTheBackupsEnvironment(string backup, string labels, string id, bool named, string? expected)
    {
        var host = new RecordingHost();
        void Guard() => RestoreTarget.GuardDrill(id, SourceName, Labels(labels), Backup(backup), named, host);
        if (expected is null or "warning")
        {
            Guard();
            Assert.Equal(expected is null ? 0 : 1, host.Warnings.Count);
        }
        else
        {
            var refused = Assert.Throws<BackupPsException>(Guard);
            Assert.Equal(expected, refused.ErrorId);
            Assert.Equal(FailureCategory.InvalidArgument, refused.Category);
        }
    }

    [Theory]
    [InlineData("prod", true)]
    [InlineData("Production", true)]
    [InlineData("PRD", true)]
    [InlineData("live", true)]
    [InlineData("prod-eu", true)]
    [InlineData("production-eu", true)]
    [InlineData("eu_prod", true)]
    [InlineData("live-b", true)]
    [InlineData("prod2", true)]
    [InlineData("product", false)]
    [InlineData("prodigy", false)]
    [InlineData("dev", false)]
    [InlineData("staging", false)]
    [InlineData("preprod", false)]
    public void ProductionIsRecognisedInAnyCaseAndAsAPartOfTheName(string environment, bool production) =>
        Assert.Equal(production, RestoreTarget.IsProduction(environment));

    [Fact]
    public void TheBackupsEnvironmentIsComparedAsTypedEnvironmentsAre()
    {
        var host = new RecordingHost();
        RestoreTarget.GuardEnvironment("Prod", "prod", false, "database app in container db", host);
        Assert.Empty(host.Warnings);
        Assert.Equal("CrossEnvironmentRestore",
            Assert.Throws<BackupPsException>(() => RestoreTarget.GuardEnvironment("dev", "production-eu", false, "database app in container db", host)).ErrorId);
    }
}
