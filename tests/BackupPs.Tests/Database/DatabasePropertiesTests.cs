using BackupPs.Core.Database;
using BackupPs.Core.Errors;
using Xunit;

namespace BackupPs.Tests.Database;

/// <summary>
/// Reading a database's encoding, collation and settings from the catalog's JSON (the shapes of
/// PostgreSQL 14, 15, 16 and 17 pg_database rows, trimmed to the columns that matter), and turning
/// them back into CREATE DATABASE clauses and ALTER ... SET statements per target version.
/// </summary>
public sealed class DatabasePropertiesTests
{
    private const string NoSettings = """, "settings": []""";

    [Fact]
    public void Postgres14HasOnlyLibc()
    {
        var p = DatabaseProperties.Parse("""{"row": {"datname": "app", "datcollate": "C.UTF-8", "datctype": "C.UTF-8"}, "encoding": "UTF8" """ + NoSettings + "}");
        Assert.Equal(("libc", "C.UTF-8", "C.UTF-8", null), (p.LocaleProvider, p.Collate, p.Ctype, p.Locale));
        Assert.Equal("ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'", p.CreateClauses(14, "db"));
        Assert.Equal("ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' LOCALE_PROVIDER libc", p.CreateClauses(17, "db"));
    }

    [Fact]
    public void Postgres15IcuLocaleIsKeptAndRefusedByOlderServers()
    {
        var p = DatabaseProperties.Parse("""
            {"row": {"datlocprovider": "i", "daticulocale": "de-DE", "datcollate": "C.UTF-8", "datctype": "C.UTF-8"}, "encoding": "UTF8"
            """ + NoSettings + "}");
        Assert.Equal(("icu", "de-DE", null), (p.LocaleProvider, p.Locale, p.IcuRules));
        Assert.Equal("ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' LOCALE_PROVIDER icu ICU_LOCALE 'de-DE'", p.CreateClauses(15, "db"));
        var refused = Assert.Throws<BackupPsException>(() => p.CreateClauses(14, "old-db"));
        Assert.Equal("DatabaseLocaleUnsupported", refused.ErrorId);
        Assert.Contains("PostgreSQL 15 or newer", refused.Message);
    }

    [Fact]
    public void Postgres16RulesAndPostgres17BuiltinNeedTheirVersions()
    {
        var ruled = DatabaseProperties.Parse("""
            {"row": {"datlocprovider": "i", "daticulocale": "und", "daticurules": "&a < z", "datcollate": "C", "datctype": "C"}, "encoding": "UTF8"
            """ + NoSettings + "}");
        Assert.EndsWith("ICU_LOCALE 'und' ICU_RULES '&a < z'", ruled.CreateClauses(16, "db"));
        Assert.Equal("DatabaseLocaleUnsupported", Assert.Throws<BackupPsException>(() => ruled.CreateClauses(15, "db")).ErrorId);

        var builtin = DatabaseProperties.Parse("""
            {"row": {"datlocprovider": "b", "datlocale": "C.UTF-8", "daticurules": null, "datcollate": "C.UTF-8", "datctype": "C.UTF-8"}, "encoding": "UTF8"
            """ + NoSettings + "}");
        Assert.Equal(("builtin", "C.UTF-8", null), (builtin.LocaleProvider, builtin.Locale, builtin.IcuRules));
        Assert.EndsWith("LOCALE_PROVIDER builtin BUILTIN_LOCALE 'C.UTF-8'", builtin.CreateClauses(17, "db"));
        Assert.Equal("DatabaseLocaleUnsupported", Assert.Throws<BackupPsException>(() => builtin.CreateClauses(16, "db")).ErrorId);
    }

    [Fact]
    public void QuotesInLocalesAreLiterals()
    {
        var p = DatabaseProperties.Parse("""{"row": {"datcollate": "it's", "datctype": "C"}, "encoding": "UTF8" """ + NoSettings + "}");
        Assert.Contains("LC_COLLATE 'it''s'", p.CreateClauses(15, "db"));
    }

    [Fact]
    public void SettingsKeepTheirRoleAndValue()
    {
        var p = DatabaseProperties.Parse("""
            {"row": {"datcollate": "C", "datctype": "C"}, "encoding": "UTF8", "settings": [
              {"role": null, "config": ["statement_timeout=300ms", "search_path=\"$user\", public, \"We ird\"", "app.tenant=a=b"]},
              {"role": "app user", "config": ["work_mem=5MB"]}]}
            """);
        Assert.Equal(
            [new DatabaseSetting(null, "statement_timeout", "300ms"), new DatabaseSetting(null, "search_path", "\"$user\", public, \"We ird\""),
             new DatabaseSetting(null, "app.tenant", "a=b"), new DatabaseSetting("app user", "work_mem", "5MB")],
            p.Settings);
    }

    [Theory]
    [InlineData(null, "statement_timeout", "300ms", "ALTER DATABASE \"new\" SET \"statement_timeout\" TO '300ms'")]
    [InlineData(null, "app.tenant", "it's", "ALTER DATABASE \"new\" SET \"app.tenant\" TO 'it''s'")]
    [InlineData(null, "search_path", "\"$user\", public", "ALTER DATABASE \"new\" SET \"search_path\" TO \"$user\", public")]
    [InlineData(null, "search_path", "\"\"", "ALTER DATABASE \"new\" SET \"search_path\" TO ''")]
    [InlineData("app user", "work_mem", "5MB", "ALTER ROLE \"app user\" IN DATABASE \"new\" SET \"work_mem\" TO '5MB'")]
    public void SettingsBecomeTheStatementsThatSetThem(string? role, string name, string value, string statement) =>
        Assert.Equal(statement, new DatabaseSetting(role, name, value).AlterStatement("new"));
}
