// SPDX-License-Identifier: GPL-2.0
/* HAVE_BLK_MODE_T: open(gendisk, blk_mode_t), release(gendisk) in block_device_operations (6.5) */
#include <linux/blkdev.h>

static int t_open(struct gendisk *disk, blk_mode_t mode)
{
	return 0;
}

static void t_release(struct gendisk *disk)
{
}

static int t_ioctl(struct block_device *b, blk_mode_t m, unsigned int c,
		   unsigned long a)
{
	return 0;
}

const struct block_device_operations t_fops = {
	.open = t_open, .release = t_release, .ioctl = t_ioctl,
};
