// SPDX-License-Identifier: GPL-2.0
/*
 * realvmm_wc: the kernel half of the real-stack test. The nested guest's
 * init (guest/realvmm-init.c) loads it with finit_module(2) and
 * "case=NAME"; it runs that one case on a memory BAR of the PCI device the
 * VMM passed through (by default BAR 2 of the ivshmem device, 1af4:1110:
 * see the parameters) and fails to load (-EIO) when the case fails. The
 * BAR is mapped twice, write-combining (pci_iomap_wc(): Normal-NC at stage
 * 1) and plain (pci_iomap(): Device-nGnRE), and what is written through one
 * is read back through the other, a byte at a time.
 *
 *   kern-wc-memcpy      memcpy_toio() / memcpy_fromio() over the whole BAR
 *   kern-dev-memcpy     at unaligned offsets, through either mapping
 *   kern-wc-unaligned   one unaligned 8-byte load and one store through
 *   kern-dev-unaligned  either mapping, done with an exception table entry
 *                       (__get_kernel_nofault()): on Device they must fault
 *                       and be fixed up, on Normal-NC complete
 *
 * arm64's memcpy_toio() and memcpy_fromio() access the I/O side in bytes
 * until it is 8-byte aligned, then in aligned 8-byte words: they never make
 * an unaligned access, so the memcpy cases complete on Device and on the
 * base as well. Only the unaligned cases can tell the memory types apart.
 */
#include <linux/io.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#define LOAD_OFF	0x1001	/* where the unaligned load reads */
#define STORE_OFF	0x2003	/* where the unaligned store writes */

static char *test_case = "";
module_param_named(case, test_case, charp, 0444);
MODULE_PARM_DESC(case, "the one case to run");
static ushort vendor = 0x1af4;
module_param(vendor, ushort, 0444);
MODULE_PARM_DESC(vendor, "PCI vendor ID of the device (default: ivshmem's)");
static ushort device = 0x1110;
module_param(device, ushort, 0444);
MODULE_PARM_DESC(device, "PCI device ID of the device (default: ivshmem's)");
static int bar = 2;
module_param(bar, int, 0444);
MODULE_PARM_DESC(bar, "its memory BAR, which must be plain memory (default 2)");
static ulong len;
module_param(len, ulong, 0444);
MODULE_PARM_DESC(len, "use at most this many bytes of the BAR (default 0: all of it)");

struct bar {
	void __iomem *wc;	/* pci_iomap_wc(): Normal-NC */
	void __iomem *dev;	/* pci_iomap(): Device-nGnRE */
	size_t len;
};

static u8 pattern(size_t i, u8 seed)
{
	return (u8)(i * 131 + (i >> 9) + seed);
}

/* Fill the BAR through @to with pattern(seed), one aligned word at a time. */
static void fill(void __iomem *to, size_t len, u8 seed)
{
	size_t i, k;

	for (i = 0; i < len; i += 8) {
		u64 w = 0;

		for (k = 0; k < 8; k++)
			w |= (u64)pattern(i + k, seed) << (8 * k);
		writeq(w, to + i);
	}
	wmb();	/* the pattern is in place before the other mapping reads it */
}

/* Bytes of [off, off + n) of the BAR read through @from that differ from @want. */
static size_t differ(void __iomem *from, size_t off, const u8 *want, size_t n)
{
	size_t i, bad = 0;

	for (i = 0; i < n; i++)
		bad += readb(from + off + i) != want[i];
	return bad;
}

/*
 * memcpy_toio() to @io + 1 of all but the first and last byte, then
 * memcpy_fromio() of all but three bytes at each end from @io + 3;
 * check both through @other.
 */
static int copy_case(const char *name, void __iomem *io, void __iomem *other, size_t len)
{
	size_t n = len - 2, bad_to, bad_from;
	u8 *src, *dst;
	int ret = -ENOMEM;

	src = vmalloc(len);
	dst = vmalloc(len);
	if (!src || !dst)
		goto out;
	fill(other, len, 0x5a);
	for (n = 0; n < len; n++)
		src[n] = pattern(n, 0x33);
	n = len - 2;
	memcpy_toio(io + 1, src + 1, n);
	wmb();	/* what was written through one mapping, before reading the other */
	bad_to = differ(other, 1, src + 1, n);
	bad_to += readb(other) != pattern(0, 0x5a);
	bad_to += readb(other + len - 1) != pattern(len - 1, 0x5a);
	memcpy_fromio(dst + 3, io + 3, len - 6);
	bad_from = memcmp(dst + 3, src + 3, len - 6) ? 1 : 0;
	pr_info("realvmm_wc: %s: memcpy_toio() of %zu bytes at offset 1: %zu bytes differ; memcpy_fromio() of %zu bytes at offset 3: %s\n",
		name, n, bad_to, len - 6, bad_from ? "differs" : "same");
	ret = bad_to || bad_from ? -EIO : 0;
out:
	vfree(src);
	vfree(dst);
	return ret;
}

static int load_u64(void __iomem *p, u64 *v)
{
	__get_kernel_nofault(v, p, u64, fault);
	return 0;
fault:
	return -EFAULT;
}

static int store_u64(void __iomem *p, u64 v)
{
	__put_kernel_nofault(p, &v, u64, fault);
	return 0;
fault:
	return -EFAULT;
}

/*
 * An unaligned 8-byte load and store through @io: on Normal-NC (@fault
 * false) both must complete with the right bytes, on Device both must fault
 * and be fixed up through the exception table.
 */
static int unaligned_case(const char *name, void __iomem *io, void __iomem *other,
			  size_t len, bool fault)
{
	u64 want = 0, got = 0, v = 0x0123456789abcdefULL;
	int err_load, err_store, k, bad = 0;
	u8 bytes[8];

	fill(other, len, 0x77);
	for (k = 7; k >= 0; k--)
		want = want << 8 | pattern(LOAD_OFF + k, 0x77);
	err_load = load_u64(io + LOAD_OFF, &got);
	pr_info("realvmm_wc: %s: unaligned 8-byte load at offset %#x: %s (read %#llx, want %#llx)\n",
		name, LOAD_OFF, err_load ? "faulted, fixed up" : "completed", got, want);
	err_store = store_u64(io + STORE_OFF, v);
	wmb();	/* the store, before the other mapping reads it back */
	for (k = 0; k < 8; k++)
		bytes[k] = fault ? pattern(STORE_OFF + k, 0x77) : (u8)(v >> (8 * k));
	bad = differ(other, STORE_OFF, bytes, 8);
	pr_info("realvmm_wc: %s: unaligned 8-byte store at offset %#x: %s (%d bytes differ from %s)\n",
		name, STORE_OFF, err_store ? "faulted, fixed up" : "completed", bad,
		fault ? "what was there" : "the value stored");
	if (fault)
		return err_load && err_store && !bad ? 0 : -EIO;
	return !err_load && !err_store && got == want && !bad ? 0 : -EIO;
}

static int run_case(const char *name, struct bar *b)
{
	if (!strcmp(name, "kern-wc-memcpy"))
		return copy_case(name, b->wc, b->dev, b->len);
	if (!strcmp(name, "kern-dev-memcpy"))
		return copy_case(name, b->dev, b->wc, b->len);
	if (!strcmp(name, "kern-wc-unaligned"))
		return unaligned_case(name, b->wc, b->dev, b->len, false);
	if (!strcmp(name, "kern-dev-unaligned"))
		return unaligned_case(name, b->dev, b->wc, b->len, true);
	pr_err("realvmm_wc: unknown case '%s'\n", name);
	return -EINVAL;
}

static int __init realvmm_wc_init(void)
{
	struct pci_dev *pdev;
	struct bar b = {};
	int ret;

	if (bar < 0 || bar >= PCI_STD_NUM_BARS)
		return -EINVAL;
	pdev = pci_get_device(vendor, device, NULL);
	if (!pdev) {
		pr_err("realvmm_wc: no PCI device %04x:%04x\n", vendor, device);
		return -ENODEV;
	}
	ret = pci_enable_device_mem(pdev);
	if (ret)
		goto put;
	ret = pci_request_region(pdev, bar, "realvmm_wc");
	if (ret)
		goto disable;
	b.len = pci_resource_len(pdev, bar);
	if (len && len < b.len)
		b.len = len;
	b.wc = pci_iomap_wc(pdev, bar, b.len);
	b.dev = pci_iomap(pdev, bar, b.len);
	if (!b.wc || !b.dev || b.len < 0x4000) {
		ret = -ENOMEM;
		goto unmap;
	}
	pr_info("realvmm_wc: %s: BAR %d of %s, %zu bytes\n", test_case, bar,
		pci_name(pdev), b.len);
	ret = run_case(test_case, &b);
unmap:
	if (b.wc)
		pci_iounmap(pdev, b.wc);
	if (b.dev)
		pci_iounmap(pdev, b.dev);
	pci_release_region(pdev, bar);
disable:
	pci_disable_device(pdev);
put:
	pci_dev_put(pdev);
	return ret;
}
module_init(realvmm_wc_init);

/* Nothing to undo; it lets the next case of the same L2 boot load it again. */
static void __exit realvmm_wc_exit(void)
{
}
module_exit(realvmm_wc_exit);

MODULE_DESCRIPTION("Write-combining PCI BAR accesses for the real-stack test");
MODULE_LICENSE("GPL");
