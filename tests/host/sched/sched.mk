# The cooperative scheduler and locks of hypercall/, run natively on the host.
COOP_SRCS := tests/host/sched/test_coop.c tests/host/sched/coop_host.c \
	hypercall/sched.c hypercall/sync.c hypercall/rumpuser_threads.c hypercall/switch.S
COOP_CFLAGS := -std=gnu11 -O1 -g $(WARN) -fsanitize=address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer -DPLAT_HOST_BUILD \
	-DCONFIG_DEBUG_ASSERTS -D_GNU_SOURCE -Iplatform/x86/include \
	-Ihypercall/include -Iinclude

$(O)/host/tests/sched/test_coop: $(COOP_SRCS) tests/hypercall/sync_cases.c \
		tests/hypercall/sync_cases.h $(wildcard hypercall/include/hyp/*.h)
	$(call msg,HOSTCC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(COOP_CFLAGS) -o $@ $(COOP_SRCS)

test-host: $(O)/host/tests/sched/test_coop

# make bench: the scheduler micro-benchmarks natively (optimised, no sanitizers).
BENCH_HOST_SRCS := bench/sched/host.c tests/host/sched/coop_host.c \
	hypercall/sched.c hypercall/sync.c hypercall/rumpuser_threads.c hypercall/switch.S
$(O)/host/bench/sched: $(BENCH_HOST_SRCS) bench/sched/cases.c $(wildcard hypercall/include/hyp/*.h)
	$(call msg,HOSTCC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) -std=gnu11 -O2 -g $(WARN) -DPLAT_HOST_BUILD -D_GNU_SOURCE \
		-Iplatform/x86/include -Ihypercall/include -Iinclude -Ibench/sched \
		-o $@ $(BENCH_HOST_SRCS) -lpthread
