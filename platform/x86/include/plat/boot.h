/*
 * What the boot hands to the workload above the platform.
 */
#ifndef PLAT_BOOT_H
#define PLAT_BOOT_H

#include "plat/cmdline.h"

/* The parsed kernel command line (parameters for rumpuser_getparam). */
const struct cmdline *plat_cmdline(void);

/*
 * The root= word's value and the mount= words' values separated by
 * spaces, in order ("" when none): the kernel reads them as the
 * parameters RUMPIMG_ROOT and RUMPIMG_MOUNTS (doc/cmdline.md).
 */
const char *plat_boot_root(void);
const char *plat_boot_mounts(void);

/*
 * The image's workload, called once the platform is up, with interrupts on.
 * Its return value becomes the exit: 0 exits with PLAT_EXIT_OK, anything else
 * with PLAT_EXIT_FAIL. The platform's own default says there is nothing to run.
 */
int app_main(void);

#endif
