namespace BackupPs.Core.Commands;

/// <summary>
/// One example of a command, on its options class next to <see cref="CommandAttribute"/>: Get-Help's
/// EXAMPLES (in declaration order) and, through <see cref="Cli"/>, the examples of
/// `backupps &lt;verb&gt; --help`. The contract tests parse every example and check that the commands
/// and parameters it names exist, so an example cannot drift from the command.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ExampleAttribute : Attribute
{
    /// <summary>A short title: what the example achieves.</summary>
    public string Title { get; init; } = "";

    /// <summary>The PowerShell an operator runs, as typed (several lines allowed).</summary>
    public string Code { get; init; } = "";

    /// <summary>What the example does and why, in paragraphs separated by a blank line.</summary>
    public string Remarks { get; init; } = "";

    /// <summary>
    /// The same example as `backupps` command lines (one per line), when the CLI can express it (it
    /// has no pipeline between commands); null when it cannot.
    /// </summary>
    public string? Cli { get; init; }

    /// <summary>
    /// The title of the <see cref="Cli"/> form when it does less than <see cref="Title"/> says (the CLI cannot pick
    /// the newest backups out of a listing, for one); null when the title fits both.
    /// </summary>
    public string? CliTitle { get; init; }

    /// <summary>The command lines of <see cref="Cli"/>, each whole; none when the CLI cannot express the example.</summary>
    public IReadOnlyList<string> CliLines =>
        Cli?.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? [];
}
