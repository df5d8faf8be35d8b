/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A PCI device bound to vfio-pci, opened through its IOMMU group in a
 * type1v2 container, for tests that map its BARs into guests.
 */
#ifndef SELFTEST_KVM_VFIO_PCI_UTIL_H
#define SELFTEST_KVM_VFIO_PCI_UTIL_H

#include <stdbool.h>
#include <stdint.h>

struct vfio_pci_dev {
	const char *bdf;
	int container;
	int group;
	int group_id;
	int fd;			/* the device fd */
	uint32_t flags;		/* VFIO_DEVICE_GET_INFO flags */
	uint64_t cfg_offset;	/* of the config space region in fd */
};

struct vfio_pci_bar {
	uint64_t offset;	/* of the BAR's region in the device fd */
	uint64_t size;
};

/*
 * Open the device at @bdf. Returns NULL on success, or why the device
 * cannot be used (not bound to vfio-pci, no IOMMU group, no VFIO, no
 * type1v2 IOMMU), for the caller to skip on; fails the test on anything
 * else.
 */
const char *vfio_pci_open(struct vfio_pci_dev *dev, const char *bdf);

/* Look up BAR @bar, which must exist and be mmap-able. */
void vfio_pci_bar_info(struct vfio_pci_dev *dev, int bar, struct vfio_pci_bar *b);

/* Set or clear PCI_COMMAND_MEMORY through the config space region. */
void vfio_pci_memory_enable(struct vfio_pci_dev *dev, bool enable);

#endif /* SELFTEST_KVM_VFIO_PCI_UTIL_H */
