using BackupPs.Core.Catalog;
using BackupPs.Core.Errors;

namespace BackupPs.Core.Files;

/// <summary>
/// The prescan of a restore, on the manifest: every entry a restore would write, checked before anything is written. The
/// tar itself may hold nothing but these entries (<see cref="FileSetVerifier"/> and the extraction compare every header
/// with the manifest), so what is safe here is what gets written. <see cref="FileSetValidator"/> has already refused
/// absolute names, "..", empty segments and hard links to later entries; this adds what depends on the tree as a whole:
/// <list type="bullet">
/// <item>no entry lies below a symbolic link, a file or a hard link (a link, then a write through it);</item>
/// <item>a hard link names a file or a symbolic link (never a folder), resolved to the first name;</item>
/// <item>a symbolic link resolves, from its own place and through the tree's other links, to a path inside the
/// destination; an absolute target counts as outside. <see cref="ExtractOptions.AllowExternalLinks"/> lets such links be
/// created as links (the extraction never writes through any link), as a tree with links into /etc or to ../shared
/// cannot be restored otherwise.</item>
/// </list>
/// </summary>
internal sealed class ExtractionPlan
{
    /// <summary>The ErrorId of a backup holding an entry a restore refuses to write.</summary>
    public const string UnsafeEntryErrorId = "UnsafeBackupEntry";

    /// <summary>Linux's limit on symbolic links followed while resolving one path (MAXSYMLINKS).</summary>
    private const int MaxLinkHops = 40;

    private readonly Dictionary<string, FileEntry> _byPath;

    private ExtractionPlan(Dictionary<string, FileEntry> byPath, IReadOnlyList<string> implicitFolders, IReadOnlyDictionary<string, FileEntry> linkedFirst)
    {
        _byPath = byPath;
        ImplicitFolders = implicitFolders;
        HardLinkTargets = linkedFirst;
    }

    /// <summary>Folders an entry lies in that the manifest does not list (the parents of an EnvFile set's files), parents first.</summary>
    public IReadOnlyList<string> ImplicitFolders { get; }

    /// <summary>For each hard link's path, the entry that holds its content or link (its first name, resolved through other hard links).</summary>
    public IReadOnlyDictionary<string, FileEntry> HardLinkTargets { get; }

    /// <summary>The manifest's entry of <paramref name="path"/>, or null.</summary>
    public FileEntry? Find(string path) => _byPath.GetValueOrDefault(path);

    /// <summary>Checks every entry of <paramref name="manifest"/>; throws <see cref="UnsafeEntryErrorId"/> (InvalidData) at the first one refused.</summary>
    /// <param name="artifactPath">Named in the error.</param>
    public static ExtractionPlan Build(string artifactPath, BackupManifest manifest, ExtractOptions options)
    {
        var files = manifest.Files ?? [];
        var byPath = files.ToDictionary(e => e.Path, StringComparer.Ordinal);
        var implicitFolders = new List<string>();
        var implicitSeen = new HashSet<string>(StringComparer.Ordinal);
        var linkedFirst = new Dictionary<string, FileEntry>(StringComparer.Ordinal);
        BackupPsException Refused(FileEntry entry, string reason) =>
            new(UnsafeEntryErrorId, FailureCategory.InvalidData,
                $"{artifactPath} holds {ManifestValidator.Shown(entry.Path)}, which {reason}; a restore refuses such a backup before writing anything, and nothing was written.")
            { Target = artifactPath };

        foreach (var entry in files)
        {
            if (entry.Path == ".")
            {
                continue;
            }

            var segments = entry.Path.Split('/');
            for (var depth = 1; depth < segments.Length; depth++)
            {
                var ancestor = string.Join('/', segments, 0, depth);
                if (byPath.TryGetValue(ancestor, out var above))
                {
                    if (above.Type != FileEntryType.Directory)
                    {
                        throw Refused(entry, $"lies below {ManifestValidator.Shown(ancestor)}, a {ManifestEntryMatch.Describe(above.Type)}: writing it would go through that");
                    }
                }
                else if (implicitSeen.Add(ancestor))
                {
                    implicitFolders.Add(ancestor);
                }
            }

            if (entry.Type == FileEntryType.HardLink)
            {
                var first = byPath[entry.LinkTarget!];
                while (first.Type == FileEntryType.HardLink)
                {
                    first = byPath[first.LinkTarget!];
                }

                if (first.Type == FileEntryType.Directory)
                {
                    throw Refused(entry, $"is a hard link to the folder {ManifestValidator.Shown(first.Path)}");
                }

                linkedFirst[entry.Path] = first;
            }

            if (entry.Type == FileEntryType.SymbolicLink && !options.AllowExternalLinks && LeadsOutside(entry, byPath) is { } why)
            {
                throw Refused(entry, $"is a symbolic link to '{ManifestValidator.Shown(entry.LinkTarget)}', which {why}. "
                    + "If the tree really links outside itself, restore with -AllowExternalLinks: such links are then created as links, and never written through");
            }
        }

        return new ExtractionPlan(byPath, implicitFolders, linkedFirst);
    }

    /// <summary>
    /// Why following <paramref name="link"/> from its place would leave the restored tree, or null when it stays inside.
    /// Resolved by name, as the kernel would in the restored tree: ".." climbs, links of the tree are followed (at most
    /// <see cref="MaxLinkHops"/>), names the tree does not hold are taken as folders inside it.
    /// </summary>
    private static string? LeadsOutside(FileEntry link, Dictionary<string, FileEntry> byPath)
    {
        var place = new List<string>(link.Path.Split('/')[..^1]);
        var pending = new LinkedList<string>();
        var hops = 0;
        string? Follow(string target)
        {
            if (target.StartsWith('/'))
            {
                return "is absolute, so it leads outside the restored folder";
            }

            if (++hops > MaxLinkHops)
            {
                return $"resolves through more than {MaxLinkHops} links (a loop)";
            }

            foreach (var segment in Enumerable.Reverse(target.Split('/')))
            {
                pending.AddFirst(segment);
            }

            return null;
        }

        if (Follow(link.LinkTarget!) is { } first)
        {
            return first;
        }

        while (pending.First is { } node)
        {
            pending.RemoveFirst();
            var segment = node.Value;
            if (segment is "" or ".")
            {
                continue;
            }

            if (segment == "..")
            {
                if (place.Count == 0)
                {
                    return "climbs above the restored folder";
                }

                place.RemoveAt(place.Count - 1);
                continue;
            }

            var candidate = string.Join('/', place.Append(segment));
            if (byPath.TryGetValue(candidate, out var met))
            {
                while (met.Type == FileEntryType.HardLink && byPath.TryGetValue(met.LinkTarget!, out var linked))
                {
                    met = linked;
                }

                if (met.Type == FileEntryType.SymbolicLink)
                {
                    if (Follow(met.LinkTarget!) is { } why)
                    {
                        return $"through {ManifestValidator.Shown(candidate)} {why}";
                    }

                    continue;
                }
            }

            place.Add(segment);
        }

        return null;
    }
}
