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

    public string? Database { get; init; }

    public bool Passed { get; init; }

    public required IReadOnlyList<BackupCheck> Checks { get; init; }

    public TimeSpan Duration { get; init; }

    /// <summary>With -Restore: how long the restore itself took (the recovery time to plan with).</summary>
    public TimeSpan? RestoreDuration { get; init; }

    /// <summary>With -Restore: the throwaway database and container the drill restored into (both gone now).</summary>
    public string? RestoredInto { get; init; }

    /// <summary>"app-prod-20261121T020000Z.dump.zst: passed" or "...: failed (Sha256, Decompression)": what "$result" prints.</summary>
    public override string ToString() =>
        $"{System.IO.Path.GetFileName(Path)}: " + (Passed ? "passed" : $"failed ({string.Join(", ", Checks.Where(c => !c.Passed).Select(c => c.Name))})");
}
