// SPDX-License-Identifier: GPL-2.0
/*
 * fsio: the two file operations a test plan needs, without a shell.
 *
 *   fsio write PATH VALUE   write VALUE to PATH (a sysfs or debugfs file)
 *   fsio refused PATH VALUE succeed only if writing VALUE to PATH is
 *                           refused (a read-only module parameter)
 *   fsio cat PATH...        copy each PATH to standard output
 *
 * Used to read and try to change a module parameter, and to ask kmemleak
 * for a scan and its report. Exit status 1 on any error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int do_write(const char *path, const char *val)
{
	ssize_t n = strlen(val);
	int fd = open(path, O_WRONLY);

	if (fd < 0 || write(fd, val, n) != n) {
		fprintf(stderr, "fsio: write '%s' to %s: %s\n", val, path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return 1;
	}
	close(fd);
	printf("fsio: %s = %s\n", path, val);
	return 0;
}

static int do_refused(const char *path, const char *val)
{
	ssize_t n = strlen(val);
	int fd = open(path, O_WRONLY);

	if (fd >= 0 && write(fd, val, n) == n) {
		close(fd);
		fprintf(stderr, "fsio: write '%s' to %s was accepted\n", val, path);
		return 1;
	}
	printf("fsio: write '%s' to %s refused: %s\n", val, path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return 0;
}

static int do_cat(const char *path)
{
	char buf[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0) {
		fprintf(stderr, "fsio: %s: %s\n", path, strerror(errno));
		return 1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, n, stdout);
	close(fd);
	if (n < 0) {
		fprintf(stderr, "fsio: read %s: %s\n", path, strerror(errno));
		return 1;
	}
	return 0;
}

int main(int argc, char *argv[])
{
	int i, rc = 0;

	if (argc == 4 && !strcmp(argv[1], "write"))
		return do_write(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "refused"))
		return do_refused(argv[2], argv[3]);
	if (argc >= 3 && !strcmp(argv[1], "cat")) {
		for (i = 2; i < argc; i++)
			rc |= do_cat(argv[i]);
		return rc;
	}
	fprintf(stderr, "usage: fsio write|refused PATH VALUE | fsio cat PATH...\n");
	return 2;
}
