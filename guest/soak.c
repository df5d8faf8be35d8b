// SPDX-License-Identifier: GPL-2.0
/*
 * soak: many VM lifetimes on a vfio-pci BAR, and nothing left behind.
 *
 *   soak -v BDF [-b BAR] [-c CYCLES] [-n BYTES]
 *
 * Each cycle mmaps the BAR afresh, creates a VM with a memslot on it (and
 * one on anonymous memory), lets the guest copy BYTES into the BAR with
 * every 8-byte store unaligned through a Normal-NC stage-1 mapping, checks
 * the bytes from the host, and destroys the VM and the mapping. Every tenth
 * cycle the BAR's memory decoding is turned off before the copy: the
 * guest's access must end KVM_RUN with EFAULT; once it is turned on again
 * the copy must complete.
 *
 * The slab objects in use (/proc/slabinfo) and free memory (/proc/meminfo),
 * after shrinking every slab cache and dropping the page cache, are read
 * after the tenth cycle, when caches have warmed up, and after the last;
 * they must come back within SLAB_MARGIN_KB and FREE_MARGIN_KB. Free
 * memory is corrected by this process's own resident growth, which is not
 * the kernel's doing.
 * KTAP on standard output; exit 0 when every check passed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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

#define GPA_BAR		(4 * (uint64_t)SZ_1G)
#define GPA_MEM		(5 * (uint64_t)SZ_1G)
#define GVA_BAR		(64 * (uint64_t)SZ_1G)
#define GVA_MEM		(65 * (uint64_t)SZ_1G)
#define SLAB_MARGIN_KB	512
#define FREE_MARGIN_KB	2048

enum { OP_COPY, OP_LOAD };

static void guest_code(uint64_t op, uint64_t dst, uint64_t src, uint64_t n)
{
	uint64_t i, v;

	switch (op) {
	case OP_COPY:
		for (i = 0; i + 8 <= n; i += 8) {
			asm volatile("ldr %0, [%1]" : "=r" (v) : "r" (src + i) : "memory");
			asm volatile("str %0, [%1]" : : "r" (v), "r" (dst + i) : "memory");
		}
		dsb(sy);
		break;
	case OP_LOAD:
		asm volatile("ldr %0, [%1]" : "=r" (v) : "r" (dst) : "memory");
		break;
	}
	GUEST_DONE();
}

/*
 * Shrink every slab cache: this also empties KASAN's quarantine of the
 * cache, which otherwise keeps freed objects counted as slab (up to 1/32
 * of memory) and would look like a leak.
 */
static void shrink_slabs(void)
{
	char path[512];
	struct dirent *d;
	DIR *dir = opendir("/sys/kernel/slab");
	int fd;

	if (!dir)
		return;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink", d->d_name);
		fd = open(path, O_WRONLY);
		if (fd < 0)
			continue;
		if (write(fd, "1", 1) != 1)
			ksft_print_msg("%s: %s\n", path, strerror(errno));
		close(fd);
	}
	closedir(dir);
}

/* Slab and free memory in kB, after dropping clean caches where possible. */
static void meminfo(long *slab, long *free_kb)
{
	char line[256];
	FILE *f;
	int fd;

	shrink_slabs();
	fd = open("/proc/sys/vm/drop_caches", O_WRONLY);

	if (fd >= 0) {
		sync();
		if (write(fd, "3", 1) != 1)
			ksft_print_msg("drop_caches: %s\n", strerror(errno));
		close(fd);
	}
	f = fopen("/proc/meminfo", "r");
	TEST_ASSERT(f, "/proc/meminfo: %s", strerror(errno));
	*slab = *free_kb = -1;
	while (fgets(line, sizeof(line), f))
		sscanf(line, "MemFree: %ld kB", free_kb);
	fclose(f);
	TEST_ASSERT(*free_kb >= 0, "no MemFree in /proc/meminfo");

	/*
	 * The objects in use, not the slab pages: a debug kernel's redzones
	 * and kmemleak metadata leave partly used pages behind that are not
	 * leaks (meminfo's Slab grew 10 kB per cycle there, the objects not).
	 */
	f = fopen("/proc/slabinfo", "r");
	TEST_ASSERT(f, "/proc/slabinfo: %s", strerror(errno));
	*slab = 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned long active, total, size;
		char name[64];

		if (sscanf(line, "%63s %lu %lu %lu", name, &active, &total, &size) == 4)
			*slab += active * size;
	}
	fclose(f);
	*slab /= 1024;
}

/* This process's resident memory in kB: its own growth is not the kernel's. */
static long rss_kb(void)
{
	long pages = 0, rss = -1;
	FILE *f = fopen("/proc/self/statm", "r");

	TEST_ASSERT(f && fscanf(f, "%ld %ld", &pages, &rss) == 2, "/proc/self/statm");
	fclose(f);
	return rss * getpagesize() / 1024;
}

int main(int argc, char *argv[])
{
	long slab0 = 0, free0 = 0, rss0 = 0, slab1, free1, rss1;
	int c, disabled = 0, bad_copies = 0, bad_revokes = 0;
	long bar = 2, cycles = 200, nbytes = SZ_64K;
	const struct bar_opt opts[] = {
		{ 'c', "CYCLES", &cycles }, { 'n', "BYTES", &nbytes }, { 0 }
	};
	size_t n, pg = getpagesize(), len, off, i;
	const char *bdf;
	struct vfio_bar vb;
	uint8_t *mem;

	bdf = bar_opts(argc, argv, &bar, opts, KSFT_SKIP);
	n = nbytes;
	TEST_ASSERT(cycles >= 20, "at least 20 cycles: the baseline is taken after 10");
	TEST_ASSERT(n && !(n % 8), "BYTES must be a multiple of 8");
	ksft_print_header();
	ksft_set_plan(4);
	vfio_bar_open(&vb, bdf, bar);
	len = (n + 16 + pg - 1) & ~(pg - 1);
	TEST_ASSERT(len <= vb.size, "BAR smaller than %zu bytes", len);
	mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TEST_ASSERT(mem != MAP_FAILED, "mmap: %s", strerror(errno));

	for (c = 1; c <= cycles; c++) {
		volatile uint8_t *hva = vfio_bar_mmap(&vb, len);
		struct kvm_vcpu *vcpu;
		struct kvm_vm *vm;
		uint64_t sp;

		for (i = 0; i < len; i++) {
			mem[i] = (uint8_t)(i * 13 + c);
			hva[i] = 0;
		}
		vm = __vm_create_with_one_vcpu(&vcpu, 4 * len / pg, guest_code);
		ucall_init(vm, NULL);
		vcpu_get_reg(vcpu, ARM64_CORE_REG(sp_el1), &sp);
		vm_set_user_memory_region(vm, 10, 0, GPA_BAR, len, (void *)hva);
		vm_set_user_memory_region(vm, 11, 0, GPA_MEM, len, mem);
		for (off = 0; off < len; off += vm->page_size) {
			_virt_pg_map(vm, GVA_BAR + off, GPA_BAR + off, MT_NORMAL_NC);
			_virt_pg_map(vm, GVA_MEM + off, GPA_MEM + off, MT_NORMAL);
		}
		if (c % 10 == 0) {
			/* Revoked: the guest's access must fault, not complete. */
			vfio_bar_memory(&vb, false);
			bad_revokes += guest_op(vcpu, guest_code, sp, OP_LOAD, GVA_BAR, 0, 0);
			vfio_bar_memory(&vb, true);
			disabled++;
		}
		if (!guest_op(vcpu, guest_code, sp, OP_COPY, GVA_BAR + 1, GVA_MEM, n)) {
			bad_copies++;
		} else {
			for (i = 0; i < n; i++)
				if (hva[i + 1] != mem[i]) {
					bad_copies++;
					break;
				}
		}
		kvm_vm_free(vm);
		munmap((void *)hva, len);
		if (c == 10) {
			meminfo(&slab0, &free0);
			rss0 = rss_kb();
		}
	}
	meminfo(&slab1, &free1);
	rss1 = rss_kb();
	/* What the kernel took: free memory lost, less this process's growth. */
	free1 += rss1 - rss0;

	ksft_test_result(!bad_copies, "soak: %d cycles, unaligned copy of %zu bytes into the BAR (%d failed)\n",
			 cycles, n, bad_copies);
	ksft_test_result(!bad_revokes && disabled == cycles / 10,
			 "soak: memory disabled %d times, every guest access refused (%d completed)\n",
			 disabled, bad_revokes);
	ksft_test_result(slab1 - slab0 <= SLAB_MARGIN_KB,
			 "soak: slab objects in use %ld kB after cycle 10, %ld kB at the end (%+ld kB, margin %d kB)\n",
			 slab0, slab1, slab1 - slab0, SLAB_MARGIN_KB);
	ksft_test_result(free0 - free1 <= FREE_MARGIN_KB,
			 "soak: free memory %ld kB after cycle 10, %ld kB at the end not counting the soak's own %+ld kB (%+ld kB, margin %d kB)\n",
			 free0, free1, rss1 - rss0, free1 - free0, FREE_MARGIN_KB);
	ksft_finished();
}
