# rump_lwproc(3) (lwproc/): which lwp a host thread runs as, entering and
# leaving the kernel, implicit contexts. Above the kernel: it uses the
# kernel's processes and lwps through kernel/kern.h (LWPROC_INC), and the
# kernel's own threads enter through its rump_schedule(). The same sources
# go into the image and into build/host/lib/librump.a.
LWPROC_SRCS := lwproc/lwproc.c lwproc/rump_lwproc.c
LWPROC_INC := -Ikernel
lwproc-$(CONFIG_RUMP_LWPROC) += $(LWPROC_SRCS)

$(O)/lwproc/%.o: lwproc/%.c $(CONFIG_H) $(SYSCALL_GEN) | $(NEWLIB_LIBC)
	$(call cc,$(KERNEL_CFLAGS) $(LWPROC_INC))
