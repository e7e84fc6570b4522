using BackupPs.Core.Commands;
using BackupPs.Core.Errors;
using BackupPs.Core.Hosting;
using BackupPs.Core.Storage;

namespace BackupPs.Core.Catalog;

public sealed class GetBackupHandler : ICommandHandler<GetBackupOptions>
{
    public Task ExecuteAsync(GetBackupOptions options, IOperationHost host, CancellationToken cancellationToken)
    {
        var root = UserPaths.FullBackupPath(options.Path ?? BackupNames.DefaultRoot);
        if (!Directory.Exists(root))
        {
            throw new BackupPsException("BackupRootNotFound", FailureCategory.ObjectNotFound,
                $"The backup root {root} does not exist; pass -Path with the folder Backup-Database wrote to.")
            { Target = root };
        }

        var environment = options.Environment is null ? null : BackupNames.NormalizeEnvironment(options.Environment);
        var records = ManifestStore.Enumerate(root, host)
            .Where(r => environment is null || r.Environment == environment)
            .Where(r => options.Database is null || r.Database == options.Database)
            .Where(r => options.Kind is null || r.Kind == options.Kind)
            .Where(r => options.Since is null || r.StartedUtc >= options.Since);

        if (options.Latest)
        {
            records = records.GroupBy(r => (r.Environment, r.Database, r.Kind))
                .Select(g => g.Last()) // the records are in catalog order, so this is the latest, ties broken as listed
                .OrderBy(r => r.StartedUtc);
        }

        foreach (var record in records)
        {
            cancellationToken.ThrowIfCancellationRequested();
            host.WriteOutput(record);
        }

        return Task.CompletedTask;
    }
}
