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

        var written = 0;
        foreach (var record in records)
        {
            cancellationToken.ThrowIfCancellationRequested();
            host.WriteOutput(record);
            written++;
        }

        var filters = Filters(options, environment);
        host.WriteVerbose($"Listed {written} backup(s) from {root}{(filters.Length == 0 ? "" : " that match " + filters)}.");

        return Task.CompletedTask;
    }

    /// <summary>The filters in effect, for the verbose summary ("-Environment prod, -Latest"), or "" for none.</summary>
    private static string Filters(GetBackupOptions options, string? environment)
    {
        var filters = new List<string>();
        if (environment is not null)
        {
            filters.Add($"-Environment {environment}");
        }

        if (options.Database is not null)
        {
            filters.Add($"-Database {options.Database}");
        }

        if (options.Kind is not null)
        {
            filters.Add($"-Kind {options.Kind}");
        }

        if (options.Since is not null)
        {
            filters.Add($"-Since {options.Since:u}");
        }

        if (options.Latest)
        {
            filters.Add("-Latest");
        }

        return string.Join(", ", filters);
    }
}
