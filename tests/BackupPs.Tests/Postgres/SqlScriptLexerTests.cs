using System.Text;
using BackupPs.Core.Postgres;
using Xunit;

namespace BackupPs.Tests.Postgres;

/// <summary>The psql script lexer on its own: every script is also cut at every byte offset.</summary>
public class SqlScriptLexerTests
{
    private readonly record struct Item(SqlScriptPart Part, string Text, bool CopyFromStdin = false);

    private static Item Stmt(string text, bool copy = false) => new(SqlScriptPart.Statement, text, copy);

    private static Item Comment(string text) => new(SqlScriptPart.Comment, text);

    private static Item Meta(string text) => new(SqlScriptPart.MetaCommand, text);

    private static Item Copy(string text) => new(SqlScriptPart.CopyData, text);

    /// <summary>The non-space items of <paramref name="script"/>, fed in two writes cut at <paramref name="cut"/>.</summary>
    private static List<Item> Lex(byte[] script, int cut)
    {
        var lexer = new SqlScriptLexer();
        var items = new List<Item>();
        var current = new List<byte>();
        var seen = new List<byte>();
        byte? carry = null;
        foreach (var piece in new[] { script[..cut], script[cut..] })
        {
            var data = carry is { } c ? [c, .. piece] : piece;
            carry = null;
            int at = 0;
            while (at < data.Length)
            {
                var run = lexer.Read(data.AsSpan(at));
                if (run.Length == 0)
                {
                    Assert.Equal(1, data.Length - at);
                    carry = data[at];
                    break;
                }

                var bytes = data.AsSpan(at, run.Length).ToArray();
                seen.AddRange(bytes);
                at += run.Length;
                if (run.Part == SqlScriptPart.Space)
                {
                    Assert.All(bytes, b => Assert.True(char.IsWhiteSpace((char)b)));
                    continue;
                }

                Assert.Equal(current.Count == 0, run.Starts);
                current.AddRange(bytes);
                if (run.Ends)
                {
                    items.Add(new Item(run.Part, Encoding.UTF8.GetString(current.ToArray()),
                        run.Part == SqlScriptPart.Statement && lexer.IsCopyFromStdin));
                    current.Clear();
                }
            }
        }

        Assert.Null(carry);
        Assert.Empty(current);
        Assert.Equal(script, seen.ToArray());
        return items;
    }

    private static void AssertItems(string script, params Item[] expected)
    {
        var bytes = Encoding.UTF8.GetBytes(script);
        for (int cut = 0; cut <= bytes.Length; cut++)
        {
            Assert.Equal(expected, Lex(bytes, cut));
        }
    }

    [Fact]
    public void DollarQuotesEndOnlyAtTheirOwnTag()
    {
        AssertItems(
            "CREATE FUNCTION f() RETURNS int AS $_$\nBEGIN;\nCOMMIT;\n$$ ; $a$ $_ $_x$\n$_$ LANGUAGE plpgsql;\n" +
            "SELECT $$;$$, $a$$b$;$a$, $$$$, $b$x$$b$;\n" +
            "SELECT $1;\nSELECT a$b$c;\n" +
            "SELECT $ä$;$ä$;\n",
            Stmt("CREATE FUNCTION f() RETURNS int AS $_$\nBEGIN;\nCOMMIT;\n$$ ; $a$ $_ $_x$\n$_$ LANGUAGE plpgsql;"),
            Stmt("SELECT $$;$$, $a$$b$;$a$, $$$$, $b$x$$b$;"),
            Stmt("SELECT $1;"),
            Stmt("SELECT a$b$c;"),
            Stmt("SELECT $ä$;$ä$;"));
    }

    [Fact]
    public void CommentsNestAndHideStatements()
    {
        AssertItems(
            "/* outer /* inner; */ still; */\n-- GRANT x;\nSELECT 1 /* ; /* ; */ ; */ -- ;\n, 2; -x;\nSELECT 4/2;\n/**/SELECT 5 - -1;\n",
            Comment("/* outer /* inner; */ still; */"),
            Comment("-- GRANT x;\n"),
            Stmt("SELECT 1 /* ; /* ; */ ; */ -- ;\n, 2;"),
            Stmt("-x;"),
            Stmt("SELECT 4/2;"),
            Comment("/**/"),
            Stmt("SELECT 5 - -1;"));
    }

    [Fact]
    public void StringsAndQuotedIdentifiersHideStatements()
    {
        AssertItems(
            "SELECT 'it''s; COMMIT;\n';\n" +
            "SELECT E'it\\'s; \\\\';\n" +
            "SELECT e'a''b\\';c';\n" +
            "SELECT E'a'\n  'b\\';c';\n" +
            "SELECT namE'x;';\n" +
            "SELECT '\\';\n" +
            "SELECT \"a;\n\"\"b\" FROM \"COPY x FROM stdin;\";\n" +
            "SELECT U&'\\0041;', B'01', X'1F';\n",
            Stmt("SELECT 'it''s; COMMIT;\n';"),
            Stmt("SELECT E'it\\'s; \\\\';"),
            Stmt("SELECT e'a''b\\';c';"),
            Stmt("SELECT E'a'\n  'b\\';c';"),
            Stmt("SELECT namE'x;';"),
            Stmt("SELECT '\\';"),
            Stmt("SELECT \"a;\n\"\"b\" FROM \"COPY x FROM stdin;\";"),
            Stmt("SELECT U&'\\0041;', B'01', X'1F';"));
    }

    [Fact]
    public void SemicolonsInsideParenthesesAndSqlStandardBodiesDoNotEndTheStatement()
    {
        AssertItems(
            "CREATE RULE r AS ON INSERT TO t DO ALSO (SELECT 1; SELECT 2);\n" +
            "CREATE FUNCTION public.f() RETURNS integer\n    LANGUAGE sql\n    BEGIN ATOMIC\n SELECT CASE WHEN true THEN 1 END;\n SELECT 2;\nEND;\n" +
            "create or replace procedure p() begin atomic insert into t values (1); end;\n" +
            "BEGIN;\nCOMMIT;\n",
            Stmt("CREATE RULE r AS ON INSERT TO t DO ALSO (SELECT 1; SELECT 2);"),
            Stmt("CREATE FUNCTION public.f() RETURNS integer\n    LANGUAGE sql\n    BEGIN ATOMIC\n SELECT CASE WHEN true THEN 1 END;\n SELECT 2;\nEND;"),
            Stmt("create or replace procedure p() begin atomic insert into t values (1); end;"),
            Stmt("BEGIN;"),
            Stmt("COMMIT;"));
    }

    [Fact]
    public void CopyDataRunsToTheTerminatorLine()
    {
        AssertItems(
            "COPY public.\"a\nb\" (v) FROM stdin;\n1\tx\\.y\n\\\\.\n\\.x\nCOMMIT;\n\\.\n" +
            "copy t from STDIN with (format csv);\r\n\"a\r\n\\.\r\n" +
            "COPY t FROM stdin;\n\\.\n" +
            "COPY (SELECT 1 FROM stdin) TO stdout;\nSELECT 1;\n",
            Stmt("COPY public.\"a\nb\" (v) FROM stdin;", copy: true),
            Copy("1\tx\\.y\n\\\\.\n\\.x\nCOMMIT;\n\\.\n"),
            Stmt("copy t from STDIN with (format csv);", copy: true),
            Copy("\"a\r\n\\.\r\n"),
            Stmt("COPY t FROM stdin;", copy: true),
            Copy("\\.\n"),
            Stmt("COPY (SELECT 1 FROM stdin) TO stdout;"),
            Stmt("SELECT 1;"));
    }

    [Fact]
    public void MetaCommandsRunToTheEndOfTheirLine()
    {
        AssertItems(
            "\\restrict abc'def\n--\n-- PostgreSQL database dump\n--\n\\connect -reuse-previous=on \"dbname='x'\"\nSELECT 1 \\echo ; '\n, 2;\n\\unrestrict abc\n",
            Meta("\\restrict abc'def\n"),
            Comment("--\n"),
            Comment("-- PostgreSQL database dump\n"),
            Comment("--\n"),
            Meta("\\connect -reuse-previous=on \"dbname='x'\"\n"),
            Stmt("SELECT 1 \\echo ; '\n, 2;"),
            Meta("\\unrestrict abc\n"));
    }

    [Fact]
    public void HeadAndTailTokensOfAStatement()
    {
        var lexer = new SqlScriptLexer();
        var script = "Alter TABLE public.\"x\"\"y\" OWNER TO \"app\";"u8;
        var run = lexer.Read(script);
        Assert.True(run.Ends);
        Assert.Equal(script.Length, run.Length);
        Assert.Equal(
            [SqlToken.Alter, SqlToken.Identifier, SqlToken.Identifier, SqlToken.Other],
            Enumerable.Range(0, lexer.HeadCount).Select(lexer.Head));
        Assert.Equal([SqlToken.QuotedIdentifier, SqlToken.To, SqlToken.Owner], new[] { lexer.Tail(0), lexer.Tail(1), lexer.Tail(2) });
        Assert.False(lexer.IsCopyFromStdin);
    }

    [Fact]
    public void ALoneDashOrSlashBetweenItemsWaitsForTheNextByte()
    {
        var lexer = new SqlScriptLexer();
        Assert.Equal(0, lexer.Read("-"u8).Length);
        Assert.Equal(0, lexer.Read("/"u8).Length);
        var run = lexer.Read("-- c\n"u8);
        Assert.Equal((SqlScriptPart.Comment, 5, true, true), (run.Part, run.Length, run.Starts, run.Ends));
    }
}
