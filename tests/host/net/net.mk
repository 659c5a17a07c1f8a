# TCP/IP in the host build (kernel/net/host.mk): the kernel in-process
# under the sanitizers with the loopback interface (test_net, one of the
# KTESTS of tests/host/kernel/kernel.mk), and a remote client's AF_INET
# sockets through rump_server (net_remote.sh).
$(O)/host/tests/net/net_client: tests/host/net/net_client.c \
		$(O)/host/lib/librumpclient-san.a $(wildcard include/rump/*.h) \
		tests/host/check.h tests/host/net/net_util.h
	$(call hostld,$(HOST_SAN_CFLAGS) -Iinclude -Itests/host -pthread,tests/host/net/net_client.c $(O)/host/lib/librumpclient-san.a)

$(O)/host/tests/net/net_remote: tests/host/net/net_remote.sh \
		$(O)/host/tests/net/net_client $(O)/host/tests/sp/sock_echo | \
		$(O)/host/bin/rump_server $(O)/host/bin/rump.halt
	$(Q)mkdir -p $(dir $@)
	$(Q)cp $< $@
	$(Q)chmod +x $@

test-host: $(O)/host/tests/net/net_remote
