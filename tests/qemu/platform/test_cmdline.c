/*
 * Command line: booted with good and malformed words (see tests/qemu/run.py);
 * the good parameters must arrive and every bad word must be counted.
 */
#include "plat/boot.h"
#include "plat/console.h"
#include "plat/string.h"
#include "plat/testcase.h"

TESTCASE(cmdline)
{
	const struct cmdline *cl = plat_cmdline();
	const char *v = cmdline_param(cl, "GREETING");
	const char *n = cmdline_param(cl, "_RUMPUSER_NCPU");

	TCHECK(v != NULL && strcmp(v, "hello") == 0, "GREETING=%s",
	    v ? v : "(unset)");
	TCHECK(n != NULL && strcmp(n, "1") == 0, "_RUMPUSER_NCPU=%s",
	    n ? n : "(unset)");
	TCHECK(cmdline_param(cl, "MISSING") == NULL, "MISSING is set");
	TCHECK(log_get_level() == LOG_DEBUG, "log=debug not applied");
	TCHECK(cl->nerrors == 5, "%d problems reported, expected 5", cl->nerrors);
	return 0;
}
