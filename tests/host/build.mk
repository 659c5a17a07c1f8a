# Host unit tests of the portable platform code, under ASan and UBSan.
HOST_CFLAGS := $(HOST_SAN_CFLAGS) -DPLAT_HOST_BUILD -Iplatform/x86/include -Itests/host
HOST_TESTS := platform/test_fmt platform/test_cmdline platform/test_pagealloc
HOST_BIN := $(O)/host/tests

host-src-platform/test_fmt := tests/host/platform/test_fmt.c platform/x86/fmt.c
host-src-platform/test_cmdline := tests/host/platform/test_cmdline.c \
	platform/x86/cmdline.c platform/x86/fmt.c
host-src-platform/test_pagealloc := tests/host/platform/test_pagealloc.c \
	platform/x86/pagealloc.c platform/x86/fmt.c

define host_test_rule
$(HOST_BIN)/$(1): $$(host-src-$(1)) tests/host/check.h $$(wildcard platform/x86/include/plat/*.h)
	$$(call hostld,$$(HOST_CFLAGS),$$(host-src-$(1)))
endef
$(foreach t,$(HOST_TESTS),$(eval $(call host_test_rule,$(t))))

.PHONY: test-host
test-host: $(addprefix $(HOST_BIN)/,$(HOST_TESTS))
	$(Q)scripts/run-host-tests $(if $(COUNTS),--counts $(COUNTS)) $^
