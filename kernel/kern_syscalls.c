/*
 * The rest of the kernel's system calls: pipes, descriptor control, vectored
 * I/O, poll, sysctl, reboot and time.
 */
#include <stdlib.h>
#include <string.h>

#include "kern.h"

int
sys_pipe(struct lwp *l, const void *a, register_t *rv)
{
	int fds[2], error;

	(void)a;
	error = pipe_create(l->l_proc->p_fd, 0, 0, fds);
	if (error == 0) {
		rv[0] = fds[0];
		rv[1] = fds[1];
	}
	return error;
}

int
sys_pipe2(struct lwp *l, const void *a, register_t *rv)
{
	int flags = ARG(a, 1, int), fds[2], error;

	(void)rv;
	if (flags & ~(RUMP_O_NONBLOCK | RUMP_O_CLOEXEC))
		return RUMP_EINVAL;
	error = pipe_create(l->l_proc->p_fd,
	    (flags & RUMP_O_NONBLOCK) ? FNONBLOCK : 0,
	    (flags & RUMP_O_CLOEXEC) != 0, fds);
	if (error == 0 &&
	    (error = copyout(fds, ARG(a, 0, int *), sizeof(fds))) != 0) {
		fd_close(l->l_proc->p_fd, fds[0]);
		fd_close(l->l_proc->p_fd, fds[1]);
	}
	return error;
}

int
sys_fcntl(struct lwp *l, const void *a, register_t *rv)
{
	struct filedesc *fdp = l->l_proc->p_fd;
	int fd = ARG(a, 0, int), cmd = ARG(a, 1, int), error, nfd;
	long arg = ARG(a, 2, long);
	struct file *fp = fd_get(fdp, fd);

	if (fp == NULL)
		return RUMP_EBADF;
	switch (cmd) {
	case RUMP_F_DUPFD:
	case RUMP_F_DUPFD_CLOEXEC:
		if (arg < 0 || arg >= NOFILE)
			return RUMP_EINVAL;
		file_hold(fp);
		if ((error = fd_alloc(fdp, (int)arg, fp, &nfd)) != 0) {
			file_release(fp);
			return error;
		}
		fdp->cloexec[nfd] = cmd == RUMP_F_DUPFD_CLOEXEC;
		*rv = nfd;
		return 0;
	case RUMP_F_GETFD:
		*rv = fdp->cloexec[fd] ? RUMP_FD_CLOEXEC : 0;
		return 0;
	case RUMP_F_SETFD:
		fdp->cloexec[fd] = (arg & RUMP_FD_CLOEXEC) != 0;
		return 0;
	case RUMP_F_GETFL:
		*rv = (fp->flag & (FREAD | FWRITE)) - 1 +
		    ((fp->flag & FNONBLOCK) ? RUMP_O_NONBLOCK : 0) +
		    ((fp->flag & FAPPEND) ? RUMP_O_APPEND : 0);
		return 0;
	case RUMP_F_SETFL: /* only these two may change */
		fp->flag = (fp->flag & ~(FNONBLOCK | FAPPEND)) |
		    ((arg & RUMP_O_NONBLOCK) ? FNONBLOCK : 0) |
		    ((arg & RUMP_O_APPEND) ? FAPPEND : 0);
		return 0;
	case RUMP_F_GETLK:
	case RUMP_F_SETLK:
	case RUMP_F_SETLKW:
		return lock_fcntl(l, fd, fp, cmd, (void *)arg);
	default:
		return RUMP_EINVAL;
	}
}

int
sys_ioctl(struct lwp *l, const void *a, register_t *rv)
{
	struct filedesc *fdp = l->l_proc->p_fd;
	int fd = ARG(a, 0, int), n, error;
	unsigned long com = ARG(a, 1, unsigned long);
	void *data = ARG(a, 2, void *);
	struct file *fp = fd_get(fdp, fd);

	(void)rv;
	if (fp == NULL)
		return RUMP_EBADF;
	switch (com) {
	case RUMP_FIONREAD:
		if (fp->ops->fo_nread == NULL)
			return RUMP_ENOTTY;
		if ((error = fp->ops->fo_nread(fp, &n)) != 0)
			return error;
		return copyout(&n, data, sizeof(n));
	case RUMP_FIONBIO:
		if ((error = copyin(data, &n, sizeof(n))) != 0)
			return error;
		fp->flag = n ? fp->flag | FNONBLOCK : fp->flag & ~FNONBLOCK;
		return 0;
	case 0x20006601: /* FIOCLEX */
		fdp->cloexec[fd] = 1;
		return 0;
	case 0x20006602: /* FIONCLEX */
		fdp->cloexec[fd] = 0;
		return 0;
	default:
		return blkdev_ioctl(fp, com, data); /* disks; else ENOTTY */
	}
}

static int
vectored(struct lwp *l, const void *a, register_t *rv, bool write)
{
	struct file *fp = fd_get(l->l_proc->p_fd, ARG(a, 0, int));
	const struct rump_iovec *uiov = ARG(a, 1, const struct rump_iovec *);
	int cnt = ARG(a, 2, int), error = 0;
	size_t total = 0;

	if (fp == NULL || !(fp->flag & (write ? FWRITE : FREAD)))
		return RUMP_EBADF;
	if (cnt <= 0 || cnt > RUMP_IOV_MAX)
		return RUMP_EINVAL;
	file_hold(fp); /* across the copies, which may wait */
	for (int i = 0; i < cnt; i++) {
		struct rump_iovec iov;
		size_t done = 0;
		/* Integer arithmetic: uiov is the caller's word, not an object. */
		if ((error = copyin((const void *)((uintptr_t)uiov +
					(size_t)i * sizeof(iov)),
			 &iov, sizeof(iov))) != 0)
			break;
		if (iov.iov_len == 0)
			continue;
		error = file_rw(fp, iov.iov_base, iov.iov_len, write, &done);
		total += done;
		if (error != 0 || done < iov.iov_len)
			break;
	}
	file_release(fp);
	if (total > 0)
		error = 0; /* a partial transfer is a success */
	*rv = (register_t)total;
	return error;
}

int
sys_readv(struct lwp *l, const void *a, register_t *rv)
{
	return vectored(l, a, rv, false);
}

int
sys_writev(struct lwp *l, const void *a, register_t *rv)
{
	return vectored(l, a, rv, true);
}

/*
 * The engine of poll and select, on a kernel copy of the array: waits
 * until some descriptor is ready or timeout_ns passes (0: check once,
 * UINT64_MAX: no limit). Sets revents and *ready.
 */
static int
poll_kern(struct lwp *l, struct rump_pollfd *fds, unsigned n,
    uint64_t timeout_ns, int *ready)
{
	uint64_t now = kclock_ns(),
		 deadline = timeout_ns == UINT64_MAX ? 0 : now + timeout_ns;

	for (;;) {
		*ready = 0;
		for (unsigned i = 0; i < n; i++) {
			struct file *fp;

			fds[i].revents = 0;
			if (fds[i].fd < 0)
				continue;
			fp = fd_get(l->l_proc->p_fd, fds[i].fd);
			if (fp == NULL)
				fds[i].revents = RUMP_POLLNVAL;
			else if (fp->ops->fo_poll != NULL)
				fds[i].revents = (short)fp->ops->fo_poll(fp,
				    fds[i].events);
			else
				fds[i].revents = fds[i].events &
				    (RUMP_POLLIN | RUMP_POLLOUT);
			if (fds[i].revents != 0)
				(*ready)++;
		}
		if (*ready > 0 || timeout_ns == 0)
			return 0;
		now = kclock_ns();
		if (deadline != 0 && now >= deadline)
			return 0;
		if (kcv_wait(&poll_kcv, deadline != 0 ? deadline - now : 0) ==
		    RUMP_EINTR)
			return RUMP_EINTR;
	}
}

int
sys_poll(struct lwp *l, const void *a, register_t *rv)
{
	struct rump_pollfd *ufds = ARG(a, 0, struct rump_pollfd *), *fds;
	unsigned nfds = ARG(a, 1, unsigned);
	int timeout = ARG(a, 2, int), ready = 0, error;
	size_t len = nfds * sizeof(*fds);

	if (nfds > 4 * NOFILE)
		return RUMP_EINVAL;
	/* One copy each way: a remote client's poll is two round trips. */
	if ((fds = kmem_zalloc(len + 1)) == NULL)
		return RUMP_ENOMEM;
	error = copyin(ufds, fds, len);
	if (error == 0)
		error = poll_kern(l, fds, nfds,
		    timeout < 0 ? UINT64_MAX : (uint64_t)timeout * 1000000ULL,
		    &ready);
	if (error == 0)
		error = copyout(fds, ufds, len);
	kmem_free(fds, len + 1);
	if (error == 0)
		*rv = ready;
	return error;
}

int
sys_select(struct lwp *l, const void *a, register_t *rv)
{
	int nd = ARG(a, 0, int), ready = 0, error = 0, count = 0;
	void *u[3] = { ARG(a, 1, void *), ARG(a, 2, void *), ARG(a, 3, void *) };
	const struct rump_timeval *utv = ARG(a, 4, const struct rump_timeval *);
	static const short ev[3] = { /* in out pri */
		RUMP_POLLIN | RUMP_POLLRDNORM, RUMP_POLLOUT, RUMP_POLLPRI
	};
	uint32_t sets[3][RUMP_FD_SETSIZE / 32], out[3][RUMP_FD_SETSIZE / 32];
	struct rump_pollfd fds[NOFILE];
	uint64_t timeout = UINT64_MAX;
	struct rump_timeval tv;
	size_t bytes;
	unsigned n = 0;

	if (nd < 0)
		return RUMP_EINVAL;
	if (nd > NOFILE)
		nd = NOFILE; /* no descriptor lies beyond the table */
	bytes = (size_t)(nd + 31) / 32 * sizeof(uint32_t);
	memset(sets, 0, sizeof(sets));
	memset(out, 0, sizeof(out));
	for (int k = 0; k < 3; k++)
		if (u[k] != NULL && (error = copyin(u[k], sets[k], bytes)) != 0)
			return error;
	if (utv != NULL) {
		if ((error = copyin(utv, &tv, sizeof(tv))) != 0)
			return error;
		if (tv.tv_sec < 0 || tv.tv_usec < 0 || tv.tv_usec >= 1000000)
			return RUMP_EINVAL;
		/* Beyond about 146 years is forever: no wrap to a short wait. */
		if (tv.tv_sec < (int64_t)(UINT64_MAX / 4 / 1000000000ULL))
			timeout = (uint64_t)tv.tv_sec * 1000000000ULL +
			    (uint64_t)tv.tv_usec * 1000ULL;
	}
	for (int fd = 0; fd < nd; fd++) {
		short events = 0;
		for (int k = 0; k < 3; k++)
			if (sets[k][fd / 32] & (1U << (fd % 32)))
				events |= ev[k];
		if (events == 0)
			continue;
		if (fd_get(l->l_proc->p_fd, fd) == NULL)
			return RUMP_EBADF;
		fds[n].fd = fd;
		fds[n++].events = events;
	}
	if ((error = poll_kern(l, fds, n, timeout, &ready)) != 0)
		return error;
	for (unsigned i = 0; i < n; i++)
		for (int k = 0; k < 3; k++)
			if (fds[i].revents &
				(ev[k] |
				    (k < 2 ? RUMP_POLLERR | RUMP_POLLHUP : 0)) &&
			    sets[k][fds[i].fd / 32] & (1U << (fds[i].fd % 32))) {
				out[k][fds[i].fd / 32] |= 1U << (fds[i].fd % 32);
				count++;
			}
	for (int k = 0; k < 3; k++)
		if (u[k] != NULL && (error = copyout(out[k], u[k], bytes)) != 0)
			return error;
	*rv = count;
	return 0;
}

/* ---- sysctl ---- */

static int
sysctl_out(const void *val, size_t len, void *oldv, size_t *oldlenp)
{
	size_t have;
	int error;

	if (oldlenp == NULL)
		return 0;
	if ((error = copyin(oldlenp, &have, sizeof(have))) != 0)
		return error;
	if (oldv != NULL) {
		if ((error = copyout(val, oldv, have < len ? have : len)) != 0)
			return error;
	}
	if ((error = copyout(&len, oldlenp, sizeof(len))) != 0)
		return error;
	return oldv != NULL && have < len ? RUMP_ENOMEM : 0;
}

int
sys_sysctl(struct lwp *l, const void *a, register_t *rv)
{
	unsigned namelen = ARG(a, 1, unsigned);
	void *oldv = ARG(a, 2, void *), *newv = (void *)ARG(a, 4, const void *);
	size_t *oldlenp = ARG(a, 3, size_t *), newlen = ARG(a, 5, size_t);
	int name[RUMP_CTL_MAXNAME], error, count;

	(void)rv;
	if (namelen < 2 || namelen > RUMP_CTL_MAXNAME)
		return RUMP_EINVAL;
	if ((error = copyin(ARG(a, 0, const int *), name,
		 namelen * sizeof(int))) != 0)
		return error;
	if (namelen != 2)
		return RUMP_ENOTDIR;
	if (name[0] == RUMP_CTL_KERN && name[1] == RUMP_KERN_HOSTNAME) {
		char nh[sizeof(hostname)];
		if (newv != NULL) {
			if (CRED(l)->euid != 0)
				return RUMP_EPERM;
			if (newlen >= sizeof(hostname))
				return RUMP_EINVAL;
			if ((error = copyin(newv, nh, newlen)) != 0)
				return error;
		}
		error = sysctl_out(hostname, strlen(hostname) + 1, oldv, oldlenp);
		if (newv != NULL && (error == 0 || oldv == NULL)) {
			memcpy(hostname, nh, newlen);
			hostname[newlen] = '\0';
		}
		return error;
	}
	if (newv != NULL)
		return RUMP_EPERM; /* everything else is read-only */
	if (name[0] == RUMP_CTL_KERN && name[1] == RUMP_KERN_OSTYPE)
		return sysctl_out("NetBSD", 7, oldv, oldlenp);
	if (name[0] == RUMP_CTL_KERN && name[1] == RUMP_KERN_OSRELEASE)
		return sysctl_out("10.0", 5, oldv, oldlenp);
	if (name[0] == RUMP_CTL_KERN && kern_count(name[1], &count) == 0)
		return sysctl_out(&count, sizeof(count), oldv, oldlenp);
	if (name[0] == RUMP_CTL_HW && name[1] == RUMP_HW_NCPU) {
		char buf[16];
		int n = 1;

		if (rumpuser_getparam(RUMPUSER_PARAM_NCPU, buf, sizeof(buf)) == 0)
			n = atoi(buf);
		return sysctl_out(&n, sizeof(n), oldv, oldlenp);
	}
	if (name[0] == RUMP_CTL_HW && name[1] == RUMP_HW_PAGESIZE) {
		int ps = 4096;
		return sysctl_out(&ps, sizeof(ps), oldv, oldlenp);
	}
	if (name[0] == RUMP_CTL_HW && name[1] == RUMP_HW_PHYSMEM64) {
		uint64_t pm = kmem_limit();
		return sysctl_out(&pm, sizeof(pm), oldv, oldlenp);
	}
	return RUMP_EOPNOTSUPP;
}

/* ---- reboot and time ---- */

int
sys_reboot(struct lwp *l, const void *a, register_t *rv)
{
	int howto = ARG(a, 0, int);

	(void)rv;
	if (CRED(l)->euid != 0)
		return RUMP_EPERM;
	kern_printf("rump kernel halting...\n");
	/* As NetBSD: the disks are written back unless RB_NOSYNC. */
	if (!(howto & RUMP_RB_NOSYNC))
		vfs_shutdown();
	if (howto & RUMP_RB_HALT) {
		kern_printf("rump kernel halted (with RB_HALT, not exiting)\n");
		for (;;) /* the hypercall gives the CPU up */
			rumpuser_clock_sleep(RUMPUSER_CLOCK_RELWALL, 3600, 0);
	}
	/* A remote caller gets its success reply before the server goes. */
	rumpuser_sp_fini(l->l_proc->p_vmspace);
	kern_printf("halted\n");
	rumpuser_exit(howto & RUMP_RB_DUMP ? RUMPUSER_PANIC : 0);
}

int
sys_clock_gettime(struct lwp *l, const void *a, register_t *rv)
{
	struct ktimespec ts;
	int64_t s;
	int error;

	(void)l;
	(void)rv;
	switch (ARG(a, 0, int)) {
	case RUMP_CLOCK_REALTIME:
		error = kclock_realtime(&ts);
		s = ts.tv_sec;
		break;
	case RUMP_CLOCK_MONOTONIC:
		error = rumpuser_clock_gettime(RUMPUSER_CLOCK_ABSMONO, &s,
		    &ts.tv_nsec);
		break;
	default:
		return RUMP_EINVAL;
	}
	if (error != 0)
		return error;
	ts.tv_sec = s;
	return copyout(&ts, ARG(a, 1, void *), sizeof(ts));
}

int
sys_nanosleep(struct lwp *l, const void *a, register_t *rv)
{
	struct ktimespec ts, left = { 0, 0 };
	void *rmtp = ARG(a, 1, void *);
	struct kcv alone = { 0 }; /* nobody wakes it but an interrupt */
	uint64_t ns, deadline, now;
	int error;

	(void)l;
	(void)rv;
	if ((error = copyin(ARG(a, 0, const void *), &ts, sizeof(ts))) != 0)
		return error;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L)
		return RUMP_EINVAL;
	/* Longer than about 146 years is as good as forever: cut there. */
	ns = ts.tv_sec > (int64_t)(UINT64_MAX / 4 / 1000000000ULL) ?
	    UINT64_MAX / 4 :
	    (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	deadline = kclock_ns() + ns;
	/* A kernel sleep: a draining process (client gone) wakes with EINTR. */
	while ((now = kclock_ns()) < deadline) {
		if (kcv_wait(&alone, deadline - now) == RUMP_EINTR) {
			now = kclock_ns();
			if (now < deadline) {
				left.tv_sec = (int64_t)((deadline - now) /
				    1000000000ULL);
				left.tv_nsec = (long)((deadline - now) %
				    1000000000ULL);
			}
			error = RUMP_EINTR;
			break;
		}
	}
	kcv_destroy(&alone);
	if (rmtp != NULL && (error == 0 || error == RUMP_EINTR)) {
		int e = copyout(&left, rmtp, sizeof(left));
		if (error == 0)
			error = e;
	}
	return error;
}
