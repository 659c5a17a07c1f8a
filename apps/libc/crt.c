/*
 * Program start for appliances built with rumpimg-cc: the platform calls
 * app_main() once the machine is up; this boots the rump kernel, unpacks
 * the root file system from the boot modules, and calls the program's
 * main(argc, argv, envp) with the words of the kernel command line
 * (doc/cmdline.md). main's return value goes to exit(), whose status
 * leaves QEMU as scripts/run-qemu's exit status.
 */
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "rootfs.h"
#include "rump/rump_syscalls.h"
#include "rump/rumpdefs.h"
#include "rump/rumpuser.h"

int main(int argc, char **argv, char **envp);
int app_main(void);
void libc_kernel_up(void);

extern char **environ;

#ifdef CONFIG_RUMP_KERNEL
/* Whether the module's command line has the word "rootfs". */
static int
is_rootfs(const char *cl)
{
	for (const char *p = cl; (p = strstr(p, "rootfs")) != NULL; p += 6)
		if ((p == cl || p[-1] == ' ') && (p[6] == '\0' || p[6] == ' '))
			return 1;
	return 0;
}

/*
 * Whether "/" is a disk (root=, doc/cmdline.md): its files are the
 * appliance's state, and an archive is not unpacked over them.
 */
static int
disk_root(void)
{
	static struct rump_statvfs sv;

	return rump_sys_statvfs1("/", &sv, RUMP_ST_NOWAIT) == 0 &&
	    strcmp(sv.f_fstypename, "tmpfs") != 0;
}

/*
 * Unpacks every boot module marked "rootfs" (scripts/run-qemu --rootfs)
 * into the kernel's file system, in order. A bad archive stops the image
 * before main(): the program never sees a partial tree.
 */
static void
unpack_modules(void)
{
	static char why[PATH_MAX + 256];
	const void *data;
	const char *cl;
	size_t len;

	for (int i = 0; rumpuser_ext_module(i, &data, &len, &cl) == 0; i++) {
		char name[128];
		size_t n = strcspn(cl, " ");
		int count;

		if (!is_rootfs(cl))
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)n, cl);
		if (disk_root()) {
			printf("rootfs: %s: not unpacked: / is a disk (root=)\n",
			    name);
			continue;
		}
		count = rootfs_unpack(data, len, name, why, sizeof(why));
		if (count < 0) {
			printf("rootfs: %s\n", why);
			printf("rootfs: archive refused; not starting the "
			       "program\n");
			fflush(stdout);
			rumpuser_exit(1);
		}
		printf("rootfs: %s: %d entries unpacked (%zu bytes)\n", name,
		    count, len);
	}
}
#endif

int
app_main(void)
{
	int argc;
	char **argv, **envp;

	rumpuser_ext_app_args(&argc, &argv, &envp);
	environ = envp;
#ifdef CONFIG_RUMP_KERNEL
	libc_kernel_up();
	unpack_modules();
#endif
	exit(main(argc, argv, envp));
}
