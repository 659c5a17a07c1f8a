/*
 * test=sp_server: the rump_sp server appliance (apps/spserver) in the test
 * image. It serves until a host client's reboot ends the image, so the
 * case passes by QEMU's exit status; run.py drives the clients.
 */
#include "plat/testcase.h"

int spserver_main(void);

TESTCASE(sp_server)
{
	return spserver_main();
}
