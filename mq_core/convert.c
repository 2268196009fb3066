// SPDX-License-Identifier: GPL-2.0
/*
 * mq_core: helpers for drivers converted from blk-mq (mq_convert.h).
 *
 * Each is a thin mapping of one blk-mq call onto mq_core's API, for the
 * semantic patches of scripts/cocci/blk/: one limit at a time on top of
 * mq_get_limits()/mq_set_limits(), the disk-centred allocation of
 * blk_mq_alloc_disk(), and lookups blk-mq drivers do by hardware queue
 * and tag.  None of them is on a fast path except the lookups, which
 * take no lock.
 */
#include <linux/blkdev.h>
#include <linux/module.h>
#include "mq.h"
#include "mq_convert.h"

/**
 * mq_alloc_disk - allocate a queue and return its gendisk
 * @set: an allocated tag set
 * @queuedata: the driver's pointer (mq_disk_queuedata())
 *
 * blk_mq_alloc_disk() for a converted driver: the same as mq_alloc_queue(),
 * returning the disk.  The disk's &block_device_operations belong to the
 * core: give the driver's methods with mq_disk_set_ops().  Add it with
 * mq_add_disk(mq_disk_queue(disk)), free it with
 * mq_free_queue(mq_disk_queue(disk)).
 *
 * Context: process context, may sleep.
 * Return: the gendisk, or an ERR_PTR().
 */
struct gendisk *mq_alloc_disk(struct mq_tag_set *set, void *queuedata)
{
	struct mq_queue *q = mq_alloc_queue(set, queuedata);

	if (IS_ERR(q))
		return ERR_CAST(q);
	return q->disk;
}
EXPORT_SYMBOL_GPL(mq_alloc_disk);

/**
 * mq_disk_set_ops - give a disk the driver's methods
 * @disk: a disk of mq_alloc_disk(), not yet added
 * @ops: the methods; must stay valid while the driver is loaded
 *
 * What "disk->fops = &ops" was for a blk-mq driver; for a driver that
 * sets &mq_tag_set.fops before allocating its queues this is not needed.
 *
 * Context: before mq_add_disk().
 */
void mq_disk_set_ops(struct gendisk *disk, const struct mq_disk_ops *ops)
{
	mq_disk_queue(disk)->drv_fops = ops;
}
EXPORT_SYMBOL_GPL(mq_disk_set_ops);

/**
 * mq_request_completed - whether a request was marked complete
 * @rq: the request
 *
 * As blk_mq_request_completed(): true between mq_complete_request() and
 * the end of the request.
 *
 * Context: any.
 * Return: true if the request is completing.
 */
bool mq_request_completed(struct mq_request *rq)
{
	return READ_ONCE(rq->state) == MQ_RQ_COMPLETE;
}
EXPORT_SYMBOL_GPL(mq_request_completed);

/**
 * mq_tagset_tag_to_rq - the request of a tag on one hardware queue
 * @set: the tag set
 * @hwq: hardware queue index (mq_unique_tag_to_hwq())
 * @tag: the tag (mq_unique_tag_to_tag())
 *
 * blk_mq_tag_to_rq(set->tags[hwq], tag) of a blk-mq driver, with the
 * shared tag space of %MQ_F_TAG_HCTX_SHARED handled.  Like blk-mq it does
 * not check that the tag is in use: check mq_request_started().
 *
 * Context: any; the caller keeps the tag set's geometry from changing
 * (a queue reference, mq_queue_tryget(), or a request in flight).
 * Return: the request, or NULL if @hwq or @tag is out of range.
 */
struct mq_request *mq_tagset_tag_to_rq(struct mq_tag_set *set,
				       unsigned int hwq, unsigned int tag)
{
	if (hwq >= set->nr_hw_queues)
		return NULL;
	if (set->flags & MQ_F_TAG_HCTX_SHARED)
		hwq = 0;
	if (hwq >= set->nr_tags)
		return NULL;
	return mq_tag_to_rq(set->tags[hwq], tag);
}
EXPORT_SYMBOL_GPL(mq_tagset_tag_to_rq);

/**
 * mq_queue_tryget - hold a queue's usage counter unless it reached zero
 * @q: the queue
 *
 * percpu_ref_tryget(&q->q_usage_counter) of a blk-mq driver: while held,
 * a freeze (mq_freeze_queue(), a tag set update) waits, so requests and
 * tags stay where they are.  Succeeds on a frozen queue that still has
 * users, as the blk-mq idiom does.
 *
 * Context: any.
 * Return: true if the reference was taken (release with mq_queue_put()).
 */
bool mq_queue_tryget(struct mq_queue *q)
{
	return percpu_ref_tryget(&q->usage);
}
EXPORT_SYMBOL_GPL(mq_queue_tryget);

/**
 * mq_queue_put - release a reference of mq_queue_tryget()
 * @q: the queue
 *
 * Context: any.
 */
void mq_queue_put(struct mq_queue *q)
{
	percpu_ref_put(&q->usage);
}
EXPORT_SYMBOL_GPL(mq_queue_put);

/**
 * mq_update_nr_hw_queues - change the number of hardware queues
 * @set: the tag set
 * @nr: new number of hardware queues (at least 1)
 *
 * blk_mq_update_nr_hw_queues(): mq_update_tag_set() with the depth kept.
 * Like blk-mq it returns nothing; a failure (logged) keeps the old
 * geometry.
 *
 * Context: process context, sleeps (freezes every queue of the set).
 */
void mq_update_nr_hw_queues(struct mq_tag_set *set, unsigned int nr)
{
	int ret;

	if (nr == set->nr_hw_queues)
		return;
	ret = mq_update_tag_set(set, nr, set->queue_depth);
	if (ret)
		pr_warn("mq_core: %u hardware queues: error %d, keeping %u\n",
			nr, ret, set->nr_hw_queues);
}
EXPORT_SYMBOL_GPL(mq_update_nr_hw_queues);

/* Change one limit of @q: the body of each blk_queue_*() replacement. */
#define MQ_SET_LIMIT(q, stmt)						\
	({								\
		struct mq_queue *__q = (q);				\
		struct mq_limits __lim;					\
									\
		mq_get_limits(__q, &__lim);				\
		stmt;							\
		mq_set_limits(__q, &__lim);				\
	})

/**
 * mq_queue_logical_block_size - blk_queue_logical_block_size()
 * @q: the queue
 * @size: bytes
 *
 * This and the other mq_queue_*() limit setters change one field of the
 * disk's limits through mq_get_limits() and mq_set_limits(), and so have
 * its context and validation.
 *
 * Context: process context, may sleep.
 * Return: 0, or -EINVAL (logged) for an invalid value.
 */
int mq_queue_logical_block_size(struct mq_queue *q, unsigned int size)
{
	return MQ_SET_LIMIT(q, __lim.logical_block_size = size);
}
EXPORT_SYMBOL_GPL(mq_queue_logical_block_size);

/**
 * mq_queue_physical_block_size - blk_queue_physical_block_size()
 * @q: the queue
 * @size: bytes
 *
 * Return: 0 or -EINVAL.
 */
int mq_queue_physical_block_size(struct mq_queue *q, unsigned int size)
{
	return MQ_SET_LIMIT(q, __lim.physical_block_size = size);
}
EXPORT_SYMBOL_GPL(mq_queue_physical_block_size);

/**
 * mq_queue_io_min - blk_queue_io_min()
 * @q: the queue
 * @min: bytes
 *
 * Return: 0 or -EINVAL.
 */
int mq_queue_io_min(struct mq_queue *q, unsigned int min)
{
	return MQ_SET_LIMIT(q, __lim.io_min = min);
}
EXPORT_SYMBOL_GPL(mq_queue_io_min);

/**
 * mq_queue_io_opt - blk_queue_io_opt()
 * @q: the queue
 * @opt: bytes
 *
 * Return: 0 or -EINVAL.
 */
int mq_queue_io_opt(struct mq_queue *q, unsigned int opt)
{
	return MQ_SET_LIMIT(q, __lim.io_opt = opt);
}
EXPORT_SYMBOL_GPL(mq_queue_io_opt);

/**
 * mq_queue_max_hw_sectors - blk_queue_max_hw_sectors()
 * @q: the queue
 * @sectors: 512-byte sectors
 *
 * Return: 0 or -EINVAL.
 */
int mq_queue_max_hw_sectors(struct mq_queue *q, unsigned int sectors)
{
	return MQ_SET_LIMIT(q, __lim.max_hw_sectors = sectors);
}
EXPORT_SYMBOL_GPL(mq_queue_max_hw_sectors);

/**
 * mq_queue_max_segments - blk_queue_max_segments()
 * @q: the queue
 * @segs: data segments per request
 *
 * Return: 0 or -EINVAL.
 */
int mq_queue_max_segments(struct mq_queue *q, unsigned int segs)
{
	return MQ_SET_LIMIT(q, __lim.max_segments = segs);
}
EXPORT_SYMBOL_GPL(mq_queue_max_segments);

/**
 * mq_queue_max_segment_size - blk_queue_max_segment_size()
 * @q: the queue
 * @size: bytes
 *
 * Return: 0 or -EINVAL.
 */
int mq_queue_max_segment_size(struct mq_queue *q, unsigned int size)
{
	return MQ_SET_LIMIT(q, __lim.max_segment_size = size);
}
EXPORT_SYMBOL_GPL(mq_queue_max_segment_size);

/**
 * mq_queue_virt_boundary - blk_queue_virt_boundary()
 * @q: the queue
 * @mask: the virtual boundary mask (0: none); see
 *	&mq_limits.virt_boundary_mask
 *
 * Return: 0 or -EINVAL.
 */
int mq_queue_virt_boundary(struct mq_queue *q, unsigned long mask)
{
	return MQ_SET_LIMIT(q, __lim.virt_boundary_mask = mask);
}
EXPORT_SYMBOL_GPL(mq_queue_virt_boundary);

/**
 * mq_queue_max_discard_sectors - blk_queue_max_discard_sectors()
 * @q: the queue
 * @sectors: 512-byte sectors (0: no discard)
 *
 * Return: 0 or -EINVAL.
 */
int mq_queue_max_discard_sectors(struct mq_queue *q, unsigned int sectors)
{
	return MQ_SET_LIMIT(q, __lim.max_discard_sectors = sectors);
}
EXPORT_SYMBOL_GPL(mq_queue_max_discard_sectors);

/**
 * mq_queue_discard_granularity - "q->limits.discard_granularity = bytes"
 * @q: the queue
 * @bytes: discard granularity
 *
 * Return: 0 or -EINVAL.
 */
int mq_queue_discard_granularity(struct mq_queue *q, unsigned int bytes)
{
	return MQ_SET_LIMIT(q, __lim.discard_granularity = bytes);
}
EXPORT_SYMBOL_GPL(mq_queue_discard_granularity);

/**
 * mq_queue_max_write_zeroes_sectors - blk_queue_max_write_zeroes_sectors()
 * @q: the queue
 * @sectors: 512-byte sectors (0: none)
 *
 * Return: 0 or -EINVAL.
 */
int mq_queue_max_write_zeroes_sectors(struct mq_queue *q,
				      unsigned int sectors)
{
	return MQ_SET_LIMIT(q, __lim.max_write_zeroes_sectors = sectors);
}
EXPORT_SYMBOL_GPL(mq_queue_max_write_zeroes_sectors);

/**
 * mq_queue_feature - set or clear %MQ_LIM_* feature bits
 * @q: the queue
 * @feature: %MQ_LIM_* bits
 * @on: set or clear them
 *
 * blk_queue_flag_set/clear() of %QUEUE_FLAG_NONROT (inverted:
 * %MQ_LIM_ROTATIONAL) and %QUEUE_FLAG_ADD_RANDOM.
 *
 * Return: 0 or -EINVAL.
 */
int mq_queue_feature(struct mq_queue *q, unsigned int feature, bool on)
{
	return MQ_SET_LIMIT(q, __lim.features = on ?
			    __lim.features | feature :
			    __lim.features & ~feature);
}
EXPORT_SYMBOL_GPL(mq_queue_feature);

/**
 * mq_queue_write_cache - blk_queue_write_cache()
 * @q: the queue
 * @wc: the disk has a volatile write cache (receives flushes)
 * @fua: it supports FUA writes
 *
 * Return: 0 or -EINVAL.
 */
int mq_queue_write_cache(struct mq_queue *q, bool wc, bool fua)
{
	unsigned int f = (wc ? MQ_LIM_WRITE_CACHE : 0) |
			 (wc && fua ? MQ_LIM_FUA : 0);

	return MQ_SET_LIMIT(q, __lim.features =
			    (__lim.features & ~(MQ_LIM_WRITE_CACHE | MQ_LIM_FUA)) | f);
}
EXPORT_SYMBOL_GPL(mq_queue_write_cache);
