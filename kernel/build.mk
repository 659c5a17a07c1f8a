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
