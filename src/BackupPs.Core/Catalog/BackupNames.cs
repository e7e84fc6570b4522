using System.Text.RegularExpressions;
using BackupPs.Core.Compression;
using BackupPs.Core.Errors;

namespace BackupPs.Core.Catalog;

/// <summary>
/// The store's layout: &lt;root&gt;/&lt;environment&gt;/&lt;database&gt;/&lt;database&gt;-&lt;environment&gt;-&lt;UTC stamp&gt;.&lt;dump|sql&gt;.&lt;zst|gz&gt;
/// with &lt;same stem&gt;.manifest.json beside it. Environment and date are in every name, as the runbooks insist.
/// </summary>
public static partial class BackupNames
{
    /// <summary>The default -Path, relative: a cmdlet resolves it against the PowerShell location, the CLI against its working directory.</summary>
    public const string DefaultRoot = "backups";

    public const string ManifestSuffix = ".manifest.json";

    private static readonly string[] ArtifactSuffixes = [".dump.zst", ".dump.gz", ".sql.zst", ".sql.gz"];

    /// <summary>Validates an environment name and returns it in lower case, so prod and Prod cannot be two folders.</summary>
    public static string NormalizeEnvironment(string? environment)
    {
        if (string.IsNullOrWhiteSpace(environment) || !EnvironmentPattern().IsMatch(environment) || environment.Contains(".."))
        {
            throw new BackupPsException("InvalidEnvironmentName", FailureCategory.InvalidArgument,
                $"The environment name '{environment}' is not valid: use 1-32 letters, digits, '-' or '_' (for example prod, dev, staging).")
            { Target = environment };
        }

        return environment.ToLowerInvariant();
    }

    /// <summary>A database name made safe for one path segment. The manifest keeps the real name.</summary>
    public static string FileSafe(string name)
    {
        var safe = UnsafeFileChars().Replace(name, "_");
        return safe.Trim('.').Length == 0 ? "_" + safe : safe;
    }

    public static string ArtifactFileName(string database, string environment, DateTimeOffset startedUtc, BackupFormat format, CompressionKind compression) =>
        $"{FileSafe(database)}-{environment}-{startedUtc.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}"
        + (format == BackupFormat.Custom ? ".dump" : ".sql")
        + compression.FileExtension();

    public static string ManifestPathFor(string artifactPath)
    {
        foreach (var suffix in ArtifactSuffixes)
        {
            if (artifactPath.EndsWith(suffix, StringComparison.Ordinal))
            {
                return artifactPath[..^suffix.Length] + ManifestSuffix;
            }
        }

        return artifactPath + ManifestSuffix;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")]
    private static partial Regex EnvironmentPattern();

    [GeneratedRegex("[^A-Za-z0-9._-]")]
    private static partial Regex UnsafeFileChars();
}
