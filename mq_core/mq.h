/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mq_core internals: shared between the files of mq_core only.
 */
#ifndef _MQ_INTERNAL_H
#define _MQ_INTERNAL_H

#include <linux/blk_types.h>
#include <linux/blkdev.h>
#include <linux/cpumask.h>
#include <linux/part_stat.h>
#include <linux/percpu.h>
#include <linux/percpu-refcount.h>
#include <linux/srcu.h>
#include <linux/timekeeping.h>
#include "mq_core.h"

#define MQ_DEFAULT_TIMEOUT	(30 * HZ)
#define MQ_RESOURCE_DELAY_MS	3
#define MQ_PLUG_MAX_RQS		32
#define MQ_TAG_WAIT_JIFFIES	max(1, HZ / 50)
#define MQ_MAX_DEPTH		10240

/*
 * Request states.  IN_FLIGHT -> COMPLETE is the driver's completion,
 * IN_FLIGHT -> TIMEOUT the timeout handler claiming the request.  Both are
 * cmpxchg, so exactly one of them wins.  A completion that finds TIMEOUT
 * moves it to TIMEOUT_COMPLETE, which the handler honours if it decides to
 * give the request back to the hardware (MQ_EH_RESET_TIMER): only the
 * exact TIMEOUT_COMPLETE -> COMPLETE transition completes it then.  Any
 * other state found there (IDLE: the driver requeued it; IN_FLIGHT again:
 * requeued and reissued) means somebody else owns the request now.
 * Going back to IDLE (requeue, end) is an xchg by the owner.
 *
 * &mq_request.ref pins the request's memory and tag: 1 from allocation to
 * the end, plus one per tag iterator looking at it; the tag is given back
 * when it drops to 0, so an iterator's callback never sees the request
 * reused under it.
 */
enum {
	MQ_RQ_IDLE = 0,
	MQ_RQ_IN_FLIGHT,
	MQ_RQ_COMPLETE,
	MQ_RQ_TIMEOUT,
	MQ_RQ_TIMEOUT_COMPLETE,
};

/* mq_request.rq_flags */
#define RQF_ACCT		BIT(0)	/* I/O accounting started */
#define RQF_BUDGET		BIT(1)	/* holds a driver budget */
#define RQF_ACTIVE		BIT(2)	/* counted in nr_active */
#define RQF_RESERVED		BIT(3)	/* reserved tag */
#define RQF_STARTED		BIT(4)	/* issued at least once */
#define RQF_REQUEUED		BIT(5)	/* given back after ->queue_rq saw it */
#define RQF_FLUSH_SEQ		BIT(6)	/* its steps are run by flush.c */

/* mq_hw_ctx.state bits */
enum {
	MQ_S_STOPPED,
	MQ_S_TAG_ACTIVE,
	MQ_S_RESTART,
	MQ_S_INACTIVE,	/* its last online CPU is going: no new tags */
};

/* mq_queue.flags bits */
enum {
	MQ_Q_DYING,
	MQ_Q_QUIESCED,
	MQ_Q_REGISTERED,
	MQ_Q_ACTIVE,
};

/**
 * struct mq_tags - one tag space and its preallocated requests
 * @nr_tags: all tags, reserved ones first
 * @nr_reserved_tags: reserved tags, numbered 0..@nr_reserved_tags - 1
 * @active_queues: queues (or hctxs) currently using this space, for the
 *	fair share; only maintained while the space is shared
 * @bitmap_tags: normal tags
 * @breserved_tags: reserved tags
 * @rqs: tag -> request, fixed for the lifetime of the tags
 * @page_list: the pages the requests live in (page_private: the order)
 * @rq_size: bytes per request including the driver payload
 * @hctx_idx: hardware queue index given to init_request
 */
struct mq_tags {
	unsigned int nr_tags;
	unsigned int nr_reserved_tags;
	atomic_t active_queues;
	struct sbitmap_queue bitmap_tags;
	struct sbitmap_queue breserved_tags;
	struct mq_request **rqs;
	struct list_head page_list;
	size_t rq_size;
	unsigned int hctx_idx;
};

/* Per-CPU software context: which hctx this CPU submits to, per type. */
struct mq_ctx {
	struct mq_hw_ctx *hctxs[MQ_HCTX_MAX_TYPES];
	unsigned int cpu;
};

/* Per-CPU counters of one hctx; summed when read. */
enum mq_stat {
	MQ_STAT_QUEUED,		/* requests created from bios */
	MQ_STAT_DISPATCHED,	/* accepted by queue_rq */
	MQ_STAT_COMPLETED,	/* ended */
	MQ_STAT_BUSY,		/* queue_rq said busy */
	MQ_STAT_REQUEUED,	/* driver or timeout requeue */
	MQ_STAT_TIMEOUTS,	/* deadlines passed */
	MQ_STAT_MERGED,		/* bios merged in a plug */
	MQ_STAT_POLLS,		/* poll calls */
	MQ_STAT_POLL_FOUND,	/* completions found by polling */
	MQ_STAT_RUNS,		/* dispatch list runs */
	MQ_STAT_FLUSH_SEQ,	/* requests sequenced for PREFLUSH/FUA */
	MQ_STAT_FLUSH_WANTED,	/* cache flushes those asked for */
	MQ_STAT_FLUSHES,	/* flush requests issued (wanted - merged) */
	MQ_STAT_FLUSH_STRIPPED,	/* PREFLUSH/FUA dropped: no write cache */
	MQ_STAT_NR,
};

struct mq_hctx_stats {
	unsigned long v[MQ_STAT_NR];
};

#define mq_stat_inc(hctx, idx)		this_cpu_inc((hctx)->stats->v[(idx)])
#define mq_stat_add(hctx, idx, n)	this_cpu_add((hctx)->stats->v[(idx)], (n))

static inline bool mq_set_shared(struct mq_tag_set *set)
{
	return READ_ONCE(set->flags) & MQ_F_TAG_QUEUE_SHARED;
}

/*
 * The per-use fields of a request taken for @hctx with flags @opf: no
 * data, no completion callback, the default timeout, on this CPU.  Shared
 * by a tag's request (dispatch.c) and a hardware queue's flush request
 * (flush.c); each sets its tag, reference and flags of its own.
 */
static inline void mq_rq_init_fields(struct mq_request *rq,
				     struct mq_hw_ctx *hctx, blk_opf_t opf)
{
	rq->q = hctx->queue;
	rq->hctx = hctx;
	rq->cmd_flags = opf;
	rq->mq_cpu = raw_smp_processor_id();
	rq->rq_flags = 0;
	rq->status = BLK_STS_OK;
	rq->bio = NULL;
	rq->biotail = NULL;
	rq->sector = 0;
	rq->nr_bytes = 0;
	rq->nr_phys_segments = 0;
	rq->end_io = NULL;
	rq->end_io_data = NULL;
	rq->timeout = 0;
	rq->acct_sectors = 0;
}

/*
 * I/O accounting for /proc/diskstats: the per-CPU counters that
 * bdev_start_io_acct() and bdev_end_io_acct() keep for bio-based disks,
 * updated inline, which saves three calls into the block layer per request.
 * The time a request took (read/write ticks) is measured in nanoseconds
 * from its start to its end, as blk-mq does, not in jiffies as 6.1's
 * bdev_*_io_acct(): I/O shorter than a tick still adds up (blktests
 * block/024).  Busy time (io_ticks) counts jiffies, as everywhere.
 */

/* Busy time: the first CPU to see a new jiffy charges it, as the block layer does. */
static inline void mq_acct_ticks(struct block_device *part, unsigned long now,
				 bool end)
{
	for (;;) {
		unsigned long stamp = READ_ONCE(part->bd_stamp);

		if (unlikely(time_after(now, stamp)) &&
		    try_cmpxchg(&part->bd_stamp, &stamp, now))
			__part_stat_add(part, io_ticks, end ? now - stamp : 1);
		if (!bdev_is_partition(part))
			return;
		part = bdev_whole(part);
	}
}

static inline void mq_acct_start(struct mq_request *rq)
{
	struct block_device *part = rq->bio->bi_bdev;
	const enum req_op op = mq_rq_op(rq);
	const int sgrp = op_stat_group(op);
	unsigned long now = READ_ONCE(jiffies);

	rq->rq_flags |= RQF_ACCT;
	rq->acct_sectors = rq->nr_bytes >> SECTOR_SHIFT;
	rq->part = part;
	rq->io_start_ns = ktime_get_ns();
	part_stat_lock();
	mq_acct_ticks(part, now, false);
	part_stat_inc(part, ios[sgrp]);
	part_stat_add(part, sectors[sgrp], rq->acct_sectors);
	part_stat_local_inc(part, in_flight[op_is_write(op)]);
	part_stat_unlock();
}

static inline void mq_acct_done(struct mq_request *rq)
{
	struct block_device *part = rq->part;
	const enum req_op op = mq_rq_op(rq);
	unsigned long now = READ_ONCE(jiffies);

	part_stat_lock();
	mq_acct_ticks(part, now, true);
	part_stat_add(part, nsecs[op_stat_group(op)],
		      ktime_get_ns() - rq->io_start_ns);
	part_stat_local_dec(part, in_flight[op_is_write(op)]);
	part_stat_unlock();
}

/* The queue's own timeout, else the tag set's, else the default: never 0. */
static inline unsigned int __mq_queue_timeout(struct mq_queue *q)
{
	return READ_ONCE(q->timeout) ?: READ_ONCE(q->tag_set->timeout) ?:
		MQ_DEFAULT_TIMEOUT;
}

/* core.c */
extern struct workqueue_struct *mq_wq;
extern const struct block_device_operations mq_fops;

/* limits.c: what differs between kernels in a disk's setup */
struct gendisk *mq_compat_alloc_disk(int node);
void mq_compat_set_poll(struct request_queue *kq, bool on);
int __mq_queue_enter(struct mq_queue *q, bool nowait);
bool mq_queue_enter_slow(struct mq_queue *q, struct bio *bio);

/* Enter the queue for @bio; on failure the bio has been ended. */
static inline bool mq_queue_enter(struct mq_queue *q, struct bio *bio)
{
	if (likely(percpu_ref_tryget_live(&q->usage)))
		return true;
	return mq_queue_enter_slow(q, bio);
}

static inline void mq_queue_exit(struct mq_queue *q)
{
	percpu_ref_put(&q->usage);
}

void mq_free_hctxs(struct mq_queue *q);
int mq_alloc_hctxs(struct mq_queue *q);

/* tag.c */
size_t mq_rq_size(struct mq_tag_set *set);
struct mq_request *mq_alloc_rq_mem(struct mq_tag_set *set, int node);
void mq_free_rq_mem(struct mq_tag_set *set, struct mq_request *rq);
int mq_alloc_set_tags(struct mq_tag_set *set);
void mq_free_set_tags(struct mq_tag_set *set);
int mq_get_tag(struct mq_hw_ctx *hctx, bool reserved);
void mq_put_tag(struct mq_tags *tags, unsigned int tag, int cpu);
void mq_put_tags_batch(struct mq_tags *tags, int *tag_array, int nr);
struct sbitmap_queue *mq_tag_bt(struct mq_hw_ctx *hctx, bool reserved);
void mq_tag_busy(struct mq_hw_ctx *hctx);
void mq_tag_idle(struct mq_hw_ctx *hctx);
void mq_queue_tag_idle(struct mq_queue *q);
bool mq_hctx_may_queue(struct mq_hw_ctx *hctx);
unsigned int mq_tags_busy(struct mq_tags *tags);
void mq_tags_wake_all(struct mq_tags *tags);
void mq_queue_busy_iter(struct mq_queue *q,
			bool (*fn)(struct mq_request *rq, void *data),
			void *data);
void mq_hctx_busy_iter(struct mq_hw_ctx *hctx,
		       bool (*fn)(struct mq_request *rq, void *data),
		       void *data);

/* map.c */
void mq_update_set_maps(struct mq_tag_set *set, int dying_cpu);
void mq_remap_queue(struct mq_queue *q);
int mq_map_init(void);
void mq_map_exit(void);
void mq_register_set(struct mq_tag_set *set);
void mq_unregister_set(struct mq_tag_set *set);
struct mq_hw_ctx *mq_map_bio(struct mq_queue *q, blk_opf_t opf);

/* dispatch.c */
void mq_submit_rq(struct mq_request *rq, bool last);
void mq_unstart_request(struct mq_request *rq);
void mq_insert_dispatch(struct mq_hw_ctx *hctx, struct mq_request *rq,
			bool at_head);
void mq_run_work_fn(struct work_struct *work);
struct mq_request *mq_get_request(struct mq_queue *q, struct mq_hw_ctx *hctx,
				  blk_opf_t opf, bool reserved, bool nowait);
bool mq_plug_merge(struct mq_queue *q, struct bio *bio);
bool mq_plug_add(struct mq_queue *q, struct mq_request *rq);
void mq_start_request(struct mq_request *rq);

/* complete.c */
void __mq_complete_request(struct mq_request *rq);
void mq_free_request_tag(struct mq_request *rq);
void __mq_free_request(struct mq_request *rq);
void mq_put_rq_ref(struct mq_request *rq);
void mq_end_request_io(struct mq_request *rq, blk_status_t status);
void mq_finish_request(struct mq_request *rq);
void mq_restart_hctx(struct mq_hw_ctx *hctx);
int mq_complete_init(void);
void mq_complete_exit(void);

/*
 * flush.c: one per hctx.  At most one flush request in flight; requests
 * whose next step is a flush wait on the pending list, and all of them
 * are served by the next flush (blk-flush.c's merging).
 */
struct mq_flush_queue {
	spinlock_t lock;		/* everything below */
	unsigned int pending_idx:1;
	unsigned int running_idx:1;
	blk_status_t rq_status;		/* of a flush ended under an iterator */
	unsigned long pending_since;
	struct list_head queue[2];	/* pending and running flush waiters */
	struct list_head data_in_flight;
	struct mq_request *flush_rq;
	struct mq_request *tag_owner;	/* whose tag flush_rq borrows */
	u64 start_ns;
};

bool mq_flush_insert(struct mq_request *rq);
void mq_flush_data_end(struct mq_request *rq, blk_status_t status);
void mq_flush_rq_release(struct mq_request *flush_rq);
int mq_flush_alloc(struct mq_hw_ctx *hctx);
void mq_flush_free(struct mq_hw_ctx *hctx);

/* poll.c */
void mq_end_batch(struct mq_comp_batch *iob);
int mq_poll_bio(struct bio *bio, struct io_comp_batch *iob,
		unsigned int flags);

/* timeout.c */
void mq_add_timer(struct mq_request *rq);
void mq_timeout_timer_fn(struct timer_list *t);
void mq_timeout_work_fn(struct work_struct *work);
void mq_requeue_work_fn(struct work_struct *work);

/* freeze.c */
void mq_freeze_queue_start(struct mq_queue *q);
void mq_freeze_queue_wait(struct mq_queue *q);
void mq_usage_release(struct percpu_ref *ref);

/* sysfs.c */
int mq_sysfs_register(struct mq_queue *q);
void mq_sysfs_unregister(struct mq_queue *q);
int mq_sysfs_register_hctxs(struct mq_queue *q);
void mq_sysfs_unregister_hctxs(struct mq_queue *q);

/* debugfs.c */
void mq_debugfs_register(struct mq_queue *q);
void mq_debugfs_unregister(struct mq_queue *q);
void mq_debugfs_register_hctxs(struct mq_queue *q);
void mq_debugfs_unregister_hctxs(struct mq_queue *q);
void mq_debugfs_init(void);
void mq_debugfs_exit(void);
void mq_hctx_sum_stats(struct mq_hw_ctx *hctx, struct mq_hctx_stats *sum);

#endif /* _MQ_INTERNAL_H */
