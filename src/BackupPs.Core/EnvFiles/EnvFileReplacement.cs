using System.Globalization;
using System.Runtime.InteropServices;
using BackupPs.Core.Errors;
using BackupPs.Core.Storage;

namespace BackupPs.Core.EnvFiles;

/// <summary>
/// Puts one .env file in place the way an editor that saves safely does, so that the app never reads half a file and a
/// power cut leaves either the old or the new one: the content goes into a temporary file in the same folder (mode 0600
/// from the start), gets the recorded owner (as root) and mode, is fsync'ed, and is renamed over the target; the folder
/// is fsync'ed last. The file it replaces is first kept as &lt;file&gt;.before-&lt;UTC stamp&gt; (0600, written and fsync'ed the
/// same way, never overwriting another copy). A failure before the rename removes the temporary file and that copy:
/// the target is as it was.
/// </summary>
internal static class EnvFileReplacement
{
    /// <summary>rwx------ for the folders an import has to create (a -Destination tree): secrets live in them.</summary>
    private const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>How many copies made in the same second may sit side by side (.before-…Z, .before-…Z-2, ...).</summary>
    private const int MaxCopyClaims = 100;

    /// <summary>The file written: its path, and the copy of the file it replaced (null when there was none).</summary>
    public sealed record Result(string? PreviousCopy, IReadOnlyList<string> CreatedFolders);

    /// <param name="target">The absolute path to write.</param>
    /// <param name="previous">The bytes of the file there now, or null when there is none (they are what the copy gets).</param>
    /// <param name="owner">The numeric owner and group to give it, or null to leave it ours (not root).</param>
    /// <param name="now">Names the copy.</param>
    public static Result Write(string target, byte[] content, UnixFileMode mode, (uint Uid, uint Gid)? owner, DateTimeOffset modified,
        byte[]? previous, DateTimeOffset now)
    {
        var folder = Path.GetDirectoryName(target)!;
        var created = CreateFolders(folder);
        string? copy = null;
        var temp = Path.Combine(folder, AtomicFile.TempFileName(Path.GetFileName(target)));
        try
        {
            if (previous is not null)
            {
                copy = KeepCopy(target, previous, now);
            }

            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, BufferSize = 0 };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = AtomicFile.CreateMode;
            }

            using (var file = new FileStream(temp, options))
            {
                file.Write(content);
                if (owner is { } id)
                {
                    // The owner before the mode: chown clears the setuid and setgid bits.
                    ChangeOwner(file, id.Uid, id.Gid);
                }

                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(file.SafeFileHandle, mode);
                }

                file.Flush(flushToDisk: true);
            }

            File.SetLastWriteTimeUtc(temp, modified.UtcDateTime);
            // rename(2) over the target: atomic, in one folder.
            File.Move(temp, target, overwrite: true);
            AtomicFile.SyncDirectory(folder);
            return new Result(copy, created);
        }
        catch
        {
            File.Delete(temp);
            if (copy is not null)
            {
                File.Delete(copy);
            }

            throw;
        }
    }

    /// <summary>&lt;target&gt;.before-&lt;UTC stamp&gt;[-n], 0600, durable, never replacing another file.</summary>
    private static string KeepCopy(string target, byte[] previous, DateTimeOffset now)
    {
        var stem = $"{target}.before-{now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}";
        using var copy = AtomicFile.CreateUnnamed(stem);
        copy.Stream.Write(previous);
        for (var claim = 1; ; claim++)
        {
            try
            {
                copy.CommitAs(claim == 1 ? stem : $"{stem}-{claim}");
                return copy.FinalPath;
            }
            catch (BackupPsException e) when (e.ErrorId == StorageErrorIds.AlreadyExists && claim < MaxCopyClaims)
            {
                // A copy made in the same second by an earlier import: take the next name.
            }
        }
    }

    private static List<string> CreateFolders(string folder)
    {
        var missing = new List<string>();
        for (var level = folder; !Directory.Exists(level); level = Path.GetDirectoryName(level)!)
        {
            missing.Insert(0, level);
        }

        if (missing.Count > 0 && !OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder, FolderMode);
        }

        return missing;
    }

    private static void ChangeOwner(FileStream file, uint uid, uint gid)
    {
        var added = false;
        try
        {
            file.SafeFileHandle.DangerousAddRef(ref added);
            if (LibC.FChown((int)file.SafeFileHandle.DangerousGetHandle(), uid, gid) != 0)
            {
                throw LibC.ErrnoException(Marshal.GetLastPInvokeError(), $"Cannot give {file.Name} the owner {uid}:{gid}");
            }
        }
        finally
        {
            if (added)
            {
                file.SafeFileHandle.DangerousRelease();
            }
        }
    }
}
