using System.Globalization;
using System.Text.Json;
using BackupPs.Core.Docker;
using BackupPs.Core.Errors;

namespace BackupPs.Core.Database;

/// <summary>
/// The properties of a database that live in pg_database and pg_db_role_setting rather than in the
/// database, so pg_dump writes them only with --create (its DATABASE and DATABASE PROPERTIES entries),
/// and a plain dump never. Recorded in the manifest at backup time; a restore creates its database
/// with the same encoding and collation (a different collation silently changes ORDER BY and unique
/// indexes on text) and applies the settings once the data is in.
/// </summary>
public sealed record DatabaseProperties
{
    /// <summary>Server encoding name as pg_encoding_to_char gives it: "UTF8", "LATIN1".</summary>
    public required string Encoding { get; init; }

    /// <summary>"libc", "icu" (PostgreSQL 15+) or "builtin" (17+): pg_database.datlocprovider.</summary>
    public required string LocaleProvider { get; init; }

    /// <summary>LC_COLLATE (pg_database.datcollate), e.g. "C.UTF-8", "de_DE.UTF-8".</summary>
    public required string Collate { get; init; }

    /// <summary>LC_CTYPE (pg_database.datctype).</summary>
    public required string Ctype { get; init; }

    /// <summary>The ICU locale ("de-DE") or builtin locale ("C.UTF-8"): daticulocale in 15-16, datlocale from 17; null for libc.</summary>
    public string? Locale { get; init; }

    /// <summary>ICU tailoring rules (pg_database.daticurules, PostgreSQL 16+), or null.</summary>
    public string? IcuRules { get; init; }

    /// <summary>ALTER DATABASE ... SET and ALTER ROLE ... IN DATABASE ... SET settings, as pg_db_role_setting holds them.</summary>
    public IReadOnlyList<DatabaseSetting> Settings { get; init; } = [];

    /// <summary>"UTF8, libc C.UTF-8, 1 setting(s)": one readable line, not the record syntax.</summary>
    public override string ToString() =>
        $"{Encoding}, {LocaleProvider} {Locale ?? Collate}" + (Settings.Count > 0 ? $", {Settings.Count} setting(s)" : "");

    /// <summary>
    /// Reads the properties of <paramref name="database"/> on the server <paramref name="server"/>
    /// connects to. One query whatever the version: to_jsonb of the pg_database row has exactly the
    /// columns this server has (datlocprovider from 15, daticurules from 16, datlocale from 17).
    /// </summary>
    internal static async Task<DatabaseProperties> ReadAsync(DockerClient docker, DatabaseTarget server, string database,
        CancellationToken cancellationToken)
    {
        var json = await server.QueryAsync(docker, $"""
            SELECT pg_catalog.json_build_object(
                     'row', pg_catalog.to_jsonb(d) - 'datacl',
                     'encoding', pg_catalog.pg_encoding_to_char(d.encoding),
                     'settings', (SELECT coalesce(pg_catalog.json_agg(pg_catalog.json_build_object(
                                          'role', CASE WHEN s.setrole = 0 THEN NULL ELSE pg_catalog.pg_get_userbyid(s.setrole) END,
                                          'config', s.setconfig)), '[]')
                                    FROM pg_catalog.pg_db_role_setting s WHERE s.setdatabase = d.oid))
              FROM pg_catalog.pg_database d WHERE d.datname = {SqlText.Literal(database)}
            """, cancellationToken).ConfigureAwait(false);
        return Parse(json);
    }

    internal static DatabaseProperties Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var row = root.GetProperty("row");
        string? Text(string column) => row.TryGetProperty(column, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var provider = Text("datlocprovider") switch
        {
            null or "c" => "libc",
            "i" => "icu",
            "b" => "builtin",
            var other => throw new BackupPsException("DatabaseLocaleUnknown", FailureCategory.InvalidData,
                $"The database uses locale provider '{other}', which this version of BackupPs does not know; update BackupPs.")
            { Target = Text("datname") },
        };
        var settings = new List<DatabaseSetting>();
        foreach (var entry in root.GetProperty("settings").EnumerateArray())
        {
            var role = entry.GetProperty("role").ValueKind == JsonValueKind.String ? entry.GetProperty("role").GetString() : null;
            foreach (var item in entry.GetProperty("config").EnumerateArray())
            {
                // "name=value", as ALTER ... SET stores it (the value keeps any list quoting, e.g. search_path).
                var text = item.GetString()!;
                var equals = text.IndexOf('=', StringComparison.Ordinal);
                settings.Add(new DatabaseSetting(role, text[..equals], text[(equals + 1)..]));
            }
        }

        return new DatabaseProperties
        {
            Encoding = root.GetProperty("encoding").GetString()!,
            LocaleProvider = provider,
            Collate = Text("datcollate") ?? "",
            Ctype = Text("datctype") ?? "",
            Locale = provider == "libc" ? null : Text("datlocale") ?? Text("daticulocale"),
            IcuRules = provider == "icu" ? Text("daticurules") : null,
            Settings = settings,
        };
    }

    /// <summary>
    /// The clauses of CREATE DATABASE that give a new database these properties on a server of major
    /// version <paramref name="serverMajor"/>, or an error naming what that server cannot do. Syntax:
    /// PostgreSQL's CREATE DATABASE reference (LOCALE_PROVIDER and ICU_LOCALE from 15, ICU_RULES from
    /// 16, BUILTIN_LOCALE from 17).
    /// </summary>
    internal string CreateClauses(int serverMajor, string serverName)
    {
        string Unsupported(string what, int since) => throw new BackupPsException("DatabaseLocaleUnsupported", FailureCategory.InvalidOperation,
            $"The backed-up database uses {what}, which PostgreSQL {serverMajor.ToString(CultureInfo.InvariantCulture)} in {serverName} cannot create "
            + $"(it needs PostgreSQL {since.ToString(CultureInfo.InvariantCulture)} or newer); restore into a newer server, or the collation of text would silently change.")
        { Target = serverName };

        var clauses = $"ENCODING {SqlText.Literal(Encoding)} LC_COLLATE {SqlText.Literal(Collate)} LC_CTYPE {SqlText.Literal(Ctype)}";
        switch (LocaleProvider)
        {
            case "icu" when serverMajor < 15:
                return Unsupported($"the ICU locale {Locale}", 15);
            case "icu" when IcuRules is not null && serverMajor < 16:
                return Unsupported("ICU collation rules", 16);
            case "icu":
                clauses += $" LOCALE_PROVIDER icu ICU_LOCALE {SqlText.Literal(Locale ?? "")}";
                return IcuRules is null ? clauses : clauses + " ICU_RULES " + SqlText.Literal(IcuRules);
            case "builtin" when serverMajor < 17:
                return Unsupported($"the builtin locale {Locale}", 17);
            case "builtin":
                return clauses + $" LOCALE_PROVIDER builtin BUILTIN_LOCALE {SqlText.Literal(Locale ?? "")}";
            default:
                return serverMajor >= 15 ? clauses + " LOCALE_PROVIDER libc" : clauses;
        }
    }
}

/// <summary>One database-level setting: ALTER DATABASE ... SET Name TO Value, or with <see cref="Role"/> ALTER ROLE Role IN DATABASE ... SET.</summary>
/// <param name="Role">The role it applies to, or null for everyone.</param>
/// <param name="Name">The parameter, e.g. "statement_timeout", "search_path", "app.tenant".</param>
/// <param name="Value">The value as pg_db_role_setting stores it, e.g. "300ms", "\"$user\", public".</param>
public sealed record DatabaseSetting(string? Role, string Name, string Value)
{
    /// <summary>
    /// Parameters whose stored value is a list that keeps its own quoting and must be given back as is
    /// (pg_dump's makeAlterConfigCommand treats the GUC_LIST_QUOTE parameters so); others are one literal.
    /// </summary>
    private static readonly HashSet<string> ListParameters = ["search_path", "temp_tablespaces", "session_preload_libraries", "local_preload_libraries"];

    /// <summary>True for a parameter whose value is given back as the list it is stored as, not as one literal.</summary>
    internal static bool IsListParameter(string name) => ListParameters.Contains(name.ToLowerInvariant());

    /// <summary>The statement that applies this setting to <paramref name="database"/>.</summary>
    internal string AlterStatement(string database)
    {
        var target = Role is null
            ? $"ALTER DATABASE {SqlText.Identifier(database)}"
            : $"ALTER ROLE {SqlText.Identifier(Role)} IN DATABASE {SqlText.Identifier(database)}";
        // An empty list is stored as "" (a zero-length identifier, which SET refuses): it is given as ''.
        var value = !IsListParameter(Name) ? SqlText.Literal(Value) : Value == "\"\"" ? "''" : Value;
        return $"{target} SET {SqlText.Identifier(Name)} TO {value}";
    }

    /// <summary>"work_mem=64MB" or "search_path=app (role app)": one readable line, not the record syntax.</summary>
    public override string ToString() => $"{Name}={Value}{(Role is null ? "" : $" (role {Role})")}";
}
