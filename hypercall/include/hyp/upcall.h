/*
 * The kernel's upcalls as the hypercall layer uses them (rumpuser.c keeps
 * the table rumpuser_init() was given in rumpuser__hyp).
 */
#ifndef HYP_UPCALL_H
#define HYP_UPCALL_H

#include "rump/rumpuser.h"
#include "rump/rumpuser_sp.h"

/* Releases the kernel's virtual CPU before blocking (hyp_backend_unschedule). */
static inline void
hyp_unsched(int *nlocks, void *interlock)
{
	/* A rump_sp reader running a call inline passes its role on first. */
	if (rumpuser__sp_willblock != NULL)
		rumpuser__sp_willblock();
	if (rumpuser__hyp != NULL)
		rumpuser__hyp->hyp_backend_unschedule(0, nlocks, interlock);
	else
		*nlocks = 0;
}

/* Takes the virtual CPU back after blocking (hyp_backend_schedule). */
static inline void
hyp_sched(int nlocks, void *interlock)
{
	if (rumpuser__hyp != NULL)
		rumpuser__hyp->hyp_backend_schedule(nlocks, interlock);
}

#endif
