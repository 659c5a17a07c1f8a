# build/host/bin/rump_server: the kernel with its rump_sp server on the
# host (the server itself is in librump.a, see tests/host/kernel/kernel.mk).
$(O)/host/bin/rump_server: sp/rump_server.c $(O)/host/lib/librump.a
	$(call msg,HOSTCC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) -std=gnu11 -O2 -g $(WARN) -D_GNU_SOURCE -Iinclude \
		-o $@ sp/rump_server.c $(O)/host/lib/librump.a -lpthread

all: $(O)/host/bin/rump_server
