#!/usr/bin/env python3
"""What a copy of a tree kept, for bench/files.sh.

  fidelity.py tar-summary < STREAM.tar   what a tar stream carries: one line of counts (entries by
                                         type, entries whose mtime has a sub-second part, entries with
                                         xattr records, distinct numeric owners, entries with a user or
                                         group NAME, setuid/setgid/sticky entries, content bytes, header
                                         format)
  fidelity.py compare SOURCE COPY LABEL  one line: whether COPY has every entry of SOURCE (the top
                                         folder itself aside) with the same type, content, mode, owner,
                                         link target, link count, mtime in nanoseconds (not of symlinks)
                                         and user.* xattrs; else how many entries differ in each, with
                                         the first example
"""
import collections
import filecmp
import os
import stat
import sys
import tarfile


def tar_summary():
    counts = collections.Counter()
    owners = set()
    formats = set()
    with tarfile.open(fileobj=sys.stdin.buffer, mode="r|") as tar:
        for member in tar:
            counts["entries"] += 1
            kind = ("file" if member.isreg() else "dir" if member.isdir() else "symlink" if member.issym()
                    else "hardlink" if member.islnk() else "other")
            counts[kind] += 1
            counts["bytes"] += member.size if member.isreg() else 0
            if member.mtime != int(member.mtime) or "." in member.pax_headers.get("mtime", ""):
                counts["subsecond-mtime"] += 1
            if any(key.startswith("SCHILY.xattr.") for key in member.pax_headers):
                counts["xattrs"] += 1
            if member.uname or member.gname:
                counts["names"] += 1
            if member.mode & 0o7000:
                counts["setuid/setgid/sticky"] += 1
            owners.add(f"{member.uid}:{member.gid}")
            formats.add("pax" if member.pax_headers else "ustar/gnu")
    order = ["entries", "file", "dir", "symlink", "hardlink", "other", "bytes", "subsecond-mtime", "xattrs",
             "names", "setuid/setgid/sticky"]
    print(" ".join(f"{key}={counts[key]}" for key in order),
          f"owners={','.join(sorted(owners))}", f"headers={'+'.join(sorted(formats))}")


def facts(path):
    st = os.lstat(path)
    link = os.readlink(path) if stat.S_ISLNK(st.st_mode) else None
    return {
        "type": stat.S_IFMT(st.st_mode),
        "mode": f"{stat.S_IMODE(st.st_mode):04o}",
        "owner": f"{st.st_uid}:{st.st_gid}",
        "link": link,
        "nlink": st.st_nlink if not stat.S_ISDIR(st.st_mode) else None,
        "mtime": None if link is not None else st.st_mtime_ns,
        "xattrs": None if link is not None else sorted(
            (k, os.getxattr(path, k)) for k in os.listxattr(path) if k.startswith("user.")),
    }


def compare(source, copy, label):
    differs = collections.Counter()
    examples = {}
    entries = 0
    for folder, dirs, files in os.walk(source):
        for name in dirs + files:
            entries += 1
            src = os.path.join(folder, name)
            rel = os.path.relpath(src, source)
            dst = os.path.join(copy, rel)
            if not os.path.lexists(dst):
                differs["missing"] += 1
                examples.setdefault("missing", rel)
                continue
            a, b = facts(src), facts(dst)
            for key in a:
                if a[key] != b[key]:
                    # .NET keeps times in 100 ns ticks: a copy that lost only the last two digits is told apart
                    # from one that lost the fraction.
                    if key == "mtime" and a[key] is not None and b[key] is not None and abs(a[key] - b[key]) < 100:
                        key = "mtime below 100 ns"
                    differs[key] += 1
                    examples.setdefault(key, f"{rel}: {a[key if key in a else 'mtime']} vs {b[key if key in b else 'mtime']}")
            if a["type"] == b["type"] == stat.S_IFREG and not filecmp.cmp(src, dst, shallow=False):
                differs["content"] += 1
                examples.setdefault("content", rel)
    extra = sum(len(d) + len(f) for _, d, f in os.walk(copy)) - entries + differs["missing"]
    if extra:
        differs["extra"] = extra
    if not differs:
        print(f"{label}: all {entries} entries the same (type, content, mode, owner, link target, "
              "link count, mtime in ns, user xattrs)")
    else:
        print(f"{label}: of {entries} entries, differ: "
              + "; ".join(f"{key} {count} (e.g. {examples.get(key, '')})" for key, count in differs.items()))


if __name__ == "__main__":
    if sys.argv[1:2] == ["tar-summary"]:
        tar_summary()
    elif sys.argv[1:2] == ["compare"] and len(sys.argv) == 5:
        compare(*sys.argv[2:])
    else:
        sys.exit(__doc__)
