/*
 * The default workload: a program that uses the C library (newlib) inside
 * the image, to show that printf, malloc and snprintf work on bare metal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int app_main(void);

int
app_main(void)
{
	char line[64];
	char *copy;
	int n;

	n = snprintf(line, sizeof(line), "%s has %d %s", "rumpimg", 3,
	    "layers below this program");
	copy = malloc((size_t)n + 1);
	if (copy == NULL) {
		printf("hello: malloc failed\n");
		return 1;
	}
	memcpy(copy, line, (size_t)n + 1);
	printf("hello from newlib: \"%s\" (%d characters, copied to %p)\n",
	    copy, n, (void *)copy);
	printf("the hypercall layer, the platform and the machine; the rump "
	       "kernel comes next\n");
	free(copy);
	fflush(stdout);
	return 0;
}
