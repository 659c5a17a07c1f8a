/*
 * Kernel command line: "IMAGE name=value name=value ...".
 *
 * The first word is the image name, as both QEMU -kernel and GRUB pass it.
 * Names starting with a lowercase letter are platform options, checked against
 * a table; every other name (FOO=..., _RUMPUSER_NCPU=...) is a parameter that
 * rumpuser_getparam() hands to the kernel, like an environment variable.
 * env.NAME=value words make the program's environment (NAME=value), and
 * the words after a lone "--" are its arguments argv[1..] (doc/cmdline.md).
 * Values cannot contain spaces. Every malformed word is reported by name and
 * skipped; parsing never stops the boot. Portable C, unit tested on the host.
 */
#ifndef PLAT_CMDLINE_H
#define PLAT_CMDLINE_H

#include <stddef.h>
#include <stdint.h>

#define CMDLINE_MAX	   2048
#define CMDLINE_MAX_PARAMS 64
#define CMDLINE_MAX_ARGS   64 /* program arguments after -- */
#define CMDLINE_MAX_ENV	   64 /* env.NAME=value words */

struct cmdline_opt {
	const char *name;
	/* Applies the value; returns 0, or -1 after writing the reason to why. */
	int (*set)(const char *value, char *why, size_t whylen);
};

struct cmdline_param {
	const char *name;
	const char *value;
};

struct cmdline {
	char buf[CMDLINE_MAX];
	const char *argv0;
	struct cmdline_param params[CMDLINE_MAX_PARAMS];
	int nparams;
	/* The program's argv[1..] (the words after --), NULL-terminated. */
	const char *args[CMDLINE_MAX_ARGS + 1];
	int nargs;
	/* The program's environment, "NAME=value" each, NULL-terminated. */
	const char *env[CMDLINE_MAX_ENV + 1];
	int nenv;
	int nerrors; /* words reported as malformed or rejected */
};

typedef void (*cmdline_report_fn)(const char *msg);

/*
 * Parses text into cl, calling opts[i].set for platform options and report()
 * once per problem. Returns the number of problems (cl->nerrors).
 */
int cmdline_parse(struct cmdline *cl, const char *text,
    const struct cmdline_opt *opts, size_t nopts, cmdline_report_fn report);

/* The value of parameter name, or NULL when the command line has none. */
const char *cmdline_param(const struct cmdline *cl, const char *name);

/*
 * Parses a size such as 4096, 64K, 16M, 1G (binary units). Returns 0, or -1
 * for an empty string, trailing garbage or overflow.
 */
int cmdline_parse_size(const char *s, uint64_t *out);

#endif
