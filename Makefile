# rumpimg: bare-metal rump kernel image.
#   make              build build/rumpimg.elf and build/rumpimg.iso
#   make run          boot the image under QEMU, console on this terminal
#   make test         host unit tests, QEMU boot tests, manual page lint,
#                     fuzz targets (a fixed number of runs)
#   make fuzz         the fuzz targets for FUZZ_TIME seconds each (default 60)
#   make bench        boot-time and size figures beside their baselines
#   make format       rewrites every C file and header by .clang-format
#   make menuconfig | defconfig | savedefconfig | debug | clean
# O=DIR puts outputs elsewhere (default build); V=1 prints full commands.

O ?= build
KCONFIG_CONFIG ?= .config
export KCONFIG_CONFIG
PYTHON := /usr/bin/python3
VERSION := 0.1

ifeq ($(V),1)
Q :=
msg = @true
else
Q := @
msg = @printf '  %-8s %s\n' '$(1)' '$(2)'
endif

.DEFAULT_GOAL := all
.SUFFIXES:
.DELETE_ON_ERROR:

# ---- configuration ---------------------------------------------------------

KCONFIG_FILES := $(shell find . -name Kconfig -not -path './build/*' -not -path './$(O)/*')
CONFIG_H := $(O)/include/generated/config.h
AUTO_CONF := $(O)/include/generated/auto.conf

$(KCONFIG_CONFIG):
	$(call msg,DEFCONF,$@ from configs/defconfig)
	$(Q)mkdir -p $(dir $@)
	$(Q)scripts/deps --kconfig
	$(Q)$(PYTHON) -m defconfig --kconfig Kconfig configs/defconfig >/dev/null

$(CONFIG_H) $(AUTO_CONF) &: $(KCONFIG_CONFIG) $(KCONFIG_FILES)
	$(call msg,GEN,$(CONFIG_H))
	$(Q)mkdir -p $(dir $(CONFIG_H))
	$(Q)$(PYTHON) -m genconfig --header-path $(CONFIG_H) --config-out $(AUTO_CONF) Kconfig >/dev/null
	$(Q)touch $(CONFIG_H) $(AUTO_CONF)

ifeq ($(filter menuconfig defconfig savedefconfig clean deps,$(MAKECMDGOALS)),)
-include $(AUTO_CONF)
endif

.PHONY: menuconfig defconfig savedefconfig
menuconfig:
	$(Q)scripts/deps --kconfig
	$(Q)$(PYTHON) -m menuconfig Kconfig
defconfig:
	$(Q)scripts/deps --kconfig
	$(Q)$(PYTHON) -m defconfig --kconfig Kconfig configs/defconfig
savedefconfig:
	$(Q)$(PYTHON) -m savedefconfig --kconfig Kconfig --out defconfig
	@echo "wrote defconfig (copy it to configs/ to make it the default)"

# ---- flags ----------------------------------------------------------------

CC := gcc
LD := ld
GCC_INC := $(shell $(CC) -print-file-name=include)
LIBGCC := $(shell $(CC) -print-libgcc-file-name)

# Every flag set is defined here, once; the build.mk files use them.
WARN := -Wall -Wextra -Werror
# Each function and object in a section of its own: rumpimg-cc links with
# --gc-sections, so an appliance carries only the code it can reach.
GC_CFLAGS := -ffunction-sections -fdata-sections
# newlib, built once for every output directory (scripts/build-newlib).
NEWLIB_DIR := build/newlib
NEWLIB_INC := $(NEWLIB_DIR)/install/x86_64-elf/include
NEWLIB_LIBC := $(NEWLIB_DIR)/install/x86_64-elf/lib/libc.a
# The image's code generation, for every layer in it: no red zone
# (interrupts share the stack), frame pointers kept for backtraces.
IMG_CODEGEN := -std=gnu11 -O2 -g $(WARN) $(GC_CFLAGS) \
	-fno-stack-protector -fno-pie -fno-pic -mno-red-zone -mcmodel=small \
	-fno-omit-frame-pointer -mno-omit-leaf-frame-pointer \
	-fno-asynchronous-unwind-tables -MMD -MP -include $(CONFIG_H)
# The platform and the hypercall layer: freestanding, their own headers.
IMG_CFLAGS := $(IMG_CODEGEN) -ffreestanding -nostdinc -isystem $(GCC_INC) \
	-Iplatform/x86/include -Ihypercall/include -Iinclude -DRUMPIMG_VERSION='"$(VERSION)"'
# The kernel and the layers above it (lwproc/, sp/): newlib's headers for
# their C library needs, the public headers, and neither platform/ nor
# hypercall/ on the include path, so a platform header there does not
# compile (doc/design.md). SYSCALL_INC comes from kernel/build.mk.
KERNEL_CFLAGS = $(IMG_CODEGEN) -nostdinc -isystem $(NEWLIB_INC) -isystem $(GCC_INC) \
	-Iinclude $(SYSCALL_INC)
# Programs inside the image and their C library glue: newlib's headers,
# never the host's, and the hypercall extensions they call.
APP_CFLAGS = $(IMG_CODEGEN) -nostdinc -isystem $(NEWLIB_INC) -isystem $(GCC_INC) \
	-Ihypercall/include -Iinclude -Iplatform/x86/include $(SYSCALL_INC)
# Host builds (librump.a, librumpclient, tools, tests): tests run under
# ASan and UBSan, libraries and tools optimised.
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
HOST_SAN_CFLAGS := -std=gnu11 -O1 -g $(WARN) $(SAN_FLAGS) -D_GNU_SOURCE
HOST_OPT_CFLAGS := -std=gnu11 -O2 -g $(WARN) -D_GNU_SOURCE

# The compile and link recipes, once: $(call cc,FLAGS) compiles $< to $@
# (image objects), $(call hostcc,FLAGS) the same for host objects, and
# $(call hostld,FLAGS,INPUTS) links a host program $@.
define cc
	$(call msg,$(if $(filter %.S,$<),AS,CC),$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(1) -c $< -o $@
endef
define hostcc
	$(call msg,HOSTCC,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(1) -c $< -o $@
endef
define hostld
	$(call msg,HOSTCC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(1) -o $@ $(2)
endef
# The platform never touches SSE registers: interrupt handlers need not save them.
PLAT_CFLAGS := -mgeneral-regs-only
# --gc-sections: the image carries only the code it can reach (every object
# is built with GC_CFLAGS; kernel.ld KEEPs the tables found by section).
IMG_LDFLAGS := -nostdlib -static -z max-page-size=0x1000 -z noexecstack \
	--no-warn-rwx-segments --gc-sections -T platform/x86/kernel.ld

# ---- objects ----------------------------------------------------------------

plat-y :=
hyp-y :=
app-y :=
kernel-y :=
lwproc-y :=
sp-y :=
tests-y :=
apptests-y :=
lwip-y :=
include kernel/build.mk
include lwproc/build.mk
include sp/build.mk
include platform/x86/build.mk
include hypercall/build.mk
include apps/build.mk
include kernel/net/build.mk
include tests/qemu/build.mk

IMG_OBJS := $(addprefix $(O)/,$(plat-y:.c=.o) $(hyp-y:.c=.o))
IMG_OBJS := $(IMG_OBJS:.S=.o)
TEST_OBJS := $(addprefix $(O)/,$(tests-y:.c=.o) $(apptests-y:.c=.o))
APP_OBJS := $(addprefix $(O)/,$(app-y:.c=.o) $(kernel-y:.c=.o) $(lwproc-y:.c=.o) $(sp-y:.c=.o))
APP_OBJS += $(addprefix $(O)/kernel/net/lwip/,$(lwip-y:.c=.o))

IMG_LIBS := $(if $(CONFIG_LIBC_NEWLIB),$(NEWLIB_LIBC)) $(LIBGCC)

# The C library glue implements the POSIX headers of apps/include (which
# programs get from rumpimg-cc): it sees them before newlib's.
$(O)/apps/libc/%.o: APP_CFLAGS = $(IMG_CODEGEN) -nostdinc -isystem apps/include \
	-isystem $(NEWLIB_INC) -isystem $(GCC_INC) -Ihypercall/include -Iinclude \
	-Iplatform/x86/include $(SYSCALL_INC)

$(NEWLIB_LIBC): scripts/build-newlib
	$(Q)scripts/build-newlib $(NEWLIB_DIR)

$(O)/apps/%.o: apps/%.c $(CONFIG_H) $(SYSCALL_GEN) | $(NEWLIB_LIBC)
	$(call cc,$(APP_CFLAGS))

$(O)/tests/qemu/apps/%.o: tests/qemu/apps/%.c $(CONFIG_H) $(SYSCALL_GEN) | $(NEWLIB_LIBC)
	$(call cc,$(APP_CFLAGS) -Iplatform/x86/include -Itests/host)

$(O)/platform/%.o: platform/%.c $(CONFIG_H)
	$(call cc,$(IMG_CFLAGS) $(PLAT_CFLAGS))

$(O)/platform/%.o: platform/%.S $(CONFIG_H)
	$(call cc,$(IMG_CFLAGS))

# The hypercall layer may use SSE (the kernel above it will), except where
# interrupt handlers run its code: waking a thread (sched.c) and the
# network notifier (net.c). Interrupt entry does not save SSE registers.
$(O)/hypercall/sched.o $(O)/hypercall/sched_md_x86.o $(O)/hypercall/net.o: IMG_CFLAGS += -mgeneral-regs-only
$(O)/hypercall/%.o: hypercall/%.c $(CONFIG_H)
	$(call cc,$(IMG_CFLAGS))

$(O)/hypercall/%.o: hypercall/%.S $(CONFIG_H)
	$(call cc,$(IMG_CFLAGS))

$(O)/tests/%.o: tests/%.c $(CONFIG_H)
	$(call cc,$(IMG_CFLAGS) $(PLAT_CFLAGS))

ALL_IMG_OBJS := $(IMG_OBJS) $(APP_OBJS) $(TEST_OBJS)

# Two link passes: the first with an empty symbol table, the second with the
# table generated from the first. .ksyms lies after .data, so no code or data
# moves; the check below proves it.
$(O)/ksyms0.S:
	$(Q)mkdir -p $(dir $@)
	$(Q)printf '\t.section .ksyms, "a"\n\t.balign 16\n\t.globl ksyms_count, ksyms_table, ksyms_strings\nksyms_count:\n\t.quad 0\nksyms_table:\nksyms_strings:\n' > $@

$(O)/%.ksyms.o: $(O)/%.S
	$(Q)$(CC) -c $< -o $@

$(O)/rumpimg.pass1.elf: $(ALL_IMG_OBJS) $(O)/ksyms0.ksyms.o platform/x86/kernel.ld $(filter-out $(LIBGCC),$(IMG_LIBS))
	$(call msg,LD,$@)
	$(Q)$(LD) $(IMG_LDFLAGS) -o $@ $(ALL_IMG_OBJS) $(O)/ksyms0.ksyms.o --start-group $(IMG_LIBS) --end-group

$(O)/ksyms.S: $(O)/rumpimg.pass1.elf scripts/mksyms
	$(call msg,KSYMS,$@)
	$(Q)scripts/mksyms $< > $@

$(O)/rumpimg.elf: $(ALL_IMG_OBJS) $(O)/ksyms.ksyms.o platform/x86/kernel.ld $(filter-out $(LIBGCC),$(IMG_LIBS))
	$(call msg,LD,$@)
	$(Q)$(LD) $(IMG_LDFLAGS) -o $@ $(ALL_IMG_OBJS) $(O)/ksyms.ksyms.o --start-group $(IMG_LIBS) --end-group
	$(Q)nm -n $(O)/rumpimg.pass1.elf | awk '$$2 ~ /^[tTrRdD]$$/ && $$3 !~ /^(ksyms_|_load_end$$|_end$$|_bss_)/' > $(O)/syms.pass1
	$(Q)nm -n $@ | awk '$$2 ~ /^[tTrRdD]$$/ && $$3 !~ /^(ksyms_|_load_end$$|_end$$|_bss_)/' > $(O)/syms.pass2
	$(Q)cmp -s $(O)/syms.pass1 $(O)/syms.pass2 || \
		{ echo "error: symbols moved between link passes (see $(O)/syms.pass*)"; exit 1; }

$(O)/rumpimg.iso: $(O)/rumpimg.elf scripts/mkiso
	$(call msg,ISO,$@)
	$(Q)scripts/mkiso $< $@ ""

.PHONY: all FORCE
FORCE:
all: $(O)/rumpimg.elf $(O)/rumpimg.iso $(O)/bin/rumpimg-cc

# ---- the appliance toolchain: build/bin/rumpimg-cc ---------------------------

# Everything of the image but its workload: the program comes from
# rumpimg-cc's command line and apps/libc/crt.c calls its main().
# Without CONFIG_TESTS nothing calls the in-image test cases: left out.
LIB_OBJS := $(filter-out $(O)/apps/hello/hello.o $(O)/apps/spserver/spserver.o \
	$(O)/tests/qemu/apps/test_spserver.o $(if $(CONFIG_TESTS),,$(TEST_OBJS)),$(ALL_IMG_OBJS))
RUMPIMG_CFLAGS := -std=gnu11 -O2 -g $(GC_CFLAGS) -nostdinc -isystem $(abspath apps/include) \
	-isystem $(abspath $(NEWLIB_INC)) -isystem $(GCC_INC) -isystem $(abspath include) \
	-fno-stack-protector -fno-pie -fno-pic -mno-red-zone -mcmodel=small \
	-fno-omit-frame-pointer -mno-omit-leaf-frame-pointer \
	-fno-asynchronous-unwind-tables -D__rumpimg__
RUMPIMG_LIBS := $(abspath $(NEWLIB_LIBC) $(dir $(NEWLIB_LIBC))libm.a) $(LIBGCC)

# The archive's member list, rewritten only when it changes: a .config
# that drops an object (or a build.mk that renames one) makes the archive
# stale although every member left is older than it.
$(O)/lib/librumpimg.objs: FORCE
	$(Q)mkdir -p $(dir $@)
	$(Q)printf '%s\n' $(LIB_OBJS) > $@.tmp
	$(Q)if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv -f $@.tmp $@; fi

$(O)/lib/librumpimg.a: $(LIB_OBJS) $(O)/lib/librumpimg.objs
	$(call msg,AR,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)rm -f $@ && ar rcs $@ $(LIB_OBJS)

$(O)/lib/crt0.o: apps/libc/crt.c $(CONFIG_H) | $(NEWLIB_LIBC)
	$(call cc,$(APP_CFLAGS))

$(O)/lib/ksyms0.o: $(O)/ksyms0.ksyms.o
	$(Q)mkdir -p $(dir $@) && cp $< $@
$(O)/lib/kernel.ld: platform/x86/kernel.ld
	$(Q)mkdir -p $(dir $@) && cp $< $@
$(O)/lib/mksyms: scripts/mksyms
	$(Q)mkdir -p $(dir $@) && cp $< $@
$(O)/lib/config: $(KCONFIG_CONFIG)
	$(Q)mkdir -p $(dir $@) && grep '^CONFIG_' $< > $@

$(O)/bin/rumpimg-cc: scripts/rumpimg-cc.in $(O)/lib/librumpimg.a $(O)/lib/crt0.o \
		$(O)/lib/ksyms0.o $(O)/lib/kernel.ld $(O)/lib/mksyms $(O)/lib/config
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)sed -e 's|@LIB@|$(abspath $(O)/lib)|' -e 's|@CONFIG@|$(abspath $(KCONFIG_CONFIG))|' \
		-e 's|@CFLAGS@|$(RUMPIMG_CFLAGS)|' -e 's|@LIBS@|$(RUMPIMG_LIBS)|' $< > $@.tmp
	$(Q)chmod +x $@.tmp && mv $@.tmp $@

# ---- running ----------------------------------------------------------------

.PHONY: run debug deps
deps:
	$(Q)scripts/deps
# The server appliance gets its port forwarded from the host's 127.0.0.1.
RUN_SP := $(if $(CONFIG_APP_SPSERVER),--sp-port $(CONFIG_APP_SPSERVER_PORT))
run:
	$(Q)scripts/deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)scripts/run-qemu $(RUN_SP) $(O)/rumpimg.elf $(RUNFLAGS)
debug:
	$(Q)scripts/deps --debug
	$(Q)$(MAKE) --no-print-directory all
	$(Q)scripts/run-qemu --gdb-wait $(O)/rumpimg.elf $(RUNFLAGS) & \
	  sleep 0.5; gdb -q -x scripts/gdbinit $(O)/rumpimg.elf; kill $$! 2>/dev/null; wait

# ---- tests and benchmarks -----------------------------------------------------

include kernel/net/host.mk
include hypercall/posix/build.mk
include tests/host/build.mk
include tests/host/hypercall/hypercall.mk
include tests/host/kernel/kernel.mk
include tests/host/net/net.mk
include client/build.mk
include man/build.mk
include tests/fuzz/fuzz.mk

TEST_O := $(O)/test
# make bench's image without the network (the hello-world size figure).
NONET_O := $(O)/bench/nonet
# A key or user in the caller's environment would change every rump_server
# the tests start (doc/rump_sp-auth.md); the key tests set their own.
unexport RUMP_SP_KEY RUMP_SP_KEYFILE RUMP_SP_CRED
.PHONY: test test-host test-qemu test-nosp test-appliance bench
test:
	$(Q)scripts/deps
	$(Q)rm -f $(O)/test-counts
	$(Q)$(MAKE) --no-print-directory test-host COUNTS=$(abspath $(O))/test-counts || true
	$(Q)$(MAKE) --no-print-directory test-qemu COUNTS=$(abspath $(O))/test-counts || true
	$(Q)$(MAKE) --no-print-directory test-nosp COUNTS=$(abspath $(O))/test-counts || true
	$(Q)$(MAKE) --no-print-directory test-appliance COUNTS=$(abspath $(O))/test-counts || true
	$(Q)$(MAKE) --no-print-directory test-man COUNTS=$(abspath $(O))/test-counts || true
	$(Q)$(MAKE) --no-print-directory test-fuzz COUNTS=$(abspath $(O))/test-counts || true
	$(Q)$(MAKE) --no-print-directory test-format COUNTS=$(abspath $(O))/test-counts || true
	$(Q)scripts/test-total $(O)/test-counts

# The layout of every C file and header against .clang-format
# (scripts/format-check); `make format` rewrites them to match.
.PHONY: test-format format
test-format:
	$(Q)scripts/format-check $(if $(COUNTS),--counts $(COUNTS))
format:
	$(Q)scripts/deps
	$(Q)scripts/format-check --fix

# The image's rump_sp case runs these host programs against it.
test-qemu: $(O)/host/tests/sp/test_client $(O)/host/tests/sp/sock_echo $(O)/host/tests/sp/mem_client \
		$(O)/host/tests/sp/reconnect $(O)/host/tests/sp/test_auth_client \
		$(O)/host/tests/sp/disk_client
	$(Q)mkdir -p $(TEST_O)
	$(Q)test -f $(TEST_O)/.config || \
		KCONFIG_CONFIG=$(TEST_O)/.config $(PYTHON) -m defconfig --kconfig Kconfig configs/test_defconfig >/dev/null
	$(Q)$(MAKE) --no-print-directory O=$(TEST_O) KCONFIG_CONFIG=$(TEST_O)/.config all
	$(Q)$(PYTHON) tests/qemu/run.py --image $(TEST_O)/rumpimg.elf --build $(O) $(if $(COUNTS),--counts $(COUNTS)) $(TESTFLAGS)

# An image without the rump_sp server (configs/nosp_defconfig) links no
# sp/ code, boots and runs kernel cases (tests/qemu/nosp.py).
NOSP_O := $(O)/nosp
test-nosp:
	$(Q)mkdir -p $(NOSP_O)
	$(Q)test -f $(NOSP_O)/.config || \
		KCONFIG_CONFIG=$(NOSP_O)/.config $(PYTHON) -m defconfig --kconfig Kconfig configs/nosp_defconfig >/dev/null
	$(Q)$(MAKE) --no-print-directory O=$(NOSP_O) KCONFIG_CONFIG=$(NOSP_O)/.config $(NOSP_O)/rumpimg.elf
	$(Q)$(PYTHON) tests/qemu/nosp.py --image $(NOSP_O)/rumpimg.elf $(if $(COUNTS),--counts $(COUNTS))

# Programs built out of the tree with rumpimg-cc (the current .config).
test-appliance: all
	$(Q)$(PYTHON) tests/appliance/run.py --cc $(O)/bin/rumpimg-cc $(if $(COUNTS),--counts $(COUNTS)) $(TESTFLAGS)

bench:
	$(Q)scripts/deps
	$(Q)$(MAKE) --no-print-directory all $(O)/host/bench/sched $(O)/host/bench/kernel \
		$(O)/host/bench/sp $(O)/host/bench/storage
	$(Q)mkdir -p $(TEST_O)
	$(Q)test -f $(TEST_O)/.config || \
		KCONFIG_CONFIG=$(TEST_O)/.config $(PYTHON) -m defconfig --kconfig Kconfig configs/test_defconfig >/dev/null
	$(Q)$(MAKE) --no-print-directory O=$(TEST_O) KCONFIG_CONFIG=$(TEST_O)/.config all
	$(Q)mkdir -p $(NONET_O)
	$(Q)test -f $(NONET_O)/.config || \
		KCONFIG_CONFIG=$(NONET_O)/.config $(PYTHON) -m defconfig --kconfig Kconfig bench/nonet_defconfig >/dev/null
	$(Q)$(MAKE) --no-print-directory O=$(NONET_O) KCONFIG_CONFIG=$(NONET_O)/.config $(NONET_O)/bin/rumpimg-cc
	$(Q)$(PYTHON) bench/run.py --image $(O)/rumpimg.elf --build $(O) --test-image $(TEST_O)/rumpimg.elf \
		--cc $(O)/bin/rumpimg-cc --nonet-cc $(NONET_O)/bin/rumpimg-cc $(BENCHFLAGS)

.PHONY: clean
clean:
	rm -rf $(O)

-include $(shell find $(O) -name '*.d' 2>/dev/null)
