using BackupPs.Core.Catalog;
using BackupPs.Core.Errors;

namespace BackupPs.Core.Files;

/// <summary>
/// The prescan of a restore, on the manifest: what the tree as a whole must not do, checked before anything is written. The
/// tar itself may hold nothing but the manifest's entries (<see cref="FileSetVerifier"/> and the extraction compare every
/// header with it), so what is safe here is what gets written. <see cref="FileSetValidator"/> has already refused absolute
/// names, "..", empty segments, an entry under a file or a symbolic link (a link, then a write through it) and hard links
/// to anything but an earlier file; this adds the symbolic links: each must resolve, from its own place and through the
/// tree's other links, to a path inside the destination; an absolute target counts as outside.
/// <see cref="ExtractOptions.AllowExternalLinks"/> lets such links be created as links (the extraction never writes
/// through any link), as a tree with links into /etc or to ../shared cannot be restored otherwise.
/// </summary>
internal sealed class ExtractionPlan
{
    /// <summary>The ErrorId of a backup holding an entry a restore refuses to write.</summary>
    public const string UnsafeEntryErrorId = "UnsafeBackupEntry";

    /// <summary>Linux's limit on symbolic links followed while resolving one path (MAXSYMLINKS).</summary>
    private const int MaxLinkHops = 40;

    private readonly Dictionary<string, FileEntry> _byPath;

    private ExtractionPlan(Dictionary<string, FileEntry> byPath, IReadOnlyList<string> implicitFolders)
    {
        _byPath = byPath;
        ImplicitFolders = implicitFolders;
    }

    /// <summary>Folders an entry lies in that the manifest does not list (the parents of an EnvFile set's files), parents first.</summary>
    public IReadOnlyList<string> ImplicitFolders { get; }

    /// <summary>The manifest's entry of <paramref name="path"/>, or null.</summary>
    public FileEntry? Find(string path) => _byPath.GetValueOrDefault(path);

    /// <summary>
    /// Checks every entry of <paramref name="manifest"/>, which <see cref="ManifestValidator"/> accepted; throws
    /// <see cref="UnsafeEntryErrorId"/> (InvalidData) at the first one refused.
    /// </summary>
    /// <param name="artifactPath">Named in the error.</param>
    public static ExtractionPlan Build(string artifactPath, BackupManifest manifest, ExtractOptions options)
    {
        var files = manifest.Files ?? [];
        var byPath = files.ToDictionary(e => e.Path, StringComparer.Ordinal);
        var implicitFolders = new List<string>();
        var implicitSeen = new HashSet<string>(StringComparer.Ordinal);
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
                if (!byPath.ContainsKey(ancestor) && implicitSeen.Add(ancestor))
                {
                    implicitFolders.Add(ancestor);
                }
            }

            if (entry.Type == FileEntryType.SymbolicLink && !options.AllowExternalLinks && LeadsOutside(entry, byPath) is { } why)
            {
                throw Refused(entry, $"is a symbolic link to '{ManifestValidator.Shown(entry.LinkTarget)}', which {why}. "
                    + "If the tree really links outside itself, restore with -AllowExternalLinks: such links are then created as links, and never written through");
            }
        }

        return new ExtractionPlan(byPath, implicitFolders);
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
            if (byPath.TryGetValue(candidate, out var met) && met.Type == FileEntryType.SymbolicLink)
            {
                if (Follow(met.LinkTarget!) is { } why)
                {
                    return $"through {ManifestValidator.Shown(candidate)} {why}";
                }

                continue;
            }

            place.Add(segment);
        }

        return null;
    }
}
