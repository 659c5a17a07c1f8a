/*
 * The rump_sp server's per-connection limits (sp_limits.h): defaults, and
 * the RUMP_SP_* parameters that change them.
 */
#include <stddef.h>

#include "rump/rumpdefs.h"
#include "rump/rumpuser.h"
#include "sp_limits.h"

struct sp_limits sp_limits = {
	.maxprefork = SP_DEF_MAXPREFORK,
	.maxlwp = SP_DEF_MAXLWP,
	.maxorphan = SP_DEF_MAXORPHAN,
	.orphansecs = SP_DEF_ORPHANSECS,
	.hstimeout = SP_DEF_HSTIMEOUT,
};

static const struct {
	const char *param;
	int *val;
	int min, max;
} params[] = {
	{ "RUMP_SP_MAXPREFORK", &sp_limits.maxprefork, 0, 4096 },
	{ "RUMP_SP_MAXLWP", &sp_limits.maxlwp, 1, 4096 },
	{ "RUMP_SP_MAXORPHAN", &sp_limits.maxorphan, 0, 4096 },
	{ "RUMP_SP_ORPHANSECS", &sp_limits.orphansecs, 0, 86400 },
	{ "RUMP_SP_HSTIMEOUT", &sp_limits.hstimeout, 0, 86400 },
};

/* A decimal number within [min, max], or -1. */
static int
number(const char *s, int min, int max)
{
	long v = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || v > max)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v >= min && v <= max ? (int)v : -1;
}

int
sp_limits_init(void)
{
	char buf[32];
	int v;

	for (size_t i = 0; i < sizeof(params) / sizeof(params[0]); i++) {
		if (rumpuser_getparam(params[i].param, buf, sizeof(buf)) != 0)
			continue;
		if ((v = number(buf, params[i].min, params[i].max)) < 0) {
			rumpuser_dprintf("rump_sp: %s=\"%s\": want a number "
					 "from %d to %d\n",
			    params[i].param, buf, params[i].min, params[i].max);
			return RUMP_EINVAL;
		}
		*params[i].val = v;
	}
	return 0;
}
