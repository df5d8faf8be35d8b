// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio_bar_revoke - no mapping of a vfio-pci BAR outlives its memory enable
 *
 * vfio-pci promises that once a device's memory decoding is turned off,
 * the device is reset or it enters a low power state, no user mapping of
 * its BARs is left: the next access of the VMM faults (SIGBUS while the
 * BAR is off) and so does the next access of a guest whose memslot it
 * backs, since zapping a VMA invalidates KVM's stage-2 through the MMU
 * notifiers. Where KVM maps such a BAR Normal Non-cacheable at stage 2,
 * the CPU may read any of it speculatively at any time, so a mapping that
 * survives is a live one, whatever created it.
 *
 * For each way of creating a mapping, the test checks that it is revoked:
 * a mapping that faulted (the VMM's, a guest's), one inherited by fork(),
 * the pieces left by mprotect() and munmap(), one moved by mremap() with a
 * memslot at its new address. It disables memory through the config
 * region and enters low power, and then expects SIGBUS from the host and
 * KVM_RUN to fail with EFAULT for the guest, whose vCPU runs in a thread
 * so that a guest that is not stopped cannot hang the test. After memory
 * is enabled again, everything must work as before with the data intact,
 * and the guest's unaligned access completes again (KVM maps the BAR
 * Normal-NC at stage 2).
 *
 * A reset (VFIO_DEVICE_RESET, and VFIO_DEVICE_PCI_HOT_RESET where the bus
 * holds only this device) leaves memory enabled, so there the test counts
 * page faults: an access to a mapping whose entries are present takes
 * none, one whose entries were zapped takes exactly one (vfio-pci maps
 * the whole VMA again), and KVM's fault on the guest's behalf counts for
 * the vCPU thread. /proc/self/pagemap cannot tell: it reads every
 * VM_PFNMAP range as a hole.
 *
 * Then a memslot at one guest physical address is switched many times
 * between the vfio BAR and the BAR of a second device mmap'd through sysfs
 * while the guest keeps loading unaligned from it through a Normal-NC
 * stage-1 mapping: a load that completes must never return the sysfs
 * BAR's data, because MMIO that vfio-pci did not map is Device at stage 2
 * and faults. So must sysfs resource2, resource2_wc and /dev/mem, and a
 * MAP_PRIVATE mapping of a vfio BAR is refused.
 *
 * Usage: vfio_bar_revoke -v BDF [-s BDF] [-b BAR]
 *   -v BDF  a PCI device bound to vfio-pci whose BAR is plain memory
 *   -s BDF  a second PCI device whose BAR is mmap'd through sysfs
 *   -b BAR  the memory BAR of both (default 2)
 * Without -v the test is skipped; without -s so are the sysfs subtests.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <linux/vfio.h>

#include "kvm_util.h"
#include "processor.h"
#include "test_util.h"
#include "vfio_pci_util.h"

#define ESR_EC_DABT_CUR		0x25

/*
 * Each case maps a window of WIN_PAGES pages of the BAR, at its own
 * offset, and backs the memslot TEST_SLOT + window with it, at guest
 * physical TEST_GPA + window * WIN_STRIDE; the guest maps every window
 * Normal-NC at TEST_GVA + window * WIN_STRIDE.
 */
#define WIN_PAGES		4
#define WIN_STRIDE		((uint64_t)16 << 20)
#define TEST_GPA		((uint64_t)4 << 30)
#define TEST_GVA		((uint64_t)64 << 30)
#define TEST_SLOT		10

/* The words of each page the cases write and check. */
#define PATTERN_WORDS		64
/* An unaligned load inside the first page, over pattern words 32 and 33. */
#define UNALIGNED_OFFSET	0x101

#define WAIT_SECS		10	/* for something that must happen */
#define SWAP_ROUNDS		32
#define VFIO_BYTES		0x5a5a5a5a5a5a5a5aul
#define SYSFS_BYTES		0xc3c3c3c3c3c3c3c3ul
#define MMIO_BYTES		0x6d6d6d6d6d6d6d6dul

enum {
	W_OWNER, W_FORK, W_MPROTECT, W_MUNMAP, W_MREMAP, W_LOW_POWER,
	W_RESET_HOST, W_RESET_GUEST, W_HOT_RESET_HOST, W_HOT_RESET_GUEST, W_SWAP,
	NR_BAR_WINDOWS,
	/* Windows backed by other things than the vfio BAR. */
	W_SYSFS = NR_BAR_WINDOWS, W_SYSFS_WC, W_DEVMEM,
	NR_WINDOWS
};

enum { OP_LOAD, OP_LOOP, OP_PROBE };
enum { SEEN_VFIO, SEEN_SYSFS, SEEN_MMIO, SEEN_OTHER, NR_SEEN };

/* The guest's side; the host reads and writes them through struct vm_ctx. */
static uint64_t guest_stop, guest_iters, guest_val;
static uint64_t guest_faults, guest_esr, guest_far;
static uint64_t guest_seen[NR_SEEN];

static void guest_sync_handler(struct ex_regs *regs)
{
	WRITE_ONCE(guest_faults, guest_faults + 1);
	WRITE_ONCE(guest_esr, read_sysreg(esr_el1));
	WRITE_ONCE(guest_far, read_sysreg(far_el1));
	regs->pc += 4;		/* skip the access */
}

static uint64_t guest_ldr(uint64_t addr)
{
	uint64_t val = 0;

	asm volatile("ldr %0, [%1]" : "+r" (val) : "r" (addr) : "memory");
	return val;
}

static void guest_count(int what)
{
	WRITE_ONCE(guest_seen[what], guest_seen[what] + 1);
}

/*
 * OP_LOAD: one load from @addr.
 * OP_LOOP: aligned loads from [@addr, @addr + @a), one every @b bytes,
 *	    over and over until the host says stop.
 * OP_PROBE: unaligned loads from @addr until the host says stop, sorted
 *	     by value: @a is the vfio BAR's, @b the sysfs BAR's.
 */
static void guest_code(uint64_t op, uint64_t addr, uint64_t a, uint64_t b)
{
	uint64_t off, val;

	switch (op) {
	case OP_LOAD:
		WRITE_ONCE(guest_val, guest_ldr(addr));
		break;
	case OP_LOOP:
		while (!READ_ONCE(guest_stop)) {
			for (off = 0; off < a; off += b) {
				WRITE_ONCE(guest_val, guest_ldr(addr + off));
				WRITE_ONCE(guest_iters, guest_iters + 1);
			}
		}
		break;
	case OP_PROBE:
		while (!READ_ONCE(guest_stop)) {
			val = guest_ldr(addr);
			if (val == a)
				guest_count(SEEN_VFIO);
			else if (val == b)
				guest_count(SEEN_SYSFS);
			else if (val == MMIO_BYTES)
				guest_count(SEEN_MMIO);
			else
				guest_count(SEEN_OTHER);
			WRITE_ONCE(guest_iters, guest_iters + 1);
		}
		break;
	}
	GUEST_DONE();
}

static size_t pg, win_len;
static const char *vfio_bdf;
static int dev_fd, group_fd, group_id;
static struct vfio_pci_dev vdev;
static uint64_t bar_off, bar_size;
static void *sysfs_map, *sysfs_wc_map;
static const char *sysfs_skip;
static uint64_t sysfs_phys;

static int sysfs_file(const char *bdf, const char *file, int flags)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/%s", bdf, file);
	return open(path, flags);
}

/* A sysfs attribute of @bdf as a string without the newline, for messages. */
static const char *sysfs_attr(const char *bdf, const char *file)
{
	static char bufs[2][128];
	static int next;
	char *buf = bufs[next++ % 2];
	int fd = sysfs_file(bdf, file, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(bufs[0]) - 1);

	if (fd >= 0)
		close(fd);
	if (n < 0)
		return strerror(errno);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

static uint64_t win_gpa(int w)
{
	return TEST_GPA + w * WIN_STRIDE;
}

static uint64_t win_gva(int w)
{
	return TEST_GVA + w * WIN_STRIDE;
}

static uint64_t pattern(int w, int page, int word)
{
	return 0xa5c0000000000000ul ^ (uint64_t)w << 40 ^ (uint64_t)page << 20 ^
	       (uint64_t)word << 4 ^ 0x9;
}

/* The value of the unaligned load at UNALIGNED_OFFSET of window @w. */
static uint64_t pattern_unaligned(int w)
{
	int word = UNALIGNED_OFFSET / 8;

	return pattern(w, 0, word) >> 8 | pattern(w, 0, word + 1) << 56;
}

/* Page faults the calling thread took so far. */
static long thread_faults(void)
{
	struct rusage ru;

	TEST_ASSERT(!getrusage(RUSAGE_THREAD, &ru), "getrusage");
	return ru.ru_minflt + ru.ru_majflt;
}

/* One host access, with what it raised and how many page faults it took. */
struct probe {
	int sig;		/* SIGBUS or SIGSEGV, or 0 if it completed */
	int code;		/* the signal's si_code */
	void *at;		/* the address accessed */
	void *addr;		/* the signal's si_addr */
	uint64_t val;		/* what a load read */
	long faults;		/* 0: the page table entry was there */
};

static sigjmp_buf probe_env;
static int probe_sig, probe_code;
static void *probe_addr;

static void probe_handler(int sig, siginfo_t *si, void *ctx)
{
	probe_sig = sig;
	probe_code = si->si_code;
	probe_addr = si->si_addr;
	siglongjmp(probe_env, 1);
}

static void __host_access(struct probe *p, void *addr, bool write, uint64_t val)
{
	uint64_t *q = addr;
	long before;

	memset(p, 0, sizeof(*p));
	p->at = addr;
	before = thread_faults();
	if (!sigsetjmp(probe_env, 1)) {
		if (write)
			WRITE_ONCE(*q, val);
		else
			p->val = READ_ONCE(*q);
	} else {
		p->sig = probe_sig;
		p->code = probe_code;
		p->addr = probe_addr;
	}
	p->faults = thread_faults() - before;
}

static void host_access(struct probe *p, void *addr, bool write, uint64_t val)
{
	uint64_t dummy = 0;

	/*
	 * The same steps on a local variable first: after a fork(), the
	 * first write to each page of ours faults (copy on write), and only
	 * the faults of @addr may count.
	 */
	__host_access(p, &dummy, true, 0);
	__host_access(p, addr, write, val);
}

/*
 * A revoked mapping refuses an access the way the fault handler refuses
 * it: VM_FAULT_SIGBUS, which the arch fault code delivers as SIGBUS with
 * BUS_ADRERR at the address accessed. Any other signal, code or address
 * means something else went wrong.
 */
static bool probe_revoked(const struct probe *p)
{
	return p->sig == SIGBUS && p->code == BUS_ADRERR && p->addr == p->at;
}

static const char *probe_str(const struct probe *p)
{
	static char buf[4][96];
	static int n;
	char *s = buf[n++ % 4];

	if (probe_revoked(p))
		snprintf(s, sizeof(buf[0]), "SIGBUS BUS_ADRERR at the address");
	else if (p->sig == SIGBUS)
		snprintf(s, sizeof(buf[0]), "SIGBUS code %d at %p, accessed %p",
			 p->code, p->addr, p->at);
	else if (p->sig)
		snprintf(s, sizeof(buf[0]), "signal %d code %d", p->sig, p->code);
	else
		snprintf(s, sizeof(buf[0]), "completed, %ld page faults", p->faults);
	return s;
}

static bool host_revoked(void *addr)
{
	struct probe p;

	host_access(&p, addr, false, 0);
	return probe_revoked(&p);
}

/* Access every page of a window once. */
static void host_touch(void *hva)
{
	struct probe p;
	int page;

	for (page = 0; page < WIN_PAGES; page++)
		host_access(&p, (uint8_t *)hva + page * pg, false, 0);
}

/* Write the pattern of window @w to the BAR. */
static void fill_window(void *hva, int w)
{
	struct probe p;
	int page, word;

	for (page = 0; page < WIN_PAGES; page++)
		for (word = 0; word < PATTERN_WORDS; word++) {
			host_access(&p, (uint8_t *)hva + page * pg + word * 8, true,
				    pattern(w, page, word));
			TEST_ASSERT(!p.sig, "filling window %d: %s", w, probe_str(&p));
		}
}

/* The pattern words of @page of window @w that the host cannot read back. */
static int host_bad_words(void *hva, int w, int page)
{
	struct probe p;
	int word, bad = 0;

	for (word = 0; word < PATTERN_WORDS; word++) {
		host_access(&p, (uint8_t *)hva + page * pg + word * 8, false, 0);
		bad += p.sig || p.val != pattern(w, page, word);
	}
	return bad;
}

/* What a guest run ended with. */
struct outcome {
	int err;		/* errno of the KVM_RUN that failed, or 0 */
	bool done;		/* the guest reached GUEST_DONE */
	bool stopped;		/* it kept running until told to stop */
	bool kicked;		/* and had to be kicked out of KVM_RUN */
	uint64_t ucall;		/* an unexpected ucall or exit, or 0 */
	uint32_t exit_reason;
	uint64_t faults, esr, far, val, iters;
	long host_faults;	/* page faults the vCPU thread took meanwhile */
};

/* A VM with one vCPU, run by a thread of its own. */
struct vm_ctx {
	struct kvm_vm *vm;
	struct kvm_vcpu *vcpu;
	uint64_t stack_top;
	uint64_t *stop, *iters, *val, *faults, *esr, *far, *seen;
	pthread_t thread;
	sem_t go, exited;
	bool running;
	/* The memslot swap parks the vCPU thread after each EFAULT. */
	bool park, quit;
	sem_t parked, resume;
	uint64_t mmio_gpa;	/* guest loads from this window read MMIO_BYTES */
	unsigned long mmio_exits;
	struct outcome o;
};

static void sem_wait_intr(sem_t *s)
{
	while (sem_wait(s))
		TEST_ASSERT(errno == EINTR, "sem_wait: %s", strerror(errno));
}

static bool sem_wait_secs(sem_t *s, int secs)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += secs;
	while (sem_timedwait(s, &ts)) {
		if (errno == ETIMEDOUT)
			return false;
		TEST_ASSERT(errno == EINTR, "sem_timedwait: %s", strerror(errno));
	}
	return true;
}

static void vcpu_run_once(struct vm_ctx *c)
{
	struct kvm_run *run = c->vcpu->run;
	uint64_t marker = MMIO_BYTES;
	long before = thread_faults();
	struct ucall uc;

	for (;;) {
		if (__vcpu_run(c->vcpu)) {
			c->o.err = errno;
			if (errno != EFAULT || !c->park)
				break;
			/* Wait for the host to switch the memslot, then retry. */
			sem_post(&c->parked);
			sem_wait_intr(&c->resume);
			if (READ_ONCE(c->quit))
				break;
			c->o.err = 0;
			continue;
		}
		if (run->exit_reason == KVM_EXIT_MMIO && c->mmio_gpa &&
		    run->mmio.phys_addr - c->mmio_gpa < win_len && !run->mmio.is_write) {
			/* The memslot is away: the load reads the marker. */
			memcpy(run->mmio.data, &marker, sizeof(run->mmio.data));
			c->mmio_exits++;
			continue;
		}
		c->o.exit_reason = run->exit_reason;
		c->o.ucall = get_ucall(c->vcpu, &uc);
		if (c->o.ucall == UCALL_DONE) {
			c->o.done = true;
			c->o.ucall = 0;
		}
		break;
	}
	c->o.host_faults = thread_faults() - before;
}

static void *vcpu_thread(void *arg)
{
	struct vm_ctx *c = arg;

	for (;;) {
		sem_wait_intr(&c->go);
		if (!c->vcpu)
			return NULL;
		vcpu_run_once(c);
		sem_post(&c->exited);
	}
}

static void kick_handler(int sig)
{
}

static void vm_setup(struct vm_ctx *c)
{
	uint64_t off;
	int w;

	memset(c, 0, sizeof(*c));
	c->vm = __vm_create_with_one_vcpu(&c->vcpu, 64, guest_code);
	ucall_init(c->vm, NULL);
	vm_init_descriptor_tables(c->vm);
	vcpu_init_descriptor_tables(c->vcpu);
	vm_install_sync_handler(c->vm, VECTOR_SYNC_CURRENT, ESR_EC_DABT_CUR,
				guest_sync_handler);
	vcpu_get_reg(c->vcpu, ARM64_CORE_REG(sp_el1), &c->stack_top);
	/* Every guest page: the host's may be larger (16K, 64K). */
	for (w = 0; w < NR_WINDOWS; w++)
		for (off = 0; off < win_len; off += c->vm->page_size)
			_virt_pg_map(c->vm, win_gva(w) + off, win_gpa(w) + off, MT_NORMAL_NC);

	c->stop = addr_gva2hva(c->vm, (vm_vaddr_t)&guest_stop);
	c->iters = addr_gva2hva(c->vm, (vm_vaddr_t)&guest_iters);
	c->val = addr_gva2hva(c->vm, (vm_vaddr_t)&guest_val);
	c->faults = addr_gva2hva(c->vm, (vm_vaddr_t)&guest_faults);
	c->esr = addr_gva2hva(c->vm, (vm_vaddr_t)&guest_esr);
	c->far = addr_gva2hva(c->vm, (vm_vaddr_t)&guest_far);
	c->seen = addr_gva2hva(c->vm, (vm_vaddr_t)guest_seen);

	sem_init(&c->go, 0, 0);
	sem_init(&c->exited, 0, 0);
	sem_init(&c->parked, 0, 0);
	sem_init(&c->resume, 0, 0);
	TEST_ASSERT(!pthread_create(&c->thread, NULL, vcpu_thread, c),
		    "pthread_create");
}

static void vm_teardown(struct vm_ctx *c)
{
	c->vcpu = NULL;
	sem_post(&c->go);
	pthread_join(c->thread, NULL);
	kvm_vm_free(c->vm);
}

/* Back window @w's memslot with @hva, or delete it if @hva is NULL. */
static void slot_set(struct vm_ctx *c, int w, void *hva)
{
	vm_set_user_memory_region(c->vm, TEST_SLOT + w, 0, win_gpa(w),
				  hva ? win_len : 0, hva);
}

static void run_start(struct vm_ctx *c, uint64_t op, uint64_t addr,
		      uint64_t a, uint64_t b)
{
	TEST_ASSERT(!c->running, "the vCPU is already running");
	memset(&c->o, 0, sizeof(c->o));
	c->quit = false;
	c->mmio_exits = 0;
	WRITE_ONCE(*c->stop, 0);
	WRITE_ONCE(*c->iters, 0);
	WRITE_ONCE(*c->val, 0);
	WRITE_ONCE(*c->faults, 0);
	WRITE_ONCE(*c->esr, 0);
	WRITE_ONCE(*c->far, 0);
	memset(c->seen, 0, NR_SEEN * sizeof(*c->seen));

	vcpu_set_reg(c->vcpu, ARM64_CORE_REG(regs.pc), (uint64_t)guest_code);
	vcpu_set_reg(c->vcpu, ARM64_CORE_REG(sp_el1), c->stack_top);
	vcpu_set_reg(c->vcpu, ARM64_CORE_REG(regs.regs[0]), op);
	vcpu_set_reg(c->vcpu, ARM64_CORE_REG(regs.regs[1]), addr);
	vcpu_set_reg(c->vcpu, ARM64_CORE_REG(regs.regs[2]), a);
	vcpu_set_reg(c->vcpu, ARM64_CORE_REG(regs.regs[3]), b);
	c->running = true;
	sem_post(&c->go);
}

/*
 * Wait up to @secs for the guest to finish or KVM_RUN to fail. A guest
 * that keeps running is told to stop; one that does not even return from
 * KVM_RUN is kicked out of it.
 */
static struct outcome *run_finish(struct vm_ctx *c, int secs)
{
	struct outcome *o = &c->o;

	TEST_ASSERT(c->running, "the vCPU is not running");
	if (!sem_wait_secs(&c->exited, secs)) {
		o->stopped = true;
		WRITE_ONCE(*c->stop, 1);
		WRITE_ONCE(c->quit, true);
		if (c->park)
			sem_post(&c->resume);
		if (!sem_wait_secs(&c->exited, WAIT_SECS)) {
			o->kicked = true;
			c->vcpu->run->immediate_exit = 1;
			pthread_kill(c->thread, SIGUSR1);
			TEST_ASSERT(sem_wait_secs(&c->exited, WAIT_SECS),
				    "the vCPU thread does not return from KVM_RUN");
		}
	}
	c->vcpu->run->immediate_exit = 0;
	c->running = false;
	o->iters = READ_ONCE(*c->iters);
	o->val = READ_ONCE(*c->val);
	o->faults = READ_ONCE(*c->faults);
	o->esr = READ_ONCE(*c->esr);
	o->far = READ_ONCE(*c->far);
	return o;
}

static struct outcome *run_op(struct vm_ctx *c, uint64_t addr)
{
	run_start(c, OP_LOAD, addr, 0, 0);
	return run_finish(c, WAIT_SECS);
}

/* Wait for a looping guest to have done @n loads. */
static bool wait_iters(struct vm_ctx *c, uint64_t n)
{
	int ms;

	for (ms = 0; ms < WAIT_SECS * 1000; ms++) {
		if (READ_ONCE(*c->iters) >= n)
			return true;
		usleep(1000);
	}
	return false;
}

static const char *outcome_str(const struct outcome *o)
{
	static char buf[4][96];
	static int n;
	char *s = buf[n++ % 4];

	if (o->kicked)
		snprintf(s, sizeof(buf[0]), "still in KVM_RUN after %d s", 2 * WAIT_SECS);
	else if (o->stopped)
		snprintf(s, sizeof(buf[0]), "still running after %d s, %lu loads",
			 WAIT_SECS, o->iters);
	else if (o->err == EFAULT)
		snprintf(s, sizeof(buf[0]), "KVM_RUN: EFAULT");
	else if (o->err)
		snprintf(s, sizeof(buf[0]), "KVM_RUN: %s", strerror(o->err));
	else if (o->faults)
		snprintf(s, sizeof(buf[0]), "guest exception ESR_EL1 %#lx FAR %#lx",
			 o->esr, o->far);
	else if (!o->done)
		snprintf(s, sizeof(buf[0]), "exit %s, ucall %lu",
			 exit_reason_str(o->exit_reason), o->ucall);
	else
		snprintf(s, sizeof(buf[0]), "completed");
	return s;
}

/* KVM_RUN failed with EFAULT at once: the guest's access was refused. */
static bool revoked(const struct outcome *o)
{
	return o->err == EFAULT && !o->stopped && !o->faults;
}

static bool completed(const struct outcome *o)
{
	return o->done && !o->err && !o->stopped && !o->faults;
}

/* Guest loads of word 0 of each page of window @w in @pages (a bit mask). */
static int guest_bad_pages(struct vm_ctx *c, int w, unsigned int pages, bool want_efault,
			   struct outcome *last)
{
	struct outcome *o;
	int page, bad = 0;
	bool wrong;

	for (page = 0; page < WIN_PAGES; page++) {
		if (!(pages & 1u << page))
			continue;
		o = run_op(c, win_gva(w) + page * pg);
		if (want_efault)
			wrong = !revoked(o);
		else
			wrong = !completed(o) || o->val != pattern(w, page, 0);
		/* Keep the first outcome that is wrong, else the last one. */
		if (!bad)
			*last = *o;
		bad += wrong;
	}
	return bad;
}

/* Host accesses to window @w's pages in @pages that are not refused as revoked. */
static int host_unrevoked_pages(void *hva, unsigned int pages)
{
	int page, bad = 0;

	for (page = 0; page < WIN_PAGES; page++)
		if (pages & 1u << page)
			bad += !host_revoked((uint8_t *)hva + page * pg);
	return bad;
}

static void memory_enable(bool on)
{
	vfio_pci_memory_enable(&vdev, on);
}

static void *map_window(int w)
{
	void *hva = mmap(NULL, win_len, PROT_READ | PROT_WRITE, MAP_SHARED, dev_fd,
			 bar_off + w * win_len);

	TEST_ASSERT(hva != MAP_FAILED, "mmap of BAR window %d: %s", w, strerror(errno));
	return hva;
}

/* A forked child that accesses the parent's mapping before and after an event. */
struct child_report {
	bool finished;
	bool running;		/* its guest was running before the event */
	struct probe before, after;
	struct outcome guest;
};

struct child {
	pid_t pid;
	int to, from;		/* pipes to and from the child */
	struct child_report *report;
};

/* The other side may be gone: its report says so. */
static void pipe_send(int fd)
{
	char c = 1;

	if (write(fd, &c, 1) != 1)
		ksft_print_msg("pipe write: %s\n", strerror(errno));
}

static bool pipe_recv(int fd, int secs)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char c;

	return poll(&p, 1, secs * 1000) == 1 && read(fd, &c, 1) == 1;
}

/*
 * The child accesses @hva (inherited from the parent, which touched it,
 * so the entries are copied), builds a VM on it if @with_vm and starts a
 * guest looping over it, tells the parent, and after the parent's event
 * accesses it again and waits for its guest.
 */
static void child_start(struct child *ch, void *hva, bool with_vm)
{
	int to[2], from[2];
	struct vm_ctx c;

	ch->report = mmap(NULL, sizeof(*ch->report), PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	TEST_ASSERT(ch->report != MAP_FAILED, "mmap: %s", strerror(errno));
	memset(ch->report, 0, sizeof(*ch->report));
	TEST_ASSERT(!pipe(to) && !pipe(from), "pipe: %s", strerror(errno));
	fflush(stdout);
	fflush(stderr);
	ch->pid = fork();
	TEST_ASSERT(ch->pid >= 0, "fork: %s", strerror(errno));
	if (ch->pid) {
		close(to[0]);
		close(from[1]);
		ch->to = to[1];
		ch->from = from[0];
		return;
	}

	close(to[1]);
	close(from[0]);
	/*
	 * fork() copies the entries old (access flag clear): without the
	 * hardware managing that flag, the first access to each page faults
	 * although the entry is there. Touch them all first.
	 */
	host_touch(hva);
	host_access(&ch->report->before, hva, false, 0);
	if (with_vm) {
		vm_setup(&c);
		slot_set(&c, W_FORK, hva);
		run_start(&c, OP_LOOP, win_gva(W_FORK), win_len, pg);
		ch->report->running = wait_iters(&c, 4 * WIN_PAGES);
	}
	pipe_send(from[1]);
	if (!pipe_recv(to[0], 6 * WAIT_SECS))
		_exit(1);
	if (with_vm)
		ch->report->guest = *run_finish(&c, WAIT_SECS);
	host_access(&ch->report->after, hva, false, 0);
	ch->report->finished = true;
	_exit(0);
}

/* Wait for the child to be ready for the parent's event. */
static bool child_ready(struct child *ch)
{
	return pipe_recv(ch->from, 6 * WAIT_SECS);
}

/* Tell the child the event happened and wait for it to finish. */
static void child_finish(struct child *ch)
{
	int status, ms;

	pipe_send(ch->to);
	for (ms = 0; ms < 6 * WAIT_SECS * 1000; ms++) {
		if (waitpid(ch->pid, &status, WNOHANG) == ch->pid)
			break;
		usleep(1000);
	}
	if (ms == 6 * WAIT_SECS * 1000) {
		kill(ch->pid, SIGKILL);
		waitpid(ch->pid, &status, 0);
	}
	close(ch->to);
	close(ch->from);
}

static void child_release(struct child *ch)
{
	munmap(ch->report, sizeof(*ch->report));
}

/* A MAP_PRIVATE mapping of a BAR would be copy-on-write: vfio-pci refuses it. */
static void test_map_private(void)
{
	void *hva = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, dev_fd, bar_off);
	int err = errno;

	ksft_test_result(hva == MAP_FAILED && err == EINVAL,
			 "MAP_PRIVATE of the vfio BAR is refused with EINVAL (%s)\n",
			 hva == MAP_FAILED ? strerror(err) : "mapped");
	if (hva != MAP_FAILED)
		munmap(hva, pg);
}

/* Other MMIO is Device at stage 2: an unaligned load faults to KVM. */
static void test_device_s2(struct vm_ctx *c, int w, void *hva, const char *name)
{
	uint64_t word = pattern(w, 0, UNALIGNED_OFFSET / 8);
	struct outcome *o;
	struct probe p;

	if (!hva) {
		ksft_test_result_skip("%s: Device at stage 2: %s\n", name, sysfs_skip);
		return;
	}
	host_access(&p, (uint8_t *)hva + UNALIGNED_OFFSET - 1, true, word);
	slot_set(c, w, hva);
	o = run_op(c, win_gva(w) + UNALIGNED_OFFSET);
	slot_set(c, w, NULL);
	ksft_test_result(!p.sig && revoked(o),
			 "%s: Device at stage 2, an unaligned guest load ends KVM_RUN with EFAULT (%s)\n",
			 name, outcome_str(o));
}

static void test_owner(struct vm_ctx *c)
{
	void *hva = map_window(W_OWNER);
	struct outcome *o, last = {};
	struct probe p;
	bool running;
	int page, bad;
	uint64_t pm;
	int fd;

	fill_window(hva, W_OWNER);
	host_access(&p, hva, false, 0);

	/* pagemap reads VM_PFNMAP ranges as holes: say so, count faults instead. */
	fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd >= 0 && pread(fd, &pm, 8, (uint64_t)hva / pg * 8) == 8)
		ksft_print_msg("pagemap: present bit %lu for a BAR page just read (%ld faults)\n",
			       pm >> 63, p.faults);
	if (fd >= 0)
		close(fd);

	slot_set(c, W_OWNER, hva);
	run_start(c, OP_LOOP, win_gva(W_OWNER), win_len, pg);
	running = wait_iters(c, 4 * WIN_PAGES);
	memory_enable(false);
	o = run_finish(c, WAIT_SECS);
	ksft_test_result(running && revoked(o),
			 "owner: a guest looping over the BAR ends KVM_RUN with EFAULT when memory is disabled (%s)\n",
			 outcome_str(o));

	bad = host_unrevoked_pages(hva, (1u << WIN_PAGES) - 1);
	host_access(&p, hva, false, 0);
	ksft_test_result(!bad,
			 "owner: the VMM's access gets SIGBUS while memory is disabled (%s, %d pages not)\n",
			 probe_str(&p), bad);

	memory_enable(true);
	bad = guest_bad_pages(c, W_OWNER, (1u << WIN_PAGES) - 1, false, &last);
	for (page = 0; page < WIN_PAGES; page++)
		bad += host_bad_words(hva, W_OWNER, page);
	ksft_test_result(!bad,
			 "owner: after re-enable the guest's aligned loads complete and the data is intact (%s, %d bad)\n",
			 outcome_str(&last), bad);

	o = run_op(c, win_gva(W_OWNER) + UNALIGNED_OFFSET);
	ksft_test_result(completed(o) && o->val == pattern_unaligned(W_OWNER),
			 "owner: after re-enable the guest's unaligned load completes, Normal-NC again (%s)\n",
			 outcome_str(o));
	slot_set(c, W_OWNER, NULL);
	munmap(hva, win_len);
}

static void test_fork(void)
{
	void *hva = map_window(W_FORK);
	struct child_report *r;
	struct child ch;
	struct probe p;
	bool ready;

	fill_window(hva, W_FORK);
	host_access(&p, hva, false, 0);
	child_start(&ch, hva, true);
	ready = child_ready(&ch);
	memory_enable(false);
	child_finish(&ch);
	memory_enable(true);
	r = ch.report;

	ksft_test_result(ready && r->finished && !r->before.sig && !r->before.faults &&
			 probe_revoked(&r->after),
			 "fork: the child's inherited mapping gets SIGBUS after the parent disables memory (before: %s; after: %s)\n",
			 probe_str(&r->before), r->finished ? probe_str(&r->after) : "no report");
	ksft_test_result(ready && r->finished && r->running && revoked(&r->guest),
			 "fork: a guest on the child's inherited mapping ends KVM_RUN with EFAULT when the parent disables memory (%s)\n",
			 r->finished ? outcome_str(&r->guest) : "no report");
	child_release(&ch);
	munmap(hva, win_len);
}

/* Pieces: page 0 and 3 read-write, page 1 read-only, page 2 PROT_NONE. */
static void test_mprotect(struct vm_ctx *c)
{
	uint8_t *hva = map_window(W_MPROTECT);
	struct outcome last = {};
	int bad, ro_bad, rw_bad, page;

	fill_window(hva, W_MPROTECT);
	slot_set(c, W_MPROTECT, hva);
	bad = host_bad_words(hva, W_MPROTECT, 2);
	TEST_ASSERT(!mprotect(hva + pg, pg, PROT_READ), "mprotect: %s", strerror(errno));
	TEST_ASSERT(!mprotect(hva + 2 * pg, pg, PROT_NONE), "mprotect: %s", strerror(errno));
	/* Every accessible piece has its entries, at stage 1 and stage 2. */
	bad += host_bad_words(hva, W_MPROTECT, 0) + host_bad_words(hva, W_MPROTECT, 1) +
	       host_bad_words(hva, W_MPROTECT, 3);
	bad += guest_bad_pages(c, W_MPROTECT, 0xb, false, &last);
	TEST_ASSERT(!bad, "mprotect: the pieces do not work before the test (%s)",
		    outcome_str(&last));

	memory_enable(false);
	memset(&last, 0, sizeof(last));
	ro_bad = host_unrevoked_pages(hva, 0x2) + guest_bad_pages(c, W_MPROTECT, 0x2, true, &last);
	ksft_test_result(!ro_bad,
			 "mprotect: the read-only piece is revoked by memory disable (%s, %d not)\n",
			 outcome_str(&last), ro_bad);
	memset(&last, 0, sizeof(last));
	rw_bad = host_unrevoked_pages(hva, 0x9) + guest_bad_pages(c, W_MPROTECT, 0x9, true, &last);
	ksft_test_result(!rw_bad,
			 "mprotect: the read-write pieces are revoked by memory disable (%s, %d not)\n",
			 outcome_str(&last), rw_bad);

	/* Read-write again while memory is off: nothing may come back. */
	TEST_ASSERT(!mprotect(hva + pg, 2 * pg, PROT_READ | PROT_WRITE), "mprotect: %s",
		    strerror(errno));
	memset(&last, 0, sizeof(last));
	bad = host_unrevoked_pages(hva, 0x6) + guest_bad_pages(c, W_MPROTECT, 0x6, true, &last);
	ksft_test_result(!bad,
			 "mprotect: pieces made read-write again while memory is disabled stay revoked (%s, %d not)\n",
			 outcome_str(&last), bad);

	memory_enable(true);
	memset(&last, 0, sizeof(last));
	bad = guest_bad_pages(c, W_MPROTECT, 0xf, false, &last);
	for (page = 0; page < WIN_PAGES; page++)
		bad += host_bad_words(hva, W_MPROTECT, page);
	ksft_test_result(!bad,
			 "mprotect: every piece works again after re-enable, data intact (%s, %d bad)\n",
			 outcome_str(&last), bad);
	slot_set(c, W_MPROTECT, NULL);
	munmap(hva, win_len);
}

/* Pieces: page 0 and pages 2-3, page 1 unmapped. */
static void test_munmap(struct vm_ctx *c)
{
	uint8_t *hva = map_window(W_MUNMAP);
	struct outcome last = {};
	int bad;

	fill_window(hva, W_MUNMAP);
	slot_set(c, W_MUNMAP, hva);
	bad = host_bad_words(hva, W_MUNMAP, 0) + guest_bad_pages(c, W_MUNMAP, 0xf, false, &last);
	TEST_ASSERT(!munmap(hva + pg, pg), "munmap: %s", strerror(errno));
	bad += host_bad_words(hva, W_MUNMAP, 0) + host_bad_words(hva, W_MUNMAP, 2) +
	       host_bad_words(hva, W_MUNMAP, 3);
	bad += guest_bad_pages(c, W_MUNMAP, 0xd, false, &last);
	TEST_ASSERT(!bad, "munmap: the pieces do not work before the test (%s)",
		    outcome_str(&last));

	memory_enable(false);
	memset(&last, 0, sizeof(last));
	bad = host_unrevoked_pages(hva, 0xd) + guest_bad_pages(c, W_MUNMAP, 0xd, true, &last);
	ksft_test_result(!bad,
			 "munmap: the pieces left by a partial munmap are revoked by memory disable (%s, %d not)\n",
			 outcome_str(&last), bad);

	memory_enable(true);
	memset(&last, 0, sizeof(last));
	bad = guest_bad_pages(c, W_MUNMAP, 0xd, false, &last);
	bad += host_bad_words(hva, W_MUNMAP, 0) + host_bad_words(hva, W_MUNMAP, 2) +
	       host_bad_words(hva, W_MUNMAP, 3);
	ksft_test_result(!bad,
			 "munmap: the pieces left work again after re-enable, data intact (%s, %d bad)\n",
			 outcome_str(&last), bad);
	slot_set(c, W_MUNMAP, NULL);
	munmap(hva, pg);
	munmap(hva + 2 * pg, 2 * pg);
}

static void test_mremap(struct vm_ctx *c)
{
	void *old = map_window(W_MREMAP), *hva, *dst;
	struct outcome last = {};
	struct probe moved;
	int bad, page;

	fill_window(old, W_MREMAP);
	host_access(&moved, old, false, 0);
	dst = mmap(NULL, win_len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TEST_ASSERT(dst != MAP_FAILED, "mmap: %s", strerror(errno));
	hva = mremap(old, win_len, win_len, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
	TEST_ASSERT(hva == dst, "mremap: %s", strerror(errno));
	host_access(&moved, hva, false, 0);
	slot_set(c, W_MREMAP, hva);
	bad = guest_bad_pages(c, W_MREMAP, 0xf, false, &last);
	TEST_ASSERT(!bad && !moved.sig, "mremap: the moved mapping does not work (%s, %s)",
		    probe_str(&moved), outcome_str(&last));

	memory_enable(false);
	bad = host_unrevoked_pages(hva, 0xf);
	ksft_test_result(!bad,
			 "mremap: the moved mapping is revoked by memory disable (%d pages not; after the move: %s)\n",
			 bad, probe_str(&moved));
	memset(&last, 0, sizeof(last));
	bad = guest_bad_pages(c, W_MREMAP, 0xf, true, &last);
	ksft_test_result(!bad,
			 "mremap: a guest on a memslot at the new address ends KVM_RUN with EFAULT when memory is disabled (%s, %d not)\n",
			 outcome_str(&last), bad);

	memory_enable(true);
	memset(&last, 0, sizeof(last));
	bad = guest_bad_pages(c, W_MREMAP, 0xf, false, &last);
	for (page = 0; page < WIN_PAGES; page++)
		bad += host_bad_words(hva, W_MREMAP, page);
	ksft_test_result(!bad,
			 "mremap: the moved mapping works again after re-enable, data intact (%s, %d bad)\n",
			 outcome_str(&last), bad);
	slot_set(c, W_MREMAP, NULL);
	munmap(hva, win_len);
}

static int low_power(uint32_t feature, bool probe)
{
	struct vfio_device_feature f = {
		.argsz = sizeof(f),
		.flags = VFIO_DEVICE_FEATURE_SET | feature,
	};

	if (probe)
		f.flags |= VFIO_DEVICE_FEATURE_PROBE;
	return ioctl(dev_fd, VFIO_DEVICE_FEATURE, &f) ? -errno : 0;
}

static void test_low_power(struct vm_ctx *c)
{
	static const char * const names[] = {
		"low power: a guest looping over the BAR ends KVM_RUN with EFAULT at low power entry",
		"low power: the VMM's access gets SIGBUS in low power",
		"low power: a forked child's inherited mapping gets SIGBUS in low power",
		"low power: after exit the guest's and the VMM's accesses complete, data intact",
	};
	struct outcome *o, last = {};
	struct child_report *r;
	int err, bad, i, page;
	struct child ch;
	struct probe p;
	bool running;
	void *hva;

	err = low_power(VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY, true);
	if (!err)
		err = low_power(VFIO_DEVICE_FEATURE_LOW_POWER_EXIT, true);
	if (err) {
		for (i = 0; i < 4; i++)
			ksft_test_result_skip("%s: VFIO_DEVICE_FEATURE probe: %s\n", names[i],
					      strerror(-err));
		return;
	}
	hva = map_window(W_LOW_POWER);
	fill_window(hva, W_LOW_POWER);
	host_access(&p, hva, false, 0);
	slot_set(c, W_LOW_POWER, hva);
	child_start(&ch, hva, false);
	running = child_ready(&ch);
	run_start(c, OP_LOOP, win_gva(W_LOW_POWER), win_len, pg);
	running &= wait_iters(c, 4 * WIN_PAGES);

	err = low_power(VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY, false);
	ksft_print_msg("low power: power_state %s, power/runtime_status %s\n",
		       sysfs_attr(vfio_bdf, "power_state"),
		       sysfs_attr(vfio_bdf, "power/runtime_status"));
	o = run_finish(c, WAIT_SECS);
	ksft_test_result(!err && running && revoked(o), "%s (entry: %s; %s)\n", names[0],
			 err ? strerror(-err) : "ok", outcome_str(o));
	bad = host_unrevoked_pages(hva, 0xf);
	host_access(&p, hva, false, 0);
	ksft_test_result(!err && !bad, "%s (%s, %d pages not)\n", names[1], probe_str(&p), bad);
	child_finish(&ch);
	r = ch.report;
	ksft_test_result(!err && r->finished && !r->before.sig && !r->before.faults &&
			 probe_revoked(&r->after),
			 "%s (before: %s; after: %s)\n", names[2], probe_str(&r->before),
			 r->finished ? probe_str(&r->after) : "no report");
	child_release(&ch);

	err = low_power(VFIO_DEVICE_FEATURE_LOW_POWER_EXIT, false);
	bad = guest_bad_pages(c, W_LOW_POWER, 0xf, false, &last);
	for (page = 0; page < WIN_PAGES; page++)
		bad += host_bad_words(hva, W_LOW_POWER, page);
	ksft_test_result(!err && !bad, "%s (exit: %s; %s, %d bad)\n", names[3],
			 err ? strerror(-err) : "ok", outcome_str(&last), bad);
	slot_set(c, W_LOW_POWER, NULL);
	munmap(hva, win_len);
}

/* VFIO_DEVICE_PCI_HOT_RESET, if it affects no other group than ours. */
static int hot_reset(void)
{
	struct {
		struct vfio_pci_hot_reset_info info;
		struct vfio_pci_dependent_device devices[8];
	} info = { .info.argsz = sizeof(info) };
	struct {
		struct vfio_pci_hot_reset reset;
		int32_t fd;
	} reset = { .reset.argsz = sizeof(reset), .reset.count = 1, .fd = group_fd };
	unsigned int i;

	if (ioctl(dev_fd, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, &info))
		return -errno;
	for (i = 0; i < info.info.count; i++)
		if (info.devices[i].group_id != group_id)
			return -EXDEV;
	return ioctl(dev_fd, VFIO_DEVICE_PCI_HOT_RESET, &reset) ? -errno : 0;
}

/* Why a hot reset cannot be tried, or NULL. */
static const char *hot_reset_skip(void)
{
	static char why[96];
	struct vfio_pci_hot_reset_info info = { .argsz = sizeof(info) };

	if (!ioctl(dev_fd, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, &info) || errno == ENOSPC)
		return NULL;
	snprintf(why, sizeof(why), "VFIO_DEVICE_GET_PCI_HOT_RESET_INFO: %s", strerror(errno));
	return why;
}

static int function_reset(void)
{
	return ioctl(dev_fd, VFIO_DEVICE_RESET) ? -errno : 0;
}

/*
 * A reset ends with memory enabled, so revocation shows as a page fault:
 * an access right before the reset takes none, the first one after it
 * exactly one (vfio-pci maps the whole VMA again).
 */
static void test_reset(struct vm_ctx *c, const char *name, int (*reset)(void),
		       const char *skip, int w_host, int w_guest)
{
	static const char * const what[] = {
		"the VMM's mapping is revoked",
		"a guest's mapping is revoked",
		"a forked child's inherited mapping is revoked",
	};
	struct probe before, after;
	struct outcome *o, warm;
	struct child_report *r;
	void *host, *guest;
	struct child ch;
	bool ready;
	int err, i;

	if (skip) {
		for (i = 0; i < 3; i++)
			ksft_test_result_skip("%s: %s: %s\n", name, what[i], skip);
		return;
	}
	host = map_window(w_host);
	guest = map_window(w_guest);
	fill_window(host, w_host);
	fill_window(guest, w_guest);
	slot_set(c, w_guest, guest);
	host_touch(host);
	child_start(&ch, host, false);
	ready = child_ready(&ch);
	/*
	 * Twice, after the fork(): the first run faults in what the fork
	 * made copy on write, the guest's memory too, and the second shows
	 * that nothing is left to fault.
	 */
	run_op(c, win_gva(w_guest));
	warm = *run_op(c, win_gva(w_guest));

	host_access(&before, host, false, 0);
	err = reset();
	o = run_op(c, win_gva(w_guest));
	host_access(&after, host, false, 0);
	child_finish(&ch);
	r = ch.report;

	ksft_test_result(!err && !before.sig && !before.faults && !after.sig && after.faults == 1,
			 "%s: %s (%s; before: %s; after: %s, %s)\n", name, what[0],
			 err ? strerror(-err) : "done", probe_str(&before), probe_str(&after),
			 after.val == pattern(w_host, 0, 0) ? "data intact" : "data lost");
	ksft_test_result(!err && completed(&warm) && !warm.host_faults && completed(o) &&
			 o->host_faults == 1,
			 "%s: %s (KVM faulted the BAR in %ld times before, %ld times after; %s)\n",
			 name, what[1], warm.host_faults, o->host_faults, outcome_str(o));
	ksft_test_result(!err && ready && r->finished && !r->before.sig && !r->before.faults &&
			 !r->after.sig && r->after.faults == 1,
			 "%s: %s (before: %s; after: %s)\n", name, what[2], probe_str(&r->before),
			 r->finished ? probe_str(&r->after) : "no report");
	child_release(&ch);
	slot_set(c, w_guest, NULL);
	munmap(host, win_len);
	munmap(guest, win_len);
}

/* The vCPU after a phase on the vfio BAR: parked after an EFAULT, or not. */
static bool swap_wait_vfio(struct vm_ctx *c, bool *parked)
{
	uint64_t start = READ_ONCE(c->seen[SEEN_VFIO]);
	int ms;

	for (ms = 0; ms < WAIT_SECS * 1000; ms++) {
		if (!sem_trywait(&c->parked)) {
			*parked = true;
			return false;
		}
		if (READ_ONCE(c->seen[SEEN_VFIO]) >= start + 2) {
			*parked = false;
			return true;
		}
		usleep(1000);
	}
	TEST_FAIL("memslot swap: the guest neither loads nor faults on the vfio BAR");
	return false;
}

/*
 * The memslot of window W_SWAP is switched between the vfio BAR and the
 * sysfs BAR while the guest loads unaligned from it. On the sysfs BAR the
 * load must fault (EFAULT); the vCPU thread then parks until the memslot
 * is back on the vfio BAR, so that each phase on the sysfs BAR (and, where
 * the vfio BAR is Device too, each phase on it) makes KVM_RUN fail exactly
 * once. Otherwise the guest keeps going while the memslot is swapped away
 * under it.
 */
static void test_swap(struct vm_ctx *c)
{
	static const char * const names[] = {
		"memslot swap: no unaligned load that completes returns the sysfs BAR's data",
		"memslot swap: every unaligned load from the sysfs BAR ends KVM_RUN with EFAULT",
		"memslot swap: unaligned loads from the vfio BAR complete, Normal-NC",
	};
	int round, sysfs_faults = 0, vfio_loads = 0, i, word;
	uint8_t *vfio;
	struct outcome *o;
	bool parked;
	struct probe p;

	if (!sysfs_map) {
		for (i = 0; i < 3; i++)
			ksft_test_result_skip("%s: %s\n", names[i], sysfs_skip);
		return;
	}
	vfio = map_window(W_SWAP);
	for (word = 0; word < PATTERN_WORDS; word++) {
		host_access(&p, vfio + word * 8, true, VFIO_BYTES);
		TEST_ASSERT(!p.sig, "vfio BAR: %s", probe_str(&p));
		host_access(&p, (uint8_t *)sysfs_map + word * 8, true, SYSFS_BYTES);
		TEST_ASSERT(!p.sig, "sysfs BAR: %s", probe_str(&p));
	}

	c->park = true;
	c->mmio_gpa = win_gpa(W_SWAP);
	slot_set(c, W_SWAP, vfio);
	run_start(c, OP_PROBE, win_gva(W_SWAP) + UNALIGNED_OFFSET, VFIO_BYTES, SYSFS_BYTES);
	for (round = 0; round <= SWAP_ROUNDS; round++) {
		vfio_loads += swap_wait_vfio(c, &parked);
		if (round == SWAP_ROUNDS)
			break;
		slot_set(c, W_SWAP, NULL);
		slot_set(c, W_SWAP, sysfs_map);
		if (parked)
			sem_post(&c->resume);
		if (!sem_wait_secs(&c->parked, WAIT_SECS))
			break;
		sysfs_faults++;
		slot_set(c, W_SWAP, NULL);
		slot_set(c, W_SWAP, vfio);
		sem_post(&c->resume);
	}
	if (parked && round == SWAP_ROUNDS) {
		WRITE_ONCE(c->quit, true);
		sem_post(&c->resume);
	}
	WRITE_ONCE(*c->stop, 1);
	o = run_finish(c, WAIT_SECS);
	c->park = false;
	c->mmio_gpa = 0;
	slot_set(c, W_SWAP, NULL);

	ksft_test_result(!c->seen[SEEN_SYSFS] && !c->seen[SEEN_OTHER],
			 "%s (%lu loads: %lu vfio, %lu sysfs, %lu other; %lu with the memslot away)\n",
			 names[0], o->iters, c->seen[SEEN_VFIO], c->seen[SEEN_SYSFS],
			 c->seen[SEEN_OTHER], c->seen[SEEN_MMIO]);
	ksft_test_result(sysfs_faults == SWAP_ROUNDS, "%s (%d of %d phases)\n", names[1],
			 sysfs_faults, SWAP_ROUNDS);
	ksft_test_result(vfio_loads == SWAP_ROUNDS + 1, "%s (%d of %d phases)\n", names[2],
			 vfio_loads, SWAP_ROUNDS + 1);
	munmap(vfio, win_len);
}

static void *map_fd(int fd, uint64_t off)
{
	void *hva = mmap(NULL, win_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off);

	return hva == MAP_FAILED ? NULL : hva;
}

static void setup_sysfs(const char *bdf, int bar, void **devmem)
{
	unsigned long long start, end, flags;
	char name[32], line[128];
	FILE *f;
	int fd, i;

	*devmem = NULL;
	if (!bdf) {
		sysfs_skip = "no sysfs device given (-s)";
		return;
	}
	fd = sysfs_file(bdf, "enable", O_RDWR);
	if (fd >= 0) {
		TEST_ASSERT(pread(fd, line, 1, 0) == 1, "read enable");
		if (line[0] == '0')
			TEST_ASSERT(pwrite(fd, "1", 1, 0) == 1, "enabling %s", bdf);
		close(fd);
	}
	snprintf(name, sizeof(name), "resource%d", bar);
	fd = sysfs_file(bdf, name, O_RDWR | O_SYNC);
	TEST_ASSERT(fd >= 0, "%s %s: %s", bdf, name, strerror(errno));
	sysfs_map = map_fd(fd, 0);
	TEST_ASSERT(sysfs_map, "mmap %s %s: %s", bdf, name, strerror(errno));
	close(fd);

	snprintf(name, sizeof(name), "resource%d_wc", bar);
	fd = sysfs_file(bdf, name, O_RDWR | O_SYNC);
	TEST_ASSERT(fd >= 0, "%s %s: %s", bdf, name, strerror(errno));
	sysfs_wc_map = map_fd(fd, win_len);
	TEST_ASSERT(sysfs_wc_map, "mmap %s %s: %s", bdf, name, strerror(errno));
	close(fd);

	/* /dev/mem at the BAR's physical address, from sysfs "resource". */
	fd = sysfs_file(bdf, "resource", O_RDONLY);
	TEST_ASSERT(fd >= 0, "%s resource: %s", bdf, strerror(errno));
	f = fdopen(fd, "r");
	for (i = 0; i <= bar; i++)
		TEST_ASSERT(fgets(line, sizeof(line), f), "%s resource: too short", bdf);
	fclose(f);
	TEST_ASSERT(sscanf(line, "%llx %llx %llx", &start, &end, &flags) == 3 && start,
		    "%s resource: '%s'", bdf, line);
	sysfs_phys = start;
	fd = open("/dev/mem", O_RDWR | O_SYNC);
	TEST_ASSERT(fd >= 0, "/dev/mem: %s", strerror(errno));
	*devmem = map_fd(fd, sysfs_phys + 2 * win_len);
	TEST_ASSERT(*devmem, "mmap /dev/mem at %#llx: %s", start, strerror(errno));
	close(fd);
	ksft_print_msg("sysfs: %s BAR %d at %#lx\n", bdf, bar, sysfs_phys);
}

static void setup_vfio(const char *bdf, int bar)
{
	struct vfio_pci_bar b;
	const char *why;

	why = vfio_pci_open(&vdev, bdf);
	TEST_ASSERT(!why, "%s: %s", bdf, why);
	dev_fd = vdev.fd;
	group_fd = vdev.group;
	group_id = vdev.group_id;
	vfio_pci_bar_info(&vdev, bar, &b);
	bar_off = b.offset;
	bar_size = b.size;
	TEST_ASSERT(bar_size >= NR_BAR_WINDOWS * win_len, "%s BAR %d: %lu bytes, want %zu",
		    bdf, bar, bar_size, NR_BAR_WINDOWS * win_len);
	memory_enable(true);
	ksft_print_msg("vfio: %s BAR %d (IOMMU group %d), %lu bytes, reset %s\n", bdf, bar,
		       group_id, bar_size,
		       vdev.flags & VFIO_DEVICE_FLAGS_RESET ? "supported" : "not supported");
	ksft_print_msg("vfio: reset methods: %s\n", sysfs_attr(bdf, "reset_method"));
}

int main(int argc, char *argv[])
{
	struct sigaction sa = { .sa_sigaction = probe_handler, .sa_flags = SA_SIGINFO };
	const char *sysfs_bdf = NULL;
	void *devmem;
	struct vm_ctx c;
	int opt, bar = 2;

	while ((opt = getopt(argc, argv, "v:s:b:h")) != -1) {
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
		default:
			printf("usage: %s -v BDF [-s BDF] [-b BAR]\n", argv[0]);
			exit(KSFT_SKIP);
		}
	}
	ksft_print_header();
	if (!vfio_bdf || !*vfio_bdf)
		ksft_exit_skip("no vfio-pci device given (-v)\n");
	TEST_ASSERT(bar >= 0 && bar <= 5, "BAR must be 0..5");
	ksft_set_plan(32);

	pg = getpagesize();
	win_len = WIN_PAGES * pg;
	TEST_ASSERT(UNALIGNED_OFFSET + 16 <= PATTERN_WORDS * 8, "bad layout");
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	signal(SIGUSR1, kick_handler);
	signal(SIGPIPE, SIG_IGN);
	setup_vfio(vfio_bdf, bar);
	setup_sysfs(sysfs_bdf && *sysfs_bdf ? sysfs_bdf : NULL, bar, &devmem);
	vm_setup(&c);

	test_map_private();
	test_device_s2(&c, W_SYSFS, sysfs_map, "sysfs resource2");
	test_device_s2(&c, W_SYSFS_WC, sysfs_wc_map, "sysfs resource2_wc");
	test_device_s2(&c, W_DEVMEM, devmem, "/dev/mem");
	test_owner(&c);
	test_fork();
	test_mprotect(&c);
	test_munmap(&c);
	test_mremap(&c);
	test_low_power(&c);
	test_reset(&c, "reset", function_reset,
		   vdev.flags & VFIO_DEVICE_FLAGS_RESET ? NULL :
		   "no reset method (VFIO_DEVICE_FLAGS_RESET clear)",
		   W_RESET_HOST, W_RESET_GUEST);
	test_reset(&c, "hot reset", hot_reset, hot_reset_skip(),
		   W_HOT_RESET_HOST, W_HOT_RESET_GUEST);
	test_swap(&c);

	vm_teardown(&c);
	ksft_finished();
}
