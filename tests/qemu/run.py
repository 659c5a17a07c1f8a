#!/usr/bin/python3
"""Boots the test image under QEMU once per case and judges each boot by its
exit status *and* its serial transcript. Prints one line per case with its
time and ends with 'N passed, N failed'.

usage: tests/qemu/run.py --image build/test/rumpimg.elf [--filter RE] [-v]
                         [--list] [--counts FILE]
"""
import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time

import crash
import disks
import ext2disks

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
RUN_QEMU = os.path.join(ROOT, "scripts", "run-qemu")

OK, FAIL, PANIC, TRAP, NOMEM = 33, 35, 37, 39, 41
STATUS_NAMES = {OK: "ok", FAIL: "workload failed", PANIC: "panic",
                TRAP: "CPU exception", NOMEM: "too little memory",
                124: "timeout"}


# The key of sp_server_in_image_requires_its_key (32 bytes, hex).
SP_TEST_KEY = "5f0e1d2c3b4a59687786958473625140" \
    "a1b2c3d4e5f60718293a4b5c6d7e8f90"


class Case:
    def __init__(self, name, append, status=OK, must=(), must_not=(),
                 mem="64M", iso=False, module=None, timeout=60, check=None,
                 serial_file=False, cpu=None, serial_unix=False, net=False,
                 echo_server=False, host=None, disks=(), second=None,
                 after=None, run=None):
        self.name, self.append, self.mem, self.iso = name, append, mem, iso
        self.status = status if isinstance(status, tuple) else (status,)
        self.must, self.must_not = must, must_not
        self.module, self.timeout, self.check = module, timeout, check
        self.serial_file = serial_file
        self.cpu = cpu
        self.serial_unix = serial_unix
        # net: a virtio-net device on QEMU's user network (the guest is
        # 10.0.2.15 by DHCP, the host's 127.0.0.1 is 10.0.2.2).
        # echo_server: a TCP echo server on the host's 127.0.0.1, its port
        # passed as NETTEST_ECHO_PORT=n.
        self.net = net or echo_server
        self.echo_server = echo_server
        # host: the image serves rump_sp (test=sp_server). The case gets
        # free host ports forwarded to the same ports in the image (tcp
        # sp, echo, sock and udp udp), RUMP_SP_PORT and RUMP_ECHO_PORT on
        # its command line, and once the server listens host(ports, say)
        # runs the host's side while QEMU runs: say(line) adds to the
        # transcript; it returns the problems found (none: []).
        self.host = host
        if host is not None:
            self.net = True
        # disks: (bytes, ro) each, image files of random bytes passed as
        # --disk (or (maker, ro): maker(path) makes the file), as
        # --disk (the kernel's ld0, ld1, ...); their paths are in
        # self.disk_paths and their first contents in self.disk_orig.
        # second: the command line of a second boot on the same disks
        # (only after the first exited 0). after(case, say): checks on
        # the host once QEMU is gone; returns problems.
        self.disks, self.second, self.after = disks, second, after
        self.disk_paths, self.disk_orig = [], []
        # run(case, image, tmpdir): boots and judges the case its own way
        # (tests/qemu/crash.py); returns (status, lines, seconds, problems).
        self.run = run


def trap_case(name, test, status, *must):
    return Case(name, "test=" + test, status,
                must=must + (r"backtrace:\n  #0 ",
                             r"\n  #1  0x[0-9a-f]{16} <(run_one|tests_run)\+0x", r"<plat_main\+0x"),
                must_not=(r"test %s: (PASS|FAIL)" % test,))


def check_clock_marks(lines):
    t = {}
    for ts, line in lines:
        m = re.match(r"clock: mark (\d)", line)
        if m:
            t[m.group(1)] = ts
    if "1" not in t or "2" not in t:
        return "clock marks missing"
    dt = t["2"] - t["1"]
    # The guest sleeps 500 ms by its TSC clock; generous bounds for TCG.
    if not 0.3 <= dt <= 2.5:
        return "guest's 500 ms lasted %.3f s on the host clock" % dt
    return None


def check_wallclock(lines):
    for _, line in lines:
        m = re.match(r"wallclock: (\d+)", line)
        if m:
            skew = int(m.group(1)) - time.time()
            if abs(skew) > 300:
                return "guest wall clock is %+.0f s off the host's" % skew
            return None
    return "no wallclock line"


SYNC_CASES = ("pingpong", "mutex_contention", "mutex_kinds", "rwlock",
              "cv_timedwait", "cv_broadcast", "cv_nowrap", "join", "sleep_order", "curlwp")

def ext2disks_cases():
    """Disks made by mke2fs -d and mounted at boot by mount= and root=
    (tests/qemu/apps/test_ext2boot.c, tests/qemu/ext2disks.py)."""
    e = ext2disks
    halted = r"ext2boot: halting\n(.*\n)*halted"
    return [
        Case("ext2_boot_mount_scenario_halt_fsck_second_boot_1k",
             "mount=/dev/ld0:/data test=ext2_scenario,ext2_halt",
             disks=((e.image(1024, 16 * e.MIB), False),), timeout=180,
             second="mount=/dev/ld0:/data test=ext2_readback,ext2_halt",
             must=(r"boot: /dev/ld0 mounted on /data \(ext2fs\)",
                   r"test ext2_scenario: PASS", r"ext2boot: scenario written",
                   r"ext2boot: second boot read the first boot's files",
                   r"test ext2_readback: PASS", halted),
             must_not=(r"not cleanly unmounted", r"damaged"),
             after=lambda c, say: e.check_scenario(c, say)),
        Case("ext2_boot_mount_scenario_halt_fsck_4k",
             "mount=/dev/ld0:/data/ test=ext2_scenario,ext2_halt",
             disks=((e.image(4096, 24 * e.MIB), False),), timeout=150,
             must=(r"boot: /dev/ld0 mounted on /data \(ext2fs\)",
                   r"test ext2_scenario: PASS", halted),
             must_not=(r"not cleanly unmounted", r"damaged"),
             after=lambda c, say: e.check_scenario(c, say, second=False)),
        # A read-only disk, and a read-write one mounted :ro.
        Case("ext2_boot_mount_read_only_erofs",
             "mount=/dev/ld0:/ro1 mount=/dev/ld1:/ro2:ro test=ext2_readonly,ext2_halt",
             disks=((e.image(1024, 4 * e.MIB), True),
                    (e.image(4096, 4 * e.MIB), False)), timeout=120,
             must=(r"boot: /dev/ld0 is a read-only disk: mounted read-only",
                   r"boot: /dev/ld0 mounted on /ro1 \(ext2fs, read-only\)",
                   r"boot: /dev/ld1 mounted on /ro2 \(ext2fs, read-only\)",
                   r"ext2boot: writes on both read-only mounts are EROFS",
                   r"test ext2_readonly: PASS", halted),
             after=lambda c, say: e.unchanged(c, say, 0) + e.unchanged(c, say, 1)),
        # Full, on a disk left unclean: mounted with a warning.
        Case("ext2_boot_mount_unclean_full_disk_enospc",
             "mount=/dev/ld0:/data test=ext2_full,ext2_halt",
             disks=((e.image(1024, 2 * e.MIB, e.unclean), False),), timeout=120,
             must=(r"ext2 ld0: warning: mounting a file system that was not "
                   r"cleanly unmounted", r"ext2boot: ENOSPC after \d+ bytes",
                   r"ext2boot: still serving after ENOSPC",
                   r"test ext2_full: PASS", halted),
             after=lambda c, say: e.check_full(c, say)),
        Case("ext2_boot_mount_damaged_inodes_and_directory_eio",
             "mount=/dev/ld0:/data mount=/dev/ld1:/data2 test=ext2_damaged,ext2_halt",
             disks=((e.image(1024, 2 * e.MIB, e.damage_inodes), False),
                    (e.image(1024, 2 * e.MIB, e.damage_dir), False)),
             timeout=120,
             must=(r"ext2 ld0: damaged file system: inode 12: ",
                   r"ext2 ld1: damaged file system: inode 12: block 99999999 "
                   r"outside the data area",
                   r"ext2boot: damaged disks: ",
                   r"test ext2_damaged: PASS", halted)),
        # Words the kernel cannot honour stop the boot with a console line.
        Case("ext2_boot_mount_bad_superblock_stops_the_boot",
             "mount=/dev/ld0:/data test=ext2_boot_only", status=FAIL,
             disks=((e.image(1024, 2 * e.MIB, e.bad_super), False),),
             must=(r"ext2 ld0: not mounted: ",
                   r"boot: mount=/dev/ld0:/data: cannot mount it: error \d+ "
                   r"\(.*\); stopping"),
             must_not=(r"ext2boot: the kernel is up", r"panic")),
        Case("ext2_boot_mount_unknown_disk_stops_the_boot",
             "mount=/dev/ld3:/data test=ext2_boot_only", status=FAIL,
             disks=((e.image(1024, 2 * e.MIB), False),),
             must=(r"boot: mount=/dev/ld3:/data: cannot mount it: error 2 "
                   r"\(ENOENT: no such file\); stopping",),
             must_not=(r"ext2boot: the kernel is up", r"panic")),
        Case("ext2_root_disk_is_slash_devices_on_dev",
             "root=/dev/ld0 test=ext2_root,ext2_halt",
             disks=((e.image(1024, 4 * e.MIB), False),), timeout=120,
             must=(r"boot: /dev/ld0 mounted on / \(ext2fs\); the kernel's "
                   r"devices on /dev",
                   r"ext2boot: the root disk serves /, /dev is the kernel's",
                   r"test ext2_root: PASS", halted),
             after=lambda c, say: e.check_root(c, say)),
        # librumpclient writes files on the mounted disk over TCP.
        Case("ext2_boot_mount_remote_client_writes_files",
             "mount=/dev/ld0:/data test=sp_server",
             disks=((e.image(1024, 4 * e.MIB), False),), timeout=150,
             host=lambda ports, say: disks.client_steps(
                 BUILD, host_run, ports, say, e.remote_steps()),
             must=(r"boot: /dev/ld0 mounted on /data",),
             after=lambda c, say: e.check_remote(c, say)),
    ]


CASES = [
    Case("boot_banner_and_memory_map", "test=boot",
         must=(r"rumpimg \S+ \(x86-64\) booting", r"loader: qemu",
               r"memory map:\n  0x0+-0x0+9fc00 available",
               r"0x000000100000-0x0000\w+ available",
               r"memory: \d+ KiB usable, \d+ KiB free",
               r"clock: TSC \d+\.\d+ MHz", r"boot: ready in \d+\.\d+ ms",
               r"test boot: PASS")),
    Case("pagealloc_exhaust_free_no_double_handout", "test=pagealloc,modules",
         module="RUMPIMG-MODULE\n" + "x" * 20000,
         must=(r"module 0: 0x\w+-0x\w+ \(20015 bytes\) '.*arg=one'",
               r"test pagealloc: PASS", r"test modules: PASS")),
    Case("pagealloc_at_2M", "test=pagealloc", mem="2M", status=(OK, NOMEM),
         must=(r"test pagealloc: PASS|not enough memory to boot",)),
    trap_case("trap_invalid_opcode_reports_and_exits", "trap_ud", TRAP,
              r"CPU exception #UD invalid opcode \(vector 6\), error code 0x0, thread main",
              r"RIP=0x[0-9a-f]{16} <test_trap_ud\+0x[0-9a-f]+>",
              r"RAX=[0-9a-f]{16} RBX=", r"R12=[0-9a-f]{16} R13=[0-9a-f]{16} R14=[0-9a-f]{16} R15=",
              r"stopping: unhandled exception \(exit status 39\)"),
    trap_case("trap_page_fault_reports_cr2", "trap_pf", TRAP,
              r"CPU exception #PF page fault \(vector 14\), error code 0x2",
              r"CR2=0x0000008000000000 \(page not present, write, data\)",
              r"RIP=0x[0-9a-f]{16} <test_trap_pf\+0x"),
    trap_case("trap_null_dereference_faults", "trap_null", TRAP,
              r"CPU exception #PF page fault \(vector 14\)",
              r"CR2=0x0000000000000000 \(page not present, read, data\)",
              r"RIP=0x[0-9a-f]{16} <test_trap_null\+0x"),
    Case("panic_reports_message_caller_backtrace", "test=trap_panic", PANIC,
         must=(r"\*\*\* panic: deliberate panic from test_trap_panic, value 42",
               r"thread main, called from 0x[0-9a-f]+ <test_trap_panic\+0x",
               r"backtrace:\n  #0  0x[0-9a-f]{16} <test_trap_panic\+0x", r"\n  #1  0x[0-9a-f]{16} <(run_one|tests_run)\+0x", r"exit status 37"),
         must_not=(r"test trap_panic: (PASS|FAIL)",)),
    # -no-reboot turns the reset into QEMU's exit with status 0.
    Case("reboot_resets_the_machine", "test=power_reboot", 0,
         must=(r"rebooting",), must_not=(r"test power_reboot: (PASS|FAIL)",)),
    Case("serial_console_to_file", "test=boot", serial_file=True,
         must=(r"test boot: PASS",)),
    Case("serial_console_on_unix_socket", "test=boot", serial_unix=True,
         must=(r"test boot: PASS",)),
    Case("sleep_1_10_50ms_against_tsc", "test=sleep",
         must=(r"sleep 1 ms: ", r"sleep 10 ms: ", r"sleep 50 ms: ",
               r"test sleep: PASS")),
    Case("monotonic_clock_matches_host_time", "test=clock_marks",
         must=(r"test clock_marks: PASS",), check=check_clock_marks),
    Case("rtc_wall_clock_matches_host", "test=wallclock",
         must=(r"test wallclock: PASS",), check=check_wallclock),
    Case("cmdline_malformed_reported_boot_continues",
         "log=debug GREETING=hello _RUMPUSER_NCPU=1 bogus =x log=loud "
         "mem.reserve=12Q frobnicate=1 test=cmdline",
         must=(r"command line: malformed argument 'bogus': expected name=value",
               r"command line: malformed argument '=x': empty name",
               r"command line: option log: invalid value 'loud'",
               r"command line: option mem.reserve: invalid value '12Q'",
               r"command line: unknown option 'frobnicate'",
               r"test cmdline: PASS")),
    Case("too_little_memory_says_so", "mem.reserve=64M test=boot", NOMEM,
         mem="16M",
         must=(r"error: not enough memory to boot: \d+ KiB free, the kernel "
               r"needs at least 65600 KiB",),
         must_not=(r"test boot:",)),
    Case("unknown_test_name_fails", "test=no_such_test", FAIL,
         must=(r"test no_such_test: FAIL \(no such test; known:.* boot",)),
    Case("pci_list_and_virtio_net_arp_round_trip",
         "test=virtio_net_arp,virtio_net_tx_burst,virtio_net_two_receivers",
         net=True, timeout=30,
         must=(r"pci 00:00\.0 8086:1237 host bridge",
               r"pci 00:\w\w\.0 1af4:1041 network \(02\.00\.00\) rev 1, irq \d+ \(INTA\)",
               r"bar4 mem64 prefetchable 0x[0-9a-f]+ size 16K",
               r"virtio-net: 00:\w\w\.0 52:54:00:12:34:56, link up, rx \d+ tx \d+, irq \d+",
               r"virtio-net: 10\.0\.2\.2 is at 52:55:0a:00:02:02; ARP round trip",
               r"test virtio_net_arp: PASS", r"test virtio_net_tx_burst: PASS",
               r"test virtio_net_two_receivers: PASS")),
    Case("virtio_net_absent_boot_goes_on", "test=virtio_net_absent,boot",
         must=(r"pci: \d+ devices", r"virtio-net: no virtio-net device",
               r"test virtio_net_absent: PASS", r"test boot: PASS"),
         must_not=(r"1af4:", r"warning: virtio-net")),
    Case("hyp_sync_mutex_rwlock_cv_join_sleep_curlwp",
         "test=" + ",".join("sync_" + n for n in SYNC_CASES),
         must=tuple(r"test sync_%s: PASS" % n for n in SYNC_CASES) +
         (r"mutex: 100 threads x 200 increments = 20000",)),
    Case("hyp_10000_threads_memory_back_to_baseline", "test=threads_10000",
         must=(r"test threads_10000: PASS",), timeout=120),
    Case("hyp_malloc_alignment_and_exhaustion",
         "test=malloc_alignment_exhaustion",
         must=(r"exhausted after \d+ MiB with ENOMEM",
               r"test malloc_alignment_exhaustion: PASS")),
    Case("hyp_random_params_revision", "test=random_and_params",
         must=(r"test random_and_params: PASS",)),
    Case("hyp_random_without_rdrand_uses_seed",
         "RUMPIMG_RANDOM_SEED=" + "0123456789abcdef" * 4 + " test=random_and_params",
         cpu="qemu64,-rdrand",
         must=(r"test random_and_params: PASS",),
         must_not=(r"NOT fit for secrets",)),
    Case("hyp_random_without_rdrand_or_seed_warns", "test=random_and_params",
         cpu="qemu64,-rdrand",
         must=(r"no RDRAND and no RUMPIMG_RANDOM_SEED: random numbers come "
               r"from TSC jitter and are NOT fit for secrets",
               r"test random_and_params: PASS")),
    Case("hyp_exit_errno_and_missing_host_files", "test=hyp_misc,hyp_exit",
         FAIL, must=(r"test hyp_misc: PASS", r"rumpuser_exit\(3\)"),
         must_not=(r"test hyp_exit: (PASS|FAIL)",)),
    Case("hyp_stack_overflow_caught_by_guard_page", "test=stack_overflow",
         TRAP,
         must=(r"CPU exception #DF double fault .* thread deep-recursion",
               r"stack overflow: thread deep-recursion ran into the guard page",
               r"<recurse", r"<thread_start\+0x"),
         must_not=(r"test stack_overflow: (PASS|FAIL)",)),
    Case("libc_printf_malloc_reent_per_thread",
         "test=libc_printf_malloc,libc_reent_per_thread",
         must=(r"libc: printf to the console works \(newlib\)",
               r"test libc_printf_malloc: PASS",
               r"test libc_reent_per_thread: PASS")),
    Case("libc_files_through_the_kernel", "test=libc_files_through_the_kernel",
         must=(r"libc: stdio files on the kernel's tmpfs work",
               r"test libc_files_through_the_kernel: PASS")),
    Case("example_program_uses_printf_malloc_snprintf", "log=warn",
         must=(r'hello from newlib: "rumpimg has 3 layers below this program" '
               r'\(39 characters, copied to 0x[0-9a-f]+\)',)),
    Case("kernel_in_the_image",
         "test=kernel_boot_and_lwproc,kernel_files_on_tmpfs,"
         "kernel_pipe_between_threads,kernel_10000_processes_memory_baseline",
         must=(r"kernel: hello through fd 1",
               r"test kernel_boot_and_lwproc: PASS",
               r"test kernel_files_on_tmpfs: PASS",
               r"test kernel_pipe_between_threads: PASS",
               r"kernel: 10000 processes created and released, memory at baseline",
               r"test kernel_10000_processes_memory_baseline: PASS"),
         timeout=120),
    Case("kernel_lwproc_suite_in_the_image", "log=warn test=kernel_lwproc_suite",
         must=(r"test kernel_lwproc_suite: PASS",), timeout=120),
    Case("kernel_syscalls_suite_in_the_image",
         "log=warn test=kernel_syscalls_suite,kernel_prot_suite,kernel_at_suite,"
         "kernel_lock_suite,kernel_event_suite,kernel_kfilter_suite,kernel_fifo_suite,"
         "kernel_nodes_suite",
         must=(r"test kernel_syscalls_suite: PASS",
               r"test kernel_prot_suite: PASS",
               r"test kernel_at_suite: PASS",
               r"test kernel_lock_suite: PASS",
               r"test kernel_event_suite: PASS",
               r"test kernel_kfilter_suite: PASS",
               r"test kernel_fifo_suite: PASS",
               r"test kernel_nodes_suite: PASS"), timeout=120),
    Case("kernel_bad_addresses_get_efault", "log=warn test=kernel_bad_addresses_efault",
         must=(r"PASS bad_addresses_are_efault", r"\n2 passed, 0 failed",
               r"test kernel_bad_addresses_efault: PASS"), timeout=120),
    Case("kernel_tmpfs_suite_in_the_image", "log=warn test=kernel_tmpfs_suite",
         must=(r"test kernel_tmpfs_suite: PASS",), timeout=240),
    Case("kernel_mount_suite_in_the_image", "log=warn test=kernel_mount_suite",
         must=(r"test kernel_mount_suite: PASS", r"\n7 passed, 0 failed"),
         timeout=120),
    Case("kernel_unmapped_pointers_get_efault", "test=kernel_unmapped_pointers_efault",
         must=(r"kernel: unmapped pointers answered EFAULT",
               r"test kernel_unmapped_pointers_efault: PASS")),
    Case("kernel_release_in_implicit_panics", "test=kernel_release_in_implicit_panics",
         PANIC, must=(r"panic: releasing non-pertinent lwp",)),
    Case("kernel_release_twice_panics", "test=kernel_release_twice_panics",
         PANIC, must=(r"panic: releasing non-pertinent lwp",)),
    Case("kernel_switch_null_in_implicit_panics",
         "test=kernel_switch_null_in_implicit_panics", PANIC,
         must=(r"panic: kernel assertion",)),
    Case("kernel_fatal_misuse_panics_in_the_image",
         "test=kernel_switch_to_running_lwp_panics", PANIC,
         must=(r"panic: lwp 0x[0-9a-f]+ \(2:0\) already running",),
         must_not=(r"test kernel_switch_to_running_lwp_panics: (PASS|FAIL)",)),
    Case("net_tcp_loopback_without_device",
         "test=net_tcp_loopback,net_sp_accept_goes_on_after_failures",
         must=(r"net: no network device; loopback 127\.0\.0\.1 only",
               r"net: loopback tcp echoed 65536 bytes",
               r"test net_tcp_loopback: PASS",
               r"rump_sp: a connection failed before it was accepted "
               r"\(lwIP error -?\d+, 1 so far\); still listening",
               r"net: rump_sp accept went on after 3 failed connections",
               r"test net_sp_accept_goes_on_after_failures: PASS")),
    Case("net_dhcp_lease_10_0_2_15", "test=net_address,net_tcp_loopback", net=True,
         must=(r"net: vn0 52:54:00:12:34:56 mtu 1500, asking DHCP",
               r"net: 10\.0\.2\.15/24 gw 10\.0\.2\.2 \(dhcp\)",
               r"net: dhcp lease after \d+ ms",
               r"net: default interface has 10\.0\.2\.15",
               r"test net_address: PASS", r"test net_tcp_loopback: PASS")),
    Case("net_static_address_and_tcp_echo_to_host",
         "RUMP_NET_IPV4=10.0.2.20/24 RUMP_NET_GW=10.0.2.2 test=net_tcp_echo_host",
         echo_server=True,
         must=(r"net: 10\.0\.2\.20/24 gw 10\.0\.2\.2 \(static\)",
               r"net: tcp echoed 65536 bytes through 10\.0\.2\.2:\d+",
               r"test net_tcp_echo_host: PASS"),
         must_not=(r"\(dhcp\)",)),
    Case("socket_calls_over_loopback",
         "test=sockets_tcp_echo,sockets_errors_and_udp,sockets_close_under_blocked_accept,"
         "sockets_shutdown_under_blocked_read",
         timeout=60,
         must=(r"sockets: tcp echoed 262144 bytes over 127\.0\.0\.1",
               r"test sockets_tcp_echo: PASS", r"test sockets_errors_and_udp: PASS",
               r"test sockets_close_under_blocked_accept: PASS",
               r"test sockets_shutdown_under_blocked_read: PASS")),
    Case("net_bad_address_parameter_falls_back_to_dhcp",
         "RUMP_NET_IPV4=10.0.2.300/24 test=net_address", net=True,
         must=(r"net: parameter RUMP_NET_IPV4: invalid value",
               r"net: 10\.0\.2\.15/24 gw 10\.0\.2\.2 \(dhcp\)",
               r"test net_address: PASS")),
    Case("grub_iso_boots", "test=boot", iso=True, timeout=90,
         must=(r"loader: GRUB", r"test boot: PASS")),
    # Host programs through rump_sp into the image: rump.sysctl, the remote
    # cases of test_client, sock_echo, the image's echo server, 8 clients
    # at once, the stress of 40 (sp_stress); rump.halt ends it. See
    # sp_clients.
    Case("sp_client_reconnects_after_image_restart", "test=sp_server",
         host=lambda ports, say: sp_reconnect(ports, say), timeout=150,
         must=(r"rump_sp: listening on tcp://0:\d+", r"host: client: reconnected: \d+ -> \d+",
               r"host: second QEMU exited with 0")),
    # Memory: the smallest machine serves copies; a full tmpfs is ENOSPC
    # and the next client can free it (see sp_small_machine, sp_fill_tmpfs).
    Case("sp_server_at_2M_serves_copies", "test=sp_server", mem="2M",
         host=lambda ports, say: sp_small_machine(ports, say), timeout=120,
         must=(r"rump_sp: listening on tcp://0:\d+", r"host: rump\.halt: ok")),
    Case("sp_server_tmpfs_full_is_enospc_and_recovers", "test=sp_server", mem="32M",
         host=lambda ports, say: sp_fill_tmpfs(ports, say), timeout=150,
         must=(r"rump_sp: listening on tcp://0:\d+", r"host: rump\.halt: ok")),
    Case("sp_server_in_image_serves_host_clients", "test=sp_server",
         host=lambda ports, say: sp_clients(ports, say), timeout=420,
         must=(r"spserver: tcp echo server on port \d+",
               r"rump_sp: listening on tcp://0:\d+",
               r"console-marker",
               r"host: stress: 40 clients x 4 threads, 12 SIGKILLed: ok",
               r"host: after the stress: .*: back to baseline",
               r"host: rump\.halt: ok")),
    # The same server started with a key on the kernel command line: host
    # clients with the key are served, the others refused (sp_keyed).
    Case("sp_server_in_image_requires_its_key",
         "test=sp_server RUMP_SP_KEY=" + SP_TEST_KEY,
         host=lambda ports, say: sp_keyed(ports, say), timeout=150,
         must=(r"rump_sp: clients must prove they hold the 32-byte key",
               r"rump_sp: refused a client: wrong key",
               r"rump_sp: refused a client: no key",
               r"host: rump\.halt with the key: ok")),
    # Disks (tests/qemu/apps/test_disk.c, tests/qemu/disks.py): virtio-blk
    # through the kernel's /dev/rld0, the image file's bytes checked after.
    Case("disk_raw_write_read_size_in_flight", "test=disk_raw_rw,disk_threads",
         disks=((8 << 20, False),), timeout=120,
         must=(r"virtio-blk0: 00:0\d\.0, 8388608 bytes \(16384 sectors\), "
               r"read-write",
               r"ld0 at virtio-blk0: 8388608 bytes\n",
               r"disk: /dev/rld0 has 8388608 bytes, sector 512",
               r"disk: wrote and read back 1048576 bytes on /dev/rld0",
               r"disk: \d+ interrupts, at most (1[6-9]|[2-9]\d|\d{3}) requests in flight",
               r"disk: 4 threads x 16 transfers of 65536 bytes: ok",
               r"test disk_raw_rw: PASS", r"test disk_threads: PASS"),
         after=lambda c, say: disks.expect(c, say, 0, disks.raw_rw_regions())),
    Case("disk_raw_throughput_figure", "test=disk_throughput",
         disks=((16 << 20, False),), timeout=120,
         must=(r"disk: /dev/rld0 sequential 1 MiB transfers: write \d+ MiB/s, "
               r"read \d+ MiB/s", r"test disk_throughput: PASS")),
    # With the network device too: three PCI devices on two INTx lines.
    Case("disk_two_disks_one_read_only", "test=disk_readonly,disk_raw_rw,net_address",
         disks=((4 << 20, False), ((1 << 20) + 1536, True)), net=True,
         must=(r"virtio-blk1: 00:0\d\.0, 1050112 bytes \(2051 sectors\), "
               r"read-only",
               r"ld0 at virtio-blk0: 4194304 bytes\n",
               r"ld1 at virtio-blk1: 1050112 bytes, read-only",
               r"disk: /dev/rld1 has 1050112 bytes",
               r"disk: writing /dev/rld1 is EROFS", r"test disk_readonly: PASS",
               r"test disk_raw_rw: PASS", r"test net_address: PASS"),
         after=lambda c, say: disks.expect(c, say, 0,
                                           [(1 << 20, disks.pattern(1 << 20, 1))]) +
         disks.expect(c, say, 1, [])),
    Case("disk_data_survives_a_second_boot", "test=disk_persist_write",
         disks=((1 << 20, False),), second="test=disk_persist_check",
         must=(r"disk: first boot wrote 8192 bytes at 1536",
               r"disk: second boot read the first boot's bytes",
               r"test disk_persist_check: PASS"),
         after=lambda c, say: disks.expect(c, say, 0,
                                           [(1536, disks.pattern(8192, 42))])),
    Case("disk_remote_client_on_the_image_disk", "test=sp_server",
         disks=((4 << 20, False),), timeout=120,
         host=lambda ports, say: disks.client_steps(
             BUILD, host_run, ports, say, disks.remote_steps()),
         must=(r"ld0 at virtio-blk0: 4194304 bytes", r"host: rump\.halt: ok"),
         after=lambda c, say: disks.expect(c, say, 0,
                                           [(65536, disks.pattern(262144, 5))])),

    # Crash (tests/qemu/crash.py, tests/qemu/apps/test_crash.c): an ext2
    # disk from mke2fs -d, QEMU killed with SIGKILL in a stream of writes
    # after 40 fsync'ed files; those files intact before and after
    # e2fsck -fy, which leaves the disk clean.
    Case("ext2_fsynced_files_survive_a_killed_qemu_1k", "test=ext2_crash_stream",
         timeout=120,
         run=lambda c, image, tmpdir: crash.run(c, image, tmpdir, RUN_QEMU, 1024),
         must=(r"virtio-blk0: .*write cache with flush",
               r"crash: mounted /dev/ld0 on /data",
               r"host: SIGKILL to QEMU after 40 fsynced files",
               r"host: after the kill: all 40 fsynced files \(and mke2fs's 2\) intact",
               r"host: after e2fsck -fy: all 42 fsynced files intact",
               r"host: e2fsck -fn: exit 0"),
         must_not=(r"crash: stream ended", r"test ext2_crash_stream: FAIL")),
    Case("ext2_fsynced_files_survive_a_killed_qemu_4k", "test=ext2_crash_stream",
         timeout=120,
         run=lambda c, image, tmpdir: crash.run(c, image, tmpdir, RUN_QEMU, 4096),
         must=(r"crash: mounted /dev/ld0 on /data",
               r"host: after the kill: all 40 fsynced files \(and mke2fs's 2\) intact",
               r"host: after e2fsck -fy: all 42 fsynced files intact",
               r"host: e2fsck -fn: exit 0"),
         must_not=(r"crash: stream ended", r"test ext2_crash_stream: FAIL")),
] + ext2disks_cases()


class EchoServer:
    """A TCP echo server on the host's 127.0.0.1, one thread per client."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.echo, args=(c,), daemon=True).start()

    @staticmethod
    def echo(c):
        with c:
            while True:
                data = c.recv(65536)
                if not data:
                    return
                c.sendall(data)

    def close(self):
        self.sock.close()


# ---- the image's rump_sp server and its host clients ----

BUILD = os.path.join(ROOT, "build")     # --build: where the host programs are
SP_LISTENING = re.compile(r"rump_sp: listening on tcp://0:(\d+)")


def free_ports(kinds):
    """One free port of 127.0.0.1 per kind ('tcp' or 'udp'), all distinct."""
    socks = []
    for kind in kinds:
        s = socket.socket(type=socket.SOCK_STREAM if kind == "tcp"
                          else socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0))
        socks.append(s)
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def sp_ports():
    sp, echo, sock, udp = free_ports(("tcp", "tcp", "tcp", "udp"))
    return {"sp": sp, "echo": echo, "sock": sock, "udp": udp}


def host_run(say, name, argv, env=None, timeout=60, show=8):
    """Runs a host program from the repository root; says its result and
    the last `show` lines of its output. Returns (problem or None, output)."""
    t = time.monotonic()
    if not os.path.exists(argv[0]):
        say("host: %s: FAIL, no %s (make test-qemu builds it)" % (name, argv[0]))
        return "%s: no %s" % (name, argv[0]), ""
    try:
        p = subprocess.run(argv, cwd=ROOT, env=dict(os.environ, **(env or {})),
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=timeout)
        st, out = p.returncode, p.stdout.decode(errors="replace")
    except subprocess.TimeoutExpired as e:
        st, out = "timeout after %d s" % timeout, (e.stdout or b"").decode(errors="replace")
    dt = time.monotonic() - t
    problem = None if st == 0 else "%s: exit status %s" % (name, st)
    say("host: %s: %s (%.2f s)" % (name, "ok" if problem is None else
                                   "FAIL, exit status %s" % st, dt))
    lines = out.splitlines()
    for l in (lines if problem else lines[-show:] if show else []):
        say("host:   " + l)
    return problem, out


def image_echo(port, mode, data, want):
    """A connection to the image's own echo server (RUMP_ECHO_PORT)."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as c:
        c.sendall(mode + data)
        c.shutdown(socket.SHUT_WR)
        got = b""
        while len(got) <= want:
            d = c.recv(65536)
            if not d:
                break
            got += d
    return got


def sp_clients(ports, say):
    """The host's side of sp_server_in_image_serves_host_clients."""
    url = "tcp://127.0.0.1:%d" % ports["sp"]
    env = {"RUMP_SERVER": url}
    hbin = os.path.join(BUILD, "host", "bin")
    tests = os.path.join(BUILD, "host", "tests", "sp")
    problems = []

    def step(name, argv, check=None, **kw):
        problem, out = host_run(say, name, argv, **kw)
        if problem is None and check is not None:
            problem = check(out)
            if problem:
                say("host: %s: FAIL, %s" % (name, problem))
                problem = "%s: %s" % (name, problem)
        if problem:
            problems.append(problem)
        return out

    step("rump.sysctl -n kern.hostname", [os.path.join(hbin, "rump.sysctl"),
         "-n", "kern.hostname"], env=env,
         check=lambda o: None if o == "rumpimg\n" else "printed %r" % o)
    step("test_client against the image", [os.path.join(tests, "test_client")],
         env={"RUMP_TEST_SERVER": url, "RUMP_TEST_BINDIR": hbin}, timeout=180,
         show=20, check=lambda o: None if re.search(
             r"^(1[1-9]|[2-9]\d) passed, 0 failed$", o, re.M) else "not all passed")
    step("sock_echo: image sockets serve host sockets",
         [os.path.join(tests, "sock_echo"), str(ports["sock"]), str(ports["udp"])],
         env=env, timeout=90, show=10,
         check=lambda o: None if "4 passed, 0 failed" in o else "not all passed")

    # The in-image echo server that make bench takes as its floor.
    t = time.monotonic()
    data = bytes((i * 7 + i // 251) & 0xff for i in range(256 * 1024))
    try:
        ok = (image_echo(ports["echo"], b"e", data, len(data)) == data and
              image_echo(ports["echo"], b"s", data, 8) ==
              len(data).to_bytes(8, "little"))
        why = "" if ok else ", wrong bytes back"
    except OSError as e:
        ok, why = False, ", %s" % e
    say("host: image echo server, 256 KiB echoed and sunk: %s (%.2f s)"
        % ("ok" if ok else "FAIL" + why, time.monotonic() - t))
    if not ok:
        problems.append("the image's echo server" + why)

    # Several clients at once, each a process of its own in the image.
    t = time.monotonic()
    argv = [os.path.join(tests, "test_client"), "--getpid-loop", "1000"]
    procs = [] if not os.path.exists(argv[0]) else [subprocess.Popen(argv, cwd=ROOT, env=dict(os.environ, RUMPCLIENT_BANNER_TIMEOUT="15", **env),
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT) for _ in range(8)]
    pids, bad = set(), 0
    for p in procs:
        try:
            out = p.communicate(timeout=60)[0].decode(errors="replace")
        except subprocess.TimeoutExpired:
            p.kill()
            out = p.communicate()[0].decode(errors="replace") + " (timeout)"
        m = re.search(r"^pid (\d+): 1000 calls", out, re.M)
        if p.returncode != 0 or not m:
            bad += 1
            say("host:   " + out.strip())
        else:
            pids.add(m.group(1))
    ok = bad == 0 and len(pids) == 8
    say("host: 8 concurrent clients x 1000 getpids, %d distinct pids: %s (%.2f s)"
        % (len(pids), "ok" if ok else "FAIL", time.monotonic() - t))
    if not ok:
        problems.append("concurrent getpid clients: %d failed, %d pids" % (bad, len(pids)))

    problems += sp_stress(say, url, hbin, tests, ports)
    step("rump.halt", [os.path.join(hbin, "rump.halt")], env=env)
    return problems


def mem_steps(ports, say, steps):
    """Runs mem_client (and rump.halt) steps against the image in order:
    (name, argv after the program, expected output RE); the problems."""
    env = {"RUMP_SERVER": "tcp://127.0.0.1:%d" % ports["sp"]}
    prog = os.path.join(BUILD, "host", "tests", "sp", "mem_client")
    problems = []
    for name, args, want in steps:
        argv = ([os.path.join(BUILD, "host", "bin", "rump.halt")] if args is None
                else [prog] + args)
        problem, out = host_run(say, name, argv, env=env, timeout=60)
        if problem is None and want and not re.search(want, out):
            problem = "%s: output lacks /%s/" % (name, want)
            say("host: " + problem)
        if problem:
            problems.append(problem)
    return problems


def sp_small_machine(ports, say):
    """-m 2M: calls that copy data answer (open, write, read, close), again
    and again; hw.physmem64 is the machine's memory, not 1 GiB."""
    return mem_steps(ports, say, [
        ("mem_client rw 16384", ["rw", "16384"], r"rw: 16384 bytes"),
        ("mem_client rw 16384 (again)", ["rw", "16384"], r"rw: 16384 bytes"),
        ("mem_client rw 32768", ["rw", "32768"], r"rw: 32768 bytes"),
        ("mem_client physmem", ["physmem", str(512 << 10), str(2 << 20)], None),
        ("rump.halt", None, None)])


def sp_fill_tmpfs(ports, say):
    """-m 32M: a client fills tmpfs with 1 MiB writes until ENOSPC and is
    still served; a new client connects, removes the file and writes."""
    return mem_steps(ports, say, [
        ("mem_client fill /tmp/big", ["fill", "/tmp/big", str(32 << 20)],
         r"fill: \d+ bytes, then ENOSPC\nfill: the connection still serves"),
        ("mem_client again /tmp/big", ["again", "/tmp/big"], r"again: removed"),
        ("mem_client fill /tmp/big (twice)", ["fill", "/tmp/big", str(32 << 20)], r"then ENOSPC"),
        ("mem_client again /tmp/big (twice)", ["again", "/tmp/big"], r"again: removed"),
        ("mem_client physmem", ["physmem", str(24 << 20), str(32 << 20)], None),
        ("rump.halt", None, None)])


def sp_keyed(ports, say):
    """The host's side of sp_server_in_image_requires_its_key: the key
    cases of test_auth_client against the image, rump.sysctl without the
    key and with a wrong one refused, then rump.halt with the key."""
    url = "tcp://127.0.0.1:%d" % ports["sp"]
    hbin = os.path.join(BUILD, "host", "bin")
    tests = os.path.join(BUILD, "host", "tests", "sp")
    sysctl = [os.path.join(hbin, "rump.sysctl"), "-n", "kern.hostname"]
    wrong = SP_TEST_KEY[:-1] + ("0" if SP_TEST_KEY[-1] != "0" else "1")
    problems = []

    problem, _ = host_run(say, "test_auth_client against the image",
                          [os.path.join(tests, "test_auth_client")],
                          env={"RUMP_TEST_SERVER": url,
                               "RUMP_TEST_KEY": SP_TEST_KEY}, timeout=90,
                          show=12)
    if problem:
        problems.append(problem)
    for name, env, refused in (
            ("rump.sysctl without a key", {}, True),
            ("rump.sysctl with a wrong key", {"RUMP_SP_KEY": wrong}, True),
            ("rump.sysctl with the key", {"RUMP_SP_KEY": SP_TEST_KEY}, False)):
        env = dict(env, RUMP_SERVER=url)
        clean = {k: v for k, v in os.environ.items() if not k.startswith("RUMP_SP_KEY")}
        try:
            p = subprocess.run(sysctl, cwd=ROOT, env=dict(clean, **env),
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=60)
            st, out = p.returncode, p.stdout.decode(errors="replace")
        except subprocess.TimeoutExpired:
            st, out = "timeout", ""
        ok = (st != 0 and "Operation not permitted" in out) if refused \
            else (st == 0 and out == "rumpimg\n")
        say("host: %s: %s (exit %s)" % (name, "ok" if ok else "FAIL", st))
        for l in out.splitlines()[-3:]:
            say("host:   " + l)
        if not ok:
            problems.append("%s: exit %s, %r" % (name, st, out))
    problem, _ = host_run(say, "rump.halt with the key",
                          [os.path.join(hbin, "rump.halt")],
                          env={"RUMP_SERVER": url, "RUMP_SP_KEY": SP_TEST_KEY})
    if problem:
        problems.append(problem)
    return problems


COUNTS = ("kern.nprocs", "kern.nlwps", "kern.nfiles")


def image_counts(say, url, hbin):
    """The image's processes, lwps and open files (rump.sysctl's own
    process among them, the same in every reading), or None."""
    problem, out = host_run(say, "rump.sysctl " + " ".join(COUNTS),
                            [os.path.join(hbin, "rump.sysctl"), "-n"] + list(COUNTS),
                            env={"RUMP_SERVER": url}, show=0)
    vals = out.split()
    if problem or len(vals) != len(COUNTS) or not all(v.isdigit() for v in vals):
        say("host:   counts unreadable: %r" % out)
        return None
    return [int(v) for v in vals]


HOST_TCP = ("ListenOverflows", "SyncookiesSent", "TCPReqQFullDoCookies")


def host_tcp_counts():
    """The host kernel's counts of connections its listeners could not queue
    (/proc/net/netstat): QEMU's forwarder listens with a backlog of 1, and
    the connections of a burst beyond it get SYN cookies and may be lost."""
    counts = {}
    try:
        with open("/proc/net/netstat") as f:
            lines = f.read().splitlines()
    except OSError:
        return counts
    for names, values in zip(lines[::2], lines[1::2]):
        if names.startswith("TcpExt:") and values.startswith("TcpExt:"):
            for k, v in zip(names.split()[1:], values.split()[1:]):
                if k in HOST_TCP:
                    counts[k] = int(v)
    return counts


def usernet(ports, say):
    """Says QEMU's view of the forwarded connections (monitor 'info
    usernet'): which the guest never accepted (SYN_SENT) and which it did."""
    path = ports.get("monitor")
    if path is None:
        return
    try:
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(10)
            s.connect(path)
            s.sendall(b"info usernet\n")
            buf, end = b"", time.monotonic() + 10
            while time.monotonic() < end and buf.count(b"(qemu)") < 2:
                d = s.recv(65536)
                if not d:
                    break
                buf += d
    except OSError as e:
        say("host: QEMU monitor: %s" % e)
        return
    for line in buf.decode(errors="replace").splitlines():
        line = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", line).strip()
        if line and "(qemu)" not in line and "QEMU" not in line:
            say("host: usernet: " + line)


def sp_stress(say, url, hbin, tests, ports=None):
    """Many clients at once, forked, with threads, some SIGKILLed mid-call
    (test_client --stress; it also checks that a newcomer is served and
    that 16 new connections get banners). Then, waited for: the image
    holds no more processes, lwps or open files than before. The server
    keeps idle worker threads, but they hold no lwp, so no cache is
    allowed for. Returns the problems."""
    before = image_counts(say, url, hbin)
    say("host: before the stress: %s" % dict(zip(COUNTS, before or ())))
    tcp = host_tcp_counts()
    # A client whose connection QEMU's forwarder lost (usernet, below)
    # times out and connects again (test_client.c, init_retrying).
    problem, out = host_run(
        say, "stress: 40 clients x 4 threads, 12 SIGKILLed",
        [os.path.join(tests, "test_client"), "--stress", "40", "4", "12"],
        env={"RUMP_TEST_SERVER": url, "RUMPCLIENT_BANNER_TIMEOUT": "15"},
        timeout=300, show=3)
    say("host: during the stress the host's TCP %s" % ", ".join(
        "%s +%d" % (k, v - tcp.get(k, 0)) for k, v in sorted(host_tcp_counts().items())))
    problems = [problem] if problem else []
    if problem is None and "1 passed, 0 failed" not in out:
        problems.append("stress: not all passed")
    if problems and ports is not None:
        usernet(ports, say)
    if before is None:
        return problems + ["the image's counts were unreadable"]
    deadline, after = time.monotonic() + 60, None
    while time.monotonic() < deadline:
        after = image_counts(say, url, hbin)
        if after is not None and all(a <= b for a, b in zip(after, before)):
            break
        time.sleep(0.5)
    ok = after is not None and all(a <= b for a, b in zip(after, before))
    say("host: after the stress: %s: %s" % (dict(zip(COUNTS, after or ())),
                                           "back to baseline" if ok else "FAIL, leaked"))
    if not ok:
        problems.append("after the stress the image holds %s, before %s" % (after, before))
    return problems


def port_free(port, timeout=15):
    """Waits until 127.0.0.1:port can be bound (the last QEMU is gone)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind(("127.0.0.1", port))
                return True
            except OSError:
                time.sleep(0.1)
    return False


def sp_reconnect(ports, say):
    """The host's side of sp_client_reconnects_after_image_restart: a
    client connected to the image waits while the image halts and a second
    QEMU boots the same image on the same port; its next call reconnects
    and finds itself a new process (doc/rump_sp.md, "The client library")."""
    url = "tcp://127.0.0.1:%d" % ports["sp"]
    env = dict(os.environ, RUMP_SERVER=url)
    hbin = os.path.join(BUILD, "host", "bin")
    client = subprocess.Popen([os.path.join(BUILD, "host", "tests", "sp", "reconnect")],
                              cwd=ROOT, env=env, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)
    second = None
    try:
        first = client.stdout.readline().strip()
        say("host: client: %s" % first)
        if not first.startswith("ready "):
            return ["the client did not connect: %r" % first]
        problem, _ = host_run(say, "rump.halt (first boot)",
                              [os.path.join(hbin, "rump.halt")], env={"RUMP_SERVER": url})
        if problem:
            return [problem]
        if not port_free(ports["sp"]):
            return ["the first QEMU kept port %d" % ports["sp"]]
        second = subprocess.Popen(
            [RUN_QEMU, "--sp-port", str(ports["sp"]), "-a",
             "test=sp_server RUMP_SP_PORT=%d" % ports["sp"], CURRENT_IMAGE[0]],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, start_new_session=True)
        deadline = time.monotonic() + 30
        for line in second.stdout:
            if SP_LISTENING.search(line):
                say("host: second boot: %s" % line.strip())
                break
            if time.monotonic() > deadline:
                break
        client.stdin.write("go\n")
        client.stdin.flush()
        out = client.communicate(timeout=90)[0].strip()
        say("host: client: %s" % out)
        problems = [] if client.returncode == 0 and out.startswith("reconnected") \
            else ["the client did not reconnect: %r" % out]
        problem, _ = host_run(say, "rump.halt (second boot)",
                              [os.path.join(hbin, "rump.halt")], env={"RUMP_SERVER": url})
        if problem:
            problems.append(problem)
        try:
            status = second.wait(timeout=20)
        except subprocess.TimeoutExpired:
            status = None
        say("host: second QEMU exited with %s" % status)
        if status != 0:
            problems.append("the second QEMU exited with %s" % status)
        return problems
    finally:
        for p in (client, second):
            if p is not None and p.poll() is None:
                p.kill()
                p.wait()


CURRENT_IMAGE = [None]      # the image run_case boots (for a second boot)


def sp_host_side(case, ports, proc, lines):
    """Waits for the server's line, runs case.host, and returns its
    problems; QEMU is killed if the server never listens."""
    def say(line):
        lines.append((time.monotonic(), line))

    deadline = time.monotonic() + 30
    while not any(SP_LISTENING.search(l) for _, l in list(lines)):
        if proc.poll() is not None or time.monotonic() > deadline:
            say("host: no 'rump_sp: listening' line%s" %
                ("" if proc.poll() is not None else " within 30 s"))
            return ["the image's server never listened"]
        time.sleep(0.05)
    try:
        return case.host(ports, say)
    except Exception as e:      # a bug here must fail the case, loudly
        say("host: %s: %s" % (type(e).__name__, e))
        return ["host side raised %s: %s" % (type(e).__name__, e)]


def make_disks(case, tmpdir):
    case.disk_paths, case.disk_orig = [], []
    for i, (size, ro) in enumerate(case.disks):
        path = os.path.join(tmpdir, "%s.disk%d.img" % (case.name, i))
        if callable(size):      # a maker: ext2disks.image()
            size(path)
            with open(path, "rb") as f:
                data = f.read()
        else:
            data = os.urandom(size)
            with open(path, "wb") as f:
                f.write(data)
        case.disk_paths.append(path)
        case.disk_orig.append(data)


def run_case(case, image, tmpdir):
    CURRENT_IMAGE[0] = image
    if case.run is not None:
        return case.run(case, image, tmpdir)
    echo = EchoServer() if case.echo_server else None
    try:
        make_disks(case, tmpdir)
        status, lines, dt, problems = run_case_qemu(case, image, tmpdir, echo)
        if case.second is not None and status == OK:
            lines.append((time.monotonic(), "host: second boot: " + case.second))
            status, more, dt2, p2 = run_case_qemu(case, image, tmpdir, echo,
                                                  case.second)
            lines += more
            dt += dt2
            problems += p2
        if case.after is not None:
            problems += case.after(
                case, lambda l: lines.append((time.monotonic(), l)))
        return status, lines, dt, problems
    finally:
        if echo is not None:
            echo.close()


def run_case_qemu(case, image, tmpdir, echo, append=None):
    append = case.append if append is None else append
    ports = sp_ports() if case.host is not None else None
    host_problems = []
    if echo is not None:
        append += " NETTEST_ECHO_PORT=%d" % echo.port
    if ports is not None:
        append += " RUMP_SP_PORT=%d RUMP_ECHO_PORT=%d" % (ports["sp"], ports["echo"])
    cmd = [RUN_QEMU, "--raw-status", "-m", case.mem, "-a", append]
    if case.iso:
        cmd.append("--iso")
    if case.module is not None:
        path = os.path.join(tmpdir, case.name + ".mod")
        with open(path, "w") as f:
            f.write(case.module)
        cmd += ["--initrd", path + " arg=one"]
    serial_path = None
    if case.serial_file:
        serial_path = os.path.join(tmpdir, case.name + ".serial")
        cmd += ["--serial", "file:" + serial_path]
    sock_path = None
    if case.serial_unix:
        sock_path = os.path.join(tmpdir, case.name + ".sock")
        cmd += ["--serial", "unix:" + sock_path]
    for path, (size, ro) in zip(case.disk_paths, case.disks):
        cmd += ["--disk", path + (",ro" if ro else "")]
    cmd.append(image)
    extra = []
    if case.cpu is not None:
        extra += ["-cpu", case.cpu]   # the last -cpu wins
    if case.net:
        netdev = "user,id=n0"
        if ports is not None:
            netdev += "".join(",hostfwd=tcp:127.0.0.1:%d-:%d" % (ports[k], ports[k])
                              for k in ("sp", "echo", "sock"))
            netdev += ",hostfwd=udp:127.0.0.1:%d-:%d" % (ports["udp"], ports["udp"])
        extra += ["-netdev", netdev,
                  "-device", "virtio-net-pci,netdev=n0,disable-legacy=on"]
        if ports is not None:
            # QEMU's monitor, for what its forwarder holds (usernet).
            ports["monitor"] = os.path.join(tmpdir, case.name + ".mon")
            extra += ["-monitor", "unix:%s,server=on,wait=off" % ports["monitor"]]
    if extra:
        cmd += ["--"] + extra
    lines = []
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            start_new_session=True)

    def stream():
        if sock_path is None:
            return proc.stdout
        # QEMU waits for this connection before it boots the image.
        s = socket.socket(socket.AF_UNIX)
        for _ in range(100):
            try:
                s.connect(sock_path)
                break
            except OSError:
                time.sleep(0.05)
        return s.makefile("rb")

    def reader():
        for raw in stream():
            text = raw.decode("utf-8", "replace").rstrip("\r\n")
            text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text).replace("\r", "")
            lines.append((time.monotonic(), text))

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    try:
        if ports is not None:
            host_problems = sp_host_side(case, ports, proc, lines)
            if host_problems and proc.poll() is None:
                # No halt came, or it did not stop the image: give it a
                # little time, then the timeout below ends it.
                case_timeout = min(case.timeout, time.monotonic() - start + 10)
            else:
                case_timeout = case.timeout
        else:
            case_timeout = case.timeout
        status = proc.wait(timeout=max(1, case_timeout - (time.monotonic() - start)))
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        proc.wait()
        status = 124
    t.join(5)
    if serial_path is not None:
        # The console went to the file, not to stdout.
        if lines:
            lines.append((time.monotonic(), "(unexpected output on stdout)"))
        with open(serial_path, errors="replace") as f:
            lines += [(0.0, l.rstrip("\r\n")) for l in f]
    return status, lines, time.monotonic() - start, host_problems


def judge(case, status, lines, host_problems=()):
    transcript = "\n".join(l for _, l in lines)
    problems = list(host_problems)
    if status not in case.status:
        problems.append("exit status %d (%s), expected %s" % (
            status, STATUS_NAMES.get(status, "?"),
            " or ".join("%d (%s)" % (s, STATUS_NAMES[s]) for s in case.status)))
    for pat in case.must:
        if not re.search(pat, transcript):
            problems.append("transcript lacks /%s/" % pat)
    for pat in case.must_not:
        if re.search(pat, transcript):
            problems.append("transcript has /%s/" % pat)
    if case.check is not None:
        p = case.check(lines)
        if p:
            problems.append(p)
    return problems


def main():
    global BUILD
    ap = argparse.ArgumentParser()
    ap.add_argument("--image", required=True)
    ap.add_argument("--filter", help="run only cases whose name matches RE")
    ap.add_argument("--counts", help="append 'qemu PASSED FAILED 0' here")
    ap.add_argument("--build", default=BUILD,
                    help="the build directory with host/ (default build)")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="print every transcript")
    args = ap.parse_args()
    BUILD = os.path.abspath(args.build)
    cases = [c for c in CASES
             if not args.filter or re.search(args.filter, c.name)]
    if args.list:
        for c in cases:
            print(c.name)
        return 0
    passed = failed = 0
    with tempfile.TemporaryDirectory() as tmpdir:
        for case in cases:
            status, lines, dt, host_problems = run_case(case, args.image, tmpdir)
            problems = judge(case, status, lines, host_problems)
            print("%s %-46s %6.2f s" % ("PASS" if not problems else "FAIL",
                                        case.name, dt), flush=True)
            if problems or args.verbose:
                for p in problems:
                    print("    - " + p)
                shown = lines if args.verbose else lines[-40:]
                for _, l in shown:
                    print("    | " + l)
            if problems:
                failed += 1
            else:
                passed += 1
    print("%d passed, %d failed" % (passed, failed))
    if args.counts:
        with open(args.counts, "a") as f:
            f.write("qemu %d %d 0\n" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
