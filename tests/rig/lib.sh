# Shared by the rig's scripts (sourced): one-line step messages, fatal errors, and quiet commands.

step() { printf '[rig] %s\n' "$*"; }
die() { printf '[rig] ERROR: %s\n' "$*" >&2; exit 1; }

# run a command quietly; on failure show the end of its output and fail
quiet() {
	local out rc=0
	out="$(mktemp)"
	"$@" >"$out" 2>&1 || rc=$?
	if [ "$rc" -ne 0 ]; then
		printf '[rig] command failed (exit %s): %s\n' "$rc" "$*" >&2
		tail -n 60 "$out" >&2
	fi
	rm -f "$out"
	return "$rc"
}
