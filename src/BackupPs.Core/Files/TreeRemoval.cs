using BackupPs.Core.Storage;

namespace BackupPs.Core.Files;

/// <summary>
/// Removes a tree a restore wrote (a half-written destination, a drill's throwaway folder, a replaced tree), never following
/// a symbolic link: a link is removed as a link. A folder whose restored mode forbids writing (0555) is opened up to
/// 0700 first, so a non-root user can remove what it wrote.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal static class TreeRemoval
{
    private static readonly EnumerationOptions Everything = new() { AttributesToSkip = 0, IgnoreInaccessible = false, RecurseSubdirectories = false };

    /// <summary>Removes <paramref name="path"/> and everything below it; nothing to do when it does not exist.</summary>
    public static void Remove(string path)
    {
        var status = EntryStatus.Read(path);
        if (status is null)
        {
            return;
        }

        if (status.Value.Kind == EntryKind.Directory)
        {
            RemoveChildren(path);
            Directory.Delete(path);
        }
        else
        {
            File.Delete(path);
        }
    }

    /// <summary>Removes everything inside the folder <paramref name="path"/>, leaving the folder itself (open to its owner: 0700).</summary>
    public static void RemoveChildren(string path)
    {
        File.SetUnixFileMode(path, SecureDirectory.DirectoryMode);
        foreach (var child in Directory.EnumerateFileSystemEntries(path, "*", Everything).ToArray())
        {
            Remove(child);
        }
    }
}
