// SPDX-License-Identifier: GPL-2.0
/*
 * barcover: the places of a vfio-pci BAR that the series' selftests do not
 * reach, on the base and on the series (gate 72, tests/contain.plan).
 *
 *   barcover -v BDF [-b BAR] [-r REGBAR]
 *
 * BAR (default 2, at least 64 MiB) is mmap'd whole through the device fd
 * and backs one memslot; its middle and its last page are also mmap'd
 * alone, at their offset into the BAR (a non-zero vm_pgoff), each backing
 * a memslot of one page. REGBAR (default 0) is the register BAR, smaller
 * than a page and not prefetchable: vfio-pci lets it be mmap'd only when
 * it starts on a page, and maps one page of it. Each page the host reads
 * is filled first with bytes of its own, so that a mapping of the wrong
 * offset shows as wrong data.
 *
 * The guest maps each place Normal-NC and Device at stage 1. An unaligned
 * load through Normal-NC completes only where stage 2 is Normal-NC (the
 * series); where it is Device (the base) it ends KVM_RUN with EFAULT, the
 * stage-2 alignment fault. Then the guest faults in every page of the
 * whole BAR at stage 2, the host clears the memory enable bit, and every
 * page must be revoked: the host's access to each gets SIGBUS with
 * BUS_ADRERR at the address it touched, the guest's loads end KVM_RUN with
 * EFAULT. With memory enabled again the guest's loads complete again.
 *
 * KTAP on stdout, one subtest per check, "name (detail)"; judged by
 * harness/judge/barcover.py. Built against the KVM selftest library of the
 * series (patch 10 gives _virt_pg_map() and the MT_* indices) and
 * guest/lib; not part of the series itself.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/sizes.h>
#include <linux/vfio.h>

#include "kvm_util.h"
#include "processor.h"
#include "test_util.h"
#include "kselftest.h"
#include "guest_op.h"
#include "vfio_bar.h"
#include "bar_opts.h"

#define MIN_BAR		SZ_64M
#define GPA_WHOLE	(4 * (uint64_t)SZ_1G)
#define GPA_ALONE	(5 * (uint64_t)SZ_1G)	/* + place * SZ_2M */
#define GPA_REGS	(6 * (uint64_t)SZ_1G)
#define GVA_NC		(64 * (uint64_t)SZ_1G)	/* + the GPA: Normal-NC */
#define GVA_DEV		(128 * (uint64_t)SZ_1G)	/* + the GPA: Device-nGnRE */
#define SLOT_WHOLE	10
#define SLOT_ALONE	11	/* + place */
#define SLOT_REGS	14
#define NR_TESTS	13

enum { FIRST, MIDDLE, LAST, NR_PLACES };
static const char *const place_name[NR_PLACES] = { "first", "middle", "last" };
enum { OP_LOAD64, OP_LOAD32, OP_TOUCH };

static uint64_t guest_val;

static void guest_code(uint64_t op, uint64_t addr, uint64_t n, uint64_t stride)
{
	uint64_t v = 0, i;
	uint32_t w;

	switch (op) {
	case OP_LOAD64:		/* the address may be unaligned */
		asm volatile("ldr %0, [%1]" : "=r" (v) : "r" (addr) : "memory");
		break;
	case OP_LOAD32:
		asm volatile("ldr %w0, [%1]" : "=r" (w) : "r" (addr) : "memory");
		v = w;
		break;
	case OP_TOUCH:
		for (i = 0; i < n; i++) {
			asm volatile("ldr %w0, [%1]" : "=r" (w) : "r" (addr + i * stride) : "memory");
			v += w;
		}
		break;
	}
	guest_val = v;
	GUEST_DONE();
}

/*
 * The host's accesses that fault are caught here: signal, code, address.
 * Outside a probe a fault is the program's own, and kills it as usual.
 */
static sigjmp_buf probe_jmp;
static volatile sig_atomic_t probing;
static volatile int probe_sig, probe_code;
static void *volatile probe_addr;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	if (!probing) {
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	probe_sig = sig;
	probe_code = si->si_code;
	probe_addr = si->si_addr;
	siglongjmp(probe_jmp, 1);
}

/* A 4-byte read of p: true when it got SIGBUS with BUS_ADRERR at p. */
static bool revoked_at(volatile uint32_t *p)
{
	probe_sig = 0;
	if (!sigsetjmp(probe_jmp, 1)) {
		probing = 1;
		(void)*p;
		probing = 0;
		return false;
	}
	probing = 0;
	return probe_sig == SIGBUS && probe_code == BUS_ADRERR && probe_addr == (void *)p;
}

struct cover {
	struct kvm_vm *vm;
	struct kvm_vcpu *vcpu;
	uint64_t sp;
};

/* Run one guest load; false when KVM_RUN ended with EFAULT. */
static bool guest(struct cover *c, uint64_t op, uint64_t addr, uint64_t n, uint64_t stride)
{
	if (!guest_op(c->vcpu, guest_code, c->sp, op, addr, n, stride))
		return false;
	sync_global_from_guest(c->vm, guest_val);
	return true;
}

/* The page at offset off of the BAR holds bytes of its own. */
static uint8_t pattern(size_t off, int i)
{
	return (uint8_t)((off >> 12) * 37 + i * 11 + 1);
}

static uint64_t expected(size_t off)
{
	uint64_t v = 0;
	int i;

	for (i = 8; i >= 1; i--)	/* bytes 1..8, little-endian */
		v = v << 8 | pattern(off, i);
	return v;
}

/* "completed" or "completed, wrong data 0x..." or "KVM_RUN: EFAULT" */
static bool load_check(struct cover *c, uint64_t gva, size_t off, char *why, size_t len)
{
	if (!guest(c, OP_LOAD64, gva + 1, 0, 0)) {
		snprintf(why, len, "KVM_RUN: EFAULT");
		return false;
	}
	if (guest_val != expected(off)) {
		snprintf(why, len, "completed, data 0x%lx, want 0x%lx", guest_val, expected(off));
		return false;
	}
	snprintf(why, len, "completed");
	return true;
}

static void map_place(struct kvm_vm *vm, uint64_t gpa)
{
	_virt_pg_map(vm, GVA_NC + gpa, gpa, MT_NORMAL_NC);
	_virt_pg_map(vm, GVA_DEV + gpa, gpa, MT_DEVICE_nGnRE);
}

int main(int argc, char *argv[])
{
	long bar = 2, regbar = 0;
	const struct bar_opt opts[] = { { 'r', "REGBAR", &regbar }, { 0 } };
	struct vfio_region_info ri = { .argsz = sizeof(ri) };
	struct sigaction sa = { .sa_sigaction = on_fault, .sa_flags = SA_SIGINFO };
	size_t pg = getpagesize(), len, off[NR_PLACES], o, pages, notrev;
	volatile uint8_t *whole, *alone[NR_PLACES] = { NULL };
	volatile uint32_t *regs;
	uint32_t host_reg;
	char why[NR_PLACES][96], buf[160];
	struct cover c;
	struct vfio_bar vb;
	const char *bdf;
	int p, i, ok, efault;

	bdf = bar_opts(argc, argv, &bar, opts, KSFT_SKIP);
	setvbuf(stdout, NULL, _IOLBF, 0);	/* a crash keeps what was said */
	ksft_print_header();
	ksft_set_plan(NR_TESTS);
	vfio_bar_open(&vb, bdf, bar);
	len = vb.size;
	if (len < MIN_BAR)
		ksft_exit_fail_msg("%s BAR %ld is %zu bytes, the test needs at least %d\n",
				   bdf, bar, len, MIN_BAR);
	ri.index = VFIO_PCI_BAR0_REGION_INDEX + regbar;
	if (ioctl(vb.device, VFIO_DEVICE_GET_REGION_INFO, &ri) || !ri.size)
		ksft_exit_fail_msg("%s BAR %ld: absent\n", bdf, regbar);
	if (!(ri.flags & VFIO_REGION_INFO_FLAG_MMAP))
		ksft_exit_fail_msg("%s BAR %ld (%llu bytes) cannot be mmap'd: it does not start on a page (pci=resource_alignment)\n",
				   bdf, regbar, (unsigned long long)ri.size);
	sigemptyset(&sa.sa_mask);
	TEST_ASSERT(!sigaction(SIGBUS, &sa, NULL) && !sigaction(SIGSEGV, &sa, NULL),
		    "sigaction: %s", strerror(errno));

	whole = vfio_bar_mmap(&vb, len);
	off[FIRST] = 0;
	off[MIDDLE] = len / 2;
	off[LAST] = len - pg;
	for (p = FIRST; p < NR_PLACES; p++) {
		for (i = 0; i < 16; i++)
			whole[off[p] + i] = pattern(off[p], i);
		if (p == FIRST)
			continue;
		alone[p] = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, vb.device,
				vb.offset + off[p]);
		TEST_ASSERT(alone[p] != MAP_FAILED, "mmap of the %s page alone: %s",
			    place_name[p], strerror(errno));
	}
	regs = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, vb.device, ri.offset);
	TEST_ASSERT(regs != MAP_FAILED, "mmap of BAR %ld: %s", regbar, strerror(errno));
	/* Register 0 (ivshmem's interrupt mask) keeps what the host writes. */
	regs[0] = 0x5aa5c33c;
	host_reg = regs[0];
	printf("# barcover: %s BAR %ld %zu bytes, BAR %ld %llu bytes\n", bdf, bar, len, regbar,
	       (unsigned long long)ri.size);

	/* Stage-1 tables of every page of the whole BAR, and a few more. */
	pages = len / pg;
	c.vm = __vm_create_with_one_vcpu(&c.vcpu, 2 * (pages / 512) + 64, guest_code);
	ucall_init(c.vm, NULL);
	vcpu_get_reg(c.vcpu, ARM64_CORE_REG(sp_el1), &c.sp);
	vm_set_user_memory_region(c.vm, SLOT_WHOLE, 0, GPA_WHOLE, len, (void *)whole);
	for (o = 0; o < len; o += c.vm->page_size)
		_virt_pg_map(c.vm, GVA_DEV + GPA_WHOLE + o, GPA_WHOLE + o, MT_DEVICE_nGnRE);
	for (p = FIRST; p < NR_PLACES; p++) {
		for (o = 0; o < pg; o += c.vm->page_size)
			_virt_pg_map(c.vm, GVA_NC + GPA_WHOLE + off[p] + o, GPA_WHOLE + off[p] + o,
				     MT_NORMAL_NC);
		if (p == FIRST)
			continue;
		vm_set_user_memory_region(c.vm, SLOT_ALONE + p, 0, GPA_ALONE + p * SZ_2M, pg,
					  (void *)alone[p]);
		for (o = 0; o < pg; o += c.vm->page_size)
			map_place(c.vm, GPA_ALONE + p * SZ_2M + o);
	}
	vm_set_user_memory_region(c.vm, SLOT_REGS, 0, GPA_REGS, pg, (void *)regs);
	for (o = 0; o < pg; o += c.vm->page_size)
		map_place(c.vm, GPA_REGS + o);

	/* 1-3: the whole BAR in one memslot, at its first, middle, last page. */
	for (p = FIRST; p < NR_PLACES; p++) {
		ok = load_check(&c, GVA_NC + GPA_WHOLE + off[p], off[p], why[p], sizeof(why[p]));
		ksft_test_result(ok, "BAR %ld %s page, in a memslot of the whole %zu MiB BAR: an unaligned guest load through Normal-NC returns the BAR's data (%s)\n",
				 bar, place_name[p], len >> 20, why[p]);
	}
	/* 4-5: a page mmap'd alone at a non-zero offset into the BAR. */
	for (p = MIDDLE; p < NR_PLACES; p++) {
		ok = load_check(&c, GVA_NC + GPA_ALONE + p * SZ_2M, off[p], why[p], sizeof(why[p]));
		ksft_test_result(ok, "BAR %ld %s page, mmap'd alone at its offset: an unaligned guest load through Normal-NC returns the BAR's data (%s)\n",
				 bar, place_name[p], why[p]);
	}
	/* 6-7: the register BAR. */
	/*
	 * Its data is not compared: the emulated device answers a register
	 * read at an unaligned offset with 0, where a real one would see the
	 * bytes it was asked for.
	 */
	ok = guest(&c, OP_LOAD64, GVA_NC + GPA_REGS + 1, 0, 0);
	ksft_test_result(ok, "BAR %ld (registers, smaller than a page, not prefetchable): an unaligned guest load through Normal-NC completes (%s)\n",
			 regbar, ok ? "completed" : "KVM_RUN: EFAULT");
	ok = guest(&c, OP_LOAD32, GVA_DEV + GPA_REGS, 0, 0);
	snprintf(buf, sizeof(buf), ok ? "0x%x, the host wrote 0x%x" : "KVM_RUN: EFAULT",
		 (unsigned int)guest_val, host_reg);
	ksft_test_result(ok && guest_val == host_reg,
			 "BAR %ld: an aligned guest load of a register through Device returns what the host wrote (%s)\n",
			 regbar, buf);

	/* 8: stage 2 maps every page of the whole BAR. */
	ok = guest(&c, OP_TOUCH, GVA_DEV + GPA_WHOLE, pages, pg);
	ksft_test_result(ok, "whole BAR %ld: the guest's aligned loads fault in all %zu pages at stage 2 (%s)\n",
			 bar, pages, ok ? "completed" : "KVM_RUN: EFAULT");

	/* 9-11: memory disabled, every mapping of every page is revoked. */
	vfio_bar_memory(&vb, false);
	notrev = 0;
	for (o = 0; o < len; o += pg)
		notrev += !revoked_at((volatile uint32_t *)(whole + o));
	ksft_test_result(!notrev, "memory disabled: the host's access to each of the %zu pages of BAR %ld gets SIGBUS BUS_ADRERR at the address (%zu pages not)\n",
			 pages, bar, notrev);
	efault = 0;
	for (p = FIRST; p < NR_PLACES; p++)
		efault += !guest(&c, OP_LOAD32, GVA_DEV + GPA_WHOLE + off[p], 0, 0);
	ksft_test_result(efault == NR_PLACES, "memory disabled: the guest's loads from the first, middle and last page of BAR %ld end KVM_RUN with EFAULT (%d of %d)\n",
			 bar, efault, NR_PLACES);
	ok = revoked_at(regs);
	if (ok)
		snprintf(buf, sizeof(buf), "SIGBUS BUS_ADRERR at the address");
	else if (probe_sig)
		snprintf(buf, sizeof(buf), "signal %d code %d at %p", probe_sig, probe_code, probe_addr);
	else
		snprintf(buf, sizeof(buf), "completed");
	ksft_test_result(ok, "memory disabled: the host's access to BAR %ld gets SIGBUS BUS_ADRERR at the address (%s)\n",
			 regbar, buf);

	/* 12-13: memory enabled again, the guest's loads complete again. */
	vfio_bar_memory(&vb, true);
	efault = 0;
	for (p = FIRST; p < NR_PLACES; p++)
		efault += !guest(&c, OP_LOAD32, GVA_DEV + GPA_WHOLE + off[p], 0, 0);
	ksft_test_result(!efault, "memory enabled again: the guest's aligned loads from the first, middle and last page of BAR %ld complete (%d of %d ended in EFAULT)\n",
			 bar, efault, NR_PLACES);
	/* The data was lost with the memory enable only if the device reset. */
	ok = 0;
	for (p = FIRST; p < NR_PLACES; p++)
		ok += load_check(&c, GVA_NC + GPA_WHOLE + off[p], off[p], why[p], sizeof(why[p]));
	ksft_test_result(ok == NR_PLACES, "memory enabled again: the guest's unaligned loads through Normal-NC from the first, middle and last page of BAR %ld return the BAR's data (%s; %s; %s)\n",
			 bar, why[FIRST], why[MIDDLE], why[LAST]);

	kvm_vm_free(c.vm);
	ksft_finished();
}
