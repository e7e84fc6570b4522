#!/usr/bin/env bash
# The whole test suite, on a fresh Debian machine: installs and starts what it needs (docker.io,
# dockerd, debootstrap, the PostgreSQL test images, pwsh 7.6.9 and Pester 5.7.1: tests/rig/setup.sh),
# builds everything and runs every xUnit test project of the solution, then the Pester tests
# (tests/pester, which also run the operators' drills in tests/drills against stores they make).
# Run as root (apt, dockerd, test mounts).
# Ends with one summary line "N passed, N failed, N skipped" over xUnit and Pester together; exits
# non-zero on any failure, and when a part reports no summary or nothing passed.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v dotnet >/dev/null; then
    echo "tools/test.sh: the .NET SDK (10.0 or newer: the tests and pwsh run on .NET 10) is required and not on PATH; install it, then re-run." >&2
    exit 1
fi

tests/rig/setup.sh --pg 15 --pg 17
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
# where tests/rig/install-pwsh.sh installs pwsh; first, so the suite runs the version the rig pinned
export PATH="${DOTNET_CLI_HOME:-$HOME}/.dotnet/tools:$PATH"

dotnet build BackupPs.sln -c Release --nologo -v quiet -clp:NoSummary

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
passed=0 failed=0 skipped=0

# Adds one part's counts to the totals; a part without its summary line did not complete.
count() {
    local part="$1" summary="$2" p f s
    if [ -z "$summary" ]; then
        echo "tools/test.sh: no test summary from $part; the run did not complete." >&2
        status=1
        return
    fi
    p=$(sed -E 's/.*Passed: +([0-9]+),.*/\1/; s/^Pester: ([0-9]+) passed.*/\1/' <<<"$summary")
    f=$(sed -E 's/.*Failed: +([0-9]+),.*/\1/; s/^Pester: [0-9]+ passed, ([0-9]+) failed.*/\1/' <<<"$summary")
    s=$(sed -E 's/.*Skipped: +([0-9]+),.*/\1/; s/^Pester: .* ([0-9]+) skipped$/\1/' <<<"$summary")
    passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
    if [ "$p" -eq 0 ]; then
        echo "tools/test.sh: nothing passed in $part." >&2
        status=1
    fi
}

# The test projects are the solution's: a new one is run once it is added to BackupPs.sln.
mapfile -t projects < <(dotnet sln BackupPs.sln list | grep -E '^tests/.+\.Tests\.csproj$')
if [ "${#projects[@]}" -eq 0 ]; then
    echo "tools/test.sh: BackupPs.sln lists no test project." >&2
    exit 1
fi
for project in "${projects[@]}"; do
    dotnet test "$project" -c Release --no-build --nologo 2>&1 | tee "$log" || status=$?
    # dotnet test's summary: "Passed!  - Failed: 0, Passed: 57, Skipped: 0, Total: 57, ..."
    count "$project" "$(grep -E '(Passed|Failed)! +- Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+' "$log" | tail -n 1 || true)"
done

pwsh -NoProfile -NonInteractive -File tests/run-pester.ps1 2>&1 | tee "$log" || status=$?
count 'the Pester tests' "$(grep -E '^Pester: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$log" | tail -n 1 || true)"

echo "${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$failed" -ne 0 ] && [ "$status" -eq 0 ]; then
    status=1
fi
exit "$status"
