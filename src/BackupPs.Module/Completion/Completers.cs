using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using BackupPs.Core.Catalog;
using BackupPs.Core.Database;
using BackupPs.Core.Docker;

namespace BackupPs.Completion;

/// <summary>-Container: names of the running containers that run PostgreSQL.</summary>
public sealed class ContainerCompleter : IArgumentCompleter
{
    /// <inheritdoc/>
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        CompletionValues.Complete(wordToComplete, ct => PostgresContainers.List(ct).SelectMany(c => c.Names));
}

/// <summary>-ComposeProject: the compose projects of the running PostgreSQL containers.</summary>
public sealed class ComposeProjectCompleter : IArgumentCompleter
{
    /// <inheritdoc/>
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        CompletionValues.Complete(wordToComplete, ct => PostgresContainers.List(ct)
            .Where(c => !ComposeLabels.IsOneOff(c.Labels))
            .Select(c => c.Labels.GetValueOrDefault(ComposeLabels.Project))
            .OfType<string>());
}

/// <summary>-ComposeService: the compose services of the running PostgreSQL containers, of the -ComposeProject already typed.</summary>
public sealed class ComposeServiceCompleter : IArgumentCompleter
{
    /// <inheritdoc/>
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var project = CompletionValues.Bound(fakeBoundParameters, "ComposeProject");
        return CompletionValues.Complete(wordToComplete, ct => PostgresContainers.List(ct)
            .Where(c => !ComposeLabels.IsOneOff(c.Labels)
                && (project is null || (c.Labels.TryGetValue(ComposeLabels.Project, out var label) && ComposeLabels.ProjectMatches(label, project))))
            .Select(c => c.Labels.GetValueOrDefault(ComposeLabels.Service))
            .OfType<string>());
    }
}

/// <summary>-Environment (and -TargetEnvironment): the environments recorded in the store.</summary>
public sealed class EnvironmentCompleter : IArgumentCompleter
{
    /// <inheritdoc/>
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var root = StoreRoot.Of(fakeBoundParameters);
        return CompletionValues.Complete(wordToComplete, _ => StoreRoot.Records(root).Select(r => r.Environment));
    }
}

/// <summary>-Database: the databases recorded in the store, of the -Environment already typed.</summary>
public sealed class DatabaseCompleter : IArgumentCompleter
{
    /// <inheritdoc/>
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var root = StoreRoot.Of(fakeBoundParameters);
        var environment = CompletionValues.Bound(fakeBoundParameters, "Environment");
        return CompletionValues.Complete(wordToComplete, _ => StoreRoot.Records(root)
            .Where(r => environment is null || string.Equals(r.Environment, environment, StringComparison.OrdinalIgnoreCase))
            .Select(r => r.Database).OfType<string>());
    }
}

/// <summary>-Volume: the names of the Docker volumes, as docker volume ls lists them.</summary>
public sealed class VolumeCompleter : IArgumentCompleter
{
    /// <inheritdoc/>
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        CompletionValues.Complete(wordToComplete, ct =>
        {
            using var docker = new BackupPs.Core.Docker.DockerClient();
            return docker.ListVolumesAsync(labelFilters: null, ct).GetAwaiter().GetResult().Select(v => v.Name).ToArray();
        });
}

/// <summary>
/// -Name: the catalog names recorded in the store (databases, env-file sets, folders, volumes), of the -Environment
/// already typed, and of the -Kind typed or, in a command of one kind (Backup-Directory, Restore-Volume ...), of that kind.
/// </summary>
public sealed class NameCompleter : IArgumentCompleter
{
    /// <inheritdoc/>
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var root = StoreRoot.Of(fakeBoundParameters);
        var environment = CompletionValues.Bound(fakeBoundParameters, "Environment");
        var noun = commandName[(commandName.IndexOf('-', StringComparison.Ordinal) + 1)..];
        var kind = Enum.TryParse<BackupKind>(noun, ignoreCase: true, out var commandKind) ? commandKind
            : Enum.TryParse<BackupKind>(CompletionValues.Bound(fakeBoundParameters, "Kind"), ignoreCase: true, out var typedKind) ? typedKind
            : (BackupKind?)null;
        return CompletionValues.Complete(wordToComplete, _ => StoreRoot.Records(root)
            .Where(r => (environment is null || string.Equals(r.Environment, environment, StringComparison.OrdinalIgnoreCase)) && (kind is null || r.Kind == kind))
            .Select(r => r.CatalogName));
    }
}

/// <summary>
/// A parameter that is neither a path nor has a source of values (-Role, -Query, -Jobs, -Credential): nothing, rather than
/// PowerShell's fallback of file names, which are never its values.
/// </summary>
public sealed class NothingCompleter : IArgumentCompleter
{
    /// <inheritdoc/>
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) => [];
}

/// <summary>The store a completion reads: the bound -Path or -LiteralPath (or the store of the backup file it names), else ./backups, against the PowerShell location.</summary>
internal static class StoreRoot
{
    public static string Of(IDictionary fakeBoundParameters)
    {
        var typed = CompletionValues.Bound(fakeBoundParameters, "LiteralPath") ?? CompletionValues.Bound(fakeBoundParameters, "Path") ?? BackupNames.DefaultRoot;
        try
        {
            // The pipeline thread of the session: resolve as the cmdlet will, against $PWD, not the process directory.
            return ScriptBlock.Create("$ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($args[0])")
                .Invoke(typed).Select(o => o?.BaseObject).OfType<string>().FirstOrDefault() ?? typed;
        }
        catch (RuntimeException)
        {
            return typed;
        }
    }

    /// <summary>
    /// The catalog as Get-Backup reads it (manifests only, the same trust rules). A backup file (Restore-Database's and
    /// Test-Backup's -Path) means the store it lives in; a path that is neither gives nothing.
    /// </summary>
    public static IEnumerable<BackupRecord> Records(string root)
    {
        var store = File.Exists(root) ? BackupPaths.StoreRoot(root) : root;
        return Directory.Exists(store) ? ManifestStore.Enumerate(store, new CompletionValues.SilentHost()) : [];
    }
}
