# Programs inside the image and their C library glue.
app-$(CONFIG_LIBC_NEWLIB) += apps/libc/syscalls.c apps/libc/malloc.c
app-$(CONFIG_APP_HELLO) += apps/hello/hello.c
kernel-$(CONFIG_RUMP_KERNEL) += $(wildcard kernel/*.c) sp/server.c
