using System.Runtime.CompilerServices;

namespace BackupPs.Core.Postgres;

/// <summary>What a run of script bytes belongs to, at the top level of a psql script.</summary>
internal enum SqlScriptPart : byte
{
    /// <summary>Whitespace between items; every run of it stands alone.</summary>
    Space,

    /// <summary>A comment between statements: "--" through the end of its line, or a (nested) "/* */" block.</summary>
    Comment,

    /// <summary>A psql meta-command between statements ("\connect", "\restrict"), through the end of its line.</summary>
    MetaCommand,

    /// <summary>An SQL statement from its first byte through its terminating ';' (quotes, comments and bodies included).</summary>
    Statement,

    /// <summary>The data lines after a COPY ... FROM stdin statement, through the "\." line that ends them.</summary>
    CopyData,
}

/// <summary>The tokens the lexer tells apart in a statement's first and last few tokens (keywords case-insensitive).</summary>
internal enum SqlToken : byte
{
    /// <summary>No token (the statement has fewer).</summary>
    None,

    /// <summary>Punctuation, an operator character, a number, a string or a dollar-quoted body.</summary>
    Other,

    /// <summary>A "double-quoted" identifier.</summary>
    QuotedIdentifier,

    /// <summary>An unquoted identifier or keyword other than the ones below.</summary>
    Identifier,
    Alter,
    Begin,
    Case,
    Copy,
    Create,
    Default,
    End,
    From,
    Function,
    Grant,
    Or,
    Owner,
    Privileges,
    Procedure,
    Replace,
    Revoke,
    Stdin,
    To,
}

/// <summary>One run of bytes of a single <see cref="SqlScriptPart"/>.</summary>
/// <param name="Length">Bytes consumed; 0 only when the lexer must see more bytes first (see <see cref="SqlScriptLexer.Read"/>).</param>
/// <param name="Starts">The run is the first of its item.</param>
/// <param name="Ends">The run completes its item.</param>
internal readonly record struct SqlRun(int Length, SqlScriptPart Part, bool Starts, bool Ends);

/// <summary>
/// A streaming lexer for psql scripts such as pg_dump's plain output: it splits the bytes into
/// top-level items (statements, comments, meta-commands, COPY data) the way psql does, so that
/// whatever looks like a statement inside a string, a quoted identifier, a dollar-quoted body, a
/// comment or COPY data is never taken for one. It follows psql's lexical rules: '' strings (with
/// E'' backslash escapes and their newline continuation), "" identifiers, $tag$ dollar quotes,
/// -- and nested /* */ comments, a statement ending at a ';' outside parentheses and outside the
/// BEGIN ... END of a CREATE FUNCTION/PROCEDURE body (psql's own heuristic), a backslash starting a
/// meta-command through the end of its line, and after COPY ... FROM stdin the data lines through
/// the line that is exactly "\.". The input may be cut at any byte; the state carries over.
/// </summary>
/// <remarks>
/// Plain '' strings are lexed with standard_conforming_strings on. pg_dump's output lexes the same
/// either way: it doubles quotes and, with the setting off, backslashes too, and writes function
/// bodies dollar-quoted. Scanning inside quotes, comments and COPY data is vectorised; nothing is
/// allocated per byte.
/// </remarks>
internal sealed class SqlScriptLexer
{
    private enum State : byte
    {
        Idle,
        ItemLineComment,
        ItemMeta,
        BlockComment,
        Statement,
        StatementDash,
        StatementSlash,
        StatementLineComment,
        StatementMeta,
        Quote,
        EscapeQuote,
        EscapeQuoteBackslash,
        AfterEscapeQuote,
        DoubleQuote,
        AfterDoubleQuote,
        DollarTag,
        DollarBody,
        DollarClose,
        CopyLineRest,
        CopyData,
    }

    // Byte classes: identifier start, identifier continuation only (digits, '$'), whitespace.
    private const byte ClassOther = 0;
    private const byte ClassIdentStart = 1;
    private const byte ClassDigit = 2;
    private const byte ClassDollar = 3;
    private const byte ClassSpace = 4;

    private static readonly byte[] Classes = BuildClasses();

    private const int HeadSize = 4;

    private State _state;
    private SqlScriptPart _part;
    private bool _itemStarted;

    // The current unquoted word (lower-cased; only its first bytes are kept).
    private readonly byte[] _word = new byte[12];
    private int _wordLength;
    private bool _inWord;
    private bool _wordIsIdentifier;

    private int _parenDepth;
    private int _beginDepth;
    private bool _copyFromStdin;
    private int _headCount;
    private readonly SqlToken[] _head = new SqlToken[HeadSize];
    private uint _tail;

    private int _commentDepth;
    private byte _commentPending;
    private bool _afterQuoteSpace;
    private bool _afterQuoteNewline;

    private byte[] _tag = new byte[16];
    private int _tagLength;
    private int _tagMatched;

    // COPY data: the position in the "\." terminator matched at a line start (0 none, 1 "\", 2 "\.", 3 "\.\r").
    private bool _copyAtLineStart;
    private int _copyTerminator;

    /// <summary>How many tokens of the current (or just ended) statement <see cref="Head"/> knows, at most 4.</summary>
    public int HeadCount => _headCount;

    /// <summary>The statement's token number <paramref name="index"/> (0-based, below 4), or None.</summary>
    public SqlToken Head(int index) => index < _headCount ? _head[index] : SqlToken.None;

    /// <summary>The statement's token <paramref name="fromEnd"/> places before its last one (0: the last, up to 3), or None.</summary>
    public SqlToken Tail(int fromEnd) => (SqlToken)(byte)(_tail >> (8 * fromEnd));

    /// <summary>The current (or just ended) statement is COPY ... FROM stdin: data lines follow it.</summary>
    public bool IsCopyFromStdin => _copyFromStdin;

    /// <summary>
    /// Consumes the longest run at the start of <paramref name="data"/> that belongs to one item and
    /// says what it is. A run never goes past the end of an item. Returns a run of length 0 only
    /// when <paramref name="data"/> is a single '-' or '/' between items (a comment or a statement may
    /// start there): call again with that byte followed by more, or, at the end of the script, take it
    /// as the start of a statement that never ended.
    /// </summary>
    public SqlRun Read(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return default;
        }

        switch (_state)
        {
            case State.Idle:
                return StartItem(data);
            case State.CopyLineRest:
                return ReadCopyLineRest(data);
            case State.CopyData:
                return ReadCopyData(data);
            default:
                return Continue(data, 0);
        }
    }

    private SqlRun StartItem(ReadOnlySpan<byte> data)
    {
        byte b = data[0];
        if (Classes[b] == ClassSpace)
        {
            int n = data.IndexOfAnyExcept(" \t\n\r\f\v"u8);
            return n < 0 ? new SqlRun(data.Length, SqlScriptPart.Space, true, false) : new SqlRun(n, SqlScriptPart.Space, true, true);
        }

        _itemStarted = true;
        if (b == (byte)'-' || b == (byte)'/')
        {
            if (data.Length < 2)
            {
                _itemStarted = false;
                return default;
            }

            if (b == (byte)'-' && data[1] == (byte)'-')
            {
                _part = SqlScriptPart.Comment;
                _state = State.ItemLineComment;
                return Continue(data, 2);
            }

            if (b == (byte)'/' && data[1] == (byte)'*')
            {
                _part = SqlScriptPart.Comment;
                _state = State.BlockComment;
                _commentDepth = 1;
                _commentPending = 0;
                return Continue(data, 2);
            }
        }

        if (b == (byte)'\\')
        {
            _part = SqlScriptPart.MetaCommand;
            _state = State.ItemMeta;
            return Continue(data, 1);
        }

        _part = SqlScriptPart.Statement;
        _state = State.Statement;
        _inWord = false;
        _parenDepth = 0;
        _beginDepth = 0;
        _copyFromStdin = false;
        _headCount = 0;
        _tail = 0;
        return Continue(data, 0);
    }

    /// <summary>Scans the open item from <paramref name="i"/> on, up to its end or the end of the data.</summary>
    private SqlRun Continue(ReadOnlySpan<byte> data, int i)
    {
        while (i < data.Length)
        {
            switch (_state)
            {
                case State.ItemLineComment:
                case State.ItemMeta:
                {
                    int nl = data[i..].IndexOf((byte)'\n');
                    if (nl < 0)
                    {
                        return Run(data.Length, ends: false);
                    }

                    return EndItem(i + nl + 1);
                }

                case State.StatementLineComment:
                    // The server ends a comment at \r or \n.
                    if (!SkipPast(data[i..].IndexOfAny((byte)'\n', (byte)'\r'), ref i, State.Statement))
                    {
                        return Run(data.Length, ends: false);
                    }

                    break;

                case State.StatementMeta:
                    if (!SkipPast(data[i..].IndexOf((byte)'\n'), ref i, State.Statement))
                    {
                        return Run(data.Length, ends: false);
                    }

                    break;

                case State.BlockComment:
                {
                    byte b = data[i];
                    if (_commentPending == (byte)'*' && b == (byte)'/')
                    {
                        i++;
                        _commentPending = 0;
                        if (--_commentDepth == 0)
                        {
                            if (_part != SqlScriptPart.Statement)
                            {
                                return EndItem(i);
                            }

                            _state = State.Statement;
                        }

                        break;
                    }

                    if (_commentPending == (byte)'/' && b == (byte)'*')
                    {
                        i++;
                        _commentPending = 0;
                        _commentDepth++;
                        break;
                    }

                    _commentPending = 0;
                    int at = data[i..].IndexOfAny((byte)'*', (byte)'/');
                    if (at < 0)
                    {
                        return Run(data.Length, ends: false);
                    }

                    i += at;
                    _commentPending = data[i];
                    i++;
                    break;
                }

                case State.Statement:
                    if (ScanStatement(data, ref i))
                    {
                        return Run(i, ends: true);
                    }

                    break;

                case State.StatementDash:
                case State.StatementSlash:
                {
                    bool comment = _state == State.StatementDash ? data[i] == (byte)'-' : data[i] == (byte)'*';
                    if (comment)
                    {
                        i++;
                        _state = _state == State.StatementDash ? State.StatementLineComment : State.BlockComment;
                        _commentDepth = 1;
                        _commentPending = 0;
                    }
                    else
                    {
                        // An operator character; the byte after it is read as statement text.
                        Push(SqlToken.Other);
                        _state = State.Statement;
                    }

                    break;
                }

                case State.Quote:
                    // A doubled quote reads as the string closing and a new one opening: the same extent.
                    if (!SkipPast(data[i..].IndexOf((byte)'\''), ref i, State.Statement))
                    {
                        return Run(data.Length, ends: false);
                    }

                    Push(SqlToken.Other);
                    break;

                case State.EscapeQuote:
                {
                    int q = data[i..].IndexOfAny((byte)'\'', (byte)'\\');
                    if (q < 0)
                    {
                        return Run(data.Length, ends: false);
                    }

                    i += q;
                    _state = data[i] == (byte)'\\' ? State.EscapeQuoteBackslash : State.AfterEscapeQuote;
                    _afterQuoteSpace = false;
                    _afterQuoteNewline = false;
                    i++;
                    break;
                }

                case State.EscapeQuoteBackslash:
                    i++;
                    _state = State.EscapeQuote;
                    break;

                case State.AfterEscapeQuote:
                {
                    // E'a''b' and E'a'<newline>'b' continue the same E'' string (its backslashes still escape).
                    byte b = data[i];
                    if (Classes[b] == ClassSpace)
                    {
                        _afterQuoteSpace = true;
                        _afterQuoteNewline |= b == (byte)'\n';
                        i++;
                        break;
                    }

                    if (b == (byte)'\'')
                    {
                        i++;
                        if (!_afterQuoteSpace || _afterQuoteNewline)
                        {
                            _state = State.EscapeQuote;
                        }
                        else
                        {
                            Push(SqlToken.Other);
                            _state = State.Quote;
                        }

                        break;
                    }

                    Push(SqlToken.Other);
                    _state = State.Statement;
                    break;
                }

                case State.DoubleQuote:
                    if (!SkipPast(data[i..].IndexOf((byte)'"'), ref i, State.AfterDoubleQuote))
                    {
                        return Run(data.Length, ends: false);
                    }

                    break;

                case State.AfterDoubleQuote:
                    if (data[i] == (byte)'"')
                    {
                        // "" inside an identifier.
                        i++;
                        _state = State.DoubleQuote;
                    }
                    else
                    {
                        Push(SqlToken.QuotedIdentifier);
                        _state = State.Statement;
                    }

                    break;

                case State.DollarTag:
                {
                    byte b = data[i];
                    if (b == (byte)'$')
                    {
                        i++;
                        _state = State.DollarBody;
                        break;
                    }

                    byte c = Classes[b];
                    if (c == ClassIdentStart || (c == ClassDigit && _tagLength > 0))
                    {
                        if (_tagLength == _tag.Length)
                        {
                            Array.Resize(ref _tag, _tag.Length * 2);
                        }

                        _tag[_tagLength++] = b;
                        i++;
                        break;
                    }

                    // Not a dollar quote ($1, or a stray '$'): the bytes so far are one token.
                    Push(SqlToken.Other);
                    _state = State.Statement;
                    break;
                }

                case State.DollarBody:
                    if (!SkipPast(data[i..].IndexOf((byte)'$'), ref i, State.DollarClose))
                    {
                        return Run(data.Length, ends: false);
                    }

                    _tagMatched = 0;
                    break;

                case State.DollarClose:
                {
                    byte b = data[i];
                    if (_tagMatched < _tagLength)
                    {
                        if (b == _tag[_tagMatched])
                        {
                            _tagMatched++;
                            i++;
                        }
                        else if (b == (byte)'$')
                        {
                            // This '$' may open the closing tag itself.
                            _tagMatched = 0;
                            i++;
                        }
                        else
                        {
                            _state = State.DollarBody;
                        }
                    }
                    else if (b == (byte)'$')
                    {
                        i++;
                        Push(SqlToken.Other);
                        _state = State.Statement;
                    }
                    else
                    {
                        _state = State.DollarBody;
                    }

                    break;
                }

                default:
                    throw new InvalidOperationException("Unexpected lexer state " + _state);
            }
        }

        return Run(data.Length, ends: false);
    }

    /// <summary>
    /// Moves <paramref name="i"/> past the byte found at <paramref name="found"/> (relative to it) and
    /// enters <paramref name="next"/>; false when it was not found (the data ends first).
    /// </summary>
    private bool SkipPast(int found, ref int i, State next)
    {
        if (found < 0)
        {
            return false;
        }

        i += found + 1;
        _state = next;
        return true;
    }

    /// <summary>
    /// Reads statement text (outside quotes and comments) from <paramref name="i"/> until a state
    /// change or the end of the data. True when the statement ended (at <paramref name="i"/>).
    /// </summary>
    private bool ScanStatement(ReadOnlySpan<byte> data, ref int i)
    {
        var classes = Classes;
        while (i < data.Length)
        {
            byte b = data[i];
            byte c = classes[b];
            if (c == ClassIdentStart || c == ClassDigit || (c == ClassDollar && _inWord))
            {
                if (!_inWord)
                {
                    _inWord = true;
                    _wordLength = 0;
                    _wordIsIdentifier = c == ClassIdentStart;
                }

                if (_wordLength < _word.Length)
                {
                    _word[_wordLength] = b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b | 0x20) : b;
                }

                _wordLength++;
                i++;
                continue;
            }

            if (b == (byte)'\'' && _inWord && _wordLength == 1 && _word[0] == (byte)'e')
            {
                // E'...': a string with backslash escapes (the E is part of it).
                _inWord = false;
                _state = State.EscapeQuote;
                i++;
                return false;
            }

            if (_inWord)
            {
                EndWord();
            }

            i++;
            switch (b)
            {
                case (byte)'\'':
                    _state = State.Quote;
                    return false;
                case (byte)'"':
                    _state = State.DoubleQuote;
                    return false;
                case (byte)'$':
                    _tagLength = 0;
                    _state = State.DollarTag;
                    return false;
                case (byte)'-':
                    _state = State.StatementDash;
                    return false;
                case (byte)'/':
                    _state = State.StatementSlash;
                    return false;
                case (byte)'\\':
                    // psql takes the rest of the line as a meta-command; the statement goes on after it.
                    _state = State.StatementMeta;
                    return false;
                case (byte)'(':
                    Push(SqlToken.Other);
                    _parenDepth++;
                    break;
                case (byte)')':
                    Push(SqlToken.Other);
                    if (_parenDepth > 0)
                    {
                        _parenDepth--;
                    }

                    break;
                case (byte)';':
                    if (_parenDepth == 0 && _beginDepth == 0)
                    {
                        _state = _copyFromStdin ? State.CopyLineRest : State.Idle;
                        return true;
                    }

                    Push(SqlToken.Other);
                    break;
                default:
                    if (c != ClassSpace)
                    {
                        Push(SqlToken.Other);
                    }

                    break;
            }
        }

        return false;
    }

    private void EndWord()
    {
        _inWord = false;
        if (!_wordIsIdentifier)
        {
            Push(SqlToken.Other);
            return;
        }

        var token = _wordLength <= _word.Length ? Keyword(_word.AsSpan(0, _wordLength)) : SqlToken.Identifier;
        Push(token);

        // psql's heuristic: in CREATE [OR REPLACE] FUNCTION/PROCEDURE, a ';' between BEGIN and its END
        // (CASE also ends with END) belongs to the SQL-standard body, not the end of the statement.
        if (_parenDepth == 0 && IsRoutineDefinition())
        {
            if (token == SqlToken.Begin || (token == SqlToken.Case && _beginDepth > 0))
            {
                _beginDepth++;
            }
            else if (token == SqlToken.End && _beginDepth > 0)
            {
                _beginDepth--;
            }
        }
    }

    private bool IsRoutineDefinition() =>
        Head(0) == SqlToken.Create
        && (Head(1) is SqlToken.Function or SqlToken.Procedure
            || (Head(1) == SqlToken.Or && Head(2) == SqlToken.Replace && Head(3) is SqlToken.Function or SqlToken.Procedure));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Push(SqlToken token)
    {
        if (token == SqlToken.Stdin && Tail(0) == SqlToken.From && Head(0) == SqlToken.Copy && _parenDepth == 0)
        {
            _copyFromStdin = true;
        }

        if (_headCount < HeadSize)
        {
            _head[_headCount++] = token;
        }

        _tail = (_tail << 8) | (byte)token;
    }

    private static SqlToken Keyword(ReadOnlySpan<byte> w) => w.Length switch
    {
        2 when w.SequenceEqual("or"u8) => SqlToken.Or,
        2 when w.SequenceEqual("to"u8) => SqlToken.To,
        3 when w.SequenceEqual("end"u8) => SqlToken.End,
        4 when w.SequenceEqual("case"u8) => SqlToken.Case,
        4 when w.SequenceEqual("copy"u8) => SqlToken.Copy,
        4 when w.SequenceEqual("from"u8) => SqlToken.From,
        5 when w.SequenceEqual("alter"u8) => SqlToken.Alter,
        5 when w.SequenceEqual("begin"u8) => SqlToken.Begin,
        5 when w.SequenceEqual("grant"u8) => SqlToken.Grant,
        5 when w.SequenceEqual("owner"u8) => SqlToken.Owner,
        5 when w.SequenceEqual("stdin"u8) => SqlToken.Stdin,
        6 when w.SequenceEqual("create"u8) => SqlToken.Create,
        6 when w.SequenceEqual("revoke"u8) => SqlToken.Revoke,
        7 when w.SequenceEqual("default"u8) => SqlToken.Default,
        7 when w.SequenceEqual("replace"u8) => SqlToken.Replace,
        8 when w.SequenceEqual("function"u8) => SqlToken.Function,
        9 when w.SequenceEqual("procedure"u8) => SqlToken.Procedure,
        10 when w.SequenceEqual("privileges"u8) => SqlToken.Privileges,
        _ => SqlToken.Identifier,
    };

    /// <summary>What follows COPY ... FROM stdin; on its line is not data (pg_dump writes nothing there).</summary>
    private SqlRun ReadCopyLineRest(ReadOnlySpan<byte> data)
    {
        int nl = data.IndexOf((byte)'\n');
        if (nl < 0)
        {
            return new SqlRun(data.Length, SqlScriptPart.Space, true, false);
        }

        _state = State.CopyData;
        _copyAtLineStart = true;
        _copyTerminator = 0;
        _itemStarted = true;
        return new SqlRun(nl + 1, SqlScriptPart.Space, true, true);
    }

    /// <summary>COPY data, up to and including the line that is exactly "\." (psql's rule; "\\." in a value never matches).</summary>
    private SqlRun ReadCopyData(ReadOnlySpan<byte> data)
    {
        _part = SqlScriptPart.CopyData;
        int i = 0;
        while (i < data.Length)
        {
            switch (_copyTerminator)
            {
                case 0:
                    if (_copyAtLineStart && data[i] == (byte)'\\')
                    {
                        _copyTerminator = 1;
                        i++;
                        break;
                    }

                    int at = data[i..].IndexOf("\n\\"u8);
                    if (at < 0)
                    {
                        _copyAtLineStart = data[^1] == (byte)'\n';
                        return Run(data.Length, ends: false);
                    }

                    i += at + 2;
                    _copyTerminator = 1;
                    break;
                case 1:
                    _copyTerminator = data[i] == (byte)'.' ? 2 : 0;
                    _copyAtLineStart = false;
                    if (_copyTerminator == 2)
                    {
                        i++;
                    }

                    break;
                case 2:
                case 3:
                    if (data[i] == (byte)'\n')
                    {
                        _state = State.Idle;
                        return EndItem(i + 1);
                    }

                    if (data[i] == (byte)'\r' && _copyTerminator == 2)
                    {
                        _copyTerminator = 3;
                        i++;
                        break;
                    }

                    _copyTerminator = 0;
                    break;
            }
        }

        return Run(data.Length, ends: false);
    }

    private SqlRun EndItem(int length)
    {
        _state = State.Idle;
        return Run(length, ends: true);
    }

    private SqlRun Run(int length, bool ends)
    {
        var run = new SqlRun(length, _part, _itemStarted, ends);
        _itemStarted = false;
        return run;
    }

    private static byte[] BuildClasses()
    {
        var classes = new byte[256];
        for (int b = 0; b < 256; b++)
        {
            classes[b] = b switch
            {
                >= 'a' and <= 'z' or >= 'A' and <= 'Z' or '_' or >= 0x80 => ClassIdentStart,
                >= '0' and <= '9' => ClassDigit,
                '$' => ClassDollar,
                ' ' or '\t' or '\n' or '\r' or '\f' or '\v' => ClassSpace,
                _ => ClassOther,
            };
        }

        return classes;
    }
}
