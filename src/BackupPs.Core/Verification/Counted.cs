using System.Globalization;

namespace BackupPs.Core.Verification;

/// <summary>Counts in the sentences of checks and messages, with the noun in the number it needs ("1 entry", "2 entries").</summary>
internal static class Counted
{
    /// <summary>"<paramref name="count"/> <paramref name="singular"/>" for 1, else "<paramref name="count"/> <paramref name="plural"/>"; the count in the invariant culture.</summary>
    public static string Of(long count, string singular, string plural) =>
        count.ToString("N0", CultureInfo.InvariantCulture) + " " + (count == 1 ? singular : plural);
}
