#!/bin/sh
# rump_server's TCP/IP (kernel/net/host.mk) from remote clients: AF_INET
# sockets on its loopback interface (net_client), a bad RUMP_NET_TAP
# refused with a clear message, and, where this host lets us make a TAP
# device (root or CAP_NET_ADMIN), host sockets talking to the kernel's
# sockets over it (sock_echo with SOCK_ECHO_ADDR). Installed as
# build/host/tests/net/net_remote; the programs are in ../sp, ../../bin.
set -u
here=$(cd "$(dirname "$0")" && pwd)
bin=${RUMP_TEST_BINDIR:-$(cd "$here/../../bin" && pwd)}
dir=$(mktemp -d)
tap=""
cleanup() {
	[ -e "$dir/s.sock" ] && RUMP_SERVER=unix://$dir/s.sock "$bin/rump.halt" 2>/dev/null
	[ -e "$dir/t.sock" ] && RUMP_SERVER=unix://$dir/t.sock "$bin/rump.halt" 2>/dev/null
	[ -n "$tap" ] && ip link del "$tap" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
pass=0 fail=0

ok() { echo "PASS $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1: $2"; fail=$((fail + 1)); }

# halt URL SOCKETFILE: halts the server and waits for its socket to go.
halt() {
	RUMP_SERVER=$1 "$bin/rump.halt"
	i=0
	while [ -e "$2" ] && [ $i -lt 600 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

# The client program's own cases, counted here.
url=unix://$dir/s.sock
if "$bin/rump_server" -lrumpnet -lrumpnet_net -lrumpnet_netinet "$url" 2>"$dir/err"; then
	RUMP_SERVER=$url "$here/net_client" > "$dir/out" 2>&1
	sed -n 's/^\(PASS\|FAIL\) /\1 remote_/p; /^  /p' "$dir/out"
	p=$(grep -c '^PASS' "$dir/out")
	f=$(grep -c '^FAIL' "$dir/out")
	pass=$((pass + p))
	fail=$((fail + f))
	grep -q '^[0-9]* passed, 0 failed$' "$dir/out" ||
		bad remote_client_run "$(tail -3 "$dir/out")"
	halt "$url" "$dir/s.sock"
else
	bad remote_client_server_start "$(cat "$dir/err")"
fi

# A TAP name Linux cannot have: rump_server says why and exits 1.
RUMP_NET_TAP=an-interface-name-too-long "$bin/rump_server" "unix://$dir/b.sock" 2>"$dir/err"
st=$?
if [ $st -eq 1 ] && grep -q 'RUMP_NET_TAP=an-interface-name-too-long: an interface name has at most 15 characters' "$dir/err" &&
    [ ! -e "$dir/b.sock" ]; then
	ok tap_bad_name_refused_with_a_message
else
	bad tap_bad_name_refused_with_a_message "exit $st: $(cat "$dir/err")"
fi

# A real TAP device, when this host lets us make one.
net=$(( $$ % 200 + 20 ))
name=rnt$$
if command -v ip >/dev/null && ip tuntap add dev "$name" mode tap 2>/dev/null; then
	tap=$name
	ip addr add "10.213.$net.1/24" dev "$tap" && ip link set "$tap" up
	url=unix://$dir/t.sock
	if RUMP_NET_TAP=$tap RUMP_NET_IPV4=10.213.$net.2/24 \
	    "$bin/rump_server" -lrumpnet_netinet "$url" 2>"$dir/err"; then
		SOCK_ECHO_ADDR=10.213.$net.2 RUMP_SERVER=$url \
		    "$here/../sp/sock_echo" 7101 7102 > "$dir/out" 2>&1
		sed -n 's/^\(PASS\|FAIL\) /\1 tap_/p; /^  /p' "$dir/out"
		p=$(grep -c '^PASS' "$dir/out")
		f=$(grep -c '^FAIL' "$dir/out")
		pass=$((pass + p))
		fail=$((fail + f))
		grep -q '^[0-9]* passed, 0 failed$' "$dir/out" ||
			bad tap_sock_echo_run "$(tail -3 "$dir/out")"
		halt "$url" "$dir/t.sock"
	else
		bad tap_server_start "$(cat "$dir/err")"
	fi
else
	echo "SKIP tap_*: this host does not let us make a TAP device (needs CAP_NET_ADMIN)"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
