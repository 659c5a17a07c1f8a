# Manual pages (mdoc). `make test-man` lints them (part of `make test`);
# `make man` renders them as HTML into $(O)/man/ (or read one with man -l).
MAN_PAGES := $(sort $(wildcard man/*.[1-9]))

.PHONY: test-man man
test-man:
	$(Q)scripts/check-man $(if $(COUNTS),--counts $(COUNTS)) $(MAN_PAGES)

man: $(patsubst man/%,$(O)/man/%.html,$(MAN_PAGES))

$(O)/man/%.html: man/%
	$(call msg,MANDOC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)mandoc -T html -O man=%N.%S.html $< > $@
