using BackupPs.Core.Postgres;
using BackupPs.Core.Restore;
using BackupPs.Core.Verification;

namespace BackupPs.Tests.Restore;

/// <summary>
/// Errors read from what pg_restore and psql of PostgreSQL 15 and 17 really print (captured from the test images):
/// every field the server sends is kept, the whole statement, the archive entry, and the advice.
/// </summary>
public sealed class RestoreErrorParserTests
{
    // pg_restore 15 without -v, a login that is no superuser: no "from TOC entry" lines at all.
    private const string PgRestore15RoleMembership = """
        pg_restore: error: could not execute query: ERROR:  must be member of role "bps_owner"
        Command was: ALTER TABLE public.items OWNER TO bps_owner;

        pg_restore: warning: errors ignored on restore: 1
        """;

    // pg_restore 17 -v, same case: the entry is named, and -v's progress lines come along.
    private const string PgRestore17VerboseRoleMembership = """
        pg_restore: connecting to database for restore
        pg_restore: creating FUNCTION "public.f()"
        pg_restore: while PROCESSING TOC:
        pg_restore: from TOC entry 220; 1255 16403 FUNCTION f() app
        pg_restore: error: could not execute query: ERROR:  must be able to SET ROLE "app"
        Command was: ALTER FUNCTION public.f() OWNER TO app;

        pg_restore: creating TABLE "public.items"
        pg_restore: warning: errors ignored on restore: 1
        """;

    // pg_restore 17 -v: a multi-line statement, then a COPY rejected by a CHECK constraint.
    private const string PgRestore17Verbose = """
        pg_restore: creating VIEW "public.v"
        pg_restore: from TOC entry 219; 1259 16399 VIEW v app
        pg_restore: error: could not execute query: ERROR:  relation "v" already exists
        Command was: CREATE VIEW public.v AS
         SELECT id,
            name
           FROM public.items
          WHERE (id > 0);


        pg_restore: processing data for table "public.t2"
        pg_restore: from TOC entry 3429; 0 16396 TABLE DATA t2 other_owner
        pg_restore: error: COPY failed for table "t2": ERROR:  new row for relation "t2" violates check constraint "t2_x_check"
        DETAIL:  Failing row contains (5).
        CONTEXT:  COPY t2, line 1: "5"
        pg_restore: warning: errors ignored on restore: 2
        """;

    // psql 15 and 17 -b -f file (identical): STATEMENT lines carry the psql prefix, DETAIL and CONTEXT do not.
    private const string PsqlFile = """
        psql:/tmp/s.sql:1: ERROR:  unrecognized configuration parameter "x"
        psql:/tmp/s.sql:1: STATEMENT:  SET x = 1;
        psql:/tmp/s.sql:5: ERROR:  new row for relation "t2" violates check constraint "t2_x_check"
        DETAIL:  Failing row contains (5).
        CONTEXT:  COPY t2, line 1: "5"
        psql:/tmp/s.sql:5: STATEMENT:  COPY public.t2 (x) FROM stdin;
        psql:/tmp/s.sql:8: ERROR:  relation "nothere" does not exist
        LINE 2:   nothere
                  ^
        psql:/tmp/s.sql:8: STATEMENT:  select 1 from
          nothere
          where 1=1;
        """;

    // psql 17 -b reading its stdin: no prefix at all. A statement_timeout cancels a COPY session's load.
    private const string PsqlStdinStatementTimeout = """
        ERROR:  canceling statement due to statement timeout
        CONTEXT:  COPY big, line 351000
        STATEMENT:  COPY public.big (x) FROM stdin;
        """;

    [Fact]
    public void RoleMembershipOfPostgres15WithoutVerboseIsClassifiedWithTheNoOwnerAdvice()
    {
        var error = Assert.Single(RestoreErrorParser.Parse(PgRestore15RoleMembership, []));
        Assert.Equal((RestoreErrorClass.RoleMembership, "must be member of role \"bps_owner\"", null, "ALTER TABLE public.items OWNER TO bps_owner;"),
            (error.Class, error.Message, error.Object, error.Command));
        Assert.Contains("-NoOwner", error.Advice);
        Assert.Contains("role bps_owner", error.Advice);
        Assert.False(error.Accepted);
    }

    [Fact]
    public void RoleMembershipOfPostgres17WithVerboseNamesTheEntryAndCanBeAccepted()
    {
        var error = Assert.Single(RestoreErrorParser.Parse(PgRestore17VerboseRoleMembership, [RestoreErrorClass.RoleMembership]));
        Assert.Equal((RestoreErrorClass.RoleMembership, "must be able to SET ROLE \"app\"", "FUNCTION f() app", true),
            (error.Class, error.Message, error.Object, error.Accepted));
        Assert.Contains("-NoOwner", error.Description);
    }

    [Fact]
    public void MultiLineCommandIsKeptWholeAndCopyFailuresKeepDetailAndContext()
    {
        var errors = RestoreErrorParser.Parse(PgRestore17Verbose, []);
        Assert.Equal(2, errors.Count);
        Assert.Equal("CREATE VIEW public.v AS\n SELECT id,\n    name\n   FROM public.items\n  WHERE (id > 0);", errors[0].Command);
        Assert.Equal((RestoreErrorClass.AlreadyExists, "VIEW v app"), (errors[0].Class, errors[0].Object));
        Assert.Equal(("COPY failed for table \"t2\": new row for relation \"t2\" violates check constraint \"t2_x_check\"", "TABLE DATA t2 other_owner",
            "Failing row contains (5).", "COPY t2, line 1: \"5\""), (errors[1].Message, errors[1].Object, errors[1].Detail, errors[1].Context));
    }

    [Fact]
    public void PsqlFileErrorsCarryTheirStatementsWithoutTheCaretLines()
    {
        var errors = ClientErrorOutput.Parse(PsqlFile);
        Assert.Equal(["SET x = 1;", "COPY public.t2 (x) FROM stdin;", "select 1 from\n  nothere\n  where 1=1;"], errors.Select(e => e.Statement));
        Assert.Equal(("Failing row contains (5).", "COPY t2, line 1: \"5\""), (errors[1].Detail, errors[1].Context));
        Assert.Null(errors[2].Context);
        Assert.All(errors, e => Assert.True(e.StatementError));
    }

    [Fact]
    public void CopySessionErrorNamesItsTableAndTheTimeoutWithAdvice()
    {
        var error = CopyLoader.Locate(Entries(), Assert.Single(RestoreErrorParser.Parse(PsqlStdinStatementTimeout, [])));
        Assert.Equal(("TABLE DATA public.big", "COPY big, line 351000", "COPY public.big (x) FROM stdin;"), (error.Object, error.Context, error.Command));
        Assert.Contains("statement_timeout", error.Advice);
    }

    [Fact]
    public void CopySessionErrorWithoutStatementIsLocatedByItsContextUnlessTheNameIsAmbiguous()
    {
        var error = new RestoreError(RestoreErrorClass.Other, "x", null, null, false) { Context = "COPY big, line 3, column x: \"a\"" };
        Assert.Equal(("TABLE DATA public.big", "COPY public.big (x) FROM stdin;"), (CopyLoader.Locate(Entries(), error).Object, CopyLoader.Locate(Entries(), error).Command));
        var twice = error with { Context = "COPY t, line 3" };
        Assert.Null(CopyLoader.Locate(Entries(), twice).Object);
    }

    [Fact]
    public void CheckConstraintFunctionWithoutSchemaGetsTheSearchPathAdvice()
    {
        // pg_restore 15: a CHECK constraint calls a function that names a table without its schema.
        var error = Assert.Single(RestoreErrorParser.Parse("""
            pg_restore: error: COPY failed for table "stock": ERROR:  relation "limits" does not exist
            LINE 1: q >= (select min_qty from limits)
                                              ^
            QUERY:  q >= (select min_qty from limits)
            CONTEXT:  PL/pgSQL function public.in_stock(integer) line 1 at RETURN
            COPY stock, line 1: "1	5"
            pg_restore: warning: errors ignored on restore: 1
            """, []));
        Assert.Equal("q >= (select min_qty from limits)\nPL/pgSQL function public.in_stock(integer) line 1 at RETURN\nCOPY stock, line 1: \"1\t5\"", error.Context);
        Assert.Contains("public.in_stock(integer)", error.Advice);
        Assert.Contains("search_path", error.Advice);
        var entries = new[] { new ArchiveEntry { DumpId = 1, Desc = "TABLE DATA", Namespace = "public", Tag = "stock", HadDumper = true, CopyStatement = "COPY public.stock (id, qty) FROM stdin;" } };
        Assert.Equal("TABLE DATA public.stock", CopyLoader.Locate(entries, error).Object);
    }

    [Fact]
    public void ServerHintOfOutOfSharedMemoryIsKeptWithAdvice()
    {
        // psql 17 -b on stdin (15 prints the same without the quotes around the setting).
        var error = Assert.Single(RestoreErrorParser.Parse("""
            ERROR:  out of shared memory
            HINT:  You might need to increase "max_locks_per_transaction".
            STATEMENT:  create table t6501(a int)
            """, []));
        Assert.Equal("You might need to increase \"max_locks_per_transaction\".", error.Hint);
        Assert.Contains("HINT: You might need to increase", error.Description);
        Assert.Contains("restart", error.Advice);
    }

    [Fact]
    public void PgDumpErrorsKeepTheServersHintAndTheQuery()
    {
        // pg_dump 15 and 17 print the same shape (captured with a login lacking SELECT; the HINT as the server sends it).
        var error = Assert.Single(ClientErrorOutput.Parse("""
            pg_dump: error: query failed: ERROR:  out of shared memory
            HINT:  You might need to increase max_locks_per_transaction.
            pg_dump: detail: Query was: LOCK TABLE public.secret_t IN ACCESS SHARE MODE
            """));
        Assert.Equal(("out of shared memory", true), (error.Message, error.StatementError));
        Assert.Equal(("You might need to increase max_locks_per_transaction.", "LOCK TABLE public.secret_t IN ACCESS SHARE MODE"), (error.Hint, error.Statement));
        Assert.Contains("max_locks_per_transaction", ClientErrorOutput.Remedy(error.Message, error.Context));
        var connection = Assert.Single(ClientErrorOutput.Parse("""
            pg_dump: error: connection to server on socket "/var/run/postgresql/.s.PGSQL.5432" failed: FATAL:  role "nobody" does not exist
            """));
        Assert.False(connection.StatementError);
    }

    [Fact]
    public void RowSecurityThatHidesRowsFromTheLoginSaysWhoCanCount() =>
        Assert.Contains("BYPASSRLS", ClientErrorOutput.Remedy("query would be affected by row-level security policy for table \"r\"", null));

    [Fact]
    public void ErrorRaisedByAnEventTriggerSaysWhichFunction()
    {
        // psql 15 and 17 -b -c: an event trigger on ddl_command_end blocks BackupPs's own ALTER TABLE.
        var error = Assert.Single(ClientErrorOutput.Parse("""
            ERROR:  DDL is blocked here
            HINT:  ask the DBA
            CONTEXT:  PL/pgSQL function block_ddl() line 4 at RAISE
            STATEMENT:  alter table big set (autovacuum_enabled = false)
            """));
        Assert.Equal(("ask the DBA", "alter table big set (autovacuum_enabled = false)"), (error.Hint, error.Statement));
        Assert.Contains("block_ddl()", ClientErrorOutput.Remedy(error.Message, error.Context));
    }

    [Theory]
    [InlineData("canceling statement due to lock timeout", "lock_timeout")]
    [InlineData("could not extend file \"base/16384/16385\": No space left on device", "disk is full")]
    [InlineData("permission denied for table items", "privilege")]
    public void KnownServerConditionsSayWhatToDo(string message, string advice) =>
        Assert.Contains(advice, ClientErrorOutput.Remedy(message, null));

    [Fact]
    public void ConnectionFailuresAreNotStatementErrors()
    {
        var error = Assert.Single(ClientErrorOutput.Parse(
            "psql: error: connection to server on socket \"/var/run/postgresql/.s.PGSQL.5432\" failed: FATAL:  role \"x\" does not exist\n"));
        Assert.False(error.StatementError);
    }

    [Fact]
    public void LongStatementsKeepTheirFirstLinesAndSayWhatWasLeftOff()
    {
        var body = string.Join('\n', Enumerable.Range(0, 2000).Select(i => $"  perform {i};"));
        var error = Assert.Single(ClientErrorOutput.Parse($"pg_restore: error: could not execute query: ERROR:  boom\nCommand was: CREATE FUNCTION f() AS $$\n{body}\n$$;\n"));
        Assert.StartsWith("CREATE FUNCTION f() AS $$\n  perform 0;\n", error.Statement);
        Assert.InRange(error.Statement!.Length, ClientErrorOutput.MaxStatementLength / 2, ClientErrorOutput.MaxStatementLength + 40);
        Assert.Matches(@"\n\.\.\. \(\d+ more characters\)$", error.Statement);
    }

    [Fact]
    public void TheServerErrorOfACopySessionIsReportedRatherThanTheBrokenPipeItCaused()
    {
        var timeout = CopyLoader.Locate(Entries(), RestoreErrorParser.Parse(PsqlStdinStatementTimeout, [])[0]);
        var outcome = new RestoreOutcome([new BackupCheck("hash", true, "ok")], [timeout], Failure: null, TimeSpan.Zero,
            InputStopped: "pg_restore stopped reading its input (a COPY session stopped reading (Broken pipe))");
        Assert.False(outcome.Succeeded);
        var explained = outcome.Explain();
        Assert.Contains("canceling statement due to statement timeout; in TABLE DATA public.big", explained);
        Assert.Contains("statement_timeout of the server", explained);
        Assert.DoesNotContain("Broken pipe", explained);

        // Without a server error, the stopped input is what there is to say.
        Assert.Contains("Broken pipe", (outcome with { Errors = [] }).Explain());
        Assert.False((outcome with { Errors = [] }).Restored);
    }

    /// <summary>
    /// A role named "o;wn&lt;newline&gt;er'x" owns objects and does not exist on the target: the server's message, the
    /// archive entry and the statement all span two lines, and all of them are kept whole (pg_restore 15 -v, psql -b).
    /// </summary>
    [Fact]
    public void MessagesAndEntriesWithALineBreakAreKeptWholeAndClassified()
    {
        const string pgRestore = """
            pg_restore: from TOC entry 6; 2615 16385 SCHEMA s o;wn
            er'x
            pg_restore: error: could not execute query: ERROR:  role "o;wn
            er'x" does not exist
            Command was: ALTER SCHEMA s OWNER TO "o;wn
            er'x";

            pg_restore: error: could not execute query: ERROR:  must be member of role "o;wn
            er'x"
            Command was: ALTER TABLE s.t OWNER TO "o;wn
            er'x";

            pg_restore: warning: errors ignored on restore: 2
            """;
        var errors = RestoreErrorParser.Parse(pgRestore, [RestoreErrorClass.MissingRole]);
        Assert.Equal(2, errors.Count);
        Assert.Equal((RestoreErrorClass.MissingRole, "role \"o;wn\ner'x\" does not exist", "SCHEMA s o;wn\ner'x", "ALTER SCHEMA s OWNER TO \"o;wn\ner'x\";", true),
            (errors[0].Class, errors[0].Message, errors[0].Object, errors[0].Command, errors[0].Accepted));
        Assert.Contains("-NoOwner", errors[0].Advice);
        Assert.Equal((RestoreErrorClass.RoleMembership, "must be member of role \"o;wn\ner'x\""), (errors[1].Class, errors[1].Message));
        Assert.Contains("role o;wn\ner'x;", errors[1].Advice);
        Assert.DoesNotContain('\n', errors[0].Description);

        const string psql = """
            psql:/tmp/.backupps-1.fifo:20: ERROR:  role "o;wn
            er'x" does not exist
            psql:/tmp/.backupps-1.fifo:20: STATEMENT:  ALTER SCHEMA s OWNER TO "o;wn
            er'x";
            """;
        var error = Assert.Single(RestoreErrorParser.Parse(psql, []));
        Assert.Equal((RestoreErrorClass.MissingRole, "role \"o;wn\ner'x\" does not exist", "ALTER SCHEMA s OWNER TO \"o;wn\ner'x\";"),
            (error.Class, error.Message, error.Command));
    }

    /// <summary>
    /// The advice does not suggest an option the restore ran with: with -NoOwner, a role-membership failure comes from
    /// privileges (ALTER DEFAULT PRIVILEGES FOR ROLE ...), which -NoAcl leaves out.
    /// </summary>
    [Fact]
    public void AdviceDoesNotRepeatAnOptionTheRestoreRanWith()
    {
        const string membership = """
            pg_restore: from TOC entry 3380; 826 16390 DEFAULT ACL DEFAULT PRIVILEGES FOR TABLES bps_stranger
            pg_restore: error: could not execute query: ERROR:  must be member of role "bps_stranger"
            Command was: ALTER DEFAULT PRIVILEGES FOR ROLE bps_stranger IN SCHEMA public GRANT SELECT ON TABLES TO bps_reader;
            """;
        var error = Assert.Single(RestoreErrorParser.Parse(membership, [], noOwner: true));
        Assert.Contains("restore with -NoAcl", error.Advice);
        Assert.DoesNotContain("-NoOwner", error.Advice);
        Assert.Contains("-NoOwner", Assert.Single(RestoreErrorParser.Parse(membership, [])).Advice);
        Assert.DoesNotContain("restore with", Assert.Single(RestoreErrorParser.Parse(membership, [], noOwner: true, noAcl: true)).Advice);

        const string missing = "pg_restore: error: could not execute query: ERROR:  role \"gone\" does not exist\nCommand was: GRANT SELECT ON TABLE public.t TO gone;\n";
        Assert.Contains("restore with -NoOwner -NoAcl,", Assert.Single(RestoreErrorParser.Parse(missing, [])).Advice);
        var withNoOwner = Assert.Single(RestoreErrorParser.Parse(missing, [], noOwner: true)).Advice;
        Assert.Contains("restore with -NoAcl,", withNoOwner);
        Assert.DoesNotContain("-NoOwner", withNoOwner);
        Assert.DoesNotContain("restore with", Assert.Single(RestoreErrorParser.Parse(missing, [], noOwner: true, noAcl: true)).Advice);
    }

    /// <summary>
    /// Parallel COPY sessions load tables side by side: a CHECK constraint or a function that reads another table may
    /// fail where pg_restore (one table after the other) passes. Such errors advise -Jobs 1, when several sessions ran.
    /// </summary>
    [Fact]
    public void CopyErrorsOfCheckConstraintsAndFunctionsAdviseOneSessionWhenSeveralRan()
    {
        var check = new RestoreError(RestoreErrorClass.Other, "new row for relation \"child\" violates check constraint \"child_pid_check\"", null, null, false)
        {
            Context = "COPY child, line 1: \"1\t7\"",
        };
        Assert.Equal(CopyLoader.OneSessionAdvice, CopyLoader.AdviseLoadOrder(check, 2).Advice);
        Assert.Null(CopyLoader.AdviseLoadOrder(check, 1).Advice);

        var function = Assert.Single(RestoreErrorParser.Parse("""
            ERROR:  relation "limits" does not exist
            CONTEXT:  PL/pgSQL function public.in_stock(integer) line 1 at RETURN
            COPY stock, line 1: "1	1"
            STATEMENT:  COPY public.stock (id, qty) FROM stdin;
            """, []));
        var advised = CopyLoader.AdviseLoadOrder(function, 4).Advice;
        Assert.StartsWith("the function public.in_stock(integer) names an object without its schema", advised);
        Assert.EndsWith("; or " + CopyLoader.OneSessionAdvice, advised);

        var timeout = Assert.Single(RestoreErrorParser.Parse(PsqlStdinStatementTimeout, []));
        Assert.Equal(timeout.Advice, CopyLoader.AdviseLoadOrder(timeout, 4).Advice);
    }

    private static ArchiveEntry[] Entries() =>
    [
        TableData(1, "public", "big", "COPY public.big (x) FROM stdin;\n"),
        TableData(2, "public", "t", "COPY public.t (a) FROM stdin;\n"),
        TableData(3, "archive", "t", "COPY archive.t (a) FROM stdin;\n"),
    ];

    private static ArchiveEntry TableData(int id, string schema, string table, string copy) =>
        new() { DumpId = id, Desc = "TABLE DATA", Namespace = schema, Tag = table, HadDumper = true, CopyStatement = copy };
}
