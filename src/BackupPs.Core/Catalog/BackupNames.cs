using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using BackupPs.Core.Compression;
using BackupPs.Core.Errors;

namespace BackupPs.Core.Catalog;

/// <summary>
/// The store's layout: &lt;root&gt;/&lt;environment&gt;/&lt;database&gt;/&lt;database&gt;-&lt;environment&gt;-&lt;UTC stamp&gt;[-&lt;n&gt;].&lt;dump|sql&gt;.&lt;zst|gz&gt;
/// for database backups, &lt;root&gt;/&lt;environment&gt;/&lt;kind&gt;/&lt;name&gt;/&lt;name&gt;-&lt;environment&gt;-&lt;UTC stamp&gt;[-&lt;n&gt;].tar.&lt;zst|gz&gt;
/// for file sets (kind: envfile, directory, volume; see <see cref="KindFolder"/>),
/// with &lt;same stem&gt;.manifest.json beside it. Environment and date are in every name, as the runbooks insist.
/// The -&lt;n&gt; (2, 3, ...) appears only when backups of the same folder started in the same second: which
/// backup gets which name is settled by the no-clobber rename when it is stored (<see cref="BackupPlacement"/>).
/// </summary>
public static partial class BackupNames
{
    /// <summary>The default -Path, relative: a cmdlet resolves it against the PowerShell location, the CLI against its working directory.</summary>
    public const string DefaultRoot = "backups";

    public const string ManifestSuffix = ".manifest.json";

    private static readonly string[] ArtifactSuffixes = [".dump.zst", ".dump.gz", ".sql.zst", ".sql.gz", ".tar.zst", ".tar.gz"];

    /// <summary>
    /// The folder under &lt;root&gt;/&lt;environment&gt;/ that holds a file-set kind's backups ("envfile", "directory",
    /// "volume"); null for <see cref="BackupKind.Database"/>, whose backups sit in &lt;environment&gt;/&lt;database&gt;/ as before
    /// file sets existed (so stores written then still list). A database named like a kind folder keeps its dumps there
    /// beside the kind's &lt;name&gt; folders; the manifest's Kind says which is which.
    /// </summary>
    public static string? KindFolder(BackupKind kind) => kind == BackupKind.Database ? null : kind.ToString().ToLowerInvariant();

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

    /// <summary>The separator before the hash that <see cref="FileSafe"/> adds; never part of a name left as it is.</summary>
    private const char HashSeparator = '~';

    /// <summary>
    /// A database name made safe for one path segment. The manifest keeps the real name. A name that is
    /// already safe stays as it is; a name that had to change also gets a short hash of the real name
    /// ("my db" → "my_db~7db90c8c"), so that "a/b" and "a_b", or two Cyrillic names of the same length,
    /// do not share one folder. The separator never survives in a safe name, so a changed name cannot
    /// meet an unchanged one.
    /// </summary>
    public static string FileSafe(string name)
    {
        var safe = UnsafeFileChars().Replace(name, "_");
        if (safe.Trim('.').Length == 0)
        {
            safe = "_" + safe;
        }

        if (safe == name)
        {
            return name;
        }

        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(name)), 0, 4).ToLowerInvariant();
        return $"{safe}{HashSeparator}{hash}";
    }

    /// <param name="claim">
    /// 1 for the plain name; 2, 3, ... for the backups that found the names before theirs taken (see
    /// <see cref="BackupPlacement"/>): app-prod-20261121T020000Z-2.dump.zst.
    /// </param>
    public static string ArtifactFileName(string database, string environment, DateTimeOffset startedUtc, BackupFormat format, CompressionKind compression,
        int claim = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(claim, 1);
        return $"{FileSafe(database)}-{environment}-{startedUtc.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}"
            + (claim == 1 ? "" : $"-{claim}")
            + (format == BackupFormat.Custom ? ".dump" : ".sql")
            + compression.FileExtension();
    }

    /// <summary>
    /// The file name of a file set's artifact: &lt;name&gt;-&lt;environment&gt;-&lt;UTC stamp&gt;[-&lt;claim&gt;].tar.&lt;zst|gz&gt;
    /// (certs-prod-20261121T020000Z.tar.zst); <paramref name="claim"/> as for <see cref="ArtifactFileName(string, string, DateTimeOffset, BackupFormat, CompressionKind, int)"/>.
    /// </summary>
    public static string ArtifactFileName(string name, string environment, DateTimeOffset startedUtc, CompressionKind compression, int claim = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(claim, 1);
        return $"{FileSafe(name)}-{environment}-{startedUtc.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}"
            + (claim == 1 ? "" : $"-{claim}")
            + ".tar"
            + compression.FileExtension();
    }

    /// <summary>
    /// The folder of a database's backups in a store, &lt;root&gt;/&lt;environment&gt;/&lt;database&gt;. The environment is
    /// checked again here (a manifest's or a label's value must never climb out of the root: "../../../esc").
    /// </summary>
    public static string FolderFor(string root, string environment, string database) =>
        Path.Combine(root, NormalizeEnvironment(environment), FileSafe(database));

    /// <summary>
    /// The folder of one kind's backups of <paramref name="name"/>: &lt;root&gt;/&lt;environment&gt;/&lt;database&gt; for
    /// <see cref="BackupKind.Database"/>, &lt;root&gt;/&lt;environment&gt;/&lt;kind&gt;/&lt;name&gt; for the others.
    /// </summary>
    public static string FolderFor(string root, string environment, BackupKind kind, string name) =>
        KindFolder(kind) is { } kindFolder
            ? Path.Combine(root, NormalizeEnvironment(environment), kindFolder, FileSafe(name))
            : FolderFor(root, environment, name);

    /// <summary>
    /// The root of the store a backup lives in: &lt;root&gt; when the backup lies in &lt;root&gt;/&lt;environment&gt;/&lt;database&gt;/
    /// as its (validated) manifest says, else the backup's own folder (a copy kept somewhere by hand).
    /// </summary>
    public static string StoreRootOf(string artifactPath, BackupManifest manifest)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(artifactPath))!;
        var levels = KindFolder(manifest.Kind) is null ? 2 : 3;
        var root = folder;
        for (var level = 0; level < levels && root is not null; level++)
        {
            root = Path.GetDirectoryName(root);
        }

        return IsFiledWhereItBelongs(artifactPath, manifest) && root is not null ? root : folder;
    }

    /// <summary>
    /// True when the backup lies in the folders its manifest names: &lt;environment&gt;/&lt;database&gt; (Database),
    /// &lt;environment&gt;/&lt;kind&gt;/&lt;name&gt; (the other kinds).
    /// </summary>
    public static bool IsFiledWhereItBelongs(string artifactPath, BackupManifest manifest)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(artifactPath));
        if (Path.GetFileName(folder) != FileSafe(manifest.CatalogName))
        {
            return false;
        }

        var parent = Path.GetDirectoryName(folder);
        if (KindFolder(manifest.Kind) is { } kindFolder)
        {
            if (Path.GetFileName(parent) != kindFolder)
            {
                return false;
            }

            parent = Path.GetDirectoryName(parent);
        }

        return Path.GetFileName(parent) == manifest.Environment;
    }

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

    /// <summary>
    /// The backup file a manifest sits beside (same stem, one of the artifact suffixes), or null when there is none:
    /// a manifest given where a backup is meant stands for its backup.
    /// </summary>
    public static string? ArtifactPathFor(string manifestPath)
    {
        var stem = manifestPath[..^ManifestSuffix.Length];
        return ArtifactSuffixes.Select(suffix => stem + suffix).FirstOrDefault(File.Exists);
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")]
    private static partial Regex EnvironmentPattern();

    [GeneratedRegex("[^A-Za-z0-9._-]")]
    private static partial Regex UnsafeFileChars();
}
