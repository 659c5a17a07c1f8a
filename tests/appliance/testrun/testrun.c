/*
 * A test-run example: a program whose cases run inside the image and whose
 * exit status is the number of failed cases, so that scripts/qemu-test
 * (or scripts/run-qemu ... && echo passed) reports it. With arguments,
 * only the cases named run; "fails" is deliberately broken.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int
test_arith(void)
{
	return 6 * 7 == 42;
}

static int
test_file_roundtrip(void)
{
	char buf[8] = "";
	int fd = open("/tmp/t", O_RDWR | O_CREAT | O_TRUNC, 0600);

	if (fd < 0 || write(fd, "abc", 3) != 3 || lseek(fd, 0, SEEK_SET) != 0 ||
	    read(fd, buf, sizeof(buf)) != 3)
		return 0;
	close(fd);
	return strcmp(buf, "abc") == 0;
}

static int
test_snprintf(void)
{
	char s[16];

	snprintf(s, sizeof(s), "%05.1f|%x", 3.14159, 255);
	return strcmp(s, "003.1|ff") == 0;
}

static int
test_fails(void)
{
	return strlen("deliberately") == 3; /* the example's failing case */
}

static const struct {
	const char *name;
	int (*fn)(void);
} cases[] = {
	{ "arith", test_arith },
	{ "file_roundtrip", test_file_roundtrip },
	{ "snprintf", test_snprintf },
	{ "fails", test_fails },
};

int
main(int argc, char **argv)
{
	int passed = 0, failed = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int want = argc == 1;

		for (int a = 1; a < argc; a++)
			if (strcmp(argv[a], cases[i].name) == 0)
				want = 1;
		if (!want)
			continue;
		if (cases[i].fn()) {
			printf("PASS %s\n", cases[i].name);
			passed++;
		} else {
			printf("FAIL %s\n", cases[i].name);
			failed++;
		}
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed;
}
