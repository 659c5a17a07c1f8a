# The host tests of the kernel, lwproc and the in-process rump_sp server:
# each links build/host/lib/librump-san.a (hypercall/posix/build.mk), the
# whole kernel built once under ASan and UBSan.
KERNEL_FS_HDRS := $(wildcard kernel/fs/*.h kernel/fs/ext2/*.h) tests/host/kernel/sh.h
KTEST_CFLAGS = $(HOST_SAN_CFLAGS) -Iinclude $(KERNEL_INC) $(SYSCALL_INC) $(SP_INC) -Itests/host
KTESTS := lwproc/test_lwproc kernel/test_syscalls kernel/test_badaddr \
	kernel/test_prot kernel/test_tmpfs kernel/test_memlimit \
	kernel/test_mount kernel/test_ext2_kern kernel/test_ext2_mount \
	kernel/test_ext2_syscalls kernel/test_ext2_fsync kernel/test_bootmount \
	kernel/test_at kernel/test_lock kernel/test_event kernel/test_kfilter kernel/test_fifo kernel/test_nodes kernel/test_blk net/test_net \
	kernel/test_daemonize sp/test_server sp/test_auth_server
# What a test reads besides its source (headers, the frames it sends).
ktest-deps-kernel/test_badaddr := tests/host/badaddr.h
ktest-deps-net/test_net := tests/host/net/net_util.h
ktest-deps-kernel/test_ext2_kern := $(KERNEL_FS_HDRS)
ktest-deps-kernel/test_ext2_mount := $(KERNEL_FS_HDRS)
ktest-deps-kernel/test_ext2_syscalls := $(KERNEL_FS_HDRS)
ktest-deps-kernel/test_ext2_fsync := $(KERNEL_FS_HDRS)
ktest-deps-kernel/test_bootmount := kernel/bootmount.h
ktest-deps-sp/test_server := tests/host/sp/server_harness.h tests/host/sp/frames.py tests/host/sp/spframes.py $(wildcard sp/*.h)
ktest-deps-sp/test_auth_server := tests/host/sp/server_harness.h tests/host/sp/auth_frames.py tests/host/sp/spframes.py $(wildcard sp/*.h)

define ktest_rule
$(O)/host/tests/$(1): tests/host/$(1).c $(O)/host/lib/librump-san.a tests/host/check.h \
		$(SYSCALL_GEN) $(wildcard include/rump/*.h) $$(ktest-deps-$(1))
	$$(call hostld,$$(KTEST_CFLAGS),tests/host/$(1).c $(O)/host/lib/librump-san.a -lpthread -ldl)
test-host: $(O)/host/tests/$(1)
endef
$(foreach t,$(KTESTS),$(eval $(call ktest_rule,$(t))))

# make bench: the kernel benchmarks on the host build (optimised, no sanitizers).
$(O)/host/bench/kernel: bench/kernel/host.c bench/kernel/cases.c $(O)/host/lib/librump.a
	$(call hostld,$(HOST_OPT_CFLAGS) -Iinclude -Ibench/kernel,bench/kernel/host.c $(O)/host/lib/librump.a -lpthread)

# make bench: the storage benchmarks on the host build (bench/storage.py).
$(O)/host/bench/storage: bench/storage/host.c bench/storage/cases.c $(O)/host/lib/librump.a
	$(call hostld,$(HOST_OPT_CFLAGS) -Iinclude -Ibench/storage,bench/storage/host.c $(O)/host/lib/librump.a -lpthread)

# librumpclient (under the sanitizers) against real rump_server processes,
# and the rump.halt and rump.sysctl tools; they are run from build/host/bin
# (or $RUMP_TEST_BINDIR), so they only need to be up to date.
$(O)/host/tests/sp/test_client: tests/host/sp/test_client.c \
		tests/host/sp/test_client_fork.c tests/host/sp/test_client_util.c \
		tests/host/sp/test_client_fault.c tests/host/badaddr.h \
		tests/host/sp/test_client_stress.c \
		tests/host/sp/test_client_signal.c \
		tests/host/sp/test_client.h \
		sp/sp_proto.h $(O)/host/lib/librumpclient-san.a \
		$(wildcard include/rump/*.h) tests/host/check.h | \
		$(O)/host/bin/rump_server $(O)/host/bin/rump.halt \
		$(O)/host/bin/rump.sysctl
	$(call hostld,$(HOST_SAN_CFLAGS) -Iinclude $(SP_INC) -Itests/host -pthread,tests/host/sp/test_client.c tests/host/sp/test_client_fork.c tests/host/sp/test_client_util.c tests/host/sp/test_client_fault.c tests/host/sp/test_client_stress.c tests/host/sp/test_client_signal.c $(O)/host/lib/librumpclient-san.a)

test-host: $(O)/host/tests/sp/test_client

# Sockets of the image's kernel serving host sockets, through remote system
# calls; run by tests/qemu/run.py against the image (so a prerequisite of
# test-qemu, not of test-host).
$(O)/host/tests/sp/sock_echo: tests/host/sp/sock_echo.c \
		$(O)/host/lib/librumpclient-san.a $(wildcard include/rump/*.h) \
		tests/host/check.h
	$(call hostld,$(HOST_SAN_CFLAGS) -Iinclude -Itests/host -pthread,tests/host/sp/sock_echo.c $(O)/host/lib/librumpclient-san.a)

# A client that reconnects across a restart of the image (run.py).
$(O)/host/tests/sp/reconnect: tests/host/sp/reconnect.c \
		$(O)/host/lib/librumpclient-san.a $(wildcard include/rump/*.h)
	$(call hostld,$(HOST_SAN_CFLAGS) -Iinclude -pthread,tests/host/sp/reconnect.c $(O)/host/lib/librumpclient-san.a)

# rump_server's NetBSD command line (tests/host/sp/server_options.sh).
$(O)/host/tests/sp/server_options: tests/host/sp/server_options.sh | \
		$(O)/host/bin/rump_server $(O)/host/bin/rump.halt \
		$(O)/host/bin/rump.sysctl
	$(Q)mkdir -p $(dir $@)
	$(Q)cp $< $@

test-host: $(O)/host/tests/sp/server_options

# rump_server -d: remote clients on a host image file (server_disk.sh).
$(O)/host/tests/sp/disk_client: tests/host/sp/disk_client.c \
		$(O)/host/lib/librumpclient-san.a $(wildcard include/rump/*.h)
	$(call msg,HOSTCC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) -std=gnu11 -O1 -g $(WARN) -fsanitize=address,undefined \
		-fno-sanitize-recover=all -fno-omit-frame-pointer -D_GNU_SOURCE \
		-Iinclude -pthread -o $@ tests/host/sp/disk_client.c \
		$(O)/host/lib/librumpclient-san.a
$(O)/host/tests/sp/server_disk: tests/host/sp/server_disk.sh | \
		$(O)/host/tests/sp/disk_client $(O)/host/bin/rump_server \
		$(O)/host/bin/rump.halt
	$(Q)mkdir -p $(dir $@)
	$(Q)cp $< $@

test-host: $(O)/host/tests/sp/server_disk

# A program using the rump___sysimpl_* names NetBSD's headers rename calls
# to, linked with librump.a and with librumpclient.so.0 (netbsd_names.sh).
NB_NAMES_CFLAGS := $(HOST_SAN_CFLAGS) -Iinclude -Itests/host
# The remote program finds librumpclient.so.0 beside it ($$ORIGIN).
NB_RPATH = -Wl,-rpath,'$$ORIGIN/../../lib'

$(O)/host/tests/sp/netbsd_names_local: tests/host/sp/netbsd_names.c \
		$(O)/host/lib/librump.a tests/host/check.h
	$(call hostld,$(NB_NAMES_CFLAGS),$< $(O)/host/lib/librump.a -lpthread)
$(O)/host/tests/sp/netbsd_names_remote: tests/host/sp/netbsd_names.c \
		$(O)/host/lib/librumpclient.so tests/host/check.h
	$(call hostld,$(NB_NAMES_CFLAGS) -DREMOTE,$< -L$(O)/host/lib -l:librumpclient.so.0 $(NB_RPATH) -pthread)
$(O)/host/tests/sp/netbsd_names: tests/host/sp/netbsd_names.sh \
		$(O)/host/tests/sp/netbsd_names_local \
		$(O)/host/tests/sp/netbsd_names_remote | \
		$(O)/host/bin/rump_server $(O)/host/bin/rump.halt
	$(Q)cp $< $@

test-host: $(O)/host/tests/sp/netbsd_names

# Our stand-ins for NetBSD's t_sp helpers (tests/netbsd/), and t_sp's
# signal case with them (tests/netbsd/standins.sh); scripts/netbsd-tests
# builds the same sources when a NetBSD checkout's helpers are too old.
$(O)/host/tests/netbsd/h_simpleserver: tests/netbsd/h_simpleserver.c \
		$(O)/host/lib/librump.a $(wildcard include/rump/*.h)
	$(call hostld,$(NB_NAMES_CFLAGS),$< $(O)/host/lib/librump.a -lpthread)
$(O)/host/tests/netbsd/h_simplecli: tests/netbsd/h_simplecli.c \
		$(O)/host/lib/librumpclient.so $(wildcard include/rump/*.h)
	$(call hostld,$(NB_NAMES_CFLAGS),$< -L$(O)/host/lib -l:librumpclient.so.0 $(NB_RPATH) -pthread)
$(O)/host/tests/netbsd/standins: tests/netbsd/standins.sh \
		$(O)/host/tests/netbsd/h_simpleserver \
		$(O)/host/tests/netbsd/h_simplecli | $(O)/host/bin/rump.halt
	$(Q)cp $< $@

test-host: $(O)/host/tests/netbsd/standins

# ext2 and the buffer cache on images made by mke2fs, checked with e2fsck
# and debugfs (the file system code alone, in ext2_harness.c's stand-ins).
# ext2_vnode.c is the VFS glue: it needs the generic vnode layer, which
# the harness has not, so these link the sources, not librump-san.a.
EXT2_HARNESS_FS := $(filter-out kernel/fs/ext2/ext2_vnode.c,\
	$(wildcard kernel/fs/*.c kernel/fs/ext2/*.c))
EXT2_HARNESS_TESTS := kernel/test_ext2 kernel/test_ext2_err

define ext2_harness_rule
$(O)/host/tests/$(1): tests/host/$(1).c tests/host/kernel/ext2_harness.c \
		$(EXT2_HARNESS_FS) tests/host/kernel/ext2_harness.h \
		$(KERNEL_FS_HDRS) kernel/kern.h kernel/vnode.h kernel/blk.h \
		$(wildcard include/rump/*.h) tests/host/check.h
	$$(call hostld,$$(HOST_SAN_CFLAGS) -Iinclude $(KERNEL_INC) -Itests/host,tests/host/$(1).c tests/host/kernel/ext2_harness.c $(EXT2_HARNESS_FS))
test-host: $(O)/host/tests/$(1)
endef
$(foreach t,$(EXT2_HARNESS_TESTS),$(eval $(call ext2_harness_rule,$(t))))

# The image's memory cases (tests/qemu/run.py): copies at -m 2M, tmpfs
# filled to ENOSPC and recovered, hw.physmem64.
$(O)/host/tests/sp/mem_client: tests/host/sp/mem_client.c $(SYSCALL_GEN) \
		$(O)/host/lib/librumpclient-san.a $(wildcard include/rump/*.h)
	$(call hostld,$(HOST_SAN_CFLAGS) -Iinclude $(SYSCALL_INC) -pthread,tests/host/sp/mem_client.c $(O)/host/lib/librumpclient-san.a)

# rump_server -r 64m enforced (tests/host/sp/server_memlimit.sh).
$(O)/host/tests/sp/server_memlimit: tests/host/sp/server_memlimit.sh | \
		$(O)/host/tests/sp/mem_client $(O)/host/bin/rump_server \
		$(O)/host/bin/rump.halt
	$(Q)mkdir -p $(dir $@)
	$(Q)cp $< $@

test-host: $(O)/host/tests/sp/server_memlimit

# librumpclient's key handshake against rump_server -k (test_auth_client.c).
$(O)/host/tests/sp/test_auth_client: tests/host/sp/test_auth_client.c \
		tests/host/sp/test_client_util.c tests/host/sp/test_client.h \
		sp/sp_proto.h $(O)/host/lib/librumpclient-san.a \
		$(wildcard include/rump/*.h) tests/host/check.h | \
		$(O)/host/bin/rump_server
	$(call hostld,$(HOST_SAN_CFLAGS) -Iinclude $(SP_INC) -Itests/host -pthread,tests/host/sp/test_auth_client.c tests/host/sp/test_client_util.c $(O)/host/lib/librumpclient-san.a)

test-host: $(O)/host/tests/sp/test_auth_client

# rump_server -r 200k out of kernel memory: ERROR frames, the others served
# (tests/host/sp/server_nomem.py).
$(O)/host/tests/sp/server_nomem: tests/host/sp/server_nomem.py | \
		$(O)/host/bin/rump_server $(O)/host/bin/rump.halt
	$(Q)mkdir -p $(dir $@)
	$(Q)printf '#!/bin/sh\nexec %s "%s" "%s"\n' '$(PYTHON)' \
		'$(CURDIR)/tests/host/sp/server_nomem.py' '$(abspath $(O))/host/bin' > $@
	$(Q)chmod +x $@

test-host: $(O)/host/tests/sp/server_nomem

