// SPDX-License-Identifier: GPL-2.0
/*
 * revstress: vfio-pci's promise that no mapping of a BAR is usable while
 * the device's memory decoding is off, tested under concurrency.
 *
 *   revstress -v BDF [-b BAR] [-t SECONDS] [-n PAGES]
 *
 * For SECONDS (default 20), at once:
 *   toggler   clears and sets PCI_COMMAND_MEMORY through the vfio config
 *             region, leaving it off for a random 0-2 ms each time;
 *   checkers  (two threads) read random pages of a shared mapping of the
 *             BAR, which they fault in again and again;
 *   forker    forks children that read their inherited copy of a second
 *             mapping, touched by the parent before each fork;
 *   mremapper maps a window of the BAR, touches it and moves it with
 *             mremap(), then reads it at the new address;
 *   splitter  maps a window, touches it, unmaps a page in its middle
 *             (splitting the VMA) and reads the pieces left.
 * Every read is a check. The toggler publishes a sequence number in shared
 * memory, odd while memory is off: it is made odd only after the write that
 * disables memory has returned (vfio-pci has zapped every mapping by then)
 * and even again before memory is enabled. A read that completes between
 * two loads of the same odd number got through while memory was off: a
 * violation. A refused read must end in SIGBUS with si_code BUS_ADRERR at
 * the address read; any other signal is a failure too.
 *
 * Prints one line "revstress: checks=N refused=N violations=N forks=N
 * mremaps=N splits=N toggles=N wrong-signal=N" and exits 0 only when no read
 * got through, no read was refused the wrong way, and every kind of check
 * ran. Not part of the series; guest/lib opens the BAR.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "vfio_bar.h"
#include "bar_opts.h"

#define WINDOW_PAGES 16

struct shared {
	atomic_ulong seq;		/* odd while memory is off */
	atomic_ulong checks, refused, violations, wrong_signal;
	atomic_ulong forks, mremaps, splits, toggles;
	atomic_int stop;
};

static struct shared *sh;
static struct vfio_bar vb;
static size_t pg, npages;

static __thread sigjmp_buf jb;
static __thread volatile void *expect_addr;
static __thread volatile int in_check;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (!in_check)
		abort();
	if (sig != SIGBUS || si->si_code != BUS_ADRERR || si->si_addr != expect_addr)
		siglongjmp(jb, 2);
	siglongjmp(jb, 1);
}

/* One check: read addr; count a violation when it completes while off. */
static void check(volatile uint8_t *addr)
{
	unsigned long s1, s2;
	int r;

	expect_addr = addr;
	s1 = atomic_load(&sh->seq);
	in_check = 1;
	r = sigsetjmp(jb, 1);
	if (r == 0) {
		(void)*addr;
		in_check = 0;
		s2 = atomic_load(&sh->seq);
		if ((s1 & 1) && s1 == s2)
			atomic_fetch_add(&sh->violations, 1);
	} else {
		in_check = 0;
		atomic_fetch_add(r == 1 ? &sh->refused : &sh->wrong_signal, 1);
	}
	atomic_fetch_add(&sh->checks, 1);
}

/* Touch a mapping only while memory is on: a refused touch is fine too. */
static void touch(volatile uint8_t *p, size_t len)
{
	size_t off;

	for (off = 0; off < len; off += pg)
		check(p + off);
}

static unsigned int rnd(unsigned int *state)
{
	*state = *state * 1103515245 + 12345;
	return *state >> 8;
}

static void *toggler(void *arg)
{
	unsigned int st = 1;

	(void)arg;
	while (!atomic_load(&sh->stop)) {
		vfio_bar_memory(&vb, false);
		atomic_fetch_add(&sh->seq, 1);		/* odd: off, all zapped */
		usleep(rnd(&st) % 2000);
		atomic_fetch_add(&sh->seq, 1);		/* even: about to be on */
		vfio_bar_memory(&vb, true);
		atomic_fetch_add(&sh->toggles, 1);
		usleep(rnd(&st) % 2000);
	}
	return NULL;
}

static void *checker(void *arg)
{
	volatile uint8_t *p = arg;
	unsigned int st = (unsigned int)(uintptr_t)&st;

	while (!atomic_load(&sh->stop))
		check(p + (rnd(&st) % npages) * pg);
	return NULL;
}

static void *forker(void *arg)
{
	volatile uint8_t *p = vfio_bar_mmap(&vb, npages * pg);
	pid_t pid;
	int i;

	(void)arg;
	while (!atomic_load(&sh->stop)) {
		touch(p, npages * pg);
		pid = fork();
		if (pid == 0) {
			for (i = 0; i < 50; i++) {
				touch(p, npages * pg);
				usleep(100);
			}
			_exit(0);
		}
		if (pid > 0) {
			waitpid(pid, NULL, 0);
			atomic_fetch_add(&sh->forks, 1);
		}
	}
	munmap((void *)p, npages * pg);
	return NULL;
}

static void *mremapper(void *arg)
{
	size_t len = WINDOW_PAGES * pg;
	volatile uint8_t *p, *q;
	void *hole;

	(void)arg;
	while (!atomic_load(&sh->stop)) {
		hole = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (hole == MAP_FAILED)
			continue;
		p = vfio_bar_mmap(&vb, len);
		touch(p, len);
		q = mremap((void *)p, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, hole);
		if (q == MAP_FAILED) {
			munmap((void *)p, len);
			munmap(hole, len);
			continue;
		}
		touch(q, len);
		munmap((void *)q, len);
		atomic_fetch_add(&sh->mremaps, 1);
	}
	return NULL;
}

static void *splitter(void *arg)
{
	size_t len = WINDOW_PAGES * pg, mid = WINDOW_PAGES / 2 * pg;
	volatile uint8_t *p;

	(void)arg;
	while (!atomic_load(&sh->stop)) {
		p = vfio_bar_mmap(&vb, len);
		touch(p, len);
		munmap((void *)(p + mid), pg);
		touch(p, mid);
		touch(p + mid + pg, len - mid - pg);
		munmap((void *)p, mid);
		munmap((void *)(p + mid + pg), len - mid - pg);
		atomic_fetch_add(&sh->splits, 1);
	}
	return NULL;
}

int main(int argc, char *argv[])
{
	long bar = 2, secs = 20, pages = 64;
	const struct bar_opt opts[] = {
		{ 't', "SECONDS", &secs }, { 'n', "PAGES", &pages }, { 0 }
	};
	struct sigaction sa = { 0 };
	volatile uint8_t *p;
	pthread_t th[6];
	const char *bdf;
	int i, ok;

	pg = getpagesize();
	bdf = bar_opts(argc, argv, &bar, opts, 2);
	npages = pages;
	if (secs <= 0 || pages < WINDOW_PAGES) {
		fprintf(stderr, "revstress: need SECONDS > 0, PAGES >= %d\n", WINDOW_PAGES);
		return 2;
	}
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		perror("revstress: mmap");
		return 1;
	}
	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	vfio_bar_open(&vb, bdf, bar);
	if (npages * pg > vb.size)
		npages = vb.size / pg;
	p = vfio_bar_mmap(&vb, npages * pg);
	printf("revstress: %s BAR %ld, %zu pages, %ld s\n", bdf, bar, npages, secs);

	pthread_create(&th[0], NULL, toggler, NULL);
	pthread_create(&th[1], NULL, checker, (void *)p);
	pthread_create(&th[2], NULL, checker, (void *)p);
	pthread_create(&th[3], NULL, forker, NULL);
	pthread_create(&th[4], NULL, mremapper, NULL);
	pthread_create(&th[5], NULL, splitter, NULL);
	sleep(secs);
	atomic_store(&sh->stop, 1);
	for (i = 0; i < 6; i++)
		pthread_join(th[i], NULL);
	vfio_bar_memory(&vb, true);

	printf("revstress: checks=%lu refused=%lu violations=%lu forks=%lu mremaps=%lu "
	       "splits=%lu toggles=%lu wrong-signal=%lu\n",
	       atomic_load(&sh->checks), atomic_load(&sh->refused),
	       atomic_load(&sh->violations), atomic_load(&sh->forks),
	       atomic_load(&sh->mremaps), atomic_load(&sh->splits),
	       atomic_load(&sh->toggles), atomic_load(&sh->wrong_signal));
	ok = !atomic_load(&sh->violations) && !atomic_load(&sh->wrong_signal) &&
	     atomic_load(&sh->refused) && atomic_load(&sh->forks) &&
	     atomic_load(&sh->mremaps) && atomic_load(&sh->splits) &&
	     atomic_load(&sh->toggles);
	printf("revstress: %s\n", ok ? "no access got through while memory was off"
				      : "FAILED");
	return ok ? 0 : 1;
}
