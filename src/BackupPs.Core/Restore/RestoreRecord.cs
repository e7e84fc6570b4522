using System.Text.Json.Serialization;
using System.Xml;
using BackupPs.Core.Catalog;

namespace BackupPs.Core.Restore;

/// <remarks>Based on long on purpose: PowerShell's ConvertTo-Json writes long-based enums by name, as the CLI's --json does.</remarks>
public enum RestoreMode : long
{
    /// <summary>Into a database that did not exist.</summary>
    New,

    /// <summary>In place of an existing database, which is kept or dropped only after the swap.</summary>
    Replace,
}

/// <summary>What Restore-Database emits per backup restored (also when the restore failed, with the errors).</summary>
public sealed class RestoreRecord
{
    /// <summary>The container restored into.</summary>
    public required string Container { get; init; }

    /// <summary>The database restored into (its final name).</summary>
    public required string Database { get; init; }

    /// <summary>The target's environment, as established by the environment guard.</summary>
    public required string Environment { get; init; }

    public RestoreMode Mode { get; init; }

    /// <summary>True only when the database is in place, verified, with no error that was not accepted.</summary>
    public bool Succeeded { get; init; }

    /// <summary>The backup file restored.</summary>
    public required string BackupPath { get; init; }

    public required string BackupEnvironment { get; init; }

    public required string BackupDatabase { get; init; }

    public DateTimeOffset StartedUtc { get; init; }

    /// <summary>How long the whole restore took, in ISO 8601 ("PT12.3S"); a [TimeSpan] in PowerShell (see <see cref="BackupManifest.Duration"/>).</summary>
    [JsonIgnore]
    public string Duration => XmlConvert.ToString(Elapsed);

    /// <summary>The time pg_restore/psql took, in ISO 8601: the recovery time an operator plans with; a [TimeSpan] in PowerShell.</summary>
    [JsonIgnore]
    public string RestoreDuration => XmlConvert.ToString(RestoreElapsed);

    /// <summary>How long the whole restore took; "Duration" in --json, internal for the reason <see cref="BackupManifest.Elapsed"/> is.</summary>
    [JsonInclude, JsonPropertyName(nameof(Duration))]
    internal TimeSpan Elapsed { get; init; }

    /// <summary>The time pg_restore/psql took; "RestoreDuration" in --json.</summary>
    [JsonInclude, JsonPropertyName(nameof(RestoreDuration))]
    internal TimeSpan RestoreElapsed { get; init; }

    /// <summary>The backup taken of the replaced database first; null when skipped or not a replace.</summary>
    public string? SafetyBackupPath { get; init; }

    /// <summary>True when -SkipSafetyBackup waived the safety backup of a replaced database.</summary>
    public bool SafetyBackupSkipped { get; init; }

    /// <summary>With -KeepPrevious: the name the replaced database was kept under.</summary>
    public string? PreviousDatabase { get; init; }

    /// <summary>Every table of the backup with its recorded and restored row counts.</summary>
    public required IReadOnlyList<TableRowComparison> Tables { get; init; }

    public bool RowCountsMatch { get; init; }

    /// <summary>Every error pg_restore or psql reported, accepted or not.</summary>
    public required IReadOnlyList<RestoreError> Errors { get; init; }

    /// <summary>"app-prod-20261121T020000Z.dump.zst -> app in db (New): succeeded": what "$record" prints.</summary>
    public override string ToString() =>
        $"{System.IO.Path.GetFileName(BackupPath)} -> {Database} in {Container} ({Mode}): {(Succeeded ? "succeeded" : "failed")}"
        + (Errors.Count > 0 ? $", {Errors.Count} error(s)" : "");
}
