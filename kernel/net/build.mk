# The kernel's TCP/IP stack: lwIP, fetched once from Debian's source package
# into build/lwip (scripts/fetch-lwip) and built unmodified, with the port
# in kernel/net. The host build (librump.a, rump_server) has it too, always:
# see kernel/net/host.mk.
LWIP_TOP := build/lwip
LWIP_DIR := $(LWIP_TOP)/src/src
LWIP_STAMP := $(LWIP_TOP)/.fetched

kernel-$(CONFIG_NET_LWIP) += kernel/net/sys_arch.c kernel/net/netif.c
kernel-$(CONFIG_NET_LWIP) += kernel/net/socket.c kernel/net/socket_syscalls.c
# The rump_sp server's transport in the image (hypercall/sp_sock.c without).
kernel-$(CONFIG_NET_LWIP) += kernel/net/sp_transport.c

# lwIP's files, relative to its src/: core, IPv4, Ethernet, netconn + tcpip.
LWIP_SRCS := core/init.c core/def.c core/inet_chksum.c core/ip.c
LWIP_SRCS += core/mem.c core/memp.c core/netif.c core/pbuf.c
LWIP_SRCS += core/stats.c core/sys.c core/tcp.c core/tcp_in.c
LWIP_SRCS += core/tcp_out.c core/timeouts.c core/udp.c
LWIP_SRCS += core/ipv4/dhcp.c core/ipv4/etharp.c core/ipv4/icmp.c
LWIP_SRCS += core/ipv4/ip4.c core/ipv4/ip4_addr.c core/ipv4/ip4_frag.c
LWIP_SRCS += netif/ethernet.c
LWIP_SRCS += api/api_lib.c api/api_msg.c api/err.c api/netbuf.c
LWIP_SRCS += api/tcpip.c
lwip-$(CONFIG_NET_LWIP) += $(LWIP_SRCS)

LWIP_INC := -Ikernel/net -Ikernel -I$(LWIP_DIR)/include
# lwIP's own files get the image's flags, -Werror included; with these
# options they need no -Wno-... (add them here, per directory, if ever).
LWIP_WNO :=

$(LWIP_STAMP): scripts/fetch-lwip
	$(Q)scripts/fetch-lwip $(LWIP_TOP) >/dev/null
	$(Q)touch $@

# The sources appear when the stamp is made (order-only: a re-fetch does
# not rebuild everything). Named explicitly, so make never takes them for
# intermediate files and deletes them.
$(addprefix $(LWIP_DIR)/,$(LWIP_SRCS)): | $(LWIP_STAMP) ;

$(O)/kernel/net/lwip/%.o: $(LWIP_DIR)/%.c $(CONFIG_H) | $(NEWLIB_LIBC) $(LWIP_STAMP)
	$(call cc,$(KERNEL_CFLAGS) $(LWIP_WNO) $(LWIP_INC))

$(O)/kernel/net/%.o: kernel/net/%.c $(CONFIG_H) $(SYSCALL_GEN) | $(NEWLIB_LIBC) $(LWIP_STAMP)
	$(call cc,$(KERNEL_CFLAGS) $(LWIP_INC))
