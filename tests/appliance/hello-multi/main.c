/*
 * An appliance: prints its arguments and environment, then leaves with
 * the status its arguments ask for ("exit N", "_exit N", "return N"), or
 * fails an assertion ("assert N": assert(N == 0)), or sleeps ("sleep N"
 * seconds, after printing "sleeping").
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"

int
main(int argc, char **argv, char **envp)
{
	const char *g = getenv("GREETING");

	report_args(argc, argv);
	report_env(envp, "GREETING");
	printf("getenv GREETING=<%s>\n", g != NULL ? g : "(null)");
	for (int i = 1; i + 1 < argc; i++) {
		int n = atoi(argv[i + 1]);

		if (strcmp(argv[i], "exit") == 0) {
			printf("calling exit(%d)\n", n);
			exit(n);
		}
		if (strcmp(argv[i], "_exit") == 0) {
			printf("calling _exit(%d)\n", n);
			fflush(stdout);
			_exit(n);
		}
		if (strcmp(argv[i], "assert") == 0) {
			fflush(stdout);
			assert(n == 0);
			printf("assertion %d == 0 held\n", n);
		}
		if (strcmp(argv[i], "sleep") == 0) {
			printf("sleeping\n");
			fflush(stdout);
			sleep((unsigned)n);
		}
		if (strcmp(argv[i], "return") == 0) {
			printf("returning %d\n", n);
			return n;
		}
	}
	printf("done\n");
	return 0;
}
