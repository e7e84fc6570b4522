#!/usr/bin/env python3
"""Deterministic, seeded test data for bench/files.sh: a photo and PDF storage tree like the runbook's
storage/ (photos, PDFs, thumbnails and sidecars, a certificate folder), and the "1% of the files
changed" step before an incremental backup.

  generate-tree.py create DEST [--size-mb 2048] [--small-files 3000] [--seed 11]
  generate-tree.py change DEST [--percent 1] [--seed 11]

create: DEST must not exist. About 80% of the bytes are photos (2-8 MiB, random bytes behind a JPEG
header: incompressible), 15% PDFs (100 KiB-2 MiB, about a third plain text and two thirds random
"image" streams: they compress somewhat), and --small-files thumbnails (incompressible), JSON
sidecars and text notes (compressible) spread over year/month folders. Also what a faithful copy
must keep: owners 1000:1000 and 999:999 (when run as root), modes incl. setuid/setgid/sticky, a
0700 certificate folder with a 0600 key, empty folders, relative, absolute and dangling symlinks,
hard links, user.* xattrs, and mtimes with nanoseconds, all fixed by the seed. The same seed and
size give the same bytes and metadata on every run.

change: rewrites --percent of the regular files (chosen by the seed among files with one link;
photos, PDFs and small files alike) with new bytes of the same size and a later mtime, like photos
edited in place; prints "changed N files, B bytes".
"""
import argparse
import os
import random
import stat
import sys

MIB = 1024 * 1024
BASE_TIME = 1704067200  # 2024-01-01T00:00:00Z: every generated mtime is this plus a seeded offset
CHANGE_TIME = BASE_TIME + 400 * 86400
WORDS = (
    "invoice delivery order total amount date customer address item quantity price tax page "
    "signature received returned borrowed station kiosk device serial number note remarks "
    "approved pending checked warehouse shelf section report monthly summary page of the and "
    "for with from this that contract terms payment due reference"
).split()
JPEG_HEADER = bytes.fromhex("ffd8ffe000104a46494600010101004800480000ffe1")


def text_bytes(rng, size):
    """Plain text of exactly size bytes from a small vocabulary: compresses about 3-4x, like real prose."""
    out = []
    length = 0
    while length < size:
        line = " ".join(rng.choices(WORDS, k=12)) + "\n"
        out.append(line)
        length += len(line)
    return "".join(out).encode()[:size]


def photo_bytes(rng, size):
    return (JPEG_HEADER + rng.randbytes(size))[:size]


def pdf_bytes(rng, size):
    """A PDF-like file: objects alternating a text stream (a third) and a random "image" stream."""
    parts = [b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"]
    length = len(parts[0])
    obj = 1
    while length < size:
        chunk = min(64 * 1024, size - length)
        body = text_bytes(rng, chunk // 3) if obj % 3 == 1 else rng.randbytes(chunk)
        part = b"%d 0 obj\n<< /Length %d >>\nstream\n" % (obj, len(body)) + body + b"\nendstream\nendobj\n"
        parts.append(part)
        length += len(part)
        obj += 1
    return b"".join(parts)[:size]


class Tree:
    def __init__(self, root, rng, as_root):
        self.root = root
        self.rng = rng
        self.as_root = as_root
        self.dirs = []

    def path(self, rel):
        return os.path.join(self.root, rel)

    def mtime(self):
        """A seeded mtime within two years of BASE_TIME, with nanoseconds."""
        return (BASE_TIME + self.rng.randrange(2 * 365 * 86400)) * 10**9 + self.rng.randrange(10**9)

    def owner(self, rel, uid, gid):
        if self.as_root:
            os.lchown(self.path(rel), uid, gid)

    def mkdir(self, rel, mode=0o755, uid=1000, gid=1000):
        full = self.path(rel)
        os.makedirs(full, exist_ok=True)
        self.owner(rel, uid, gid)   # before chmod: chown clears setuid/setgid
        os.chmod(full, mode)
        self.dirs.append(rel)

    def file(self, rel, data, mode=0o644, uid=1000, gid=1000):
        full = self.path(rel)
        with open(full, "wb") as f:
            f.write(data)
        self.owner(rel, uid, gid)   # before chmod: chown clears setuid/setgid
        os.chmod(full, mode)
        ns = self.mtime()
        os.utime(full, ns=(ns, ns))

    def symlink(self, rel, target):
        os.symlink(target, self.path(rel))
        self.owner(rel, 1000, 1000)
        ns = self.mtime()
        os.utime(self.path(rel), ns=(ns, ns), follow_symlinks=False)

    def finish(self):
        """Directory mtimes last, deepest first: writing into a folder would change its mtime again."""
        for rel in sorted(self.dirs, key=lambda d: d.count("/"), reverse=True):
            ns = self.mtime()
            os.utime(self.path(rel), ns=(ns, ns))


def create(dest, size_mb, small_files, seed):
    if os.path.lexists(dest):
        sys.exit(f"generate-tree.py: {dest} exists; give a new folder")
    rng = random.Random(seed)
    tree = Tree(dest, rng, os.geteuid() == 0)
    total = size_mb * MIB
    years = (2024, 2025)
    months = [f"{year}/{month:02d}" for year in years for month in range(1, 13)]
    tree.mkdir(".")
    for top in ("photos", "pdfs", "thumbs", "meta", "albums", "albums/best", "shared", "tmp", "certs", "certs/live", "db"):
        tree.mkdir(top)
    os.chmod(tree.path("shared"), 0o2775)   # setgid folder: new files take its group
    os.chmod(tree.path("tmp"), 0o1777)      # sticky
    tree.owner("certs", 0, 0)
    tree.owner("certs/live", 0, 0)
    tree.owner("db", 999, 999)
    os.chmod(tree.path("certs"), 0o700)
    os.chmod(tree.path("db"), 0o700)
    for year in years:
        tree.mkdir(f"photos/{year}")
        tree.mkdir(f"thumbs/{year}")
    for ym in months:
        tree.mkdir(f"photos/{ym}")
        tree.mkdir(f"thumbs/{ym}")
    clients = [f"client-{n:02d}" for n in range(1, 11)]
    for client in clients:
        tree.mkdir(f"pdfs/{client}")
    tree.mkdir("photos/2025/12/empty")      # an empty folder must survive a round trip
    tree.mkdir("pdfs/archive-empty")

    # Small files first (their count is fixed), then PDFs and photos share the remaining bytes 15:80.
    small_bytes = 0
    for n in range(small_files):
        ym = months[n % len(months)]
        kind = n % 3
        if kind == 0:
            size = rng.randrange(8 * 1024, 40 * 1024)
            tree.file(f"thumbs/{ym}/IMG_{n:05d}.jpg", photo_bytes(rng, size))
        elif kind == 1:
            size = rng.randrange(300, 2048)
            tree.file(f"meta/{ym.replace('/', '-')}-{n:05d}.json", text_bytes(rng, size))
        else:
            size = rng.randrange(1024, 16 * 1024)
            tree.file(f"pdfs/{clients[n % len(clients)]}/note-{n:05d}.txt", text_bytes(rng, size))
        small_bytes += size
    remaining = max(total - small_bytes, 0)
    pdf_budget = remaining * 15 // 95
    written = n = 0
    while written < pdf_budget:
        size = min(rng.randrange(100 * 1024, 2 * MIB), pdf_budget - written)
        tree.file(f"pdfs/{clients[n % len(clients)]}/doc-{n:05d}.pdf", pdf_bytes(rng, max(size, 1024)))
        written += size
        n += 1
    photo_budget = remaining - written
    pdfs = n
    written = n = 0
    photos = []
    while written < photo_budget:
        size = min(rng.randrange(2 * MIB, 8 * MIB), photo_budget - written)
        rel = f"photos/{months[n % len(months)]}/IMG_{n:05d}.jpg"
        tree.file(rel, photo_bytes(rng, max(size, 64 * 1024)))
        photos.append(rel)
        if n % 50 == 0:
            os.setxattr(tree.path(rel), "user.comment", f"photo {n} kept by the bench".encode())
        written += size
        n += 1

    # What a faithful copy must keep besides bytes.
    tree.file("certs/live/server-2025.pem", text_bytes(rng, 1800), mode=0o644, uid=0, gid=0)
    tree.file("certs/live/server-2025.key", text_bytes(rng, 1700), mode=0o600, uid=0, gid=0)
    tree.symlink("certs/server.pem", "live/server-2025.pem")
    tree.symlink("certs/server.key", "live/server-2025.key")
    tree.file("db/PG_VERSION", b"15\n", mode=0o600, uid=999, gid=999)
    tree.file("shared/tool", text_bytes(rng, 4096), mode=0o4755, uid=0, gid=0)
    tree.file("tmp/upload.part", rng.randbytes(10000), mode=0o600)
    tree.symlink("photos/latest", "2025/12")
    tree.symlink("pdfs/current.pdf", "client-01/doc-00000.pdf")
    tree.symlink("hostname", "/etc/hostname")   # absolute, outside the tree: kept as a link, never followed
    tree.symlink("broken", "no/such/file")
    for rel in photos[:: max(len(photos) // 8, 1)]:
        os.link(tree.path(rel), tree.path(f"albums/best/{os.path.basename(rel)}"))
    tree.finish()
    print(f"created {dest}: {len(photos)} photos, {pdfs} PDFs, {small_files} small files")


def change(dest, percent, seed):
    rng = random.Random(seed * 7919 + 1)
    files = []
    for folder, _, names in os.walk(dest):
        for name in names:
            full = os.path.join(folder, name)
            st = os.lstat(full)
            if stat.S_ISREG(st.st_mode) and st.st_nlink == 1:
                files.append((os.path.relpath(full, dest), st.st_size))
    files.sort()
    count = max(1, round(len(files) * percent / 100))
    chosen = rng.sample(files, count)
    changed = 0
    for rel, size in chosen:
        full = os.path.join(dest, rel)
        maker = photo_bytes if rel.endswith(".jpg") else pdf_bytes if rel.endswith(".pdf") else text_bytes
        data = maker(rng, size)
        with open(full, "r+b") as f:
            f.write(data)
        ns = CHANGE_TIME * 10**9 + rng.randrange(10**9)
        os.utime(full, ns=(ns, ns))
        changed += size
    print(f"changed {count} files, {changed} bytes")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("create")
    c.add_argument("dest")
    c.add_argument("--size-mb", type=int, default=2048)
    c.add_argument("--small-files", type=int, default=3000)
    c.add_argument("--seed", type=int, default=11)
    ch = sub.add_parser("change")
    ch.add_argument("dest")
    ch.add_argument("--percent", type=float, default=1.0)
    ch.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    if args.command == "create":
        create(args.dest, args.size_mb, args.small_files, args.seed)
    else:
        change(args.dest, args.percent, args.seed)


if __name__ == "__main__":
    main()
