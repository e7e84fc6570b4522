using System.Globalization;
using System.Text;
using BackupPs.Core.Catalog;
using BackupPs.Core.Commands;
using BackupPs.Core.Database;
using BackupPs.Core.Docker;
using BackupPs.Core.Errors;
using BackupPs.Core.Hosting;
using BackupPs.Core.Storage;

namespace BackupPs.Core.Restore;

/// <summary>A stored backup about to be restored: its file and manifest, checked for the cheap facts first.</summary>
internal sealed record StoredBackup(string Path, BackupManifest Manifest)
{
    /// <summary>
    /// The full path of an existing backup file, or a BackupFileNotFound error; a symbolic link, FIFO or device
    /// where a backup belongs is refused (StoreFileNotRegular) without being opened.
    /// </summary>
    public static string RequireFile(string path)
    {
        path = System.IO.Path.GetFullPath(path);
        if (StoreFile.Require(path, "The backup file") is null && !File.Exists(path))
        {
            throw new BackupPsException("BackupFileNotFound", FailureCategory.ObjectNotFound,
                $"No backup file at {path}; Get-Backup lists the backups that exist.")
            { Target = path };
        }

        return path;
    }

    /// <summary>
    /// The backup at <paramref name="path"/> with its validated manifest, refused before anything else
    /// happens when the manifest describes another file, the file is not the size it records, or anyone on
    /// the host could have planted it (<see cref="StoreTrust"/>, which warns about lesser doubts).
    /// </summary>
    public static StoredBackup Load(string path, IOperationHost host)
    {
        path = RequireFile(path);
        var manifestPath = BackupNames.ManifestPathFor(path);
        var manifest = ManifestStore.Read(manifestPath);
        var name = System.IO.Path.GetFileName(path);
        if (manifest.FileName != name)
        {
            throw new BackupPsException("BackupFileRenamed", FailureCategory.InvalidData,
                $"{path} is named {name}, but its manifest {manifestPath} describes {manifest.FileName}: the pair was renamed by hand or the manifest belongs to another backup, so it is not restored. Give both their recorded names back.")
            { Target = path };
        }

        new StoreTrust(host).Check(path, manifestPath, BackupNames.StoreRootOf(path, manifest), refuseUnsafe: true);
        var size = StoreFile.Require(path, "The backup file")?.Size ?? new FileInfo(path).Length;
        if (size != manifest.SizeBytes)
        {
            throw new BackupPsException("BackupFileDamaged", FailureCategory.InvalidData,
                $"{path} is {size} bytes but its manifest records {manifest.SizeBytes}: it is truncated or was replaced, so it is not restored. Test-Backup shows the details; restore another backup.")
            { Target = path };
        }

        return new StoredBackup(path, manifest);
    }
}

/// <summary>
/// The PostgreSQL server restored into, reached through its maintenance database, and the guards
/// that run against it before anything is created: version and environment.
/// </summary>
internal sealed class RestoreTarget
{
    /// <summary>A container label naming the environment a database container belongs to.</summary>
    public const string EnvironmentLabel = "backupps.environment";

    private RestoreTarget(DatabaseTarget server, string serverVersion)
    {
        Server = server;
        ServerVersion = serverVersion;
    }

    /// <summary>The login pointed at the maintenance database (postgres, else template1).</summary>
    public DatabaseTarget Server { get; }

    public string ServerVersion { get; }

    public DockerContainerDetails Container => Server.Container;

    /// <summary>
    /// Resolves the container and proves the login. The default is the backup's source, by name; when
    /// no container has that name any more (compose recreated the stack, and compose v1's knot_db_1
    /// is v2's knot-db-1), the container of the source's compose project and service is meant.
    /// </summary>
    public static async Task<RestoreTarget> ConnectAsync(DockerClient docker, string? container, BackupManifest manifest,
        DatabaseCredential? credential, IOperationHost host, CancellationToken cancellationToken)
    {
        var name = container ?? manifest.Container
            ?? throw new BackupPsException("TargetContainerUnknown", FailureCategory.InvalidArgument,
                "The backup's manifest does not name the container it came from; pass -Container.");
        DatabaseTarget target;
        try
        {
            target = await DatabaseTarget.ResolveAsync(docker, name, null, null, "postgres", credential, cancellationToken).ConfigureAwait(false);
        }
        catch (BackupPsException e) when (e.ErrorId == "ContainerNotFound" && container is null
            && manifest.ComposeProject is not null && manifest.ComposeService is not null)
        {
            target = await DatabaseTarget.ResolveAsync(docker, null, manifest.ComposeProject, manifest.ComposeService, "postgres", credential, cancellationToken)
                .ConfigureAwait(false);
            host.WriteVerbose($"The backup's container {name} no longer exists; using {target.Container.Name}, the container of its compose service {manifest.ComposeProject}/{manifest.ComposeService}.");
        }

        try
        {
            var (version, _) = await target.PreflightAsync(docker, cancellationToken).ConfigureAwait(false);
            return new RestoreTarget(target, version);
        }
        catch (BackupPsException e) when (e.ErrorId == "DatabaseNotFound")
        {
            // A server without the postgres database still has template1.
            target = target.WithDatabase("template1");
            var (version, _) = await target.PreflightAsync(docker, cancellationToken).ConfigureAwait(false);
            return new RestoreTarget(target, version);
        }
    }

    public async Task<bool> DatabaseExistsAsync(DockerClient docker, string database, CancellationToken cancellationToken) =>
        (await Server.QueryAsync(docker, $"SELECT count(*) FROM pg_database WHERE datname = {SqlText.Literal(database)}", cancellationToken)
            .ConfigureAwait(false)).Trim() == "1";

    /// <summary>
    /// Refuses a backup made by a newer major version than the target's pg_restore (custom) or server
    /// (plain) understands: pg_restore would stop at an unknown archive version, psql at unknown
    /// syntax, and only after the target database had been created.
    /// </summary>
    public async Task CheckVersionAsync(DockerClient docker, StoredBackup backup, CancellationToken cancellationToken)
    {
        var manifest = backup.Manifest;
        var dumpMajor = Major(manifest.PgDumpVersion);
        string program, version;
        if (manifest.Format == BackupFormat.Custom)
        {
            using var stdout = new MemoryStream();
            var result = await docker.ExecAsync(Container.Id, new ExecRequest { Cmd = ["pg_restore", "--version"] }, stdout, cancellationToken).ConfigureAwait(false);
            // "pg_restore (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)"
            var words = Encoding.UTF8.GetString(stdout.ToArray()).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            (program, version) = ("pg_restore", result.ExitCode == 0 && words.Length >= 3 ? words[2] : ServerVersion);
        }
        else
        {
            (program, version) = ("PostgreSQL", ServerVersion);
        }

        if (dumpMajor > Major(version))
        {
            throw new BackupPsException("BackupFromNewerPostgres", FailureCategory.InvalidOperation,
                $"{System.IO.Path.GetFileName(backup.Path)} was made by pg_dump {FirstWord(manifest.PgDumpVersion)} (archive {manifest.ArchiveVersion ?? "plain SQL"}), "
                + $"but {Container.Name} has {program} {version}, which cannot restore a dump of a newer major version. Restore into a PostgreSQL {dumpMajor.ToString(CultureInfo.InvariantCulture)} (or newer) container.")
            { Target = backup.Path };
        }
    }

    /// <summary>
    /// The target's environment: -TargetEnvironment, else the container's backupps.environment label,
    /// else the backup's own environment when the target is the container the backup came from.
    /// Anything else is refused: a guess is how prod and dev get mixed up.
    /// </summary>
    public string DetermineEnvironment(string? declared, BackupManifest manifest)
    {
        if (declared is not null)
        {
            return BackupNames.NormalizeEnvironment(declared);
        }

        if (Container.Config.Labels.TryGetValue(EnvironmentLabel, out var label))
        {
            return BackupNames.NormalizeEnvironment(label);
        }

        if (Container.Name == manifest.Container || Container.Id == manifest.ContainerId || IsSourceComposeService(manifest))
        {
            return manifest.Environment;
        }

        throw new BackupPsException("TargetEnvironmentUnknown", FailureCategory.InvalidArgument,
            $"Cannot tell which environment container {Container.Name} belongs to (the backup came from {manifest.Container}); pass -TargetEnvironment, or label the container {EnvironmentLabel}=<env>.")
        { Target = Container.Name };
    }

    /// <summary>True when the target is a container of the compose service the backup came from (the stack may have been recreated since).</summary>
    private bool IsSourceComposeService(BackupManifest manifest) =>
        manifest.ComposeProject is not null && manifest.ComposeService is not null
        && Server.ComposeProject is { } project && ComposeLabels.ProjectMatches(project, manifest.ComposeProject)
        && Server.ComposeService == manifest.ComposeService;

    /// <summary>Refuses a non-prod backup into a prod target unless allowed; warns about any other mix.</summary>
    public static void GuardEnvironment(string backupEnvironment, string targetEnvironment, bool allowCrossEnvironment, string targetDescription,
        IOperationHost host)
    {
        if (backupEnvironment == targetEnvironment)
        {
            return;
        }

        if (IsProduction(targetEnvironment) && !IsProduction(backupEnvironment) && !allowCrossEnvironment)
        {
            throw new BackupPsException("CrossEnvironmentRestore", FailureCategory.InvalidOperation,
                $"Refusing to restore a {backupEnvironment} backup into {targetDescription}, which is {targetEnvironment}. Check -Path and -Container; if this is really intended, add -AllowCrossEnvironment.")
            { Target = targetDescription };
        }

        host.WriteWarning($"Restoring a {backupEnvironment} backup into {targetDescription}, which is {targetEnvironment}.");
    }

    internal static bool IsProduction(string environment) =>
        environment is "prod" or "production" or "prd" or "live"
        || environment.StartsWith("prod-", StringComparison.Ordinal) || environment.StartsWith("prod_", StringComparison.Ordinal);

    /// <summary>The major version of "15.14 (Debian ...)" or "9.6.24": 15, 9.</summary>
    internal static int Major(string? version)
    {
        var digits = new string(FirstWord(version).TakeWhile(char.IsAsciiDigit).ToArray());
        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var major) ? major : 0;
    }

    private static string FirstWord(string? text) => text?.Split(' ', 2)[0] ?? "";
}
