#!/bin/sh
# rump_server -d: a host image file served as /dev/ld0 and /dev/rld0 to
# remote clients (disk_client), the bytes checked in the file afterwards.
# Installed as build/host/tests/sp/server_disk beside disk_client; the
# tools are in ../../bin (or $RUMP_TEST_BINDIR).
set -u
here=$(cd "$(dirname "$0")" && pwd)
bin=${RUMP_TEST_BINDIR:-$(cd "$here/../../bin" && pwd)}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
pass=0 fail=0

ok() { echo "PASS $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1: $2"; fail=$((fail + 1)); }

# serve NAME DRIVESPEC: a server on $dir/NAME.sock; RUMP_SERVER set.
serve() {
	RUMP_SERVER="unix://$dir/$1.sock"
	export RUMP_SERVER
	"$bin/rump_server" -d "$2" "$RUMP_SERVER" 2>"$dir/err"
}

halt() { "$bin/rump.halt" >/dev/null 2>&1; }

# pattern_check FILE ORIG OFF LEN SEED: FILE holds disk_client's pattern
# there and ORIG's bytes everywhere else.
pattern_check() {
	python3 - "$@" <<'PY'
import sys
path, orig = sys.argv[1], sys.argv[2]
off, n, seed = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
got = open(path, 'rb').read()
old = open(orig, 'rb').read()
want = old[:off] + bytes(((i * 7 + seed) & 0xff) for i in range(n)) + old[off + n:]
sys.exit(0 if got == want else 1)
PY
}

head -c 2097152 /dev/urandom >"$dir/disk.img"
cp "$dir/disk.img" "$dir/orig.img"

if serve rw "key=/dev/ld0,hostpath=$dir/disk.img,size=host"; then
	out=$("$here/disk_client" size /dev/rld0 2>&1)
	[ "$out" = "size 2097152 sector 512" ] && ok size_is_the_host_files ||
	    bad size_is_the_host_files "$out"
	out=$("$here/disk_client" write /dev/rld0 65536 512000 3 2>&1) &&
	    ok remote_write_reads_back || bad remote_write_reads_back "$out"
	out=$("$here/disk_client" misaligned /dev/rld0 2>&1) &&
	    ok remote_misaligned_raw_io_einval || bad remote_misaligned_raw_io_einval "$out"
	halt
	if pattern_check "$dir/disk.img" "$dir/orig.img" 65536 512000 3; then
		ok image_file_holds_what_was_written
	else
		bad image_file_holds_what_was_written "bytes differ"
	fi
else
	bad size_is_the_host_files "server: $(cat "$dir/err")"
fi

cp "$dir/disk.img" "$dir/before.img"
if serve ro "key=/dev/ld0,hostpath=$dir/disk.img,size=host,ro"; then
	out=$("$here/disk_client" rofs /dev/rld0 2>&1) && ok read_only_drive_erofs ||
	    bad read_only_drive_erofs "$out"
	out=$("$here/disk_client" check /dev/rld0 65536 512000 3 2>&1) &&
	    ok read_only_drive_reads || bad read_only_drive_reads "$out"
	halt
	cmp -s "$dir/disk.img" "$dir/before.img" && ok read_only_image_unchanged ||
	    bad read_only_image_unchanged "the file changed"
else
	bad read_only_drive_erofs "server: $(cat "$dir/err")"
fi

# size= makes a missing file, and a short one longer, never shorter.
if serve new "key=/dev/ld3,hostpath=$dir/new.img,size=1m"; then
	out=$("$here/disk_client" size /dev/rld3 2>&1)
	halt
	[ "$out" = "size 1048576 sector 512" ] &&
	    [ "$(stat -c %s "$dir/new.img")" = 1048576 ] &&
	    ok size_creates_the_file || bad size_creates_the_file "$out"
else
	bad size_creates_the_file "server: $(cat "$dir/err")"
fi
if serve grow "key=/dev/ld0,hostpath=$dir/new.img,size=3m" &&
    halt && [ "$(stat -c %s "$dir/new.img")" = 3145728 ] &&
    serve keep "key=/dev/ld0,hostpath=$dir/new.img,size=1m" &&
    out=$("$here/disk_client" size /dev/rld0 2>&1) && halt &&
    [ "$(stat -c %s "$dir/new.img")" = 3145728 ] &&
    [ "$out" = "size 1048576 sector 512" ]; then
	ok size_grows_never_shrinks
else
	bad size_grows_never_shrinks "$(cat "$dir/err")"
fi

# A host file that is not there, without size=: refused, no socket left.
RUMP_SERVER="unix://$dir/none.sock"
if "$bin/rump_server" -d "key=/dev/ld0,hostpath=$dir/absent.img,size=host" \
    "$RUMP_SERVER" 2>"$dir/err"; then
	halt
	bad missing_host_file_refused "the server started"
elif grep -q "no such file" "$dir/err" && [ ! -e "$dir/none.sock" ]; then
	ok missing_host_file_refused
else
	bad missing_host_file_refused "$(cat "$dir/err")"
fi

# An ext2 disk from mke2fs, mounted and written by remote clients; after
# the halt the host's e2fsck finds it clean and debugfs reads the file.
if mke2fs -q -F -t ext2 -b 1024 "$dir/ext2.img" 4M >/dev/null 2>&1 &&
    serve ext2 "key=/dev/ld0,hostpath=$dir/ext2.img,size=host"; then
	out=$("$here/disk_client" mount /dev/ld0 /data 2>&1 &&
	    "$here/disk_client" mkdir /data/d 2>&1 &&
	    "$here/disk_client" write /data/d/f 0 300000 11 2>&1)
	st=$?
	halt
	if [ $st -ne 0 ]; then
		bad remote_ext2_files_reach_the_host "$out"
	elif ! e2fsck -fn "$dir/ext2.img" >"$dir/fsck" 2>&1; then
		bad remote_ext2_files_reach_the_host "e2fsck: $(tail -3 "$dir/fsck")"
	elif debugfs -R "dump /d/f $dir/f.out" "$dir/ext2.img" >/dev/null 2>&1 &&
	    python3 -c 'import sys; d = open(sys.argv[1], "rb").read(); sys.exit(0 if d == bytes(((i * 7 + 11) & 0xff) for i in range(300000)) else 1)' "$dir/f.out"; then
		ok remote_ext2_files_reach_the_host
	else
		bad remote_ext2_files_reach_the_host "debugfs shows other bytes"
	fi
else
	bad remote_ext2_files_reach_the_host "mke2fs or server: $(cat "$dir/err")"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
