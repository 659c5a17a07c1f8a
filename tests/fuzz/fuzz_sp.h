/*
 * The in-memory rump_sp transport of the server fuzzer (fuzz_sp_transport.c)
 * and the fake clients at its other end, driven by fuzz_sp.c.
 */
#ifndef FUZZ_SP_H
#define FUZZ_SP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sp_proto.h"
#include "rump/rumpuser_sp.h"

#define FSP_NCONN   4		 /* connections an input drives */
#define FSP_MEMBASE 0x20000000UL /* each fake client's memory */
#define FSP_MEMSIZE 4096

extern const struct sp_transport fsp_transport;

/*
 * Called for each frame the server reads; true drops the connection there
 * instead (a known bug the fuzzer steps around).
 */
typedef bool fsp_filter_fn(const struct rsp_hdr *h, const uint8_t *body,
    size_t len);

/* An input starts: no connections, no cookies. */
void fsp_begin(fsp_filter_fn *filter);
/* Bytes from client k (a new connection if k has none, or its ended). */
void fsp_send(int k, const uint8_t *data, size_t len);
/* Client k closes its end: the server reads end of stream after the data. */
void fsp_close(int k);
/* How client k answers copy requests from now on (mode % 6, see .c). */
void fsp_mode(int k, uint8_t mode);
/* Client k's memory gets data from its start. */
void fsp_memory(int k, const uint8_t *data, size_t len);
/* Waits (bounded) until the server has handled what it was sent. */
void fsp_settle(void);
/* Every client closes; waits until the server let go of each connection. */
void fsp_end(void);
/* Cancels, over new connections, every prefork this input was answered. */
void fsp_cancel_preforks(void);

#endif
