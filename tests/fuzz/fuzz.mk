# libFuzzer targets (tests/fuzz/README.md), built with Debian's clang under
# ASan and UBSan:
#   make fuzz [FUZZ_TIME=seconds]   each target for that long (default 60)
#   make test-fuzz                  a fixed number of runs each (make test):
#                                   FUZZ_RUNS, FUZZ_SP_RUNS for fuzz_sp
FUZZ_CC := clang-14
FUZZ_TIME ?= 60
FUZZ_RUNS ?= 20000
# The server target is about twenty times slower per input (threads, and
# waiting for the server to settle between chunks).
FUZZ_SP_RUNS ?= 2000
FUZZ_BIN := $(O)/host/fuzz
FUZZ_TARGETS := fuzz_sp fuzz_syscall
# The fuzz flavour of the host build: the layers' own source lists
# (KERNEL_SRCS, LWPROC_SRCS, POSIX_SRCS, SP_SRCS) and their include paths
# (host-inc, hypercall/posix/build.mk), compiled once into objects of its
# own with clang's fuzzer instrumentation beside the host build's
# sanitizers; only the targets' link adds libFuzzer's main. Pointer
# overflow is reported and goes on (tests/fuzz/README.md).
FUZZ_OBJ := $(O)/host/fuzz-obj
FUZZ_CFLAGS = $(HOST_SAN_CFLAGS) -fsanitize-recover=pointer-overflow \
	-fsanitize=fuzzer-no-link -Iinclude $(SYSCALL_INC) -MMD -MP
FUZZ_LDFLAGS = $(HOST_SAN_CFLAGS) -fsanitize-recover=pointer-overflow \
	-fsanitize=fuzzer -Wl,--wrap=rumpuser_putchar -Wl,--wrap=rumpuser_dprintf
fuzz-objs = $(patsubst %.c,$(FUZZ_OBJ)/%.o,$(1))
FUZZ_COMMON := tests/fuzz/fuzz_reset.c tests/fuzz/fuzz_quiet.c \
	tests/fuzz/fuzz_known.c $(KERNEL_SRCS) $(LWPROC_SRCS) $(POSIX_SRCS)

fuzz-src-fuzz_sp := tests/fuzz/fuzz_sp.c tests/fuzz/fuzz_sp_transport.c $(SP_SRCS)
# It counts the threads asleep in the kernel (fuzz_sp_transport.c).
fuzz-ld-fuzz_sp := -Wl,--wrap=posix_unsched -Wl,--wrap=posix_sched
# The system call target stands in for the server's copy hypercalls itself.
fuzz-src-fuzz_syscall := tests/fuzz/fuzz_syscall.c

$(FUZZ_OBJ)/%.o $(FUZZ_BIN)/%: CC := $(FUZZ_CC)
# The targets see the kernel's and the server's private headers.
$(FUZZ_OBJ)/tests/fuzz/%.o: host-inc = $(LWPROC_INC) $(SP_INC) -Itests/fuzz
$(FUZZ_OBJ)/%.o: %.c | $(SYSCALL_GEN)
	$(call hostcc,$(FUZZ_CFLAGS) $(host-inc))

define fuzz_rule
$(FUZZ_BIN)/$(1): $$(call fuzz-objs,$$(fuzz-src-$(1)) $$(FUZZ_COMMON))
	$$(call hostld,$$(FUZZ_LDFLAGS) $$(fuzz-ld-$(1)),$$^ -lpthread)
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_rule,$(t))))

.PHONY: fuzz test-fuzz fuzz-corpus
fuzz-corpus:
	$(Q)$(PYTHON) tests/fuzz/mkcorpus.py tests/fuzz/corpus

# A campaign: new inputs go to $(O)/fuzz/corpus/TARGET, findings to
# $(O)/fuzz/findings/TARGET; the seeds in the tree stay as they are.
# clang comes from scripts/deps, which runs first (as in make test).
fuzz:
	$(Q)scripts/deps
	$(Q)$(MAKE) --no-print-directory $(addprefix $(FUZZ_BIN)/,$(FUZZ_TARGETS))
	$(Q)scripts/run-fuzz --time $(FUZZ_TIME) --work $(O)/fuzz \
		$(addprefix $(FUZZ_BIN)/,$(FUZZ_TARGETS))

test-fuzz: $(addprefix $(FUZZ_BIN)/,$(FUZZ_TARGETS))
	$(Q)scripts/run-fuzz --runs $(FUZZ_RUNS) --runs-for fuzz_sp=$(FUZZ_SP_RUNS) \
		--work $(O)/fuzz $(if $(COUNTS),--counts $(COUNTS)) $^
