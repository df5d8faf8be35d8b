// SPDX-License-Identifier: GPL-2.0
/*
 * realvmm-run [-t SECONDS] [-k IMAGE] [-i INITRD] [-a ARGS] BDF CASE...: in
 * the test host (L1), run Debian's own qemu-system-aarch64 once per CASE as
 * the VMM of a nested Linux guest (L2) to which the PCI device at BDF, bound
 * to vfio-pci, is passed through. L2 boots IMAGE (default /realvmm/Image)
 * with INITRD (default /realvmm/initramfs.cpio) and "realvmm.case=CASE" and
 * ARGS on its command line (guest/realvmm-init.c), runs that case and
 * powers off. Its kernel boots with loglevel=5: warnings and worse reach
 * its console, the boot's information does not (every byte L2 writes to
 * its emulated UART is an exit to QEMU, slow under nested emulation).
 *
 * Everything QEMU prints is relayed, one line at a time: L2's console (QEMU's
 * stdout) behind "L2: ", QEMU's own messages (its stderr) behind "qemu: ",
 * and this program's behind "realvmm-run: ". Then one KTAP line per case:
 * "ok K CASE" when L2 reported "ok 1 CASE" and QEMU exited with status 0.
 *
 * When KVM_RUN fails QEMU prints "kvm run failed" and keeps the guest
 * paused for ever: QEMU is then stopped at once (SIGTERM, SIGKILL KILL_SECS
 * later) and the case fails. So does one that runs longer than SECONDS
 * (default 180).
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

/* What one run of QEMU showed. */
struct run {
	const char *name;
	int l2_ok, l2_not_ok, kvm_failed;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void line(struct stream *s, struct run *r)
{
	char result[LINE + 32];

	s->buf[s->used] = '\0';
	s->buf[strcspn(s->buf, "\r")] = '\0';
	printf("%s%s\n", s->prefix, s->buf);
	if (s->console) {
		snprintf(result, sizeof(result), "ok 1 %s", r->name);
		if (!strcmp(s->buf, result))
			r->l2_ok = 1;
		else if (!strncmp(s->buf, "not ", 4) && !strcmp(s->buf + 4, result))
			r->l2_not_ok = 1;
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

static pid_t start_qemu(const char *bdf, const char *name, int out, int err)
{
	char device[128], append[1024];
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
	snprintf(append, sizeof(append),
		 "console=ttyAMA0 loglevel=5 panic=-1 kunit.enable=0 realvmm.case=%s %s",
		 name, args);
	printf("realvmm-run: %s: starting", name);
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

/* Run CASE @k of the plan; returns 0 when it passed. */
static int run_case(const char *bdf, const char *name, int k, int timeout)
{
	struct stream s[2] = { { .console = 1, .prefix = "L2: " }, { .prefix = "qemu: " } };
	struct run r = { .name = name };
	int p_out[2], p_err[2], status = 0, open_fds = 2, i, passed;
	double t0 = now(), stop_at = 0;
	const char *why = NULL;
	pid_t pid;

	if (pipe(p_out) || pipe(p_err)) {
		printf("not ok %d %s # pipe: %s\n", k, name, strerror(errno));
		return 1;
	}
	pid = start_qemu(bdf, name, p_out[1], p_err[1]);
	close(p_out[1]);
	close(p_err[1]);
	s[0].fd = p_out[0];
	s[1].fd = p_err[0];
	if (pid < 0) {
		printf("not ok %d %s # fork: %s\n", k, name, strerror(errno));
		close(s[0].fd);
		close(s[1].fd);
		return 1;
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
			printf("realvmm-run: %s: %s; stopping QEMU\n", name, why);
			kill(pid, SIGTERM);
			stop_at = now();
		}
		if (stop_at && now() - stop_at > KILL_SECS)
			kill(pid, SIGKILL);	/* the pipes close with it */
	}
	waitpid(pid, &status, 0);
	if (WIFEXITED(status))
		printf("realvmm-run: %s: L1 QEMU exited with status %d after %.1fs\n", name,
		       WEXITSTATUS(status), now() - t0);
	else
		printf("realvmm-run: %s: L1 QEMU killed by signal %d after %.1fs\n", name,
		       WTERMSIG(status), now() - t0);
	passed = !why && r.l2_ok && WIFEXITED(status) && WEXITSTATUS(status) == 0;
	if (!why)
		why = r.l2_ok ? "L1 QEMU did not exit cleanly" :
		      r.l2_not_ok ? "L2 reported the case failed" : "L2 reported no result";
	printf("%sok %d %s%s%s\n", passed ? "" : "not ", k, name, passed ? "" : " # ",
	       passed ? "" : why);
	return !passed;
}

int main(int argc, char **argv)
{
	int timeout = 180, opt, i, failed = 0;

	while ((opt = getopt(argc, argv, "t:k:i:a:")) != -1) {
		switch (opt) {
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
	if (argc - optind < 2 || timeout <= 0)
		goto usage;
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("1..%d\n", argc - optind - 1);
	for (i = optind + 1; i < argc; i++)
		failed += run_case(argv[optind], argv[i], i - optind, timeout);
	return failed ? 1 : 0;
usage:
	fprintf(stderr, "usage: realvmm-run [-t SECONDS] [-k IMAGE] [-i INITRD] [-a ARGS] BDF CASE...\n");
	return 2;
}
