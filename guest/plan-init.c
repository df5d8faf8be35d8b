// SPDX-License-Identifier: GPL-2.0
/*
 * /init for the test initramfs: run every line of /plan as one test and
 * report KTAP on the console, then power off.
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
 *
 * A line of neither form (TIMEOUT not a positive integer, no PROGRAM, more
 * than MAX_ARGS arguments, a '!' line that is not exactly STEP VAR ID INDEX
 * of a known STEP) is not dropped: it counts as a test and is reported
 * "not ok K LINE # malformed plan line: WHY", so that the harness sees it.
 * A /plan of more than PLAN_SIZE bytes or MAX_TESTS lines is refused as a
 * whole ("not ok 1 plan # WHY") rather than run in part.
 *
 * Everything a test writes to stdout or stderr reaches the console, each
 * line prefixed with "# ": a line longer than RELAY_LINE bytes is split
 * into several, and a last line without a newline is printed as well.
 *
 * tests/harness/plan-init-test.c includes this file with PLAN_INIT_TEST
 * defined, to run the parser and the relay on the build host.
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
#define PLAN_SIZE 16384		/* bytes of /plan */
#define RELAY_LINE 1024		/* bytes of test output per console line */
#define DRAIN_SECS 5		/* how long output may stay open after a test */
#define STR(x) #x
#define XSTR(x) STR(x)

#ifdef PLAN_INIT_TEST
/* The test driver brings its own main(); this one stays reachable. */
#define main plan_init_main
#endif

struct test {
	char *name;		/* or the setup verb, for a '!' line */
	int timeout;
	int setup;
	const char *bad;	/* why the line is malformed; NULL if it is not */
	const char *line;	/* the line as written, to report it */
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

/* A decimal number of 1 to 9 digits and nothing else, or -1. */
static int parse_num(const char *s)
{
	int v = 0, i;

	for (i = 0; s[i]; i++) {
		if (s[i] < '0' || s[i] > '9' || i == 9)
			return -1;
		v = v * 10 + s[i] - '0';
	}
	return i ? v : -1;
}

/* "VENDOR:DEVICE", each 1 to 4 hex digits. */
static int is_pci_id(const char *s)
{
	static const char hex[] = "0123456789abcdefABCDEF";
	size_t v = strspn(s, hex), d;

	if (v < 1 || v > 4 || s[v] != ':')
		return 0;
	d = strspn(s + v + 1, hex);
	return d >= 1 && d <= 4 && s[v + 1 + d] == '\0';
}

/* Fill @t from one plan line (cut up in place); t->bad says what is wrong. */
static void parse_line(char *line, struct test *t)
{
	char *tok[MAX_ARGS + 2], *word, *save;
	int ntok = 0, first, i;

	t->line = strdup(line);
	if (!t->line)
		t->line = "(a line plan-init had no memory to keep)";
	if (line[0] == '!') {
		t->setup = 1;
		line++;
	}
	t->name = strtok_r(line, " ", &save);
	while ((word = strtok_r(NULL, " ", &save))) {
		if (ntok == MAX_ARGS + 2) {
			t->bad = "more than " XSTR(MAX_ARGS) " arguments";
			return;
		}
		tok[ntok++] = word;
	}
	if (t->setup) {
		if (!t->name || (strcmp(t->name, "vfio-bind") && strcmp(t->name, "enable")))
			t->bad = "unknown setup step, want !vfio-bind or !enable";
		else if (ntok != 3)
			t->bad = "want !STEP VAR VENDOR:DEVICE INDEX";
		else if (!is_pci_id(tok[1]))
			t->bad = "the ID is not VENDOR:DEVICE in hex";
		else if (parse_num(tok[2]) < 0)
			t->bad = "INDEX is not a number";
	} else {
		if (ntok < 2)
			t->bad = "want NAME TIMEOUT PROGRAM [ARG...]";
		else if (parse_num(tok[0]) <= 0)
			t->bad = "TIMEOUT is not a positive integer";
		else if (ntok - 1 > MAX_ARGS)
			t->bad = "more than " XSTR(MAX_ARGS) " arguments";
		else
			t->timeout = parse_num(tok[0]);
	}
	if (t->bad)
		return;
	/* A test's argv is PROGRAM [ARG...]; a setup step's is VAR ID INDEX. */
	first = t->setup ? 0 : 1;
	for (i = first; i < ntok; i++)
		t->argv[i - first] = tok[i];
	t->argv[ntok - first] = NULL;
}

/*
 * Read the plan at @path into @tests: the number of entries, 0 when there
 * is no plan or an empty one, or -1 with *err saying why the plan as a
 * whole cannot be used (part of a plan must not pass for all of it).
 */
static int parse_plan(const char *path, struct test *tests, const char **err)
{
	static char buf[PLAN_SIZE + 2], msg[128];
	size_t len = 0;
	ssize_t got = 0;
	char *line, *next;
	int n = 0, fd;

	*err = NULL;
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	/* One byte more than a plan may have tells full from over-long. */
	while (len < PLAN_SIZE + 1) {
		got = read(fd, buf + len, PLAN_SIZE + 1 - len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		len += got;
	}
	close(fd);
	if (got < 0) {
		snprintf(msg, sizeof(msg), "cannot read %s: %s", path, strerror(errno));
		*err = msg;
		return -1;
	}
	if (len > PLAN_SIZE) {
		snprintf(msg, sizeof(msg), "%s is longer than %d bytes", path, PLAN_SIZE);
		*err = msg;
		return -1;
	}
	if (memchr(buf, '\0', len)) {
		snprintf(msg, sizeof(msg), "%s holds a NUL byte", path);
		*err = msg;
		return -1;
	}
	buf[len] = '\0';

	for (line = buf; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		line += strspn(line, " ");
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (n == MAX_TESTS) {
			snprintf(msg, sizeof(msg), "%s has more than %d lines", path, MAX_TESTS);
			*err = msg;
			return -1;
		}
		memset(&tests[n], 0, sizeof(tests[n]));
		parse_line(line, &tests[n++]);
	}
	return n;
}

/* A test's output on its way to the console: the line not yet printed. */
struct relay {
	size_t used;
	char buf[RELAY_LINE];
};

/* Print the line held so far as one KTAP diagnostic line. */
static void relay_line(struct relay *r)
{
	fputs("# ", stdout);
	fwrite(r->buf, 1, r->used, stdout);
	fputc('\n', stdout);
	r->used = 0;
}

/*
 * Pass @n bytes of output on, a line at a time. A line that does not fit
 * the buffer is printed in pieces of RELAY_LINE bytes, the same pieces
 * however the output was cut up by the reads.
 */
static void relay_feed(struct relay *r, const char *p, size_t n)
{
	while (n) {
		const char *nl = memchr(p, '\n', n);
		size_t len = nl ? (size_t)(nl - p) : n, room;

		while (r->used + len > sizeof(r->buf)) {
			room = sizeof(r->buf) - r->used;
			memcpy(r->buf + r->used, p, room);
			r->used += room;
			p += room;
			n -= room;
			len -= room;
			relay_line(r);
		}
		memcpy(r->buf + r->used, p, len);
		r->used += len;
		p += len;
		n -= len;
		if (nl) {
			relay_line(r);
			p++;
			n--;
		}
	}
}

/* Relay what can be read now: > 0 bytes read, 0 at end of file, < 0 error. */
static ssize_t relay_read(int fd, struct relay *r)
{
	char chunk[4096];
	ssize_t n;

	do
		n = read(fd, chunk, sizeof(chunk));
	while (n < 0 && errno == EINTR);
	if (n > 0)
		relay_feed(r, chunk, n);
	return n;
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

/*
 * Load vfio-pci and its IOMMU backend the way a Debian host does, with
 * modprobe (the kernel's modules and busybox as /sbin/modprobe are appended
 * to the initramfs, see harness/boot/qemu-boot.sh), unless the kernel has the
 * driver built in. Returns 0 when the vfio-pci driver is there afterwards.
 */
static int load_vfio(void)
{
	static const char *const mods[] = { "vfio_iommu_type1", "vfio_pci" };
	static int loaded;
	unsigned int i;
	int status;
	pid_t pid;

	if (loaded)
		return 0;
	if (!access("/sys/bus/pci/drivers/vfio-pci", F_OK)) {
		printf("# plan-init: vfio-pci is built in\n");
		loaded = 1;
		return 0;
	}
	for (i = 0; i < sizeof(mods) / sizeof(mods[0]); i++) {
		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			execl("/sbin/modprobe", "modprobe", mods[i], (char *)NULL);
			_exit(127);
		}
		if (pid < 0 || waitpid(pid, &status, 0) != pid ||
		    !WIFEXITED(status) || WEXITSTATUS(status)) {
			printf("# plan-init: modprobe %s failed\n", mods[i]);
			return -1;
		}
		printf("# plan-init: modprobe %s: loaded\n", mods[i]);
	}
	loaded = !access("/sys/bus/pci/drivers/vfio-pci", F_OK);
	return !loaded;
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
		if (load_vfio()) {
			printf("# plan-init: vfio-bind %s: no vfio-pci driver\n", bdf);
			return -1;
		}
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
	int status = 0, pfd[2], timed_out = 0, eof = 0, stuck = 0;
	struct relay r = { .used = 0 };
	pid_t pid;

	if (pipe(pfd))
		return 126;
	fflush(stdout);		/* or the child could print it a second time */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		close(pfd[0]);
		close(pfd[1]);
		execv(t->argv[0], t->argv);
		/* Not printf(): _exit() would drop what stdio holds back. */
		dprintf(1, "plan-init: exec %s: %s\n", t->argv[0], strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	if (pid < 0) {
		close(pfd[0]);
		return 126;
	}
	setpgid(pid, pid);	/* as the child does: the timeout may come first */
	/* Relay output until the test ends; kill it when it overruns. */
	for (;;) {
		/* At end of file poll() ignores the negative fd and only waits. */
		struct pollfd p = { .fd = eof ? -1 : pfd[0], .events = POLLIN };

		if (poll(&p, 1, eof ? 2 : 100) > 0 && relay_read(pfd[0], &r) <= 0)
			eof = 1;
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
	/*
	 * The test has ended, but what it wrote last can still be in the pipe:
	 * read up to end of file, not only what poll() happens to report at
	 * once. What is left of its process group would hold the pipe open
	 * (and write into the next test's output): end that first.
	 */
	kill(-pid, SIGKILL);
	while (!eof) {
		struct pollfd p = { .fd = pfd[0], .events = POLLIN };
		int ready = poll(&p, 1, DRAIN_SECS * 1000);

		if (ready < 0 && errno == EINTR)
			continue;
		if (ready <= 0) {
			stuck = 1;	/* a process that left the group has it */
			break;
		}
		if (relay_read(pfd[0], &r) <= 0)
			eof = 1;
	}
	if (r.used)
		relay_line(&r);		/* the last line had no newline */
	close(pfd[0]);
	/* As PID 1 we inherit the test's orphans: reap the ones just killed. */
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	*secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (stuck)
		printf("# plan-init: %s: output still open %d s after the test ended; not relayed further\n",
		       t->name, DRAIN_SECS);
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

/*
 * Run the plan parse_plan() gave (@n entries, or @err) and print its KTAP
 * between PLAN-BEGIN and PLAN-END; returns the number of failures.
 */
static int run_plan(struct test *tests, int n, const char *err)
{
	int i, k = 0, ntests = 0, failed = 0;

	printf("PLAN-BEGIN\nTAP version 13\n");
	if (err) {
		printf("1..1\nnot ok 1 plan # %s\n# plan-init: 1 failed\nPLAN-END\n", err);
		return 1;
	}
	if (n <= 0) {
		printf("1..0 # SKIP no /plan or an empty one\nPLAN-END\n");
		return 0;
	}
	for (i = 0; i < n; i++)
		ntests += !tests[i].setup || tests[i].bad;
	printf("1..%d\n", ntests);
	for (i = 0; i < n; i++) {
		double secs = 0;
		int rc;

		if (tests[i].bad) {
			printf("not ok %d %s # malformed plan line: %s\n", ++k,
			       tests[i].line, tests[i].bad);
			failed++;
			continue;
		}
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
	return failed;
}

int main(void)
{
	static struct test tests[MAX_TESTS];
	const char *err;
	int n;

	mount_fs("proc", "/proc", "proc");
	mount_fs("sysfs", "/sys", "sysfs");
	mount_fs("devtmpfs", "/dev", "devtmpfs");
	mount_fs("debugfs", "/sys/kernel/debug", "debugfs");
	mount_fs("tmpfs", "/tmp", "tmpfs");
	setvbuf(stdout, NULL, _IOLBF, 0);

	n = parse_plan("/plan", tests, &err);
	run_plan(tests, n, err);
	power_off();
	return 0;
}
