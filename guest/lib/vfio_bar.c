// SPDX-License-Identifier: GPL-2.0
/* vfio_bar: see vfio_bar.h. Plain VFIO type1 container, no KVM involved. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "vfio_bar.h"

static void fail(const char *what, const char *detail)
{
	fprintf(stderr, "vfio_bar: %s: %s\n", what, detail);
	exit(1);
}

int vfio_group_open(const char *bdf, int *container, int *group_id)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char path[PATH_MAX], link[PATH_MAX];
	bool first = *container < 0;
	int group;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		fail(bdf, "no IOMMU group (is it bound to vfio-pci?)");
	link[n] = '\0';
	if (group_id)
		*group_id = atoi(basename(link));
	if (first)
		*container = open("/dev/vfio/vfio", O_RDWR);
	if (*container < 0)
		fail("/dev/vfio/vfio", strerror(errno));
	snprintf(path, sizeof(path), "/dev/vfio/%s", basename(link));
	group = open(path, O_RDWR);
	if (group < 0)
		fail(path, strerror(errno));
	if (ioctl(group, VFIO_GROUP_GET_STATUS, &status) ||
	    !(status.flags & VFIO_GROUP_FLAGS_VIABLE))
		fail(path, "IOMMU group not viable");
	if (ioctl(group, VFIO_GROUP_SET_CONTAINER, container) ||
	    (first && ioctl(*container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU)))
		fail("VFIO container", strerror(errno));
	return group;
}

void vfio_bar_open(struct vfio_bar *b, const char *bdf, int bar)
{
	int container = -1;

	vfio_bar_from_group(b, vfio_group_open(bdf, &container, NULL), bdf, bar);
}

void vfio_bar_from_group(struct vfio_bar *b, int group, const char *bdf, int bar)
{
	struct vfio_region_info ri = { .argsz = sizeof(ri) };

	b->device = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, bdf);
	if (b->device < 0)
		fail(bdf, strerror(errno));

	ri.index = VFIO_PCI_CONFIG_REGION_INDEX;
	if (ioctl(b->device, VFIO_DEVICE_GET_REGION_INFO, &ri))
		fail("config region", strerror(errno));
	b->cfg = ri.offset;
	ri.index = VFIO_PCI_BAR0_REGION_INDEX + bar;
	if (ioctl(b->device, VFIO_DEVICE_GET_REGION_INFO, &ri) || !ri.size ||
	    !(ri.flags & VFIO_REGION_INFO_FLAG_MMAP))
		fail(bdf, "the BAR is absent or cannot be mmap'd");
	b->offset = ri.offset;
	b->size = ri.size;
	vfio_bar_memory(b, true);
}

void vfio_bar_memory(struct vfio_bar *b, bool enable)
{
	unsigned short cmd;

	if (pread(b->device, &cmd, 2, b->cfg + PCI_COMMAND) != 2)
		fail("read PCI_COMMAND", strerror(errno));
	cmd = enable ? cmd | PCI_COMMAND_MEMORY : cmd & ~PCI_COMMAND_MEMORY;
	if (pwrite(b->device, &cmd, 2, b->cfg + PCI_COMMAND) != 2)
		fail("write PCI_COMMAND", strerror(errno));
}

void *vfio_bar_mmap(struct vfio_bar *b, size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, b->device, b->offset);

	if (p == MAP_FAILED)
		fail("mmap of the BAR", strerror(errno));
	return p;
}
