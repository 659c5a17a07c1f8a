/*
 * Process groups, sessions, login names, resource limits and kill(2), with
 * NetBSD's rules (setpgid(2), setsid(2), getlogin(2), getrlimit(2),
 * kill(2)).
 *
 * proc0 is in session 0, group 0; init (pid 1) starts a session of its own
 * (sid 1, pgid 1), as a real init calls setsid(); every later process
 * inherits its parent's group, session and limits. All processes descend
 * from proc0 (orphans go to init), so walking proc0's tree finds them all.
 */
#include <string.h>

#include "kern.h"

static struct ksession *
session_new(kpid_t sid, const char *login)
{
	struct ksession *s = kmem_zalloc(sizeof(*s));

	if (s == NULL)
		return NULL;
	s->s_refs = 1;
	s->s_sid = sid;
	memcpy(s->s_login, login, sizeof(s->s_login));
	return s;
}

static void
session_rele(struct ksession *s)
{
	if (s != NULL && --s->s_refs == 0)
		kmem_free(s, sizeof(*s));
}

/* NetBSD's defaults; the descriptor limit is the table's size. */
static void
limits_default(struct rump_rlimit *rl)
{
	for (int i = 0; i < RUMP_RLIM_NLIMITS; i++)
		rl[i].rlim_cur = rl[i].rlim_max = RUMP_RLIM_INFINITY;
	rl[RUMP_RLIMIT_NOFILE].rlim_cur = rl[RUMP_RLIMIT_NOFILE].rlim_max = NOFILE;
	rl[RUMP_RLIMIT_CORE].rlim_cur = 0;
}

/* Calls fn for every process but proc0; stops at the first nonzero. */
static int
proc_walk(struct proc *top, int (*fn)(struct proc *, void *), void *arg)
{
	int r;

	for (struct proc *c = top->p_children; c != NULL; c = c->p_sibling) {
		if ((r = fn(c, arg)) != 0 || (r = proc_walk(c, fn, arg)) != 0)
			return r;
	}
	return 0;
}

static int
count_uid(struct proc *p, void *arg)
{
	uint32_t *a = arg; /* a[0] uid, a[1] count */

	if (p->p_cred->uid == a[0])
		a[1]++;
	return 0;
}

int
prot_proc_init(struct proc *p, struct proc *parent)
{
	static const char none[RUMP_MAXLOGNAME];
	const struct rump_rlimit *nproc;
	uint32_t a[2];

	if (parent == NULL || (parent == &proc0 && initproc == NULL)) {
		/* proc0, then init: a session each. */
		if ((p->p_session = session_new(p->p_pid, none)) == NULL)
			return RUMP_ENOMEM;
		p->p_pgid = p->p_pid;
		limits_default(p->p_rlimit);
		return 0;
	}
	/* RLIMIT_NPROC counts the real user's processes; root is exempt. */
	nproc = &parent->p_rlimit[RUMP_RLIMIT_NPROC];
	if (parent->p_cred->uid != 0 && nproc->rlim_cur != RUMP_RLIM_INFINITY) {
		a[0] = parent->p_cred->uid;
		a[1] = 0;
		proc_walk(&proc0, count_uid, a);
		if (a[1] >= nproc->rlim_cur)
			return RUMP_EAGAIN;
	}
	p->p_session = parent->p_session;
	p->p_session->s_refs++;
	p->p_pgid = parent->p_pgid;
	memcpy(p->p_rlimit, parent->p_rlimit, sizeof(p->p_rlimit));
	p->p_flag |= parent->p_flag & PS_SUGID;
	return 0;
}

void
prot_proc_free(struct proc *p)
{
	session_rele(p->p_session);
	p->p_session = NULL;
}

int
proc_nofile(void)
{
	struct lwp *l = curlwp();
	uint64_t lim;

	if (l == NULL)
		return NOFILE;
	lim = l->l_proc->p_rlimit[RUMP_RLIMIT_NOFILE].rlim_cur;
	return lim < NOFILE ? (int)lim : NOFILE;
}

/* ---- process groups and sessions ---- */

int
sys_getpgrp(struct lwp *l, const void *a, register_t *rv)
{
	(void)a;
	*rv = l->l_proc->p_pgid;
	return 0;
}

/* pid 0 is the caller; otherwise the process, or NULL. */
static struct proc *
proc_or_self(struct lwp *l, kpid_t pid)
{
	return pid == 0 ? l->l_proc : proc_find(pid);
}

int
sys_getpgid(struct lwp *l, const void *a, register_t *rv)
{
	struct proc *p = proc_or_self(l, ARG(a, 0, kpid_t));

	if (p == NULL || p == &proc0)
		return RUMP_ESRCH;
	*rv = p->p_pgid;
	return 0;
}

int
sys_getsid(struct lwp *l, const void *a, register_t *rv)
{
	struct proc *p = proc_or_self(l, ARG(a, 0, kpid_t));

	if (p == NULL || p == &proc0)
		return RUMP_ESRCH;
	*rv = p->p_session->s_sid;
	return 0;
}

struct pgfind {
	kpid_t pgid;
	struct ksession *sess; /* out: the group's session */
};

static int
pg_match(struct proc *p, void *arg)
{
	struct pgfind *f = arg;

	if (p->p_pgid != f->pgid)
		return 0;
	f->sess = p->p_session;
	return 1;
}

/* The session of process group pgid, or NULL when no process is in it. */
static struct ksession *
pgrp_session(kpid_t pgid)
{
	struct pgfind f = { pgid, NULL };

	proc_walk(&proc0, pg_match, &f);
	return f.sess;
}

int
sys_setsid(struct lwp *l, const void *a, register_t *rv)
{
	struct proc *p = l->l_proc;
	struct ksession *s;

	(void)a;
	/* A group leader, or anyone whose pid names a group, may not. */
	if (p->p_pgid == p->p_pid || pgrp_session(p->p_pid) != NULL)
		return RUMP_EPERM;
	if ((s = session_new(p->p_pid, p->p_session->s_login)) == NULL)
		return RUMP_ENOMEM;
	session_rele(p->p_session);
	p->p_session = s;
	p->p_pgid = p->p_pid;
	*rv = p->p_pid;
	return 0;
}

int
sys_setpgid(struct lwp *l, const void *a, register_t *rv)
{
	kpid_t pid = ARG(a, 0, kpid_t), pgid = ARG(a, 1, kpid_t);
	struct proc *self = l->l_proc, *p;
	struct ksession *s;

	(void)rv;
	if (pgid < 0)
		return RUMP_EINVAL;
	p = proc_or_self(l, pid);
	/* Only the caller or one of its children. */
	if (p == NULL || p == &proc0 || (p != self && p->p_pptr != self))
		return RUMP_ESRCH;
	if (p->p_session != self->p_session)
		return RUMP_EPERM;
	if (p->p_session->s_sid == p->p_pid) /* a session leader */
		return RUMP_EPERM;
	if (pgid == 0)
		pgid = p->p_pid;
	if (pgid != p->p_pid) {
		/* Joining a group: it must exist, in the same session. */
		s = pgrp_session(pgid);
		if (s != p->p_session)
			return RUMP_EPERM;
	}
	p->p_pgid = pgid;
	return 0;
}

int
sys___getlogin(struct lwp *l, const void *a, register_t *rv)
{
	size_t len = ARG(a, 1, size_t);

	(void)rv;
	if (len > RUMP_MAXLOGNAME)
		len = RUMP_MAXLOGNAME;
	return copyout(l->l_proc->p_session->s_login, ARG(a, 0, void *), len);
}

int
sys___setlogin(struct lwp *l, const void *a, register_t *rv)
{
	char login[RUMP_MAXLOGNAME];
	size_t len;
	int error;

	(void)rv;
	if (CRED(l)->euid != 0)
		return RUMP_EPERM;
	memset(login, 0, sizeof(login));
	error = copyinstr(ARG(a, 0, const char *), login, sizeof(login), &len);
	if (error == RUMP_ENAMETOOLONG)
		return RUMP_EINVAL;
	if (error != 0)
		return error;
	memcpy(l->l_proc->p_session->s_login, login, sizeof(login));
	return 0;
}

int
sys_issetugid(struct lwp *l, const void *a, register_t *rv)
{
	(void)a;
	*rv = (l->l_proc->p_flag & PS_SUGID) != 0;
	return 0;
}

/* ---- resource limits and usage ---- */

int
sys_getrlimit(struct lwp *l, const void *a, register_t *rv)
{
	unsigned which = ARG(a, 0, unsigned);

	(void)rv;
	if (which >= RUMP_RLIM_NLIMITS)
		return RUMP_EINVAL;
	return copyout(&l->l_proc->p_rlimit[which], ARG(a, 1, void *),
	    sizeof(struct rump_rlimit));
}

int
sys_setrlimit(struct lwp *l, const void *a, register_t *rv)
{
	unsigned which = ARG(a, 0, unsigned);
	struct rump_rlimit new, *cur;
	int error;

	(void)rv;
	if (which >= RUMP_RLIM_NLIMITS)
		return RUMP_EINVAL;
	if ((error = copyin(ARG(a, 1, const void *), &new, sizeof(new))) != 0)
		return error;
	if (new.rlim_cur > RUMP_RLIM_INFINITY)
		new.rlim_cur = RUMP_RLIM_INFINITY;
	if (new.rlim_max > RUMP_RLIM_INFINITY)
		new.rlim_max = RUMP_RLIM_INFINITY;
	if (new.rlim_cur > new.rlim_max)
		return RUMP_EINVAL;
	cur = &l->l_proc->p_rlimit[which];
	if (new.rlim_max > cur->rlim_max && CRED(l)->euid != 0)
		return RUMP_EPERM;
	/* As NetBSD caps it at maxfiles: the table holds no more. */
	if (which == RUMP_RLIMIT_NOFILE) {
		if (new.rlim_cur > NOFILE)
			new.rlim_cur = NOFILE;
		if (new.rlim_max > NOFILE)
			new.rlim_max = NOFILE;
	}
	*cur = new;
	return 0;
}

/*
 * No CPU time is accounted per process here: the times are zero, and so
 * are the counters this kernel does not keep. RUSAGE_CHILDREN is the same
 * (children leave no zombies to collect from).
 */
int
sys___getrusage50(struct lwp *l, const void *a, register_t *rv)
{
	struct rump_rusage ru;
	int who = ARG(a, 0, int);

	(void)l;
	(void)rv;
	if (who != RUMP_RUSAGE_SELF && who != RUMP_RUSAGE_CHILDREN)
		return RUMP_EINVAL;
	memset(&ru, 0, sizeof(ru));
	return copyout(&ru, ARG(a, 1, void *), sizeof(ru));
}

/* ---- kill(2) ---- */

struct killarg {
	struct lwp *l;
	kpid_t pgid; /* 0: every process */
	int found, permitted;
	kpid_t *pids; /* the permitted ones, when set: room for npids */
	int npids;
};

/*
 * NetBSD's rule: root, or a real or effective id of the sender matching
 * the target's real or saved one.
 */
static bool
may_signal(struct kauth_cred *c, struct proc *p)
{
	struct kauth_cred *t = p->p_cred;

	return c->euid == 0 || c->uid == t->uid || c->uid == t->svuid ||
	    c->euid == t->uid || c->euid == t->svuid;
}

/* Whether a group kill(2) as k says reaches p: 0, 1 found, 2 permitted. */
static int
kill_reach(const struct killarg *k, struct proc *p)
{
	if (p == initproc || (k->pgid != 0 && p->p_pgid != k->pgid) ||
	    (k->pgid == 0 && p == k->l->l_proc))
		return 0;
	return may_signal(CRED(k->l), p) ? 2 : 1;
}

static int
kill_one(struct proc *p, void *arg)
{
	struct killarg *k = arg;
	int r = kill_reach(k, p);

	k->found += r > 0;
	if (r == 2 && k->permitted < k->npids)
		k->pids[k->permitted] = p->p_pid;
	k->permitted += r == 2;
	return 0;
}

/*
 * Signals the processes of a group kill(2). Sending a signal to a remote
 * process gives the kernel's CPU up (rumpuser_sp_raise), and processes
 * may go meanwhile, so the walk only collects pids; each is then found
 * again, and checked again, before it gets the signal.
 */
static int
kill_group(struct killarg *k, int sig)
{
	size_t len;
	struct proc *p;
	int n;

	proc_walk(&proc0, kill_one, k);
	if (k->found == 0)
		return RUMP_ESRCH;
	if (k->permitted == 0)
		return RUMP_EPERM;
	if (sig == 0)
		return 0;
	len = (size_t)k->permitted * sizeof(kpid_t);
	if ((k->pids = kmem_zalloc(len)) == NULL)
		return RUMP_ENOMEM;
	n = k->npids = k->permitted;
	k->found = k->permitted = 0;
	proc_walk(&proc0, kill_one, k); /* no sleep since the first walk */
	KASSERT(k->permitted == n);
	for (int i = 0; i < n; i++)
		if ((p = proc_find(k->pids[i])) != NULL && kill_reach(k, p) == 2)
			ksignal(p, sig);
	kmem_free(k->pids, len);
	return 0;
}

int
sys_kill(struct lwp *l, const void *a, register_t *rv)
{
	kpid_t pid = ARG(a, 0, kpid_t);
	int sig = ARG(a, 1, int);
	struct killarg k = { l, 0, 0, 0, NULL, 0 };
	struct proc *p;

	(void)rv;
	if (sig < 0 || sig >= RUMP_NSIG)
		return RUMP_EINVAL;
	if (pid == INT32_MIN)
		return RUMP_ESRCH; /* no group -pid: -pid would overflow */
	if (pid > 0) {
		if ((p = proc_find(pid)) == NULL || p == &proc0)
			return RUMP_ESRCH;
		if (!may_signal(CRED(l), p))
			return RUMP_EPERM;
		if (sig != 0)
			ksignal(p, sig);
		return 0;
	}
	/*
	 * 0: the caller's group; -1: everyone but init and the caller;
	 * < -1: group -pid. Init is never signalled this way. The most
	 * negative pid names no group (-pid would overflow).
	 */
	if (pid == INT32_MIN)
		return RUMP_ESRCH;
	k.pgid = pid == 0 ? l->l_proc->p_pgid : pid == -1 ? 0 : -pid;
	return kill_group(&k, sig);
}
