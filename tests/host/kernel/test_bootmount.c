/*
 * The boot command line's disk words (kernel/vfs_bootmount.c,
 * doc/cmdline.md "Disks at boot"): the parser of root= and mount= values,
 * a word the kernel cannot honour stopping rump_init() (the words reach
 * the host build as the parameters RUMPIMG_ROOT and RUMPIMG_MOUNTS of the
 * environment), and rump_pub_vfs_shutdown() leaving an ext2 disk that
 * e2fsck -fn finds clean, with what was written.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "rump/rump.h"
#include "rump/rump_syscalls.h"
#include "rump/rumpdefs.h"
#include "bootmount.h" /* kernel/ */

static char dir[64], img[128];

static int
sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	fflush(stdout);
	st = system(cmd);
	return st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int
parse(const char *w, bool root, struct bootmount *bm, char *why)
{
	return vfs_bootmount_parse(w, root, bm, why, 96);
}

TEST(mount_words_parse)
{
	struct bootmount bm;
	char why[96];

	CHECK_EQ_INT(parse("/dev/ld0:/data", false, &bm, why), 0);
	CHECK_EQ_STR(bm.dev, "/dev/ld0");
	CHECK_EQ_STR(bm.path, "/data");
	CHECK_EQ_STR(bm.type, "ext2fs");
	CHECK(!bm.ro);
	CHECK_EQ_INT(parse("/dev/ld1:/srv/db/:ro", false, &bm, why), 0);
	CHECK_EQ_STR(bm.path, "/srv/db");
	CHECK(bm.ro);
	CHECK_EQ_INT(parse("/dev/ld1:/x:ro,ext2fs:rw", false, &bm, why), 0);
	CHECK(!bm.ro); /* the last word wins */
	CHECK_EQ_INT(parse("/dev/ld0", true, &bm, why), 0);
	CHECK_EQ_STR(bm.path, "/");
	CHECK_EQ_INT(parse("/dev/ld0:ro", true, &bm, why), 0);
	CHECK(bm.ro);
}

TEST(bad_mount_words_say_why)
{
	struct bootmount bm;
	char why[96];

	CHECK_EQ_INT(parse("ld0:/data", false, &bm, why), -1);
	CHECK(strstr(why, "/dev/ld0") != NULL);
	CHECK_EQ_INT(parse("/dev/:/data", false, &bm, why), -1);
	CHECK_EQ_INT(parse("/dev/a/b:/data", false, &bm, why), -1);
	CHECK_EQ_INT(parse("/dev/ld0", false, &bm, why), -1);
	CHECK(strstr(why, "DEVICE:/PATH") != NULL);
	CHECK_EQ_INT(parse("/dev/ld0:data", false, &bm, why), -1);
	CHECK_EQ_INT(parse("/dev/ld0:/", false, &bm, why), -1);
	CHECK(strstr(why, "root=") != NULL);
	CHECK_EQ_INT(parse("/dev/ld0://", false, &bm, why), -1);
	CHECK_EQ_INT(parse("/dev/ld0:/data:nosuid", false, &bm, why), -1);
	CHECK(strstr(why, "'nosuid'") != NULL);
	CHECK_EQ_INT(parse("/dev/ld0:/data:", false, &bm, why), -1);
	CHECK_EQ_INT(parse("/dev/ld0:ffs", true, &bm, why), -1);
	CHECK_EQ_INT(parse("/dev/ld0/", true, &bm, why), -1);
	CHECK_EQ_INT(
	    parse("/dev/ld0123456789012345678901234567890", true, &bm, why), -1);
}

/* rump_init() in a child with the parameter set: its exit status. */
static int
boot_child(const char *name, const char *value)
{
	pid_t pid;
	int st;

	fflush(stdout);
	if ((pid = fork()) == 0) {
		setenv(name, value, 1);
		rump_init();
		_exit(0); /* went on: the word was ignored */
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

TEST(a_word_that_cannot_be_honoured_stops_the_kernel)
{
	CHECK_EQ_INT(boot_child("RUMPIMG_MOUNTS", "/dev/ld0:/data"), 1);
	CHECK_EQ_INT(boot_child("RUMPIMG_MOUNTS", "/dev/null:/data"), 1);
	CHECK_EQ_INT(boot_child("RUMPIMG_MOUNTS", "nonsense"), 1);
	CHECK_EQ_INT(boot_child("RUMPIMG_ROOT", "/dev/ld0"), 1);
	CHECK_EQ_INT(boot_child("RUMPIMG_ROOT", "/dev/zero"), 1);
}

/* Last: the disks are dead afterwards, as at halt. */
TEST(shutdown_leaves_a_clean_disk)
{
	struct rump_ufs_args ua = { .fspec = (char *)"/dev/ld6" };
	int fd;

	CHECK_EQ_INT(
	    sh("mkdir -p %s/src && printf 'from the host' > %s/src/hello"
	       " && mke2fs -q -F -t ext2 -b 4096 -d %s/src %s 8M >/dev/null 2>&1",
		dir, dir, dir, img),
	    0);
	CHECK_EQ_INT(rump_init(), 0);
	CHECK_EQ_INT(rump_pub_etfs_register("/dev/ld6", img, RUMP_ETFS_BLK), 0);
	CHECK_EQ_INT(rump_sys_mkdir("/sd", 0755), 0);
	CHECK_EQ_INT(
	    rump_sys_mount(RUMP_MOUNT_EXT2FS, "/sd", 0, &ua, sizeof(ua)), 0);
	fd = rump_sys_open("/sd/written", RUMP_O_WRONLY | RUMP_O_CREAT, 0644);
	CHECK(fd >= 0);
	CHECK_EQ_INT(rump_sys_write(fd, "before the halt\n", 16), 16);
	/* Still mounted, written in the cache only: marked not clean. */
	CHECK(sh("dumpe2fs -h %s 2>/dev/null | grep -q 'state: *clean$'", img) !=
	    0);
	rump_pub_vfs_shutdown();
	CHECK_EQ_INT(
	    sh("dumpe2fs -h %s 2>/dev/null | grep -q 'state: *clean$'", img), 0);
	CHECK_EQ_INT(sh("e2fsck -fn %s >/dev/null 2>&1", img), 0);
	CHECK_EQ_INT(sh("debugfs -R 'cat /written' %s 2>/dev/null | "
			"grep -qx 'before the halt'",
			 img),
	    0);
	CHECK_EQ_INT(rump_sys_write(fd, "x", 1), -1);
	CHECK_EQ_INT(errno, RUMP_EIO);
}

int
main(void)
{
	int rc;

	setvbuf(stdout, NULL, _IONBF, 0);
	snprintf(dir, sizeof(dir), "/tmp/test_bootmount.%d", (int)getpid());
	snprintf(img, sizeof(img), "%s/disk.img", dir);
	RUN(mount_words_parse);
	RUN(bad_mount_words_say_why);
	RUN(a_word_that_cannot_be_honoured_stops_the_kernel);
	RUN(shutdown_leaves_a_clean_disk);
	rc = check_done();
	sh("rm -rf %s", dir);
	return rc;
}
