#!/usr/bin/env bash
# The whole test suite, on a fresh Debian machine: installs and starts what it needs (docker.io,
# dockerd, debootstrap, the PostgreSQL test image), builds everything and runs every xUnit test,
# then the Pester tests where pwsh with Pester exists. Run as root (apt, dockerd, test mounts).
# Ends with one summary line "N passed, N failed, N skipped"; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v dotnet >/dev/null; then
    echo "tools/test.sh: the .NET SDK (8.0 or newer) is required and not on PATH; install it, then re-run." >&2
    exit 1
fi

tests/rig/setup.sh --pg 15 --pg 17
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

dotnet build BackupPs.sln -c Release --nologo -v quiet -clp:NoSummary

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test tests/BackupPs.Tests -c Release --no-build --nologo 2>&1 | tee "$log" || status=$?

if command -v pwsh >/dev/null && pwsh -NoProfile -Command 'exit [int]!(Get-Module -ListAvailable Pester)'; then
    pwsh -NoProfile -File build.ps1 -Task Pester || status=$?
else
    echo "pwsh with Pester not found: Pester tests skipped (their behaviour is covered by the xUnit suite)."
fi

# dotnet test's summary: "Passed!  - Failed: 0, Passed: 57, Skipped: 0, Total: 57, ..."
summary=$(grep -E '(Passed|Failed)! +- Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+' "$log" | tail -n 1 || true)
if [ -z "$summary" ]; then
    echo "tools/test.sh: no test summary found; the test run did not complete." >&2
    exit 1
fi
failed=$(sed -E 's/.*Failed: +([0-9]+),.*/\1/' <<<"$summary")
passed=$(sed -E 's/.*Passed: +([0-9]+),.*/\1/' <<<"$summary")
skipped=$(sed -E 's/.*Skipped: +([0-9]+),.*/\1/' <<<"$summary")
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$passed" -eq 0 ]; then
    status=1
fi
exit "$status"
