#!/bin/sh
# rump_server -r: hw.physmem64 is the limit, a client filling tmpfs gets a
# short write then ENOSPC and stays served, a new client removes the file
# and writes again. Installed as build/host/tests/sp/server_memlimit beside
# mem_client; the tools are in ../../bin (or $RUMP_TEST_BINDIR).
set -u
here=$(cd "$(dirname "$0")" && pwd)
bin=${RUMP_TEST_BINDIR:-$(cd "$here/../../bin" && pwd)}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
pass=0 fail=0

ok() { echo "PASS $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1: $2"; fail=$((fail + 1)); }

# step NAME EXPECTED-RE ARGS...: mem_client ARGS exits 0 printing RE.
step() {
	name=$1 re=$2
	shift 2
	if out=$("$here/mem_client" "$@" 2>&1) && echo "$out" | grep -qE "$re"; then
		ok "$name"
	else
		bad "$name" "$out"
	fi
}

export RUMP_SERVER="unix://$dir/s.sock"
if ! "$bin/rump_server" -r 64m "$RUMP_SERVER" 2>"$dir/err"; then
	bad server_starts "$(cat "$dir/err")"
else
	step physmem_is_the_limit "hw.physmem64 = 67108864" physmem 67108864 67108864
	step tmpfs_fills_to_enospc_under_64m "then ENOSPC" fill /tmp/big 67108864
	step new_client_removes_and_writes "again: removed" again /tmp/big
	"$bin/rump.halt"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
