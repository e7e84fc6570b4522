#!/usr/bin/env bash
# Builds one backupps-test/postgres:<major> image from Debian packages, without any registry:
#   debootstrap --variant=minbase (+ postgresql-<major>) into a temp dir, trim it, then
#   tar -C rootfs -c . | docker import - <tmp tag>, then Dockerfile (metadata only) -> <tag>
#
# Usage: build-image.sh MAJOR TAG RIG_HASH      (called by tests/rig/setup.sh; run as root)
#
# Everything in this folder (postgres-image/) defines the image: setup.sh hashes it into the
# label backupps.rig-hash, so editing this script or the entrypoint triggers a rebuild.
# Output: quiet on success; on failure the tail of the debootstrap logs goes to stderr.
set -euo pipefail

major="${1:?usage: build-image.sh MAJOR TAG RIG_HASH}"
tag="${2:?usage: build-image.sh MAJOR TAG RIG_HASH}"
rig_hash="${3:?usage: build-image.sh MAJOR TAG RIG_HASH}"

case "$major" in
	15) suite=bookworm ;;
	17) suite=trixie ;;
	*) echo "build-image.sh: unsupported PostgreSQL major '$major' (15 or 17)" >&2; exit 2 ;;
esac

mirror="${BACKUPPS_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
keyring="${BACKUPPS_DEBIAN_KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
pg_uid=999 # same uid/gid as the official postgres image
pg_gid=999

work="$(mktemp -d "${BACKUPPS_RIG_TMPDIR:-/var/tmp}/backupps-rootfs.XXXXXX")"
root="$work/rootfs"

cleanup() {
	# debootstrap mounts proc/sys (and maybe binds /dev) inside the target; if it died half way
	# those mounts can still be there. Never rm -rf through a mount point.
	local m
	if [ -r /proc/mounts ]; then
		awk -v p="$root" '$2 == p || index($2, p "/") == 1 { print $2 }' /proc/mounts | sort -r |
			while read -r m; do umount -l "$m" 2>/dev/null || true; done
	fi
	rm -rf --one-file-system "$work"
}
trap cleanup EXIT

# --- 1. rootfs --------------------------------------------------------------------------------
# libnss-wrapper: lets initdb run under an arbitrary `docker run --user` uid (official image does
# the same). Recommends are not installed by debootstrap.
if ! debootstrap --variant=minbase --keyring="$keyring" --components=main \
	--include="postgresql-$major,libnss-wrapper" \
	"$suite" "$root" "$mirror" >"$work/debootstrap.out" 2>&1; then
	echo "build-image.sh: debootstrap $suite failed; last lines:" >&2
	tail -n 40 "$work/debootstrap.out" >&2
	[ -f "$root/debootstrap/debootstrap.log" ] && tail -n 40 "$root/debootstrap/debootstrap.log" >&2
	exit 1
fi

# shellcheck disable=SC2016
pg_version="$(chroot "$root" dpkg-query -W -f '${Version}' "postgresql-$major")"

# --- 2. make it look like the official image ---------------------------------------------------
# postgresql-common's postinst created a Debian-style cluster (15/main); the image uses $PGDATA.
rm -rf "$root/var/lib/postgresql/$major" "$root/etc/postgresql/$major"
sed -ri 's/^#?\s*create_main_cluster\s*=.*/create_main_cluster = false/' \
	"$root/etc/postgresql-common/createcluster.conf"

# postgres user/group -> 999:999 like the official image (debootstrap gave it a low system id).
old_uid="$(chroot "$root" id -u postgres)"
old_gid="$(chroot "$root" id -g postgres)"
if [ "$old_gid" != "$pg_gid" ]; then
	chroot "$root" groupmod -g "$pg_gid" postgres
	find "$root" -xdev -group "$old_gid" -exec chgrp -h "$pg_gid" {} +
fi
if [ "$old_uid" != "$pg_uid" ]; then
	chroot "$root" usermod -u "$pg_uid" -g "$pg_gid" postgres
	find "$root" -xdev -user "$old_uid" -exec chown -h "$pg_uid" {} +
fi

# listen on all interfaces by default (official image edits the sample the same way)
sed -ri "s!^#?(listen_addresses)\s*=\s*\S+.*!\1 = '*'!" "$root/usr/share/postgresql/$major/postgresql.conf.sample"
grep -q "^listen_addresses = '\*'" "$root/usr/share/postgresql/$major/postgresql.conf.sample"

install -d -m 1777 -o "$pg_uid" -g "$pg_gid" "$root/var/lib/postgresql/data"
install -d -m 3777 -o "$pg_uid" -g "$pg_gid" "$root/run/postgresql"
install -d -m 0755 "$root/docker-entrypoint-initdb.d"
install -m 0755 "$here/docker-entrypoint.sh" "$root/usr/local/bin/docker-entrypoint.sh"
ln -sfn usr/local/bin/docker-entrypoint.sh "$root/docker-entrypoint.sh" # backwards compat, like official

# --- 3. trim -----------------------------------------------------------------------------------
# JIT: drop LLVM (~110 MB). With llvmjit.so absent the server silently runs without JIT
# (pg_jit_available() = false); nothing in a dump/restore depends on it.
rm -rf "$root/usr/lib/postgresql/$major/lib/llvmjit.so" \
	"$root/usr/lib/postgresql/$major/lib/llvmjit_types.bc" \
	"$root/usr/lib/postgresql/$major/lib/bitcode"
find "$root/usr/lib" -xdev -name 'libLLVM*' -exec rm -f {} +
rm -rf "$root/var/cache/apt/"* "$root/var/lib/apt/lists/"* \
	"$root/usr/share/doc/"* "$root/usr/share/man/"* "$root/usr/share/info/"* \
	"$root/usr/share/locale/"* "$root/usr/share/i18n/charmaps" "$root/usr/share/i18n/locales" \
	"$root/usr/share/lintian" "$root/usr/share/postgresql/$major/man" \
	"$root/var/cache/debconf/"*-old "$root/var/lib/dpkg/"*-old \
	"$root/debootstrap"
find "$root/var/log" -xdev -type f -delete
: >"$root/etc/resolv.conf"
echo backupps-pg >"$root/etc/hostname"
# later `apt-get install` inside a container should stay small too
cat >"$root/etc/dpkg/dpkg.cfg.d/backupps-nodoc" <<'EOF'
path-exclude=/usr/share/doc/*
path-exclude=/usr/share/man/*
path-exclude=/usr/share/info/*
path-exclude=/usr/share/locale/*
EOF

# --- 4. import ---------------------------------------------------------------------------------
old_id="$(docker image inspect -f '{{.Id}}' "$tag" 2>/dev/null || true)"
base_tag="$tag-rootfs-$$"
tar --numeric-owner -C "$root" --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' -c . |
	docker import --message "backupps test rig: postgresql-$major $pg_version on Debian $suite" \
		- "$base_tag" >/dev/null
# Legacy builder (no BuildKit, no RUN): only metadata on top of the imported filesystem.
build_rc=0
build_out="$(DOCKER_BUILDKIT=0 docker build --force-rm -t "$tag" \
	--build-arg "BASE=$base_tag" --build-arg "PG_MAJOR=$major" --build-arg "PG_VERSION=$pg_version" \
	--build-arg "DEBIAN_SUITE=$suite" --build-arg "RIG_HASH=$rig_hash" \
	- <"$here/Dockerfile" 2>&1)" || build_rc=$?
docker rmi "$base_tag" >/dev/null 2>&1 || true # only untags: the final image sits on top of it
if [ "$build_rc" -ne 0 ]; then
	printf '%s\n' "$build_out" >&2
	exit 1
fi

# the previous build of this tag is now dangling; drop it if nothing uses it
new_id="$(docker image inspect -f '{{.Id}}' "$tag")"
if [ -n "$old_id" ] && [ "$old_id" != "$new_id" ]; then
	docker rmi "$old_id" >/dev/null 2>&1 || true
fi
