/*
 * Program start for appliances built with rumpimg-cc: the platform calls
 * app_main() once the machine is up; this boots the rump kernel, unpacks
 * the root file system from the boot modules, and calls the program's
 * main(argc, argv, envp) with the words of the kernel command line
 * (doc/cmdline.md). main's return value goes to exit(), whose status
 * leaves QEMU as scripts/run-qemu's exit status.
 */
#include <stdio.h>
#include <stdlib.h>

#include "rump/rumpuser.h"

int main(int argc, char **argv, char **envp);
int app_main(void);
void libc_kernel_up(void);

extern char **environ;

int
app_main(void)
{
	int argc;
	char **argv, **envp;

	rumpuser_ext_app_args(&argc, &argv, &envp);
	environ = envp;
#ifdef CONFIG_RUMP_KERNEL
	libc_kernel_up();
#endif
	exit(main(argc, argv, envp));
}
