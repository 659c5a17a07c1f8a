#!/bin/sh
# t_sp.sh's signal case as NetBSD writes it, run with our stand-ins for
# its helpers (tests/netbsd/h_simpleserver.c, h_simplecli.c): the server
# daemonizes, posts NetBSD signal 27 to the first client process in its
# kernel, and the client program dies of it (SIGPROF, 27 on Linux too).
# Installed as build/host/tests/netbsd/standins beside the helpers;
# rump.halt is in ../../bin (or $RUMP_TEST_BINDIR).
set -u
here=$(cd "$(dirname "$0")" && pwd)
bin=${RUMP_TEST_BINDIR:-$(cd "$here/../../bin" && pwd)}
dir=$(mktemp -d)
pass=0 fail=0
ok() { echo "PASS $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1: $2"; fail=$((fail + 1)); }
export RUMP_SERVER="unix://$dir/commsock"
cleanup() {
	[ -e "$dir/commsock" ] && timeout 30 "$bin/rump.halt" >/dev/null 2>&1
	rm -rf "$dir"
}
trap cleanup EXIT

# The server returns once it serves (daemonized), status 0.
if "$here/h_simpleserver" "$RUMP_SERVER" sendsig 27 2>"$dir/err" &&
    [ -S "$dir/commsock" ]; then
	ok server_daemonizes_and_serves
else
	bad server_daemonizes_and_serves "status $?: $(cat "$dir/err")"
fi

# "h_simplecli block" makes calls until a signal ends it: t_sp.sh wants
# signal:27. timeout(1) answers 128 + the signal its child died of.
timeout 60 "$here/h_simplecli" block 2>"$dir/err"
st=$?
if [ $st -eq $((128 + 27)) ]; then
	ok client_dies_of_the_signal_the_server_posts
else
	bad client_dies_of_the_signal_the_server_posts \
	    "status $st (124: still running after 60 s): $(cat "$dir/err")"
fi

# The server goes on: a plain h_simplecli gets a pid; rump.halt ends it.
if "$here/h_simplecli" 2>"$dir/err"; then
	ok server_serves_the_next_client
else
	bad server_serves_the_next_client "status $?: $(cat "$dir/err")"
fi
timeout 30 "$bin/rump.halt"
i=0
while [ -e "$dir/commsock" ] && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
if [ ! -e "$dir/commsock" ]; then
	ok rump_halt_stops_it
else
	bad rump_halt_stops_it "the socket is still there after 30 s"
fi

# NetBSD's argument checks: no URL, or an action it does not know.
if "$here/h_simpleserver" 2>/dev/null; then
	bad no_url_is_status_1 "status 0"
else
	ok no_url_is_status_1
fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
