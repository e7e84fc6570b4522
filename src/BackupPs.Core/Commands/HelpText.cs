namespace BackupPs.Core.Commands;

/// <summary>
/// Turns the help texts written in the options classes (C# raw strings, wrapped for the source file)
/// into paragraphs, so Get-Help and `backupps --help` re-wrap them for their own width.
/// </summary>
public static class HelpText
{
    /// <summary>Indentation that marks a verbatim line (a command to copy), as in Markdown.</summary>
    public const string VerbatimIndent = "    ";

    /// <summary>
    /// Splits <paramref name="text"/> at blank lines; the lines of one paragraph are joined with
    /// single spaces. A line indented by four spaces (a crontab line, a command) is a paragraph of
    /// its own, kept as written with its indentation, because re-wrapping would make it wrong to
    /// copy: see <see cref="IsVerbatim"/>.
    /// </summary>
    public static IReadOnlyList<string> Paragraphs(string text)
    {
        var paragraphs = new List<string>();
        var current = new List<string>();
        foreach (var line in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            if (line.StartsWith(VerbatimIndent, StringComparison.Ordinal) && line.Trim().Length > 0)
            {
                Flush();
                paragraphs.Add(VerbatimIndent + line.Trim());
            }
            else if (line.Trim().Length == 0)
            {
                Flush();
            }
            else
            {
                current.Add(line.Trim());
            }
        }

        Flush();
        return paragraphs;

        void Flush()
        {
            if (current.Count > 0)
            {
                paragraphs.Add(string.Join(' ', current));
                current.Clear();
            }
        }
    }

    /// <summary>Whether a paragraph from <see cref="Paragraphs"/> is a verbatim line, not to be wrapped.</summary>
    public static bool IsVerbatim(string paragraph) => paragraph.StartsWith(VerbatimIndent, StringComparison.Ordinal);

    /// <summary>Breaks <paramref name="text"/> at spaces into lines of at most <paramref name="width"/> characters.</summary>
    public static IEnumerable<string> Wrap(string text, int width)
    {
        var line = new System.Text.StringBuilder();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                yield return line.ToString();
                line.Clear();
            }

            line.Append(line.Length > 0 ? " " : "").Append(word);
        }

        if (line.Length > 0)
        {
            yield return line.ToString();
        }
    }
}
