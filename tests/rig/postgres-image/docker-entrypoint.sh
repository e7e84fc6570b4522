#!/usr/bin/env bash
# Entrypoint of backupps-test/postgres:<major> (BackupPs test rig).
#
# Follows the official `postgres` image's conventions (POSTGRES_USER / POSTGRES_PASSWORD /
# POSTGRES_DB / POSTGRES_INITDB_ARGS / POSTGRES_INITDB_WALDIR / POSTGRES_HOST_AUTH_METHOD, the
# *_FILE variants, PGDATA, PGPORT, /docker-entrypoint-initdb.d), with two deliberate differences:
#
#  1. Readiness: first-time init never runs a server that default clients can reach. initdb gets
#     the password through a pipe (--pwfile=<(...)), POSTGRES_DB is created with
#     `postgres --single`, and init scripts (only when /docker-entrypoint-initdb.d has files) run
#     against a temporary server with listen_addresses='' whose only socket is in a private 0700
#     temp dir. So `pg_isready` or a working `psql` (default socket or TCP) means the REAL server
#     is up; the official image's temp server answers on the default socket during init.
#  2. When a password is set, ALL TCP connections (127.0.0.1 and ::1 included) use
#     scram-sha-256; the official image trusts loopback TCP. Unix-socket connections are `trust`
#     in both. Without a password, TCP is `trust` (the official image refuses to start instead).
#     POSTGRES_HOST_AUTH_METHOD overrides the TCP method either way.
#
# The password is never put on a command line.
set -Eeo pipefail

# usage: file_env VAR [DEFAULT]  ->  VAR from $VAR or from the file named by $VAR_FILE
file_env() {
	local var="$1" fileVar="${1}_FILE" def="${2:-}"
	if [ "${!var:-}" ] && [ "${!fileVar:-}" ]; then
		printf >&2 'error: both %s and %s are set (but are exclusive)\n' "$var" "$fileVar"
		exit 1
	fi
	local val="$def"
	if [ "${!var:-}" ]; then
		val="${!var}"
	elif [ "${!fileVar:-}" ]; then
		val="$(<"${!fileVar}")"
	fi
	export "$var"="$val"
	unset "$fileVar"
}

# true if the script is sourced rather than executed
_is_sourced() {
	[ "${#FUNCNAME[@]}" -ge 2 ] && [ "${FUNCNAME[0]}" = '_is_sourced' ] && [ "${FUNCNAME[1]}" = 'source' ]
}

docker_setup_env() {
	file_env 'POSTGRES_PASSWORD'
	file_env 'POSTGRES_USER' 'postgres'
	file_env 'POSTGRES_DB' "$POSTGRES_USER"
	file_env 'POSTGRES_INITDB_ARGS'
	: "${POSTGRES_HOST_AUTH_METHOD:=}"
	if [ -z "$POSTGRES_HOST_AUTH_METHOD" ]; then
		if [ -n "$POSTGRES_PASSWORD" ]; then POSTGRES_HOST_AUTH_METHOD=scram-sha-256; else POSTGRES_HOST_AUTH_METHOD=trust; fi
	fi
	export POSTGRES_HOST_AUTH_METHOD

	declare -g DATABASE_ALREADY_EXISTS=
	if [ -s "$PGDATA/PG_VERSION" ]; then
		DATABASE_ALREADY_EXISTS='true'
	fi
}

# create PGDATA, the socket dir (and the WAL dir) and, when root, hand them to postgres
docker_create_db_directories() {
	local user
	user="$(id -u)"

	mkdir -p "$PGDATA"
	chmod 00700 "$PGDATA" || :

	mkdir -p /var/run/postgresql || :
	chmod 03775 /var/run/postgresql || :

	if [ -n "${POSTGRES_INITDB_WALDIR:-}" ]; then
		mkdir -p "$POSTGRES_INITDB_WALDIR"
		if [ "$user" = '0' ]; then
			find "$POSTGRES_INITDB_WALDIR" \! -user postgres -exec chown postgres '{}' +
		fi
		chmod 700 "$POSTGRES_INITDB_WALDIR"
	fi

	if [ "$user" = '0' ]; then
		find "$PGDATA" \! -user postgres -exec chown postgres '{}' +
		find /var/run/postgresql \! -user postgres -exec chown postgres '{}' +
	fi
}

docker_verify_minimum_env() {
	if [ -z "$POSTGRES_PASSWORD" ] && [ 'trust' = "$POSTGRES_HOST_AUTH_METHOD" ]; then
		cat >&2 <<-'EOWARN'
			********************************************************************************
			WARNING: POSTGRES_PASSWORD is not set: every TCP connection is accepted without a
			         password (host all all all trust). Fine for a test rig, never elsewhere.
			********************************************************************************
		EOWARN
	fi
}

# initdb, as the current (non-root) user; the password reaches initdb through a pipe only
docker_init_database_dir() {
	# an arbitrary `docker run --user` uid has no passwd entry; initdb needs one
	local uid
	uid="$(id -u)"
	if ! getent passwd "$uid" &>/dev/null; then
		local wrapper
		for wrapper in {/usr,}/lib{/*,}/libnss_wrapper.so; do
			if [ -s "$wrapper" ]; then
				NSS_WRAPPER_PASSWD="$(mktemp)"
				NSS_WRAPPER_GROUP="$(mktemp)"
				export LD_PRELOAD="$wrapper" NSS_WRAPPER_PASSWD NSS_WRAPPER_GROUP
				local gid
				gid="$(id -g)"
				printf 'postgres:x:%s:%s:PostgreSQL:%s:/bin/false\n' "$uid" "$gid" "$PGDATA" >"$NSS_WRAPPER_PASSWD"
				printf 'postgres:x:%s:\n' "$gid" >"$NSS_WRAPPER_GROUP"
				break
			fi
		done
	fi

	if [ -n "${POSTGRES_INITDB_WALDIR:-}" ]; then
		set -- --waldir "$POSTGRES_INITDB_WALDIR" "$@"
	fi
	set -- --auth-local=trust --auth-host="$POSTGRES_HOST_AUTH_METHOD" "$@"
	if [ -n "$POSTGRES_PASSWORD" ]; then
		# process substitution: initdb sees /dev/fd/N; the password is neither on a command line
		# nor on disk
		# shellcheck disable=SC2016
		eval 'initdb --username="$POSTGRES_USER" --pwfile=<(printf "%s\n" "$POSTGRES_PASSWORD") "$@" '"$POSTGRES_INITDB_ARGS"
	else
		# shellcheck disable=SC2016
		eval 'initdb --username="$POSTGRES_USER" "$@" '"$POSTGRES_INITDB_ARGS"
	fi
}

docker_cleanup_nss_wrapper() {
	if [[ "${LD_PRELOAD:-}" == */libnss_wrapper.so ]]; then
		rm -f "$NSS_WRAPPER_PASSWD" "$NSS_WRAPPER_GROUP"
		unset LD_PRELOAD NSS_WRAPPER_PASSWD NSS_WRAPPER_GROUP
	fi
}

# TCP rule for every address, appended like the official image does
pg_setup_hba_conf() {
	{
		printf '\n'
		if [ 'trust' = "$POSTGRES_HOST_AUTH_METHOD" ]; then
			printf '# warning trust is enabled for all connections\n'
		fi
		printf 'host all all all %s\n' "$POSTGRES_HOST_AUTH_METHOD"
	} >>"$PGDATA/pg_hba.conf"
}

# run SQL on stdin in a single-user backend (no sockets at all) against database $1;
# single-user mode exits 0 even after an ERROR, so look at what it logged
docker_single_user_sql() {
	local db="$1" log
	log="$(mktemp)"
	if ! postgres --single -j -D "$PGDATA" -c log_min_messages=warning "$db" >/dev/null 2>"$log" ||
		grep -qE '(ERROR|FATAL|PANIC):' "$log"; then
		cat "$log" >&2
		rm -f "$log"
		echo >&2 "error: single-user SQL against database '$db' failed"
		exit 1
	fi
	rm -f "$log"
}

docker_setup_db() {
	if [ "$POSTGRES_DB" != 'postgres' ]; then
		local ident="\"${POSTGRES_DB//\"/\"\"}\""
		printf 'CREATE DATABASE %s;\n' "$ident" | docker_single_user_sql postgres
		printf 'CREATE DATABASE %s\n' "$ident"
	fi
}

# usage: docker_process_sql [psql-cli-args]   (talks to the private temp server via PGHOST)
docker_process_sql() {
	local query_runner=(psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc)
	if [ -n "$POSTGRES_DB" ]; then
		query_runner+=(--dbname "$POSTGRES_DB")
	fi
	PGHOSTADDR='' "${query_runner[@]}" "$@"
}

# usage: docker_process_init_files FILE...
docker_process_init_files() {
	echo
	local f
	for f; do
		case "$f" in
			*.sh)
				if [ -x "$f" ]; then
					printf '%s: running %s\n' "$0" "$f"
					"$f"
				else
					printf '%s: sourcing %s\n' "$0" "$f"
					# shellcheck disable=SC1090
					. "$f"
				fi
				;;
			*.sql) printf '%s: running %s\n' "$0" "$f"; docker_process_sql -f "$f"; echo ;;
			*.sql.gz) printf '%s: running %s\n' "$0" "$f"; gunzip -c "$f" | docker_process_sql; echo ;;
			*.sql.xz) printf '%s: running %s\n' "$0" "$f"; xzcat "$f" | docker_process_sql; echo ;;
			*.sql.zst) printf '%s: running %s\n' "$0" "$f"; zstd -dc "$f" | docker_process_sql; echo ;;
			*) printf '%s: ignoring %s\n' "$0" "$f" ;;
		esac
		echo
	done
}

# init scripts need a server; start one that only listens on a private socket directory
docker_run_init_scripts() {
	shopt -s nullglob
	local files=(/docker-entrypoint-initdb.d/*)
	shopt -u nullglob
	if [ "${#files[@]}" -eq 0 ]; then
		return 0
	fi

	local sockdir
	sockdir="$(mktemp -d "${TMPDIR:-/tmp}/backupps-initdb-socket.XXXXXX")"
	chmod 0700 "$sockdir"
	pg_ctl -D "$PGDATA" -w -o "-c listen_addresses='' -c unix_socket_directories='$sockdir'" start

	local had_pghost="${PGHOST-__unset__}"
	export PGHOST="$sockdir"
	docker_process_init_files "${files[@]}"
	if [ "$had_pghost" = '__unset__' ]; then unset PGHOST; else export PGHOST="$had_pghost"; fi

	pg_ctl -D "$PGDATA" -m fast -w stop
	rm -rf "$sockdir"
}

# true if the postgres args ask for help/version/config only (then skip all setup)
_pg_want_help() {
	local arg
	for arg; do
		case "$arg" in
			-'?' | --help | --describe-config | -V | --version) return 0 ;;
		esac
	done
	return 1
}

_main() {
	# `docker run image -c foo=bar` -> `postgres -c foo=bar`
	if [ "${1:0:1}" = '-' ]; then
		set -- postgres "$@"
	fi

	if [ "$1" = 'postgres' ] && ! _pg_want_help "$@"; then
		docker_setup_env
		docker_create_db_directories
		if [ "$(id -u)" = '0' ]; then
			# drop to postgres and start over (like gosu in the official image)
			HOME="$(getent passwd postgres | cut -d: -f6)" exec setpriv --reuid=postgres --regid=postgres --init-groups "${BASH_SOURCE[0]}" "$@"
		fi

		if [ -z "$DATABASE_ALREADY_EXISTS" ]; then
			docker_verify_minimum_env
			# fail early if the init dir is unreadable for this user
			ls /docker-entrypoint-initdb.d/ >/dev/null

			docker_init_database_dir
			pg_setup_hba_conf
			docker_setup_db
			docker_run_init_scripts
			docker_cleanup_nss_wrapper

			echo
			echo 'PostgreSQL init process complete; ready for start up.'
			echo
		else
			echo
			echo 'PostgreSQL Database directory appears to contain a database; Skipping initialization'
			echo
		fi
	fi

	exec "$@"
}

if ! _is_sourced; then
	_main "$@"
fi
