namespace BackupPs.Core.Database;

/// <summary>Quoting for the SQL BackupPs builds itself (database and table names are data, never trusted as SQL).</summary>
internal static class SqlText
{
    /// <summary>A double-quoted identifier: "Order Items", "a""b".</summary>
    public static string Identifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>A standard-conforming string literal ('it''s'); the server's standard_conforming_strings is on since 9.1.</summary>
    public static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>schema.table, both quoted.</summary>
    public static string Table(string schema, string table) => Identifier(schema) + "." + Identifier(table);
}
