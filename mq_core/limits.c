// SPDX-License-Identifier: GPL-2.0
/*
 * mq_core: a disk's limits and features, and the gendisk allocation they
 * start from, through one API on every kernel.
 *
 * Kernels up to 6.8 set limits one field at a time (blk_queue_*()) and keep
 * the disk's features in queue flags; 6.9 allocates a disk with its limits
 * and changes them atomically (queue_limits_start_update / commit_update,
 * validated by the block layer); 6.11 moved the features (write cache, FUA,
 * rotational, nowait, I/O statistics, polling) into the limits.  Drivers
 * see only &struct mq_limits; which of those the running kernel has is
 * decided by the compat probes (mq_compat.h).
 */
#include <linux/blkdev.h>
#include <linux/log2.h>
#include <linux/module.h>
#include "mq.h"

/*
 * The gendisk of a new queue: bio-based, never sleeping for REQ_NOWAIT,
 * counted in diskstats, non-rotational and no entropy source until the
 * driver says otherwise (the same defaults on every kernel).
 */
struct gendisk *mq_compat_alloc_disk(int node)
{
	struct gendisk *disk;
#ifdef HAVE_BLK_ALLOC_DISK_LIMITS
	struct queue_limits lim = { };

#ifdef HAVE_BLK_FEATURES
	lim.features = BLK_FEAT_NOWAIT | BLK_FEAT_IO_STAT;
#endif
	disk = blk_alloc_disk(&lim, node);
	if (IS_ERR(disk))
		return NULL;
#else
	disk = blk_alloc_disk(node);
	if (!disk)
		return NULL;
#endif
#ifndef HAVE_BLK_FEATURES
	blk_queue_flag_set(QUEUE_FLAG_NOWAIT, disk->queue);
	blk_queue_flag_set(QUEUE_FLAG_IO_STAT, disk->queue);
	blk_queue_flag_set(QUEUE_FLAG_NONROT, disk->queue);
	blk_queue_flag_clear(QUEUE_FLAG_ADD_RANDOM, disk->queue);
#endif
	return disk;
}

/* Polled I/O on or off (io_poll in sysfs reads it). */
void mq_compat_set_poll(struct request_queue *kq, bool on)
{
#ifdef HAVE_BLK_FEATURES
	struct queue_limits lim;

	if (mq_compat_queue_poll(kq) == on)
		return;
	lim = queue_limits_start_update(kq);
	if (on)
		lim.features |= BLK_FEAT_POLL;
	else
		lim.features &= ~BLK_FEAT_POLL;
	if (queue_limits_commit_update(kq, &lim))
		pr_warn("mq_core: %s: cannot turn polling %s\n",
			kq->disk ? kq->disk->disk_name : "?",
			on ? "on" : "off");
#else
	if (on)
		blk_queue_flag_set(QUEUE_FLAG_POLL, kq);
	else
		blk_queue_flag_clear(QUEUE_FLAG_POLL, kq);
#endif
}

#ifdef HAVE_BLK_FEATURES
static const struct {
	unsigned int mq;
	blk_features_t blk;
} mq_feature_map[] = {
	{ MQ_LIM_WRITE_CACHE,	BLK_FEAT_WRITE_CACHE },
	{ MQ_LIM_FUA,		BLK_FEAT_FUA },
	{ MQ_LIM_ROTATIONAL,	BLK_FEAT_ROTATIONAL },
	{ MQ_LIM_ADD_RANDOM,	BLK_FEAT_ADD_RANDOM },
};
#endif

static unsigned int mq_get_features(struct request_queue *kq)
{
	unsigned int f = 0;
#ifdef HAVE_BLK_FEATURES
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(mq_feature_map); i++)
		if (kq->limits.features & mq_feature_map[i].blk)
			f |= mq_feature_map[i].mq;
#else
	if (test_bit(QUEUE_FLAG_WC, &kq->queue_flags))
		f |= MQ_LIM_WRITE_CACHE;
	if (test_bit(QUEUE_FLAG_FUA, &kq->queue_flags))
		f |= MQ_LIM_FUA;
	if (!test_bit(QUEUE_FLAG_NONROT, &kq->queue_flags))
		f |= MQ_LIM_ROTATIONAL;
	if (test_bit(QUEUE_FLAG_ADD_RANDOM, &kq->queue_flags))
		f |= MQ_LIM_ADD_RANDOM;
#endif
	return f;
}

/**
 * mq_get_limits - the current limits and features of a queue's disk
 * @q: the queue
 * @lim: filled in
 *
 * Context: process context.
 */
void mq_get_limits(struct mq_queue *q, struct mq_limits *lim)
{
	const struct queue_limits *kl = &q->disk->queue->limits;

	lim->logical_block_size = kl->logical_block_size;
	lim->physical_block_size = kl->physical_block_size;
	lim->io_min = kl->io_min;
	lim->io_opt = kl->io_opt;
	lim->alignment_offset = kl->alignment_offset;
	lim->max_hw_sectors = kl->max_hw_sectors;
	lim->max_segments = kl->max_segments;
	lim->max_segment_size = kl->max_segment_size;
	lim->seg_boundary_mask = kl->seg_boundary_mask;
	lim->virt_boundary_mask = kl->virt_boundary_mask;
	lim->dma_alignment = kl->dma_alignment;
	lim->max_discard_sectors = kl->max_hw_discard_sectors;
	lim->max_discard_segments = kl->max_discard_segments;
	lim->discard_granularity = kl->discard_granularity;
	lim->discard_alignment = kl->discard_alignment;
	lim->max_write_zeroes_sectors = kl->max_write_zeroes_sectors;
	lim->max_secure_erase_sectors = kl->max_secure_erase_sectors;
	lim->features = mq_get_features(q->disk->queue);
}
EXPORT_SYMBOL_GPL(mq_get_limits);

static int mq_check_limits(struct mq_queue *q, const struct mq_limits *lim)
{
	const char *bad = NULL;

	if (lim->logical_block_size < SECTOR_SIZE ||
	    lim->logical_block_size > PAGE_SIZE ||
	    !is_power_of_2(lim->logical_block_size))
		bad = "logical block size";
	else if (lim->physical_block_size < lim->logical_block_size ||
		 !is_power_of_2(lim->physical_block_size))
		bad = "physical block size";
	else if (lim->max_hw_sectors < PAGE_SIZE >> SECTOR_SHIFT)
		bad = "max_hw_sectors";
	else if (!lim->max_segments)
		bad = "max_segments";
	else if (lim->max_segment_size < PAGE_SIZE)
		bad = "max_segment_size";
	else if (lim->seg_boundary_mask < PAGE_SIZE - 1)
		bad = "segment boundary";
	else if (lim->virt_boundary_mask &&
		 (lim->virt_boundary_mask < SECTOR_SIZE - 1 ||
		  !is_power_of_2(lim->virt_boundary_mask + 1)))
		bad = "virtual boundary";
	else if (lim->features & ~(MQ_LIM_WRITE_CACHE | MQ_LIM_FUA |
				   MQ_LIM_ROTATIONAL | MQ_LIM_ADD_RANDOM))
		bad = "features";
	if (!bad)
		return 0;
	pr_err("mq_core: %s: invalid %s in new limits (lbs %u pbs %u max_hw_sectors %u segs %u seg_size %u features %#x)\n",
	       q->disk->disk_name, bad, lim->logical_block_size,
	       lim->physical_block_size, lim->max_hw_sectors,
	       lim->max_segments, lim->max_segment_size, lim->features);
	return -EINVAL;
}

/**
 * mq_set_limits - apply limits and features to a queue's disk
 * @q: the queue
 * @new: the complete set (start from mq_get_limits())
 *
 * A physical block size or minimum I/O size below the logical block size
 * is raised to it, and %MQ_LIM_FUA without %MQ_LIM_WRITE_CACHE is dropped, as the block layer
 * does.  Where the kernel commits limits atomically
 * (queue_limits_commit_update) the whole set is validated and applied as
 * one; elsewhere field by field.  Either way a set the core finds invalid
 * changes nothing.
 *
 * Context: process context, may sleep; before mq_add_disk() or live (the
 * caller keeps concurrent updates of one disk apart).
 * Return: 0, or -EINVAL (logged) for an invalid set.
 */
int mq_set_limits(struct mq_queue *q, const struct mq_limits *new)
{
	struct request_queue *kq = q->disk->queue;
	struct mq_limits adj = *new, *lim = &adj;
	unsigned int features = lim->features;
	int ret;

	/* As the block layer does: never below the logical block size. */
	lim->physical_block_size = max(lim->physical_block_size,
				       lim->logical_block_size);
	lim->io_min = max(lim->io_min, lim->physical_block_size);
	/* As the block layer: a virtual boundary lifts the segment size. */
	if (lim->virt_boundary_mask)
		lim->max_segment_size = UINT_MAX;
	ret = mq_check_limits(q, lim);
	if (ret)
		return ret;
	if (!(features & MQ_LIM_WRITE_CACHE))
		features &= ~MQ_LIM_FUA;
#ifdef HAVE_QUEUE_LIMITS_UPDATE
	{
		struct queue_limits kl = queue_limits_start_update(kq);
#ifdef HAVE_BLK_FEATURES
		unsigned int i;
#endif

		kl.logical_block_size = lim->logical_block_size;
		kl.physical_block_size = lim->physical_block_size;
		kl.io_min = lim->io_min;
		kl.io_opt = lim->io_opt;
		kl.alignment_offset = lim->alignment_offset;
		kl.max_hw_sectors = lim->max_hw_sectors;
		kl.max_segments = lim->max_segments;
		kl.max_segment_size = lim->max_segment_size;
		kl.seg_boundary_mask = lim->seg_boundary_mask;
		kl.virt_boundary_mask = lim->virt_boundary_mask;
		kl.dma_alignment = lim->dma_alignment;
		kl.max_hw_discard_sectors = lim->max_discard_sectors;
		kl.max_discard_segments = lim->max_discard_segments;
		kl.discard_granularity = lim->discard_granularity;
		kl.discard_alignment = lim->discard_alignment;
		kl.max_write_zeroes_sectors = lim->max_write_zeroes_sectors;
		kl.max_secure_erase_sectors = lim->max_secure_erase_sectors;
#ifdef HAVE_BLK_FEATURES
		for (i = 0; i < ARRAY_SIZE(mq_feature_map); i++) {
			if (features & mq_feature_map[i].mq)
				kl.features |= mq_feature_map[i].blk;
			else
				kl.features &= ~mq_feature_map[i].blk;
		}
#endif
		ret = queue_limits_commit_update(kq, &kl);
		if (ret) {
			pr_err("mq_core: %s: the block layer refused the new limits: %d\n",
			       q->disk->disk_name, ret);
			return ret;
		}
	}
#else
	blk_queue_logical_block_size(kq, lim->logical_block_size);
	blk_queue_physical_block_size(kq, lim->physical_block_size);
	blk_queue_io_min(kq, lim->io_min);
	blk_queue_io_opt(kq, lim->io_opt);
	blk_queue_alignment_offset(kq, lim->alignment_offset);
	blk_queue_max_hw_sectors(kq, lim->max_hw_sectors);
	blk_queue_max_segments(kq, min_t(u32, lim->max_segments, USHRT_MAX));
	/* Setting the segment size under a virtual boundary warns. */
	blk_queue_virt_boundary(kq, 0);
	blk_queue_max_segment_size(kq, lim->max_segment_size);
	blk_queue_segment_boundary(kq, lim->seg_boundary_mask);
	blk_queue_virt_boundary(kq, lim->virt_boundary_mask);
	blk_queue_dma_alignment(kq, lim->dma_alignment);
	blk_queue_max_discard_sectors(kq, lim->max_discard_sectors);
	blk_queue_max_discard_segments(kq, min_t(u32, lim->max_discard_segments,
						 USHRT_MAX));
	kq->limits.discard_granularity = lim->discard_granularity;
	kq->limits.discard_alignment = lim->discard_alignment;
	blk_queue_max_write_zeroes_sectors(kq, lim->max_write_zeroes_sectors);
	blk_queue_max_secure_erase_sectors(kq, lim->max_secure_erase_sectors);
#endif
#ifndef HAVE_BLK_FEATURES
	blk_queue_write_cache(kq, features & MQ_LIM_WRITE_CACHE,
			      features & MQ_LIM_FUA);
	if (features & MQ_LIM_ROTATIONAL)
		blk_queue_flag_clear(QUEUE_FLAG_NONROT, kq);
	else
		blk_queue_flag_set(QUEUE_FLAG_NONROT, kq);
	if (features & MQ_LIM_ADD_RANDOM)
		blk_queue_flag_set(QUEUE_FLAG_ADD_RANDOM, kq);
	else
		blk_queue_flag_clear(QUEUE_FLAG_ADD_RANDOM, kq);
#endif
	return 0;
}
EXPORT_SYMBOL_GPL(mq_set_limits);
