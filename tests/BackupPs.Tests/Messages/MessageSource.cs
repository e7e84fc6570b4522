using System.Text;
using BackupPs.Tests.Infrastructure;

namespace BackupPs.Tests.Messages;

/// <summary>One message as written in the source: where, and the literals it starts and ends with.</summary>
/// <param name="Starts">The text of each literal a message can start with (each branch of a ?: counts), holes as {expression}.</param>
/// <param name="Ends">The text of each literal a message can end with.</param>
public sealed record SourceMessage(string File, int Line, string Call, string Argument, IReadOnlyList<string> Starts, IReadOnlyList<string> Ends)
{
    public override string ToString() => $"{File}:{Line} {Call}({Argument.ReplaceLineEndings(" ")})";
}

/// <summary>
/// Finds the messages BackupPs shows to people in its C# source: the message argument of every BackupPsException,
/// UsageException, WriteWarning and WriteVerbose call. A small scanner of C# (comments, regular, verbatim,
/// interpolated and raw strings, brackets), so a message built over several lines, with holes and ?: branches,
/// is read as the compiler reads it; messages built elsewhere (a variable, e.Message) are passed over.
/// </summary>
public static class MessageSource
{
    /// <summary>The calls whose argument (by position) is a message.</summary>
    private static readonly (string Call, int Argument)[] Calls =
        [("new BackupPsException(", 2), ("new UsageException(", 0), ("WriteWarning(", 0), ("WriteVerbose(", 0)];

    public static IEnumerable<SourceMessage> FindAll()
    {
        var src = Path.Combine(PostgresContainer.RepositoryRoot, "src");
        foreach (var file in Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                         && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            var text = File.ReadAllText(file);
            var relative = Path.GetRelativePath(PostgresContainer.RepositoryRoot, file);
            foreach (var (start, call, argument) in CallsIn(text))
            {
                var arguments = SplitArguments(text, start);
                if (arguments.Count > argument)
                {
                    var line = text.AsSpan(0, start).Count('\n') + 1;
                    var (starts, ends) = Literals(arguments[argument]);
                    yield return new SourceMessage(relative, line, call.TrimEnd('('), arguments[argument].Trim(), starts, ends);
                }
            }
        }
    }

    /// <summary>The position after the opening parenthesis of each call in code (not in strings or comments).</summary>
    private static IEnumerable<(int Start, string Call, int Argument)> CallsIn(string text)
    {
        for (var i = 0; i < text.Length;)
        {
            var next = SkipNonCode(text, i);
            if (next != i)
            {
                i = next;
                continue;
            }

            foreach (var (call, argument) in Calls)
            {
                var boundary = i == 0 || !(char.IsLetterOrDigit(text[i - 1]) || text[i - 1] == '_');
                if (boundary && string.CompareOrdinal(text, i, call, 0, call.Length) == 0
                    // A declaration (void WriteWarning(string message)) is no call.
                    && !text.AsSpan(0, i).TrimEnd().EndsWith("void", StringComparison.Ordinal))
                {
                    yield return (i + call.Length, call, argument);
                }
            }

            i++;
        }
    }

    /// <summary>The arguments of the call whose '(' ends just before <paramref name="start"/>, as source text.</summary>
    private static List<string> SplitArguments(string text, int start)
    {
        var arguments = new List<string>();
        var depth = 0;
        var from = start;
        for (var i = start; i < text.Length;)
        {
            var next = SkipNonCode(text, i);
            if (next != i)
            {
                i = next;
                continue;
            }

            var c = text[i];
            if (c is '(' or '[' or '{')
            {
                depth++;
            }
            else if (c is ')' or ']' or '}')
            {
                if (depth-- == 0)
                {
                    arguments.Add(text[from..i]);
                    return arguments;
                }
            }
            else if (c == ',' && depth == 0)
            {
                arguments.Add(text[from..i]);
                from = i + 1;
            }

            i++;
        }

        return arguments;
    }

    /// <summary>
    /// The literals at the top level of <paramref name="argument"/> that start it (first in it, or first after a ?
    /// or : of a conditional) and that end it (last in it, or last before a : or the end).
    /// </summary>
    private static (List<string> Starts, List<string> Ends) Literals(string argument)
    {
        var starts = new List<string>();
        var ends = new List<string>();
        var depth = 0;
        var atStart = true;
        string? last = null;
        for (var i = 0; i < argument.Length;)
        {
            var c = argument[i];
            if (char.IsWhiteSpace(c) || (c == '(' && atStart))
            {
                i++;
                continue;
            }

            if (IsStringStart(argument, i))
            {
                var (end, literal) = ReadString(argument, i);
                if (depth == 0)
                {
                    if (atStart)
                    {
                        starts.Add(literal);
                    }

                    last = literal;
                }

                atStart = false;
                i = end;
                continue;
            }

            var next = SkipNonCode(argument, i);
            if (next != i)
            {
                i = next;
                continue;
            }

            if (c == '?' && i + 1 < argument.Length && argument[i + 1] is '?' or '.')
            {
                // ?? and ?. are no conditional.
                last = null;
                atStart = false;
                i += 2;
                continue;
            }

            if (c is '(' or '[' or '{')
            {
                depth++;
            }
            else if (c is ')' or ']' or '}')
            {
                depth--;
            }

            if (depth == 0 && c is '?' or ':')
            {
                if (c == ':' && last is not null)
                {
                    ends.Add(last);
                }

                atStart = true;
                last = null;
            }
            else if (depth == 0 && !(c is ')' && last is not null))
            {
                // Code after a literal (+ e.Message, .Trim()) means the message does not end with that literal.
                if (c is not '+')
                {
                    last = null;
                }

                atStart = false;
            }

            i++;
        }

        if (last is not null)
        {
            ends.Add(last);
        }

        return (starts, ends);
    }

    private static bool IsStringStart(string text, int i)
    {
        var j = i;
        while (j < text.Length && text[j] is '$' or '@')
        {
            j++;
        }

        return j < text.Length && text[j] == '"' && (j == i || text[i] is '$' or '@');
    }

    /// <summary>Skips a comment, a string or a char literal at <paramref name="i"/>; returns <paramref name="i"/> itself at code.</summary>
    private static int SkipNonCode(string text, int i)
    {
        if (i + 1 < text.Length && text[i] == '/' && text[i + 1] == '/')
        {
            var end = text.IndexOf('\n', i);
            return end < 0 ? text.Length : end;
        }

        if (i + 1 < text.Length && text[i] == '/' && text[i + 1] == '*')
        {
            var end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
            return end < 0 ? text.Length : end + 2;
        }

        if (text[i] == '\'')
        {
            var j = i + 1;
            while (j < text.Length && text[j] != '\'')
            {
                j += text[j] == '\\' ? 2 : 1;
            }

            return j + 1;
        }

        return IsStringStart(text, i) ? ReadString(text, i).End : i;
    }

    /// <summary>Reads the string literal at <paramref name="i"/>: where it ends, and its text with holes kept as {expression}.</summary>
    private static (int End, string Text) ReadString(string text, int i)
    {
        var j = i;
        var dollars = 0;
        var verbatim = false;
        while (text[j] is '$' or '@')
        {
            dollars += text[j] == '$' ? 1 : 0;
            verbatim |= text[j] == '@';
            j++;
        }

        var quotes = 0;
        while (j + quotes < text.Length && text[j + quotes] == '"')
        {
            quotes++;
        }

        var result = new StringBuilder();
        if (quotes >= 3)
        {
            // A raw string: its content up to as many quotes again, holes left as they are written.
            var close = new string('"', quotes);
            var end = text.IndexOf(close, j + quotes, StringComparison.Ordinal);
            return (end + quotes, text[(j + quotes)..end].Trim());
        }

        if (quotes == 2)
        {
            return (j + 2, ""); // ""
        }

        j++;
        while (j < text.Length)
        {
            var c = text[j];
            if (c == '"')
            {
                if (verbatim && j + 1 < text.Length && text[j + 1] == '"')
                {
                    result.Append('"');
                    j += 2;
                    continue;
                }

                return (j + 1, result.ToString());
            }

            if (c == '\\' && !verbatim)
            {
                result.Append(text[j + 1]);
                j += 2;
                continue;
            }

            if (dollars > 0 && c == '{')
            {
                if (text[j + 1] == '{')
                {
                    result.Append('{');
                    j += 2;
                    continue;
                }

                // A hole: code up to its closing brace, strings in it included.
                var depth = 0;
                var k = j + 1;
                while (k < text.Length)
                {
                    var next = SkipNonCode(text, k);
                    if (next != k)
                    {
                        k = next;
                        continue;
                    }

                    if (text[k] is '(' or '[' or '{')
                    {
                        depth++;
                    }
                    else if (text[k] is ')' or ']' or '}')
                    {
                        if (depth-- == 0)
                        {
                            break;
                        }
                    }

                    k++;
                }

                result.Append('{').Append(text[(j + 1)..k]).Append('}');
                j = k + 1;
                continue;
            }

            if (dollars > 0 && c == '}' && j + 1 < text.Length && text[j + 1] == '}')
            {
                result.Append('}');
                j += 2;
                continue;
            }

            result.Append(c);
            j++;
        }

        return (j, result.ToString());
    }
}
