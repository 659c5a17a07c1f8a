# In-image test cases, linked only with CONFIG_TESTS.
tests-$(CONFIG_TESTS) += tests/qemu/runner.c
tests-$(CONFIG_TESTS) += tests/qemu/platform/test_boot.c
tests-$(CONFIG_TESTS) += tests/qemu/platform/test_pagealloc.c
tests-$(CONFIG_TESTS) += tests/qemu/platform/test_traps.c
tests-$(CONFIG_TESTS) += tests/qemu/platform/test_time.c
tests-$(CONFIG_TESTS) += tests/qemu/platform/test_cmdline.c
tests-$(and $(CONFIG_TESTS),$(CONFIG_PLAT_VIRTIO_NET)) += tests/qemu/platform/test_virtio_net.c
tests-$(CONFIG_TESTS) += tests/qemu/hypercall/test_sync.c
tests-$(CONFIG_TESTS) += tests/qemu/hypercall/test_threads.c
apptests-$(CONFIG_LIBC_NEWLIB) += tests/qemu/apps/test_libc.c
tests-$(CONFIG_TESTS) += tests/qemu/hypercall/bench_sched.c
apptests-$(CONFIG_RUMP_KERNEL) += tests/qemu/apps/test_kernel.c
apptests-$(CONFIG_RUMP_KERNEL) += tests/qemu/apps/bench_kernel.c
apptests-$(CONFIG_RUMP_KERNEL) += tests/qemu/apps/test_kernel_suites.c
apptests-$(CONFIG_RUMP_KERNEL) += tests/qemu/apps/suite_lwproc.c tests/qemu/apps/suite_syscalls.c \
	tests/qemu/apps/suite_prot.c tests/qemu/apps/suite_tmpfs.c tests/qemu/apps/suite_at.c \
	tests/qemu/apps/suite_lock.c tests/qemu/apps/suite_event.c tests/qemu/apps/suite_kfilter.c \
	tests/qemu/apps/suite_fifo.c tests/qemu/apps/suite_nodes.c \
	tests/qemu/apps/suite_mount.c
apptests-$(CONFIG_RUMP_KERNEL) += tests/qemu/apps/test_badaddr.c
apptests-$(and $(CONFIG_RUMP_KERNEL),$(CONFIG_PLAT_VIRTIO_BLK)) += tests/qemu/apps/test_disk.c \
	tests/qemu/apps/test_ext2boot.c
# The crash case of tests/qemu/crash.py.
apptests-$(and $(CONFIG_RUMP_KERNEL),$(CONFIG_PLAT_VIRTIO_BLK)) += tests/qemu/apps/test_crash.c
# make bench's storage figures (bench/storage.py).
apptests-$(and $(CONFIG_RUMP_KERNEL),$(CONFIG_PLAT_VIRTIO_BLK)) += tests/qemu/apps/bench_storage.c
apptests-$(CONFIG_NET_LWIP) += tests/qemu/apps/test_net.c tests/qemu/apps/test_spserver.c
apptests-$(CONFIG_NET_LWIP) += tests/qemu/apps/test_sockets.c

# The network tests call lwIP's netconn API: its headers and the port's.
$(O)/tests/qemu/apps/test_net.o: tests/qemu/apps/test_net.c $(CONFIG_H) | $(NEWLIB_LIBC) $(LWIP_STAMP)
	$(call cc,$(APP_CFLAGS) -Itests/host $(LWIP_INC))

# The kernel suites are test code in the image's memory: built for size, so
# that the test image keeps the room its -m 2M cases need; their failed
# checks name file:line and values only (CHECK_TERSE, tests/host/check.h).
KERNEL_SUITE_OBJS := $(addprefix $(O)/tests/qemu/apps/,suite_lwproc.o suite_syscalls.o \
	suite_prot.o suite_tmpfs.o suite_at.o suite_lock.o suite_event.o suite_kfilter.o \
	suite_fifo.o suite_nodes.o suite_mount.o)
$(KERNEL_SUITE_OBJS): APP_CFLAGS += -Os -DCHECK_TERSE
