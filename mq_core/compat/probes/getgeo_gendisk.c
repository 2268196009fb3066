// SPDX-License-Identifier: GPL-2.0
/* HAVE_GETGEO_GENDISK: block_device_operations getgeo(gendisk, hd_geometry) */
#include <linux/blkdev.h>

static int t_getgeo(struct gendisk *disk, struct hd_geometry *geo) { return 0; }
const struct block_device_operations t_fops = { .getgeo = t_getgeo };
