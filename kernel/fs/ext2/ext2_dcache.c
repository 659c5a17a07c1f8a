/*
 * The names of a large directory in memory: name -> the directory block
 * that holds it, so that a lookup (and the check before a create) reads
 * one block instead of the whole list, and costs the same at 10 entries
 * and at 10,000. Built on the first search of a directory of
 * DC_MIN_BLOCKS blocks or more, kept exact by every add and remove (a
 * name absent here is absent from the disk), and dropped when memory runs
 * out or the directory is forgotten. The disk stays the truth: a name is
 * always confirmed in its block.
 */
#include <string.h>

#include "kern.h"
#include "ext2.h"

struct dcname {
	struct dcname *next;
	uint32_t lbn;
	uint8_t len;
	char name[];
};

struct e2dcache {
	struct dcname **tab;
	uint32_t nbuckets;
	uint32_t count;
};

static uint32_t
hashname(const char *name, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)name[i]) * 16777619u;
	return h;
}

void
e2_dc_free(struct e2inode *dp)
{
	struct e2dcache *dc = dp->i_dcache;
	struct dcname *n;

	if (dc == NULL)
		return;
	for (uint32_t b = 0; b < dc->nbuckets; b++) {
		while ((n = dc->tab[b]) != NULL) {
			dc->tab[b] = n->next;
			kmem_free(n, sizeof(*n) + n->len);
		}
	}
	kmem_free(dc->tab, dc->nbuckets * sizeof(*dc->tab));
	kmem_free(dc, sizeof(*dc));
	dp->i_dcache = NULL;
}

/* Doubles the table; false (the cache unchanged) without memory. */
static bool
grow(struct e2dcache *dc)
{
	uint32_t nb = dc->nbuckets * 2;
	struct dcname **tab = kmem_zalloc(nb * sizeof(*tab)), *n;

	if (tab == NULL)
		return false;
	for (uint32_t b = 0; b < dc->nbuckets; b++) {
		while ((n = dc->tab[b]) != NULL) {
			dc->tab[b] = n->next;
			n->next = tab[hashname(n->name, n->len) % nb];
			tab[hashname(n->name, n->len) % nb] = n;
		}
	}
	kmem_free(dc->tab, dc->nbuckets * sizeof(*dc->tab));
	dc->tab = tab;
	dc->nbuckets = nb;
	return true;
}

void
e2_dc_add(struct e2inode *dp, const char *name, size_t len, uint32_t lbn)
{
	struct e2dcache *dc = dp->i_dcache;
	struct dcname *n;
	uint32_t b;

	if (dc == NULL)
		return;
	if (dc->count >= 2 * dc->nbuckets && !grow(dc)) {
		e2_dc_free(dp);
		return;
	}
	n = kmem_zalloc(sizeof(*n) + len);
	if (n == NULL) {
		e2_dc_free(dp); /* incomplete would be wrong */
		return;
	}
	n->lbn = lbn;
	n->len = (uint8_t)len;
	memcpy(n->name, name, len);
	b = hashname(name, len) % dc->nbuckets;
	n->next = dc->tab[b];
	dc->tab[b] = n;
	dc->count++;
}

void
e2_dc_remove(struct e2inode *dp, const char *name, size_t len)
{
	struct e2dcache *dc = dp->i_dcache;
	struct dcname **pp, *n;

	if (dc == NULL)
		return;
	for (pp = &dc->tab[hashname(name, len) % dc->nbuckets];
	     (n = *pp) != NULL; pp = &n->next) {
		if (n->len == len && memcmp(n->name, name, len) == 0) {
			*pp = n->next;
			kmem_free(n, sizeof(*n) + n->len);
			dc->count--;
			return;
		}
	}
}

int
e2_dc_lookup(struct e2inode *dp, const char *name, size_t len, uint32_t *lbnp)
{
	struct e2dcache *dc = dp->i_dcache;
	struct dcname *n;

	if (dc == NULL)
		return -1;
	for (n = dc->tab[hashname(name, len) % dc->nbuckets]; n != NULL;
	     n = n->next) {
		if (n->len == len && memcmp(n->name, name, len) == 0) {
			*lbnp = n->lbn;
			return 1;
		}
	}
	return 0;
}

bool
e2_dc_start(struct e2inode *dp)
{
	struct e2dcache *dc;

	if (dp->i_dcache != NULL)
		return true;
	dc = kmem_zalloc(sizeof(*dc));
	if (dc == NULL)
		return false;
	dc->nbuckets = 256;
	dc->tab = kmem_zalloc(dc->nbuckets * sizeof(*dc->tab));
	if (dc->tab == NULL) {
		kmem_free(dc, sizeof(*dc));
		return false;
	}
	dp->i_dcache = dc;
	return true;
}
