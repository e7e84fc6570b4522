# Shared helpers of the benchmarks (bench/run.sh, bench/files.sh): sourced, not run.
# The caller sets $out (a scratch folder the helpers write their bookkeeping into) before measuring;
# one line per measured procedure collects in $out/results as "NAME seconds bytes peak-kB cpu-seconds".

# bench_tools: GNU time (peak RSS), bc (the ratios) and jq (--json records), installed when missing.
bench_tools() {
    { command -v /usr/bin/time && command -v bc && command -v jq; } >/dev/null ||
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time bc jq >/dev/null
}

# bench_build_cli: builds the backupps CLI in Release and sets $cli to its dll (run with `dotnet "$cli"`).
bench_build_cli() {
    export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
    dotnet build src/BackupPs.Cli -c Release --nologo -v quiet -clp:NoSummary
    cli=src/BackupPs.Cli/bin/Release/net8.0/backupps.dll
}

# measure NAME OUTPUT COMMAND...: runs COMMAND with cold page caches under GNU time and appends
# "NAME seconds bytes peak-kB cpu-seconds" to $out/results (cpu = user + system of the process tree
# started here: on a busy machine it says more than the wall time). OUTPUT is a file (a glob is expanded), a folder (its
# apparent size, du -sb), @json for the Path of the record a backupps command printed with --json
# (see json_path), or "" for none. Peak RSS is GNU time's: the largest process of the tree
# the command starts (not what runs inside a container). The command's stdout and stderr are kept
# in $out/NAME.stdout (e.g. for --json records) and $out/NAME.stderr (e.g. for --verbose timings),
# and shown when the command fails (set -e would otherwise end the run silently).
measure() {
    local name=$1 file=$2; shift 2
    sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
    if ! /usr/bin/time -f '%e %M %U %S' -o "$out/time" "$@" > "$out/$name.stdout" 2> "$out/$name.stderr"; then
        echo "$name failed:" >&2; tail -n 20 "$out/$name.stdout" "$out/$name.stderr" >&2; return 1
    fi
    local bytes=0
    [ "$file" != @json ] || file=$(json_path "$name")
    if [ -n "$file" ]; then
        # shellcheck disable=SC2086 # OUTPUT may be a glob
        if [ -d $file ]; then bytes=$(du -sb $file | cut -f1); else bytes=$(stat -c %s $file); fi
    fi
    read -r seconds rss user system < "$out/time"
    echo "$name $seconds $bytes $rss $(echo "$user + $system" | bc)" >> "$out/results"
}

# has_verb VERB: whether the built backupps CLI ($cli) knows VERB.
has_verb() { dotnet "$cli" "$1" --help >/dev/null 2>&1; }

# json_path NAME: the Path of the (last) record the command measured as NAME printed with --json.
json_path() { jq -r 'select(.Path != null) | .Path' "$out/$1.stdout" | tail -n 1; }

# print_results: the table of everything measured so far.
print_results() {
    local name seconds bytes rss cpu size
    echo
    printf '%-22s %8s %8s %11s %12s\n' procedure 'wall s' 'CPU s' 'output MiB' 'peak RSS MiB'
    while read -r name seconds bytes rss cpu; do
        size=-; [ "$bytes" -gt 0 ] && size=$(printf '%.1f' "$(echo "$bytes/1048576" | bc -l)")
        printf '%-22s %8.2f %8.2f %11s %12.1f\n' "$name" "$seconds" "$cpu" "$size" "$(echo "$rss/1024" | bc -l)"
    done < "$out/results"
    echo
}

# get NAME FIELD: one figure of a measured procedure (2 = seconds, 3 = bytes, 4 = peak kB, 5 = CPU seconds).
get() { awk -v n="$1" -v f="$2" '$1 == n { print $f }' "$out/results"; }

# ratio A B FIELD: A's figure over B's, two decimals.
ratio() { printf '%.2f' "$(echo "$(get "$1" "$3") / $(get "$2" "$3")" | bc -l)"; }

# peak_mib NAME: a procedure's peak RSS in MiB, no decimals.
peak_mib() { printf '%.0f' "$(echo "$(get "$1" 4) / 1024" | bc -l)"; }
