using System.Text.RegularExpressions;
using BackupPs.Core.Postgres;

namespace BackupPs.Core.Restore;

/// <summary>Kinds of restore errors an operator may decide to accept (-AcceptError); everything else is <see cref="Other"/>.</summary>
/// <remarks>Based on long on purpose: PowerShell's ConvertTo-Json writes long-based enums by name, as the CLI's --json does.</remarks>
public enum RestoreErrorClass : long
{
    /// <summary>role "x" does not exist: an owner or grantee of the source server is missing here (-NoOwner/-NoAcl avoid it).</summary>
    MissingRole,

    /// <summary>must be owner of ...: e.g. COMMENT ON EXTENSION plpgsql or the public schema, when not restoring as a superuser.</summary>
    NotOwner,

    /// <summary>... already exists: an object the dump creates exists already (e.g. created by a template or an extension).</summary>
    AlreadyExists,

    /// <summary>Anything else. Never accepted.</summary>
    Other,

    /// <summary>
    /// must be able to SET ROLE "x" (PostgreSQL 16+), must be member of role "x" (15 and older): a login that is not a
    /// superuser gives an object to a role it is not a member of (ALTER ... OWNER TO); -NoOwner avoids it.
    /// </summary>
    RoleMembership,
}

/// <summary>
/// One error pg_restore or psql reported, with everything the server said about it. <see cref="Accepted"/> errors
/// are listed but do not fail the restore. All text is as the programs printed it (strings or null, no nested objects).
/// </summary>
/// <param name="Message">The server's primary message ("relation "t2" already exists"), without "ERROR:".</param>
/// <param name="Object">
/// What the error is about: pg_restore's archive entry ("TABLE items app": type, name, owner), or for the rows
/// BackupPs's own COPY sessions load, the table ("TABLE DATA public.items").
/// </param>
/// <param name="Command">
/// The whole SQL statement that failed (pg_restore's "Command was:", psql's STATEMENT), up to
/// <see cref="ClientErrorOutput.MaxStatementLength"/> characters: longer ones keep their first lines and say how much was left off.
/// </param>
public sealed record RestoreError(RestoreErrorClass Class, string Message, string? Object, string? Command, bool Accepted)
{
    /// <summary>The server's DETAIL ("Failing row contains (5).").</summary>
    public string? Detail { get; init; }

    /// <summary>The server's HINT ("You might need to increase max_locks_per_transaction.").</summary>
    public string? Hint { get; init; }

    /// <summary>The server's CONTEXT: where it happened ("COPY items, line 42: ...", "PL/pgSQL function f() line 4 at RAISE").</summary>
    public string? Context { get; init; }

    /// <summary>What BackupPs suggests doing about it, when it knows; null otherwise.</summary>
    public string? Advice { get; init; }

    /// <summary>
    /// The error in one line of text: message, object, server fields, statement (cut short), and the advice. A property,
    /// not a method, so it travels with the object through Export-Clixml and Receive-Job and views can show it there.
    /// </summary>
    public string Description => ClientErrorOutput.Describe(Message, Object, Detail, Hint, Context, Command, Advice);

    /// <summary>"AlreadyExists (accepted): ...": the class and the error in one line, not the record syntax.</summary>
    public override string ToString() => $"{Class}{(Accepted ? " (accepted)" : "")}: {Description}";
}

/// <summary>Reads the errors out of pg_restore's or psql's stderr, classifies them and says what to do.</summary>
internal static partial class RestoreErrorParser
{
    /// <param name="noOwner">The restore ran with -NoOwner already: the advice does not suggest it again.</param>
    /// <param name="noAcl">The restore ran with -NoAcl already.</param>
    public static IReadOnlyList<RestoreError> Parse(string stderr, IReadOnlyCollection<RestoreErrorClass> accepted, bool noOwner = false, bool noAcl = false) =>
        ClientErrorOutput.Parse(stderr).Select(e =>
        {
            var kind = Classify(e.Message);
            return new RestoreError(kind, e.Message, e.Entry, e.Statement, kind != RestoreErrorClass.Other && accepted.Contains(kind))
            {
                Detail = e.Detail,
                Hint = e.Hint,
                Context = e.Context,
                Advice = Advise(kind, e.Message, e.Context, noOwner, noAcl),
            };
        }).ToArray();

    internal static RestoreErrorClass Classify(string message) =>
        MissingRole().IsMatch(message) ? RestoreErrorClass.MissingRole
        : RoleMembership().IsMatch(message) ? RestoreErrorClass.RoleMembership
        : message.Contains("must be owner of", StringComparison.Ordinal) ? RestoreErrorClass.NotOwner
        : message.Contains("already exists", StringComparison.Ordinal) ? RestoreErrorClass.AlreadyExists
        : RestoreErrorClass.Other;

    /// <summary>
    /// What to do about an error, for the cases where the remedy is known; the server's own HINT is kept beside it.
    /// Options the restore ran with already are not suggested again: with -NoOwner, a role still named comes from
    /// privileges (GRANT, ALTER DEFAULT PRIVILEGES FOR ROLE), which -NoAcl leaves out.
    /// </summary>
    private static string? Advise(RestoreErrorClass kind, string message, string? context, bool noOwner, bool noAcl)
    {
        var skip = string.Join(' ', new[] { noOwner ? null : "-NoOwner", noAcl ? null : "-NoAcl" }.OfType<string>());
        return kind switch
        {
            RestoreErrorClass.MissingRole =>
                $"class MissingRole: {(skip.Length > 0 ? $"restore with {skip}, " : "")}create the role, or pass -AcceptError MissingRole",
            RestoreErrorClass.RoleMembership => $"class RoleMembership: the login may not {(noOwner ? "act for" : "give objects to")} role "
                + $"{RoleMembership().Match(message).Groups["role"].Value}; "
                + (noOwner ? noAcl ? "" : "restore with -NoAcl (privileges are then left out), " : "restore with -NoOwner (the login then owns them), ")
                + "grant the login membership in that role, restore as a superuser, or pass -AcceptError RoleMembership",
            RestoreErrorClass.NotOwner or RestoreErrorClass.AlreadyExists => $"class {kind}: pass -AcceptError {kind} to accept it",
            _ => ClientErrorOutput.Remedy(message, context),
        };
    }

    // Singleline: a role name may hold a line break.
    [GeneratedRegex(@"role "".*"" does not exist", RegexOptions.Singleline)]
    private static partial Regex MissingRole();

    // PostgreSQL 16+: must be able to SET ROLE "x"; 15 and older: must be member of role "x".
    [GeneratedRegex(@"must be (?:able to SET ROLE|member of role) ""(?<role>.*)""", RegexOptions.Singleline)]
    private static partial Regex RoleMembership();
}
