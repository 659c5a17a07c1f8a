# The cooperative scheduler and locks of hypercall/, run natively on the host.
COOP_SRCS := tests/host/sched/test_coop.c tests/host/sched/coop_host.c \
	hypercall/sched.c hypercall/sync.c hypercall/rumpuser_threads.c hypercall/switch.S
COOP_CFLAGS := $(HOST_SAN_CFLAGS) -DPLAT_HOST_BUILD -DCONFIG_DEBUG_ASSERTS \
	-Iplatform/x86/include -Ihypercall/include -Iinclude

$(O)/host/tests/sched/test_coop: $(COOP_SRCS) tests/hypercall/sync_cases.c \
		tests/hypercall/sync_cases.h $(wildcard hypercall/include/hyp/*.h)
	$(call hostld,$(COOP_CFLAGS),$(COOP_SRCS))

test-host: $(O)/host/tests/sched/test_coop

# make bench: the scheduler micro-benchmarks natively (optimised, no sanitizers).
BENCH_HOST_SRCS := bench/sched/host.c tests/host/sched/coop_host.c \
	hypercall/sched.c hypercall/sync.c hypercall/rumpuser_threads.c hypercall/switch.S
$(O)/host/bench/sched: $(BENCH_HOST_SRCS) bench/sched/cases.c $(wildcard hypercall/include/hyp/*.h)
	$(call hostld,$(HOST_OPT_CFLAGS) -DPLAT_HOST_BUILD -Iplatform/x86/include -Ihypercall/include -Iinclude -Ibench/sched,$(BENCH_HOST_SRCS) -lpthread)
