/*
 * Exception reports, panic() and backtraces. Every unhandled CPU exception
 * prints what happened, where, every general register and a symbolic
 * backtrace, then exits with PLAT_EXIT_TRAP; panic() exits with
 * PLAT_EXIT_PANIC. A fault while reporting exits at once.
 */
#include <stdint.h>

#include "plat/console.h"
#include "plat/cpu.h"
#include "plat/ksyms.h"
#include "plat/mmu.h"
#include "plat/panic.h"
#include "plat/power.h"
#include "plat/trap.h"

static const char *const exc_names[32] = {
	[0] = "#DE divide error",
	[1] = "#DB debug",
	[2] = "NMI",
	[3] = "#BP breakpoint",
	[4] = "#OF overflow",
	[5] = "#BR bound range exceeded",
	[6] = "#UD invalid opcode",
	[7] = "#NM device not available",
	[8] = "#DF double fault",
	[9] = "coprocessor segment overrun",
	[10] = "#TS invalid TSS",
	[11] = "#NP segment not present",
	[12] = "#SS stack-segment fault",
	[13] = "#GP general protection",
	[14] = "#PF page fault",
	[16] = "#MF x87 floating-point error",
	[17] = "#AC alignment check",
	[18] = "#MC machine check",
	[19] = "#XM SIMD floating-point exception",
	[20] = "#VE virtualization exception",
	[21] = "#CP control protection",
	[29] = "#VC VMM communication",
	[30] = "#SX security exception",
};

static const char *(*thread_name_fn)(void);
static volatile int reporting;
static const char *(*fault_hint_fn)(uintptr_t);

void
trap_set_fault_hint_fn(const char *(*fn)(uintptr_t))
{
	fault_hint_fn = fn;
}

void
trap_set_thread_name_fn(const char *(*fn)(void))
{
	thread_name_fn = fn;
}

static const char *
thread_name(void)
{
	const char *n = thread_name_fn != NULL ? thread_name_fn() : NULL;

	return n != NULL ? n : "boot";
}

static void
print_sym(uint64_t addr)
{
	uintptr_t off;
	const char *name = ksym_lookup(addr, &off);

	if (name != NULL)
		kprintf("<%s+0x%lx>", name, (unsigned long)off);
	else
		kprintf("<?>");
}

static void
print_frame(int depth, uint64_t pc, int is_return)
{
	kprintf("  #%-2d 0x%016lx ", depth, (unsigned long)pc);
	/* A return address may lie past its caller's last byte. */
	print_sym(pc - (is_return ? 1 : 0));
	kprintf("\n");
}

/*
 * Where the return address of the function executing pc is, when that
 * function has not (yet) pushed a frame: GCC leaves leaf functions frameless
 * even with -fno-omit-frame-pointer. Returns the offset from rsp, or -1 when
 * the frame is set up and %rbp leads to the caller.
 */
static int
unlinked_return_slot(uint64_t pc)
{
	uintptr_t off;
	const uint8_t *code;

	if (ksym_lookup(pc, &off) == NULL)
		return -1;
	code = (const uint8_t *)(uintptr_t)(pc - off);
	/* push %rbp; mov %rsp,%rbp */
	if (code[0] == 0x55 && code[1] == 0x48 && code[2] == 0x89 &&
	    code[3] == 0xe5)
		return off == 0 ? 0 : off < 4 ? 8 : -1;
	return 0;
}

static void
backtrace(uint64_t pc, uint64_t rbp, uint64_t rsp, int pc_is_return)
{
	int depth = 0, slot;

	kprintf("backtrace:\n");
	print_frame(depth++, pc, pc_is_return);
	slot = rsp != 0 ? unlinked_return_slot(pc) : -1;
	if (slot >= 0 && plat_mmu_is_mapped(rsp + slot) &&
	    plat_mmu_is_mapped(rsp + slot + 7)) {
		uint64_t ret = *(uint64_t *)(uintptr_t)(rsp + slot);
		uintptr_t off;
		if (ksym_lookup(ret - 1, &off) != NULL)
			print_frame(depth++, ret, 1);
	}
	while (rbp != 0 && depth < 32) {
		uint64_t *fp = (uint64_t *)rbp;
		if ((rbp & 7) != 0 || !plat_mmu_is_mapped(rbp) ||
		    !plat_mmu_is_mapped(rbp + 15))
			break;
		uint64_t ret = fp[1], next = fp[0];
		if (ret == 0)
			break;
		print_frame(depth++, ret, 1);
		if (next <= rbp)
			break;
		rbp = next;
	}
}

void
trap_backtrace(uint64_t rip, uint64_t rbp)
{
	backtrace(rip, rbp, 0, 0);
}

/* Enter reporting once; a fault while reporting ends the machine at once. */
static void
report_begin(int status)
{
	cpu_intr_disable();
	if (reporting++) {
		kprintf("\n*** fault while reporting a fault; stopping\n");
		plat_exit(status);
	}
}

static void
report_exception(struct trapframe *tf)
{
	const char *name = tf->vector < 32 ? exc_names[tf->vector] : NULL;

	report_begin(PLAT_EXIT_TRAP);
	kprintf("\n*** CPU exception %s (vector %lu), error code 0x%lx, "
		"thread %s\n",
	    name != NULL ? name : "reserved", (unsigned long)tf->vector,
	    (unsigned long)tf->err, thread_name());
	kprintf("RIP=0x%016lx ", (unsigned long)tf->rip);
	print_sym(tf->rip);
	kprintf("  CS=%#lx RFLAGS=%#lx\n", (unsigned long)tf->cs,
	    (unsigned long)tf->rflags);
	if (tf->vector == 14) {
		kprintf("CR2=0x%016lx (%s, %s, %s)\n", (unsigned long)read_cr2(),
		    tf->err & 1 ? "protection violation" : "page not present",
		    tf->err & 2 ? "write" : "read",
		    tf->err & 16 ? "instruction fetch" : "data");
	} else if (tf->vector == 8) {
		/* Often a #PF that could not push its frame: CR2 says where. */
		kprintf("CR2=0x%016lx (last page fault address)\n",
		    (unsigned long)read_cr2());
	}
	if ((tf->vector == 14 || tf->vector == 8) && fault_hint_fn != NULL) {
		const char *who = fault_hint_fn(read_cr2());
		if (who != NULL)
			kprintf("*** stack overflow: thread %s ran into the guard "
				"page below its stack\n",
			    who);
	}
	kprintf("RAX=%016lx RBX=%016lx RCX=%016lx RDX=%016lx\n", tf->rax,
	    tf->rbx, tf->rcx, tf->rdx);
	kprintf("RSI=%016lx RDI=%016lx RBP=%016lx RSP=%016lx\n", tf->rsi,
	    tf->rdi, tf->rbp, tf->rsp);
	kprintf("R8 =%016lx R9 =%016lx R10=%016lx R11=%016lx\n", tf->r8, tf->r9,
	    tf->r10, tf->r11);
	kprintf("R12=%016lx R13=%016lx R14=%016lx R15=%016lx\n", tf->r12,
	    tf->r13, tf->r14, tf->r15);
	backtrace(tf->rip, tf->rbp, tf->rsp, 0);
	kprintf("*** stopping: unhandled exception (exit status %d)\n",
	    PLAT_EXIT_TRAP * 2 + 1);
	plat_exit(PLAT_EXIT_TRAP);
}

void
trap_entry(struct trapframe *tf)
{
	if (tf->vector < IRQ_BASE)
		report_exception(tf);
	else if (tf->vector < IRQ_BASE + 16)
		intr_dispatch((unsigned)(tf->vector - IRQ_BASE));
	/* VEC_SPURIOUS: nothing to acknowledge. */
}

void
panic(const char *fmt, ...)
{
	uint64_t *fp = cpu_frame_address();
	uint64_t caller = fp[1];
	va_list ap;

	report_begin(PLAT_EXIT_PANIC);
	kprintf("\n*** panic: ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n*** thread %s, called from 0x%lx ", thread_name(),
	    (unsigned long)caller);
	print_sym(caller - 1);
	kprintf("\n");
	backtrace(caller, fp[0], 0, 1);
	kprintf("*** stopping: panic (exit status %d)\n",
	    PLAT_EXIT_PANIC * 2 + 1);
	plat_exit(PLAT_EXIT_PANIC);
}
