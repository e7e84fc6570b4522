using System.Text.Json;
using BackupPs.Core.Catalog;
using BackupPs.Core.Errors;

namespace BackupPs.Core.Database;

/// <summary>
/// The environment a database container belongs to, as its <see cref="Label"/> says. The label is the
/// container's truth: an environment an operator declares (-Environment, -TargetEnvironment) that
/// contradicts it is refused, not preferred, and -AllowCrossEnvironment does not change that (it only
/// allows a backup of one environment into a container of another). A label that is not a valid
/// environment name is refused as well, rather than read as something it might mean.
/// </summary>
internal static class ContainerEnvironment
{
    /// <summary>The container label naming the environment a database container belongs to.</summary>
    public const string Label = "backupps.environment";

    /// <summary>
    /// The environment the container's label names, validated as strictly as a typed one and in lower
    /// case; null when the container has no such label.
    /// </summary>
    public static string? FromLabel(string container, IReadOnlyDictionary<string, string> labels)
    {
        // Label keys are case-sensitive in Docker, but Backupps.Environment=prod is meant as this label:
        // ignoring it would make a prod container look unlabelled, and then any declared environment goes.
        var found = labels.Where(l => l.Key.Equals(Label, StringComparison.OrdinalIgnoreCase)).OrderBy(l => l.Key, StringComparer.Ordinal).ToArray();
        if (found.Length == 0)
        {
            return null;
        }

        var environments = found.Select(l => Validate(container, l.Key, l.Value)).Distinct().ToArray();
        if (environments.Length > 1)
        {
            throw new BackupPsException("EnvironmentLabelInvalid", FailureCategory.InvalidArgument,
                $"Container {container} has {found.Length} environment labels that disagree ({string.Join(", ", found.Select(l => $"{l.Key}={Quote(l.Value)}"))}); "
                + $"keep one {Label} label naming its environment, and recreate the container.")
            { Target = container };
        }

        return environments[0];
    }

    /// <summary>
    /// The environment an operator declared for <paramref name="container"/> with <paramref name="option"/>,
    /// normalised; refused when the container's label names another one.
    /// </summary>
    public static string RequireDeclaredMatchesLabel(string declared, string option, string container, IReadOnlyDictionary<string, string> labels)
    {
        var environment = BackupNames.NormalizeEnvironment(declared);
        if (FromLabel(container, labels) is { } label && label != environment)
        {
            throw Mismatch(container, option, environment, label);
        }

        return environment;
    }

    /// <summary>The refusal of a declared environment that contradicts the container's label.</summary>
    public static BackupPsException Mismatch(string container, string option, string declared, string label) =>
        new("EnvironmentMismatch", FailureCategory.InvalidArgument,
            $"Container {container} is labelled {Label}={label}, but {option} says {declared}; the label is the container's environment and is never overridden. "
            + $"Leave out {option} (or pass {label}), or, if the label is wrong, fix it on the container (docker run --label, or labels: in compose) and recreate it.")
        { Target = container };

    private static string Validate(string container, string key, string value)
    {
        try
        {
            return BackupNames.NormalizeEnvironment(value);
        }
        catch (BackupPsException e) when (e.ErrorId == "InvalidEnvironmentName")
        {
            throw new BackupPsException("EnvironmentLabelInvalid", FailureCategory.InvalidArgument,
                $"Container {container} is labelled {key}={Quote(value)}, which is not an environment name (1-32 letters, digits, '-' or '_', "
                + "for example prod or dev), so its environment is unknown and nothing is backed up, restored or drilled against it. "
                + "Fix the label on the container (docker run --label, or labels: in compose) and recreate it.", e)
            { Target = container };
        }
    }

    /// <summary>A label value as JSON text: quotes show stray spaces, and control characters cannot break the one-line message.</summary>
    private static string Quote(string value) => JsonSerializer.Serialize(value);
}
