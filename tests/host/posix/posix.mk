# The POSIX (pthread) rumpuser backend: build/host/lib/librump.a, and its
# tests under ASan and UBSan.
POSIX_SRCS := $(wildcard hypercall/posix/*.c)
POSIX_CFLAGS := -std=gnu11 -O2 -g $(WARN) -fPIC -D_GNU_SOURCE -Iinclude $(SYSCALL_INC)
POSIX_OBJS := $(patsubst %.c,$(O)/host/obj/%.o,$(POSIX_SRCS))

$(O)/host/obj/hypercall/posix/%.o: hypercall/posix/%.c $(wildcard hypercall/posix/*.h) include/rump/rumpuser.h
	$(call msg,HOSTCC,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(POSIX_CFLAGS) -c $< -o $@

# The kernel's objects join it (tests/host/kernel/kernel.mk adds them).
$(O)/host/lib/librump.a: $(POSIX_OBJS)
	$(call msg,AR,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

$(O)/host/tests/posix/test_posix: tests/host/posix/test_posix.c $(POSIX_SRCS) \
		tests/hypercall/sync_cases.c tests/hypercall/sync_cases.h tests/host/check.h \
		$(wildcard hypercall/posix/*.h) include/rump/rumpuser.h
	$(call msg,HOSTCC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) -std=gnu11 -O1 -g $(WARN) -fsanitize=address,undefined \
		-fno-sanitize-recover=all -fno-omit-frame-pointer -D_GNU_SOURCE \
		-Iinclude -Itests/host -o $@ tests/host/posix/test_posix.c $(POSIX_SRCS) -lpthread

test-host: $(O)/host/tests/posix/test_posix
all: $(O)/host/lib/librump.a
