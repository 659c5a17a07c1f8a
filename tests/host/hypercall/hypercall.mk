# Host tests of hypercall/ (this folder mirrors it): the cooperative
# scheduler and locks of hypercall/ run natively (test_coop), and the POSIX
# backend of hypercall/posix/ (posix/test_posix); both also run the shared
# synchronisation cases of tests/hypercall/.
SYNC_CASES := tests/hypercall/sync_cases.c tests/hypercall/sync_cases.h
COOP_SRCS := tests/host/hypercall/test_coop.c tests/host/hypercall/coop_host.c \
	hypercall/sched.c hypercall/sync.c hypercall/rumpuser_threads.c hypercall/switch.S
COOP_CFLAGS := $(HOST_SAN_CFLAGS) -DPLAT_HOST_BUILD -DCONFIG_DEBUG_ASSERTS \
	-Iplatform/x86/include -Ihypercall/include -Iinclude -Itests/hypercall

$(O)/host/tests/hypercall/test_coop: $(COOP_SRCS) $(SYNC_CASES) \
		$(wildcard hypercall/include/hyp/*.h)
	$(call hostld,$(COOP_CFLAGS),$(COOP_SRCS))

# The backend's own tests, its sources (POSIX_SRCS, hypercall/posix/build.mk)
# compiled in under the sanitizers.
$(O)/host/tests/hypercall/posix/test_posix: tests/host/hypercall/posix/test_posix.c \
		$(POSIX_SRCS) $(SYNC_CASES) tests/host/check.h \
		$(wildcard hypercall/posix/*.h) $(wildcard include/rump/*.h)
	$(call hostld,$(HOST_SAN_CFLAGS) -Iinclude -Itests/host -Itests/hypercall,tests/host/hypercall/posix/test_posix.c $(POSIX_SRCS) -lpthread)

test-host: $(O)/host/tests/hypercall/test_coop $(O)/host/tests/hypercall/posix/test_posix

# make bench: the scheduler micro-benchmarks natively (optimised, no sanitizers).
BENCH_HOST_SRCS := bench/sched/host.c tests/host/hypercall/coop_host.c \
	hypercall/sched.c hypercall/sync.c hypercall/rumpuser_threads.c hypercall/switch.S
$(O)/host/bench/sched: $(BENCH_HOST_SRCS) bench/sched/cases.c $(wildcard hypercall/include/hyp/*.h)
	$(call hostld,$(HOST_OPT_CFLAGS) -DPLAT_HOST_BUILD -Iplatform/x86/include -Ihypercall/include -Iinclude -Ibench/sched,$(BENCH_HOST_SRCS) -lpthread)
