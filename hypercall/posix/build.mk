# The POSIX (pthread) rumpuser backend, and the host build of the kernel on
# it: build/host/lib/librump.a is this backend with the kernel's, lwproc's
# and the rump_sp server's sources, each listed by its own build.mk
# (KERNEL_SRCS, LWPROC_SRCS, SP_SRCS). librump-san.a is the same under
# ASan and UBSan, for the host tests.
POSIX_SRCS := $(wildcard hypercall/posix/*.c)
POSIX_CFLAGS = $(HOST_OPT_CFLAGS) -fPIC -Iinclude $(SYSCALL_INC)
LIBRUMP_SRCS = $(POSIX_SRCS) $(KERNEL_SRCS) $(LWPROC_SRCS) $(SP_SRCS) $(HOSTNET_SRCS)
LIBRUMP_CFLAGS = $(POSIX_CFLAGS) $(HOSTNET_DEFS) -MMD -MP
LIBRUMP_SAN_CFLAGS = $(HOST_SAN_CFLAGS) $(HOSTNET_DEFS) -Iinclude $(SYSCALL_INC) -MMD -MP
# A layer's own extra include directories, by its top folder.
host-inc-lwproc = $(LWPROC_INC)
host-inc = $(host-inc-$(firstword $(subst /, ,$<)))

$(O)/host/librump/%.o: %.c | $(SYSCALL_GEN)
	$(call hostcc,$(LIBRUMP_CFLAGS) $(host-inc))
$(O)/host/librump-san/%.o: %.c | $(SYSCALL_GEN)
	$(call hostcc,$(LIBRUMP_SAN_CFLAGS) $(host-inc))

$(O)/host/lib/librump.a: $(patsubst %.c,$(O)/host/librump/%.o,$(LIBRUMP_SRCS))
	$(call msg,AR,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

$(O)/host/lib/librump-san.a: $(patsubst %.c,$(O)/host/librump-san/%.o,$(LIBRUMP_SRCS))
	$(call msg,AR,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

all: $(if $(CONFIG_HOST_LIBRUMP),$(O)/host/lib/librump.a)

# Its tests: tests/host/hypercall/hypercall.mk.
