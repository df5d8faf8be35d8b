// SPDX-License-Identifier: GPL-2.0
/*
 * resetset: a hot reset revokes the BAR mappings of every device it resets,
 * not only those of the device whose fd asked for it.
 *
 *   resetset -v BDF -p BDF [-b BAR]
 *
 * The two devices are functions of one slot behind a PCIe root port, both
 * bound to vfio-pci: one reset (the port's secondary bus reset) and so one
 * vfio "device set", whose hot reset must be given the IOMMU groups of
 * both. The test maps BAR (default 2) of each through its own device fd
 * and touches it, then asks for VFIO_DEVICE_PCI_HOT_RESET through one of
 * them, then through the other.
 * A reset ends with memory enabled, so revocation shows as a page fault:
 * the next access to a mapping that was revoked takes exactly one
 * (vfio-pci maps the whole VMA again), one to a mapping that survived
 * takes none.
 *
 * KTAP on stdout, "name (detail)"; judged by harness/judge/resetset.py. Not
 * part of the series: the series' vfio_bar_revoke runs its own hot reset
 * on another device. Opens the groups with guest/lib/vfio_bar.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <linux/vfio.h>

#include "vfio_bar.h"

#define NR_DEV	2
#define NR_TESTS	7

struct dev {
	const char *bdf;
	int group, id;		/* its IOMMU group's fd and number */
	struct vfio_bar vb;	/* its device fd and BAR */
	void *map;		/* the first page of the BAR */
};

static int container = -1, passed, failed;

static void result(bool ok, int nr, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d ", ok ? "" : "not ", nr);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	ok ? passed++ : failed++;
}

/* The device in its group, memory decoding on, a page of its BAR mapped. */
static void open_dev(struct dev *d, int bar)
{
	d->group = vfio_group_open(d->bdf, &container, &d->id);
	vfio_bar_from_group(&d->vb, d->group, d->bdf, bar);
	d->map = vfio_bar_mmap(&d->vb, getpagesize());
}

/* The page faults one read of the mapping takes. */
static long faults(struct dev *d)
{
	struct rusage a, b;

	getrusage(RUSAGE_SELF, &a);
	(void)*(volatile uint32_t *)d->map;
	getrusage(RUSAGE_SELF, &b);
	return (b.ru_minflt + b.ru_majflt) - (a.ru_minflt + a.ru_majflt);
}

/* A hot reset through d's fd, given the groups of both devices. */
static int hot_reset(struct dev *d, struct dev *all)
{
	struct {
		struct vfio_pci_hot_reset reset;
		int32_t fd[NR_DEV];
	} r = { .reset.argsz = sizeof(r), .reset.count = NR_DEV,
		.fd = { all[0].group, all[1].group } };

	return ioctl(d->vb.device, VFIO_DEVICE_PCI_HOT_RESET, &r) ? -errno : 0;
}

/* Whether the hot reset of d affects both devices, and nothing else. */
static bool reset_set(struct dev *d, struct dev *all, char *why, size_t len)
{
	struct {
		struct vfio_pci_hot_reset_info info;
		struct vfio_pci_dependent_device dev[8];
	} info = { .info.argsz = sizeof(info) };
	unsigned int i, seen = 0, bus, slot, fn, dom;
	int k;

	if (ioctl(d->vb.device, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, &info)) {
		snprintf(why, len, "VFIO_DEVICE_GET_PCI_HOT_RESET_INFO: %s", strerror(errno));
		return false;
	}
	for (i = 0; i < info.info.count; i++) {
		for (k = 0; k < NR_DEV; k++) {
			if (sscanf(all[k].bdf, "%x:%x:%x.%x", &dom, &bus, &slot, &fn) == 4 &&
			    info.dev[i].segment == dom && info.dev[i].bus == bus &&
			    info.dev[i].devfn == (slot << 3 | fn) &&
			    info.dev[i].group_id == (unsigned int)all[k].id)
				seen |= 1u << k;
		}
	}
	snprintf(why, len, "%u devices in the reset, groups %d and %d", info.info.count,
		 all[0].id, all[1].id);
	return seen == (1u << NR_DEV) - 1 && info.info.count == NR_DEV;
}

int main(int argc, char *argv[])
{
	struct dev d[NR_DEV] = { { .bdf = NULL }, { .bdf = NULL } };
	int opt, bar = 2, k, by, err;
	char why[128];
	long n[NR_DEV];
	bool ok;

	while ((opt = getopt(argc, argv, "v:p:b:")) != -1) {
		switch (opt) {
		case 'v':
			d[0].bdf = optarg;
			break;
		case 'p':
			d[1].bdf = optarg;
			break;
		case 'b':
			bar = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: resetset -v BDF -p BDF [-b BAR]\n");
			return 2;
		}
	}
	if (!d[0].bdf || !d[1].bdf || bar < 0 || bar > 5) {
		fprintf(stderr, "usage: resetset -v BDF -p BDF [-b BAR]\n");
		return 2;
	}
	printf("TAP version 13\n1..%d\n", NR_TESTS);
	for (k = 0; k < NR_DEV; k++)
		open_dev(&d[k], bar);

	ok = reset_set(&d[0], d, why, sizeof(why));
	result(ok, 1, "the hot reset of the first function resets both, and only them (%s)", why);
	for (k = 0; k < NR_DEV; k++)
		faults(&d[k]);
	for (k = 0; k < NR_DEV; k++)
		n[k] = faults(&d[k]);
	result(!n[0] && !n[1], 2, "before a reset, the mapping of each function takes no page fault (%ld, %ld)",
	       n[0], n[1]);

	/* 3-7: through the first function's fd, then through the second's. */
	for (by = 0; by < NR_DEV; by++) {
		err = hot_reset(&d[by], d);
		for (k = 0; k < NR_DEV; k++)
			n[k] = err ? -1 : faults(&d[k]);
		for (k = 0; k < NR_DEV; k++) {
			if (err)
				snprintf(why, sizeof(why), "VFIO_DEVICE_PCI_HOT_RESET: %s", strerror(-err));
			else
				snprintf(why, sizeof(why), "%ld page faults on the next access", n[k]);
			result(!err && n[k] == 1, 3 + 2 * by + k,
			       "a hot reset through function %d revokes the mapping of function %d (%s)",
			       by, k, why);
		}
	}
	for (k = 0; k < NR_DEV; k++)
		n[k] = faults(&d[k]);
	result(!n[0] && !n[1], 7, "after the resets, the mappings stay mapped (%ld, %ld page faults)",
	       n[0], n[1]);
	printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:0 error:0\n", passed, failed);
	return failed ? 1 : 0;
}
