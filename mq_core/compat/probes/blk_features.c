// SPDX-License-Identifier: GPL-2.0
/* HAVE_BLK_FEATURES: queue_limits.features, BLK_FEAT_* instead of queue flags (6.11) */
#include <linux/blkdev.h>

void t(struct queue_limits *lim);
void t(struct queue_limits *lim)
{
	lim->features |= BLK_FEAT_NOWAIT | BLK_FEAT_IO_STAT | BLK_FEAT_POLL |
			 BLK_FEAT_WRITE_CACHE | BLK_FEAT_FUA |
			 BLK_FEAT_ROTATIONAL | BLK_FEAT_ADD_RANDOM;
}
