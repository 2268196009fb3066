/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mq_nbd_shim.h - what makes the converted nbd (mq_nbd/cocci) a driver of
 * its own beside the stock nbd: a dynamic block major, its own name for
 * the block major, debugfs and the generic netlink family.  Included by
 * the generated nbd.c (20-identity.cocci).
 */
#ifndef _MQ_NBD_SHIM_H
#define _MQ_NBD_SHIM_H

#include <linux/blkdev.h>
#include <linux/fs.h>
#include <linux/log2.h>
#include "mq_compat.h"

#define MQ_NBD_NAME			"mq_nbd"
/* nbd-client's netlink mode knows only "nbd": tools/mq-nbd-ctl uses ours. */
#define MQ_NBD_GENL_FAMILY_NAME		"mq_nbd"

/* The block major register_blkdev(0, ...) gave us. */
static int mq_nbd_major;

/* register_blkdev(NBD_MAJOR, "nbd") with a dynamic major: 0 or an errno. */
static inline int mq_nbd_register_blkdev(void)
{
	int major = register_blkdev(0, MQ_NBD_NAME);

	if (major < 0)
		return major;
	mq_nbd_major = major;
	return 0;
}

/*
 * nbd's send path returns a blk_status_t or an errno in one int
 * (40-sparse.cocci): the same bits, typed for sparse.
 */
static inline int mq_nbd_sts_to_int(blk_status_t sts)
{
	return (__force int)sts;
}

static inline blk_status_t mq_nbd_int_to_sts(int v)
{
	return (__force blk_status_t)v;
}

/*
 * 6.6 removed __invalidate_device(); nbd's NBD_CLEAR_SOCK calls
 * disk_force_media_change(disk) since (it drops the page cache and asks
 * for a partition rescan).
 */
#ifndef HAVE_INVALIDATE_DEVICE
static inline int mq_nbd_invalidate_device(struct block_device *bdev,
					   bool kill_dirty)
{
	disk_force_media_change(bdev->bd_disk);
	return 0;
}

#define __invalidate_device mq_nbd_invalidate_device
#endif

/* Kernels without blk_validate_block_size(): mq_core's limits' rule. */
#ifndef HAVE_BLK_VALIDATE_BLOCK_SIZE
static inline int blk_validate_block_size(unsigned long bsize)
{
	if (bsize < SECTOR_SIZE || bsize > PAGE_SIZE || !is_power_of_2(bsize))
		return -EINVAL;
	return 0;
}
#endif

#endif /* _MQ_NBD_SHIM_H */
