using BackupPs.Core.Errors;

namespace BackupPs.Core.Files;

/// <summary>The stable ErrorIds of the file-set engine (scripts match on them).</summary>
public static class FileSetErrorIds
{
    /// <summary>InvalidData, per entry, non-terminating: a FIFO, socket or device in the tree; recorded in the manifest's Skipped.</summary>
    public const string SpecialFileSkipped = "SpecialFileSkipped";

    /// <summary>InvalidData, per entry, non-terminating: a name (or a link target) that is not valid UTF-8; recorded in Skipped.</summary>
    public const string NameNotUtf8 = "NameNotUtf8";

    /// <summary>
    /// InvalidData, per entry, non-terminating: a name (or a link target) holding a line feed, which the tar reader of
    /// the read-back and the restore (System.Formats.Tar) cannot read back; recorded in Skipped.
    /// </summary>
    public const string NameHasNewline = "NameHasNewline";

    /// <summary>
    /// PermissionDenied: entries of the source that could not be read (a file that cannot be opened, a folder that
    /// cannot be listed). The backup of that source fails after the whole tree was walked, naming them all; nothing is kept.
    /// </summary>
    public const string SourceNotReadable = "SourceNotReadable";

    /// <summary>ReadError: reading a source file failed part-way (an I/O error of its disk); nothing is kept.</summary>
    public const string SourceReadFailed = "SourceReadFailed";

    /// <summary>ObjectNotFound: a -SourcePath that does not exist.</summary>
    public const string SourceNotFound = "SourceNotFound";

    /// <summary>InvalidArgument: a -SourcePath that is not a folder (Backup-Directory).</summary>
    public const string SourceNotDirectory = "SourceNotDirectory";

    /// <summary>WriteError: the written artifact failed its read-back against the file list; nothing was kept.</summary>
    public const string BackupNotProven = "BackupNotProven";
}

/// <summary>Builders of the engine's errors, so each message is worded once.</summary>
internal static class FileSetErrors
{
    /// <summary>How many names an error lists before "and N more".</summary>
    private const int NamesShown = 10;

    public static BackupPsException SourceNotReadable(string root, IReadOnlyList<string> problems) =>
        new(FileSetErrorIds.SourceNotReadable, FailureCategory.PermissionDenied,
            $"{problems.Count} entr{(problems.Count == 1 ? "y" : "ies")} of {root} could not be read, so the backup would miss them: "
            + string.Join("; ", problems.Take(NamesShown))
            + (problems.Count > NamesShown ? $"; and {problems.Count - NamesShown} more" : "")
            + ". Nothing was kept. Run as a user who may read them (for example root), or leave them out with -Exclude.")
        { Target = root };

    /// <summary>
    /// A name's bytes for messages and SkippedEntry.Path: valid UTF-8 as it is, every byte that is not (and control
    /// characters such as a line feed) as \xNN.
    /// </summary>
    public static string ShowBytes(ReadOnlySpan<byte> name)
    {
        var shown = new System.Text.StringBuilder(name.Length);
        while (!name.IsEmpty)
        {
            var status = System.Text.Rune.DecodeFromUtf8(name, out var rune, out var consumed);
            if (status == System.Buffers.OperationStatus.Done && !System.Text.Rune.IsControl(rune))
            {
                shown.Append(rune.ToString());
            }
            else
            {
                foreach (var b in name[..consumed])
                {
                    shown.Append($"\\x{b:x2}");
                }
            }

            name = name[consumed..];
        }

        return shown.ToString();
    }
}
