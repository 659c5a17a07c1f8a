/*
 * assert(3)'s failure report for programs in the image (and newlib's own
 * internal checks). newlib's version formats with fiprintf, which pulls
 * a third printf engine into every image; this one prints the same line
 * through the console hypercall, then aborts as newlib's does.
 */
#include <stdlib.h>

#include "rump/rumpuser.h"

void __assert_func(const char *file, int line, const char *func,
    const char *expr) __attribute__((noreturn));

void
__assert_func(const char *file, int line, const char *func, const char *expr)
{
	rumpuser_dprintf("assertion \"%s\" failed: file \"%s\", line %d%s%s\n",
	    expr, file, line, func != NULL ? ", function: " : "",
	    func != NULL ? func : "");
	abort();
}
