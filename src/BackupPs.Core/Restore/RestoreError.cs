using System.Text.RegularExpressions;

namespace BackupPs.Core.Restore;

/// <summary>Kinds of restore errors an operator may decide to accept (-AcceptError); everything else is <see cref="Other"/>.</summary>
public enum RestoreErrorClass
{
    /// <summary>role "x" does not exist: an owner or grantee of the source server is missing here (-NoOwner/-NoAcl avoid it).</summary>
    MissingRole,

    /// <summary>must be owner of ...: e.g. COMMENT ON EXTENSION plpgsql or the public schema, when not restoring as a superuser.</summary>
    NotOwner,

    /// <summary>... already exists: an object the dump creates exists already (e.g. created by a template or an extension).</summary>
    AlreadyExists,

    /// <summary>Anything else. Never accepted.</summary>
    Other,
}

/// <summary>One error pg_restore or psql reported. <see cref="Accepted"/> errors are listed but do not fail the restore.</summary>
/// <param name="Object">The archive entry it came from ("TABLE public.items app"), when pg_restore names it.</param>
/// <param name="Command">The first line of the SQL that failed, when reported.</param>
public sealed record RestoreError(RestoreErrorClass Class, string Message, string? Object, string? Command, bool Accepted);

/// <summary>Reads the errors out of pg_restore's or psql's stderr.</summary>
internal static partial class RestoreErrorParser
{
    private const int MaxTextLength = 300;

    public static IReadOnlyList<RestoreError> Parse(string stderr, IReadOnlyCollection<RestoreErrorClass> accepted)
    {
        var errors = new List<RestoreError>();
        string? entry = null;
        var lines = stderr.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            var toc = TocEntry().Match(line);
            if (toc.Success)
            {
                entry = toc.Groups[1].Value.Trim();
                continue;
            }

            var error = ErrorLine().Match(line);
            if (!error.Success)
            {
                continue;
            }

            var message = Clip(ServerPrefix().Replace(error.Groups["message"].Value.Trim(), ""));
            string? command = null;
            if (i + 1 < lines.Length && lines[i + 1].StartsWith("Command was: ", StringComparison.Ordinal))
            {
                command = Clip(lines[i + 1]["Command was: ".Length..].Trim());
            }

            var kind = Classify(message);
            errors.Add(new RestoreError(kind, message, entry, command, kind != RestoreErrorClass.Other && accepted.Contains(kind)));
            entry = null;
        }

        return errors;
    }

    internal static RestoreErrorClass Classify(string message) =>
        MissingRole().IsMatch(message) ? RestoreErrorClass.MissingRole
        : message.Contains("must be owner of", StringComparison.Ordinal) ? RestoreErrorClass.NotOwner
        : message.Contains("already exists", StringComparison.Ordinal) ? RestoreErrorClass.AlreadyExists
        : RestoreErrorClass.Other;

    private static string Clip(string text) => text.Length > MaxTextLength ? text[..MaxTextLength] + "..." : text;

    // pg_restore 12: "pg_restore: [archiver (db)] Error from TOC entry 215; 1259 16386 TABLE items app"
    // pg_restore 13+: "pg_restore: from TOC entry 215; 1259 16386 TABLE items app"
    [GeneratedRegex(@"^pg_restore: (?:\[archiver \(db\)\] Error )?from TOC entry \d+; \d+ \d+ (.*)$", RegexOptions.IgnoreCase)]
    private static partial Regex TocEntry();

    // "pg_restore: error: could not execute query: ERROR:  role "x" does not exist" (13+),
    // "pg_restore: [archiver (db)] could not execute query: ERROR: ..." (12),
    // "psql:<stdin>:42: ERROR:  syntax error at ..." and "psql: error: connection to server ... failed".
    [GeneratedRegex(@"^(?:pg_restore: (?:error: |\[archiver \(db\)\] )(?:could not execute query: )?|psql:[^:]*:\d+: (?=(?:ERROR|FATAL):)|psql: error: )(?<message>.*)$")]
    private static partial Regex ErrorLine();

    [GeneratedRegex(@"^(?:ERROR|FATAL):\s+")]
    private static partial Regex ServerPrefix();

    [GeneratedRegex(@"role "".*"" does not exist")]
    private static partial Regex MissingRole();
}
