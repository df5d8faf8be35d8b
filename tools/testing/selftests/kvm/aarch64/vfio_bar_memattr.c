// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio_bar_memattr - the memory type a guest gets on a vfio-pci BAR
 *
 * A guest access uses the stricter of the stage-1 memory type the guest
 * picks and the stage-2 type KVM picks. KVM maps a PCI BAR mmap'd through
 * vfio-pci as Normal-NC at stage 2 (the VMA carries VM_ALLOW_ANY_UNCACHED),
 * and every other MMIO as Device-nGnRE. The test tells the two apart by
 * the one thing software can observe: an unaligned access faults when the
 * combined type is Device and completes when it is Normal.
 *
 * One memslot per host backing: (a) a BAR mmap'd through vfio-pci, (b) a
 * BAR of a second device mmap'd through sysfs resourceN (MMIO that is not
 * vfio's, so Device at stage 2 whatever the guest does), (c) anonymous
 * memory. The guest maps each backing three times, as Device-nGnRE,
 * Normal-NC and Normal-WB, and for every pair does an aligned round trip
 * with the host, an unaligned load and an unaligned store. It then checks
 * that the vfio BAR cannot be executed, and copies a buffer over the whole
 * BAR with unaligned head and tail under Normal-NC, as a write-combining
 * driver would; the host reads every byte back.
 *
 * An unaligned access to a Device type at stage 1 raises an alignment
 * fault in the guest, caught by its exception handler. One made Device by
 * stage 2 reaches KVM, which cannot handle it and fails KVM_RUN with
 * EFAULT; the test then abandons that guest operation.
 *
 * The sysfs backing calibrates the platform: if an unaligned access to it
 * does not fault, the CPU (or emulator) does not raise the stage-2
 * alignment fault and nothing here can be observed; the test fails.
 *
 * Usage: vfio_bar_memattr [-v BDF] [-s BDF] [-b BAR] [-l BYTES]
 *   -v BDF    a PCI device bound to vfio-pci, in an IOMMU group
 *   -s BDF    a second PCI device whose BAR is mmap'd through sysfs
 *   -b BAR    the memory BAR to use on both (default 2)
 *   -l BYTES  map at most this much of each BAR (default 4 MiB)
 * Without -v or -s, the cells of that backing are skipped. Under the
 * kselftest runner, give them in KSELFTEST_VFIO_BAR_MEMATTR_ARGS.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <linux/sizes.h>

#include "kvm_util.h"
#include "processor.h"
#include "test_util.h"
#include "vfio_pci_util.h"

#define ESR_EC_IABT_CUR		0x21
#define ESR_EC_DABT_CUR		0x25
#define ESR_FSC_MASK		0x3f
#define ESR_FSC_ALIGNMENT	0x21

/* Backing i lives at guest physical TEST_GPA + i * TEST_STRIDE. */
#define TEST_GPA		(4 * TEST_STRIDE)
#define TEST_STRIDE		((uint64_t)SZ_1G)
/* Its stage-1 alias with memory type j at TEST_GVA + (i * 3 + j) * TEST_STRIDE. */
#define TEST_GVA		(64 * TEST_STRIDE)
#define TEST_SLOT		10

#define AARCH64_RET		0xd65f03c0u
#define EXEC_OFFSET		0x1800
#define CELL_STRIDE		0x400

enum { BACKING_VFIO, BACKING_SYSFS, BACKING_ANON, NR_BACKINGS };
enum { S1_DEVICE, S1_NORMAL_NC, S1_NORMAL_WB, NR_S1 };

static const char * const backing_name[] = { "vfio", "sysfs", "anon" };
static const char * const s1_name[] = { "Device-nGnRE", "Normal-NC", "Normal-WB" };
static const uint64_t s1_attr[] = { MT_DEVICE_nGnRE, MT_NORMAL_NC, MT_NORMAL };

struct backing {
	void *hva;
	size_t len;
	const char *skip;	/* why the backing is absent, or NULL */
};

static struct backing backings[NR_BACKINGS];

enum { OP_LOAD, OP_STORE, OP_EXEC, OP_COPY };

/* Written by the guest, read back by the host after each operation. */
static uint64_t guest_faults, guest_esr, guest_far, guest_val;

static uint64_t gva(int b, int s1)
{
	return TEST_GVA + (b * NR_S1 + s1) * TEST_STRIDE;
}

static void guest_sync_handler(struct ex_regs *regs)
{
	uint64_t esr = read_sysreg(esr_el1);

	guest_faults++;
	guest_esr = esr;
	guest_far = read_sysreg(far_el1);
	if (((esr >> ESR_EC_SHIFT) & ESR_EC_MASK) == ESR_EC_IABT_CUR)
		regs->pc = regs->regs[30];	/* back to the caller of blr */
	else
		regs->pc += 4;			/* skip the faulting access */
}

static uint64_t guest_ldr(uint64_t addr)
{
	uint64_t val = 0;

	asm volatile("ldr %0, [%1]" : "+r" (val) : "r" (addr) : "memory");
	return val;
}

static void guest_str(uint64_t addr, uint64_t val)
{
	asm volatile("str %0, [%1]" : : "r" (val), "r" (addr) : "memory");
}

/*
 * Copy @n >= 16 bytes with 8-byte accesses only, like an optimised
 * memcpy_toio() to a write-combining mapping: an unaligned head and tail
 * that overlap the aligned body.
 */
static void guest_copy(uint64_t dst, uint64_t src, uint64_t n)
{
	uint64_t d = (dst + 8) & ~7ul, end = dst + n;

	guest_str(dst, guest_ldr(src));
	for (; d + 8 <= end; d += 8)
		guest_str(d, guest_ldr(src + (d - dst)));
	guest_str(end - 8, guest_ldr(src + n - 8));
	dsb(sy);
}

static void guest_code(uint64_t op, uint64_t a, uint64_t b, uint64_t c)
{
	switch (op) {
	case OP_LOAD:
		guest_val = guest_ldr(a);
		break;
	case OP_STORE:
		guest_str(a, b);
		dsb(sy);
		break;
	case OP_EXEC:
		asm volatile("blr %0" : : "r" (a) : "x30", "memory");
		break;
	case OP_COPY:
		guest_copy(a, b, c);
		break;
	}
	GUEST_DONE();
}

/* Where the host resumes the guest after abandoning an operation. */
static void guest_abandoned(void)
{
	GUEST_DONE();
}

static struct kvm_vm *vm;
static struct kvm_vcpu *vcpu;
static uint64_t stack_top;

struct outcome {
	bool efault;		/* KVM_RUN failed with EFAULT: a stage-2 fault */
	uint64_t faults, esr, far, val;
};

static void run_op(struct outcome *o, uint64_t op, uint64_t a, uint64_t b, uint64_t c)
{
	struct ucall uc;
	int efaults = 0;

	guest_faults = 0;
	guest_esr = 0;
	guest_far = 0;
	guest_val = 0;
	sync_global_to_guest(vm, guest_faults);
	sync_global_to_guest(vm, guest_esr);
	sync_global_to_guest(vm, guest_far);
	sync_global_to_guest(vm, guest_val);

	vcpu_set_reg(vcpu, ARM64_CORE_REG(regs.pc), (uint64_t)guest_code);
	vcpu_set_reg(vcpu, ARM64_CORE_REG(sp_el1), stack_top);
	vcpu_set_reg(vcpu, ARM64_CORE_REG(regs.regs[0]), op);
	vcpu_set_reg(vcpu, ARM64_CORE_REG(regs.regs[1]), a);
	vcpu_set_reg(vcpu, ARM64_CORE_REG(regs.regs[2]), b);
	vcpu_set_reg(vcpu, ARM64_CORE_REG(regs.regs[3]), c);

	for (;;) {
		if (_vcpu_run(vcpu)) {
			TEST_ASSERT(errno == EFAULT, "KVM_RUN failed: %s", strerror(errno));
			TEST_ASSERT(++efaults == 1, "KVM_RUN failed again with EFAULT");
			vcpu_set_reg(vcpu, ARM64_CORE_REG(regs.pc),
				     (uint64_t)guest_abandoned);
			vcpu_set_reg(vcpu, ARM64_CORE_REG(sp_el1), stack_top);
			continue;
		}
		switch (get_ucall(vcpu, &uc)) {
		case UCALL_DONE:
			break;
		case UCALL_ABORT:
			REPORT_GUEST_ASSERT(uc);
			break;
		default:
			TEST_FAIL("unexpected exit: %s",
				  exit_reason_str(vcpu->run->exit_reason));
		}
		break;
	}

	sync_global_from_guest(vm, guest_faults);
	sync_global_from_guest(vm, guest_esr);
	sync_global_from_guest(vm, guest_far);
	sync_global_from_guest(vm, guest_val);
	o->efault = efaults;
	o->faults = guest_faults;
	o->esr = guest_esr;
	o->far = guest_far;
	o->val = guest_val;
}

/* A guest alignment fault at stage 1, and nothing else. */
static bool guest_alignment_fault(const struct outcome *o, uint64_t addr)
{
	return !o->efault && o->faults == 1 &&
	       ((o->esr >> ESR_EC_SHIFT) & ESR_EC_MASK) == ESR_EC_DABT_CUR &&
	       (o->esr & ESR_FSC_MASK) == ESR_FSC_ALIGNMENT && o->far == addr;
}

/*
 * A Device type at stage 1 faults in the guest; a Normal one that stage 2
 * makes Device faults to KVM instead.
 */
static bool fault_as_expected(const struct outcome *o, int s1, uint64_t addr)
{
	if (s1 == S1_DEVICE)
		return guest_alignment_fault(o, addr);
	return o->efault && !o->faults;
}

static const char *describe(const struct outcome *o)
{
	static char buf[96];

	if (o->efault)
		return "stage-2 fault (KVM_RUN: EFAULT)";
	if (!o->faults)
		return "completed";
	snprintf(buf, sizeof(buf), "guest exception ESR_EL1 %#lx FAR %#lx",
		 o->esr, o->far);
	return buf;
}

/*
 * The host side of device mappings is Device memory to the host too:
 * touch it one byte at a time, never unaligned.
 */
static void host_put(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;
	size_t i;

	for (i = 0; i < n; i++)
		WRITE_ONCE(d[i], s[i]);
}

static void host_get(void *dst, const void *src, size_t n)
{
	const uint8_t *s = src;
	uint8_t *d = dst;
	size_t i;

	for (i = 0; i < n; i++)
		d[i] = READ_ONCE(s[i]);
}

/*
 * Anonymous memory is cacheable to the host while the guest may access it
 * non-cacheable: clean and invalidate the lines the guest uses.
 */
static void host_sync(int b, void *p, size_t n)
{
	uint64_t ctr, line, a;

	if (b != BACKING_ANON)
		return;
	asm volatile("mrs %0, ctr_el0" : "=r" (ctr));
	line = 4ul << ((ctr >> 16) & 0xf);
	for (a = (uint64_t)p & ~(line - 1); a < (uint64_t)p + n; a += line)
		asm volatile("dc civac, %0" : : "r" (a) : "memory");
	asm volatile("dsb sy" : : : "memory");
}

/* Per-cell results, for the summary line the harness reads. */
static const char *cell_result[NR_BACKINGS][NR_S1][3];

static const char *observed(const struct outcome *o)
{
	return o->efault || o->faults ? "device" : "normal";
}

static void test_cell(int b, int s1)
{
	struct backing *bk = &backings[b];
	bool expect_device = s1 == S1_DEVICE || b == BACKING_SYSFS;
	uint64_t off = s1 * CELL_STRIDE, base = gva(b, s1);
	uint8_t *hva = (uint8_t *)bk->hva + off;
	uint64_t pattern = 0x0123456789abcdeful ^ ((uint64_t)b << 56 | (uint64_t)s1 << 48);
	uint64_t val, want = ~pattern;
	const char *expect = expect_device ? "faults" : "completes";
	struct outcome o;
	bool ok;
	int i;

	if (bk->skip) {
		for (i = 0; i < 3; i++)
			ksft_test_result_skip("%s %s: %s\n", backing_name[b],
					      s1_name[s1], bk->skip);
		for (i = 0; i < 3; i++)
			cell_result[b][s1][i] = "skip";
		return;
	}

	/* Aligned round trip: the host's value in, the guest's value out. */
	host_put(hva, &pattern, 8);
	host_sync(b, hva, 16);
	run_op(&o, OP_LOAD, base + off, 0, 0);
	ok = !o.efault && !o.faults && o.val == pattern;
	if (ok) {
		run_op(&o, OP_STORE, base + off + 8, want, 0);
		host_sync(b, hva, 16);
		host_get(&val, hva + 8, 8);
		ok = !o.efault && !o.faults && val == want;
	}
	cell_result[b][s1][0] = ok ? "ok" : "fail";
	ksft_test_result(ok, "%s %s: aligned store and load round-trip (%s)\n",
			 backing_name[b], s1_name[s1], describe(&o));

	/* Unaligned load. */
	host_put(hva + 0x100, &pattern, 8);
	host_put(hva + 0x108, &want, 8);
	host_sync(b, hva + 0x100, 16);
	run_op(&o, OP_LOAD, base + off + 0x101, 0, 0);
	cell_result[b][s1][1] = observed(&o);
	if (expect_device) {
		ok = fault_as_expected(&o, s1, base + off + 0x101);
	} else {
		memcpy(&val, (uint8_t *)&pattern + 1, 7);
		memcpy((uint8_t *)&val + 7, &want, 1);
		ok = !o.efault && !o.faults && o.val == val;
	}
	ksft_test_result(ok, "%s %s: unaligned load %s (%s)\n", backing_name[b],
			 s1_name[s1], expect, describe(&o));

	/* Unaligned store: on a fault, memory must be left alone. */
	host_put(hva + 0x200, &pattern, 8);
	host_put(hva + 0x208, &pattern, 8);
	host_sync(b, hva + 0x200, 16);
	run_op(&o, OP_STORE, base + off + 0x201, want, 0);
	host_sync(b, hva + 0x200, 16);
	cell_result[b][s1][2] = observed(&o);
	host_get(&val, hva + 0x201, 8);
	if (expect_device) {
		uint64_t old;

		host_get(&old, hva + 0x200, 8);
		ok = fault_as_expected(&o, s1, base + off + 0x201) && old == pattern;
	} else {
		ok = !o.efault && !o.faults && val == want;
	}
	ksft_test_result(ok, "%s %s: unaligned store %s (%s)\n", backing_name[b],
			 s1_name[s1], expect, describe(&o));
}

/* Execution: refused on the BAR even though Normal-NC; fine on memory. */
static void test_exec(int b)
{
	uint64_t target = gva(b, S1_NORMAL_WB) + EXEC_OFFSET;
	uint32_t insn = AARCH64_RET;
	struct outcome o;
	bool ok;

	if (backings[b].skip) {
		ksft_test_result_skip("%s: execute: %s\n", backing_name[b],
				      backings[b].skip);
		return;
	}
	host_put((uint8_t *)backings[b].hva + EXEC_OFFSET, &insn, 4);
	host_sync(b, (uint8_t *)backings[b].hva + EXEC_OFFSET, 4);
	run_op(&o, OP_EXEC, target, 0, 0);
	if (b == BACKING_VFIO) {
		ok = !o.efault && o.faults == 1 && o.far == target &&
		     ((o.esr >> ESR_EC_SHIFT) & ESR_EC_MASK) == ESR_EC_IABT_CUR;
		ksft_test_result(ok, "vfio: execute from the BAR is refused (%s)\n",
				 describe(&o));
	} else {
		ok = !o.efault && !o.faults;
		ksft_test_result(ok, "%s: execute from memory returns (%s)\n",
				 backing_name[b], describe(&o));
	}
}

/* A write-combining style copy over the whole vfio BAR under Normal-NC. */
static void test_copy(void)
{
	struct backing *bar = &backings[BACKING_VFIO];
	struct backing *mem = &backings[BACKING_ANON];
	size_t n, i, bad = 0;
	uint8_t *src, byte, sentinel = 0xa5;
	struct outcome o;

	if (bar->skip) {
		ksft_test_result_skip("vfio Normal-NC: copy over the whole BAR: %s\n",
				      bar->skip);
		return;
	}
	/* Bytes 1 .. len - 2: both ends unaligned, the outer bytes untouched. */
	n = bar->len - 2;
	TEST_ASSERT(mem->len >= bar->len, "anonymous backing smaller than the BAR");
	src = mem->hva;
	for (i = 0; i < n; i++)
		src[i] = (uint8_t)(i * 7 + (i >> 12) + 1);
	host_sync(BACKING_ANON, src, n);
	for (i = 0; i < bar->len; i++)
		host_put((uint8_t *)bar->hva + i, &sentinel, 1);

	run_op(&o, OP_COPY, gva(BACKING_VFIO, S1_NORMAL_NC) + 1,
	       gva(BACKING_ANON, S1_NORMAL_WB), n);
	for (i = 0; i < bar->len; i++) {
		uint8_t want = i == 0 || i == bar->len - 1 ? sentinel : src[i - 1];

		host_get(&byte, (uint8_t *)bar->hva + i, 1);
		bad += byte != want;
	}
	ksft_test_result(!o.efault && !o.faults && !bad,
			 "vfio Normal-NC: copy of %zu bytes over the whole BAR, unaligned head and tail (%s, %zu bytes differ)\n",
			 n, describe(&o), bad);
}

static int sysfs_read(const char *bdf, const char *file, char *buf, size_t size)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/%s", bdf, file);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

static size_t map_len(size_t bar_size, size_t limit)
{
	size_t len = bar_size < limit ? bar_size : limit;

	return len & ~((size_t)getpagesize() - 1);
}

static void setup_sysfs(const char *bdf, int bar, size_t limit)
{
	struct backing *bk = &backings[BACKING_SYSFS];
	char path[PATH_MAX], buf[16];
	struct stat st;
	int fd;

	if (!bdf || !*bdf) {
		bk->skip = "no sysfs device given (-s)";
		return;
	}
	/* A BAR decodes only while the device is enabled. */
	if (!sysfs_read(bdf, "enable", buf, sizeof(buf)) && buf[0] == '0') {
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/enable", bdf);
		fd = open(path, O_WRONLY);
		TEST_ASSERT(fd >= 0 && write(fd, "1", 1) == 1, "enabling %s failed", bdf);
		close(fd);
	}
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource%d", bdf, bar);
	fd = open(path, O_RDWR | O_SYNC);
	if (fd < 0) {
		bk->skip = "sysfs resource cannot be opened";
		ksft_print_msg("%s: %s\n", path, strerror(errno));
		return;
	}
	TEST_ASSERT(!fstat(fd, &st), "fstat %s", path);
	bk->len = map_len(st.st_size, limit);
	TEST_ASSERT(bk->len >= 4 * getpagesize(), "%s: BAR too small", path);
	bk->hva = mmap(NULL, bk->len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	TEST_ASSERT(bk->hva != MAP_FAILED, "mmap %s: %s", path, strerror(errno));
	close(fd);
	ksft_print_msg("sysfs: %s BAR %d, %zu bytes mapped\n", bdf, bar, bk->len);
}

static void setup_vfio(const char *bdf, int bar, size_t limit)
{
	struct backing *bk = &backings[BACKING_VFIO];
	struct vfio_pci_dev dev;
	struct vfio_pci_bar b;

	if (!bdf || !*bdf) {
		bk->skip = "no vfio-pci device given (-v)";
		return;
	}
	bk->skip = vfio_pci_open(&dev, bdf);
	if (bk->skip) {
		ksft_print_msg("%s: %s\n", bdf, bk->skip);
		return;
	}
	vfio_pci_bar_info(&dev, bar, &b);
	/* vfio-pci faults the BAR in only while memory decoding is on. */
	vfio_pci_memory_enable(&dev, true);

	bk->len = map_len(b.size, limit);
	TEST_ASSERT(bk->len >= 4 * getpagesize(), "%s BAR %d too small", bdf, bar);
	bk->hva = mmap(NULL, bk->len, PROT_READ | PROT_WRITE, MAP_SHARED, dev.fd, b.offset);
	TEST_ASSERT(bk->hva != MAP_FAILED, "mmap of %s BAR %d: %s", bdf, bar, strerror(errno));
	ksft_print_msg("vfio: %s BAR %d (IOMMU group %d), %zu bytes mapped\n",
		       bdf, bar, dev.group_id, bk->len);
}

static void setup_anon(size_t len)
{
	struct backing *bk = &backings[BACKING_ANON];

	bk->len = len;
	bk->hva = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TEST_ASSERT(bk->hva != MAP_FAILED, "mmap anonymous: %s", strerror(errno));
	memset(bk->hva, 0, len);
}

static void setup_vm(void)
{
	uint64_t gpa, off;
	int b, s1;

	/* Room for the page tables of nine aliases of up to a few MiB each. */
	vm = __vm_create_with_one_vcpu(&vcpu, 1024, guest_code);
	ucall_init(vm, NULL);
	vm_init_descriptor_tables(vm);
	vcpu_init_descriptor_tables(vcpu);
	vm_install_sync_handler(vm, VECTOR_SYNC_CURRENT, ESR_EC_DABT_CUR, guest_sync_handler);
	vm_install_sync_handler(vm, VECTOR_SYNC_CURRENT, ESR_EC_IABT_CUR, guest_sync_handler);
	vcpu_get_reg(vcpu, ARM64_CORE_REG(sp_el1), &stack_top);

	for (b = 0; b < NR_BACKINGS; b++) {
		if (backings[b].skip)
			continue;
		gpa = TEST_GPA + b * TEST_STRIDE;
		vm_set_user_memory_region(vm, TEST_SLOT + b, 0, gpa, backings[b].len,
					  backings[b].hva);
		/* Every guest page: the host's may be larger (16K, 64K). */
		for (s1 = 0; s1 < NR_S1; s1++)
			for (off = 0; off < backings[b].len; off += vm->page_size)
				_virt_pg_map(vm, gva(b, s1) + off, gpa + off, s1_attr[s1]);
	}
}

int main(int argc, char *argv[])
{
	const char *vfio_bdf = NULL, *sysfs_bdf = NULL;
	size_t limit = SZ_4M;
	int opt, bar = 2, b, s1, i;

	while ((opt = getopt(argc, argv, "v:s:b:l:h")) != -1) {
		switch (opt) {
		case 'v':
			vfio_bdf = optarg;
			break;
		case 's':
			sysfs_bdf = optarg;
			break;
		case 'b':
			bar = atoi(optarg);
			break;
		case 'l':
			limit = strtoull(optarg, NULL, 0);
			break;
		default:
			printf("usage: %s [-v BDF] [-s BDF] [-b BAR] [-l BYTES]\n", argv[0]);
			exit(KSFT_SKIP);
		}
	}
	TEST_ASSERT(bar >= 0 && bar <= 5, "BAR must be 0..5");

	ksft_print_header();
	ksft_set_plan(NR_BACKINGS * NR_S1 * 3 + 4);

	setup_vfio(vfio_bdf, bar, limit);
	setup_sysfs(sysfs_bdf, bar, limit);
	setup_anon(backings[BACKING_VFIO].len > SZ_4M ?
		   backings[BACKING_VFIO].len : SZ_4M);
	setup_vm();

	for (b = 0; b < NR_BACKINGS; b++)
		for (s1 = 0; s1 < NR_S1; s1++)
			test_cell(b, s1);

	/* Calibration: stage 2 Device must be observable on this platform. */
	if (backings[BACKING_SYSFS].skip)
		ksft_test_result_skip("calibration: %s\n", backings[BACKING_SYSFS].skip);
	else
		ksft_test_result(!strcmp(cell_result[BACKING_SYSFS][S1_NORMAL_WB][1], "device"),
				 "calibration: an unaligned access to non-vfio MMIO faults (else this CPU or emulator cannot show the difference)\n");

	test_exec(BACKING_VFIO);
	test_exec(BACKING_ANON);
	test_copy();

	/* One line per cell for harnesses: aligned, unaligned load, unaligned store. */
	for (b = 0; b < NR_BACKINGS; b++)
		for (s1 = 0; s1 < NR_S1; s1++) {
			ksft_print_msg("cell %s %s", backing_name[b], s1_name[s1]);
			for (i = 0; i < 3; i++)
				printf(" %s", cell_result[b][s1][i]);
			printf("\n");
		}

	kvm_vm_free(vm);
	ksft_finished();
}
