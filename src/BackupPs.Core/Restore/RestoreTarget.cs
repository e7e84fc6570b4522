using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
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
        path = UserPaths.FullBackupPath(path);
        if (StoreFile.Require(path, "The backup file") is null && !File.Exists(path))
        {
            throw new BackupPsException("BackupFileNotFound", FailureCategory.ObjectNotFound,
                $"No backup file at {path}; Get-Backup lists the backups that exist.")
            { Target = path };
        }

        return path;
    }

    /// <summary>
    /// The one backup file that -Path names (files, manifests, folders: <see cref="BackupPaths.Files"/>), for a command that
    /// restores one. A folder (or a wildcard) holding several is refused (AmbiguousBackup) rather than guessed: the newest
    /// is not necessarily the one meant, and a restore replaces what is there.
    /// </summary>
    /// <param name="kind">What the command restores: names the command and the Get-Backup filter in the message.</param>
    public static string One(IReadOnlyList<string> paths, BackupKind kind, IOperationHost host)
    {
        var files = paths.SelectMany(p => BackupPaths.Files(p, host)).Distinct().ToArray();
        if (files.Length == 1)
        {
            return files[0];
        }

        var given = string.Join(", ", paths);
        var filter = kind == BackupKind.Database ? "-Database <db>" : $"-Kind {kind}";
        throw new BackupPsException("AmbiguousBackup", FailureCategory.InvalidArgument,
            $"-Path {given} names {files.Length} backups ({string.Join(", ", files.Take(3).Select(System.IO.Path.GetFileName))}{(files.Length > 3 ? ", ..." : "")}), and {kind.RestoreCommand()} restores one. "
            + $"Pick it: pass its file, or pipe one record, e.g. Get-Backup -Path <store> -Environment <env> {filter} -Latest | {kind.RestoreCommand()}.")
        { Target = given };
    }

    /// <summary>
    /// This backup, when it is of <paramref name="kind"/>; else WrongBackupKind, naming the command that restores it
    /// (a volume's backup piped into Restore-Database, say).
    /// </summary>
    /// <param name="command">The command that was given it ("Restore-Database"), for the message.</param>
    public StoredBackup RequireKind(BackupKind kind, string command) =>
        Manifest.Kind == kind
            ? this
            : throw new BackupPsException("WrongBackupKind", FailureCategory.InvalidArgument,
                $"{Path} is a {Manifest.Kind} backup of {Manifest.CatalogName}, and {command} restores {kind} backups only; restore it with {Manifest.Kind.RestoreCommand()}.")
            { Target = Path };

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
internal sealed partial class RestoreTarget
{
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
    /// is v2's knot-db-1), the container of the source's compose project and service is meant. Either way
    /// the container found is only where to restore: whether it is the source, and so in the backup's
    /// environment, is decided by its id (<see cref="DetermineEnvironment"/>).
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
            target = await DatabaseTarget.ResolveAsync(docker, name, null, null, DatabaseTarget.MaintenanceDatabases[0], credential, cancellationToken).ConfigureAwait(false);
        }
        catch (BackupPsException e) when (e.ErrorId == "ContainerNotFound" && container is null
            && manifest.ComposeProject is not null && manifest.ComposeService is not null)
        {
            target = await DatabaseTarget.ResolveAsync(docker, null, manifest.ComposeProject, manifest.ComposeService, DatabaseTarget.MaintenanceDatabases[0], credential, cancellationToken)
                .ConfigureAwait(false);
            host.WriteVerbose($"The backup's container {name} no longer exists; using {target.Container.Name}, the container of its compose service {manifest.ComposeProject}/{manifest.ComposeService}.");
        }

        // The first maintenance database that exists: without postgres, template1 (see the README about what that means).
        for (var i = 0; ; i++)
        {
            try
            {
                target = target.WithDatabase(DatabaseTarget.MaintenanceDatabases[i]);
                var (version, _) = await target.PreflightAsync(docker, cancellationToken).ConfigureAwait(false);
                return new RestoreTarget(target, version);
            }
            catch (BackupPsException e) when (e.ErrorId == "DatabaseNotFound" && i + 1 < DatabaseTarget.MaintenanceDatabases.Count)
            {
                host.WriteVerbose($"{e.Message} Trying {DatabaseTarget.MaintenanceDatabases[i + 1]} as the maintenance database.");
            }
        }
    }

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
                $"The backup {System.IO.Path.GetFileName(backup.Path)} was made by pg_dump {FirstWord(manifest.PgDumpVersion)} (archive {manifest.ArchiveVersion ?? "plain SQL"}), "
                + $"but {Container.Name} has {program} {version}, which cannot restore a dump of a newer major version. Restore into a PostgreSQL {dumpMajor.ToString(CultureInfo.InvariantCulture)} (or newer) container.")
            { Target = backup.Path };
        }
    }

    /// <summary>
    /// The target's environment: the container's backupps.environment label (a -TargetEnvironment that
    /// contradicts it is refused), else the backup's own environment when the target is the very
    /// container the backup was taken from (by id), else -TargetEnvironment. Anything else is refused:
    /// a guess is how prod and dev get mixed up.
    /// </summary>
    public string DetermineEnvironment(string? declared, BackupManifest manifest) =>
        DecideEnvironment(declared, Container.Id, Container.Name, Container.Config.Labels, manifest);

    /// <summary><see cref="DetermineEnvironment"/> on the facts alone: the target container's id, name and labels.</summary>
    internal static string DecideEnvironment(string? declared, string containerId, string containerName, IReadOnlyDictionary<string, string> labels,
        BackupManifest manifest)
    {
        const string option = "-TargetEnvironment";
        var typed = declared is null ? null : BackupNames.NormalizeEnvironment(declared);
        if (ContainerEnvironment.FromLabel(containerName, labels) is { } label)
        {
            return typed is null || typed == label ? label : throw ContainerEnvironment.Mismatch(containerName, option, typed, label);
        }

        if (IsSource(containerId, manifest))
        {
            var source = BackupNames.NormalizeEnvironment(manifest.Environment);
            if (typed is not null && typed != source)
            {
                throw new BackupPsException("EnvironmentMismatch", FailureCategory.InvalidArgument,
                    $"Container {containerName} has no {ContainerEnvironment.Label} label and is the very container this {source} backup was taken from, but {option} says {typed}. "
                    + $"Leave out {option}, or settle the container's environment with a label {ContainerEnvironment.Label}=<env> on it (docker run --label, or labels: in compose).")
                { Target = containerName };
            }

            return source;
        }

        return typed ?? throw new BackupPsException("TargetEnvironmentUnknown", FailureCategory.InvalidArgument,
            $"Cannot tell which environment container {containerName} belongs to: it has no {ContainerEnvironment.Label} label, and it is not the container the backup was taken from "
            + $"({NotTheSource(containerId, containerName, labels, manifest)}). Pass -TargetEnvironment <env>, or label the container {ContainerEnvironment.Label}=<env>; "
            + "in compose, a label under the service's labels: also keeps its environment when the stack is recreated.")
        { Target = containerName };
    }

    /// <summary>
    /// Test-Backup -Restore in place: a drill copies the backup's data into the target server, so it belongs in a
    /// server of the backup's own environment. A container labelled with another environment is refused; one of
    /// unknown environment only when the operator named it with -Container (with a warning), never when it was
    /// found by the source's name or compose service alone.
    /// </summary>
    public void GuardDrill(BackupManifest manifest, bool containerNamed, IOperationHost host) =>
        GuardDrill(Container.Id, Container.Name, Container.Config.Labels, manifest, containerNamed, host);

    /// <summary><see cref="GuardDrill(BackupManifest, bool, IOperationHost)"/> on the facts alone.</summary>
    internal static void GuardDrill(string containerId, string containerName, IReadOnlyDictionary<string, string> labels, BackupManifest manifest,
        bool containerNamed, IOperationHost host)
    {
        var backupEnvironment = manifest.Environment.ToLowerInvariant();
        var known = ContainerEnvironment.FromLabel(containerName, labels) ?? (IsSource(containerId, manifest) ? backupEnvironment : null);
        if (known is not null && known != backupEnvironment)
        {
            throw new BackupPsException("CrossEnvironmentDrill", FailureCategory.InvalidArgument,
                $"Refusing to drill a {backupEnvironment} backup in container {containerName}, which is labelled {ContainerEnvironment.Label}={known}: a drill copies the backup's data into that server. "
                + $"Add -Isolated (a throwaway container from the source's image), or drill in a {backupEnvironment} container with -Container.")
            { Target = containerName };
        }

        if (known is not null)
        {
            return;
        }

        if (!containerNamed)
        {
            throw new BackupPsException("TargetEnvironmentUnknown", FailureCategory.InvalidArgument,
                $"Not drilling in container {containerName}: it has no {ContainerEnvironment.Label} label and is not the container the backup was taken from "
                + $"({NotTheSource(containerId, containerName, labels, manifest)}). Add -Isolated, label the container {ContainerEnvironment.Label}={backupEnvironment} if it is {backupEnvironment}, "
                + $"or pass -Container {containerName} to drill there anyway.")
            { Target = containerName };
        }

        host.WriteWarning($"Drilling a {backupEnvironment} backup in container {containerName}, whose environment is unknown (no {ContainerEnvironment.Label} label): its server gets a copy of the data until the drill ends.");
    }

    /// <summary>True when the target is the container the backup was taken from: by id, since names and compose services repeat across hosts and recreated stacks.</summary>
    private static bool IsSource(string containerId, BackupManifest manifest) =>
        !string.IsNullOrEmpty(manifest.ContainerId) && containerId == manifest.ContainerId;

    /// <summary>Why a container that may carry the source's name or compose service is still not the source.</summary>
    private static string NotTheSource(string containerId, string containerName, IReadOnlyDictionary<string, string> labels, BackupManifest manifest)
    {
        var sameName = containerName == manifest.Container;
        var sameService = manifest.ComposeProject is not null && manifest.ComposeService is not null
            && labels.TryGetValue(ComposeLabels.Project, out var project) && ComposeLabels.ProjectMatches(project, manifest.ComposeProject)
            && labels.TryGetValue(ComposeLabels.Service, out var service) && service == manifest.ComposeService;
        return $"that was {manifest.Container}, id {Short(manifest.ContainerId)}; this is id {Short(containerId)}"
            + (sameName || sameService
                ? $"; the same {(sameName ? "name" : "compose service")} is not enough, since containers on other hosts and a recreated stack share it"
                : "");
    }

    private static string Short(string? id) => id is null ? "(none)" : id.Length > 12 ? id[..12] : id;

    /// <summary>Refuses a non-prod backup into a prod target unless allowed; warns about any other mix.</summary>
    public static void GuardEnvironment(string backupEnvironment, string targetEnvironment, bool allowCrossEnvironment, string targetDescription,
        IOperationHost host)
    {
        // The manifest's environment is compared as typed environments are: Prod and prod are one environment.
        if (backupEnvironment.Equals(targetEnvironment, StringComparison.OrdinalIgnoreCase))
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

    /// <summary>
    /// True for a production environment: prod, production, prd or live (any case), alone or as one
    /// '-'/'_' separated part of the name, with or without a number (prod-eu, eu_prod, Production2,
    /// live-b); product or prodigy are not.
    /// </summary>
    internal static bool IsProduction(string environment) =>
        environment.Split('-', '_').Any(part => ProductionPart().IsMatch(part));

    [GeneratedRegex("^(prod|production|prd|live)[0-9]*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ProductionPart();

    /// <summary>The major version of "15.14 (Debian ...)" or "9.6.24": 15, 9.</summary>
    internal static int Major(string? version)
    {
        var digits = new string(FirstWord(version).TakeWhile(char.IsAsciiDigit).ToArray());
        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var major) ? major : 0;
    }

    private static string FirstWord(string? text) => text?.Split(' ', 2)[0] ?? "";
}
