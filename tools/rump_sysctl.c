/*
 * rump.sysctl: read and set the rump kernel's sysctl variables over
 * RUMP_SERVER.
 *   rump.sysctl [-n] NAME ...          print "NAME = VALUE" (-n: VALUE)
 *   rump.sysctl [-n] -w NAME=VALUE ... set, print "NAME: OLD -> NEW"
 *   rump.sysctl [-n] -a                every known variable
 * Names are looked up in a table of the MIBs the kernel implements; an
 * unknown name is an error (exit status 1, like any failure).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rump/rumpclient.h"
#include "rump/rumpdefs.h"
#include "rump/rump_syscalls.h"

#include "nberrno.h"

#define VALMAX 1024

enum ntype { T_STRING, T_INT, T_INT64 };

struct node {
	const char *n_name;
	int n_mib[2];
	enum ntype n_type;
};

/* In MIB order, which is also the order of -a. */
static const struct node nodes[] = {
	{ "kern.ostype", { RUMP_CTL_KERN, RUMP_KERN_OSTYPE }, T_STRING },
	{ "kern.osrelease", { RUMP_CTL_KERN, RUMP_KERN_OSRELEASE }, T_STRING },
	{ "kern.maxproc", { RUMP_CTL_KERN, RUMP_KERN_MAXPROC }, T_INT },
	{ "kern.hostname", { RUMP_CTL_KERN, RUMP_KERN_HOSTNAME }, T_STRING },
	{ "kern.nprocs", { RUMP_CTL_KERN, RUMP_KERN_NPROCS }, T_INT },
	{ "kern.nlwps", { RUMP_CTL_KERN, RUMP_KERN_NLWPS }, T_INT },
	{ "kern.nfiles", { RUMP_CTL_KERN, RUMP_KERN_NFILES }, T_INT },
	{ "kern.nsleeping", { RUMP_CTL_KERN, RUMP_KERN_NSLEEPING }, T_INT },
	{ "hw.ncpu", { RUMP_CTL_HW, 3 }, T_INT },
	{ "hw.pagesize", { RUMP_CTL_HW, RUMP_HW_PAGESIZE }, T_INT },
	{ "hw.physmem64", { RUMP_CTL_HW, RUMP_HW_PHYSMEM64 }, T_INT64 },
};
#define NNODES (sizeof(nodes) / sizeof(nodes[0]))

static bool nflag;

static const struct node *
lookup(const char *name, size_t len)
{
	for (size_t i = 0; i < NNODES; i++)
		if (strlen(nodes[i].n_name) == len &&
		    strncmp(nodes[i].n_name, name, len) == 0)
			return &nodes[i];
	return NULL;
}

/* Read n's value as text into out[VALMAX]; 0 or -1 (message printed). */
static int
readval(const struct node *n, char *out)
{
	union {
		char s[VALMAX];
		int i;
		int64_t q;
	} v;
	size_t len = n->n_type == T_STRING ? sizeof(v.s) - 1 :
	    n->n_type == T_INT		   ? sizeof(v.i) :
					     sizeof(v.q);

	memset(&v, 0, sizeof(v));
	if (rump_sys___sysctl(n->n_mib, 2, &v, &len, NULL, 0) == -1) {
		fprintf(stderr, "rump.sysctl: %s: %s\n", n->n_name,
		    rump_strerror(errno));
		return -1;
	}
	switch (n->n_type) {
	case T_STRING:
		v.s[len < sizeof(v.s) ? len : sizeof(v.s) - 1] = '\0';
		snprintf(out, VALMAX, "%s", v.s);
		break;
	case T_INT:
		snprintf(out, VALMAX, "%d", v.i);
		break;
	case T_INT64:
		snprintf(out, VALMAX, "%" PRId64, v.q);
		break;
	}
	return 0;
}

static int
show(const struct node *n)
{
	char val[VALMAX];

	if (readval(n, val) == -1)
		return -1;
	if (nflag)
		printf("%s\n", val);
	else
		printf("%s = %s\n", n->n_name, val);
	return 0;
}

/* Set n from the text val; print the old and the new value. */
static int
set(const struct node *n, const char *val)
{
	char old[VALMAX], new[VALMAX], *end;
	const void *nv;
	size_t nlen;
	int64_t q;
	int i;

	switch (n->n_type) {
	case T_STRING:
		nv = val;
		nlen = strlen(val) + 1;
		break;
	case T_INT:
	case T_INT64:
		errno = 0;
		q = strtoll(val, &end, 0);
		if (errno != 0 || *val == '\0' || *end != '\0' ||
		    (n->n_type == T_INT && (q < INT32_MIN || q > INT32_MAX))) {
			fprintf(stderr, "rump.sysctl: %s: invalid value '%s'\n",
			    n->n_name, val);
			return -1;
		}
		i = (int)q;
		nv = n->n_type == T_INT ? (const void *)&i : (const void *)&q;
		nlen = n->n_type == T_INT ? sizeof(i) : sizeof(q);
		break;
	default:
		return -1;
	}
	if (readval(n, old) == -1)
		return -1;
	if (rump_sys___sysctl(n->n_mib, 2, NULL, NULL, nv, nlen) == -1) {
		fprintf(stderr, "rump.sysctl: %s: %s\n", n->n_name,
		    rump_strerror(errno));
		return -1;
	}
	if (readval(n, new) == -1)
		return -1;
	if (nflag)
		printf("%s -> %s\n", old, new);
	else
		printf("%s: %s -> %s\n", n->n_name, old, new);
	return 0;
}

/* One argument: "NAME" reads, "NAME=VALUE" sets (with or without -w). */
static int
doarg(const char *arg, bool wflag)
{
	const char *eq = strchr(arg, '=');
	const struct node *n;

	n = lookup(arg, eq != NULL ? (size_t)(eq - arg) : strlen(arg));
	if (n == NULL) {
		fprintf(stderr, "rump.sysctl: unknown name: %.*s\n",
		    eq != NULL ? (int)(eq - arg) : (int)strlen(arg), arg);
		return -1;
	}
	if (eq != NULL)
		return set(n, eq + 1);
	if (wflag) {
		fprintf(stderr, "rump.sysctl: %s: -w needs name=value\n", arg);
		return -1;
	}
	return show(n);
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: rump.sysctl [-n] name ...\n"
	    "       rump.sysctl [-n] -w name=value ...\n"
	    "       rump.sysctl [-n] -a\n");
	exit(1);
}

int
main(int argc, char *argv[])
{
	bool aflag = false, wflag = false;
	int ch, rv = 0;

	while ((ch = getopt(argc, argv, "anw")) != -1) {
		switch (ch) {
		case 'a':
			aflag = true;
			break;
		case 'n':
			nflag = true;
			break;
		case 'w':
			wflag = true;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (aflag ? argc != 0 || wflag : argc == 0)
		usage();

	if (rumpclient_init() == -1) {
		fprintf(stderr, "rump.sysctl: rumpclient init: %s\n",
		    rump_strerror(errno));
		return 1;
	}
	if (aflag) {
		/* As sysctl -a: a variable this kernel lacks is skipped. */
		for (size_t i = 0; i < NNODES; i++)
			(void)show(&nodes[i]);
		return 0;
	}
	for (int i = 0; i < argc; i++)
		if (doarg(argv[i], wflag) == -1)
			rv = 1;
	return rv;
}
