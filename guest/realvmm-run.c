// SPDX-License-Identifier: GPL-2.0
/*
 * realvmm-run [-1] [-t SECONDS] [-k IMAGE] [-i INITRD] [-a ARGS] BDF CASE...:
 * in the test host (L1), run Debian's own qemu-system-aarch64 as the VMM of
 * a nested Linux guest (L2) to which the PCI device at BDF, bound to
 * vfio-pci, is passed through: once per CASE, or with -1 once for all of
 * them. L2 boots IMAGE (default /realvmm/Image) with INITRD (default
 * /realvmm/initramfs.cpio) and "realvmm.case=CASE[,CASE...]" and ARGS on its
 * command line (guest/realvmm-init.c), runs the cases in that order and
 * powers off. Its kernel boots with loglevel=5: warnings and worse reach its
 * console, the boot's information does not (every byte L2 writes to its
 * emulated UART is an exit to QEMU, slow under nested emulation).
 *
 * Everything QEMU prints is relayed, one line at a time: L2's console (QEMU's
 * stdout) behind "L2: ", QEMU's own messages (its stderr) behind "qemu: ",
 * and this program's behind "realvmm-run: ". Then one KTAP line per case:
 * "ok K CASE" when L2 reported "ok J CASE" and QEMU exited with status 0.
 * This program's messages name the boot by its case, or "one-boot" (-1).
 *
 * When KVM_RUN fails QEMU prints "kvm run failed" and keeps the guest
 * paused for ever: QEMU is then stopped at once (SIGTERM, SIGKILL KILL_SECS
 * later) and the boot fails: the case L2 was running fails, those after it
 * were not run and fail too. So does a boot that runs longer than SECONDS
 * (default 180). A case that stops L2 (one that depends on the series, on
 * the base) must therefore have a boot of its own.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define QEMU "/usr/bin/qemu-system-aarch64"
#define LINE 1024
#define KILL_SECS 5

struct stream {
	int fd;			/* -1 once at end of file */
	int console;		/* L2's console, not QEMU's own messages */
	const char *prefix;
	size_t used;
	char buf[LINE];
};

#define MAX_CASES 16

/* What one run of QEMU showed. */
struct run {
	const char *label;		/* the case, or "one-boot" */
	char *const *names;		/* the cases, in L2's order */
	int n;
	int cur;			/* the case L2 reported it runs, or -1 */
	int l2_ok[MAX_CASES], l2_not_ok[MAX_CASES], kvm_failed;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Which of the run's cases @name is, or -1. */
static int find_case(const struct run *r, const char *name)
{
	int i;

	for (i = 0; i < r->n; i++)
		if (!strcmp(r->names[i], name))
			return i;
	return -1;
}

/* L2's "ok J CASE" or "not ok J CASE", and its "# realvmm: running CASE". */
static void console_line(const char *text, struct run *r)
{
	int not = !strncmp(text, "not ", 4), k, len = 0, i;

	if (sscanf(text + (not ? 4 : 0), "ok %d %n", &k, &len) == 1 && len) {
		i = find_case(r, text + (not ? 4 : 0) + len);
		if (i >= 0)
			(not ? r->l2_not_ok : r->l2_ok)[i] = 1;
	} else if (!strncmp(text, "# realvmm: running ", 19)) {
		r->cur = find_case(r, text + 19);
	}
}

static void line(struct stream *s, struct run *r)
{
	s->buf[s->used] = '\0';
	s->buf[strcspn(s->buf, "\r")] = '\0';
	printf("%s%s\n", s->prefix, s->buf);
	if (s->console) {
		console_line(s->buf, r);
	} else if (strstr(s->buf, "kvm run failed")) {
		r->kvm_failed = 1;
	}
	s->used = 0;
}

/* Relay what @s has now; 0 at end of file. */
static int relay(struct stream *s, struct run *r)
{
	char chunk[4096];
	ssize_t n, i;

	do
		n = read(s->fd, chunk, sizeof(chunk));
	while (n < 0 && errno == EINTR);
	for (i = 0; i < n; i++) {
		if (chunk[i] == '\n' || s->used == LINE - 1)
			line(s, r);
		if (chunk[i] != '\n')
			s->buf[s->used++] = chunk[i];
	}
	if (n <= 0 && s->used)
		line(s, r);
	return n > 0;
}

/* What the command line says besides the cases. */
static const char *image = "/realvmm/Image", *initrd = "/realvmm/initramfs.cpio", *args = "";

static pid_t start_qemu(const char *bdf, const struct run *r, int out, int err)
{
	char device[128], append[1024], cases[512] = "";
	char *argv[] = {
		QEMU, "-M", "virt,gic-version=3", "-accel", "kvm", "-cpu", "host",
		"-smp", "1", "-m", "256M", "-display", "none", "-monitor", "none",
		"-serial", "stdio", "-nodefaults", "-no-reboot",
		"-device", device, "-kernel", (char *)image,
		"-initrd", (char *)initrd, "-append", append, NULL
	};
	pid_t pid;
	int i;

	snprintf(device, sizeof(device), "vfio-pci,host=%s", bdf);
	for (i = 0; i < r->n; i++)
		snprintf(cases + strlen(cases), sizeof(cases) - strlen(cases), "%s%s",
			 i ? "," : "", r->names[i]);
	snprintf(append, sizeof(append),
		 "console=ttyAMA0 loglevel=5 panic=-1 kunit.enable=0 realvmm.case=%s %s",
		 cases, args);
	printf("realvmm-run: %s: starting", r->label);
	for (i = 0; argv[i]; i++)
		printf(" %s", argv[i]);
	printf("\n");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		dup2(out, 1);
		dup2(err, 2);
		execv(QEMU, argv);
		dprintf(2, "exec %s: %s\n", QEMU, strerror(errno));
		_exit(127);
	}
	return pid;
}

/*
 * Boot L2 once for the @n cases @names, the first of them case @k of the
 * plan; returns how many of them failed.
 */
static int run_boot(const char *bdf, char *const *names, int n, int k, int timeout)
{
	struct stream s[2] = { { .console = 1, .prefix = "L2: " }, { .prefix = "qemu: " } };
	struct run r = { .label = n == 1 ? names[0] : "one-boot", .names = names, .n = n,
			 .cur = -1 };
	int p_out[2], p_err[2], status = 0, open_fds = 2, i, failed = 0, clean, stopped_in;
	double t0 = now(), stop_at = 0;
	const char *why = NULL, *case_why;
	pid_t pid;

	if (pipe(p_out) || pipe(p_err)) {
		for (i = 0; i < n; i++)
			printf("not ok %d %s # pipe: %s\n", k + i, names[i], strerror(errno));
		return n;
	}
	pid = start_qemu(bdf, &r, p_out[1], p_err[1]);
	close(p_out[1]);
	close(p_err[1]);
	s[0].fd = p_out[0];
	s[1].fd = p_err[0];
	if (pid < 0) {
		for (i = 0; i < n; i++)
			printf("not ok %d %s # fork: %s\n", k + i, names[i], strerror(errno));
		close(s[0].fd);
		close(s[1].fd);
		return n;
	}
	while (open_fds) {
		struct pollfd pfd[2];

		for (i = 0; i < 2; i++)
			pfd[i] = (struct pollfd){ .fd = s[i].fd, .events = POLLIN };
		if (poll(pfd, 2, 200) > 0) {
			for (i = 0; i < 2; i++) {
				if (s[i].fd < 0 || !(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
					continue;
				if (!relay(&s[i], &r)) {
					close(s[i].fd);
					s[i].fd = -1;
					open_fds--;
				}
			}
		}
		if (!why && r.kvm_failed)
			why = "KVM_RUN failed in L1 (kvm run failed): L2 stopped";
		else if (!why && now() - t0 > timeout)
			why = "timed out";
		if (why && !stop_at) {
			printf("realvmm-run: %s: %s; stopping QEMU\n", r.label, why);
			kill(pid, SIGTERM);
			stop_at = now();
		}
		if (stop_at && now() - stop_at > KILL_SECS)
			kill(pid, SIGKILL);	/* the pipes close with it */
	}
	waitpid(pid, &status, 0);
	if (WIFEXITED(status))
		printf("realvmm-run: %s: L1 QEMU exited with status %d after %.1fs\n", r.label,
		       WEXITSTATUS(status), now() - t0);
	else
		printf("realvmm-run: %s: L1 QEMU killed by signal %d after %.1fs\n", r.label,
		       WTERMSIG(status), now() - t0);
	clean = !why && WIFEXITED(status) && WEXITSTATUS(status) == 0;
	/* Where L2 stopped: the case it said it runs (the first before any). */
	stopped_in = r.cur < 0 ? 0 : r.cur;
	for (i = 0; i < n; i++) {
		if (r.l2_ok[i] && clean) {
			printf("ok %d %s\n", k + i, names[i]);
			continue;
		}
		failed++;
		if (r.l2_ok[i])
			case_why = "L1 QEMU did not exit cleanly";
		else if (r.l2_not_ok[i])
			case_why = "L2 reported the case failed";
		else if (why && i == stopped_in)
			case_why = why;
		else if (why && i > stopped_in)
			case_why = "not run: L2 stopped in an earlier case";
		else
			case_why = "L2 reported no result";
		printf("not ok %d %s # %s\n", k + i, names[i], case_why);
	}
	return failed;
}

int main(int argc, char **argv)
{
	int timeout = 180, opt, i, failed = 0, one_boot = 0, n;

	while ((opt = getopt(argc, argv, "1t:k:i:a:")) != -1) {
		switch (opt) {
		case '1':
			one_boot = 1;
			break;
		case 't':
			timeout = atoi(optarg);
			break;
		case 'k':
			image = optarg;
			break;
		case 'i':
			initrd = optarg;
			break;
		case 'a':
			args = optarg;
			break;
		default:
			goto usage;
		}
	}
	n = argc - optind - 1;
	if (n < 1 || timeout <= 0 || (one_boot && n > MAX_CASES))
		goto usage;
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("1..%d\n", n);
	if (one_boot)
		failed = run_boot(argv[optind], argv + optind + 1, n, 1, timeout);
	else
		for (i = 0; i < n; i++)
			failed += run_boot(argv[optind], argv + optind + 1 + i, 1, i + 1, timeout);
	return failed ? 1 : 0;
usage:
	fprintf(stderr, "usage: realvmm-run [-1] [-t SECONDS] [-k IMAGE] [-i INITRD] [-a ARGS] BDF CASE...\n"
		"  (-1: at most %d cases)\n", MAX_CASES);
	return 2;
}
