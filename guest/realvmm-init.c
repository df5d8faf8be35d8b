// SPDX-License-Identifier: GPL-2.0
/*
 * /init of the nested guest (L2) of the real-stack test: stock QEMU in the
 * test host passes an ivshmem device through with vfio-pci, and this runs
 * the cases that the kernel command line names against its BAR 2, in that
 * order, prints KTAP ("# realvmm: running NAME" before each) and powers
 * off. The command line says:
 *   realvmm.case=NAME[,NAME...]  the cases (required; at most MAX_CASES)
 *   realvmm.id=VVVV:DDDD   the device, default 1af4:1110 (ivshmem); the
 *                          first one found is used
 *   realvmm.bar=N          its memory BAR, default 2
 *   realvmm.len=BYTES      use at most that much of the BAR (default all)
 * The cases write to the BAR: it must be plain memory.
 *
 * User space cases map the BAR through sysfs twice: resourceN_wc
 * (write-combining: Normal-NC at stage 1) and resourceN (Device-nGnRE).
 * What one mapping writes is checked through the other, a byte at a time.
 * Linked statically against glibc, so the copies are glibc's memcpy() and
 * memset():
 *
 *   user-wc-memcpy      memcpy() over the whole BAR with unaligned head and
 *                       tail, to and from the BAR: must complete
 *   user-wc-memset      one DC ZVA, memset() of the whole BAR to 0 (glibc
 *                       zeroes large blocks with DC ZVA), then unaligned
 *                       memset()s: all complete
 *   user-wc-unaligned   one unaligned 8-byte load and one store: complete
 *   user-dev-memcpy     the copies of user-wc-memcpy: each must fault
 *   user-dev-memset     the same: the unaligned memset()s must fault; the
 *                       zeroing is only reported: DC ZVA on Device memory
 *                       takes an alignment fault on hardware, but QEMU
 *                       does not model that
 *   user-dev-unaligned  the load and store of user-wc-unaligned: must fault
 *
 * A fault is a SIGBUS (or SIGSEGV), caught, and reported with the faulting
 * instruction. Kernel cases (kern-*) load /bin/realvmm_wc.ko with
 * finit_module(2) and "case=NAME"; the module prints its own findings and
 * fails to load when the case fails (see guest/realvmm-mod/realvmm_wc.c),
 * and is unloaded after a case it passed, for the next one.
 *
 * Every finding is a "# realvmm: CASE: STEP: RESULT" line, RESULT starting
 * with "completed" or "fault"; harness/judge/realvmm.py reads them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#define LOAD_OFF 0x1001		/* where the unaligned load reads */
#define STORE_OFF 0x2003	/* where the unaligned store writes */
#define DC_ZVA 0xd50b7420	/* "dc zva, xN" without its register */
#define MAX_CASES 16

struct bar {
	char dir[300];		/* the device's sysfs directory */
	char wc_name[32];	/* "resourceN_wc" */
	char dev_name[32];	/* "resourceN" */
	uint8_t *wc;		/* mapped through wc_name */
	uint8_t *dev;		/* mapped through dev_name */
	size_t len;
};

/* What the kernel command line asks for. */
static const char *case_name = "none";	/* the case running */
static char *cases[MAX_CASES];
static int n_cases;
static unsigned int want_vendor = 0x1af4, want_device = 0x1110;
static int bar_index = 2;
static size_t max_len;		/* 0: the whole BAR */
static sigjmp_buf fault_jmp;
static volatile sig_atomic_t armed;
static struct {
	int sig, code;
	uintptr_t addr, pc;
	uint32_t insn;
} last;

static void on_fault(int sig, siginfo_t *si, void *uc_arg)
{
	ucontext_t *uc = uc_arg;

	if (!armed) {
		signal(sig, SIG_DFL);
		return;		/* not ours: the access faults again, fatally */
	}
	last.sig = sig;
	last.code = si->si_code;
	last.addr = (uintptr_t)si->si_addr;
	last.pc = uc->uc_mcontext.pc;
	last.insn = *(uint32_t *)last.pc;
	armed = 0;
	siglongjmp(fault_jmp, 1);
}

static uint8_t pattern(size_t i, uint8_t seed)
{
	return (uint8_t)(i * 131 + (i >> 9) + seed);
}

static void barrier_all(void)
{
	__asm__ volatile("dsb sy" ::: "memory");
}

/* Fill the BAR through @to with pattern(seed) in aligned 8-byte stores. */
static void fill(uint8_t *to, size_t len, uint8_t seed)
{
	size_t i, k;

	for (i = 0; i < len; i += 8) {
		uint64_t w = 0;

		for (k = 0; k < 8; k++)
			w |= (uint64_t)pattern(i + k, seed) << (8 * k);
		*(volatile uint64_t *)(to + i) = w;
	}
	barrier_all();
}

/* How many of the @n bytes at @from + @off, read one by one, are not @want. */
static size_t differ(const uint8_t *from, size_t off, const uint8_t *want, size_t n)
{
	const volatile uint8_t *p = from + off;
	size_t i, bad = 0;

	for (i = 0; i < n; i++)
		bad += p[i] != want[i];
	return bad;
}

/* The same, against one value. */
static size_t differ_val(const uint8_t *from, size_t off, uint8_t want, size_t n)
{
	const volatile uint8_t *p = from + off;
	size_t i, bad = 0;

	for (i = 0; i < n; i++)
		bad += p[i] != want;
	return bad;
}

static void describe_fault(const struct bar *b, char *buf, size_t size)
{
	const char *map = "", *what = "load/store";
	uintptr_t off = last.addr;

	if (last.addr - (uintptr_t)b->wc < b->len) {
		map = b->wc_name;
		off -= (uintptr_t)b->wc;
	} else if (last.addr - (uintptr_t)b->dev < b->len) {
		map = b->dev_name;
		off -= (uintptr_t)b->dev;
	}
	if ((last.insn & ~0x1fu) == DC_ZVA)
		what = "dc zva";
	snprintf(buf, size, "fault: %s %s at %s+%#lx, by %s (insn %#010x at pc %#lx)",
		 last.sig == SIGBUS ? "SIGBUS" : "SIGSEGV",
		 last.code == BUS_ADRALN && last.sig == SIGBUS ? "BUS_ADRALN" : "(other si_code)",
		 map, (unsigned long)off, what, last.insn, (unsigned long)last.pc);
}

/* One access step: what fn() does with the fields. */
struct op {
	uint8_t *dst;
	const uint8_t *src;
	size_t len;
	int val;
	uint64_t v;
};

static void op_memcpy(struct op *o)
{
	memcpy(o->dst, o->src, o->len);
}

static void op_memset(struct op *o)
{
	memset(o->dst, o->val, o->len);
}

static void op_load8(struct op *o)
{
	__asm__ volatile("ldr %0, [%1]" : "=r"(o->v) : "r"(o->src) : "memory");
}

static void op_store8(struct op *o)
{
	__asm__ volatile("str %0, [%1]" : : "r"(o->v), "r"(o->dst) : "memory");
}

static void op_dc_zva(struct op *o)
{
	__asm__ volatile("dc zva, %0" : : "r"(o->dst) : "memory");
}

/*
 * Run one access step: 0 when it completed, 1 when it faulted. Either way a
 * "# realvmm:" line says which.
 */
static int step(const struct bar *b, const char *label, void (*fn)(struct op *), struct op *o)
{
	char why[200] = "completed";

	if (sigsetjmp(fault_jmp, 1) == 0) {
		armed = 1;
		fn(o);
		armed = 0;
		barrier_all();
	} else {
		describe_fault(b, why, sizeof(why));
	}
	printf("# realvmm: %s: %s: %s\n", case_name, label, why);
	return why[0] == 'f';
}

static void check(const char *label, size_t bad)
{
	printf("# realvmm: %s: %s: %zu bytes differ\n", case_name, label, bad);
}

/*
 * memcpy() of all but the first and last byte to @to + 1, then of all but
 * three bytes at each end from @to + 3; checked through @other. Returns
 * how many of the two copies faulted, or -1 when a completed one is wrong.
 */
static int copies(struct bar *b, uint8_t *to, uint8_t *other)
{
	size_t len = b->len, i, bad;
	uint8_t *src = malloc(len), *dst = malloc(len);
	int faults = 0, wrong = 0;
	struct op op;

	if (!src || !dst)
		return -1;
	for (i = 0; i < len; i++)
		src[i] = pattern(i, 0x33);
	fill(other, len, 0x5a);
	op = (struct op){ .dst = to + 1, .src = src + 1, .len = len - 2 };
	if (step(b, "memcpy() to offset 1, all but 2 bytes", op_memcpy, &op)) {
		faults++;
	} else {
		bad = differ(other, 1, src + 1, len - 2);
		bad += differ_val(other, 0, pattern(0, 0x5a), 1);
		bad += differ_val(other, len - 1, pattern(len - 1, 0x5a), 1);
		check("memcpy() to the BAR, read back through the other mapping", bad);
		wrong |= bad != 0;
	}
	fill(other, len, 0x33);		/* what the copy back must find */
	op = (struct op){ .dst = dst + 3, .src = to + 3, .len = len - 6 };
	if (step(b, "memcpy() from offset 3, all but 6 bytes", op_memcpy, &op)) {
		faults++;
	} else {
		bad = 0;
		for (i = 3; i < len - 3; i++)
			bad += dst[i] != src[i];
		check("memcpy() from the BAR", bad);
		wrong |= bad != 0;
	}
	free(src);
	free(dst);
	return wrong ? -1 : faults;
}

/* Unaligned 8-byte load and store; the same return values as copies(). */
static int unaligned(struct bar *b, uint8_t *to, uint8_t *other)
{
	struct op load = { .src = to + LOAD_OFF };
	struct op store = { .dst = to + STORE_OFF, .v = 0x0123456789abcdefULL };
	uint64_t want = 0;
	uint8_t bytes[8];
	int faults = 0, k, bad = 0;

	fill(other, b->len, 0x77);
	for (k = 7; k >= 0; k--)
		want = want << 8 | pattern(LOAD_OFF + k, 0x77);
	if (step(b, "unaligned 8-byte load", op_load8, &load)) {
		faults++;
	} else {
		bad = load.v != want;
		printf("# realvmm: %s: read %#llx, want %#llx\n", case_name,
		       (unsigned long long)load.v, (unsigned long long)want);
	}
	if (step(b, "unaligned 8-byte store", op_store8, &store)) {
		faults++;
		for (k = 0; k < 8; k++)
			bytes[k] = pattern(STORE_OFF + k, 0x77);
	} else {
		memcpy(bytes, &store.v, 8);
	}
	k = differ(other, STORE_OFF, bytes, 8);
	check(faults ? "bytes at the store, unchanged" : "bytes stored", k);
	return bad || k ? -1 : faults;
}

/* DC ZVA's block size in bytes, 0 when DC ZVA is prohibited (DCZID_EL0). */
static size_t zva_block(void)
{
	uint64_t dczid;

	__asm__("mrs %0, dczid_el0" : "=r"(dczid));
	printf("# realvmm: %s: DCZID_EL0 %#llx\n", case_name, (unsigned long long)dczid);
	return dczid & 0x10 ? 0 : 4u << (dczid & 0xf);
}

/*
 * One DC ZVA, then glibc's memset() of the whole BAR to 0 (which zeroes with
 * DC ZVA when it is allowed), then two memset()s with unaligned head and
 * tail. Returns how many of the unaligned ones faulted, or -1 when a
 * completed step left wrong bytes; *zva_faulted says whether one of the
 * zeroing steps faulted.
 */
static int user_memset(struct bar *b, uint8_t *to, uint8_t *other, int *zva_faulted)
{
	size_t len = b->len, bad, block = zva_block();
	struct op op = { .dst = to + 0x1000 };
	int faults = 0;

	*zva_faulted = 0;
	fill(other, len, 0x11);
	if (block)
		*zva_faulted = step(b, "dc zva at offset 0x1000", op_dc_zva, &op);
	if (block && !*zva_faulted) {
		bad = differ_val(other, 0x1000, 0, block);
		bad += differ_val(other, 0x1000 + block, pattern(0x1000 + block, 0x11), 1);
		check("zeroed by dc zva", bad);
		if (bad)
			return -1;
	}
	fill(other, len, 0x11);
	op = (struct op){ .dst = to, .len = len, .val = 0 };
	if (step(b, "memset() of the whole BAR to 0", op_memset, &op)) {
		*zva_faulted = 1;
	} else {
		bad = differ_val(other, 0, 0, len);
		check("zeroed", bad);
		if (bad)
			return -1;
	}
	fill(other, len, 0x11);
	op = (struct op){ .dst = to + 1, .len = len - 2, .val = 0x5a };
	if (step(b, "memset() to 0x5a at offset 1, all but 2 bytes", op_memset, &op)) {
		faults++;
	} else {
		bad = differ_val(other, 1, 0x5a, len - 2);
		bad += differ_val(other, 0, pattern(0, 0x11), 1);
		bad += differ_val(other, len - 1, pattern(len - 1, 0x11), 1);
		check("set to 0x5a", bad);
		if (bad)
			return -1;
	}
	op = (struct op){ .dst = to + 3, .len = len - 6, .val = 0 };
	if (step(b, "memset() to 0 at offset 3, all but 6 bytes", op_memset, &op)) {
		faults++;
	} else {
		bad = differ_val(other, 3, 0, len - 6);
		check("zeroed at offset 3", bad);
		if (bad)
			return -1;
	}
	return faults;
}

/* 0 when the case passed. */
static int run_user(struct bar *b)
{
	int r, zva;

	if (!strcmp(case_name, "user-wc-memcpy"))
		return copies(b, b->wc, b->dev) != 0;
	if (!strcmp(case_name, "user-dev-memcpy"))
		return copies(b, b->dev, b->wc) != 2;
	if (!strcmp(case_name, "user-wc-unaligned"))
		return unaligned(b, b->wc, b->dev) != 0;
	if (!strcmp(case_name, "user-dev-unaligned"))
		return unaligned(b, b->dev, b->wc) != 2;
	if (!strcmp(case_name, "user-wc-memset"))
		return user_memset(b, b->wc, b->dev, &zva) != 0 || zva;
	if (!strcmp(case_name, "user-dev-memset")) {
		r = user_memset(b, b->dev, b->wc, &zva);
		printf("# realvmm: %s: zeroing with DC ZVA on Device: %s\n", case_name,
		       zva ? "faults" : "completes (the architecture says it faults)");
		return r != 2;	/* both unaligned memset()s fault */
	}
	printf("# realvmm: unknown case '%s'\n", case_name);
	return 1;
}

static int run_kernel(void)
{
	char params[256];
	int fd, ret;

	fd = open("/bin/realvmm_wc.ko", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		printf("# realvmm: /bin/realvmm_wc.ko: %s\n", strerror(errno));
		return 1;
	}
	snprintf(params, sizeof(params), "case=%s vendor=%#x device=%#x bar=%d len=%zu",
		 case_name, want_vendor, want_device, bar_index, max_len);
	ret = syscall(SYS_finit_module, fd, params, 0);
	if (ret)
		printf("# realvmm: %s: finit_module: %s\n", case_name, strerror(errno));
	close(fd);
	if (!ret && syscall(SYS_delete_module, "realvmm_wc", O_NONBLOCK)) {
		printf("# realvmm: %s: delete_module: %s\n", case_name, strerror(errno));
		ret = -1;
	}
	return ret != 0;
}

static int read_hex(const char *dir, const char *file)
{
	char path[400], buf[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return (int)strtol(buf, NULL, 16);
}

/* Find the device, enable it, map its BAR both ways. */
static int open_bar(struct bar *b)
{
	struct dirent *d;
	struct stat st;
	char path[400];
	DIR *dp;
	int fd;

	b->dir[0] = '\0';
	dp = opendir("/sys/bus/pci/devices");
	while (dp && (d = readdir(dp))) {
		snprintf(b->dir, sizeof(b->dir), "/sys/bus/pci/devices/%s", d->d_name);
		if (read_hex(b->dir, "vendor") == (int)want_vendor &&
		    read_hex(b->dir, "device") == (int)want_device)
			break;
		b->dir[0] = '\0';
	}
	if (dp)
		closedir(dp);
	if (!b->dir[0]) {
		printf("# realvmm: no PCI device %04x:%04x\n", want_vendor, want_device);
		return -1;
	}
	snprintf(b->dev_name, sizeof(b->dev_name), "resource%d", bar_index);
	snprintf(b->wc_name, sizeof(b->wc_name), "resource%d_wc", bar_index);
	snprintf(path, sizeof(path), "%s/enable", b->dir);
	fd = open(path, O_WRONLY);
	if (fd < 0 || write(fd, "1", 1) != 1)
		printf("# realvmm: enable %s: %s\n", b->dir, strerror(errno));
	if (fd >= 0)
		close(fd);
	snprintf(path, sizeof(path), "%s/%s", b->dir, b->dev_name);
	fd = open(path, O_RDWR | O_SYNC);
	if (fd < 0 || fstat(fd, &st)) {
		printf("# realvmm: %s: %s\n", path, strerror(errno));
		return -1;
	}
	b->len = max_len && max_len < (size_t)st.st_size ? max_len : (size_t)st.st_size;
	b->dev = mmap(NULL, b->len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	snprintf(path, sizeof(path), "%s/%s", b->dir, b->wc_name);
	fd = open(path, O_RDWR | O_SYNC);
	if (fd < 0) {
		printf("# realvmm: %s: %s\n", path, strerror(errno));
		return -1;
	}
	b->wc = mmap(NULL, b->len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (b->dev == MAP_FAILED || b->wc == MAP_FAILED || b->len < 0x4000) {
		printf("# realvmm: mapping BAR %d of %s (%zu bytes) failed\n", bar_index, b->dir,
		       b->len);
		return -1;
	}
	printf("# realvmm: %s: BAR %d of %s, %zu bytes\n", case_name, bar_index,
	       strrchr(b->dir, '/') + 1, b->len);
	return 0;
}

/* Read the realvmm.* words of the kernel command line; 0 if it names a case. */
static int parse_cmdline(void)
{
	static char buf[1024];
	char *word, *save, *list = NULL;
	FILE *f = fopen("/proc/cmdline", "r");

	if (!f || !fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	if (f)
		fclose(f);
	for (word = strtok_r(buf, " \n", &save); word; word = strtok_r(NULL, " \n", &save)) {
		if (!strncmp(word, "realvmm.case=", 13))
			list = word + 13;
		else if (!strncmp(word, "realvmm.id=", 11) &&
			 sscanf(word + 11, "%x:%x", &want_vendor, &want_device) != 2)
			printf("# realvmm: %s is not realvmm.id=VENDOR:DEVICE\n", word);
		else if (!strncmp(word, "realvmm.bar=", 12))
			bar_index = atoi(word + 12);
		else if (!strncmp(word, "realvmm.len=", 12))
			max_len = strtoul(word + 12, NULL, 0);
	}
	for (word = list ? strtok_r(list, ",", &save) : NULL; word;
	     word = strtok_r(NULL, ",", &save)) {
		if (n_cases == MAX_CASES) {
			printf("# realvmm: more than %d cases\n", MAX_CASES);
			return -1;
		}
		cases[n_cases++] = word;
	}
	return n_cases ? 0 : -1;
}

static void close_bar(struct bar *b)
{
	if (b->wc != MAP_FAILED && b->wc)
		munmap(b->wc, b->len);
	if (b->dev != MAP_FAILED && b->dev)
		munmap(b->dev, b->len);
}

int main(void)
{
	struct sigaction sa = { .sa_sigaction = on_fault, .sa_flags = SA_SIGINFO };
	struct bar b;
	int failed, i;

	mkdir("/proc", 0755);
	mkdir("/sys", 0755);
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	/*
	 * The kernel boots with loglevel=5 (every console byte is slow under
	 * nested emulation); the module's findings are pr_info().
	 */
	klogctl(8, NULL, 7);	/* SYSLOG_ACTION_CONSOLE_LEVEL */
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);

	printf("TAP version 13\n");
	if (parse_cmdline()) {
		printf("1..1\n# realvmm: no usable realvmm.case= on the kernel command line\n");
		printf("not ok 1 none\n");
		n_cases = 0;	/* run none of a list that was too long */
	} else {
		printf("1..%d\n", n_cases);
	}
	for (i = 0; i < n_cases; i++) {
		case_name = cases[i];
		printf("# realvmm: running %s\n", case_name);
		if (!strncmp(case_name, "kern-", 5)) {
			failed = run_kernel();
		} else {
			b = (struct bar){ 0 };
			failed = open_bar(&b) || run_user(&b);
			close_bar(&b);
		}
		printf("%sok %d %s\n", failed ? "not " : "", i + 1, case_name);
	}
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	return 1;
}
