/*
 * libFuzzer target: the kernel's system call dispatch with arbitrary
 * argument slots, pointers included, on the host build.
 *
 * Each input runs as one remote process, as the rump_sp server makes them:
 * its address space is a fake client whose memory is a fuzz-owned buffer
 * (VM_BASE .. VM_BASE + VM_SIZE). This file stands in for the server's
 * rumpuser_sp_copy*() hypercalls, so the kernel reaches user memory only
 * through a bounds-checked copy that answers EFAULT outside the buffer; a
 * fuzz pointer dereferenced anywhere else is a bug the sanitizers report.
 *
 * Input: u16 n, then n bytes of the client's memory image, then records of
 * 68 bytes: u16 call (bit 15 set: the number itself mod 512; clear: an
 * index into the calls the kernel has), u8 mask (bit i: slot i points into
 * the client's memory at offset value mod VM_SIZE), u8 unused, 8 slots.
 *
 * A call that would sleep is interrupted as a disconnecting client's would
 * be (EINTR), so a read on an empty pipe does not hang the fuzzer. The one
 * call left out is reboot (208): it ends the process running the fuzzer.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "kern.h"
#include "rump/rump.h"
#include "rump/rumpuser.h"
#include "rump/rumpuser_sp.h"

#define VM_BASE	   0x10000000UL
#define VM_SIZE	   8192
#define MAXCALLS   16
#define RECSIZE	   68
#define SYS_REBOOT 208
#define NSLOTS	   8 /* argument slots, as the server passes */


/*
 * The calls the host kernel has: its dispatch table, generated from
 * kernel/syscalls.master, included here too to list the numbers in it.
 */
typedef int (*sy_call_t)(struct lwp *, const void *, register_t *);
#include "sysent.h"
static uint16_t known[NSYSENT];
static size_t nknown;

static struct {
	uint8_t mem[VM_SIZE];
} vm;

/* ---- the fake client's side of the copy hypercalls ---- */

/* The offset of [raddr, raddr + len) in vm.mem, or -1 when outside. */
static long
vm_range(const void *raddr, size_t len)
{
	uintptr_t a = (uintptr_t)raddr;

	if (a < VM_BASE || a - VM_BASE > VM_SIZE || len > VM_SIZE - (a - VM_BASE))
		return -1;
	return (long)(a - VM_BASE);
}

int
rumpuser_sp_copyin(void *arg, const void *raddr, void *laddr, size_t len)
{
	long off = vm_range(raddr, len);

	if (arg != &vm || off < 0)
		return RUMP_EFAULT;
	memcpy(laddr, vm.mem + off, len);
	return 0;
}

int
rumpuser_sp_copyinstr(void *arg, const void *raddr, void *laddr, size_t *lenp)
{
	long off = vm_range(raddr, 0);
	size_t n;

	if (arg != &vm || off < 0)
		return RUMP_EFAULT;
	n = VM_SIZE - (size_t)off < *lenp ? VM_SIZE - (size_t)off : *lenp;
	/* A string running off the end of the client's memory faults. */
	if (memchr(vm.mem + off, '\0', n) == NULL && n < *lenp)
		return RUMP_EFAULT;
	memcpy(laddr, vm.mem + off, n);
	*lenp = n;
	return 0;
}

int
rumpuser_sp_copyout(void *arg, const void *laddr, void *raddr, size_t len)
{
	long off = vm_range(raddr, len);

	if (arg != &vm || off < 0)
		return RUMP_EFAULT;
	memcpy(vm.mem + off, laddr, len);
	return 0;
}

int
rumpuser_sp_copyoutstr(void *arg, const void *laddr, void *raddr, size_t *lenp)
{
	size_t n = strnlen(laddr, *lenp);

	if (n == *lenp)
		return RUMP_ENAMETOOLONG;
	*lenp = n + 1;
	return rumpuser_sp_copyout(arg, laddr, raddr, n + 1);
}

int
rumpuser_sp_anonmmap(void *arg, size_t len, void **addrp)
{
	(void)arg;
	(void)len;
	(void)addrp;
	return RUMP_ENOMEM;
}

int
rumpuser_sp_raise(void *arg, int signo)
{
	(void)arg;
	(void)signo;
	return 0;
}

/* No server in this program. */
int
rumpuser_sp_init(const char *url, const char *ostype, const char *osrelease,
    const char *machine)
{
	(void)url;
	(void)ostype;
	(void)osrelease;
	(void)machine;
	return RUMP_EOPNOTSUPP;
}

void
rumpuser_sp_fini(void *arg)
{
	(void)arg;
}

void
rumpuser_sp_set_transport(const struct sp_transport *tr)
{
	(void)tr;
}

/* No server here: a key or credential for one is not supported. */
int
rumpuser_sp_setkey(const void *key, size_t keylen)
{
	(void)key;
	(void)keylen;
	return 45; /* EOPNOTSUPP */
}

int
rumpuser_sp_setcred(int64_t uid, int64_t gid)
{
	(void)uid;
	(void)gid;
	return 45;
}

/* ---- the thread that runs the calls ---- */

enum cmd { CMD_NONE, CMD_BEGIN, CMD_CALL, CMD_END };

static struct {
	pthread_mutex_t mtx;
	pthread_cond_t cv;
	enum cmd cmd; /* for the caller thread; CMD_NONE: done */
	bool blocked; /* the running call is about to sleep */
	int num;
	long args[NSLOTS];
	struct proc *proc; /* the client process of this input */
} run = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, CMD_NONE, false,
	0, { 0 }, NULL };

static __thread bool is_caller;

/* The backend calls this before every blocking hypercall. */
static void
willblock(void)
{
	if (!is_caller)
		return;
	pthread_mutex_lock(&run.mtx);
	run.blocked = true;
	pthread_cond_broadcast(&run.cv);
	pthread_mutex_unlock(&run.mtx);
}

static void
do_cmd(enum cmd cmd)
{
	const struct rumpuser_hyperup *hyp = rumpuser__hyp;
	long rv[2];

	switch (cmd) {
	case CMD_BEGIN:
		hyp->hyp_schedule();
		if (hyp->hyp_lwproc_rfork(&vm, RUMP_RFCFDG, "fuzz") != 0) {
			fprintf(stderr, "fuzz: cannot make the client process\n");
			abort();
		}
		run.proc = curproc();
		hyp->hyp_unschedule();
		break;
	case CMD_CALL:
		hyp->hyp_schedule();
		(void)hyp->hyp_syscall(run.num, run.args, rv);
		hyp->hyp_unschedule();
		break;
	case CMD_END:
		hyp->hyp_schedule();
		hyp->hyp_lwproc_release(); /* the process goes with it */
		hyp->hyp_unschedule();
		run.proc = NULL;
		break;
	case CMD_NONE:
		break;
	}
}

static void *
caller(void *arg)
{
	enum cmd cmd;

	(void)arg;
	is_caller = true;
	for (;;) {
		pthread_mutex_lock(&run.mtx);
		while (run.cmd == CMD_NONE)
			pthread_cond_wait(&run.cv, &run.mtx);
		cmd = run.cmd;
		pthread_mutex_unlock(&run.mtx);
		do_cmd(cmd);
		pthread_mutex_lock(&run.mtx);
		run.cmd = CMD_NONE;
		pthread_cond_broadcast(&run.cv);
		pthread_mutex_unlock(&run.mtx);
	}
	return NULL;
}

/* Sets or clears the draining flag of the client process (EINTR to sleeps). */
static void
interrupt(bool on)
{
	rumpuser__hyp->hyp_schedule();
	if (on) {
		run.proc->p_flag |= PS_RUMP_LWPEXIT;
		proc_interrupt(run.proc);
	} else {
		run.proc->p_flag &= ~PS_RUMP_LWPEXIT;
	}
	rumpuser__hyp->hyp_unschedule();
}

/* Runs cmd on the caller thread; a call that sleeps is interrupted. */
static void
command(enum cmd cmd)
{
	bool interrupted = false;

	pthread_mutex_lock(&run.mtx);
	run.blocked = false;
	run.cmd = cmd;
	pthread_cond_broadcast(&run.cv);
	while (run.cmd != CMD_NONE) {
		if (run.blocked && !interrupted && cmd == CMD_CALL) {
			pthread_mutex_unlock(&run.mtx);
			interrupt(true);
			interrupted = true;
			pthread_mutex_lock(&run.mtx);
			continue;
		}
		pthread_cond_wait(&run.cv, &run.mtx);
	}
	pthread_mutex_unlock(&run.mtx);
	if (interrupted)
		interrupt(false);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	pthread_t t;

	(void)argc;
	(void)argv;
	if (rump_init() != 0) {
		fprintf(stderr, "fuzz: rump_init failed\n");
		abort();
	}
	fuzz_reset_init();
	for (int i = 0; i < NSYSENT; i++)
		if (sysent[i] != NULL)
			known[nknown++] = (uint16_t)i;
	rumpuser__sp_willblock = willblock;
	if (pthread_create(&t, NULL, caller, NULL) != 0)
		abort();
	return 0;
}

/*
 * Known bugs the fuzzer would otherwise stop at on every run, until their
 * fixes land (fuzz_known.c). True: leave the call out.
 */
static bool
known_bug(int num, long *args)
{
	int slot;

	/* kernel/vfs_stat.c sys_utimes reads the times without copyin. */
	if (num == 420 && fuzz_known_bug("utimes"))
		return true;
	/*
	 * tmpfs allocates block pointers up to a file's size at once: an
	 * offset of 2^40 is a 2 GiB array. Offsets are cut to 16 MiB.
	 */
	slot = fuzz_offset_slot(num);
	if (slot >= 0 && fuzz_known_bug("tmpfs"))
		args[slot] &= FUZZ_OFFSET_MASK;
	return false;
}

static uint64_t
get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n, pos, ncalls = 0;

	if (size < 2)
		return 0;
	n = (size_t)data[0] | (size_t)data[1] << 8;
	pos = 2;
	if (n > VM_SIZE)
		n = VM_SIZE;
	if (n > size - pos)
		n = size - pos;
	memset(vm.mem, 0, sizeof(vm.mem));
	memcpy(vm.mem, data + pos, n);
	pos += n;

	command(CMD_BEGIN);
	for (; pos + RECSIZE <= size && ncalls < MAXCALLS; pos += RECSIZE) {
		const uint8_t *r = data + pos;
		uint16_t sel = (uint16_t)(r[0] | r[1] << 8);
		int num = sel & 0x8000 ? sel & 0x1ff : known[sel % nknown];

		ncalls++;
		if (num == SYS_REBOOT)
			continue;
		run.num = num;
		for (int i = 0; i < NSLOTS; i++) {
			uint64_t v = get64(r + 4 + 8 * i);
			if (r[2] & (1u << i))
				v = VM_BASE + v % VM_SIZE;
			run.args[i] = (long)v;
		}
		if (!known_bug(num, run.args))
			command(CMD_CALL);
	}
	command(CMD_END);
	fuzz_reset();
	return 0;
}
