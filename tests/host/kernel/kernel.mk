# The rump kernel on the host (kernel/ over the POSIX hypercalls): it joins
# build/host/lib/librump.a, and its tests run under ASan and UBSan.
# The rump_sp server (sp/server.c) is part of it, as in NetBSD's librumpuser.
# The file systems on disks (kernel/fs: buffer cache, ext2).
KERNEL_FS_SRCS := $(wildcard kernel/fs/*.c kernel/fs/ext2/*.c)
KERNEL_FS_HDRS := $(wildcard kernel/fs/*.h kernel/fs/ext2/*.h)
KERNEL_SRCS := $(wildcard kernel/*.c) $(KERNEL_FS_SRCS) sp/server.c sp/limits.c sp/prefork.c $(SP_AUTH_SRCS)
KERNEL_OBJS := $(patsubst %.c,$(O)/host/obj/%.o,$(KERNEL_SRCS))

$(O)/host/obj/kernel/%.o: kernel/%.c kernel/kern.h $(KERNEL_FS_HDRS) $(wildcard include/rump/*.h) $(SYSCALL_GEN)
	$(call msg,HOSTCC,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(POSIX_CFLAGS) -c $< -o $@

$(O)/host/obj/sp/%.o: sp/%.c $(wildcard sp/*.h) $(wildcard include/rump/*.h)
	$(call msg,HOSTCC,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(POSIX_CFLAGS) -c $< -o $@

$(O)/host/lib/librump.a: $(KERNEL_OBJS)

$(O)/host/tests/kernel/test_lwproc: tests/host/kernel/test_lwproc.c $(KERNEL_SRCS) $(SYSCALL_GEN) \
		$(POSIX_SRCS) kernel/kern.h $(wildcard include/rump/*.h) tests/host/check.h
	$(call msg,HOSTCC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) -std=gnu11 -O1 -g $(WARN) -fsanitize=address,undefined \
		-fno-sanitize-recover=all -fno-omit-frame-pointer -D_GNU_SOURCE \
		-Iinclude $(SYSCALL_INC) -Itests/host -o $@ tests/host/kernel/test_lwproc.c \
		$(KERNEL_SRCS) $(POSIX_SRCS) -lpthread

test-host: $(O)/host/tests/kernel/test_lwproc

$(O)/host/tests/kernel/test_syscalls: tests/host/kernel/test_syscalls.c $(KERNEL_SRCS) $(SYSCALL_GEN) \
		$(POSIX_SRCS) kernel/kern.h $(wildcard include/rump/*.h) tests/host/check.h
	$(call msg,HOSTCC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) -std=gnu11 -O1 -g $(WARN) -fsanitize=address,undefined \
		-fno-sanitize-recover=all -fno-omit-frame-pointer -D_GNU_SOURCE \
		-Iinclude $(SYSCALL_INC) -Itests/host -o $@ tests/host/kernel/test_syscalls.c \
		$(KERNEL_SRCS) $(POSIX_SRCS) -lpthread

test-host: $(O)/host/tests/kernel/test_syscalls

$(O)/host/tests/kernel/test_badaddr: tests/host/kernel/test_badaddr.c \
		tests/host/badaddr.h $(KERNEL_SRCS) $(SYSCALL_GEN) $(POSIX_SRCS) kernel/kern.h \
		$(wildcard include/rump/*.h) tests/host/check.h
	$(call msg,HOSTCC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) -std=gnu11 -O1 -g $(WARN) -fsanitize=address,undefined \
		-fno-sanitize-recover=all -fno-omit-frame-pointer -D_GNU_SOURCE \
		-Iinclude $(SYSCALL_INC) -Itests/host -o $@ tests/host/kernel/test_badaddr.c \
		$(KERNEL_SRCS) $(POSIX_SRCS) -lpthread

test-host: $(O)/host/tests/kernel/test_badaddr

# make bench: the kernel benchmarks on the host build (optimised, no sanitizers).
$(O)/host/bench/kernel: bench/kernel/host.c bench/kernel/cases.c $(O)/host/lib/librump.a
	$(call msg,HOSTCC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) -std=gnu11 -O2 -g $(WARN) -D_GNU_SOURCE -Iinclude -Ibench/kernel \
		-o $@ bench/kernel/host.c $(O)/host/lib/librump.a -lpthread

# The rump_sp server in-process under the sanitizers, driven by frames.py.
$(O)/host/tests/sp/test_server: tests/host/sp/test_server.c tests/host/sp/frames.py \
		$(KERNEL_SRCS) $(SYSCALL_GEN) $(POSIX_SRCS) kernel/kern.h $(wildcard sp/*.h) \
		$(wildcard include/rump/*.h) tests/host/check.h
	$(call msg,HOSTCC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) -std=gnu11 -O1 -g $(WARN) -fsanitize=address,undefined \
		-fno-sanitize-recover=all -fno-omit-frame-pointer -D_GNU_SOURCE \
		-Iinclude $(SYSCALL_INC) -Itests/host -o $@ tests/host/sp/test_server.c \
		$(KERNEL_SRCS) $(POSIX_SRCS) -lpthread -ldl

test-host: $(O)/host/tests/sp/test_server

# librumpclient (under the sanitizers) against real rump_server processes,
# and the rump.halt and rump.sysctl tools; they are run from build/host/bin
# (or $RUMP_TEST_BINDIR), so they only need to be up to date.
$(O)/host/tests/sp/test_client: tests/host/sp/test_client.c \
		tests/host/sp/test_client_fork.c tests/host/sp/test_client_util.c \
		tests/host/sp/test_client_fault.c tests/host/badaddr.h \
		tests/host/sp/test_client_stress.c \
		tests/host/sp/test_client.h \
		sp/sp_proto.h $(O)/host/lib/librumpclient-san.a \
		$(wildcard include/rump/*.h) tests/host/check.h | \
		$(O)/host/bin/rump_server $(O)/host/bin/rump.halt \
		$(O)/host/bin/rump.sysctl
	$(call msg,HOSTCC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) -std=gnu11 -O1 -g $(WARN) -fsanitize=address,undefined \
		-fno-sanitize-recover=all -fno-omit-frame-pointer -D_GNU_SOURCE \
		-Iinclude -Itests/host -pthread -o $@ tests/host/sp/test_client.c \
		tests/host/sp/test_client_fork.c tests/host/sp/test_client_util.c \
		tests/host/sp/test_client_fault.c \
		tests/host/sp/test_client_stress.c $(O)/host/lib/librumpclient-san.a

test-host: $(O)/host/tests/sp/test_client

# Sockets of the image's kernel serving host sockets, through remote system
# calls; run by tests/qemu/run.py against the image (so a prerequisite of
# test-qemu, not of test-host).
$(O)/host/tests/sp/sock_echo: tests/host/sp/sock_echo.c \
		$(O)/host/lib/librumpclient-san.a $(wildcard include/rump/*.h) \
		tests/host/check.h
	$(call msg,HOSTCC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) -std=gnu11 -O1 -g $(WARN) -fsanitize=address,undefined \
		-fno-sanitize-recover=all -fno-omit-frame-pointer -D_GNU_SOURCE \
		-Iinclude -Itests/host -pthread -o $@ tests/host/sp/sock_echo.c \
		$(O)/host/lib/librumpclient-san.a

# A client that reconnects across a restart of the image (run.py).
$(O)/host/tests/sp/reconnect: tests/host/sp/reconnect.c \
		$(O)/host/lib/librumpclient-san.a $(wildcard include/rump/*.h)
	$(call msg,HOSTCC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) -std=gnu11 -O1 -g $(WARN) -fsanitize=address,undefined \
		-fno-sanitize-recover=all -fno-omit-frame-pointer -D_GNU_SOURCE \
		-Iinclude -pthread -o $@ tests/host/sp/reconnect.c \
		$(O)/host/lib/librumpclient-san.a

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
NB_NAMES_CFLAGS := -std=gnu11 -O1 -g $(WARN) -fsanitize=address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer -D_GNU_SOURCE \
	-Iinclude -Itests/host
$(O)/host/tests/sp/netbsd_names_local: tests/host/sp/netbsd_names.c \
		$(O)/host/lib/librump.a tests/host/check.h
	$(call msg,HOSTCC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(NB_NAMES_CFLAGS) -o $@ $< \
		$(O)/host/lib/librump.a -lpthread
$(O)/host/tests/sp/netbsd_names_remote: tests/host/sp/netbsd_names.c \
		$(O)/host/lib/librumpclient.so tests/host/check.h
	$(call msg,HOSTCC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(NB_NAMES_CFLAGS) -DREMOTE -o $@ $< \
		-L$(O)/host/lib -l:librumpclient.so.0 \
		-Wl,-rpath,'$$ORIGIN/../../lib' -pthread
$(O)/host/tests/sp/netbsd_names: tests/host/sp/netbsd_names.sh \
		$(O)/host/tests/sp/netbsd_names_local \
		$(O)/host/tests/sp/netbsd_names_remote | \
		$(O)/host/bin/rump_server $(O)/host/bin/rump.halt
	$(Q)cp $< $@

test-host: $(O)/host/tests/sp/netbsd_names

# Process groups, sessions, limits, kill, time (kern_prot.c, kern_time.c).
$(O)/host/tests/kernel/test_prot: tests/host/kernel/test_prot.c $(KERNEL_SRCS) $(SYSCALL_GEN) \
		$(POSIX_SRCS) kernel/kern.h $(wildcard include/rump/*.h) tests/host/check.h
	$(call msg,HOSTCC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) -std=gnu11 -O1 -g $(WARN) -fsanitize=address,undefined \
		-fno-sanitize-recover=all -fno-omit-frame-pointer -D_GNU_SOURCE \
		-Iinclude $(SYSCALL_INC) -Itests/host -o $@ tests/host/kernel/test_prot.c \
		$(KERNEL_SRCS) $(POSIX_SRCS) -lpthread

test-host: $(O)/host/tests/kernel/test_prot

# tmpfs at scale: sparse files, the largest size, 30,000 names.
$(O)/host/tests/kernel/test_tmpfs: tests/host/kernel/test_tmpfs.c $(KERNEL_SRCS) $(SYSCALL_GEN) \
		$(POSIX_SRCS) kernel/kern.h $(wildcard include/rump/*.h) tests/host/check.h
	$(call msg,HOSTCC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) -std=gnu11 -O1 -g $(WARN) -fsanitize=address,undefined \
		-fno-sanitize-recover=all -fno-omit-frame-pointer -D_GNU_SOURCE \
		-Iinclude $(SYSCALL_INC) -Itests/host -o $@ tests/host/kernel/test_tmpfs.c \
		$(KERNEL_SRCS) $(POSIX_SRCS) -lpthread

test-host: $(O)/host/tests/kernel/test_tmpfs

# Disks: host image files as /dev/ldN and /dev/rldN (kernel/blk.c, blk_dev.c).
$(O)/host/tests/kernel/test_blk: tests/host/kernel/test_blk.c $(KERNEL_SRCS) $(SYSCALL_GEN) \
		$(POSIX_SRCS) kernel/kern.h kernel/blk.h $(wildcard include/rump/*.h) tests/host/check.h
	$(call msg,HOSTCC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) -std=gnu11 -O1 -g $(WARN) -fsanitize=address,undefined \
		-fno-sanitize-recover=all -fno-omit-frame-pointer -D_GNU_SOURCE \
		-Iinclude $(SYSCALL_INC) -Itests/host -o $@ tests/host/kernel/test_blk.c \
		$(KERNEL_SRCS) $(POSIX_SRCS) -lpthread

test-host: $(O)/host/tests/kernel/test_blk

# ext2 and the buffer cache on images made by mke2fs, checked with e2fsck
# and debugfs (the file system code alone, in ext2_harness.c's stand-ins:
# without the VFS glue, ext2_vnode.c).
EXT2_ALONE_SRCS := $(filter-out kernel/fs/ext2/ext2_vnode.c,$(KERNEL_FS_SRCS))
EXT2_TEST_SRCS := tests/host/kernel/test_ext2.c tests/host/kernel/ext2_harness.c \
	$(EXT2_ALONE_SRCS)
$(O)/host/tests/kernel/test_ext2: $(EXT2_TEST_SRCS) tests/host/kernel/ext2_harness.h \
		$(KERNEL_FS_HDRS) kernel/kern.h kernel/blk.h $(wildcard include/rump/*.h) \
		tests/host/check.h
	$(call msg,HOSTCC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) -std=gnu11 -O1 -g $(WARN) -fsanitize=address,undefined \
		-fno-sanitize-recover=all -fno-omit-frame-pointer -D_GNU_SOURCE \
		-Iinclude -Itests/host -o $@ $(EXT2_TEST_SRCS)

test-host: $(O)/host/tests/kernel/test_ext2

EXT2_ERR_SRCS := tests/host/kernel/test_ext2_err.c tests/host/kernel/ext2_harness.c \
	$(EXT2_ALONE_SRCS)
$(O)/host/tests/kernel/test_ext2_err: $(EXT2_ERR_SRCS) tests/host/kernel/ext2_harness.h \
		$(KERNEL_FS_HDRS) kernel/kern.h kernel/blk.h $(wildcard include/rump/*.h) \
		tests/host/check.h
	$(call msg,HOSTCC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) -std=gnu11 -O1 -g $(WARN) -fsanitize=address,undefined \
		-fno-sanitize-recover=all -fno-omit-frame-pointer -D_GNU_SOURCE \
		-Iinclude -Itests/host -o $@ $(EXT2_ERR_SRCS)

test-host: $(O)/host/tests/kernel/test_ext2_err

# ext2 in the real kernel on an etfs disk, threads at once.
$(O)/host/tests/kernel/test_ext2_kern: tests/host/kernel/test_ext2_kern.c $(KERNEL_SRCS) \
		$(SYSCALL_GEN) $(POSIX_SRCS) kernel/kern.h kernel/blk.h $(KERNEL_FS_HDRS) \
		$(wildcard include/rump/*.h) tests/host/check.h
	$(call msg,HOSTCC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) -std=gnu11 -O1 -g $(WARN) -fsanitize=address,undefined \
		-fno-sanitize-recover=all -fno-omit-frame-pointer -D_GNU_SOURCE \
		-Iinclude $(SYSCALL_INC) -Itests/host -o $@ tests/host/kernel/test_ext2_kern.c \
		$(KERNEL_SRCS) $(POSIX_SRCS) -lpthread

test-host: $(O)/host/tests/kernel/test_ext2_kern

# The memory limit (RUMP_MEMLIMIT=64m, as rump_server -r 64m sets it).
$(O)/host/tests/kernel/test_memlimit: tests/host/kernel/test_memlimit.c $(KERNEL_SRCS) $(SYSCALL_GEN) \
		$(POSIX_SRCS) kernel/kern.h $(wildcard include/rump/*.h) tests/host/check.h
	$(call msg,HOSTCC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) -std=gnu11 -O1 -g $(WARN) -fsanitize=address,undefined \
		-fno-sanitize-recover=all -fno-omit-frame-pointer -D_GNU_SOURCE \
		-Iinclude $(SYSCALL_INC) -Itests/host -o $@ tests/host/kernel/test_memlimit.c \
		$(KERNEL_SRCS) $(POSIX_SRCS) -lpthread

test-host: $(O)/host/tests/kernel/test_memlimit

# The image's memory cases (tests/qemu/run.py): copies at -m 2M, tmpfs
# filled to ENOSPC and recovered, hw.physmem64.
$(O)/host/tests/sp/mem_client: tests/host/sp/mem_client.c $(SYSCALL_GEN) \
		$(O)/host/lib/librumpclient-san.a $(wildcard include/rump/*.h)
	$(call msg,HOSTCC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) -std=gnu11 -O1 -g $(WARN) -fsanitize=address,undefined \
		-fno-sanitize-recover=all -fno-omit-frame-pointer -D_GNU_SOURCE \
		-Iinclude $(SYSCALL_INC) -pthread -o $@ tests/host/sp/mem_client.c \
		$(O)/host/lib/librumpclient-san.a

# rump_server -r 64m enforced (tests/host/sp/server_memlimit.sh).
$(O)/host/tests/sp/server_memlimit: tests/host/sp/server_memlimit.sh | \
		$(O)/host/tests/sp/mem_client $(O)/host/bin/rump_server \
		$(O)/host/bin/rump.halt
	$(Q)mkdir -p $(dir $@)
	$(Q)cp $< $@

test-host: $(O)/host/tests/sp/server_memlimit

# The server with a key, in-process under the sanitizers, driven by
# auth_frames.py (raw frames, the handshake done with Python's hmac).
$(O)/host/tests/sp/test_auth_server: tests/host/sp/test_auth_server.c \
		tests/host/sp/auth_frames.py $(KERNEL_SRCS) $(SYSCALL_GEN) \
		$(POSIX_SRCS) kernel/kern.h $(wildcard sp/*.h) \
		$(wildcard include/rump/*.h) tests/host/check.h
	$(call msg,HOSTCC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) -std=gnu11 -O1 -g $(WARN) -fsanitize=address,undefined \
		-fno-sanitize-recover=all -fno-omit-frame-pointer -D_GNU_SOURCE \
		-Iinclude $(SYSCALL_INC) -Itests/host -o $@ \
		tests/host/sp/test_auth_server.c $(KERNEL_SRCS) $(POSIX_SRCS) \
		-lpthread

test-host: $(O)/host/tests/sp/test_auth_server

# librumpclient's key handshake against rump_server -k (test_auth_client.c).
$(O)/host/tests/sp/test_auth_client: tests/host/sp/test_auth_client.c \
		tests/host/sp/test_client_util.c tests/host/sp/test_client.h \
		sp/sp_proto.h $(O)/host/lib/librumpclient-san.a \
		$(wildcard include/rump/*.h) tests/host/check.h | \
		$(O)/host/bin/rump_server
	$(call msg,HOSTCC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) -std=gnu11 -O1 -g $(WARN) -fsanitize=address,undefined \
		-fno-sanitize-recover=all -fno-omit-frame-pointer -D_GNU_SOURCE \
		-Iinclude -Itests/host -pthread -o $@ tests/host/sp/test_auth_client.c \
		tests/host/sp/test_client_util.c $(O)/host/lib/librumpclient-san.a

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

# ext2 through mount(2) and the file system calls (test_ext2_syscalls.c):
# built once kern.h includes the VFS interface (kernel/vnode.h), which
# ext2_vnode.c implements.
ifneq ($(shell grep -l '^\#include "vnode.h"' kernel/kern.h 2>/dev/null),)
$(O)/host/tests/kernel/test_ext2_syscalls: tests/host/kernel/test_ext2_syscalls.c $(KERNEL_SRCS) \
		$(SYSCALL_GEN) $(POSIX_SRCS) $(wildcard kernel/*.h) $(KERNEL_FS_HDRS) \
		$(wildcard include/rump/*.h) tests/host/check.h
	$(call msg,HOSTCC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) -std=gnu11 -O1 -g $(WARN) -fsanitize=address,undefined \
		-fno-sanitize-recover=all -fno-omit-frame-pointer -D_GNU_SOURCE \
		-Iinclude $(SYSCALL_INC) -Itests/host -o $@ tests/host/kernel/test_ext2_syscalls.c \
		$(KERNEL_SRCS) $(POSIX_SRCS) -lpthread

test-host: $(O)/host/tests/kernel/test_ext2_syscalls
endif
