// SPDX-License-Identifier: GPL-2.0
/*
 * s2bench: what a stage-2 fault costs, and how fast a guest writes a BAR.
 *
 *   s2bench -v BDF [-b BAR] [-r ROUNDS] [-l BYTES]
 *
 * Each round builds a fresh VM with two memslots of the same size: the
 * BAR of a device bound to vfio-pci (mmap'd through the device fd) and
 * anonymous memory. Both are populated on the host before the first round,
 * so that the guest's first touch of a 4 KiB page costs one stage-2 fault
 * and nothing else (user_mem_abort() finds the host's page table entry).
 * The guest reads its virtual counter, touches every page of a memslot
 * once, and reads the counter again: that is the fault path, per backing.
 *
 * With every page mapped, the guest then writes the whole BAR twice: as a
 * driver restricted to Device memory must, aligned 8-byte stores through a
 * Device-nGnRE mapping, and as a write-combining driver would, 8-byte
 * stores at addresses that are all unaligned (1 mod 8) through a Normal-NC
 * stage-1 mapping. Without Normal-NC at stage 2 the first one ends in
 * a stage-2 alignment fault, which is reported as such.
 *
 * One line per round and measurement, for harness/judge/bench.py:
 *   bench round=R what=fault-vfio units=PAGES ticks=T freq=F
 *   bench round=R what=fault-anon units=PAGES ticks=T freq=F
 *   bench round=R what=store-device-aligned units=BYTES ticks=T freq=F
 *   bench round=R what=copy-nc-unaligned units=BYTES ticks=T freq=F
 * with "result=efault" instead of ticks when KVM_RUN failed with EFAULT.
 *
 * Built against the KVM selftest library of the series (patch 10 gives
 * _virt_pg_map() and the MT_* indices); not part of the series itself.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <linux/sizes.h>

#include "kvm_util.h"
#include "processor.h"
#include "test_util.h"
#include "guest_op.h"
#include "vfio_bar.h"
#include "bar_opts.h"

#define GPA_VFIO	(4 * (uint64_t)SZ_1G)
#define GPA_ANON	(5 * (uint64_t)SZ_1G)
#define GVA_BASE	(64 * (uint64_t)SZ_1G)
#define SLOT_VFIO	10
#define SLOT_ANON	11
#define TOUCH_STRIDE	4096

enum { A_VFIO_WB, A_VFIO_NC, A_VFIO_DEV, A_ANON, NR_ALIASES };
enum { OP_TOUCH, OP_COPY_UNALIGNED, OP_STORE_ALIGNED };

static uint64_t guest_ticks;

static uint64_t gva(int alias)
{
	return GVA_BASE + alias * (uint64_t)SZ_1G;
}

static void guest_str(uint64_t addr, uint64_t val)
{
	asm volatile("str %0, [%1]" : : "r" (val), "r" (addr) : "memory");
}

static uint64_t guest_ldr(uint64_t addr)
{
	uint64_t val;

	asm volatile("ldr %0, [%1]" : "=r" (val) : "r" (addr) : "memory");
	return val;
}

static void guest_code(uint64_t op, uint64_t dst, uint64_t src, uint64_t n)
{
	uint64_t t0, t1, i;

	isb();
	t0 = read_sysreg(cntvct_el0);
	switch (op) {
	case OP_TOUCH:
		for (i = 0; i < n; i++)
			guest_ldr(dst + i * TOUCH_STRIDE);
		break;
	case OP_COPY_UNALIGNED:
		for (i = 0; i + 8 <= n; i += 8)
			guest_str(dst + i, guest_ldr(src + i));
		break;
	case OP_STORE_ALIGNED:
		for (i = 0; i + 8 <= n; i += 8)
			guest_str(dst + i, i);
		break;
	}
	dsb(sy);
	isb();
	t1 = read_sysreg(cntvct_el0);
	guest_ticks = t1 - t0;
	GUEST_DONE();
}

/* Run one guest operation, and fetch its time; false on EFAULT. */
static bool run_op(struct kvm_vm *vm, struct kvm_vcpu *vcpu, uint64_t sp,
		   uint64_t op, uint64_t dst, uint64_t src, uint64_t n)
{
	if (!guest_op(vcpu, guest_code, sp, op, dst, src, n))
		return false;
	sync_global_from_guest(vm, guest_ticks);
	return true;
}

static void report(int round, const char *what, uint64_t units, bool done, uint64_t freq)
{
	if (done)
		printf("bench round=%d what=%s units=%lu ticks=%lu freq=%lu\n",
		       round, what, units, guest_ticks, freq);
	else
		printf("bench round=%d what=%s units=%lu result=efault\n", round, what, units);
}

int main(int argc, char *argv[])
{
	long bar = 2, rounds = 10, bytes = SZ_64M;
	const struct bar_opt opts[] = {
		{ 'r', "ROUNDS", &rounds }, { 'l', "BYTES", &bytes }, { 0 }
	};
	size_t len, pg = getpagesize(), off;
	uint64_t freq, sp, pages;
	volatile uint8_t *bar_hva;
	const char *bdf;
	struct vfio_bar vb;
	uint8_t *anon;
	int r, a;

	bdf = bar_opts(argc, argv, &bar, opts, KSFT_SKIP);
	len = bytes;
	vfio_bar_open(&vb, bdf, bar);
	if (len > vb.size)
		len = vb.size;
	bar_hva = vfio_bar_mmap(&vb, len);
	TEST_ASSERT(len >= SZ_1M && !(len % pg), "BAR too small: %zu bytes", len);
	anon = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TEST_ASSERT(anon != MAP_FAILED, "mmap anonymous: %s", strerror(errno));
	/* Populate both on the host: the guest's touch costs a stage-2 fault only. */
	for (off = 0; off < len; off += pg) {
		(void)bar_hva[off];
		anon[off] = 1;
	}
	memset(anon, 0x5a, len);
	pages = len / TOUCH_STRIDE;
	freq = read_sysreg(cntfrq_el0);
	printf("s2bench: %s BAR %ld, %zu bytes (%lu pages of 4 KiB), %ld rounds, counter %lu Hz\n",
	       bdf, bar, len, pages, rounds, freq);

	for (r = 0; r < rounds; r++) {
		struct kvm_vcpu *vcpu;
		struct kvm_vm *vm;
		bool done;

		/* Room for the stage-1 tables of every page of every alias. */
		vm = __vm_create_with_one_vcpu(&vcpu, NR_ALIASES * len / pg, guest_code);
		ucall_init(vm, NULL);
		vcpu_get_reg(vcpu, ARM64_CORE_REG(sp_el1), &sp);
		vm_set_user_memory_region(vm, SLOT_VFIO, 0, GPA_VFIO, len, (void *)bar_hva);
		vm_set_user_memory_region(vm, SLOT_ANON, 0, GPA_ANON, len, anon);
		for (a = 0; a < NR_ALIASES; a++) {
			static const uint64_t attr[] = { MT_NORMAL, MT_NORMAL_NC,
							 MT_DEVICE_nGnRE, MT_NORMAL };
			uint64_t gpa = a == A_ANON ? GPA_ANON : GPA_VFIO;

			/* every guest page: the host's may be larger */
			for (off = 0; off < len; off += vm->page_size)
				_virt_pg_map(vm, gva(a) + off, gpa + off, attr[a]);
		}

		done = run_op(vm, vcpu, sp, OP_TOUCH, gva(A_VFIO_WB), 0, pages);
		report(r, "fault-vfio", pages, done, freq);
		done = run_op(vm, vcpu, sp, OP_TOUCH, gva(A_ANON), 0, pages);
		report(r, "fault-anon", pages, done, freq);
		/* The Device stores first: the copy ends in EFAULT on the base. */
		done = run_op(vm, vcpu, sp, OP_STORE_ALIGNED, gva(A_VFIO_DEV), 0, len);
		report(r, "store-device-aligned", len, done, freq);
		done = run_op(vm, vcpu, sp, OP_COPY_UNALIGNED, gva(A_VFIO_NC) + 1,
			      gva(A_ANON), len - 8);
		report(r, "copy-nc-unaligned", len - 8, done, freq);
		kvm_vm_free(vm);
	}
	return 0;
}
