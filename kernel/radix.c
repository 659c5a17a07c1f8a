/*
 * A radix tree from 64-bit keys to pointers: 64 slots a node, as many
 * levels as the largest key needs (at most 11). Memory follows what is
 * stored: a node lives while some slot below it is used, so a single key
 * near 2^51 costs 9 nodes, not an array up to it. tmpfs keeps file blocks
 * (key: block number) and directory entries (key: the entry's cookie) in
 * them.
 */
#include <string.h>

#include "kern.h"

#define RADIX_SHIFT 6
#define RADIX_SLOTS (1U << RADIX_SHIFT)
#define RADIX_MASK  (RADIX_SLOTS - 1)
#define RADIX_MAXH  11 /* 66 bits >= 64 */

struct rnode {
	void *slot[RADIX_SLOTS];
};

/* Levels needed to hold key (at least 1). */
static unsigned
fit_height(uint64_t key)
{
	unsigned h = 1;

	while (h < RADIX_MAXH && (key >> (RADIX_SHIFT * h)) != 0)
		h++;
	return h;
}

static unsigned
slot_of(uint64_t key, unsigned h)
{
	return (unsigned)(key >> (RADIX_SHIFT * (h - 1))) & RADIX_MASK;
}

void *
radix_get(const struct radix *r, uint64_t key)
{
	void *n = r->root;

	if (r->height == 0 || fit_height(key) > r->height)
		return NULL;
	for (unsigned h = r->height; h > 0 && n != NULL; h--)
		n = ((struct rnode *)n)->slot[slot_of(key, h)];
	return n;
}

/* Clears key under *pp (height h) and frees the nodes left empty. */
static void *
del_rec(void **pp, unsigned h, uint64_t key)
{
	struct rnode *n = *pp;
	void **cp, *old;

	if (n == NULL)
		return NULL;
	cp = &n->slot[slot_of(key, h)];
	if (h == 1) {
		old = *cp;
		*cp = NULL;
	} else
		old = del_rec(cp, h - 1, key);
	for (unsigned i = 0; i < RADIX_SLOTS; i++)
		if (n->slot[i] != NULL)
			return old;
	kmem_free(n, sizeof(*n));
	*pp = NULL;
	return old;
}

void *
radix_del(struct radix *r, uint64_t key)
{
	void *old;

	if (r->height == 0 || fit_height(key) > r->height)
		return NULL;
	old = del_rec(&r->root, r->height, key);
	if (r->root == NULL)
		r->height = 0;
	return old;
}

int
radix_set(struct radix *r, uint64_t key, void *val)
{
	unsigned need = fit_height(key);
	void **pp;

	KASSERT(val != NULL);
	while (r->height < need) {
		/* A new root above: the old tree becomes its slot 0. */
		if (r->root != NULL) {
			struct rnode *nr = kmem_obj_alloc(sizeof(*nr));
			if (nr == NULL)
				return RUMP_ENOMEM;
			nr->slot[0] = r->root;
			r->root = nr;
		}
		r->height++;
	}
	pp = &r->root;
	for (unsigned h = r->height; h > 0; h--) {
		if (*pp == NULL &&
		    (*pp = kmem_obj_alloc(sizeof(struct rnode))) == NULL) {
			radix_del(r, key); /* frees the nodes made for it */
			return RUMP_ENOMEM;
		}
		pp = &((struct rnode *)*pp)->slot[slot_of(key, h)];
	}
	*pp = val;
	return 0;
}

/* The first key >= key in the subtree n of height h (key relative to it). */
static bool
next_rec(const struct rnode *n, unsigned h, uint64_t key, uint64_t *out,
    void **valp)
{
	unsigned shift = RADIX_SHIFT * (h - 1), first = slot_of(key, h);
	uint64_t low = shift == 0 ? 0 : key & (((uint64_t)1 << shift) - 1);

	for (unsigned i = first; i < RADIX_SLOTS; i++) {
		uint64_t sub;
		if (n->slot[i] == NULL)
			continue;
		if (h == 1) {
			*out = i;
			*valp = n->slot[i];
			return true;
		}
		/* Past the first slot every non-empty child has a key. */
		if (next_rec(n->slot[i], h - 1, i == first ? low : 0, &sub, valp)) {
			*out = ((uint64_t)i << shift) | sub;
			return true;
		}
	}
	return false;
}

bool
radix_next(const struct radix *r, uint64_t *keyp, void **valp)
{
	if (r->height == 0 || fit_height(*keyp) > r->height)
		return false;
	return next_rec(r->root, r->height, *keyp, keyp, valp);
}
