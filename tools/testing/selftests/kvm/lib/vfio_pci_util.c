// SPDX-License-Identifier: GPL-2.0-only
/*
 * A PCI device bound to vfio-pci, for tests that map its BARs into guests.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "test_util.h"
#include "vfio_pci_util.h"

const char *vfio_pci_open(struct vfio_pci_dev *dev, const char *bdf)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	struct vfio_device_info info = { .argsz = sizeof(info) };
	struct vfio_region_info cfg = { .argsz = sizeof(cfg) };
	char path[PATH_MAX], link[PATH_MAX];
	ssize_t n;

	memset(dev, 0, sizeof(*dev));
	dev->bdf = bdf;
	if (!bdf || !*bdf)
		return "no vfio-pci device given";

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return "device not bound to vfio-pci";
	link[n] = '\0';
	if (strcmp(basename(link), "vfio-pci"))
		return "device not bound to vfio-pci";

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return "device has no IOMMU group";
	link[n] = '\0';
	dev->group_id = atoi(basename(link));

	dev->container = open("/dev/vfio/vfio", O_RDWR);
	if (dev->container < 0)
		return "no /dev/vfio/vfio";
	TEST_ASSERT(ioctl(dev->container, VFIO_GET_API_VERSION) == VFIO_API_VERSION,
		    "unknown VFIO API version");
	if (ioctl(dev->container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) != 1)
		return "no VFIO type1v2 IOMMU";

	snprintf(path, sizeof(path), "/dev/vfio/%d", dev->group_id);
	dev->group = open(path, O_RDWR);
	TEST_ASSERT(dev->group >= 0, "open %s: %s", path, strerror(errno));
	TEST_ASSERT(!ioctl(dev->group, VFIO_GROUP_GET_STATUS, &status),
		    "VFIO_GROUP_GET_STATUS: %s", strerror(errno));
	TEST_ASSERT(status.flags & VFIO_GROUP_FLAGS_VIABLE,
		    "IOMMU group %d is not viable: bind all its devices to vfio-pci",
		    dev->group_id);
	TEST_ASSERT(!ioctl(dev->group, VFIO_GROUP_SET_CONTAINER, &dev->container),
		    "VFIO_GROUP_SET_CONTAINER: %s", strerror(errno));
	TEST_ASSERT(!ioctl(dev->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU),
		    "VFIO_SET_IOMMU: %s", strerror(errno));
	dev->fd = ioctl(dev->group, VFIO_GROUP_GET_DEVICE_FD, bdf);
	TEST_ASSERT(dev->fd >= 0, "VFIO_GROUP_GET_DEVICE_FD %s: %s", bdf, strerror(errno));

	TEST_ASSERT(!ioctl(dev->fd, VFIO_DEVICE_GET_INFO, &info),
		    "VFIO_DEVICE_GET_INFO: %s", strerror(errno));
	dev->flags = info.flags;
	cfg.index = VFIO_PCI_CONFIG_REGION_INDEX;
	TEST_ASSERT(!ioctl(dev->fd, VFIO_DEVICE_GET_REGION_INFO, &cfg),
		    "VFIO_DEVICE_GET_REGION_INFO config: %s", strerror(errno));
	dev->cfg_offset = cfg.offset;
	return NULL;
}

void vfio_pci_bar_info(struct vfio_pci_dev *dev, int bar, struct vfio_pci_bar *b)
{
	struct vfio_region_info ri = { .argsz = sizeof(ri) };

	ri.index = VFIO_PCI_BAR0_REGION_INDEX + bar;
	TEST_ASSERT(!ioctl(dev->fd, VFIO_DEVICE_GET_REGION_INFO, &ri),
		    "VFIO_DEVICE_GET_REGION_INFO BAR %d: %s", bar, strerror(errno));
	TEST_ASSERT(ri.size && (ri.flags & VFIO_REGION_INFO_FLAG_MMAP),
		    "%s BAR %d is absent or cannot be mmap'd", dev->bdf, bar);
	b->offset = ri.offset;
	b->size = ri.size;
}

void vfio_pci_memory_enable(struct vfio_pci_dev *dev, bool enable)
{
	uint16_t cmd;

	TEST_ASSERT(pread(dev->fd, &cmd, sizeof(cmd), dev->cfg_offset + PCI_COMMAND) ==
		    sizeof(cmd), "read PCI_COMMAND: %s", strerror(errno));
	if (enable)
		cmd |= PCI_COMMAND_MEMORY;
	else
		cmd &= ~PCI_COMMAND_MEMORY;
	TEST_ASSERT(pwrite(dev->fd, &cmd, sizeof(cmd), dev->cfg_offset + PCI_COMMAND) ==
		    sizeof(cmd), "write PCI_COMMAND: %s", strerror(errno));
}
