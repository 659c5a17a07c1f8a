/*
 * Boot sequence: console, descriptor tables, command line, clocks, memory,
 * interrupts and timer, then the workload (or the tests the command line
 * names).
 */
#include <stdint.h>

#include "plat/boot.h"
#include "plat/clock.h"
#include "plat/cmdline.h"
#include "plat/console.h"
#include "plat/cpu.h"
#include "plat/fmt.h"
#include "plat/init.h"
#include "plat/intr.h"
#include "plat/layout.h"
#include "plat/mem.h"
#include "plat/multiboot.h"
#include "plat/panic.h"
#include "plat/power.h"
#include "plat/string.h"
#include "plat/trap.h"

#ifdef CONFIG_TESTS
int tests_run(const char *names);
#endif

void plat_main(uint32_t magic, uint32_t mbi_pa) __attribute__((noreturn));

extern const plat_initcall_fn _initcalls_start[], _initcalls_end[];

static struct cmdline cmdline;
static uint64_t mem_reserve = (uint64_t)CONFIG_PLAT_MEM_RESERVE_KB * 1024;
static bool mem_reserve_given; /* on the command line: taken as is */
#ifdef CONFIG_TESTS
static const char *tests_requested;
#endif

const struct cmdline *
plat_cmdline(void)
{
	return &cmdline;
}

static int
opt_log(const char *v, char *why, size_t len)
{
	enum log_level l;

	if (log_parse_level(v, &l) != 0) {
		fmt_snprintf(why, len, "expected error, warn, info or debug");
		return -1;
	}
	log_set_level(l);
	return 0;
}

static int
opt_mem_reserve(const char *v, char *why, size_t len)
{
	uint64_t n;

	if (cmdline_parse_size(v, &n) != 0) {
		fmt_snprintf(why, len, "expected a size such as 512K or 16M");
		return -1;
	}
	if (n < 64 * 1024) {
		fmt_snprintf(why, len, "at least 64K is needed");
		return -1;
	}
	mem_reserve = n;
	mem_reserve_given = true;
	return 0;
}

static int
opt_test(const char *v, char *why, size_t len)
{
#ifdef CONFIG_TESTS
	(void)why;
	(void)len;
	tests_requested = v;
	return 0;
#else
	(void)v;
	fmt_snprintf(why, len, "this image has no tests (CONFIG_TESTS=n)");
	return -1;
#endif
}

/* app=off: boot, then exit without the workload (boot-time benchmarks). */
static bool app_off;

static int
opt_app(const char *v, char *why, size_t len)
{
	if (v[0] == 'o' && v[1] == 'n' && v[2] == '\0') {
		app_off = false;
		return 0;
	}
	if (v[0] == 'o' && v[1] == 'f' && v[2] == 'f' && v[3] == '\0') {
		app_off = true;
		return 0;
	}
	fmt_snprintf(why, len, "expected on or off");
	return -1;
}

/*
 * root=DEV[:OPTS] and mount=DEV:PATH[:OPTS]: disks the kernel mounts at
 * rump_init(); it checks the words and stops on one it cannot honour
 * (kernel/vfs_bootmount.c), so here they are only kept, in order.
 */
static char boot_root[256], boot_mounts[CMDLINE_MAX];

const char *
plat_boot_root(void)
{
	return boot_root;
}

const char *
plat_boot_mounts(void)
{
	return boot_mounts;
}

static int
opt_root(const char *v, char *why, size_t len)
{
	if (v[0] == '\0') {
		fmt_snprintf(why, len, "expected a disk such as /dev/ld0");
		return -1;
	}
	if (strlen(v) >= sizeof(boot_root)) {
		fmt_snprintf(why, len, "longer than %lu bytes",
		    (unsigned long)(sizeof(boot_root) - 1));
		return -1;
	}
	fmt_snprintf(boot_root, sizeof(boot_root), "%s", v);
	return 0;
}

static int
opt_mount(const char *v, char *why, size_t len)
{
	size_t n = strlen(boot_mounts);

	if (v[0] == '\0') {
		fmt_snprintf(why, len,
		    "expected DEVICE:/PATH such as /dev/ld0:/data");
		return -1;
	}
	/* Both fit: the words come from one command line of CMDLINE_MAX. */
	fmt_snprintf(boot_mounts + n, sizeof(boot_mounts) - n, "%s%s",
	    n > 0 ? " " : "", v);
	return 0;
}

static const struct cmdline_opt options[] = {
	{ "app", opt_app },
	{ "log", opt_log },
	{ "mem.reserve", opt_mem_reserve },
	{ "mount", opt_mount },
	{ "root", opt_root },
	{ "test", opt_test },
};

static void
report_cmdline(const char *msg)
{
	klog(LOG_WARN, "command line: %s\n", msg);
}

__attribute__((weak)) int
app_main(void)
{
	kprintf("no workload in this image; exiting\n");
	return 0;
}

static void
print_wall(uint64_t ns)
{
	int64_t z = (int64_t)(ns / 1000000000ULL), days = z / 86400,
		rem = z % 86400;
	/* civil_from_days, inverse of clock.c's days_from_civil */
	days += 719468;
	int64_t era = days / 146097;
	unsigned doe = (unsigned)(days - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	unsigned d = doy - (153 * mp + 2) / 5 + 1;
	unsigned m = mp < 10 ? mp + 3 : mp - 9;
	int64_t y = (int64_t)yoe + era * 400 + (m <= 2);

	kprintf("%04ld-%02u-%02u %02ld:%02ld:%02ld UTC", (long)y, m, d,
	    (long)(rem / 3600), (long)(rem / 60 % 60), (long)(rem % 60));
}

void
plat_main(uint32_t magic, uint32_t mbi_pa)
{
	const struct mb_info *mbi = (const void *)(uintptr_t)mbi_pa;
	const char *text = "";
	int rc;

	clock_init(); /* first: the boot time is measured from here */
	kprintf("rumpimg " RUMPIMG_VERSION " (x86-64) booting\n");
	if (magic != MB_BOOT_MAGIC)
		panic("not started by a multiboot loader (EAX=%#x, expected %#x)",
		    magic, MB_BOOT_MAGIC);
	trap_init();

	if (mbi->flags & MB_INFO_CMDLINE)
		text = (const char *)(uintptr_t)mbi->cmdline;
	cmdline_parse(&cmdline, text, options,
	    sizeof(options) / sizeof(options[0]), report_cmdline);
	if (mbi->flags & MB_INFO_LOADER_NAME)
		klog(LOG_INFO, "loader: %s\n",
		    (const char *)(uintptr_t)mbi->boot_loader_name);
	klog(LOG_INFO, "command line: '%s'\n", text);
	klog(LOG_DEBUG, "boot: cmdline done at %lu us\n",
	    (unsigned long)(plat_clock_monotonic() / 1000));

	mem_init(mbi, mem_reserve, !mem_reserve_given);
	klog(LOG_DEBUG, "boot: mem done at %lu us\n",
	    (unsigned long)(plat_clock_monotonic() / 1000));
	intr_init();
	timer_init();
	cpu_intr_enable();

	klog(LOG_INFO, "clock: TSC %lu.%03lu MHz (%s); wall clock ",
	    (unsigned long)(plat_tsc_hz() / 1000000),
	    (unsigned long)(plat_tsc_hz() / 1000 % 1000), plat_tsc_source());
	if (log_get_level() >= LOG_INFO) {
		print_wall(plat_clock_wall());
		kprintf("\n");
	}
	uint64_t up = plat_clock_monotonic();
	klog(LOG_INFO, "boot: ready in %lu.%03lu ms\n",
	    (unsigned long)(up / 1000000), (unsigned long)(up / 1000 % 1000));

	for (const plat_initcall_fn *f = _initcalls_start; f < _initcalls_end; f++)
		(*f)();

#ifdef CONFIG_TESTS
	if (tests_requested != NULL)
		plat_exit(tests_run(tests_requested) == 0 ? PLAT_EXIT_OK :
							    PLAT_EXIT_FAIL);
#endif
	if (app_off) {
		klog(LOG_INFO, "boot: app=off, exiting without the workload\n");
		plat_exit(PLAT_EXIT_OK);
	}
	rc = app_main();
	plat_exit(rc == 0 ? PLAT_EXIT_OK : PLAT_EXIT_FAIL);
}
