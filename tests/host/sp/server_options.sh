#!/bin/sh
# rump_server's command line as NetBSD's rump_server(1) and t_sp.sh write
# it: -l/-m name built-in components (others refused by name), -d is
# checked (server_disk.sh serves disks with it), and NetBSD's disklabel=
# and type=reg, which this kernel lacks, are refused by name. Installed as build/host/tests/sp/server_options; the tools are in
# ../../bin beside it (or $RUMP_TEST_BINDIR).
set -u
bin=${RUMP_TEST_BINDIR:-$(cd "$(dirname "$0")/../../bin" && pwd)}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
pass=0 fail=0

ok() { echo "PASS $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1: $2"; fail=$((fail + 1)); }

# refused NAME EXPECTED-MESSAGE ARGS...: exit 1, the message on stderr, no
# socket left behind.
refused() {
	name=$1 msg=$2
	shift 2
	"$bin/rump_server" "$@" "unix://$dir/r.sock" 2>"$dir/err"
	st=$?
	if [ "$st" -ne 1 ]; then
		bad "$name" "exit $st, want 1"
	elif ! grep -qF -- "$msg" "$dir/err"; then
		bad "$name" "stderr has no \"$msg\": $(cat "$dir/err")"
	elif [ -e "$dir/r.sock" ]; then
		bad "$name" "socket file left behind"
	else
		ok "$name"
	fi
}

# A server started with NetBSD's -l/-m words serves, and halts.
url="unix://$dir/s.sock"
if "$bin/rump_server" -lrumpvfs -lrumpfs_tmpfs -l librumpdev.so.0 -m tmpfs \
    -m /stand/amd64/10.0/modules/tmpfs/tmpfs.kmod "$url" 2>"$dir/err"; then
	host=$(RUMP_SERVER=$url "$bin/rump.sysctl" -n kern.ostype 2>&1)
	RUMP_SERVER=$url "$bin/rump.halt"
	i=0
	while [ -e "$dir/s.sock" ] && [ $i -lt 600 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if [ "$host" = NetBSD ] && [ ! -e "$dir/s.sock" ]; then
		ok netbsd_component_names_accepted
	else
		bad netbsd_component_names_accepted "kern.ostype \"$host\""
	fi
else
	bad netbsd_component_names_accepted "$(cat "$dir/err")"
fi

refused unknown_library_refused_by_name \
    "-l rumpfs_ffs: no such component in this kernel" -l rumpfs_ffs
refused unknown_module_refused_by_name \
    "-m ffs: no such component in this kernel" -m ffs
refused drivespec_without_key_refused \
    "needs key=/path, hostpath= and one of size= or disklabel=" \
    -d hostpath=disk.img,size=host
refused drivespec_with_size_and_label_refused \
    "needs key=/path, hostpath= and one of size= or disklabel=" \
    -d key=/dev/ld0,hostpath=disk.img,size=1m,disklabel=a
refused drivespec_bad_type_refused "bad type=tape" \
    -d key=/dev/ld0,hostpath=disk.img,size=host,type=tape
refused drivespec_bad_size_refused "bad size=lots" \
    -d key=/dev/ld0,hostpath=disk.img,size=lots
refused drivespec_disklabel_refused_by_name \
    "disklabel= is not supported by this kernel" \
    -d key=/dev/ld0,hostpath=disk.img,disklabel=a
refused drivespec_type_reg_refused_by_name \
    "type=reg is not supported by this kernel" \
    -d key=/dev/ld0,hostpath=disk.img,size=64m,type=reg
# The host build has no IP stack yet: t_sp.sh's stress servers ask for it.
refused inet_components_refused_without_tcp_ip "this build has no TCP/IP" \
    -lrumpnet -lrumpnet_net -lrumpnet_netinet
refused unknown_option_shows_usage "usage: rump_server" -x
# -L: the per-connection limits (sp/sp_limits.h), checked before serving.
refused unknown_limit_refused "-L maxcpu=2: want maxprefork, maxlwp" \
    -L maxcpu=2
refused limit_not_a_number_refused "-L maxlwp=many: not a number" \
    -L maxlwp=many
refused limit_out_of_range_refused \
    "RUMP_SP_MAXLWP=\"0\": want a number from 1 to 4096" -L maxlwp=0
url="unix://$dir/l.sock"
if "$bin/rump_server" -L maxprefork=2 -L maxlwp=8 -L maxorphan=0 \
    -L orphansecs=1 "$url" 2>"$dir/err" &&
    RUMP_SERVER=$url "$bin/rump.sysctl" -n kern.ostype >/dev/null 2>&1 &&
    RUMP_SERVER=$url "$bin/rump.halt"; then
	ok limits_in_range_accepted
else
	bad limits_in_range_accepted "$(cat "$dir/err")"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
