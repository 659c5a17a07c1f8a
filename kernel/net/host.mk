# The kernel's TCP/IP stack in the host build: lwIP (the same Debian
# sources as the image's, kernel/net/build.mk) and the port in kernel/net,
# on the POSIX hypercalls. librump.a and rump_server always have it: the
# loopback interface 127.0.0.1, and a TAP device as "vn0" when RUMP_NET_TAP
# names one (hypercall/posix/tap.c, doc/host-net.md).
#
# CONFIG_NET_HOST tells the kernel that it runs on a host, where the
# rump_sp server keeps the host's sockets as its transport.
HOSTNET_DEFS := -DCONFIG_NET_LWIP=1 -DCONFIG_NET_HOST=1
HOSTNET_KSRCS := kernel/net/sys_arch.c kernel/net/netif.c \
	kernel/net/socket.c kernel/net/socket_syscalls.c
HOSTNET_HDRS := $(wildcard kernel/net/*.h kernel/net/arch/*.h) kernel/kern.h \
	$(wildcard include/rump/*.h)
HOSTNET_OBJS := $(patsubst %.c,$(O)/host/obj/%.o,$(HOSTNET_KSRCS)) \
	$(addprefix $(O)/host/obj/lwip/,$(LWIP_SRCS:.c=.o))
HOSTNET_SAN_OBJS := $(patsubst $(O)/host/obj/%,$(O)/host/obj-san/%,$(HOSTNET_OBJS))

# The sanitizer flags of the host tests, and what a test that has the
# network adds to them (its kernel sources compiled with HOSTNET_DEFS, and
# libhostnet-san.a linked).
HOST_SAN_CFLAGS := -std=gnu11 -O1 -g $(WARN) -fsanitize=address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer -D_GNU_SOURCE
HOSTNET_SAN_LIB := $(O)/host/lib/libhostnet-san.a

# librump.a's kernel objects see the network's system calls.
$(KERNEL_OBJS): POSIX_CFLAGS += $(HOSTNET_DEFS)
$(O)/host/lib/librump.a: $(HOSTNET_OBJS)

$(O)/host/obj/kernel/net/%.o: kernel/net/%.c $(HOSTNET_HDRS) $(SYSCALL_GEN) | $(LWIP_STAMP)
	$(call msg,HOSTCC,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(POSIX_CFLAGS) $(HOSTNET_DEFS) $(LWIP_INC) -c $< -o $@

$(O)/host/obj/lwip/%.o: $(LWIP_DIR)/%.c $(HOSTNET_HDRS) | $(LWIP_STAMP)
	$(call msg,HOSTCC,lwip/$*.c)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(POSIX_CFLAGS) $(HOSTNET_DEFS) $(LWIP_WNO) $(LWIP_INC) -c $< -o $@

$(O)/host/obj-san/kernel/net/%.o: kernel/net/%.c $(HOSTNET_HDRS) $(SYSCALL_GEN) | $(LWIP_STAMP)
	$(call msg,HOSTCC,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(HOST_SAN_CFLAGS) -Iinclude $(SYSCALL_INC) $(HOSTNET_DEFS) $(LWIP_INC) -c $< -o $@

$(O)/host/obj-san/lwip/%.o: $(LWIP_DIR)/%.c $(HOSTNET_HDRS) | $(LWIP_STAMP)
	$(call msg,HOSTCC,lwip/$*.c)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(HOST_SAN_CFLAGS) -Iinclude $(HOSTNET_DEFS) $(LWIP_WNO) $(LWIP_INC) -c $< -o $@

$(HOSTNET_SAN_LIB): $(HOSTNET_SAN_OBJS)
	$(call msg,AR,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^
