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

$(O)/host/tests/net/net_client: tests/host/net/net_client.c \
		$(O)/host/lib/librumpclient-san.a $(wildcard include/rump/*.h) \
		tests/host/check.h
	$(call msg,HOSTCC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(HOST_SAN_CFLAGS) -Iinclude -Itests/host -pthread -o $@ \
		tests/host/net/net_client.c $(O)/host/lib/librumpclient-san.a

$(O)/host/tests/net/net_remote: tests/host/net/net_remote.sh \
		$(O)/host/tests/net/net_client $(O)/host/tests/sp/sock_echo | \
		$(O)/host/bin/rump_server $(O)/host/bin/rump.halt
	$(Q)mkdir -p $(dir $@)
	$(Q)cp $< $@
	$(Q)chmod +x $@

test-host: $(O)/host/tests/net/net_remote
