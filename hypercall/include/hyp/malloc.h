/*
 * The hypercall layer's allocator (hypercall/malloc.c), behind
 * rumpuser_malloc/rumpuser_free. Thread context only.
 */
#ifndef HYP_MALLOC_H
#define HYP_MALLOC_H

#include <stddef.h>

/* len bytes aligned to align (a power of two; 0 means 8), or NULL. */
void *hyp_malloc(size_t len, size_t align);

/* Frees what hyp_malloc returned; len must be the length asked for. */
void hyp_free(void *p, size_t len);

/* Bytes handed out and not yet freed (for leak checks). */
size_t hyp_malloc_inuse(void);

#endif
