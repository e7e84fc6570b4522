using System.Formats.Tar;
using System.Text;
using BackupPs.Core.Catalog;
using BackupPs.Core.Errors;
using BackupPs.Core.Files;
using BackupPs.Core.Hosting;

namespace BackupPs.Core.Volumes;

/// <summary>
/// The tar the Engine API's archive endpoint sends for a folder (<c>GET /containers/{id}/archive</c>), turned into the
/// <see cref="SourceEntry"/> stream <see cref="FileSetArchive"/> writes: re-rooted (Docker names every entry under the
/// folder's basename, "backupps-volume/d/f", hard link targets too; the manifest wants "d/f" and the root as "."), with
/// the same refusals as <see cref="TreeScanner"/> (FIFOs and devices, names that are not UTF-8 or hold a line feed: a
/// per-entry error and a <see cref="SkippedEntry"/>) and the same -Exclude rules (<see cref="ExcludePatterns"/>).
/// </summary>
/// <remarks>
/// What the endpoint keeps and what it loses, measured on Docker 20.10: numeric owners, modes (setuid/setgid/sticky
/// included), symbolic and hard links, empty folders are kept; mtimes are cut to whole seconds; of the extended attributes
/// only security.capability comes through; sockets are left out by the daemon without a word. Entries are read in
/// the daemon's order (Go's filepath.Walk: lexical, a folder before what it holds), the order <see cref="TreeScanner"/>
/// uses too. Each file's content is the tar reader's stream of that entry: it must be read before the next entry is
/// asked for, which <see cref="FileSetArchive"/> does. Memory: one tar header, and the names of the files emitted so far
/// (to refuse a hard link to a left-out file, whose content the tar does not carry again).
/// </remarks>
internal sealed class ArchiveSourceEntries
{
    private readonly List<SkippedEntry> _skipped = [];

    /// <summary>What was left out, and why; complete once <see cref="Read"/> has been enumerated to the end.</summary>
    public IReadOnlyList<SkippedEntry> Skipped => _skipped;

    /// <summary>The entries of <paramref name="tar"/> (not disposed), lazily, in its order.</summary>
    /// <param name="shownRoot">How the root is named in messages ("volume data").</param>
    public IEnumerable<SourceEntry> Read(Stream tar, IReadOnlyList<string>? exclude, string shownRoot, IOperationHost host)
    {
        var patterns = new ExcludePatterns(exclude);
        using var reader = new TarReader(tar, leaveOpen: true);
        string? prefix = null;
        var files = new HashSet<string>(StringComparer.Ordinal);
        while (NextEntry(reader, shownRoot) is { } tarEntry)
        {
            var name = tarEntry.Name;
            if (prefix is null)
            {
                // The first entry is the folder itself: "backupps-volume/" (or "./").
                if (tarEntry.EntryType != TarEntryType.Directory)
                {
                    throw Damaged(shownRoot, $"its first entry '{name}' is not the folder itself");
                }

                prefix = name.EndsWith('/') ? name : name + "/";
                yield return new SourceEntry { Entry = Describe(tarEntry, ".", FileEntryType.Directory, null), ExtendedAttributes = Attributes(tarEntry) };
                continue;
            }

            var path = Reroot(name, prefix) ?? throw Damaged(shownRoot, $"the entry '{name}' lies outside '{prefix}'");
            var shown = $"{shownRoot}: {path}";
            if (path.Contains('\uFFFD'))
            {
                Refuse(FileSetErrorIds.NameNotUtf8, path, shown, "its name is not valid UTF-8, which the manifest, the tar's PAX names and a restore need; rename it", host);
                continue;
            }

            if (path.Contains('\n'))
            {
                Refuse(FileSetErrorIds.NameHasNewline, path, shown, "its name holds a line feed, which the tar reader of the read-back and the restore cannot read back; rename it", host);
                continue;
            }

            if (patterns.Matches(path) || IsUnderExcluded(path, patterns))
            {
                continue;
            }

            switch (tarEntry.EntryType)
            {
                case TarEntryType.Directory:
                    yield return new SourceEntry { Entry = Describe(tarEntry, path, FileEntryType.Directory, null), ExtendedAttributes = Attributes(tarEntry) };
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile:
                    files.Add(path);
                    var content = tarEntry.DataStream;
                    yield return new SourceEntry
                    {
                        Entry = Describe(tarEntry, path, FileEntryType.File, null) with { Size = tarEntry.Length },
                        OpenContent = () => content ?? Stream.Null,
                        ExtendedAttributes = Attributes(tarEntry),
                    };
                    break;
                case TarEntryType.SymbolicLink:
                    if (tarEntry.LinkName.Contains('\uFFFD') || tarEntry.LinkName.Contains('\n'))
                    {
                        Refuse(FileSetErrorIds.NameNotUtf8, path, shown, "it is a symbolic link whose target is not valid UTF-8 or holds a line feed; point it at a plain UTF-8 name", host);
                        break;
                    }

                    yield return new SourceEntry { Entry = Describe(tarEntry, path, FileEntryType.SymbolicLink, tarEntry.LinkName), ExtendedAttributes = Attributes(tarEntry) };
                    break;
                case TarEntryType.HardLink:
                    if (Reroot(tarEntry.LinkName, prefix) is { } first && files.Contains(first))
                    {
                        yield return new SourceEntry { Entry = Describe(tarEntry, path, FileEntryType.HardLink, first) with { Size = 0 } };
                    }
                    else
                    {
                        Refuse(FileSetErrorIds.SpecialFileSkipped, path, shown,
                            $"it is a hard link to {tarEntry.LinkName}, which is left out (excluded or refused), and the archive endpoint does not send the content twice; exclude both names or neither", host);
                    }

                    break;
                default:
                    Refuse(FileSetErrorIds.SpecialFileSkipped, path, shown,
                        $"it is a {Describe(tarEntry.EntryType)}, which a backup cannot hold as it is (tar of a pipe would block or copy nothing, a device's content is not a file's); exclude it, or back up what it stands for", host);
                    break;
            }
        }

        if (prefix is null)
        {
            throw Damaged(shownRoot, "it holds no entry at all, not even the folder itself");
        }
    }

    /// <summary>Whether a folder above <paramref name="path"/> is excluded: the daemon still sends what it holds, which TreeScanner would not have entered.</summary>
    private static bool IsUnderExcluded(string path, ExcludePatterns patterns)
    {
        for (var slash = path.IndexOf('/'); slash > 0; slash = path.IndexOf('/', slash + 1))
        {
            if (patterns.Matches(path[..slash]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>"d/f" for "backupps-volume/d/f" (a folder's trailing '/' dropped), "." for the prefix itself; null when outside it.</summary>
    internal static string? Reroot(string name, string prefix)
    {
        var trimmed = name.TrimEnd('/');
        if (trimmed + "/" == prefix)
        {
            return ".";
        }

        return name.StartsWith(prefix, StringComparison.Ordinal) && trimmed.Length > prefix.Length ? trimmed[prefix.Length..] : null;
    }

    private void Refuse(string errorId, string path, string shown, string why, IOperationHost host)
    {
        host.WriteError(new BackupPsException(errorId, FailureCategory.InvalidData, $"{shown} is not backed up: {why}.") { Target = shown });
        _skipped.Add(new SkippedEntry(path, why));
    }

    private static FileEntry Describe(TarEntry tar, string path, FileEntryType type, string? link) => new()
    {
        Path = path,
        Type = type,
        Mode = TreeScanner.FormatMode(tar.Mode),
        Uid = tar.Uid,
        Gid = tar.Gid,
        Modified = tar.ModificationTime.ToUniversalTime(),
        LinkTarget = link,
    };

    /// <summary>
    /// The PAX SCHILY.xattr.* records (the daemon sends security.capability only). .NET reads PAX values as UTF-8 text, so an
    /// attribute whose raw bytes are not UTF-8 cannot be read back exactly: such a value is left out rather than changed.
    /// </summary>
    private static Dictionary<string, byte[]>? Attributes(TarEntry tar)
    {
        const string Prefix = "SCHILY.xattr.";
        if (tar is not PaxTarEntry pax)
        {
            return null;
        }

        var attributes = pax.ExtendedAttributes
            .Where(kv => kv.Key.StartsWith(Prefix, StringComparison.Ordinal) && !kv.Value.Contains('\uFFFD'))
            .ToDictionary(kv => kv.Key[Prefix.Length..], kv => Encoding.UTF8.GetBytes(kv.Value), StringComparer.Ordinal);
        return attributes.Count == 0 ? null : attributes;
    }

    private static string Describe(TarEntryType type) => type switch
    {
        TarEntryType.Fifo => "FIFO",
        TarEntryType.CharacterDevice => "character device",
        TarEntryType.BlockDevice => "block device",
        _ => $"tar entry of type {type}",
    };

    private static TarEntry? NextEntry(TarReader reader, string shownRoot)
    {
        try
        {
            return reader.GetNextEntry(copyData: false);
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
        {
            throw Damaged(shownRoot, e.Message);
        }
    }

    private static BackupPsException Damaged(string shownRoot, string why) =>
        new("VolumeArchiveInvalid", FailureCategory.ProtocolError,
            $"The Docker daemon's archive of {shownRoot} cannot be read as a tar ({why}); nothing was kept. Retry, or run as root on the Docker host to read the volume's folder directly.")
        { Target = shownRoot };
}
