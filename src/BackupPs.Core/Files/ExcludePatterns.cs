using System.Text;
using System.Text.RegularExpressions;
using BackupPs.Core.Errors;

namespace BackupPs.Core.Files;

/// <summary>
/// The -Exclude patterns of a tree backup, matched against each entry's path relative to the source root
/// ('/'-separated, as in the manifest). The rules, close to tar --exclude and .gitignore:
/// <list type="bullet">
/// <item>`*` matches any run of characters within one name, `?` one character, `[abc]` / `[a-z]` / `[!abc]` one of a set;
/// `**` matches any number of folders (`**/cache`, `photos/**/*.tmp`).</item>
/// <item>A pattern without '/' matches an entry's name at any depth: `*.tmp`, `.cache`, `node_modules`.</item>
/// <item>A pattern with '/' matches the whole relative path from the root: `photos/2019`, `logs/*.log`; a leading "./"
/// or '/' and a trailing '/' are ignored.</item>
/// <item>An excluded folder is left out with everything in it. The root itself is never excluded.</item>
/// </list>
/// Matching is case-sensitive, as Linux names are.
/// </summary>
public sealed class ExcludePatterns
{
    private readonly (Regex Regex, bool NameOnly)[] _patterns;

    /// <summary>Compiles <paramref name="patterns"/>; an empty one or an unclosed '[' is an InvalidExcludePattern error naming it.</summary>
    public ExcludePatterns(IEnumerable<string>? patterns)
    {
        _patterns = (patterns ?? []).Select(Compile).ToArray();
    }

    /// <summary>True when no pattern was given.</summary>
    public bool IsEmpty => _patterns.Length == 0;

    /// <summary>True when <paramref name="relativePath"/> ('/'-separated, no leading "./") is excluded by a pattern.</summary>
    public bool Matches(string relativePath)
    {
        if (relativePath == ".")
        {
            return false;
        }

        var name = relativePath[(relativePath.LastIndexOf('/') + 1)..];
        foreach (var (regex, nameOnly) in _patterns)
        {
            if (regex.IsMatch(nameOnly ? name : relativePath))
            {
                return true;
            }
        }

        return false;
    }

    private static (Regex, bool) Compile(string pattern)
    {
        var trimmed = pattern?.Trim() ?? "";
        while (trimmed.StartsWith("./", StringComparison.Ordinal))
        {
            trimmed = trimmed[2..];
        }

        trimmed = trimmed.Trim('/');
        if (trimmed.Length == 0 || trimmed == ".")
        {
            throw Invalid(pattern, "it names nothing (the root itself cannot be excluded)");
        }

        var regex = new StringBuilder("^");
        for (var i = 0; i < trimmed.Length; i++)
        {
            var c = trimmed[i];
            if (c == '*' && i + 1 < trimmed.Length && trimmed[i + 1] == '*')
            {
                // "**/" is zero or more folders; a "**" elsewhere anything at all, across '/'.
                var slash = i + 2 < trimmed.Length && trimmed[i + 2] == '/';
                regex.Append(slash ? "(?:.*/)?" : ".*");
                i += slash ? 2 : 1;
            }
            else if (c == '*')
            {
                regex.Append("[^/]*");
            }
            else if (c == '?')
            {
                regex.Append("[^/]");
            }
            else if (c == '[')
            {
                var close = trimmed.IndexOf(']', i + 2);
                if (close < 0)
                {
                    throw Invalid(pattern, "a '[' is not closed by ']'");
                }

                var set = trimmed[(i + 1)..close];
                var negated = set.StartsWith('!') || set.StartsWith('^');
                regex.Append('[').Append(negated ? "^/" : "").Append(Regex.Escape(negated ? set[1..] : set)).Append(']');
                i = close;
            }
            else
            {
                regex.Append(Regex.Escape(c.ToString()));
            }
        }

        regex.Append('$');
        return (new Regex(regex.ToString(), RegexOptions.CultureInvariant | RegexOptions.Singleline), !trimmed.Contains('/'));
    }

    private static BackupPsException Invalid(string? pattern, string why) =>
        new("InvalidExcludePattern", FailureCategory.InvalidArgument,
            $"The -Exclude pattern '{pattern}' is not usable: {why}. Use names or paths relative to the source folder, with * ? [..] and **.")
        { Target = pattern };
}
