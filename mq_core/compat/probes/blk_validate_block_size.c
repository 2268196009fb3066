// SPDX-License-Identifier: GPL-2.0
/* HAVE_BLK_VALIDATE_BLOCK_SIZE: blk_validate_block_size(bsize) (mq_nbd) */
#include <linux/blkdev.h>

int t_validate(unsigned long bsize)
{
	return blk_validate_block_size(bsize);
}
