using System.Text.RegularExpressions;

namespace BackupPs.Cli;

/// <summary>
/// Text written for both front ends (help, error messages, warnings) names the cmdlets and their
/// parameters the pwsh way; the CLI shows it in its own terms: "-KeepPrevious" becomes
/// "--keep-previous", "-WhatIf" "--what-if", and, in messages, "Get-Backup" "backupps get-backup".
/// </summary>
internal static partial class CliTerms
{
    /// <summary>pwsh common parameters that have a CLI flag of their own (see <see cref="GlobalFlags"/>).</summary>
    private static readonly Dictionary<string, string> CommonFlags = new(StringComparer.Ordinal)
    {
        ["WhatIf"] = "--what-if",
        ["Verbose"] = "--verbose",
    };

    /// <summary>
    /// Spells the parameters a text names the CLI's way: "-Replace" becomes "--replace" when some
    /// command has that option. A token that is no option ("-Unknown") and a hyphen inside a word
    /// ("pre-data", Test-Backup) are left alone.
    /// </summary>
    public static string Options(string text) =>
        ParameterName().Replace(text, m =>
        {
            var name = m.Groups[1].Value;
            if (CommonFlags.TryGetValue(name, out var flag))
            {
                return flag;
            }

            return CommandLine.Commands.SelectMany(c => c.Options).FirstOrDefault(o => o.Property.Name == name) is { } option
                ? "--" + option.CliName
                : m.Value;
        });

    /// <summary>
    /// A message (error, warning, verbose line) in the CLI's terms: its options as <see cref="Options"/>
    /// spells them, and the cmdlets it names as the CLI's commands ("Backup-Database" becomes
    /// "backupps backup-database"), since the operator reading it types those.
    /// </summary>
    public static string Message(string text) =>
        CommandName().Replace(Options(text), m =>
            CommandLine.Commands.FirstOrDefault(c => string.Equals($"{c.Attribute.Verb}-{c.Attribute.Noun}", m.Value, StringComparison.Ordinal)) is { } command
                ? "backupps " + command.Attribute.CliName
                : m.Value);

    [GeneratedRegex(@"(?<![\w-])-([A-Z][A-Za-z]*)\b")]
    private static partial Regex ParameterName();

    /// <summary>A pwsh command name: Verb-Noun, each capitalised, as a word of its own.</summary>
    [GeneratedRegex(@"(?<![\w-])[A-Z][a-z]+-[A-Z][A-Za-z]*\b(?!-)")]
    private static partial Regex CommandName();
}
