// SPDX-License-Identifier: GPL-2.0
/* HAVE_GENDISK_QUEUE_KOBJ: the queue/ directory is gendisk.queue_kobj (6.9) */
#include <linux/blkdev.h>

struct kobject *k(struct gendisk *disk);
struct kobject *k(struct gendisk *disk)
{
	return &disk->queue_kobj;
}
