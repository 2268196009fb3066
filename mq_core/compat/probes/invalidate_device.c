// SPDX-License-Identifier: GPL-2.0
/* HAVE_INVALIDATE_DEVICE: __invalidate_device(bdev, kill_dirty) (gone in 6.6; mq_nbd) */
#include <linux/blkdev.h>
#include <linux/fs.h>

int t_invalidate(struct block_device *bdev)
{
	return __invalidate_device(bdev, true);
}
