# The rump_sp server (sp/, doc/rump_sp.md): a component of its own above the
# kernel, which it calls only through the upcall table, over the transport
# interface of include/rump/rumpuser_sp.h. Its sources go into the image
# (CONFIG_RUMP_SP) and into build/host/lib/librump.a; the key handshake's
# files are shared with librumpclient (client/build.mk).
SP_AUTH_SRCS := sp/auth.c sp/auth_proto.c sp/sha256.c
SP_SRCS := sp/server.c sp/limits.c sp/prefork.c $(SP_AUTH_SRCS)
# The server's own headers (wire format, handshake), for librumpclient and
# the server's tests: named by file, never by a ../ path.
SP_INC := -Isp
sp-$(CONFIG_RUMP_SP) += $(SP_SRCS)

$(O)/sp/%.o: sp/%.c $(CONFIG_H) | $(NEWLIB_LIBC)
	$(call cc,$(KERNEL_CFLAGS))

# build/host/bin/rump_server: the kernel with its rump_sp server on the
# host (the server itself is in librump.a).
$(O)/host/bin/rump_server: sp/rump_server.c $(O)/host/lib/librump.a
	$(call hostld,$(HOST_OPT_CFLAGS) -Iinclude,sp/rump_server.c $(O)/host/lib/librump.a -lpthread)

all: $(if $(CONFIG_HOST_LIBRUMP),$(O)/host/bin/rump_server)

# make bench: remote system calls beside a raw socket ping-pong (bench/sp).
$(O)/host/bench/sp: bench/sp/bench_sp.c $(O)/host/lib/librumpclient.a
	$(call hostld,$(HOST_OPT_CFLAGS) -Iinclude,bench/sp/bench_sp.c $(O)/host/lib/librumpclient.a -pthread)

# The key handshake's hashing against published vectors (host, sanitized).
$(O)/host/tests/sp/test_sha256: tests/host/sp/test_sha256.c sp/sha256.c \
		sp/auth_proto.c sp/sha256.h sp/sp_auth.h sp/sp_proto.h \
		tests/host/check.h
	$(call hostld,$(HOST_SAN_CFLAGS) $(SP_INC) -Itests/host,tests/host/sp/test_sha256.c sp/sha256.c sp/auth_proto.c)

test-host: $(O)/host/tests/sp/test_sha256
