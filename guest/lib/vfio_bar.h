/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfio_bar: open a PCI device bound to vfio-pci and mmap one of its BARs,
 * for the harness's own programs (guest/s2bench.c, guest/soak.c,
 * guest/resetset.c).
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

/*
 * Open BDF's IOMMU group into *container: a new container, with the type1
 * IOMMU, when *container is -1. Returns the group's fd and, with group_id,
 * its number; exits on failure.
 */
int vfio_group_open(const char *bdf, int *container, int *group_id);
/*
 * Open BDF through its IOMMU group, look up BAR and enable memory
 * decoding; exits on failure.
 */
void vfio_bar_open(struct vfio_bar *b, const char *bdf, int bar);
/* The same for BDF in a group vfio_group_open() opened. */
void vfio_bar_from_group(struct vfio_bar *b, int group, const char *bdf, int bar);
/* Set or clear PCI_COMMAND_MEMORY through vfio's config space region. */
void vfio_bar_memory(struct vfio_bar *b, bool enable);
/* mmap len bytes of the BAR, shared and read-write. */
void *vfio_bar_mmap(struct vfio_bar *b, size_t len);

#endif
