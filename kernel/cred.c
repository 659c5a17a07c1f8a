/*
 * Credentials, reference counted and copied on write.
 */
#include <string.h>

#include "kern.h"

struct kauth_cred *
cred_root(void)
{
	struct kauth_cred *c = kmem_zalloc(sizeof(*c));

	if (c == NULL)
		kpanic("out of memory for root credentials");
	c->refs = 1;
	c->ngroups = 1; /* group wheel (0) */
	return c;
}

struct kauth_cred *
cred_copy(const struct kauth_cred *c)
{
	struct kauth_cred *n = kmem_zalloc(sizeof(*n));

	if (n == NULL)
		return NULL;
	memcpy(n, c, sizeof(*n));
	n->refs = 1;
	return n;
}

void
cred_hold(struct kauth_cred *c)
{
	c->refs++;
}

void
cred_free(struct kauth_cred *c)
{
	KASSERT(c->refs > 0);
	if (--c->refs == 0)
		kmem_free(c, sizeof(*c));
}
