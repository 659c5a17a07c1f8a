/*
 * The table of preforked processes (sp_prefork.h). A process whose client
 * went is not freed at once: rumpclient(3)'s fork lets the parent exit
 * before the child's FORK handshake (daemon(3) does), so it waits a bounded
 * time, and a reaper thread frees it then. Freeing enters the kernel; it
 * happens outside the table's lock.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "rump/rumpdefs.h"
#include "rump/rumpuser.h"
#include "sp_limits.h"
#include "sp_prefork.h"
#include "sp_server.h"

struct prefork {
	uint32_t cookie[SP_AUTHLEN];
	struct lwp *lwp;
	const void *owner; /* NULL: an orphan */
	int64_t deadline;  /* an orphan's, monotonic seconds */
	struct prefork *next;
};

static struct {
	struct rumpuser_mtx *mtx; /* everything here */
	struct rumpuser_cv *cv;	  /* the reaper waits on it */
	struct prefork *list;
	int n, norphans;
	bool reaper; /* its thread runs */
} pft;

static void
lock(void)
{
	rumpuser_mutex_enter_nowrap(pft.mtx);
}

static void
unlock(void)
{
	rumpuser_mutex_exit(pft.mtx);
}

static int64_t
now_sec(void)
{
	int64_t sec = 0;
	long nsec;

	rumpuser_clock_gettime(RUMPUSER_CLOCK_ABSMONO, &sec, &nsec);
	return sec;
}

/* Frees a preforked process: its only lwp, no thread bound to it. */
static void
release(struct prefork *pf)
{
	const struct rumpuser_hyperup *hyp = rumpuser__hyp;

	hyp->hyp_schedule();
	hyp->hyp_lwproc_switch(pf->lwp);
	hyp->hyp_lwproc_release();
	hyp->hyp_unschedule();
	free(pf);
}

static void
unlink_entry(struct prefork *pf)
{
	struct prefork **pp;

	for (pp = &pft.list; *pp != pf; pp = &(*pp)->next)
		continue;
	*pp = pf->next;
	pft.n--;
	if (pf->owner == NULL)
		pft.norphans--;
}

/* The orphan to go first (the earliest deadline), or NULL. */
static struct prefork *
oldest_orphan(void)
{
	struct prefork *pf, *best = NULL;

	for (pf = pft.list; pf != NULL; pf = pf->next)
		if (pf->owner == NULL &&
		    (best == NULL || pf->deadline <= best->deadline))
			best = pf;
	return best;
}

void
sp_prefork_init(void)
{
	if (pft.mtx != NULL)
		return;
	rumpuser_mutex_init(&pft.mtx, RUMPUSER_MTX_SPIN);
	rumpuser_cv_init(&pft.cv);
}

int
sp_prefork_held(const void *owner)
{
	struct prefork *pf;
	int n = 0;

	lock();
	for (pf = pft.list; pf != NULL; pf = pf->next)
		n += pf->owner == owner;
	unlock();
	return n;
}

int
sp_prefork_add(const void *owner, struct lwp *lwp, uint32_t cookie[SP_AUTHLEN])
{
	struct prefork *pf = calloc(1, sizeof(*pf));
	size_t got;

	if (pf == NULL)
		return RUMP_ENOMEM;
	if (rumpuser_getrandom(pf->cookie, sizeof(pf->cookie), 0, &got) != 0 ||
	    got != sizeof(pf->cookie)) {
		free(pf);
		return RUMP_EIO;
	}
	pf->lwp = lwp;
	pf->owner = owner;
	/*
	 * The caller sends its own copy: once filed, a FORK handshake on
	 * another connection may claim and free the entry at any moment.
	 */
	memcpy(cookie, pf->cookie, sizeof(pf->cookie));
	lock();
	pf->next = pft.list;
	pft.list = pf;
	pft.n++;
	unlock();
	return 0;
}

struct lwp *
sp_prefork_claim(const uint32_t cookie[SP_AUTHLEN])
{
	struct prefork *pf;
	struct lwp *l = NULL;

	lock();
	for (pf = pft.list; pf != NULL; pf = pf->next)
		if (memcmp(pf->cookie, cookie, sizeof(pf->cookie)) == 0)
			break;
	if (pf != NULL) {
		unlink_entry(pf);
		l = pf->lwp;
		free(pf);
	}
	unlock();
	return l;
}

/* Frees orphans as their time comes; ends when there are none. */
static void *
reaper(void *arg)
{
	struct prefork *pf;
	int64_t now;

	(void)arg;
	lock();
	while ((pf = oldest_orphan()) != NULL) {
		now = now_sec();
		if (pf->deadline > now) {
			rumpuser_cv_timedwait(pft.cv, pft.mtx,
			    pf->deadline - now, 0);
			continue;
		}
		unlink_entry(pf);
		unlock();
		release(pf);
		lock();
	}
	pft.reaper = false;
	unlock();
	return NULL;
}

void
sp_prefork_orphan(const void *owner)
{
	struct prefork *pf, *now = NULL, *next;
	int64_t deadline = now_sec() + sp_limits.orphansecs;
	bool start = false;

	lock();
	for (pf = pft.list; pf != NULL; pf = pf->next)
		if (pf->owner == owner) {
			pf->owner = NULL;
			pf->deadline = deadline;
			pft.norphans++;
		}
	/* Over the cap, or no time to wait: the oldest go now. */
	while (pft.norphans > 0 &&
	    (pft.norphans > sp_limits.maxorphan || sp_limits.orphansecs == 0)) {
		pf = oldest_orphan();
		unlink_entry(pf);
		pf->next = now;
		now = pf;
	}
	if (pft.norphans > 0 && !pft.reaper)
		start = pft.reaper = true;
	unlock();
	for (pf = now; pf != NULL; pf = next) {
		next = pf->next;
		release(pf);
	}
	if (start &&
	    rumpuser_thread_create(reaper, NULL, "spreaper", 0, 0, -1, NULL) !=
		0) {
		/* No thread: they go now rather than never. */
		lock();
		while ((pf = oldest_orphan()) != NULL) {
			unlink_entry(pf);
			unlock();
			release(pf);
			lock();
		}
		pft.reaper = false;
		unlock();
	}
}

int
sp_prefork_count(void)
{
	int n;

	if (pft.mtx == NULL)
		return 0;
	lock();
	n = pft.n;
	unlock();
	return n;
}
