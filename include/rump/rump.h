/*
 * The rump kernel's public entry points: initialisation and the process/lwp
 * interface of rump_lwproc(3). Names, values and signatures are NetBSD's.
 */
#ifndef RUMP_RUMP_H
#define RUMP_RUMP_H

#include <stdint.h>
#include <sys/types.h>

struct lwp;

/* rump_pub_lwproc_rfork() flags: the new process's descriptor table. */
#define RUMP_RFFDG	0x01 /* a copy of the parent's */
#define RUMP_RFCFDG	0x02 /* a new, empty one */
#define RUMP_RFFD_SHARE 0x00 /* the parent's own, shared */
#define RUMP_RFFD_COPY	RUMP_RFFDG
#define RUMP_RFFD_CLEAR RUMP_RFCFDG

/*
 * Boots the kernel: proc0 (pid 0) and init (pid 1, descriptors 0, 1 and 2 on
 * the console, root credentials). Returns 0 or an errno; a second call does
 * nothing and returns 0. Call before anything else, from any thread.
 */
int rump_init(void);

/*
 * Daemonizing a server as NetBSD's rump.h does: rump_daemonize_begin(),
 * before rump_init(), forks; the parent returns only to exit, once the
 * child calls rump_daemonize_done(error): its exit status is error
 * (0 for RUMP_DAEMONIZE_SUCCESS, after which the child's stdin, stdout
 * and stderr go to /dev/null). A child that ends before done leaves the
 * parent status ESRCH (3). The child is in a session of its own.
 * begin: 0 in the child, EALREADY after rump_init(), EINPROGRESS when
 * called a second time (even after done), or the fork's error; done: 0,
 * ENOENT without a begin, EPIPE when the parent is gone or done was
 * called already. Hosts only: the image answers ENOSYS and ENOENT.
 */
int rump_daemonize_begin(void);
int rump_daemonize_done(int error);
#define RUMP_DAEMONIZE_SUCCESS 0

/*
 * Starts the rump_sp server on url (unix://PATH or tcp://ADDR:PORT, spec
 * A.1) after rump_init(): every client connection becomes a process. Returns
 * 0 once the socket listens, or an errno (EINVAL for a bad URL, EADDRINUSE,
 * EOPNOTSUPP where the platform has no such transport).
 */
int rump_init_server(const char *url);

/*
 * Extension: call before rump_init_server() to make every client prove it
 * holds key (keylen 16 to 64 bytes) before anything else (HMAC-SHA-256
 * challenge-response, doc/rump_sp-auth.md); NULL, 0 removes a key set
 * before. Without a call the server takes the parameter RUMP_SP_KEY (hex)
 * if there is one (the kernel command line in the image, the environment
 * on the host). 0, EINVAL for a bad length, EBUSY once the server runs.
 */
int rump_init_server_key(const void *key, size_t keylen);

/*
 * Extension: call before rump_init_server() to start every remote client's
 * process with uid and gid (no supplementary groups) instead of root, so
 * that the kernel's permission checks apply to it (it cannot halt the
 * kernel, set the host name, or touch root's 0600 files); -1, -1 goes back
 * to root. Forked clients inherit it; without a call, the parameter
 * RUMP_SP_CRED=uid:gid sets it. 0, EINVAL, or EBUSY once the server runs.
 */
int rump_init_server_cred(int64_t uid, int64_t gid);

/*
 * Extension, images with the network stack (CONFIG_NET_LWIP) only: waits
 * up to timeout_ns (0: forever) until the Ethernet interface has an IPv4
 * address (DHCP or RUMP_NET_IPV4). 0; ETIMEDOUT; ENXIO without a network
 * device. Call after rump_init(), from outside the kernel.
 */
int rump_net_wait_address(uint64_t timeout_ns);

/*
 * rump_lwproc(3). Each runs in the kernel on the calling host thread. rfork
 * and newlwp bind the calling thread to a new lwp and return 0 or an errno
 * (EINVAL for bad rfork flags, ESRCH for a missing pid, EBUSY for a process
 * being drained); switch and releaselwp stop the kernel with a message on
 * misuse; curlwp returns the bound lwp or NULL in an implicit context.
 */
int rump_pub_lwproc_rfork(int flags);
int rump_pub_lwproc_newlwp(pid_t pid);
void rump_pub_lwproc_switch(struct lwp *l);
void rump_pub_lwproc_releaselwp(void);
struct lwp *rump_pub_lwproc_curlwp(void);

/*
 * rump_etfs(3): a host file as a disk of the kernel. RUMP_ETFS_BLK makes
 * key (an absolute path whose directory exists, such as "/dev/ld0") a
 * block device node and, as an extension, the raw node "r" + its last name
 * beside it ("/dev/rld0"); RUMP_ETFS_CHR makes key a raw node only. A key
 * named ldN (rldN) takes unit N, another the lowest free one. The disk is
 * size bytes at byte offset begin of hostpath (RUMP_ETFS_SIZE_ENDOFF: to
 * its end), rounded down to 512-byte sectors; a host file that cannot be
 * opened for writing gives a read-only disk. 0 or an errno: EEXIST, ENOENT
 * (no such directory or host file), EINVAL (range, key), EOPNOTSUPP (the
 * other types, which this kernel does not have). remove forgets the disk
 * behind a node of key: EBUSY while a node is open or the disk mounted.
 */
#define RUMP_ETFS_SIZE_ENDOFF ((uint64_t)-1)
enum rump_etfs_type {
	RUMP_ETFS_REG,
	RUMP_ETFS_BLK,
	RUMP_ETFS_CHR,
	RUMP_ETFS_DIR,
	RUMP_ETFS_DIR_SUBDIRS
};
int rump_pub_etfs_register(const char *key, const char *hostpath,
    enum rump_etfs_type ftype);
int rump_pub_etfs_register_withsize(const char *key, const char *hostpath,
    enum rump_etfs_type ftype, uint64_t begin, uint64_t size);
int rump_pub_etfs_remove(const char *key);
/* Extension: the same, the disk read-only whatever the host allows. */
int rump_pub_etfs_register_rdonly(const char *key, const char *hostpath,
    enum rump_etfs_type ftype, uint64_t begin, uint64_t size);

/*
 * Extension: what the kernel does at halt (reboot(2)) to its disks, for a
 * program that ends without halting (the image's exit()): every file
 * system on a disk is written back, marked clean and unmounted (open
 * files left failing with EIO). Call it last; no further disk access.
 */
void rump_pub_vfs_shutdown(void);

#endif
