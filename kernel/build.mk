# The rump kernel (kernel/): its sources, in the image and in
# build/host/lib/librump.a, listed here only (kernel/net/build.mk lists the
# network's; kernel/fs/ holds the disk file systems). Add a new kernel
# source file to KERNEL_SRCS.
KERNEL_SRCS := $(wildcard kernel/*.c kernel/fs/*.c kernel/fs/ext2/*.c)
kernel-$(CONFIG_RUMP_KERNEL) += $(KERNEL_SRCS)

# The kernel's own folder is on its include path, so that kernel/fs/ and
# kernel/net/ name kernel headers as "kern.h", "blk.h", "fs/buf.h"; still
# no platform or hypercall header (KERNEL_CFLAGS). The host builds
# (librump, the fuzzers, the white-box tests) add the same KERNEL_INC.
KERNEL_INC := -Ikernel
KERNEL_CFLAGS += $(KERNEL_INC)
host-inc-kernel = $(KERNEL_INC)

$(O)/kernel/%.o: kernel/%.c $(CONFIG_H) $(SYSCALL_GEN) | $(NEWLIB_LIBC)
	$(call cc,$(KERNEL_CFLAGS))

# The kernel's system call tables, made from kernel/syscalls.master by
# scripts/gensyscalls: RUMP_SYS_* numbers, the rump_sys_*() stubs (with
# their NetBSD rump___sysimpl_* aliases) and the dispatch table. Every
# build that compiles kernel/syscall.c or kernel/rump_syscalls.c (image,
# librump, librumpclient, the host tests) includes them with $(SYSCALL_INC)
# and lists $(SYSCALL_GEN) as a prerequisite.
SYSCALL_GEN_DIR := $(O)/include/generated
SYSCALL_GEN := $(SYSCALL_GEN_DIR)/rump_sysnum.h $(SYSCALL_GEN_DIR)/sysent.h \
	$(SYSCALL_GEN_DIR)/syscall_stubs.h
SYSCALL_INC := -I$(SYSCALL_GEN_DIR)

$(SYSCALL_GEN) &: kernel/syscalls.master scripts/gensyscalls \
		include/rump/rump_syscalls.h kernel/rump_syscalls.c
	$(call msg,GEN,$(SYSCALL_GEN_DIR)/ syscall tables)
	$(Q)$(PYTHON) scripts/gensyscalls kernel/syscalls.master \
		include/rump/rump_syscalls.h kernel/rump_syscalls.c $(SYSCALL_GEN_DIR)

# doc/syscalls.md, the coverage table, is made from the same list; make
# test fails when the committed copy is not current.
.PHONY: doc
doc:
	$(Q)$(PYTHON) scripts/gensyscalls --doc kernel/syscalls.master > doc/syscalls.md

$(O)/host/tests/kernel/syscalls_doc: kernel/syscalls.master scripts/gensyscalls
	$(Q)mkdir -p $(dir $@)
	$(Q)printf '%s\n' '#!/bin/sh' \
		'# doc/syscalls.md matches kernel/syscalls.master (make doc remakes it).' \
		'cd "$(CURDIR)" || exit 1' \
		'if $(PYTHON) scripts/gensyscalls --doc kernel/syscalls.master | cmp -s - doc/syscalls.md; then' \
		'	echo "PASS syscalls_doc_is_current"; echo "1 passed, 0 failed"' \
		'else echo "FAIL syscalls_doc_is_current: run make doc"; echo "0 passed, 1 failed"; exit 1; fi' > $@
	$(Q)chmod +x $@

test-host: $(O)/host/tests/kernel/syscalls_doc
