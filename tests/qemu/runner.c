/*
 * Runs the test cases named on the command line (test=a,b,c) in order and
 * prints one line per test. "test=all" runs every test that is safe to run
 * in one boot (not the ones that stop the machine on purpose).
 */
#include <stdint.h>

#include "plat/clock.h"
#include "plat/console.h"
#include "plat/string.h"
#include "plat/testcase.h"

extern const struct testcase _testcases_start[], _testcases_end[];

static const struct testcase *
find(const char *name, size_t len)
{
	for (const struct testcase *t = _testcases_start; t < _testcases_end; t++)
		if (strncmp(t->name, name, len) == 0 && t->name[len] == '\0')
			return t;
	return NULL;
}

static int
run_one(const struct testcase *t, int *passed, int *failed)
{
	uint64_t t0 = plat_clock_monotonic(), dt;
	int rc;

	kprintf("test %s: start\n", t->name);
	rc = t->fn();
	dt = plat_clock_monotonic() - t0;
	kprintf("test %s: %s (%lu.%03lu ms)\n", t->name,
	    rc == 0 ? "PASS" : "FAIL", (unsigned long)(dt / 1000000),
	    (unsigned long)(dt / 1000 % 1000));
	if (rc == 0)
		(*passed)++;
	else
		(*failed)++;
	return rc;
}

int
tests_run(const char *names)
{
	int passed = 0, failed = 0;
	const char *p = names;

	while (*p != '\0') {
		const char *end = strchr(p, ',');
		size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
		const struct testcase *t = find(p, len);
		if (t != NULL) {
			run_one(t, &passed, &failed);
		} else {
			kprintf("test %.*s: FAIL (no such test; known:", (int)len,
			    p);
			for (t = _testcases_start; t < _testcases_end; t++)
				kprintf(" %s", t->name);
			kprintf(")\n");
			failed++;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	kprintf("in-image tests: %d passed, %d failed\n", passed, failed);
	return failed == 0 && passed > 0 ? 0 : 1;
}
