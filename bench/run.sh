#!/usr/bin/env bash
# Benchmark: Backup-Database (the backupps CLI) against the runbooks' own procedures, in one run, on
# the same generated database (default scale 1000: a ~1 GB pg_dump -Fc -Z0 stream).
#   backupps      as root: the dump leaves the container through a FIFO
#   backupps-api  as a docker-group user: through the Docker API's exec stream (the fallback)
#   seed000  docker exec ... pg_dump | gzip > file           (runbook 000, section 5)
#   seed003  pg_dump -F c -f /tmp/x in the container, docker cp (runbook 003)
#   limit    pg_dump -Fc -Z0 > /dev/null inside the container (nothing can be faster)
# Then, on the same database and from those same files, restores (each into a new database, dropped
# again before the next one, outside the timing):
#   restore          backupps restore-database, as root, default options: pre-data, then the COPY rows
#                    split over one psql session per CPU (through FIFOs) while the file is checked, then
#                    post-data with as many jobs
#   restore-j1       the same with --jobs 1 (one COPY session, post-data serial): what the split gains
#   seed003-restore  docker cp the seed003 dump in, createdb, pg_restore, rm (runbook 003, procedure A/B)
#   seed000-restore  createdb, gunzip -c | docker exec -i psql (runbook 000)
#   pg_restore-bare  createdb + pg_restore of backupps' archive (zstd removed) already in the container:
#                    the floor for a drill
#   drill            backupps test-backup --restore: throwaway database, exact row counts, drop
# Prints wall time, output size and peak RSS (GNU time: max over the process tree) per procedure,
# and the ratios the issue sets targets for. Usage: bench/run.sh [scale]. Run as root.
set -euo pipefail
cd "$(dirname "$0")/.."
scale=${1:-1000}

# shellcheck source=lib.sh
source bench/lib.sh
tests/rig/setup.sh >/dev/null
bench_tools
bench_build_cli

container="backupps-bench-$$"
out=$(mktemp -d /var/tmp/backupps-bench.XXXXXX)
chmod 711 "$out"   # the docker-group run writes into $out/api
trap 'docker rm -f -v "$container" >/dev/null 2>&1 || true; rm -rf "$out"' EXIT
docker run -d --name "$container" --network none --shm-size=256m -e POSTGRES_USER=app -e POSTGRES_PASSWORD=bench \
    -e POSTGRES_DB=app backupps-test/postgres:15 >/dev/null
until docker exec "$container" pg_isready -q -U app -d app; do sleep 0.2; done
echo "seeding scale $scale ..."
seed_start=$(date +%s)
docker exec -i "$container" psql -X -q -U app -d app -v ON_ERROR_STOP=1 -v scale="$scale" < tests/rig/seed-database.sql >/dev/null
docker exec "$container" psql -X -q -U app -d app -c 'vacuum analyze' >/dev/null
dbsize=$(docker exec "$container" psql -X -A -t -U app -d app -c "select pg_size_pretty(pg_database_size('app'))")
echo "seeded in $(( $(date +%s) - seed_start )) s; database size $dbsize"

measure backupps "$out/bps/bench/app/*.dump.zst" \
    dotnet "$cli" backup-database --container "$container" --environment bench --path "$out/bps"
# The fallback transport, as an operator in the docker group (no access to /proc/<pid>/root).
id -u backupps-operator >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin -G docker backupps-operator
install -d -o backupps-operator "$out/api"
measure backupps-api "$out/api/bench/app/*.dump.zst" \
    setpriv --reuid=backupps-operator --regid=backupps-operator --init-groups -- env HOME=/tmp DOTNET_CLI_HOME=/tmp \
    dotnet "$cli" backup-database --container "$container" --environment bench --path "$out/api"
measure seed000 "$out/seed000.sql.gz" \
    bash -c "docker exec -i $container pg_dump -U app app | gzip > $out/seed000.sql.gz"
measure seed003 "$out/seed003.dump" \
    bash -c "docker exec -i $container pg_dump -U app -d app -F c -f /tmp/seed003.dump && docker cp $container:/tmp/seed003.dump $out/seed003.dump && docker exec $container rm /tmp/seed003.dump"
measure limit "" \
    docker exec "$container" sh -c 'pg_dump -U app -d app -Fc -Z0 > /dev/null'

# Restores. Every restore goes into a database of its own name; dropping it afterwards (and the
# checkpoint that writes out what the restore left dirty in shared buffers) happens here, outside
# the measurement, so no restore pays for the previous one and the server does not fill up.
psql_app() { docker exec "$container" psql -X -q -U app -d app -v ON_ERROR_STOP=1 "$@" >/dev/null; }
settle() {
    local db
    for db in "$@"; do docker exec "$container" dropdb -U app --if-exists "$db"; done
    psql_app -c checkpoint
}
settle
bps_file=$(echo "$out"/bps/bench/app/*.dump.zst)
measure restore "" \
    dotnet "$cli" restore-database "$bps_file" --container "$container" --database r_bps --force
settle r_bps
measure restore-j1 "" \
    dotnet "$cli" restore-database "$bps_file" --container "$container" --database r_bps_j1 --jobs 1 --force
settle r_bps_j1
measure seed003-restore "" \
    bash -c "docker cp $out/seed003.dump $container:/tmp/r.dump && docker exec $container createdb -U app r_seed003 && docker exec $container pg_restore -U app -d r_seed003 /tmp/r.dump && docker exec $container rm /tmp/r.dump"
settle r_seed003
measure seed000-restore "" \
    bash -c "docker exec $container createdb -U app r_seed000 && gunzip -c $out/seed000.sql.gz | docker exec -i $container psql -X -q -U app -d r_seed000"
settle r_seed000
# The floor for a drill: the very archive backupps stored (its zstd layer removed, -Z0 inside, so
# pg_restore decompresses nothing), already a file in the container; copying it in is not timed.
zstd -q -d -c "$bps_file" > "$out/bare.dump"
docker cp -q "$out/bare.dump" "$container:/tmp/bare.dump"
rm -f "$out/bare.dump"
measure pg_restore-bare "" \
    bash -c "docker exec $container createdb -U app r_bare && docker exec $container pg_restore -U app -d r_bare /tmp/bare.dump"
docker exec "$container" rm -f /tmp/bare.dump
settle r_bare
# The drill creates, counts and drops its own throwaway database: all of that is its time.
measure drill "" \
    dotnet "$cli" test-backup "$bps_file" --restore

print_results
printf 'backupps / seed003 time: %s (target <= 0.5)\n' "$(ratio backupps seed003 2)"
printf 'backupps / seed000 time: %s (target <= 0.4)\n' "$(ratio backupps seed000 2)"
printf 'backupps / seed003 size: %s (target <= 1.0)\n' "$(ratio backupps seed003 3)"
printf 'backupps / limit   time: %s\n' "$(ratio backupps limit 2)"
printf 'backupps-api / seed003 time: %s, / seed000 time: %s\n' "$(ratio backupps-api seed003 2)" "$(ratio backupps-api seed000 2)"
printf 'backupps peak RSS: %s MiB, backupps-api: %s MiB (target < 150)\n' "$(peak_mib backupps)" "$(peak_mib backupps-api)"
printf 'restore / seed003-restore time: %s (target <= 0.8)\n' "$(ratio restore seed003-restore 2)"
printf 'restore-j1 / seed003-restore time: %s\n' "$(ratio restore-j1 seed003-restore 2)"
printf 'restore / seed000-restore time: %s\n' "$(ratio restore seed000-restore 2)"
printf 'drill / pg_restore-bare time: %s (target <= 1.1)\n' "$(ratio drill pg_restore-bare 2)"
printf 'restore peak RSS: %s MiB, restore-j1: %s MiB, drill: %s MiB\n' "$(peak_mib restore)" "$(peak_mib restore-j1)" "$(peak_mib drill)"
