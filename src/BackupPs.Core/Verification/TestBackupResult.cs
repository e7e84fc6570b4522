using System.Text.Json.Serialization;
using System.Xml;
using BackupPs.Core.Catalog;

namespace BackupPs.Core.Verification;

/// <summary>One check of a backup: a Pester test can assert on <see cref="Passed"/> and show <see cref="Detail"/>.</summary>
public sealed record BackupCheck(string Name, bool Passed, string Detail)
{
    /// <summary>"Sha256: passed (matches the manifest)": one readable line, not the record syntax.</summary>
    public override string ToString() => $"{Name}: {(Passed ? "passed" : "FAILED")}{(Detail.Length > 0 ? $" ({Detail})" : "")}";
}

/// <summary>What Test-Backup emits per backup, immediately, whether it passed or not.</summary>
public sealed class TestBackupResult
{
    public required string Path { get; init; }

    public string? Environment { get; init; }

    /// <summary>What the backup holds (Database, EnvFile, Directory, Volume); null when its manifest could not be read.</summary>
    public BackupKind? Kind { get; init; }

    /// <summary>What the backup is catalogued as: the database, the file set's name (<see cref="BackupManifest.CatalogName"/>).</summary>
    public string? Name { get; init; }

    /// <summary>The database dumped (Database backups only).</summary>
    public string? Database { get; init; }

    public bool Passed { get; init; }

    public required IReadOnlyList<BackupCheck> Checks { get; init; }

    /// <summary>How long the test took, in ISO 8601 ("PT2.1S"); a [TimeSpan] in PowerShell (see <see cref="BackupManifest.Duration"/>).</summary>
    [JsonIgnore]
    public string Duration => XmlConvert.ToString(Elapsed);

    /// <summary>With -Restore: how long the restore itself took (the recovery time to plan with), in ISO 8601; a [TimeSpan] in PowerShell.</summary>
    [JsonIgnore]
    public string? RestoreDuration => RestoreElapsed is { } elapsed ? XmlConvert.ToString(elapsed) : null;

    /// <summary>How long the test took; "Duration" in --json, internal for the reason <see cref="BackupManifest.Elapsed"/> is.</summary>
    [JsonInclude, JsonPropertyName(nameof(Duration))]
    internal TimeSpan Elapsed { get; init; }

    /// <summary>With -Restore: how long the restore itself took; "RestoreDuration" in --json.</summary>
    [JsonInclude, JsonPropertyName(nameof(RestoreDuration))]
    internal TimeSpan? RestoreElapsed { get; init; }

    /// <summary>With -Restore: the throwaway database and container, or for a file set the throwaway folder, the drill restored into (all gone now).</summary>
    public string? RestoredInto { get; init; }

    /// <summary>"app-prod-20261121T020000Z.dump.zst: passed" or "...: failed (Sha256, Decompression)": what "$result" prints.</summary>
    public override string ToString() =>
        $"{System.IO.Path.GetFileName(Path)}: " + (Passed ? "passed" : $"failed ({string.Join(", ", Checks.Where(c => !c.Passed).Select(c => c.Name))})");
}
