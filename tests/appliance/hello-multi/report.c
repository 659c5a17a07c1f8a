#include <stdio.h>
#include <string.h>

#include "report.h"

void
report_args(int argc, char **argv)
{
	printf("argc=%d\n", argc);
	for (int i = 1; i < argc; i++)
		printf("argv[%d]=<%s>\n", i, argv[i]);
	printf("argv[argc]=%s\n", argv[argc] == NULL ? "NULL" : "set");
}

/* Prints NAME's value from envp; returns 1 when it is there. */
int
report_env(char **envp, const char *name)
{
	size_t n = strlen(name);

	for (int i = 0; envp[i] != NULL; i++) {
		if (strncmp(envp[i], name, n) == 0 && envp[i][n] == '=') {
			printf("env %s=<%s>\n", name, envp[i] + n + 1);
			return 1;
		}
	}
	printf("env %s unset\n", name);
	return 0;
}
