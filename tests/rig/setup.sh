#!/usr/bin/env bash
# BackupPs real test rig: makes sure this machine can run PostgreSQL-in-Docker tests.
#
# Usage: tests/rig/setup.sh [--pg 15] [--pg 17] [--rebuild] [--no-pwsh]
#   --pg N      build/check image backupps-test/postgres:N (N = 15 or 17; repeatable; default 15)
#   --rebuild   rebuild the requested images even if they are up to date
#   --no-pwsh   skip step 4 (the demo runs no pwsh, and pwsh needs the .NET 10 runtime)
#
# Steps (one line each; quiet unless something fails; idempotent):
#   1. apt-get install docker.io / debootstrap / zstd / ... when missing
#   2. start dockerd (--bridge=none --iptables=false, log /var/log/backupps-dockerd.log) when
#      `docker info` fails; works without systemd
#   3. build backupps-test/postgres:<N> from Debian packages (debootstrap + docker import) unless
#      the image exists with label backupps.rig-hash == hash of tests/rig/postgres-image/*
#   4. install pwsh 7.6.9 (.NET global tool) and Pester 5.7.1 when missing (install-pwsh.sh), unless --no-pwsh
# Needs root. Env: BACKUPPS_DEBIAN_MIRROR (default http://deb.debian.org/debian),
# BACKUPPS_RIG_TMPDIR (rootfs scratch dir, default /var/tmp).
set -euo pipefail

RIG_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
IMAGE_REPO='backupps-test/postgres'
DOCKERD_LOG=/var/log/backupps-dockerd.log

# shellcheck source=lib.sh
source "$RIG_DIR/lib.sh"
usage() { sed -n '4,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

majors=()
rebuild=0
pwsh=1
while [ "$#" -gt 0 ]; do
	case "$1" in
		--pg)
			[ "$#" -ge 2 ] || die '--pg needs a version (15 or 17)'
			case "$2" in 15 | 17) ;; *) die "unsupported --pg '$2' (15 or 17)" ;; esac
			[[ " ${majors[*]-} " == *" $2 "* ]] || majors+=("$2")
			shift 2
			;;
		--pg=*)
			v="${1#--pg=}"
			case "$v" in 15 | 17) ;; *) die "unsupported --pg '$v' (15 or 17)" ;; esac
			[[ " ${majors[*]-} " == *" $v "* ]] || majors+=("$v")
			shift
			;;
		--rebuild) rebuild=1; shift ;;
		--no-pwsh) pwsh=0; shift ;;
		-h | --help) usage; exit 0 ;;
		*) usage >&2; die "unknown argument '$1'" ;;
	esac
done
[ "${#majors[@]}" -gt 0 ] || majors=(15)

[ "$(id -u)" = 0 ] || die 'run as root (apt-get, dockerd and debootstrap need it), e.g. sudo tests/rig/setup.sh'

# systemd usable = PID 1 is systemd and it answers; CI containers have no init system
systemd_running() {
	[ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1 || return 1
	case "$(timeout 5 systemctl is-system-running 2>/dev/null || true)" in
		running | degraded | starting | initializing) return 0 ;;
		*) return 1 ;;
	esac
}

# ---------------------------------------------------------------------------------------------
# 1. packages
# ---------------------------------------------------------------------------------------------
# command exists as an executable file (bash's `command -v` also reports non-executable files)
have() {
	local p
	p="$(command -v "$1" 2>/dev/null)" && [ -x "$p" ]
}

# busybox (dynamic) and busybox-static both install /bin/busybox; only the static one runs in an
# empty image
file_is_static() {
	! LC_ALL=C ldd "$1" >/dev/null 2>&1
}

need=()
if ! have docker ||
	{ ! have dockerd && ! timeout 20 docker info >/dev/null 2>&1; }; then
	need+=(docker.io)
fi
have debootstrap || need+=(debootstrap)
have zstd || need+=(zstd)
have gpgv || need+=(gpgv)
# the Docker client's own tests run a tiny image imported from the statically linked busybox
[ -x /bin/busybox ] && file_is_static /bin/busybox || need+=(busybox-static)
# trixie (for --pg 17) needs the Debian 13 archive keys, shipped in newer debian-archive-keyring
if [ ! -s /usr/share/keyrings/debian-archive-keyring.gpg ] ||
	{ [[ " ${majors[*]} " == *" 17 "* ]] && [ ! -e /usr/share/keyrings/debian-archive-trixie-automatic.gpg ]; }; then
	need+=(debian-archive-keyring)
fi

if [ "${#need[@]}" -gt 0 ]; then
	step "packages: installing ${need[*]}"
	have apt-get || die "apt-get not found; install ${need[*]} by hand"
	export DEBIAN_FRONTEND=noninteractive
	# without an init system, keep docker.io's postinst from starting a default dockerd (with a
	# docker0 bridge and iptables rules); step 2 starts it the way the rig wants
	policy_created=0
	if [ ! -e /usr/sbin/policy-rc.d ] && ! systemd_running; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod 0755 /usr/sbin/policy-rc.d
		policy_created=1
	fi
	rc=0
	quiet apt-get update -q || rc=$?
	[ "$rc" -ne 0 ] || quiet apt-get install -y -q --no-install-recommends "${need[@]}" || rc=$?
	[ "$policy_created" -eq 0 ] || rm -f /usr/sbin/policy-rc.d
	[ "$rc" -eq 0 ] || die "apt-get install ${need[*]} failed"
else
	step 'packages: docker, debootstrap, zstd, busybox-static already installed'
fi

# ---------------------------------------------------------------------------------------------
# 2. docker daemon
# ---------------------------------------------------------------------------------------------
docker_ok() { timeout 20 docker info >/dev/null 2>&1; }

# a dockerd process already exists (maybe still starting); no procps needed
dockerd_running() {
	local pid
	pid="$(cat /var/run/docker.pid 2>/dev/null || true)"
	[ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null || true)" = dockerd ]
}

wait_for_docker() {
	local i
	for ((i = 0; i < 60; i++)); do
		docker_ok && return 0
		sleep 1
	done
	return 1
}

if docker_ok; then
	step 'dockerd: already running'
elif dockerd_running; then
	step 'dockerd: process exists but not answering yet; waiting up to 60 s'
	wait_for_docker || die "dockerd is running but 'docker info' still fails after 60 s"
elif systemd_running && systemctl cat docker.service >/dev/null 2>&1; then
	step 'dockerd: starting via systemctl start docker'
	quiet systemctl start docker || die 'systemctl start docker failed'
	wait_for_docker || die "'docker info' still fails 60 s after systemctl start docker"
else
	step "dockerd: starting in the background (--bridge=none --iptables=false, log $DOCKERD_LOG)"
	mkdir -p "$(dirname "$DOCKERD_LOG")"
	setsid nohup dockerd --bridge=none --iptables=false </dev/null >>"$DOCKERD_LOG" 2>&1 &
	if ! wait_for_docker; then
		tail -n 30 "$DOCKERD_LOG" >&2 || true
		die "dockerd did not answer within 60 s (log: $DOCKERD_LOG)"
	fi
fi

# ---------------------------------------------------------------------------------------------
# 3. images
# ---------------------------------------------------------------------------------------------
# Hash of everything that defines an image: all files under postgres-image/ (names + contents)
# plus the major version.
rig_hash() {
	local major="$1"
	{
		printf 'major=%s\n' "$major"
		(cd "$RIG_DIR/postgres-image" && find . -type f -print0 | LC_ALL=C sort -z |
			while IFS= read -r -d '' f; do printf '== %s\n' "$f"; cat "$f"; done)
	} | sha256sum | cut -d' ' -f1
}

for major in "${majors[@]}"; do
	tag="$IMAGE_REPO:$major"
	want="$(rig_hash "$major")"
	have="$(docker image inspect -f '{{ index .Config.Labels "backupps.rig-hash" }}' "$tag" 2>/dev/null || true)"
	if [ "$rebuild" -eq 0 ] && [ "$have" = "$want" ]; then
		step "image $tag: up to date (rig hash ${want:0:12})"
		continue
	fi
	if [ -z "$have" ]; then why='not built yet'; elif [ "$rebuild" -eq 1 ]; then why='--rebuild'; else why='rig files changed'; fi
	step "image $tag: building ($why; debootstrap + docker import, ~1 min)"
	start=$SECONDS
	bash "$RIG_DIR/postgres-image/build-image.sh" "$major" "$tag" "$want" ||
		die "building $tag failed"
	size="$(docker image inspect -f '{{ .Size }}' "$tag")"
	step "image $tag: built in $((SECONDS - start)) s ($((size / 1024 / 1024)) MB)"
done

# ---------------------------------------------------------------------------------------------
# 4. pwsh and Pester (for tests/pester and tests/drills)
# ---------------------------------------------------------------------------------------------
if [ "$pwsh" -eq 1 ]; then
	bash "$RIG_DIR/install-pwsh.sh"
fi
