using System.Globalization;
using System.Text;
using BackupPs.Core.Errors;

namespace BackupPs.Core.Postgres;

/// <summary>
/// PostgreSQL's names (databases, roles, tables): at most <see cref="MaxBytes"/> bytes of UTF-8 (NAMEDATALEN - 1).
/// The server silently cuts a longer name, so two spellings would mean one database while BackupPs told them apart
/// (its operation lock, its messages, its output): a longer name is refused as typed, never guessed at.
/// </summary>
internal static class PostgresNames
{
    /// <summary>The longest name PostgreSQL keeps whole, in UTF-8 bytes.</summary>
    public const int MaxBytes = 63;

    /// <summary>A name as a user may type it: 1-63 bytes, no NUL.</summary>
    public static bool IsName(string? name) =>
        !string.IsNullOrEmpty(name) && !name.Contains('\0') && Encoding.UTF8.GetByteCount(name) <= MaxBytes;

    /// <summary>Returns <paramref name="name"/>, or refuses it (InvalidName) when it is not a name the server keeps as typed.</summary>
    /// <param name="option">The option it came from, for the message: -Database, -Role.</param>
    public static string Require(string name, string option)
    {
        if (IsName(name))
        {
            return name;
        }

        var why = name.Length == 0 ? "is empty"
            : name.Contains('\0') ? "contains a NUL character"
            : $"is {Encoding.UTF8.GetByteCount(name).ToString(CultureInfo.InvariantCulture)} bytes, and PostgreSQL cuts names to {MaxBytes.ToString(CultureInfo.InvariantCulture)} "
              + $"(it would mean '{Shorten(name, MaxBytes)}')";
        throw new BackupPsException("InvalidName", FailureCategory.InvalidArgument,
            $"{option} '{name.Replace("\0", "\\0", StringComparison.Ordinal)}' {why}; pass the name exactly as the server stores it.")
        { Target = name };
    }

    /// <summary>The longest start of <paramref name="name"/> of at most <paramref name="maxBytes"/> UTF-8 bytes, cut between whole characters.</summary>
    public static string Shorten(string name, int maxBytes)
    {
        var (bytes, end) = (0, 0);
        foreach (var rune in name.EnumerateRunes())
        {
            if (bytes + rune.Utf8SequenceLength > maxBytes)
            {
                break;
            }

            bytes += rune.Utf8SequenceLength;
            end += rune.Utf16SequenceLength;
        }

        return name[..end];
    }
}
