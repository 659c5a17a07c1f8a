#!/bin/sh
# netbsd_names (tests/host/sp/netbsd_names.c) linked two ways: with
# librump.a (the kernel in-process) and with librumpclient.so.0 against a
# rump_server. Installed beside those binaries in build/host/tests/sp/.
set -u
here=$(cd "$(dirname "$0")" && pwd)
bin=${RUMP_TEST_BINDIR:-$(cd "$here/../../bin" && pwd)}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
tp=0 tf=0

count() {
	last=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$dir/out" | tail -n 1)
	if [ -z "$last" ]; then
		echo "FAIL $1: no result line"
		tf=$((tf + 1))
		return
	fi
	tp=$((tp + ${last%% passed*}))
	f=${last#*passed, }
	tf=$((tf + ${f%% failed*}))
}

echo "-- with librump.a"
"$here/netbsd_names_local" >"$dir/out" 2>&1
cat "$dir/out"
count local

echo "-- with librumpclient.so.0 against rump_server"
url="unix://$dir/s.sock"
if "$bin/rump_server" "$url"; then
	RUMP_SERVER=$url "$here/netbsd_names_remote" >"$dir/out" 2>&1
	cat "$dir/out"
	count remote
	RUMP_SERVER=$url "$bin/rump.halt"
else
	echo "FAIL remote: rump_server did not start"
	tf=$((tf + 1))
fi
echo "$tp passed, $tf failed"
[ "$tf" -eq 0 ]
