/*
 * The appliance's program: its arguments and environment from the kernel
 * command line, its exit status out through QEMU, and the boot modules
 * (its root file system). rumpuser extensions, so that apps/ and the
 * kernel never include a platform header.
 */
#include <stddef.h>
#include <stdint.h>

#include "plat/boot.h"
#include "plat/cmdline.h"
#include "plat/console.h"
#include "plat/mem.h"
#include "plat/power.h"
#include "rump/rumpdefs.h"
#include "rump/rumpuser.h"

static char *app_argv[CMDLINE_MAX_ARGS + 2];
static char *app_envp[CMDLINE_MAX_ENV + 1];

void
rumpuser_ext_app_args(int *argc, char ***argv, char ***envp)
{
	const struct cmdline *cl = plat_cmdline();
	int n = 0;

	/*
	 * The strings live in the parsed copy of the command line, which is
	 * writable and never freed; programs may change them as on a host.
	 */
	app_argv[n++] = (char *)(uintptr_t)(cl->argv0[0] != '\0' ? cl->argv0 :
								   "app");
	for (int i = 0; i < cl->nargs; i++)
		app_argv[n++] = (char *)(uintptr_t)cl->args[i];
	app_argv[n] = NULL;
	for (int i = 0; i < cl->nenv; i++)
		app_envp[i] = (char *)(uintptr_t)cl->env[i];
	app_envp[cl->nenv] = NULL;
	*argc = n;
	*argv = app_argv;
	*envp = app_envp;
}

void
rumpuser_ext_app_exit(int status)
{
	int s = status & 0xff;

	/* The exact status stays in the transcript even when it is clipped. */
	kprintf("exit: program exited with status %d\n", s);
	if (s == 0)
		plat_exit(PLAT_EXIT_OK);
	plat_exit(PLAT_EXIT_PROGRAM(
	    s < PLAT_EXIT_PROGRAM_MAX ? s : PLAT_EXIT_PROGRAM_MAX));
}

int
rumpuser_ext_module(int i, const void **data, size_t *len, const char **cmdline)
{
	const struct plat_module *m;
	int n = plat_mem_modules(&m);

	if (i < 0 || i >= n)
		return RUMP_ENOENT;
	/* Modules are identity mapped and reserved from the allocator. */
	*data = (const void *)(uintptr_t)m[i].start;
	*len = (size_t)(m[i].end - m[i].start);
	*cmdline = m[i].cmdline != NULL ? m[i].cmdline : "";
	return 0;
}
