// SPDX-License-Identifier: GPL-2.0
/* HAVE_BLK_ALLOC_DISK_LIMITS: blk_alloc_disk(struct queue_limits *, node) (6.9) */
#include <linux/blkdev.h>

struct gendisk *t(struct queue_limits *lim);
struct gendisk *t(struct queue_limits *lim)
{
	struct gendisk *d = blk_alloc_disk(lim, NUMA_NO_NODE);

	return IS_ERR(d) ? NULL : d;
}
