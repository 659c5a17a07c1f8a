/*
 * For each path in argv: its type, mode, owner, time and size, and the
 * contents of a small file or the target of a symbolic link, one line each.
 * Exits 1 when a path is missing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	int missing = 0;

	for (int i = 1; i < argc; i++) {
		struct stat st;
		char buf[256];

		if (lstat(argv[i], &st) != 0) {
			printf("%s: %s\n", argv[i], strerror(errno));
			missing = 1;
			continue;
		}
		printf("%s type=%c mode=%04o uid=%u gid=%u mtime=%lld", argv[i],
		    S_ISDIR(st.st_mode)	    ? 'd' :
			S_ISLNK(st.st_mode) ? 'l' :
			S_ISREG(st.st_mode) ? 'f' :
					      '?',
		    (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid,
		    (unsigned)st.st_gid, (long long)st.st_mtime);
		if (S_ISLNK(st.st_mode)) {
			ssize_t n = readlink(argv[i], buf, sizeof(buf) - 1);

			buf[n > 0 ? n : 0] = '\0';
			printf(" target=<%s>", buf);
		} else if (S_ISREG(st.st_mode)) {
			int fd = open(argv[i], O_RDONLY);
			ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

			buf[n > 0 ? n : 0] = '\0';
			printf(" size=%lld data=<%s>", (long long)st.st_size,
			    buf);
			if (fd >= 0)
				close(fd);
		}
		printf("\n");
	}
	return missing;
}
