using System.Text;

namespace BackupPs.Core.EnvFiles;

/// <summary>A line of a .env file that defines nothing: its 1-based number and why, never its text (it may hold a secret).</summary>
/// <param name="Line">The line number, counted from 1; a problem in a multi-line value names the line the definition starts on.</param>
/// <param name="Reason">What is wrong, a phrase without any of the line's text ("text after the closing quote").</param>
public sealed record DotEnvProblem(int Line, string Reason);

/// <summary>The variable names a .env file defines, in file order, each once, and the lines that define nothing.</summary>
public sealed record DotEnvNames(IReadOnlyList<string> Names, IReadOnlyList<DotEnvProblem> Problems);

/// <summary>How the variables of two versions of a .env file differ, by name only (values are compared, never kept).</summary>
/// <param name="Added">Names the new version defines and the old one does not, in the new version's order.</param>
/// <param name="Removed">Names the old version defines and the new one does not, in the old version's order.</param>
/// <param name="Changed">Names both define with different values, in the new version's order.</param>
public sealed record DotEnvDifference(IReadOnlyList<string> Added, IReadOnlyList<string> Removed, IReadOnlyList<string> Changed);

/// <summary>
/// Reads .env files the way docker compose (compose-go's dotenv) and dotenv read them, for their variable NAMES:
/// <c>KEY=value</c>, <c>export KEY=value</c>, <c>KEY: value</c>, values in single, double or backtick quotes (which may span
/// lines; backslash escapes in double quotes only), unquoted values with a trailing <c> # comment</c>, comment and blank
/// lines, a bare <c>KEY</c> (compose passes it through from its own environment), CRLF or CR line ends and a UTF-8 BOM.
/// A name defined twice is listed once, where it first appears; its last value counts (as in both tools).
/// <para>
/// Values are secrets. They exist here only as locals while a file is walked: <see cref="ReadNames"/> returns names and
/// line numbers, <see cref="Compare"/> names only. A line that is not a definition is a <see cref="DotEnvProblem"/>
/// carrying its number and a reason, never its text. Such a line is also a name that looks like encoded data, a
/// base64 or hex run (the continuation of an unquoted multi-line value, a PEM key pasted without quotes): it is
/// reported, not listed, so a fragment of a secret never becomes a "name" in a manifest.
/// </para>
/// </summary>
public static class DotEnvParser
{
    /// <summary>Names at least this long that mix letters and digits like encoded data are taken for data (see the class remarks).</summary>
    private const int EncodedDataMinLength = 16;

    /// <summary>The longest name recorded (the manifest's rule, FileSetValidator).</summary>
    private const int MaxNameLength = 256;

    /// <summary>The names <paramref name="content"/> (the file's bytes, UTF-8 with or without a BOM) defines, and its problem lines.</summary>
    public static DotEnvNames ReadNames(ReadOnlySpan<byte> content)
    {
        var names = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var problems = new List<DotEnvProblem>();
        Walk(Decode(content), (name, _) =>
        {
            if (seen.Add(name))
            {
                names.Add(name);
            }
        }, problems);
        return new DotEnvNames(names, problems);
    }

    /// <summary>
    /// Which names <paramref name="after"/> adds, removes or gives another value than <paramref name="before"/> (empty when
    /// there is no file yet: every name is added). The values are compared here and dropped; lines that define nothing are ignored.
    /// </summary>
    public static DotEnvDifference Compare(ReadOnlySpan<byte> before, ReadOnlySpan<byte> after)
    {
        var old = Values(Decode(before));
        var current = Values(Decode(after));
        var added = current.Order.Where(n => !old.Values.ContainsKey(n)).ToArray();
        var removed = old.Order.Where(n => !current.Values.ContainsKey(n)).ToArray();
        var changed = current.Order.Where(n => old.Values.TryGetValue(n, out var value) && !string.Equals(value, current.Values[n], StringComparison.Ordinal)).ToArray();
        return new DotEnvDifference(added, removed, changed);
    }

    private static (List<string> Order, Dictionary<string, string?> Values) Values(string text)
    {
        var order = new List<string>();
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        Walk(text, (name, value) =>
        {
            if (!values.ContainsKey(name))
            {
                order.Add(name);
            }

            values[name] = value;
        }, []);
        return (order, values);
    }

    /// <summary>UTF-8 without its BOM; bytes that are not UTF-8 become U+FFFD (names are ASCII; values only get compared).</summary>
    private static string Decode(ReadOnlySpan<byte> content)
    {
        var text = Encoding.UTF8.GetString(content.StartsWith("\uFEFF"u8) ? content[3..] : content);
        // CRLF and a lone CR end a line as LF does (files edited on Windows, old Macs).
        return text.Contains('\r', StringComparison.Ordinal) ? text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n') : text;
    }

    /// <summary>
    /// Calls <paramref name="define"/> with each definition's name and value (null for a bare name), in file order, and
    /// adds a problem for each line that defines nothing.
    /// </summary>
    private static void Walk(string text, Action<string, string?> define, List<DotEnvProblem> problems)
    {
        var position = 0;
        var line = 1;
        while (position < text.Length)
        {
            SkipBlanks(text, ref position);
            if (position >= text.Length)
            {
                break;
            }

            if (text[position] == '\n')
            {
                position++;
                line++;
                continue;
            }

            var first = line;
            if (text[position] == '#')
            {
                SkipLine(text, ref position);
                continue;
            }

            if (string.CompareOrdinal(text, position, "export", 0, 6) == 0 && position + 6 < text.Length && text[position + 6] is ' ' or '\t')
            {
                position += 6;
                SkipBlanks(text, ref position);
            }

            var start = position;
            while (position < text.Length && IsNameCharacter(text[position]))
            {
                position++;
            }

            var name = text[start..position];
            SkipBlanks(text, ref position);
            var separator = position < text.Length ? text[position] : '\n';
            if (name.Length == 0 || separator is not ('=' or ':' or '\n' or '#') || !IsName(name))
            {
                problems.Add(new DotEnvProblem(first, name.Length == 0
                    ? "not a definition: it does not start with a variable name"
                    : "not a definition: no '=' after the name, or a name that is none (it starts with a digit, is longer than 256 characters, or looks like encoded data: a line of an unquoted multi-line value?)"));
                SkipLine(text, ref position);
                continue;
            }

            if (separator is '\n' or '#')
            {
                // A bare KEY (compose takes its value from its own environment), maybe with a comment.
                SkipLine(text, ref position);
                define(name, null);
                continue;
            }

            position++;
            SkipBlanks(text, ref position);
            define(name, ReadValue(text, ref position, ref line, name, first, problems));
        }
    }

    /// <summary>The value starting at <paramref name="position"/>, which ends up at the end of the definition's last line.</summary>
    private static string ReadValue(string text, ref int position, ref int line, string name, int first, List<DotEnvProblem> problems)
    {
        var quote = position < text.Length ? text[position] : '\n';
        if (quote is not ('"' or '\'' or '`'))
        {
            var end = text.IndexOf('\n', position) is var newline and >= 0 ? newline : text.Length;
            var raw = text[position..end];
            position = end;
            // An unquoted value ends at a '#' that follows a blank: "a#b" keeps its '#'.
            for (var i = 1; i < raw.Length; i++)
            {
                if (raw[i] == '#' && raw[i - 1] is ' ' or '\t')
                {
                    raw = raw[..i];
                    break;
                }
            }

            return raw.TrimEnd(' ', '\t');
        }

        var value = new StringBuilder();
        var closed = false;
        var lines = 0;
        var index = position + 1;
        for (; index < text.Length; index++)
        {
            var c = text[index];
            if (c == quote)
            {
                closed = true;
                break;
            }

            if (c == '\n')
            {
                lines++;
            }

            if (c == '\\' && quote == '"' && index + 1 < text.Length)
            {
                c = text[++index] switch { 'n' => '\n', 'r' => '\r', 't' => '\t', var other => other };
                lines += text[index] == '\n' ? 1 : 0;
            }

            value.Append(c);
        }

        if (!closed)
        {
            // dotenv then reads the rest of the line as an unquoted value (compose refuses the file): keep the name.
            problems.Add(new DotEnvProblem(first, $"the quoted value of {name} never closes; docker compose refuses this file"));
            var end = text.IndexOf('\n', position) is var newline and >= 0 ? newline : text.Length;
            var rest = text[position..end];
            position = end;
            return rest;
        }

        line += lines;
        position = index + 1;
        SkipBlanks(text, ref position);
        if (position < text.Length && text[position] is not ('\n' or '#'))
        {
            problems.Add(new DotEnvProblem(line, $"text after the closing quote of {name}'s value"));
        }

        SkipLine(text, ref position);
        return value.ToString();
    }

    /// <summary>What a name is made of: ASCII letters, digits and _ . - (compose-go also takes [ ], which no shell variable has).</summary>
    private static bool IsNameCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-';

    /// <summary>A name both dotenv and compose accept, as the manifest records names: a letter or '_' first, at most 256 characters, and not data.</summary>
    private static bool IsName(string name) =>
        (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.Length <= MaxNameLength && !LooksEncoded(name);

    /// <summary>
    /// A long run that mixes upper- and lower-case letters with digits (base64), or is more than a third digits (hex),
    /// is data, not a name someone chose: JWT_SECRET_2 and nodeEnv are names, a line of a PEM key is not.
    /// </summary>
    private static bool LooksEncoded(string name)
    {
        if (name.Length < EncodedDataMinLength)
        {
            return false;
        }

        var digits = name.Count(char.IsAsciiDigit);
        return (digits > 0 && name.Any(char.IsAsciiLetterUpper) && name.Any(char.IsAsciiLetterLower)) || digits * 3 > name.Length;
    }

    private static void SkipBlanks(string text, ref int position)
    {
        while (position < text.Length && text[position] is ' ' or '\t')
        {
            position++;
        }
    }

    /// <summary>To the end of the current line, onto its '\n' (which the caller's loop counts).</summary>
    private static void SkipLine(string text, ref int position)
    {
        var end = text.IndexOf('\n', position);
        position = end < 0 ? text.Length : end;
    }
}
