# Programs inside the image and their C library glue.
app-$(CONFIG_LIBC_NEWLIB) += apps/libc/syscalls.c apps/libc/malloc.c apps/libc/assert.c
app-$(CONFIG_RUMP_KERNEL) += apps/libc/rootfs.c apps/libc/posix.c
app-$(CONFIG_NET_LWIP) += apps/libc/socket.c apps/libc/netdb.c
app-$(CONFIG_RUMP_KERNEL) += apps/libc/pthread.c
app-$(CONFIG_APP_HELLO) += apps/hello/hello.c
# The server appliance: the workload, or test=sp_server in test images.
ifneq ($(CONFIG_APP_SPSERVER)$(and $(CONFIG_TESTS),$(CONFIG_NET_LWIP)),)
app-y += apps/spserver/spserver.c
endif
