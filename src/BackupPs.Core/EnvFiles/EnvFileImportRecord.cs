using BackupPs.Core.Catalog;

namespace BackupPs.Core.EnvFiles;

/// <summary>What Import-EnvFile did to a file.</summary>
/// <remarks>Based on long on purpose: PowerShell's ConvertTo-Json writes long-based enums by name, as the CLI's --json does.</remarks>
public enum EnvFileImportAction : long
{
    /// <summary>No file was there: it was written.</summary>
    Created,

    /// <summary>A file was there: it was kept as <see cref="EnvFileImportRecord.PreviousCopy"/> and replaced.</summary>
    Replaced,

    /// <summary>The file already had the backup's content, mode and owner: nothing was written.</summary>
    Unchanged,
}

/// <summary>
/// One .env file Import-EnvFile wrote back, by variable NAME only: which names the backup added, removed or gave another
/// value compared with the file it replaced. Never a value.
/// </summary>
public sealed class EnvFileImportRecord
{
    /// <summary>The backup (artifact) the file came from; binds to -Path of Test-Backup and Get-Backup.</summary>
    public required string Path { get; init; }

    /// <summary>Always <see cref="BackupKind.EnvFile"/>.</summary>
    public BackupKind Kind { get; init; } = BackupKind.EnvFile;

    /// <summary>The environment of the backup.</summary>
    public required string Environment { get; init; }

    /// <summary>The file written: the recorded path, or its place under -Destination.</summary>
    public required string File { get; init; }

    /// <summary>The absolute path the file had when it was backed up.</summary>
    public required string RecordedPath { get; init; }

    public EnvFileImportAction Action { get; init; }

    /// <summary>Where the replaced file was kept (&lt;file&gt;.before-&lt;UTC stamp&gt;, mode 0600); null when none was replaced.</summary>
    public string? PreviousCopy { get; init; }

    /// <summary>The mode the file has now, 4 octal digits as recorded ("0640").</summary>
    public required string Mode { get; init; }

    /// <summary>The numeric owner the file has now (the recorded one when running as root).</summary>
    public long Uid { get; init; }

    /// <summary>The numeric group the file has now.</summary>
    public long Gid { get; init; }

    /// <summary>Names the backup defines that the replaced file did not (every name, for a created file).</summary>
    public required IReadOnlyList<string> Added { get; init; }

    /// <summary>Names the replaced file defined that the backup does not.</summary>
    public required IReadOnlyList<string> Removed { get; init; }

    /// <summary>Names both define with different values (compared, never shown).</summary>
    public required IReadOnlyList<string> Changed { get; init; }

    /// <summary>"/opt/app/apps/api/.env: Replaced (+1 -0 ~2)": what "$record" prints.</summary>
    public override string ToString() => $"{File}: {Action} (+{Added.Count} -{Removed.Count} ~{Changed.Count})";
}
