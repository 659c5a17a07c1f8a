/* The hello world whose stripped size `make bench` reports (appliance.py). */
#include <stdio.h>

int
main(void)
{
	printf("hello, world\n");
	return 0;
}
