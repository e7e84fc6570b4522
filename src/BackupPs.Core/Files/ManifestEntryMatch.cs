using System.Formats.Tar;
using BackupPs.Core.Catalog;

namespace BackupPs.Core.Files;

/// <summary>
/// How a tar entry of a file set must look for the <see cref="FileEntry"/> that describes it (the engine contract): name,
/// type, size, mode, owner, mtime and link exactly as recorded. The verifier and the extractor compare every header with
/// it before they trust (or write) anything an entry holds.
/// </summary>
internal static class ManifestEntryMatch
{
    /// <summary>The tar entry name of <paramref name="entry"/>: its Path, a folder's with a trailing '/', the root "." as "./".</summary>
    public static string TarName(FileEntry entry) =>
        entry.Path == "." ? "./" : entry.Type == FileEntryType.Directory ? entry.Path + "/" : entry.Path;

    /// <summary>The manifest's Path for a tar entry name (the inverse of <see cref="TarName"/>).</summary>
    public static string ManifestPath(string tarName) =>
        tarName == "./" ? "." : tarName.EndsWith('/') ? tarName[..^1] : tarName;

    /// <summary>The 4 octal digits of a mode with setuid, setgid and sticky ("2775"), as <see cref="FileEntry.Mode"/> holds them.</summary>
    public static string ModeText(UnixFileMode mode) => Convert.ToString((int)mode & 0xFFF, 8).PadLeft(4, '0');

    /// <summary>The mode <see cref="FileEntry.Mode"/> records.</summary>
    public static UnixFileMode Mode(FileEntry entry) => (UnixFileMode)Convert.ToInt32(entry.Mode, 8);

    /// <summary>
    /// How the header of <paramref name="tar"/> differs from <paramref name="expected"/>, as a phrase ("mode 0755, recorded
    /// 0644; size 12, recorded 10"), or null when it matches. The content is compared separately (<see cref="ArtifactTarReader.ReadContent"/>).
    /// </summary>
    public static string? HeaderDifference(TarEntry tar, FileEntry expected)
    {
        var differences = new List<string>();
        var type = TypeOf(tar.EntryType);
        if (type != expected.Type)
        {
            differences.Add($"a {(type is null ? tar.EntryType.ToString() : Describe(type.Value))}, recorded as a {Describe(expected.Type)}");
        }

        if (tar.Name != TarName(expected))
        {
            differences.Add($"named '{tar.Name}', recorded as '{TarName(expected)}'");
        }

        if (tar.Length != expected.Size)
        {
            differences.Add($"size {tar.Length}, recorded {expected.Size}");
        }

        var mode = ModeText(tar.Mode);
        if (mode != expected.Mode)
        {
            differences.Add($"mode {mode}, recorded {expected.Mode}");
        }

        if (tar.Uid != expected.Uid || tar.Gid != expected.Gid)
        {
            differences.Add($"owner {tar.Uid}:{tar.Gid}, recorded {expected.Uid}:{expected.Gid}");
        }

        if (tar.ModificationTime.UtcTicks != expected.Modified.UtcTicks)
        {
            differences.Add($"modified {tar.ModificationTime.UtcDateTime:o}, recorded {expected.Modified.UtcDateTime:o}");
        }

        var link = tar.EntryType is TarEntryType.SymbolicLink or TarEntryType.HardLink ? tar.LinkName : null;
        if (link != expected.LinkTarget)
        {
            differences.Add($"linked to '{link}', recorded '{expected.LinkTarget}'");
        }

        return differences.Count == 0 ? null : string.Join(", ", differences);
    }

    /// <summary>The <see cref="FileEntryType"/> a tar entry type stands for, or null for one a file set never holds (devices, FIFOs, GNU extensions).</summary>
    public static FileEntryType? TypeOf(TarEntryType type) => type switch
    {
        TarEntryType.RegularFile or TarEntryType.V7RegularFile => FileEntryType.File,
        TarEntryType.Directory => FileEntryType.Directory,
        TarEntryType.SymbolicLink => FileEntryType.SymbolicLink,
        TarEntryType.HardLink => FileEntryType.HardLink,
        _ => null,
    };

    /// <summary>"file", "directory", "symbolic link", "hard link".</summary>
    public static string Describe(FileEntryType type) => type switch
    {
        FileEntryType.File => "file",
        FileEntryType.Directory => "directory",
        FileEntryType.SymbolicLink => "symbolic link",
        _ => "hard link",
    };
}
