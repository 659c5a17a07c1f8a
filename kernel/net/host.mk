# The kernel's TCP/IP stack in the host build: lwIP (the same Debian
# sources as the image's, kernel/net/build.mk) and the port in kernel/net,
# on the POSIX hypercalls. librump.a, librump-san.a and rump_server always
# have it: the loopback interface 127.0.0.1, and a TAP device as "vn0" when
# RUMP_NET_TAP names one (hypercall/posix/tap.c, doc/host-net.md).
# hypercall/posix/build.mk adds HOSTNET_SRCS to the library and
# HOSTNET_DEFS to its flags, so this file is included before it.
#
# CONFIG_NET_HOST tells the kernel that it runs on a host, where the
# rump_sp server keeps the host's sockets as its transport.
HOSTNET_DEFS := -DCONFIG_NET_LWIP=1 -DCONFIG_NET_HOST=1
HOSTNET_KSRCS := kernel/net/sys_arch.c kernel/net/netif.c \
	kernel/net/socket.c kernel/net/socket_syscalls.c
HOSTNET_LWIP_SRCS := $(addprefix $(LWIP_DIR)/,$(LWIP_SRCS))
HOSTNET_SRCS := $(HOSTNET_KSRCS) $(HOSTNET_LWIP_SRCS)

hostnet-objs = $(foreach d,librump librump-san,$(patsubst %.c,$(O)/host/$(d)/%.o,$(1)))
# The port and lwIP see lwIP's headers; lwIP's own files get its warning
# exceptions too.
$(call hostnet-objs,$(HOSTNET_KSRCS)): host-inc = $(LWIP_INC)
$(call hostnet-objs,$(HOSTNET_LWIP_SRCS)): host-inc = $(LWIP_INC) $(LWIP_WNO)
$(call hostnet-objs,$(HOSTNET_SRCS)): | $(LWIP_STAMP)
