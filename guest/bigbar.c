// SPDX-License-Identifier: GPL-2.0
/*
 * bigbar: what faulting in a large vfio-pci BAR costs, from user space and
 * from a guest, and how fast a task killed in the middle of it exits.
 *
 *   bigbar -v BDF [-b BAR] [-r ROUNDS] [-k]
 *
 * Each round maps the whole BAR afresh through the vfio device fd, so that
 * nothing of it is mapped yet, and times with CLOCK_MONOTONIC:
 *   user-first-touch  the first read of the BAR: one fault, which maps the
 *                     whole VMA (6.1: io_remap_pfn_range(); the series:
 *                     vmf_insert_pfn() page by page)
 *   user-touch-all    then a read of every page, all mapped already
 *   disable           clearing PCI_COMMAND_MEMORY, which zaps the mapping
 *   refault           after memory is enabled again, the next first read
 *   guest-first-touch a fresh mapping backs a memslot; a guest reads the
 *                     first byte of it: one stage-2 fault, which faults the
 *                     host's VMA in through get_user_pages (KVM_RUN timed)
 * With -k, a child maps the BAR and reads its first byte while the parent
 * sends it SIGKILL a little later; kill-exit is the time from the kill to
 * the child's reaping, and first-touch-done says whether the child's first
 * touch had already finished when it was killed (it must not have, for the
 * figure to mean anything: the parent waits a tenth of a median
 * user-first-touch before killing).
 *
 * One line per round and measurement, for harness/judge/bench.py:
 *   bigbar round=R what=WHAT bytes=BAR-SIZE ns=T
 *
 * Built against the KVM selftest library of the series and guest/lib; not
 * part of the series itself.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <linux/sizes.h>

#include "kvm_util.h"
#include "processor.h"
#include "test_util.h"
#include "guest_op.h"
#include "vfio_bar.h"
#include "bar_opts.h"

#define GPA_BAR		(8 * (uint64_t)SZ_1G)
#define GVA_BAR		(64 * (uint64_t)SZ_1G)
#define SLOT_BAR	10

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void report(int round, const char *what, uint64_t bytes, uint64_t ns)
{
	printf("bigbar round=%d what=%s bytes=%lu ns=%lu\n", round, what, bytes, ns);
	fflush(stdout);
}

static void guest_code(uint64_t addr)
{
	(void)READ_ONCE(*(volatile uint8_t *)addr);
	GUEST_DONE();
}

/* A fresh VM whose memslot is a fresh mapping of the BAR; the guest reads its first byte. */
static uint64_t guest_first_touch(struct vfio_bar *vb)
{
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	uint64_t sp, t0, t1;
	void *hva;

	hva = vfio_bar_mmap(vb, vb->size);
	vm = __vm_create_with_one_vcpu(&vcpu, 64, guest_code);
	ucall_init(vm, NULL);
	vcpu_get_reg(vcpu, ARM64_CORE_REG(sp_el1), &sp);
	vm_set_user_memory_region(vm, SLOT_BAR, 0, GPA_BAR, vb->size, hva);
	virt_pg_map(vm, GVA_BAR, GPA_BAR);
	t0 = now_ns();
	TEST_ASSERT(guest_op(vcpu, guest_code, sp, GVA_BAR, 0, 0, 0),
		    "the guest's read of the BAR ended in EFAULT");
	t1 = now_ns();
	kvm_vm_free(vm);
	munmap(hva, vb->size);
	return t1 - t0;
}

/* Kill a child in the middle of its first touch of the whole BAR. */
static void kill_during_touch(struct vfio_bar *vb, int round, uint64_t delay_ns)
{
	int ready[2], done[2];
	uint64_t t0, t1;
	char c;
	pid_t pid;

	TEST_ASSERT(!pipe(ready) && !pipe(done), "pipe: %s", strerror(errno));
	pid = fork();
	TEST_ASSERT(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		volatile uint8_t *p = vfio_bar_mmap(vb, vb->size);

		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		(void)p[0];
		if (write(done[1], "d", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(ready[1]);
	close(done[1]);
	TEST_ASSERT(read(ready[0], &c, 1) == 1, "the child did not map the BAR");
	usleep(delay_ns / 1000);
	t0 = now_ns();
	kill(pid, SIGKILL);
	TEST_ASSERT(waitpid(pid, NULL, 0) == pid, "waitpid: %s", strerror(errno));
	t1 = now_ns();
	report(round, "kill-exit", vb->size, t1 - t0);
	report(round, read(done[0], &c, 1) == 1 ? "first-touch-done" : "first-touch-killed",
	       vb->size, delay_ns);
	close(ready[0]);
	close(done[0]);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char *argv[])
{
	long bar = 2, rounds = 5, kill_test = 0;
	const struct bar_opt opts[] = {
		{ 'r', "ROUNDS", &rounds }, { 'k', NULL, &kill_test }, { 0 }
	};
	uint64_t t0, first[64], pg = getpagesize(), off;
	volatile uint8_t *p;
	struct vfio_bar vb;
	const char *bdf;
	int r;

	bdf = bar_opts(argc, argv, &bar, opts, KSFT_SKIP);
	TEST_ASSERT(rounds > 0 && rounds <= 64, "rounds: 1 to 64");
	vfio_bar_open(&vb, bdf, bar);
	printf("bigbar: %s BAR %ld, %llu bytes (%llu pages of %lu bytes), %ld rounds\n",
	       bdf, bar, vb.size, vb.size / pg, pg, rounds);

	for (r = 0; r < rounds; r++) {
		p = vfio_bar_mmap(&vb, vb.size);
		t0 = now_ns();
		(void)p[0];
		first[r] = now_ns() - t0;
		report(r, "user-first-touch", vb.size, first[r]);
		t0 = now_ns();
		for (off = 0; off < vb.size; off += pg)
			(void)p[off];
		report(r, "user-touch-all", vb.size, now_ns() - t0);
		t0 = now_ns();
		vfio_bar_memory(&vb, false);
		report(r, "disable", vb.size, now_ns() - t0);
		vfio_bar_memory(&vb, true);
		t0 = now_ns();
		(void)p[0];
		report(r, "refault", vb.size, now_ns() - t0);
		munmap((void *)p, vb.size);
		report(r, "guest-first-touch", vb.size, guest_first_touch(&vb));
	}
	if (kill_test) {
		qsort(first, rounds, sizeof(first[0]), cmp_u64);
		for (r = 0; r < rounds; r++)
			kill_during_touch(&vb, r, first[rounds / 2] / 10);
	}
	return 0;
}
