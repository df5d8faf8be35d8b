// SPDX-License-Identifier: GPL-2.0
/*
 * /init for the regression initramfs: run every line of /plan as one test
 * and report KTAP on the console, then power off.
 *
 * A plan line is "NAME TIMEOUT PROGRAM [ARG...]" (space separated, '#'
 * starts a comment). A test passes when PROGRAM exits 0, is skipped when it
 * exits 4 (KSFT_SKIP), and fails otherwise or when it runs longer than
 * TIMEOUT seconds (it is then killed). An ARG "$VAR" is replaced by the
 * value of VAR, empty if unset.
 *
 * Lines starting with '!' prepare PCI devices, picked as the INDEX-th
 * (from 0, in address order) device with the given vendor and device ID:
 *   !vfio-bind VAR VENDOR:DEVICE INDEX  bind it to vfio-pci, set VAR=BDF
 *   !enable VAR VENDOR:DEVICE INDEX     enable it, set VAR=BDF
 * A setup step that fails leaves VAR unset and says why.
 */
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_TESTS 64
#define MAX_ARGS 32

struct test {
	char *name;		/* or the setup verb, for a '!' line */
	int timeout;
	int setup;
	char *argv[MAX_ARGS + 1];
};

static void mount_fs(const char *src, const char *dir, const char *type)
{
	mkdir(dir, 0755);
	if (mount(src, dir, type, 0, NULL) && errno != EBUSY)
		printf("# plan-init: mount %s on %s: %s\n", type, dir, strerror(errno));
}

static void power_off(void)
{
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	_exit(1);
}

static int parse_plan(const char *path, struct test *tests)
{
	static char buf[16384];
	int n = 0, fd;
	ssize_t len;
	char *line, *save;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len < 0)
		return -1;
	buf[len] = '\0';

	for (line = strtok_r(buf, "\n", &save); line && n < MAX_TESTS;
	     line = strtok_r(NULL, "\n", &save)) {
		struct test *t = &tests[n];
		char *tok, *tsave;
		int argc = 0;

		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (line[0] == '!') {
			t->setup = 1;
			line++;
		}
		t->name = strtok_r(line, " ", &tsave);
		tok = strtok_r(NULL, " ", &tsave);
		if (!t->name || !tok)
			continue;
		if (t->setup) {
			t->argv[argc++] = tok;	/* VAR, then ID and INDEX */
			while ((tok = strtok_r(NULL, " ", &tsave)) && argc < MAX_ARGS)
				t->argv[argc++] = tok;
			t->argv[argc] = NULL;
			if (argc == 3)
				n++;
			else
				printf("# plan-init: ignored setup line '!%s': want VAR ID INDEX\n",
				       t->name);
			continue;
		}
		t->timeout = atoi(tok);
		while ((tok = strtok_r(NULL, " ", &tsave)) && argc < MAX_ARGS)
			t->argv[argc++] = tok;
		t->argv[argc] = NULL;
		if (argc)
			n++;
	}
	return n;
}

/* Copy what the test printed to the console as KTAP diagnostics. */
static void relay(int fd, char *line, size_t *used, size_t size)
{
	ssize_t n = read(fd, line + *used, size - *used - 1);
	char *start, *nl;

	if (n <= 0)
		return;
	*used += n;
	line[*used] = '\0';
	start = line;
	while ((nl = strchr(start, '\n'))) {
		*nl = '\0';
		printf("# %s\n", start);
		start = nl + 1;
	}
	*used -= start - line;
	memmove(line, start, *used);
	if (*used == size - 1) {	/* an overlong line: flush it as is */
		printf("# %s\n", line);
		*used = 0;
	}
}

static int write_file(const char *dir, const char *file, const char *val)
{
	char path[512];
	int fd, ok;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -1;
	ok = write(fd, val, strlen(val)) == (ssize_t)strlen(val);
	close(fd);
	return ok ? 0 : -1;
}

static unsigned int read_hex(const char *dir, const char *file)
{
	char path[512], buf[32] = "";
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	if (read(fd, buf, sizeof(buf) - 1) < 0)
		buf[0] = '\0';
	close(fd);
	return strtoul(buf, NULL, 16);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char * const *)a, *(char * const *)b);
}

/* The INDEX-th PCI device with ID "VENDOR:DEVICE", in address order. */
static int find_pci(const char *id, int index, char *bdf, size_t size)
{
	static char names[64][256];
	char *sorted[64], dir[512];
	unsigned int vendor, device;
	struct dirent *d;
	int n = 0, i;
	DIR *dp;

	if (sscanf(id, "%x:%x", &vendor, &device) != 2)
		return -1;
	dp = opendir("/sys/bus/pci/devices");
	if (!dp)
		return -1;
	while ((d = readdir(dp)) && n < 64) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(names[n], sizeof(names[n]), "%s", d->d_name);
		sorted[n] = names[n];
		n++;
	}
	closedir(dp);
	qsort(sorted, n, sizeof(sorted[0]), cmp_names);
	for (i = 0; i < n; i++) {
		snprintf(dir, sizeof(dir), "/sys/bus/pci/devices/%s", sorted[i]);
		if (read_hex(dir, "vendor") == vendor && read_hex(dir, "device") == device &&
		    index-- == 0) {
			snprintf(bdf, size, "%s", sorted[i]);
			return 0;
		}
	}
	return -1;
}

/* Run a '!' line; returns 0 when VAR was set. */
static int setup(struct test *t)
{
	char bdf[32], dir[512], link[512];
	ssize_t n;

	unsetenv(t->argv[0]);
	if (find_pci(t->argv[1], atoi(t->argv[2]), bdf, sizeof(bdf))) {
		printf("# plan-init: %s: no PCI device %s number %s\n", t->name,
		       t->argv[1], t->argv[2]);
		return -1;
	}
	snprintf(dir, sizeof(dir), "/sys/bus/pci/devices/%s", bdf);
	if (!strcmp(t->name, "enable")) {
		if (write_file(dir, "enable", "1")) {
			printf("# plan-init: enable %s: %s\n", bdf, strerror(errno));
			return -1;
		}
	} else if (!strcmp(t->name, "vfio-bind")) {
		write_file(dir, "driver/unbind", bdf);	/* if it has a driver */
		if (write_file(dir, "driver_override", "vfio-pci") ||
		    write_file("/sys/bus/pci", "drivers_probe", bdf)) {
			printf("# plan-init: vfio-bind %s: %s\n", bdf, strerror(errno));
			return -1;
		}
		snprintf(dir, sizeof(dir), "/sys/bus/pci/devices/%s/driver", bdf);
		n = readlink(dir, link, sizeof(link) - 1);
		link[n > 0 ? n : 0] = '\0';
		if (!strstr(link, "/vfio-pci")) {
			printf("# plan-init: vfio-bind %s: not bound to vfio-pci after probing\n",
			       bdf);
			return -1;
		}
	} else {
		printf("# plan-init: unknown setup step '!%s'\n", t->name);
		return -1;
	}
	printf("# plan-init: %s %s (%s): %s=%s\n", t->name, t->argv[1], t->argv[2],
	       t->argv[0], bdf);
	setenv(t->argv[0], bdf, 1);
	return 0;
}

/* Replace each "$VAR" argument with its value. */
static void expand(struct test *t)
{
	int i;

	for (i = 0; t->argv[i]; i++) {
		if (t->argv[i][0] == '$') {
			const char *v = getenv(t->argv[i] + 1);

			t->argv[i] = (char *)(v ? v : "");
		}
	}
}

/* Run one test; returns 0 pass, 4 skip, anything else fail. */
static int run(struct test *t, double *secs)
{
	struct timespec t0, t1;
	int status = 0, pfd[2], timed_out = 0;
	char line[1024];
	size_t used = 0;
	pid_t pid;

	if (pipe(pfd))
		return 126;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		close(pfd[0]);
		close(pfd[1]);
		execv(t->argv[0], t->argv);
		printf("plan-init: exec %s: %s\n", t->argv[0], strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	if (pid < 0) {
		close(pfd[0]);
		return 126;
	}
	/* Relay output until the test ends; kill it when it overruns. */
	for (;;) {
		struct pollfd p = { .fd = pfd[0], .events = POLLIN };

		if (poll(&p, 1, 100) > 0)
			relay(pfd[0], line, &used, sizeof(line));
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (t1.tv_sec - t0.tv_sec >= t->timeout) {
			kill(-pid, SIGKILL);
			waitpid(pid, &status, 0);
			timed_out = 1;
			break;
		}
	}
	while (poll(&(struct pollfd){ .fd = pfd[0], .events = POLLIN }, 1, 0) > 0 &&
	       used < sizeof(line) - 1) {
		size_t before = used;

		relay(pfd[0], line, &used, sizeof(line));
		if (used == before)
			break;
	}
	if (used)
		printf("# %.*s\n", (int)used, line);
	close(pfd[0]);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	*secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (timed_out) {
		printf("# plan-init: %s timed out after %d s\n", t->name, t->timeout);
		return 125;
	}
	if (WIFSIGNALED(status)) {
		printf("# plan-init: %s killed by signal %d\n", t->name, WTERMSIG(status));
		return 128 + WTERMSIG(status);
	}
	return WEXITSTATUS(status);
}

int main(void)
{
	static struct test tests[MAX_TESTS];
	int n, i, k = 0, ntests = 0, failed = 0;

	mount_fs("proc", "/proc", "proc");
	mount_fs("sysfs", "/sys", "sysfs");
	mount_fs("devtmpfs", "/dev", "devtmpfs");
	mount_fs("debugfs", "/sys/kernel/debug", "debugfs");
	mount_fs("tmpfs", "/tmp", "tmpfs");
	setvbuf(stdout, NULL, _IOLBF, 0);

	n = parse_plan("/plan", tests);
	printf("PLAN-BEGIN\nTAP version 13\n");
	if (n <= 0) {
		printf("1..0 # SKIP no /plan or an empty one\nPLAN-END\n");
		power_off();
	}
	for (i = 0; i < n; i++)
		ntests += !tests[i].setup;
	printf("1..%d\n", ntests);
	for (i = 0; i < n; i++) {
		double secs = 0;
		int rc;

		if (tests[i].setup) {
			setup(&tests[i]);
			continue;
		}
		k++;
		expand(&tests[i]);
		printf("# plan-init: running %s\n", tests[i].name);
		rc = run(&tests[i], &secs);
		if (rc == 0) {
			printf("ok %d %s # %.1fs\n", k, tests[i].name, secs);
		} else if (rc == 4) {
			printf("ok %d %s # SKIP (exit 4) %.1fs\n", k, tests[i].name, secs);
		} else {
			printf("not ok %d %s # exit %d after %.1fs\n", k, tests[i].name, rc, secs);
			failed++;
		}
	}
	printf("# plan-init: %d failed\nPLAN-END\n", failed);
	power_off();
	return 0;
}
