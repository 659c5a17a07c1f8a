/*
 * The known bugs (issue 10) the targets could step around while their
 * fixes had not landed; see tests/fuzz/README.md. They all have, so by
 * default every one is let through; FUZZ_KNOWN_BUGS=none steps around all
 * of them again, or it names the ones to let through ("utimes", "tmpfs", "exec", "uaddr" (which
 * scripts/run-fuzz handles: a UBSan suppression file), separated by spaces or
 * commas; "1" or "all": every one).
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

bool
fuzz_known_bug(const char *name)
{
	const char *v = getenv("FUZZ_KNOWN_BUGS");
	size_t n = strlen(name);

	/* All their fixes have landed: by default nothing is stepped around. */
	if (v == NULL)
		return false;
	if (strcmp(v, "1") == 0 || strcmp(v, "all") == 0)
		return false;
	for (const char *p = v; (p = strstr(p, name)) != NULL; p += n)
		if ((p == v || strchr(" ,", p[-1]) != NULL) &&
		    (p[n] == '\0' || strchr(" ,", p[n]) != NULL))
			return false;
	return true;
}

int
fuzz_offset_slot(int num)
{
	switch (num) {
	case 173: /* pread(fd, buf, n, PAD, offset) */
	case 174: /* pwrite */
		return 4;
	case 199: /* lseek(fd, PAD, offset, whence) */
	case 200: /* truncate(path, PAD, length) */
	case 201: /* ftruncate(fd, PAD, length) */
		return 2;
	default:
		return -1;
	}
}
