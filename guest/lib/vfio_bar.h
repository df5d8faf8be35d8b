/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfio_bar: open a PCI device bound to vfio-pci and mmap one of its BARs,
 * for the harness's own programs (guest/s2bench.c, guest/soak.c).
 */
#ifndef VFIO_BAR_H
#define VFIO_BAR_H

#include <stdbool.h>
#include <stddef.h>

struct vfio_bar {
	int device;		/* the vfio device fd */
	unsigned long long offset;	/* of the BAR region in it */
	unsigned long long size;	/* of the BAR */
	unsigned long long cfg;	/* offset of the config space region */
};

/* Open BDF through its IOMMU group and look up BAR; exits on failure. */
void vfio_bar_open(struct vfio_bar *b, const char *bdf, int bar);
/* Set or clear PCI_COMMAND_MEMORY through vfio's config space region. */
void vfio_bar_memory(struct vfio_bar *b, bool enable);
/* mmap len bytes of the BAR, shared and read-write. */
void *vfio_bar_mmap(struct vfio_bar *b, size_t len);

#endif
