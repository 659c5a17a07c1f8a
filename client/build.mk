# librumpclient for Linux hosts (client/): the client side of rump_sp, and
# the tools that use it.
#   make client       build/host/lib/librumpclient.{a,so}, librumpclient-san.a,
#                     build/host/bin/rump.halt and rump.sysctl
#   make test-client  the client against a scripted fake server (python3)
# The rump_sys_*() stubs are the kernel's own (kernel/rump_syscalls.c),
# compiled here with this library as their transport.
CLIENT_SRCS := $(wildcard client/*.c)
CLIENT_HDRS := $(wildcard client/*.h) sp/sp_proto.h sp/sp_auth.h sp/sha256.h \
	$(wildcard include/rump/*.h)
CLIENT_CFLAGS := $(HOST_OPT_CFLAGS) -fPIC -pthread -Iinclude $(SP_INC) -MMD -MP
CLIENT_SAN_CFLAGS := $(HOST_SAN_CFLAGS) -pthread -Iinclude $(SP_INC) -MMD -MP
CLIENT_OBJS := $(patsubst client/%.c,$(O)/host/obj/client/%.o,$(CLIENT_SRCS)) \
	$(O)/host/obj/client/rump_syscalls.o \
	$(O)/host/obj/client/sha256.o $(O)/host/obj/client/auth_proto.o
CLIENT_SAN_OBJS := $(patsubst $(O)/host/obj/client/%,$(O)/host/obj/client-san/%,$(CLIENT_OBJS))
CLIENT_LIBS := $(O)/host/lib/librumpclient.a $(O)/host/lib/librumpclient.so \
	$(O)/host/lib/librumpclient-san.a
CLIENT_TOOLS := $(O)/host/bin/rump.halt $(O)/host/bin/rump.sysctl

# Only the rumpclient_* functions (marked SPC_EXPORT) leave the library.
$(O)/host/obj/client/%.o: client/%.c $(CLIENT_HDRS)
	$(call hostcc,$(CLIENT_CFLAGS) -fvisibility=hidden)

$(O)/host/obj/client-san/%.o: client/%.c $(CLIENT_HDRS)
	$(call hostcc,$(CLIENT_SAN_CFLAGS) -fvisibility=hidden)

# The key handshake's hashing, shared with the server (sp/sp_auth.h).
$(O)/host/obj/client/%.o: sp/%.c $(CLIENT_HDRS)
	$(call hostcc,$(CLIENT_CFLAGS) -fvisibility=hidden)

$(O)/host/obj/client-san/%.o: sp/%.c $(CLIENT_HDRS)
	$(call hostcc,$(CLIENT_SAN_CFLAGS) -fvisibility=hidden)

$(O)/host/obj/client/rump_syscalls.o: kernel/rump_syscalls.c $(CLIENT_HDRS) $(SYSCALL_GEN)
	$(call hostcc,$(CLIENT_CFLAGS) $(SYSCALL_INC))

$(O)/host/obj/client-san/rump_syscalls.o: kernel/rump_syscalls.c $(CLIENT_HDRS) $(SYSCALL_GEN)
	$(call hostcc,$(CLIENT_SAN_CFLAGS) $(SYSCALL_INC))

$(O)/host/lib/librumpclient.a: $(CLIENT_OBJS)
	$(call msg,AR,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

# For sanitizer-built tests: link with -fsanitize=address,undefined.
$(O)/host/lib/librumpclient-san.a: $(CLIENT_SAN_OBJS)
	$(call msg,AR,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

# NetBSD's soname, so a program linked against NetBSD's library finds this one.
$(O)/host/lib/librumpclient.so: $(CLIENT_OBJS) client/exports.map
	$(call msg,HOSTLD,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) -shared -pthread -Wl,-soname,librumpclient.so.0 \
		-Wl,--version-script=client/exports.map -o $@.0 $(CLIENT_OBJS)
	$(Q)ln -sf librumpclient.so.0 $@

$(O)/host/bin/rump.%: tools/rump_%.c tools/nberrno.c tools/nberrno.h \
		$(O)/host/lib/librumpclient.a $(wildcard include/rump/*.h)
	$(call hostld,$(HOST_OPT_CFLAGS) -Iinclude,$< tools/nberrno.c $(O)/host/lib/librumpclient.a -pthread)

# The fake-server regression test of the client alone.
$(O)/host/tests/sp/client_fake: tests/host/sp/client_fake.c \
		$(O)/host/lib/librumpclient-san.a tests/host/check.h
	$(call hostld,$(HOST_SAN_CFLAGS) -Iinclude -Itests/host,$< $(O)/host/lib/librumpclient-san.a -pthread)

.PHONY: client test-client
client: $(CLIENT_LIBS) $(CLIENT_TOOLS)
all: $(if $(CONFIG_HOST_RUMPCLIENT),client)

test-client: $(O)/host/tests/sp/client_fake
	$(Q)$(PYTHON) tests/host/sp/fake_server.py $<

# make test-host runs it too, through this wrapper (run-host-tests takes
# programs that print "N passed, N failed").
$(O)/host/tests/sp/client_fake.sh: $(O)/host/tests/sp/client_fake tests/host/sp/fake_server.py
	$(Q)printf '#!/bin/sh\nexec $(PYTHON) tests/host/sp/fake_server.py %s\n' $< > $@
	$(Q)chmod +x $@

test-host: $(O)/host/tests/sp/client_fake.sh
