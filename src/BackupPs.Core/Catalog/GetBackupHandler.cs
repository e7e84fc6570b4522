using BackupPs.Core.Commands;
using BackupPs.Core.Errors;
using BackupPs.Core.Hosting;
using BackupPs.Core.Storage;

namespace BackupPs.Core.Catalog;

public sealed class GetBackupHandler : ICommandHandler<GetBackupOptions>
{
    public Task ExecuteAsync(GetBackupOptions options, IOperationHost host, CancellationToken cancellationToken)
    {
        var listed = new List<BackupRecord>();
        var paths = options.Path ?? [BackupNames.DefaultRoot];
        foreach (var path in paths)
        {
            try
            {
                listed.AddRange(BackupPaths.Records(path, host));
            }
            catch (BackupPsException e) when (e.Category != FailureCategory.InvalidArgument)
            {
                // One missing store among several: the others are still listed.
                host.WriteError(e);
            }
        }

        var environment = options.Environment is null ? null : BackupNames.NormalizeEnvironment(options.Environment);
        // Several stores (or a store and a file in it) list in one catalog order, each backup once.
        var records = listed.DistinctBy(r => r.Path).OrderBy(r => r.StartedUtc).AsEnumerable()
            .Where(r => environment is null || r.Environment == environment)
            .Where(r => options.Database is null || r.Database == options.Database)
            .Where(r => options.Kind is null || options.Kind.Contains(r.Kind))
            .Where(r => options.Name is null || r.CatalogName == options.Name)
            .Where(r => options.Since is null || r.StartedUtc >= options.Since);

        if (options.Latest)
        {
            records = records.GroupBy(r => (r.Environment, r.Kind, r.CatalogName))
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
        host.WriteVerbose($"Listed {written} backup(s) from {string.Join(", ", paths)}{(filters.Length == 0 ? "" : " that match " + filters)}.");

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
            filters.Add($"-Kind {string.Join(", ", options.Kind)}");
        }

        if (options.Name is not null)
        {
            filters.Add($"-Name {options.Name}");
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
