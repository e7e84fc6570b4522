using System.Text.Json;
using BackupPs.Tests.Infrastructure;
using Xunit;

namespace BackupPs.Tests.EndToEnd;

internal static class BackupTestHelpers
{
    public static string NewRoot()
    {
        var root = Path.Combine(Path.GetTempPath(), "bps-e2e-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        return root;
    }

    /// <summary>Runs backup-database --json (environment prod unless <paramref name="extra"/> names one) and returns its single record.</summary>
    public static JsonElement Backup(PostgresContainer pg, string root, params string[] extra)
    {
        string[] environment = extra.Contains("--environment") ? [] : ["--environment", "prod"];
        var result = BackupPsCli.Run(["backup-database", "--container", pg.Name, "--path", root, "--json", .. environment, .. extra]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain(PostgresContainer.Password, result.Stdout + result.Stderr);
        return Assert.Single(BackupPsCli.JsonLines(result));
    }

    /// <summary>Every file under the root, relative: proves nothing else (no partial file) was left.</summary>
    public static string[] Files(string root) => Directory.Exists(root)
        ? Directory.GetFiles(root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(root, f)).Order().ToArray()
        : [];

    public static Dictionary<(string, string), long> Tables(JsonElement record) => record.GetProperty("Tables").EnumerateArray()
        .ToDictionary(t => (t.GetProperty("Schema").GetString()!, t.GetProperty("Table").GetString()!), t => t.GetProperty("Rows").GetInt64());
}
