#!/usr/bin/env bash
# Benchmark: Backup-Directory, Backup-Volume, Restore-Directory and Restore-Volume (the backupps CLI)
# against runbook 000's own procedures, in one run, on the same generated data: a photo and PDF tree
# (bench/generate-tree.py: incompressible 2-8 MiB photos, PDFs that compress somewhat, a few thousand
# small files, owners, modes, links, xattrs, nanosecond mtimes; default 2048 MiB) and a Docker
# volume holding a copy of it (label backupps.test=1, removed at the end).
#   tar-gz            tar -czf OUT -C PARENT storage/                           (runbook 000, section 3)
#   tar-zstd          tar -I 'zstd -T0' -cf OUT -C PARENT storage/              (the fast tar the issue names)
#   backup-directory  backupps backup-directory --source-path storage
#   helper-gz         docker run --rm -v VOL:/data -v OUT:/backup IMAGE tar czf ... -C /data .  (section 4)
#   backup-volume     backupps backup-volume --volume VOL
#   read-mountpoint   the two ways a volume can be read, raw (no compression, nothing written):
#   read-api            GNU tar of the daemon's mountpoint (root), and the Engine API's
#                       GET /containers/{id}/archive of a created, never started helper with the volume
#                       mounted read-only (curl --unix-socket); what each keeps is summarised below
#   tar-xzf           tar -xzf of tar-gz's file into a new folder
#   restore-directory backupps restore-directory into a new folder (--allow-external-links: the tree has an
#                     absolute symlink, /etc/hostname, which a restore refuses by default)
#   helper-restore    docker run --rm -v NEW:/data -v OUT:/backup IMAGE tar xzf ... -C /data  (section 3 of
#                     the restore procedures) into a new volume
#   restore-volume    backupps restore-volume into a new volume
#   incremental       backupps backup-directory --incremental after 1% of the files changed
# IMAGE is backupps-test/postgres:15 (nothing can be pulled; it has tar), run with --network none.
# Restored trees are compared with the source (bench/fidelity.py: content, owners, modes, ns mtimes,
# links, xattrs), outside the timings. Prints wall time, output size and peak RSS (GNU time: the largest process of
# the tree started here; what runs inside a container is not counted) and the ratios the issue sets
# targets for.
# Usage: bench/files.sh [size-MiB] [--baselines-only]   (run as root; needs tests/rig/setup.sh done
# once). BENCH_SCRATCH picks the scratch folder's parent (default /var/tmp).
set -euo pipefail
cd "$(dirname "$0")/.."
size_mb=2048
baselines_only=0
for arg in "$@"; do
    case "$arg" in
        --baselines-only) baselines_only=1 ;;
        *[!0-9]* | '') echo "usage: bench/files.sh [size-MiB] [--baselines-only]" >&2; exit 2 ;;
        *) size_mb=$arg ;;
    esac
done
image=backupps-test/postgres:15

# shellcheck source=lib.sh
source bench/lib.sh
[ "$(id -u)" = 0 ] || { echo "bench/files.sh: run as root (page caches, volume mountpoints, owners)" >&2; exit 1; }
docker image inspect "$image" >/dev/null 2>&1 || { echo "bench/files.sh: no image $image: run tests/rig/setup.sh first" >&2; exit 1; }
bench_tools
# Which backupps procedures run: all of them unless --baselines-only, less the verbs this build lacks.
directories=0 volumes_cli=0
if [ "$baselines_only" = 0 ]; then
    bench_build_cli
    if has_verb backup-directory && has_verb restore-directory; then directories=1; else echo "this backupps has no backup-directory/restore-directory: skipped"; fi
    if has_verb backup-volume && has_verb restore-volume; then volumes_cli=1; else echo "this backupps has no backup-volume/restore-volume: skipped"; fi
fi

# Space: the tree, the volume, five backups of it and two restores alive at once, at worst.
scratch=${BENCH_SCRATCH:-/var/tmp}
need_kb=$(( size_mb * 1024 * 10 ))
free_kb=$(df --output=avail -k "$scratch" | tail -n 1)
[ "$free_kb" -ge "$need_kb" ] || { echo "bench/files.sh: $scratch has $(( free_kb / 1024 )) MiB free, needs $(( need_kb / 1024 )) MiB for $size_mb MiB of data" >&2; exit 1; }

out=$(mktemp -d "$scratch/backupps-files-bench.XXXXXX")
vol="backupps-bench-$$"
volumes=()
reader=""
cleanup() {
    [ -z "$reader" ] || docker rm -f "$reader" >/dev/null 2>&1 || true
    for v in "${volumes[@]}"; do docker volume rm -f "$v" >/dev/null 2>&1 || true; done
    rm -rf "$out"
}
trap cleanup EXIT
# docker_api PATH [curl args]: one Engine API call through the daemon's socket.
docker_api() { local path=$1; shift; curl -sSf --unix-socket /var/run/docker.sock "$@" "http://localhost/v1.41$path"; }
new_volume() { docker volume create --label backupps.test=1 "$1" >/dev/null; volumes+=("$1"); }
mountpoint_of() { docker volume inspect -f '{{.Mountpoint}}' "$1"; }

echo "generating $size_mb MiB ..."
python3 bench/generate-tree.py create "$out/storage" --size-mb "$size_mb"
tree_bytes=$(du -sb "$out/storage" | cut -f1)
new_volume "$vol"
cp -a "$out/storage/." "$(mountpoint_of "$vol")/"
mkdir -p "$out/helper" "$out/store"

# Folder backups.
measure tar-gz "$out/storage.tar.gz" tar -czf "$out/storage.tar.gz" -C "$out" storage/
measure tar-zstd "$out/storage.tar.zst" tar -I 'zstd -T0' -cf "$out/storage.tar.zst" -C "$out" storage/
rm -f "$out/storage.tar.zst"
if [ "$directories" = 1 ]; then
    measure backup-directory @json \
        dotnet "$cli" backup-directory --source-path "$out/storage" --environment bench --path "$out/store" --json --verbose
fi

# The two ways of reading a volume, raw. The helper is created (never started) with the volume
# read-only, as the issue's design has it; it is removed before the backups, which must not find it.
reader=$(docker_api /containers/create -X POST -H 'Content-Type: application/json' -d "{\"Image\":\"$image\",
    \"Cmd\":[\"true\"],\"NetworkDisabled\":true,\"Labels\":{\"backupps.test\":\"1\"},
    \"HostConfig\":{\"Binds\":[\"$vol:/data:ro\"],\"NetworkMode\":\"none\"}}" | jq -r .Id)
measure read-mountpoint "" bash -c "tar --format=posix --xattrs -cf - -C '$(mountpoint_of "$vol")' . | cat > /dev/null"
measure read-api "" bash -c "curl -sSf --unix-socket /var/run/docker.sock 'http://localhost/v1.41/containers/$reader/archive?path=/data' | cat > /dev/null"
keeps_mountpoint=$(tar --format=posix --xattrs -cf - -C "$(mountpoint_of "$vol")" . | python3 bench/fidelity.py tar-summary)
keeps_api=$(docker_api "/containers/$reader/archive?path=/data" | python3 bench/fidelity.py tar-summary)
docker rm -f "$reader" >/dev/null
reader=""

# Volume backups.
measure helper-gz "$out/helper/volume.tar.gz" \
    docker run --rm --network none -v "$vol:/data" -v "$out/helper:/backup" "$image" tar czf /backup/volume.tar.gz -C /data .
if [ "$volumes_cli" = 1 ]; then
    measure backup-volume @json \
        dotnet "$cli" backup-volume --volume "$vol" --environment bench --path "$out/store" --json --verbose
fi

# Restores, each into something new, compared with the source and removed outside the timings.
checks=()
mkdir "$out/r-tar"
measure tar-xzf "" tar -xzf "$out/storage.tar.gz" -C "$out/r-tar"
checks+=("$(python3 bench/fidelity.py compare "$out/storage" "$out/r-tar/storage" tar-xzf)")
rm -rf "$out/r-tar" "$out/storage.tar.gz"
if [ "$directories" = 1 ]; then
    measure restore-directory "" \
        dotnet "$cli" restore-directory --path "$(json_path backup-directory)" --destination "$out/r-bps" --allow-external-links --force
    checks+=("$(python3 bench/fidelity.py compare "$out/storage" "$out/r-bps" restore-directory)")
    rm -rf "$out/r-bps"
fi
new_volume "$vol-helper"
measure helper-restore "" \
    docker run --rm --network none -v "$vol-helper:/data" -v "$out/helper:/backup" "$image" tar xzf /backup/volume.tar.gz -C /data
checks+=("$(python3 bench/fidelity.py compare "$(mountpoint_of "$vol")" "$(mountpoint_of "$vol-helper")" helper-restore)")
docker volume rm "$vol-helper" >/dev/null
if [ "$volumes_cli" = 1 ]; then
    volumes+=("$vol-bps")   # restore-volume creates it
    measure restore-volume "" \
        dotnet "$cli" restore-volume --path "$(json_path backup-volume)" --volume "$vol-bps" --force
    checks+=("$(python3 bench/fidelity.py compare "$(mountpoint_of "$vol")" "$(mountpoint_of "$vol-bps")" restore-volume)")
    docker volume rm "$vol-bps" >/dev/null
fi

# An incremental backup after 1% of the files changed.
changed=$(python3 bench/generate-tree.py change "$out/storage" --percent 1)
if [ "$directories" = 1 ]; then
    measure incremental @json \
        dotnet "$cli" backup-directory --source-path "$out/storage" --environment bench --path "$out/store" --incremental --json --verbose
fi

print_results
mbps() { printf '%.0f' "$(echo "$tree_bytes / 1000000 / $(get "$1" 2)" | bc -l)"; }
echo "data: $(printf '%.1f' "$(echo "$tree_bytes/1048576" | bc -l)") MiB in $(find "$out/storage" | wc -l) entries; incremental step: $changed"
echo "reading the volume: mountpoint $(mbps read-mountpoint) MB/s, Engine API archive $(mbps read-api) MB/s (cold caches)"
echo "  mountpoint (GNU tar --format=posix --xattrs) keeps: $keeps_mountpoint"
echo "  Engine API archive keeps:                       $keeps_api"
printf '%s\n' "${checks[@]}"
echo
printf 'tar-zstd / tar-gz time: %s, size: %s\n' "$(ratio tar-zstd tar-gz 2)" "$(ratio tar-zstd tar-gz 3)"
# where the time went, as the writer reports it (archiving, then the read-back proof)
for name in backup-directory incremental backup-volume; do
    if [ -f "$out/$name.stderr" ]; then echo "$name: $(grep -h -m1 "^VERBOSE: Archived" "$out/$name.stderr" | cut -c10-)"; fi
done
peaks=""
if [ "$directories" = 1 ]; then
    printf 'backup-directory / tar-gz time: %s (target <= 0.5), size: %s (target <= 1.0)\n' "$(ratio backup-directory tar-gz 2)" "$(ratio backup-directory tar-gz 3)"
    printf 'backup-directory / tar-zstd time: %s, size: %s\n' "$(ratio backup-directory tar-zstd 2)" "$(ratio backup-directory tar-zstd 3)"
    printf 'incremental / backup-directory time: %s (target < 0.1), size: %s\n' "$(ratio incremental backup-directory 2)" "$(ratio incremental backup-directory 3)"
    printf 'restore-directory / tar-xzf time: %s\n' "$(ratio restore-directory tar-xzf 2)"
    peaks="backup-directory $(peak_mib backup-directory), incremental $(peak_mib incremental), restore-directory $(peak_mib restore-directory)"
fi
if [ "$volumes_cli" = 1 ]; then
    printf 'backup-volume / helper-gz time: %s (target <= 0.5), size: %s (target <= 1.0)\n' "$(ratio backup-volume helper-gz 2)" "$(ratio backup-volume helper-gz 3)"
    printf 'restore-volume / helper-restore time: %s\n' "$(ratio restore-volume helper-restore 2)"
    peaks="$peaks${peaks:+, }backup-volume $(peak_mib backup-volume), restore-volume $(peak_mib restore-volume)"
fi
[ -z "$peaks" ] || echo "peak RSS MiB (target < 150): $peaks"
