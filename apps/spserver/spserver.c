/*
 * The default appliance: the rump kernel with its rump_sp server on TCP,
 * so that host programs linked with librumpclient make system calls into
 * this image. The port comes from the kernel command line word
 * RUMP_SP_PORT=N (default CONFIG_APP_SPSERVER_PORT); the address is the
 * network's (DHCP from QEMU's user network, or RUMP_NET_IPV4=...).
 * scripts/run-qemu --sp-port N forwards the host's 127.0.0.1:N to it. The
 * image runs until a client calls reboot (rump.halt), then QEMU exits.
 */
#include <stdio.h>
#include <stdlib.h>

#include "../../kernel/net/net.h"
#include "rump/rump.h"
#include "rump/rumpdefs.h"
#include "rump/rumpuser.h"

#ifndef CONFIG_APP_SPSERVER_PORT
#define CONFIG_APP_SPSERVER_PORT	12345	/* as an in-image test */
#endif

int spserver_main(void);

/*
 * Boots the kernel and serves until a client's reboot ends the image;
 * returns only on failure. Also the test image's test=sp_server.
 */
int
spserver_main(void)
{
	char url[64], buf[16];
	long port = CONFIG_APP_SPSERVER_PORT;
	int error;

	if (rumpuser_getparam("RUMP_SP_PORT", buf, sizeof(buf)) == 0) {
		char *end;
		port = strtol(buf, &end, 10);
		if (*end != '\0' || port < 1 || port > 65535) {
			printf("spserver: RUMP_SP_PORT=%s is not a port number; "
			    "using %d\n", buf, CONFIG_APP_SPSERVER_PORT);
			port = CONFIG_APP_SPSERVER_PORT;
		}
	}
	if ((error = rump_init()) != 0) {
		printf("spserver: rump_init failed: error %d\n", error);
		return 1;
	}
	error = net_wait_address(30ULL * 1000000000ULL);
	if (error == RUMP_ENXIO)
		printf("spserver: no network device: serving on 127.0.0.1 "
		    "inside the image only\n");
	else if (error != 0)
		printf("spserver: no IPv4 address after 30 s; listening "
		    "anyway\n");
	snprintf(url, sizeof(url), "tcp://0:%ld", port);
	if ((error = rump_init_server(url)) != 0) {
		printf("spserver: cannot serve %s: error %d\n", url, error);
		return 1;
	}
	printf("rump_sp: listening on %s; from the host: "
	    "RUMP_SERVER=tcp://127.0.0.1:%ld (scripts/run-qemu --sp-port %ld)\n",
	    url, port, port);
	fflush(stdout);
	for (;;)	/* the server's threads do the work; reboot ends it */
		rumpuser_clock_sleep(RUMPUSER_CLOCK_RELWALL, 3600, 0);
}

#ifdef CONFIG_APP_SPSERVER
int app_main(void);

int
app_main(void)
{
	return spserver_main();
}
#endif
