/*
 * libFuzzer target: the rump_sp server's frame handling (sp/server.c), in
 * this process, over an in-memory transport (fuzz_sp_transport.c) instead
 * of sockets: handshakes, system calls with argument blocks, the answers to
 * the server's copy requests, several connections, disconnects.
 *
 * Input: one byte of flags (unused, kept for the format's sake), then
 * chunks: u8 op, u16 length, that many bytes. op & 3 is the connection
 * (0-3), op >> 5 what to do:
 *   0  the bytes go to the server on that connection (opened on first use);
 *   1  the client closes it (end of stream);
 *   2  how the client answers copy requests from now on (first byte, see
 *      fuzz_sp_transport.c); 3: its memory gets the bytes, from offset 0.
 * At the end every connection closes. A FORK handshake whose cookie is
 * {i, 0, 0, 0} gets the i-th cookie (from 0) that a PREFORK answered.
 *
 * Between chunks the harness waits until the server is idle (every reader
 * waiting for bytes, the kernel's CPU free), so that an input runs the same
 * way each time as far as threads allow; after the input it waits until
 * every connection is gone, cancels preforks nobody claimed and empties the
 * file system, so inputs do not see each other.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "fuzz_sp.h"
#include "rump/rump.h"
#include "rump/rumpuser.h"
#include "sp_proto.h"
#include "sp_server.h"

int proc_count(void); /* kernel/proc.c */

static int proc_base;

static int
kernel_procs(void)
{
	int n;

	rumpuser__hyp->hyp_schedule();
	n = proc_count();
	rumpuser__hyp->hyp_unschedule();
	return n;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	rumpuser_sp_set_transport(&fsp_transport);
	if (rump_init() != 0 || rump_init_server("fuzz://") != 0) {
		fprintf(stderr, "fuzz: cannot start the kernel and its server\n");
		abort();
	}
	fuzz_reset_init();
	proc_base = kernel_procs();
	return 0;
}

/*
 * Known bugs the fuzzer would otherwise stop at on every run, until their
 * fixes land (fuzz_known.c). True: drop the connection at this frame.
 */
static bool
known_bug(const struct rsp_hdr *h, const uint8_t *body, size_t len)
{
	if (h->rsp_class == RUMPSP_REQ && h->rsp_type == RUMPSP_SYSCALL) {
		int slot = fuzz_offset_slot((int)h->rsp_u);
		int64_t v = 0;

		/*
		 * reboot (208) ends the process, as it should for a root
		 * client: left out, as fuzz_syscall leaves it out.
		 */
		if (h->rsp_u == 208)
			return true;
		/* kernel/vfs_stat.c sys_utimes: times read without copyin. */
		if (h->rsp_u == 420)
			return fuzz_known_bug("utimes");
		/* tmpfs: a huge offset allocates block pointers up to it. */
		if (slot < 0 || len < (size_t)(slot + 1) * 8)
			return false;
		memcpy(&v, body + slot * 8, sizeof(v));
		return (v & ~FUZZ_OFFSET_MASK) != 0 && fuzz_known_bug("tmpfs");
	}
	if (h->rsp_class != RUMPSP_REQ || h->rsp_type != RUMPSP_HANDSHAKE ||
	    h->rsp_u != HANDSHAKE_EXEC)
		return false;
	/*
	 * sp/server.c body_name: NULL to strnlen/memcpy (empty EXEC body);
	 * kernel/proc.c proc_create: an empty name overflows "rumproc".
	 */
	return (len == 0 || body[0] == '\0') && fuzz_known_bug("exec");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t pos = 1;
	int n;

	if (size < 1)
		return 0;
	fsp_begin(known_bug);
	while (pos + 3 <= size) {
		uint8_t op = data[pos];
		size_t len = (size_t)data[pos + 1] | (size_t)data[pos + 2] << 8;
		int k = op & (FSP_NCONN - 1);

		pos += 3;
		if (len > size - pos)
			len = size - pos;
		switch (op >> 5) {
		case 0:
			fsp_send(k, data + pos, len);
			break;
		case 1:
			fsp_close(k);
			break;
		case 2:
			fsp_mode(k, len > 0 ? data[pos] : 0);
			break;
		case 3:
			fsp_memory(k, data + pos, len);
			break;
		default:
			break;
		}
		pos += len;
		/* Modes and memory take effect at once; bytes need handling. */
		if (((op >> 5) == 0 && len > 0) || (op >> 5) == 1)
			fsp_settle();
	}
	fsp_end();
	/* Preforks nobody claimed (the server keeps them): cancel them. */
	fsp_cancel_preforks();
	if ((n = kernel_procs()) != proc_base) {
		fprintf(stderr,
		    "fuzz: %d processes left after the input, "
		    "%d before\n",
		    n, proc_base);
		abort();
	}
	fuzz_reset();
	return 0;
}
