namespace BackupPs.Core.Storage;

/// <summary>
/// One name looked up while a path is resolved: the real folder it was looked up in, and the path of the
/// symbolic link that name turned out to be (null for a folder or file).
/// </summary>
internal readonly record struct PathLookup(string Folder, string? Link);

/// <summary>
/// The folders the kernel looks names up in when it resolves a path, walked the way it does: component by
/// component from /, each symbolic link replaced by its target (absolute from /, relative from the link's
/// own folder), link chains and ".." after a link included. Whoever may write into one of these folders can
/// swap what the path leads to; for a link, that is its own folder as much as the folders it leads to
/// (a link to a safe store in a folder everyone can write can be repointed by anyone). Linux only, like
/// <see cref="EntryStatus"/>.
/// </summary>
internal static class PathLookups
{
    /// <summary>Linux's own bound on links followed in one resolution (ELOOP); a loop stops the walk there.</summary>
    private const int MaxLinks = 40;

    /// <summary>
    /// The lookups made resolving <paramref name="path"/> (made absolute first), in order. The walk ends at the
    /// first name that does not exist, at a file with components still to resolve, or after <see cref="MaxLinks"/>
    /// links; the real open fails there too, so nothing beyond it matters.
    /// </summary>
    public static List<PathLookup> Of(string path)
    {
        var lookups = new List<PathLookup>();
        var pending = new Stack<string>();
        Push(pending, Path.GetFullPath(path));
        var current = "/";
        var links = 0;
        while (pending.TryPop(out var name))
        {
            if (name is "" or ".")
            {
                continue;
            }

            if (name == "..")
            {
                // current is always real (links are never kept in it), so its parent is the real "..".
                current = Path.GetDirectoryName(current) ?? "/";
                continue;
            }

            var next = Path.Join(current, name);
            var status = EntryStatus.Read(next);
            var isLink = status?.Kind == EntryKind.SymbolicLink;
            lookups.Add(new PathLookup(current, isLink ? next : null));
            if (isLink)
            {
                if (++links > MaxLinks || new FileInfo(next).LinkTarget is not { } target)
                {
                    break;
                }

                if (Path.IsPathRooted(target))
                {
                    current = "/";
                }

                Push(pending, target);
            }
            else if (status?.Kind == EntryKind.Directory)
            {
                current = next;
            }
            else
            {
                break;
            }
        }

        return lookups;
    }

    /// <summary>Puts the components of <paramref name="path"/> on the stack, the first on top.</summary>
    private static void Push(Stack<string> pending, string path)
    {
        var parts = path.Split('/');
        for (var i = parts.Length - 1; i >= 0; i--)
        {
            pending.Push(parts[i]);
        }
    }
}
