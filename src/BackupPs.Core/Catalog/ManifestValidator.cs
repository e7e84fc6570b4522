using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using BackupPs.Core.Compression;
using BackupPs.Core.Database;
using BackupPs.Core.Errors;
using BackupPs.Core.Postgres;

namespace BackupPs.Core.Catalog;

/// <summary>
/// Checks every field of a manifest read from a store as strictly as the same value typed by a user. A
/// manifest is only as trustworthy as the folder it lies in, and its fields become folder names (the
/// environment, where a safety backup is filed), SQL (database settings, collations), container look-ups
/// and the catalog's order (dates). A manifest that BackupPs wrote always passes; anything else is refused
/// as ManifestInvalid, naming the file and the field.
/// </summary>
internal static partial class ManifestValidator
{
    /// <summary>PostgreSQL's NAMEDATALEN - 1: the longest database, role, schema or table name, in bytes.</summary>
    private const int MaxNameBytes = PostgresNames.MaxBytes;

    /// <summary>Longest free-text value (versions, image names, locale names) a real manifest holds, with room to spare.</summary>
    private const int MaxTextLength = 512;

    /// <summary>No BackupPs backup started before this: earlier dates are a default (0001-01-01) or an edit.</summary>
    private static readonly DateTimeOffset Earliest = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Throws ManifestInvalid for the first field of <paramref name="m"/> that no BackupPs would have written.</summary>
    public static void Validate(BackupManifest m, string manifestPath)
    {
        void Require(bool valid, string field, Func<string> problem)
        {
            if (!valid)
            {
                throw ManifestStore.Invalid(manifestPath, $"field {field}: {problem()}", null);
            }
        }

        Require(Enum.IsDefined(m.Kind), nameof(m.Kind), () => $"'{m.Kind}' is not a kind of backup");
        Require(IsEnvironment(m.Environment), nameof(m.Environment),
            () => $"'{Shown(m.Environment)}' is not an environment name (1-32 lower-case letters, digits, '-' or '_', as Backup-Database writes it)");
        Require(Enum.IsDefined(m.Compression), nameof(m.Compression), () => $"'{m.Compression}' is not a compression");
        Require(m.StartedUtc >= Earliest && m.StartedUtc.Offset == TimeSpan.Zero, nameof(m.StartedUtc),
            () => $"{m.StartedUtc:o} is not a UTC time after 2000");
        Require(m.CompletedUtc >= m.StartedUtc && m.CompletedUtc.Offset == TimeSpan.Zero, nameof(m.CompletedUtc),
            () => $"{m.CompletedUtc:o} is not a UTC time at or after StartedUtc");
        Require(m.Elapsed == m.CompletedUtc - m.StartedUtc, nameof(m.Duration), () => $"{m.Duration} is not CompletedUtc - StartedUtc");
        Require(m.SizeBytes > 0, nameof(m.SizeBytes), () => $"{m.SizeBytes} is not a backup's size");
        Require(m.DumpBytes >= 0, nameof(m.DumpBytes), () => $"{m.DumpBytes} is negative");
        Require(m.Sha256 is not null && Sha256Pattern().IsMatch(m.Sha256), nameof(m.Sha256), () => $"'{Shown(m.Sha256)}' is not a SHA-256 (64 lower-case hex digits)");
        Require(m.Tool is null || IsText(m.Tool), nameof(m.Tool), () => $"'{Shown(m.Tool)}' is not a tool name");
        if (m.Kind == BackupKind.Database)
        {
            ValidateDatabase(m, Require);
        }
        else
        {
            FileSetValidator.Validate(m, Require);
        }
    }

    /// <summary>The fields of a <see cref="BackupKind.Database"/> backup.</summary>
    private static void ValidateDatabase(BackupManifest m, Action<bool, string, Func<string>> Require)
    {
        Require(IsName(m.Database), nameof(m.Database), () => $"'{Shown(m.Database)}' is not a PostgreSQL database name (1-{MaxNameBytes} bytes, no NUL)");
        Require(m.Name is null || m.Name == m.Database, nameof(m.Name), () => $"'{Shown(m.Name)}' is not the database's name");
        Require(Enum.IsDefined(m.Format), nameof(m.Format), () => $"'{m.Format}' is not a backup format");
        Require(IsArtifactName(m), nameof(m.FileName),
            () => $"'{Shown(m.FileName)}' is not the name Backup-Database gives a {m.Format} {m.Compression} backup of {m.Database} ({m.Environment}) started at {m.StartedUtc:o}");
        Require(m.Container is not null && ContainerNamePattern().IsMatch(m.Container) && m.Container.Length <= 255, nameof(m.Container),
            () => $"'{Shown(m.Container)}' is not a Docker container name");
        Require(m.ContainerId is not null && ContainerIdPattern().IsMatch(m.ContainerId), nameof(m.ContainerId),
            () => $"'{Shown(m.ContainerId)}' is not a Docker container id (64 hex digits)");
        Require(m.Image is null || IsText(m.Image), nameof(m.Image), () => $"'{Shown(m.Image)}' is not an image name");
        Require(m.ImageId is null || ImageIdPattern().IsMatch(m.ImageId), nameof(m.ImageId), () => $"'{Shown(m.ImageId)}' is not an image id (sha256:<64 hex digits>)");
        Require(m.ComposeProject is null || ComposeNamePattern().IsMatch(m.ComposeProject), nameof(m.ComposeProject),
            () => $"'{Shown(m.ComposeProject)}' is not a compose project name");
        Require(m.ComposeService is null || ComposeNamePattern().IsMatch(m.ComposeService), nameof(m.ComposeService),
            () => $"'{Shown(m.ComposeService)}' is not a compose service name");
        Require(m.ServerVersion is null || IsVersion(m.ServerVersion), nameof(m.ServerVersion), () => $"'{Shown(m.ServerVersion)}' is not a PostgreSQL version");
        Require(m.PgDumpVersion is null || IsVersion(m.PgDumpVersion), nameof(m.PgDumpVersion), () => $"'{Shown(m.PgDumpVersion)}' is not a pg_dump version");
        Require(m.Format == BackupFormat.Custom ? m.ArchiveVersion is not null && ArchiveVersionPattern().IsMatch(m.ArchiveVersion) : m.ArchiveVersion is null,
            nameof(m.ArchiveVersion), () => $"'{Shown(m.ArchiveVersion)}' is not the archive version of a {m.Format} dump");
        Require(m.Files is null && m.Skipped is null && m.SourcePaths is null && m.Volume is null && m.BaseFileName is null && m.Consistency is null, nameof(m.Files),
            () => "a database backup has no file list, source paths, volume, base or consistency");
        if (m.DatabaseProperties is { } properties)
        {
            ValidateProperties(properties, Require);
        }

        Require(m.Tables is not null, nameof(m.Tables), () => "it is missing");
        var seen = new HashSet<(string, string)>();
        long total = 0;
        foreach (var table in m.Tables!)
        {
            Require(table is not null && IsName(table.Schema) && IsName(table.Table), nameof(m.Tables),
                () => $"'{Shown(table?.Schema)}.{Shown(table?.Table)}' is not a table name");
            Require(table!.Rows is null or >= 0, nameof(m.Tables), () => $"{table.Schema}.{table.Table} has {table.Rows} rows");
            Require(seen.Add((table.Schema, table.Table)), nameof(m.Tables), () => $"{table.Schema}.{table.Table} is listed twice");
            // Checked: counts near long.MaxValue would otherwise wrap into a sum a hostile TotalRows could match.
            Require(long.MaxValue - total >= (table.Rows ?? 0), nameof(m.Tables), () => "the tables' rows add up to more than any database holds");
            total += table.Rows ?? 0;
        }

        Require(m.TotalRows == total, nameof(m.TotalRows), () => $"{m.TotalRows} is not the sum of the tables' rows ({total})");
    }

    private static void ValidateProperties(DatabaseProperties p, Action<bool, string, Func<string>> require)
    {
        const string field = nameof(BackupManifest.DatabaseProperties);
        require(p.Encoding is not null && EncodingPattern().IsMatch(p.Encoding), field + ".Encoding", () => $"'{Shown(p.Encoding)}' is not an encoding name");
        require(p.LocaleProvider is "libc" or "icu" or "builtin", field + ".LocaleProvider", () => $"'{Shown(p.LocaleProvider)}' is not libc, icu or builtin");
        require(p.Collate is not null && IsText(p.Collate, allowEmpty: true), field + ".Collate", () => $"'{Shown(p.Collate)}' is not a locale name");
        require(p.Ctype is not null && IsText(p.Ctype, allowEmpty: true), field + ".Ctype", () => $"'{Shown(p.Ctype)}' is not a locale name");
        require(p.Locale is null || IsText(p.Locale, allowEmpty: true), field + ".Locale", () => $"'{Shown(p.Locale)}' is not a locale name");
        require(p.IcuRules is null || !p.IcuRules.Contains('\0'), field + ".IcuRules", () => "it contains a NUL character");
        require(p.Settings is not null, field + ".Settings", () => "it is missing");
        foreach (var setting in p.Settings!)
        {
            require(setting is not null && (setting.Role is null || IsName(setting.Role)), field + ".Settings",
                () => $"'{Shown(setting?.Role)}' is not a role name");
            require(setting!.Name is not null && SettingNamePattern().IsMatch(setting.Name), field + ".Settings",
                () => $"'{Shown(setting.Name)}' is not a parameter name");
            // The values of list parameters are given back to ALTER ... SET as written (see DatabaseSetting), so
            // they must be the quoted list PostgreSQL itself stores, never SQL of their own.
            require(setting.Value is not null && !setting.Value.Contains('\0')
                    && (!DatabaseSetting.IsListParameter(setting.Name!) || setting.Value == "\"\"" || SettingListPattern().IsMatch(setting.Value)),
                field + ".Settings", () => $"the value of {setting.Name} is not one PostgreSQL stores");
        }
    }

    private static bool IsEnvironment(string? environment)
    {
        try
        {
            return environment is not null && BackupNames.NormalizeEnvironment(environment) == environment;
        }
        catch (BackupPsException)
        {
            return false;
        }
    }

    /// <summary>A PostgreSQL identifier as a user may type it.</summary>
    private static bool IsName(string? name) => PostgresNames.IsName(name);

    internal static bool IsText(string text, bool allowEmpty = false) =>
        (allowEmpty || text.Length > 0) && text.Length <= MaxTextLength && !text.Any(char.IsControl);

    private static bool IsVersion(string version) => IsText(version) && char.IsAsciiDigit(version[0]);

    /// <summary>
    /// True when <see cref="BackupManifest.FileName"/> is what <see cref="BackupNames.ArtifactFileName(string, string, DateTimeOffset, BackupFormat, CompressionKind, int)"/>
    /// gives this manifest's database, environment, start, format and compression for some claim (1, 2, ...).
    /// </summary>
    private static bool IsArtifactName(BackupManifest m) =>
        m.FileName is not null && Enum.IsDefined(m.Format) && Enum.IsDefined(m.Compression) && IsName(m.Database)
        && IsClaimedName(m.FileName, BackupNames.ArtifactFileName(m.Database!, m.Environment, m.StartedUtc, m.Format, m.Compression),
            (m.Format == BackupFormat.Custom ? ".dump" : ".sql") + m.Compression.FileExtension());

    /// <summary>
    /// True when <paramref name="fileName"/> is <paramref name="first"/> (claim 1) or the same stem with "-&lt;n&gt;" before
    /// <paramref name="extension"/> for a later claim (see <see cref="BackupPlacement"/>).
    /// </summary>
    internal static bool IsClaimedName(string fileName, string first, string extension)
    {
        if (fileName == first)
        {
            return true;
        }

        var stem = first[..^extension.Length] + "-";
        if (!fileName.StartsWith(stem, StringComparison.Ordinal) || !fileName.EndsWith(extension, StringComparison.Ordinal)
            || fileName.Length <= stem.Length + extension.Length)
        {
            return false;
        }

        var claim = fileName[stem.Length..^extension.Length];
        return claim[0] != '0' && int.TryParse(claim, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            && n is >= 2 and <= BackupPlacement.MaxClaims;
    }

    /// <summary>A value for an error message: at most 80 characters, control characters escaped, so a hostile field cannot forge output lines.</summary>
    internal static string Shown(string? value)
    {
        if (value is null)
        {
            return "(missing)";
        }

        var shown = string.Concat(value.Take(80).Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
        return value.Length > 80 ? shown + "..." : shown;
    }

    [GeneratedRegex("^[0-9a-f]{64}$")]
    internal static partial Regex Sha256Pattern();

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex ContainerIdPattern();

    [GeneratedRegex("^sha256:[0-9a-f]{64}$")]
    private static partial Regex ImageIdPattern();

    /// <summary>Docker's rule for container names.</summary>
    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")]
    private static partial Regex ContainerNamePattern();

    /// <summary>Compose project and service names (compose v1 allowed upper case and dots).</summary>
    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,254}$")]
    private static partial Regex ComposeNamePattern();

    /// <summary>pg_restore's archive version: 1.14-0, 1.16.</summary>
    [GeneratedRegex(@"^[0-9]{1,3}\.[0-9]{1,3}(-[0-9]{1,3})?$")]
    private static partial Regex ArchiveVersionPattern();

    [GeneratedRegex("^[A-Za-z0-9_]{1,32}$")]
    private static partial Regex EncodingPattern();

    /// <summary>A configuration parameter, possibly a custom one with a prefix: statement_timeout, app.tenant.</summary>
    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)*$")]
    private static partial Regex SettingNamePattern();

    /// <summary>A list as PostgreSQL stores it: plain or double-quoted identifiers ("" inside quotes), separated by commas.</summary>
    [GeneratedRegex("""^(?:"(?:[^"\x00]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)(?:, *(?:"(?:[^"\x00]|"")+"|[A-Za-z_][A-Za-z0-9_$]*))*$""")]
    private static partial Regex SettingListPattern();
}
