# TCP/IP in the host build (kernel/net/host.mk): the kernel in-process
# under the sanitizers with the loopback interface (test_net), and a
# remote client's AF_INET sockets through rump_server (net_remote.sh).
HOSTNET_TEST_DEPS := $(KERNEL_SRCS) $(SYSCALL_GEN) $(POSIX_SRCS) kernel/kern.h \
	$(wildcard include/rump/*.h) tests/host/check.h $(HOSTNET_SAN_LIB)

$(O)/host/tests/net/test_net: tests/host/net/test_net.c $(HOSTNET_TEST_DEPS)
	$(call msg,HOSTCC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(HOST_SAN_CFLAGS) $(HOSTNET_DEFS) -Iinclude $(SYSCALL_INC) \
		-Itests/host -o $@ tests/host/net/test_net.c $(KERNEL_SRCS) \
		$(POSIX_SRCS) $(HOSTNET_SAN_LIB) -lpthread

test-host: $(O)/host/tests/net/test_net
