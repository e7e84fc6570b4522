using System.Globalization;
using System.Text.RegularExpressions;
using BackupPs.Core.Compression;

namespace BackupPs.Core.Catalog;

/// <summary>
/// The fields of a file set's manifest (<see cref="BackupKind.EnvFile"/>, <see cref="BackupKind.Directory"/>,
/// <see cref="BackupKind.Volume"/>), checked as <see cref="ManifestValidator"/> checks a database backup's. Its entry
/// paths become paths a restore writes, so a path that could leave the destination ("..", absolute, empty
/// segments) is refused here already, before any archive is opened.
/// </summary>
internal static partial class FileSetValidator
{
    /// <summary>Longest name a file set is catalogued under, in characters (a folder name on every Linux file system is at most 255 bytes).</summary>
    private const int MaxNameLength = 200;

    /// <summary>Linux's PATH_MAX: no entry path a tar of a real tree holds is longer.</summary>
    private const int MaxPathLength = 4096;

    public static void Validate(BackupManifest m, Action<bool, string, Func<string>> require)
    {
        require(IsCatalogName(m.Name),
            nameof(m.Name), () => $"'{ManifestValidator.Shown(m.Name)}' is not the name of a {m.Kind} backup");
        require(m.FileName is not null && IsArtifactName(m), nameof(m.FileName),
            () => $"'{ManifestValidator.Shown(m.FileName)}' is not the name BackupPs gives a {m.Compression} {m.Kind} backup of {ManifestValidator.Shown(m.Name)} ({m.Environment}) started at {m.StartedUtc:o}");
        require(m.Database is null && m.Container is null && m.ContainerId is null && m.Tables is null && m.DatabaseProperties is null
                && m.ArchiveVersion is null && m.ServerVersion is null && m.PgDumpVersion is null && m.TotalRows == 0,
            nameof(m.Database), () => $"a {m.Kind} backup has no database, container, tables or server versions");
        require(m.SourceHost is not null && ManifestValidator.IsText(m.SourceHost), nameof(m.SourceHost),
            () => $"'{ManifestValidator.Shown(m.SourceHost)}' is not a host name");
        require(m.SourcePaths is { Count: > 0 } && m.SourcePaths.All(p => p is not null && p.StartsWith('/') && p.Length <= MaxPathLength && !p.Contains('\0')),
            nameof(m.SourcePaths), () => "it must list the absolute paths that were read");
        require(m.Consistency is { } c && Enum.IsDefined(c), nameof(m.Consistency), () => $"'{m.Consistency}' is not a consistency");
        require((m.Kind == BackupKind.Volume) == (m.Volume is not null), nameof(m.Volume),
            () => m.Kind == BackupKind.Volume ? "it is missing" : $"a {m.Kind} backup has no volume");
        if (m.Volume is { } volume)
        {
            require(volume.Name is not null && VolumeNamePattern().IsMatch(volume.Name) && volume.Name == m.Name, nameof(m.Volume) + ".Name",
                () => $"'{ManifestValidator.Shown(volume.Name)}' is not a Docker volume name equal to Name");
            require(volume.Driver is not null && ManifestValidator.IsText(volume.Driver), nameof(m.Volume) + ".Driver",
                () => $"'{ManifestValidator.Shown(volume.Driver)}' is not a volume driver");
            require(volume.ReadThrough is "Mountpoint" or "ArchiveApi", nameof(m.Volume) + ".ReadThrough",
                () => $"'{ManifestValidator.Shown(volume.ReadThrough)}' is not Mountpoint or ArchiveApi");
            require(volume.Labels is null || volume.Labels.All(l => l.Key.Length > 0 && !l.Key.Contains('\0') && l.Value is not null && !l.Value.Contains('\0')),
                nameof(m.Volume) + ".Labels", () => "a label is empty or holds a NUL");
            require(volume.Options is null || volume.Options.All(l => l.Key.Length > 0 && !l.Key.Contains('\0') && l.Value is not null && !l.Value.Contains('\0')),
                nameof(m.Volume) + ".Options", () => "an option is empty or holds a NUL");
        }

        require(m.BaseFileName is null || (m.Kind != BackupKind.EnvFile && IsArtifactNameOf(m, m.BaseFileName) && m.BaseFileName != m.FileName),
            nameof(m.BaseFileName), () => $"'{ManifestValidator.Shown(m.BaseFileName)}' is not the name of an earlier {m.Kind} backup of {ManifestValidator.Shown(m.Name)}");
        require(m.Files is not null, nameof(m.Files), () => "it is missing");
        // Each entry's type by path, as far as read: what a later entry may link to or lie under.
        var seen = new Dictionary<string, FileEntryType>(StringComparer.Ordinal);
        long total = 0;
        foreach (var entry in m.Files!)
        {
            require(entry is not null && IsEntryPath(entry.Path, m.Kind), nameof(m.Files),
                () => $"'{ManifestValidator.Shown(entry?.Path)}' is not a relative path inside the backed-up tree");
            var shown = ManifestValidator.Shown(entry!.Path);
            require(seen.TryAdd(entry.Path, entry.Type), nameof(m.Files), () => $"{shown} is listed twice");
            require(Enum.IsDefined(entry.Type), nameof(m.Files), () => $"{shown} has the type '{entry.Type}'");
            // The root is the destination folder itself, made first; anything else there would replace the destination.
            require(entry.Path != "." || (entry.Type == FileEntryType.Directory && seen.Count == 1), nameof(m.Files),
                () => "the root '.' is not the first entry, or not a folder");
            // A path under a file or a symbolic link is a write through it (a link then a write through the link).
            var under = Ancestors(entry.Path).FirstOrDefault(a => seen.TryGetValue(a, out var type) && type != FileEntryType.Directory);
            require(under is null, nameof(m.Files), () => $"{shown} lies under {ManifestValidator.Shown(under)}, which is not a folder");
            require(entry.Mode is not null && ModePattern().IsMatch(entry.Mode), nameof(m.Files), () => $"{shown} has the mode '{ManifestValidator.Shown(entry.Mode)}' (4 octal digits)");
            require(entry.Uid is >= 0 and <= uint.MaxValue && entry.Gid is >= 0 and <= uint.MaxValue, nameof(m.Files), () => $"{shown} has the owner {entry.Uid}:{entry.Gid}");
            require(entry.Size >= 0 && (entry.Type == FileEntryType.File || entry.Size == 0), nameof(m.Files), () => $"{shown} has the size {entry.Size}");
            require(entry.Type == FileEntryType.File ? entry.Sha256 is not null && ManifestValidator.Sha256Pattern().IsMatch(entry.Sha256) : entry.Sha256 is null,
                nameof(m.Files), () => $"{shown} has the SHA-256 '{ManifestValidator.Shown(entry.Sha256)}'");
            require(entry.Type is FileEntryType.SymbolicLink or FileEntryType.HardLink
                    ? entry.LinkTarget is { Length: > 0 and <= MaxPathLength } && !entry.LinkTarget.Contains('\0')
                    : entry.LinkTarget is null,
                nameof(m.Files), () => $"{shown} has the link target '{ManifestValidator.Shown(entry.LinkTarget)}'");
            // A hard link names a file met before it, inside the tree: the restore links to what it has written (a folder
            // cannot be hard-linked, and a link to a link would make two names of something else than the file recorded).
            require(entry.Type != FileEntryType.HardLink
                    || (entry.LinkTarget != entry.Path && seen.TryGetValue(entry.LinkTarget!, out var target) && target == FileEntryType.File),
                nameof(m.Files), () => $"{shown} is a hard link to '{ManifestValidator.Shown(entry.LinkTarget)}', which is not an earlier file entry");
            require(entry.StoredIn is null || (entry.Type == FileEntryType.File && m.BaseFileName is not null && IsArtifactNameOf(m, entry.StoredIn) && entry.StoredIn != m.FileName),
                nameof(m.Files), () => $"{shown} is stored in '{ManifestValidator.Shown(entry.StoredIn)}', which is not an earlier backup of this source");
            require(entry.Variables is null || (m.Kind == BackupKind.EnvFile && entry.Type == FileEntryType.File && entry.Variables.All(v => v is not null && VariableNamePattern().IsMatch(v))),
                nameof(m.Files), () => $"{shown} lists variables, but only an env file's regular files have them, by name only");
            require(entry.Variables is null || entry.Variables.Distinct(StringComparer.Ordinal).Count() == entry.Variables.Count, nameof(m.Files),
                () => $"{shown} lists a variable twice");
            require(long.MaxValue - total >= entry.Size, nameof(m.Files), () => "the sizes add up to more than any tree holds");
            total += entry.Size;
        }

        require(m.Skipped is null || m.Skipped.All(e => e is not null && e.Path is { Length: > 0 and <= MaxPathLength } && !e.Path.Contains('\0')
                && e.Reason is not null && ManifestValidator.IsText(e.Reason)),
            nameof(m.Skipped), () => "an entry has no path or no reason");
        require(m.FileCount == m.Files.Count, nameof(m.FileCount), () => $"{m.FileCount} is not the number of entries ({m.Files.Count})");
        require(m.TotalBytes == total, nameof(m.TotalBytes), () => $"{m.TotalBytes} is not the sum of the files' sizes ({total})");
    }

    /// <summary>A name a file set can be catalogued under: 1-200 characters, no control character, no '/'.</summary>
    internal static bool IsCatalogName(string? name) =>
        name is not null && name.Length is > 0 and <= MaxNameLength && ManifestValidator.IsText(name) && !name.Contains('/');

    /// <summary>
    /// A relative path with no empty, "." or ".." segment ("." alone is the root of a Directory or Volume), no NUL, no
    /// leading '/'. EnvFile entries are absolute paths without their '/', so they have at least one segment too.
    /// </summary>
    private static bool IsEntryPath(string? path, BackupKind kind)
    {
        if (path is null || path.Length is 0 or > MaxPathLength || path.Contains('\0'))
        {
            return false;
        }

        if (path == ".")
        {
            return kind != BackupKind.EnvFile;
        }

        return path.Split('/').All(segment => segment.Length > 0 && segment != "." && segment != "..");
    }

    /// <summary>The folders a relative entry path lies in, nearest last: "a/b/c" gives "a", "a/b".</summary>
    private static IEnumerable<string> Ancestors(string path)
    {
        for (var slash = path.IndexOf('/', StringComparison.Ordinal); slash > 0; slash = path.IndexOf('/', slash + 1))
        {
            yield return path[..slash];
        }
    }

    /// <summary>The manifest's own FileName is the name of its Name, Environment, start and compression for some claim.</summary>
    private static bool IsArtifactName(BackupManifest m) =>
        m.Name is not null && Enum.IsDefined(m.Compression)
        && ManifestValidator.IsClaimedName(m.FileName, BackupNames.ArtifactFileName(m.Name, m.Environment, m.StartedUtc, m.Compression), ".tar" + m.Compression.FileExtension());

    /// <summary>True when <paramref name="fileName"/> is a name BackupPs gives a backup of the same Name and environment (any start, either compression).</summary>
    private static bool IsArtifactNameOf(BackupManifest m, string fileName) =>
        m.Name is not null && ArtifactNamePattern().Match(fileName) is { Success: true } match
        && match.Groups["stem"].Value == $"{BackupNames.FileSafe(m.Name)}-{m.Environment}"
        && DateTime.TryParseExact(match.Groups["stamp"].Value, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    [GeneratedRegex("^[0-7]{4}$")]
    private static partial Regex ModePattern();

    /// <summary>What dotenv and docker compose accept as a variable name.</summary>
    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_.-]{0,255}$")]
    private static partial Regex VariableNamePattern();

    /// <summary>Docker's rule for volume names.</summary>
    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")]
    private static partial Regex VolumeNamePattern();

    [GeneratedRegex(@"^(?<stem>.+)-(?<stamp>[0-9]{8}T[0-9]{6}Z)(-[1-9][0-9]{0,3})?\.tar\.(zst|gz)$")]
    private static partial Regex ArtifactNamePattern();
}
