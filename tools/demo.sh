#!/usr/bin/env bash
# The main job on a built-in demo target: starts a throwaway PostgreSQL container with sample data,
# backs it up with `backupps backup-database`, lists it, proves it with `test-backup`, and prints
# the objects. Run as root on a fresh Debian machine (it installs docker.io and builds the image).
# The container is removed at the end; the backups stay in ./demo-backups.
set -euo pipefail
cd "$(dirname "$0")/.."

tests/rig/setup.sh --no-pwsh # the demo runs the backupps CLI only
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
dotnet build src/BackupPs.Cli -c Release --nologo -v quiet -clp:NoSummary
backupps() { dotnet src/BackupPs.Cli/bin/Release/net8.0/backupps.dll "$@"; }

container="backupps-demo-$$"
trap 'docker rm -f -v "$container" >/dev/null 2>&1 || true' EXIT
docker run -d --name "$container" --network none \
    -e POSTGRES_USER=app -e POSTGRES_PASSWORD="$(head -c 18 /dev/urandom | base64)" -e POSTGRES_DB=app \
    backupps-test/postgres:15 >/dev/null
until docker exec "$container" pg_isready -q -U app -d app; do sleep 0.2; done
docker exec -i "$container" psql -X -q -U app -d app -v ON_ERROR_STOP=1 -v scale=5 < tests/rig/seed-database.sql

echo "== backupps backup-database --container $container --environment demo --path ./demo-backups"
backupps backup-database --container "$container" --environment demo --path ./demo-backups
echo "== backupps get-backup ./demo-backups --environment demo --latest --json"
backupps get-backup ./demo-backups --environment demo --latest --json
latest=$(backupps get-backup ./demo-backups --environment demo --latest --json | sed -E 's/.*"Path":"([^"]+)".*/\1/')
echo "== backupps test-backup $latest"
backupps test-backup "$latest"
echo "== backupps test-backup $latest --restore   (the restore drill: throwaway database, exact row counts, dropped)"
backupps test-backup "$latest" --restore
echo "== backupps restore-database $latest --database app_restored --force"
backupps restore-database "$latest" --database app_restored --force
