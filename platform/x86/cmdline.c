/*
 * Kernel command line parsing. Portable: no machine access, no allocation.
 */
#include <stdbool.h>

#include "plat/cmdline.h"
#include "plat/fmt.h"
#include "plat/string.h"

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void problem(struct cmdline *cl, cmdline_report_fn report,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
problem(struct cmdline *cl, cmdline_report_fn report, const char *fmt, ...)
{
	char msg[192];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cl->nerrors++;
	if (report != NULL)
		report(msg);
}

static void
add_param(struct cmdline *cl, cmdline_report_fn report, const char *name,
    const char *value)
{
	for (int i = 0; i < cl->nparams; i++) {
		if (strcmp(cl->params[i].name, name) == 0) {
			problem(cl, report,
			    "parameter '%s' given twice; using the "
			    "last value '%s'",
			    name, value);
			cl->params[i].value = value;
			return;
		}
	}
	if (cl->nparams == CMDLINE_MAX_PARAMS) {
		problem(cl, report,
		    "too many parameters (at most %d): '%s' "
		    "ignored",
		    CMDLINE_MAX_PARAMS, name);
		return;
	}
	cl->params[cl->nparams].name = name;
	cl->params[cl->nparams].value = value;
	cl->nparams++;
}

static void
add_arg(struct cmdline *cl, cmdline_report_fn report, const char *word)
{
	if (cl->nargs == CMDLINE_MAX_ARGS) {
		problem(cl, report,
		    "too many program arguments (at most %d): "
		    "'%s' ignored",
		    CMDLINE_MAX_ARGS, word);
		return;
	}
	cl->args[cl->nargs++] = word;
}

/* env.NAME=value: the program's environment gets "NAME=value". */
static void
add_env(struct cmdline *cl, cmdline_report_fn report, const char *var,
    const char *eq)
{
	size_t nlen = (size_t)(eq - var);

	if (nlen == 0) {
		problem(cl, report,
		    "malformed argument 'env.%s': empty "
		    "variable name (ignored)",
		    var);
		return;
	}
	for (int i = 0; i < cl->nenv; i++) {
		if (strncmp(cl->env[i], var, nlen + 1) == 0) {
			problem(cl, report,
			    "variable '%.*s' given twice; using "
			    "the last value '%s'",
			    (int)nlen, var, eq + 1);
			cl->env[i] = var;
			return;
		}
	}
	if (cl->nenv == CMDLINE_MAX_ENV) {
		problem(cl, report,
		    "too many environment variables (at most "
		    "%d): 'env.%s' ignored",
		    CMDLINE_MAX_ENV, var);
		return;
	}
	cl->env[cl->nenv++] = var;
}

static void
apply_option(struct cmdline *cl, cmdline_report_fn report, const char *name,
    const char *value, const struct cmdline_opt *opts, size_t nopts)
{
	char why[128];

	for (size_t i = 0; i < nopts; i++) {
		if (strcmp(opts[i].name, name) != 0)
			continue;
		why[0] = '\0';
		if (opts[i].set(value, why, sizeof(why)) != 0)
			problem(cl, report,
			    "option %s: invalid value '%s': %s "
			    "(ignored)",
			    name, value, why);
		return;
	}
	problem(cl, report, "unknown option '%s' (ignored)", name);
}

int
cmdline_parse(struct cmdline *cl, const char *text,
    const struct cmdline_opt *opts, size_t nopts, cmdline_report_fn report)
{
	size_t len = text != NULL ? strlen(text) : 0;
	char *p;
	bool first = true, program = false;

	memset(cl, 0, sizeof(*cl));
	if (len >= sizeof(cl->buf)) {
		problem(cl, report,
		    "command line is %zu bytes; only the first "
		    "%zu are read",
		    len, sizeof(cl->buf) - 1);
		len = sizeof(cl->buf) - 1;
	}
	memcpy(cl->buf, text != NULL ? text : "", len);
	cl->buf[len] = '\0';
	cl->argv0 = "";

	for (p = cl->buf; *p != '\0';) {
		char *word, *eq;

		while (is_space(*p))
			p++;
		if (*p == '\0')
			break;
		word = p;
		while (*p != '\0' && !is_space(*p))
			p++;
		if (*p != '\0')
			*p++ = '\0';

		if (program) {
			add_arg(cl, report, word);
			continue;
		}
		if (strcmp(word, "--") == 0) {
			/* The rest of the line is the program's. */
			program = true;
			first = false;
			continue;
		}
		eq = strchr(word, '=');
		if (first && eq == NULL) {
			cl->argv0 = word;
			first = false;
			continue;
		}
		first = false;
		if (eq == NULL) {
			problem(cl, report,
			    "malformed argument '%s': expected "
			    "name=value (ignored)",
			    word);
			continue;
		}
		if (eq == word) {
			problem(cl, report,
			    "malformed argument '%s': empty name "
			    "(ignored)",
			    word);
			continue;
		}
		if (strncmp(word, "env.", 4) == 0) {
			add_env(cl, report, word + 4, eq);
			continue;
		}
		*eq = '\0';
		if (*word >= 'a' && *word <= 'z')
			apply_option(cl, report, word, eq + 1, opts, nopts);
		else
			add_param(cl, report, word, eq + 1);
	}
	return cl->nerrors;
}

const char *
cmdline_param(const struct cmdline *cl, const char *name)
{
	for (int i = 0; i < cl->nparams; i++)
		if (strcmp(cl->params[i].name, name) == 0)
			return cl->params[i].value;
	return NULL;
}

int
cmdline_parse_size(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	unsigned shift = 0;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		unsigned d = (unsigned)(*s - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	switch (*s) {
	case '\0':
		break;
	case 'k':
	case 'K':
		shift = 10;
		s++;
		break;
	case 'm':
	case 'M':
		shift = 20;
		s++;
		break;
	case 'g':
	case 'G':
		shift = 30;
		s++;
		break;
	default:
		return -1;
	}
	if (*s != '\0' || (shift != 0 && v > (UINT64_MAX >> shift)))
		return -1;
	*out = v << shift;
	return 0;
}
