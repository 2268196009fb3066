// SPDX-License-Identifier: GPL-2.0
/*
 * Polled completion: io_uring IOPOLL calls ->poll_bio with the bio whose
 * cookie names the poll hctx; the driver reaps its completions and the core
 * ends them as one batch (tags freed together, one queue-ref put).
 */
#include <linux/blkdev.h>
#include <linux/module.h>
#include "mq.h"

#define MQ_BATCH_TAGS	32

/**
 * mq_add_to_batch - a poll handler found a completed request
 * @rq: the request (in flight)
 * @iob: the batch passed to &mq_ops.poll
 *
 * The status set with mq_set_request_status() is what its bios get.
 *
 * Context: inside &mq_ops.poll.
 */
void mq_add_to_batch(struct mq_request *rq, struct mq_comp_batch *iob)
{
	int old = MQ_RQ_IN_FLIGHT;

	if (!try_cmpxchg(&rq->state, &old, MQ_RQ_COMPLETE)) {
		if (old == MQ_RQ_TIMEOUT)
			cmpxchg(&rq->state, MQ_RQ_TIMEOUT,
				MQ_RQ_TIMEOUT_COMPLETE);
		return;
	}
	/* The batch is private to one poll call: no atomics needed. */
	__llist_add(&rq->ipi_node, &iob->list);
	iob->nr++;
}
EXPORT_SYMBOL_GPL(mq_add_to_batch);

/* Give back @nr tags of @hctx and their queue references. */
static void mq_end_batch_flush(struct mq_hw_ctx *hctx, int *tags, int nr)
{
	if (!nr)
		return;
	mq_put_tags_batch(hctx->tags, tags, nr);
	mq_restart_hctx(hctx);
	percpu_ref_put_many(&hctx->queue->usage, nr);
}

/*
 * A driver's poll may batch requests of several queues (a SCSI host's
 * LUNs share its poll queues): tags and queue references go back per
 * hctx.
 */
void mq_end_batch(struct mq_comp_batch *iob)
{
	struct llist_node *entry = __llist_del_all(&iob->list);
	int tags[MQ_BATCH_TAGS], nr = 0;
	struct mq_request *rq, *next;
	struct mq_hw_ctx *hctx = NULL;

	entry = llist_reverse_order(entry);
	llist_for_each_entry_safe(rq, next, entry, ipi_node) {
		/* Special requests take the ordinary path. */
		if (rq->q->tag_set->ops->complete || rq->end_io ||
		    (rq->rq_flags & (RQF_RESERVED | RQF_FLUSH_SEQ))) {
			__mq_complete_request(rq);
			continue;
		}
		if (hctx != rq->hctx || nr == MQ_BATCH_TAGS) {
			if (hctx)
				mq_end_batch_flush(hctx, tags, nr);
			nr = 0;
			hctx = rq->hctx;
		}
		mq_end_request_io(rq, rq->status);
		mq_finish_request(rq);
		/* A tag iterator holding it gives the tag back instead. */
		if (atomic_dec_and_test(&rq->ref))
			tags[nr++] = rq->tag;
	}
	if (hctx)
		mq_end_batch_flush(hctx, tags, nr);
}

/**
 * mq_poll_bio - &block_device_operations.poll_bio of our disks
 * @bio: a polled bio whose cookie names its hctx
 * @iob: the block layer's batch (unused: we batch ourselves)
 * @flags: BLK_POLL_*; %BLK_POLL_ONESHOT: look once
 *
 * As blk-mq's poll: a caller in a sleeping state is spun for until
 * something completes or the CPU is wanted; a running caller (io_uring,
 * which has its own loop over its polled requests) gets one look and 1
 * back when nothing was there, so it polls its other requests once each
 * before coming back.  No cpu_relax() for a running caller: the spinning
 * is the caller's.
 *
 * Context: under rcu_read_lock() from the block layer; never sleeps.
 * Return: number of completions found, or 1 as above.
 */
int mq_poll_bio(struct bio *bio, struct io_comp_batch *iob,
		unsigned int flags)
{
	struct block_device *bdev = READ_ONCE(bio->bi_bdev);
	unsigned int cookie = READ_ONCE(bio->bi_cookie);
	struct mq_comp_batch batch = { };
	long state = get_current_state();
	struct mq_hw_ctx *hctx;
	struct mq_queue *q;
	int ret = 0;

	/*
	 * Another poller may have completed this bio already and the bio
	 * gone back to the per-CPU cache (bi_bdev NULL) or on to another
	 * disk: bio_poll() looked at bi_bdev once, we look again.  The RCU
	 * read lock of our caller keeps whatever bdev we see alive.
	 */
	if (!bdev || bdev->bd_disk->fops != &mq_fops)
		return 0;
	q = mq_disk_queue(bdev->bd_disk);
	if (cookie == BLK_QC_T_NONE)
		return 0;
	/* Not _live: a frozen queue must still reap its polled I/O. */
	if (!percpu_ref_tryget(&q->usage))
		return 0;
	/* Only now are the set's ops and hctxs stable (no update runs). */
	if (!q->tag_set->ops->poll || cookie >= q->nr_hw_queues)
		goto out;
	hctx = q->hctxs[cookie];
	if (hctx->type != MQ_HCTX_POLL)
		goto out;
	do {
		mq_stat_inc(hctx, MQ_STAT_POLLS);
		ret = q->tag_set->ops->poll(hctx, &batch);
		if (ret || batch.nr)
			break;
		if (signal_pending_state(state, current))
			__set_current_state(TASK_RUNNING);
		if (task_is_running(current)) {
			ret = 1;
			break;
		}
		if (flags & BLK_POLL_ONESHOT)
			break;
		cpu_relax();
	} while (!need_resched());
	__set_current_state(TASK_RUNNING);
	if (batch.nr) {
		mq_stat_add(hctx, MQ_STAT_POLL_FOUND, batch.nr);
		mq_end_batch(&batch);
	}
out:
	percpu_ref_put(&q->usage);
	return ret;
}
