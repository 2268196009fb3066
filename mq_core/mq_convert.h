/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mq_convert.h - helpers for block drivers converted from blk-mq by
 * scripts/mq-convert (scripts/cocci/blk/).
 *
 * A blk-mq driver calls a handful of functions that have no one-to-one
 * equivalent in mq_core.h: it sets one queue limit at a time, keeps its
 * own pointer in the gendisk, allocates "a disk" rather than a queue, and
 * packs hardware queue and tag into one number.  The semantic patches map
 * those calls to the helpers below, so that the converted code stays
 * close to the original.  New drivers written for mq_core should use
 * mq_core.h directly (mq_get_limits()/mq_set_limits() once, not one call
 * per limit).
 */
#ifndef _MQ_CONVERT_H
#define _MQ_CONVERT_H

#include "mq_core.h"

/* As blk-mq's BLK_MQ_UNIQUE_TAG_BITS: hardware queue above, tag below. */
#define MQ_UNIQUE_TAG_BITS	16
#define MQ_UNIQUE_TAG_MASK	((1U << MQ_UNIQUE_TAG_BITS) - 1)

/**
 * mq_unique_tag - a number naming a request among all hardware queues
 * @rq: the request
 *
 * As blk_mq_unique_tag(): the hardware queue index in the upper 16 bits,
 * the tag in the lower 16.
 *
 * Context: any.
 * Return: the unique tag.
 */
static inline u32 mq_unique_tag(const struct mq_request *rq)
{
	return (rq->hctx->queue_num << MQ_UNIQUE_TAG_BITS) |
	       (rq->tag & MQ_UNIQUE_TAG_MASK);
}

/**
 * mq_unique_tag_to_hwq - the hardware queue index of a unique tag
 * @unique_tag: from mq_unique_tag()
 *
 * Return: the hardware queue index.
 */
static inline u16 mq_unique_tag_to_hwq(u32 unique_tag)
{
	return unique_tag >> MQ_UNIQUE_TAG_BITS;
}

/**
 * mq_unique_tag_to_tag - the tag of a unique tag
 * @unique_tag: from mq_unique_tag()
 *
 * Return: the tag within its hardware queue's tag space.
 */
static inline u16 mq_unique_tag_to_tag(u32 unique_tag)
{
	return unique_tag & MQ_UNIQUE_TAG_MASK;
}

/**
 * mq_rq_data_dir - the data direction of a request
 * @rq: the request
 *
 * Return: %WRITE for operations that write, %READ otherwise, as
 * rq_data_dir().
 */
static inline int mq_rq_data_dir(const struct mq_request *rq)
{
	return op_is_write(mq_rq_op(rq)) ? WRITE : READ;
}

/**
 * mq_disk_queuedata - the driver's pointer of one of our gendisks
 * @disk: a disk of mq_alloc_disk() or mq_alloc_queue()
 *
 * What a blk-mq driver keeps in @disk->private_data; mq_core keeps its
 * queue there, and the driver's pointer in &mq_queue.queuedata.
 *
 * Return: the driver's pointer.
 */
static inline void *mq_disk_queuedata(struct gendisk *disk)
{
	return mq_disk_queue(disk)->queuedata;
}

/**
 * mq_disk_set_queuedata - set the driver's pointer of one of our gendisks
 * @disk: a disk of mq_alloc_disk() or mq_alloc_queue()
 * @data: the driver's pointer
 */
static inline void mq_disk_set_queuedata(struct gendisk *disk, void *data)
{
	mq_disk_queue(disk)->queuedata = data;
}

struct gendisk *mq_alloc_disk(struct mq_tag_set *set, void *queuedata);
void mq_disk_set_ops(struct gendisk *disk, const struct mq_disk_ops *ops);
bool mq_request_completed(struct mq_request *rq);
struct mq_request *mq_tagset_tag_to_rq(struct mq_tag_set *set,
				       unsigned int hwq, unsigned int tag);
bool mq_queue_tryget(struct mq_queue *q);
void mq_queue_put(struct mq_queue *q);
void mq_update_nr_hw_queues(struct mq_tag_set *set, unsigned int nr);

int mq_queue_logical_block_size(struct mq_queue *q, unsigned int size);
int mq_queue_physical_block_size(struct mq_queue *q, unsigned int size);
int mq_queue_io_min(struct mq_queue *q, unsigned int min);
int mq_queue_io_opt(struct mq_queue *q, unsigned int opt);
int mq_queue_max_hw_sectors(struct mq_queue *q, unsigned int sectors);
int mq_queue_max_segments(struct mq_queue *q, unsigned int segs);
int mq_queue_max_segment_size(struct mq_queue *q, unsigned int size);
int mq_queue_virt_boundary(struct mq_queue *q, unsigned long mask);
int mq_queue_max_discard_sectors(struct mq_queue *q, unsigned int sectors);
int mq_queue_discard_granularity(struct mq_queue *q, unsigned int bytes);
int mq_queue_max_write_zeroes_sectors(struct mq_queue *q,
				      unsigned int sectors);
int mq_queue_write_cache(struct mq_queue *q, bool wc, bool fua);
int mq_queue_feature(struct mq_queue *q, unsigned int feature, bool on);

#endif /* _MQ_CONVERT_H */
