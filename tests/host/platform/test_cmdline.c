/*
 * platform/x86/cmdline.c: the kernel command line.
 */
#include <stdint.h>
#include <stdio.h>

#include "check.h"
#include "plat/cmdline.h"

static char reports[4096];
static int nreports;
static char opt_log[32];
static int opt_calls;

static void
report(const char *msg)
{
	nreports++;
	strncat(reports, msg, sizeof(reports) - strlen(reports) - 2);
	strcat(reports, "\n");
}

static int
set_log(const char *v, char *why, size_t len)
{
	opt_calls++;
	if (strcmp(v, "debug") != 0 && strcmp(v, "info") != 0) {
		snprintf(why, len, "expected debug or info");
		return -1;
	}
	snprintf(opt_log, sizeof(opt_log), "%s", v);
	return 0;
}

static const struct cmdline_opt opts[] = { { "log", set_log } };
static struct cmdline cl;

static int
parse(const char *text)
{
	reports[0] = '\0';
	nreports = 0;
	opt_log[0] = '\0';
	opt_calls = 0;
	return cmdline_parse(&cl, text, opts, 1, report);
}

TEST(image_name_options_and_params)
{
	CHECK_EQ_INT(
	    parse("/boot/rumpimg.elf log=debug FOO=bar _RUMPUSER_NCPU=2 EMPTY="),
	    0);
	CHECK_EQ_STR(cl.argv0, "/boot/rumpimg.elf");
	CHECK_EQ_STR(opt_log, "debug");
	CHECK_EQ_STR(cmdline_param(&cl, "FOO"), "bar");
	CHECK_EQ_STR(cmdline_param(&cl, "_RUMPUSER_NCPU"), "2");
	CHECK_EQ_STR(cmdline_param(&cl, "EMPTY"), "");
	CHECK(cmdline_param(&cl, "MISSING") == NULL);
	CHECK(cmdline_param(&cl, "log") == NULL); /* options are not params */
	CHECK_EQ_INT(nreports, 0);
}

TEST(first_word_with_equals_is_not_the_image)
{
	CHECK_EQ_INT(parse("FOO=1 log=info"), 0);
	CHECK_EQ_STR(cl.argv0, "");
	CHECK_EQ_STR(cmdline_param(&cl, "FOO"), "1");
	CHECK_EQ_STR(opt_log, "info");
}

TEST(malformed_words_reported_by_name)
{
	CHECK_EQ_INT(parse("img bogus =x log=loud frob=1 GOOD=yes"), 4);
	CHECK(strstr(reports, "'bogus'") != NULL);
	CHECK(strstr(reports, "'=x'") != NULL);
	CHECK(strstr(reports,
		  "option log: invalid value 'loud': expected debug or info") !=
	    NULL);
	CHECK(strstr(reports, "unknown option 'frob'") != NULL);
	CHECK_EQ_STR(cmdline_param(&cl, "GOOD"), "yes"); /* parsing went on */
	CHECK_EQ_INT(cl.nerrors, 4);
	CHECK_EQ_INT(nreports, 4);
}

TEST(duplicate_param_last_wins_and_is_reported)
{
	CHECK_EQ_INT(parse("img A=1 A=2"), 1);
	CHECK_EQ_STR(cmdline_param(&cl, "A"), "2");
	CHECK(strstr(reports, "'A' given twice") != NULL);
}

TEST(too_many_params_reported)
{
	char text[CMDLINE_MAX];
	size_t off = (size_t)snprintf(text, sizeof(text), "img");

	for (int i = 0; i < CMDLINE_MAX_PARAMS + 3; i++)
		off += (size_t)snprintf(text + off, sizeof(text) - off,
		    " P%d=%d", i, i);
	CHECK_EQ_INT(parse(text), 3);
	CHECK_EQ_INT(cl.nparams, CMDLINE_MAX_PARAMS);
	CHECK(strstr(reports, "too many parameters") != NULL);
	CHECK_EQ_STR(cmdline_param(&cl, "P0"), "0");
}

TEST(overlong_command_line_truncated_and_reported)
{
	static char text[CMDLINE_MAX + 100];

	memset(text, 'A', sizeof(text) - 1);
	memcpy(text, "img X=", 6);
	text[sizeof(text) - 1] = '\0';
	CHECK_EQ_INT(parse(text), 1);
	CHECK(strstr(reports, "only the first") != NULL);
	CHECK_EQ_INT(strlen(cmdline_param(&cl, "X")), CMDLINE_MAX - 1 - 6);
}

TEST(empty_null_and_whitespace)
{
	CHECK_EQ_INT(parse(NULL), 0);
	CHECK_EQ_STR(cl.argv0, "");
	CHECK_EQ_INT(parse(""), 0);
	CHECK_EQ_INT(parse("  \t img \t  A=1\t\tB=2  \n"), 0);
	CHECK_EQ_STR(cl.argv0, "img");
	CHECK_EQ_STR(cmdline_param(&cl, "A"), "1");
	CHECK_EQ_STR(cmdline_param(&cl, "B"), "2");
}

TEST(sizes)
{
	uint64_t v = 0;

	CHECK(cmdline_parse_size("4096", &v) == 0 && v == 4096);
	CHECK(cmdline_parse_size("64K", &v) == 0 && v == 65536);
	CHECK(cmdline_parse_size("64k", &v) == 0 && v == 65536);
	CHECK(cmdline_parse_size("16M", &v) == 0 && v == 16u << 20);
	CHECK(cmdline_parse_size("2g", &v) == 0 && v == 2ull << 30);
	CHECK(cmdline_parse_size("0", &v) == 0 && v == 0);
	CHECK(cmdline_parse_size("", &v) != 0);
	CHECK(cmdline_parse_size(NULL, &v) != 0);
	CHECK(cmdline_parse_size("12Q", &v) != 0);
	CHECK(cmdline_parse_size("M", &v) != 0);
	CHECK(cmdline_parse_size("1MB", &v) != 0);
	CHECK(cmdline_parse_size("-1", &v) != 0);
	CHECK(cmdline_parse_size("99999999999999999999", &v) != 0);
	CHECK(cmdline_parse_size("17179869184G", &v) != 0);
	CHECK(cmdline_parse_size("18446744073709551615", &v) == 0 &&
	    v == UINT64_MAX);
}

TEST(program_arguments_after_double_dash)
{
	CHECK_EQ_INT(parse("img log=info A=1 -- -v x=1 log=debug -- last"), 0);
	CHECK_EQ_STR(cl.argv0, "img");
	CHECK_EQ_STR(cmdline_param(&cl, "A"), "1");
	CHECK_EQ_INT(cl.nargs, 5);
	CHECK_EQ_STR(cl.args[0], "-v");
	CHECK_EQ_STR(cl.args[1], "x=1");
	CHECK_EQ_STR(cl.args[2], "log=debug"); /* the program's, not an option */
	CHECK_EQ_STR(cl.args[3], "--");
	CHECK_EQ_STR(cl.args[4], "last");
	CHECK(cl.args[5] == NULL);
	CHECK(cmdline_param(&cl, "x") == NULL);
	CHECK_EQ_INT(parse("img --"), 0);
	CHECK_EQ_INT(cl.nargs, 0);
	CHECK(cl.args[0] == NULL);
	/* "--" as the first word: no image name, all arguments. */
	CHECK_EQ_INT(parse("-- a"), 0);
	CHECK_EQ_STR(cl.argv0, "");
	CHECK_EQ_INT(cl.nargs, 1);
}

TEST(environment_words)
{
	CHECK_EQ_INT(parse("img env.HOME=/ env.A=x=y env.EMPTY= B=2 -- env.C=3"),
	    0);
	CHECK_EQ_INT(cl.nenv, 3);
	CHECK_EQ_STR(cl.env[0], "HOME=/");
	CHECK_EQ_STR(cl.env[1], "A=x=y");
	CHECK_EQ_STR(cl.env[2], "EMPTY=");
	CHECK(cl.env[3] == NULL);
	CHECK_EQ_STR(cl.args[0], "env.C=3");
	CHECK(cmdline_param(&cl, "HOME") == NULL); /* not a parameter */
	CHECK_EQ_STR(cmdline_param(&cl, "B"), "2");
}

TEST(environment_problems_reported)
{
	CHECK_EQ_INT(parse("img env.=1 env.X=1 env.XY=2 env.X=3"), 2);
	CHECK(strstr(reports, "'env.=1'") != NULL);
	CHECK(strstr(reports, "'X' given twice") != NULL);
	CHECK_EQ_INT(cl.nenv, 2);
	CHECK_EQ_STR(cl.env[0], "X=3");
	CHECK_EQ_STR(cl.env[1], "XY=2");
	/* env.X without '=' is a malformed word like any other. */
	CHECK_EQ_INT(parse("img env.X"), 1);
	CHECK_EQ_INT(cl.nenv, 0);
}

TEST(too_many_arguments_reported)
{
	static char text[CMDLINE_MAX];
	size_t n = 0;

	n += (size_t)snprintf(text + n, sizeof(text) - n, "img --");
	for (int i = 0; i < CMDLINE_MAX_ARGS + 2; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, " a%d", i);
	CHECK_EQ_INT(parse(text), 2);
	CHECK_EQ_INT(cl.nargs, CMDLINE_MAX_ARGS);
	CHECK(cl.args[CMDLINE_MAX_ARGS] == NULL);
	CHECK(strstr(reports, "too many program arguments") != NULL);
}

int
main(void)
{
	RUN(program_arguments_after_double_dash);
	RUN(environment_words);
	RUN(environment_problems_reported);
	RUN(too_many_arguments_reported);
	RUN(image_name_options_and_params);
	RUN(first_word_with_equals_is_not_the_image);
	RUN(malformed_words_reported_by_name);
	RUN(duplicate_param_last_wins_and_is_reported);
	RUN(too_many_params_reported);
	RUN(overlong_command_line_truncated_and_reported);
	RUN(empty_null_and_whitespace);
	RUN(sizes);
	return check_done();
}
