/*
 * newlib's allocator entry points on the hypercall allocator, so that the C
 * library and the layers below share one heap: large blocks go back to the
 * page allocator when freed, and no fixed sbrk arena is carved out.
 * Each block carries a 16-byte header just below the pointer handed out:
 * where the underlying allocation starts and how long it is.
 */
#include <errno.h>
#include <reent.h>
#include <stdint.h>
#include <string.h>

#include "rump/rumpuser.h"

struct hdr {
	void *base; /* what rumpuser_malloc returned */
	size_t len; /* its length (rumpuser_free needs it) */
};

#define HDR sizeof(struct hdr) /* 16: keeps 16-byte alignment */

static struct hdr *
hdr_of(void *p)
{
	return (struct hdr *)p - 1;
}

void *
_memalign_r(struct _reent *r, size_t align, size_t n)
{
	size_t len;
	void *base;
	char *user;

	if (align < HDR)
		align = HDR;
	if ((align & (align - 1)) != 0 || n > SIZE_MAX / 2) {
		r->_errno = EINVAL;
		return NULL;
	}
	/* The header needs a whole alignment unit in front of the pointer. */
	len = n + align;
	if (rumpuser_malloc(len, (int)align, &base) != 0) {
		r->_errno = ENOMEM;
		return NULL;
	}
	user = (char *)base + align;
	hdr_of(user)->base = base;
	hdr_of(user)->len = len;
	return user;
}

void *
_malloc_r(struct _reent *r, size_t n)
{
	return _memalign_r(r, HDR, n);
}

void
_free_r(struct _reent *r, void *p)
{
	(void)r;
	if (p != NULL)
		rumpuser_free(hdr_of(p)->base, hdr_of(p)->len);
}

size_t
_malloc_usable_size_r(struct _reent *r, void *p)
{
	(void)r;
	return hdr_of(p)->len - (size_t)((char *)p - (char *)hdr_of(p)->base);
}

void *
_calloc_r(struct _reent *r, size_t nmemb, size_t size)
{
	void *p;

	if (size != 0 && nmemb > SIZE_MAX / size) {
		r->_errno = ENOMEM;
		return NULL;
	}
	p = _malloc_r(r, nmemb * size);
	if (p != NULL)
		memset(p, 0, nmemb * size);
	return p;
}

void *
_realloc_r(struct _reent *r, void *old, size_t n)
{
	size_t have;
	void *p;

	if (old == NULL)
		return _malloc_r(r, n);
	if (n == 0) {
		_free_r(r, old);
		return NULL;
	}
	have = _malloc_usable_size_r(r, old);
	if (n <= have)
		return old;
	p = _malloc_r(r, n);
	if (p == NULL)
		return NULL;
	memcpy(p, old, have);
	_free_r(r, old);
	return p;
}
