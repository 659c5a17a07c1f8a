/*
 * The rump_sp server's byte streams in the image (sp/sp_transport.h): none
 * yet. The server needs the network stack of the image, which is a later
 * piece of work; until then rump_init_server() answers EOPNOTSUPP.
 */
#include "../sp/sp_transport.h"

#define NB_EOPNOTSUPP	45
#define NB_ENOTCONN	57

int
sp_listen(const char *url, struct sp_listener **lp)
{
	(void)url;
	(void)lp;
	return NB_EOPNOTSUPP;
}

int
sp_accept(struct sp_listener *l, struct sp_sock **sp)
{
	(void)l;
	(void)sp;
	return NB_ENOTCONN;
}

void
sp_unlisten(struct sp_listener *l)
{
	(void)l;
}

int
sp_recv(struct sp_sock *s, void *buf, size_t len)
{
	(void)s;
	(void)buf;
	(void)len;
	return NB_ENOTCONN;
}

int
sp_sendv(struct sp_sock *s, const struct sp_iov *iov, int n)
{
	(void)s;
	(void)iov;
	(void)n;
	return NB_ENOTCONN;
}

void
sp_shutdown(struct sp_sock *s)
{
	(void)s;
}

void
sp_close(struct sp_sock *s)
{
	(void)s;
}
