// SPDX-License-Identifier: GPL-2.0
/*
 * Getting a request, plugging, and issuing requests to the driver.
 *
 * The fast path: a bio becomes a request on the submitting CPU's hctx and
 * is issued at once with ->queue_rq when nothing is waiting on that hctx.
 * Everything else (a busy driver, a stopped or quiesced queue, a blocking
 * driver called from a context that must not sleep) goes through the
 * hctx's dispatch list, which a work item drains in order.
 */
#include <linux/blkdev.h>
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include "mq.h"

struct mq_plug {
	struct blk_plug_cb cb;
	struct list_head rqs;
	struct mq_request *last;
	unsigned int count;
	/* The slot in a CPU's cache it came from, or NULL: kmalloc'ed. */
	unsigned long *cache_used;
	unsigned int cache_slot;
};

/*
 * blk_check_plugged() would kzalloc our part of every plug (one per
 * io_uring submit batch): the plug parts come from a small per-CPU cache
 * instead.  A task is plugged only while it submits, so a few slots per
 * CPU cover the tasks preempted while plugged; the heap is the fallback.
 * A part may be released on another CPU (the task migrated), hence the
 * atomic bit ops, on a word only that CPU's submitters normally touch.
 */
#define MQ_PLUG_CACHE	4

struct mq_plug_cache {
	unsigned long used;
	struct mq_plug plugs[MQ_PLUG_CACHE];
};

static DEFINE_PER_CPU(struct mq_plug_cache, mq_plug_cache);

static struct mq_plug *mq_plug_alloc(void)
{
	struct mq_plug_cache *c = raw_cpu_ptr(&mq_plug_cache);
	struct mq_plug *plug;
	unsigned int slot;

	slot = ffz(READ_ONCE(c->used));
	if (slot < MQ_PLUG_CACHE && !test_and_set_bit_lock(slot, &c->used)) {
		plug = &c->plugs[slot];
		plug->cache_used = &c->used;
		plug->cache_slot = slot;
		plug->last = NULL;
		plug->count = 0;
		return plug;
	}
	plug = kzalloc(sizeof(*plug), GFP_ATOMIC);
	return plug;
}

static void mq_plug_free(struct mq_plug *plug)
{
	if (plug->cache_used)
		clear_bit_unlock(plug->cache_slot, plug->cache_used);
	else
		kfree(plug);
}

static bool mq_hctx_blocking(struct mq_hw_ctx *hctx)
{
	return hctx->queue->tag_set->flags & MQ_F_BLOCKING;
}

/* Read-side of quiesce: RCU, or SRCU for drivers that may sleep. */
static int mq_dispatch_lock(struct mq_queue *q) __acquires(q->srcu)
{
	if (q->srcu)
		return srcu_read_lock(q->srcu);
	rcu_read_lock();
	return 0;
}

static void mq_dispatch_unlock(struct mq_queue *q, int idx)
	__releases(q->srcu)
{
	if (q->srcu)
		srcu_read_unlock(q->srcu, idx);
	else
		rcu_read_unlock();
}

static void mq_init_request(struct mq_request *rq, struct mq_hw_ctx *hctx,
			    blk_opf_t opf, bool reserved)
{
	/* Nobody else holds a reference to a free tag's request. */
	atomic_set(&rq->ref, 1);
	mq_rq_init_fields(rq, hctx, opf);
	if (reserved)
		rq->rq_flags = RQF_RESERVED;
	if (mq_set_shared(hctx->queue->tag_set)) {
		rq->rq_flags |= RQF_ACTIVE;
		if (hctx->queue->tag_set->flags & MQ_F_TAG_HCTX_SHARED)
			atomic_inc(&hctx->queue->nr_active);
		else
			atomic_inc(&hctx->nr_active);
	}
}

/**
 * mq_get_request - take a tag on @hctx and set up its request
 * @q: the queue (entered by the caller)
 * @hctx: preferred hctx; may change if we sleep and migrate
 * @opf: operation and flags
 * @reserved: from the reserved pool
 * @nowait: fail instead of sleeping
 *
 * Return: the request, or NULL (no tag with @nowait, or the queue is dying).
 */
struct mq_request *mq_get_request(struct mq_queue *q, struct mq_hw_ctx *hctx,
				  blk_opf_t opf, bool reserved, bool nowait)
{
	struct sbq_wait_state *ws;
	struct sbitmap_queue *bt;
	struct mq_request *rq;
	DEFINE_SBQ_WAIT(wait);
	int tag;

retry:
	tag = mq_get_tag(hctx, reserved);
	if (likely(tag >= 0))
		goto found;
	if (nowait)
		return NULL;

	for (;;) {
		bt = mq_tag_bt(hctx, reserved);
		ws = sbq_wait_ptr(bt, &hctx->wait_index);
		sbitmap_prepare_to_wait(bt, ws, &wait, TASK_UNINTERRUPTIBLE);
		tag = mq_get_tag(hctx, reserved);
		if (tag >= 0 || test_bit(MQ_Q_DYING, &q->flags)) {
			sbitmap_finish_wait(bt, ws, &wait);
			break;
		}
		/*
		 * io_schedule*() flushes our plug: held requests get issued.
		 * The sleep is bounded: sbitmap wakes waiters in batches, and a
		 * waiter held back by the fair share may see no further clear
		 * once its own queue's last requests have ended.
		 */
		io_schedule_timeout(MQ_TAG_WAIT_JIFFIES);
		sbitmap_finish_wait(bt, ws, &wait);
		if (!reserved)
			hctx = mq_map_bio(q, opf);
	}
	if (tag < 0)
		return NULL;
found:
	/*
	 * The hctx's last CPU is going offline (mq_hotplug_drain() waits for
	 * its tags): give this one back and try from wherever we run once
	 * the scheduler has moved us.  The barrier pairs with the one after
	 * setting the bit there.
	 */
	smp_mb__after_atomic();
	if (unlikely(test_bit(MQ_S_INACTIVE, &hctx->state)) && !reserved) {
		mq_put_tag(hctx->tags, tag, raw_smp_processor_id());
		if (nowait)
			return NULL;
		usleep_range(2000, 4000);
		hctx = mq_map_bio(q, opf);
		goto retry;
	}
	rq = hctx->tags->rqs[tag];
	mq_init_request(rq, hctx, opf, reserved);
	return rq;
}

/* Deadline, state and accounting: the request now belongs to the driver. */
void mq_start_request(struct mq_request *rq)
{
	struct mq_queue *q = rq->q;

	if (!(rq->rq_flags & RQF_ACCT) && rq->bio &&
	    blk_queue_io_stat(q->disk->queue))
		mq_acct_start(rq);
	rq->rq_flags |= RQF_STARTED;
	mq_add_timer(rq);
	/* The deadline must be visible before the timeout work sees us. */
	smp_store_release(&rq->state, MQ_RQ_IN_FLIGHT);
}

/* queue_rq said busy, or the driver gave it back: the request is ours again. */
void mq_unstart_request(struct mq_request *rq)
{
	/*
	 * From in flight, or from TIMEOUT(_COMPLETE) when the timeout handler
	 * requeues: a handler that gives the request back afterwards finds
	 * IDLE (or a new issue) and leaves it alone.
	 */
	xchg(&rq->state, MQ_RQ_IDLE);
	rq->rq_flags |= RQF_REQUEUED;
	if (rq->rq_flags & RQF_BUDGET) {
		rq->rq_flags &= ~RQF_BUDGET;
		rq->q->tag_set->ops->put_budget(rq->q);
	}
}

static bool mq_busy_status(blk_status_t ret)
{
	return ret == BLK_STS_RESOURCE || ret == BLK_STS_DEV_RESOURCE;
}

/*
 * Hand one request to the driver.  On success the request may already be
 * completed and reused by the time queue_rq returns: do not touch it.
 */
static blk_status_t mq_issue_one(struct mq_hw_ctx *hctx,
				 struct mq_request *rq, bool last)
{
	const struct mq_ops *ops = hctx->queue->tag_set->ops;
	struct mq_queue_data bd = { .rq = rq, .last = last };
	blk_status_t ret;

	if (ops->get_budget && !(rq->rq_flags & RQF_BUDGET)) {
		if (!ops->get_budget(hctx->queue))
			return BLK_STS_DEV_RESOURCE;
		rq->rq_flags |= RQF_BUDGET;
	}
	mq_start_request(rq);
	ret = ops->queue_rq(hctx, &bd);
	if (likely(ret == BLK_STS_OK)) {
		mq_stat_inc(hctx, MQ_STAT_DISPATCHED);
		return ret;
	}
	if (mq_busy_status(ret)) {
		mq_stat_inc(hctx, MQ_STAT_BUSY);
		mq_unstart_request(rq);
		return ret;
	}
	mq_end_request(rq, ret);
	return BLK_STS_OK;
}

void mq_insert_dispatch(struct mq_hw_ctx *hctx, struct mq_request *rq,
			bool at_head)
{
	unsigned long flags;

	spin_lock_irqsave(&hctx->lock, flags);
	if (at_head)
		list_add(&rq->queuelist, &hctx->dispatch);
	else
		list_add_tail(&rq->queuelist, &hctx->dispatch);
	spin_unlock_irqrestore(&hctx->lock, flags);
}

/*
 * The driver is out of resources.  Arrange for a rerun: the next
 * completion on this hctx restarts it, and a short timer covers
 * resources that free up without a completion (BLK_STS_RESOURCE).
 */
static void mq_handle_busy(struct mq_hw_ctx *hctx, blk_status_t ret)
{
	set_bit(MQ_S_RESTART, &hctx->state);
	if (ret == BLK_STS_RESOURCE || !atomic_read(&hctx->tags->active_queues) ||
	    !mq_tags_busy(hctx->tags))
		mq_delay_run_hw_queue(hctx, MQ_RESOURCE_DELAY_MS);
	else
		mq_delay_run_hw_queue(hctx, 10 * MQ_RESOURCE_DELAY_MS);
}

/*
 * Stopped or quiesced, for a runner that found requests to issue.  The
 * full barrier orders our earlier adding to hctx->dispatch before the
 * flag reads, pairing with the one in mq_unquiesce_queue() and
 * mq_start_hw_queue(): either they see our requests, or we see the flag
 * cleared.
 */
static bool mq_hctx_halted(struct mq_hw_ctx *hctx)
{
	if (!test_bit(MQ_S_STOPPED, &hctx->state) &&
	    !test_bit(MQ_Q_QUIESCED, &hctx->queue->flags))
		return false;
	/* Pairs with mq_unquiesce_queue() and mq_start_hw_queue(). */
	smp_mb();
	return test_bit(MQ_S_STOPPED, &hctx->state) ||
	       test_bit(MQ_Q_QUIESCED, &hctx->queue->flags);
}

/*
 * Issue @list in order; what the driver does not take goes back first.
 * Everything that touches @hctx or a request after it is back on the
 * dispatch list happens inside the dispatch lock: a quiesce, or a tag set
 * update (which syncs with it before freeing hctxs and requests), waits
 * for it.
 */
static void mq_dispatch_list(struct mq_hw_ctx *hctx, struct list_head *list)
{
	const struct mq_ops *ops = hctx->queue->tag_set->ops;
	struct mq_queue *q = hctx->queue;
	blk_status_t ret = BLK_STS_OK;
	bool doorbell_owed = false;
	struct mq_request *rq;
	unsigned long flags;
	bool last;
	int idx;

	idx = mq_dispatch_lock(q);
	while (!list_empty(list)) {
		if (test_bit(MQ_S_STOPPED, &hctx->state) ||
		    test_bit(MQ_Q_QUIESCED, &q->flags))
			break;
		rq = list_first_entry(list, struct mq_request, queuelist);
		list_del_init(&rq->queuelist);
		last = list_empty(list);
		ret = mq_issue_one(hctx, rq, last);
		if (mq_busy_status(ret)) {
			list_add(&rq->queuelist, list);
			break;
		}
		/* Issued with last == false: the driver awaits a doorbell. */
		doorbell_owed = !last;
	}
	if (doorbell_owed && ops->commit_rqs)
		ops->commit_rqs(hctx);
	if (list_empty(list)) {
		mq_dispatch_unlock(q, idx);
		return;
	}
	spin_lock_irqsave(&hctx->lock, flags);
	list_splice(list, &hctx->dispatch);
	spin_unlock_irqrestore(&hctx->lock, flags);
	if (mq_busy_status(ret))
		mq_handle_busy(hctx, ret);
	else if (!mq_hctx_halted(hctx))
		/* Unquiesced or restarted after our test: run again. */
		mq_run_hw_queue(hctx, true);
	mq_dispatch_unlock(q, idx);
}

static void __mq_run_hw_queue(struct mq_hw_ctx *hctx)
{
	unsigned long flags;
	LIST_HEAD(list);

	if (mq_hctx_halted(hctx))
		return;
	mq_stat_inc(hctx, MQ_STAT_RUNS);
	spin_lock_irqsave(&hctx->lock, flags);
	list_splice_init(&hctx->dispatch, &list);
	spin_unlock_irqrestore(&hctx->lock, flags);
	if (!list_empty(&list))
		mq_dispatch_list(hctx, &list);
}

void mq_run_work_fn(struct work_struct *work)
{
	struct mq_hw_ctx *hctx = container_of(to_delayed_work(work),
					      struct mq_hw_ctx, run_work);

	__mq_run_hw_queue(hctx);
}

/* Run the work on a CPU of the hctx when one is online. */
static int mq_hctx_work_cpu(struct mq_hw_ctx *hctx)
{
	int cpu = raw_smp_processor_id();

	if (cpumask_test_cpu(cpu, hctx->cpumask))
		return cpu;
	cpu = cpumask_any_and(hctx->cpumask, cpu_online_mask);
	return cpu < nr_cpu_ids ? cpu : WORK_CPU_UNBOUND;
}

/**
 * mq_delay_run_hw_queue - run a hardware queue after a delay
 * @hctx: the hardware queue
 * @msecs: delay in milliseconds
 *
 * Context: any.
 */
void mq_delay_run_hw_queue(struct mq_hw_ctx *hctx, unsigned long msecs)
{
	mod_delayed_work_on(mq_hctx_work_cpu(hctx), mq_wq, &hctx->run_work,
			    msecs_to_jiffies(msecs));
}
EXPORT_SYMBOL_GPL(mq_delay_run_hw_queue);

/**
 * mq_run_hw_queue - issue what waits on a hardware queue's dispatch list
 * @hctx: the hardware queue
 * @async: always from a work item, even where we could issue inline
 *
 * Context: any with @async; process context otherwise.
 */
void mq_run_hw_queue(struct mq_hw_ctx *hctx, bool async)
{
	if (list_empty_careful(&hctx->dispatch))
		return;
	/* A blocking driver may only be called from our own work item. */
	if (async || mq_hctx_blocking(hctx) || !in_task()) {
		queue_delayed_work_on(mq_hctx_work_cpu(hctx), mq_wq,
				      &hctx->run_work, 0);
		return;
	}
	__mq_run_hw_queue(hctx);
}
EXPORT_SYMBOL_GPL(mq_run_hw_queue);

/**
 * mq_run_hw_queues - run every hardware queue of a queue
 * @q: the queue
 * @async: from work items
 *
 * Context: any with @async; process context otherwise.
 */
void mq_run_hw_queues(struct mq_queue *q, bool async)
{
	unsigned int i;

	for (i = 0; i < q->nr_hw_queues; i++)
		mq_run_hw_queue(q->hctxs[i], async);
}
EXPORT_SYMBOL_GPL(mq_run_hw_queues);

/**
 * mq_stop_hw_queue - stop issuing to a hardware queue
 * @hctx: the hardware queue
 *
 * For a driver whose ring is full: requests wait on the dispatch list
 * until mq_start_hw_queue().  A queue_rq already running is not waited for.
 *
 * Context: any.
 */
void mq_stop_hw_queue(struct mq_hw_ctx *hctx)
{
	set_bit(MQ_S_STOPPED, &hctx->state);
}
EXPORT_SYMBOL_GPL(mq_stop_hw_queue);

/**
 * mq_start_hw_queue - restart a stopped hardware queue and run it
 * @hctx: the hardware queue
 *
 * Context: any (the run happens from a work item).
 */
void mq_start_hw_queue(struct mq_hw_ctx *hctx)
{
	clear_bit(MQ_S_STOPPED, &hctx->state);
	/* Requests queued behind the stop must see it cleared. */
	smp_mb__after_atomic();
	mq_run_hw_queue(hctx, true);
}
EXPORT_SYMBOL_GPL(mq_start_hw_queue);

/**
 * mq_hw_queue_stopped - whether a hardware queue is stopped
 * @hctx: the hardware queue
 *
 * Return: true if stopped.
 */
bool mq_hw_queue_stopped(struct mq_hw_ctx *hctx)
{
	return test_bit(MQ_S_STOPPED, &hctx->state);
}
EXPORT_SYMBOL_GPL(mq_hw_queue_stopped);

/**
 * mq_stop_hw_queues - stop every hardware queue of a queue
 * @q: the queue
 *
 * Context: any.
 */
void mq_stop_hw_queues(struct mq_queue *q)
{
	unsigned int i;

	for (i = 0; i < q->nr_hw_queues; i++)
		mq_stop_hw_queue(q->hctxs[i]);
}
EXPORT_SYMBOL_GPL(mq_stop_hw_queues);

/**
 * mq_start_stopped_hw_queues - restart the stopped hardware queues
 * @q: the queue
 * @async: run them from work items
 *
 * Context: any with @async.
 */
void mq_start_stopped_hw_queues(struct mq_queue *q, bool async)
{
	unsigned int i;

	for (i = 0; i < q->nr_hw_queues; i++) {
		struct mq_hw_ctx *hctx = q->hctxs[i];

		if (!test_and_clear_bit(MQ_S_STOPPED, &hctx->state))
			continue;
		/* Requests queued behind the stop must see it cleared. */
		smp_mb__after_atomic();
		mq_run_hw_queue(hctx, async);
	}
}
EXPORT_SYMBOL_GPL(mq_start_stopped_hw_queues);

/*
 * Issue one request, directly when the hctx has nothing waiting and we may
 * call the driver from here, else through the dispatch list.
 * @owed: earlier requests of this batch went to @rq's hctx with last ==
 * false; if @rq is not taken, their doorbell is rung here.
 *
 * Return: %MQ_ISSUE_OK (issued), %MQ_ISSUE_BUSY (the driver was out of
 * resources: @rq is back on the dispatch list, doorbell rung) or
 * %MQ_ISSUE_NOT_TRIED (the caller queues it; the doorbell is its job).
 */
enum { MQ_ISSUE_OK, MQ_ISSUE_BUSY, MQ_ISSUE_NOT_TRIED };

static int mq_try_issue_direct(struct mq_request *rq, bool last,
			       bool from_schedule, bool owed)
{
	struct mq_hw_ctx *hctx = rq->hctx;
	struct mq_queue *q = hctx->queue;
	blk_status_t ret;
	int idx;

	if (unlikely(test_bit(MQ_S_STOPPED, &hctx->state) ||
		     test_bit(MQ_Q_QUIESCED, &q->flags) ||
		     !list_empty_careful(&hctx->dispatch)))
		return MQ_ISSUE_NOT_TRIED;
	/*
	 * A blocking driver is called inline from the submitter's task, as
	 * blk-mq does, REQ_NOWAIT (io_uring) included: that flag is about
	 * waiting for a tag or a frozen queue, both behind us by now.  Not
	 * from a plug flushed by the scheduler, nor outside a task.
	 */
	if (mq_hctx_blocking(hctx) && (from_schedule || !in_task()))
		return MQ_ISSUE_NOT_TRIED;

	idx = mq_dispatch_lock(q);
	/*
	 * Again inside: a quiesce that set the bit after the test above and
	 * did not wait for us (we were not yet inside) must see no call.
	 */
	if (unlikely(test_bit(MQ_Q_QUIESCED, &q->flags))) {
		mq_dispatch_unlock(q, idx);
		return MQ_ISSUE_NOT_TRIED;
	}
	ret = mq_issue_one(hctx, rq, last);
	if (unlikely(mq_busy_status(ret))) {
		if (owed && q->tag_set->ops->commit_rqs)
			q->tag_set->ops->commit_rqs(hctx);
		/* Still inside: once listed, @rq and @hctx are not ours. */
		mq_insert_dispatch(hctx, rq, true);
		mq_handle_busy(hctx, ret);
		mq_dispatch_unlock(q, idx);
		return MQ_ISSUE_BUSY;
	}
	mq_dispatch_unlock(q, idx);
	return MQ_ISSUE_OK;
}

/* Queue @rq on its hctx's dispatch list and have the list run. */
static void mq_queue_dispatch(struct mq_request *rq, bool run)
{
	struct mq_hw_ctx *hctx = rq->hctx;

	/*
	 * Once listed, @rq may be issued and ended by another runner, and a
	 * tag set update may then free @hctx: RCU holds that off (the update
	 * syncs with it after freezing the queues).
	 */
	rcu_read_lock();
	mq_insert_dispatch(hctx, rq, false);
	if (run)
		mq_run_hw_queue(hctx, true);
	rcu_read_unlock();
}

/**
 * mq_submit_rq - issue a request that has been set up
 * @rq: the request
 * @last: no more requests follow in this batch
 */
void mq_submit_rq(struct mq_request *rq, bool last)
{
	if (likely(mq_try_issue_direct(rq, last, false, false) !=
		   MQ_ISSUE_NOT_TRIED))
		return;
	mq_queue_dispatch(rq, true);
}

/* Issue a plug's requests in order, grouping doorbells per hctx. */
static void mq_flush_plug_list(struct list_head *rqs, bool from_schedule)
{
	struct mq_hw_ctx *pending = NULL;
	struct mq_request *rq, *next;

	list_for_each_entry_safe(rq, next, rqs, queuelist) {
		struct mq_hw_ctx *hctx = rq->hctx;
		bool last;
		int ret;

		list_del_init(&rq->queuelist);
		last = list_entry_is_head(next, rqs, queuelist) ||
		       next->hctx != hctx;
		ret = mq_try_issue_direct(rq, last, from_schedule,
					  pending == hctx);
		if (ret == MQ_ISSUE_OK) {
			pending = last ? NULL : hctx;
			continue;
		}
		/*
		 * Not tried: the doorbell for what we issued on this hctx is
		 * still owed; inside the dispatch lock, so a quiesce waits for
		 * it too.  (Busy: rung already.)
		 */
		if (ret == MQ_ISSUE_NOT_TRIED && pending == hctx &&
		    hctx->queue->tag_set->ops->commit_rqs) {
			int idx = mq_dispatch_lock(hctx->queue);

			hctx->queue->tag_set->ops->commit_rqs(hctx);
			mq_dispatch_unlock(hctx->queue, idx);
		}
		pending = NULL;
		if (ret == MQ_ISSUE_NOT_TRIED)
			mq_queue_dispatch(rq, last);
	}
}

static void mq_unplug(struct blk_plug_cb *cb, bool from_schedule)
{
	struct mq_plug *plug = container_of(cb, struct mq_plug, cb);

	mq_flush_plug_list(&plug->rqs, from_schedule);
	mq_plug_free(plug);
}

/*
 * Whether @next after @prev would leave a gap a device with a virtual
 * boundary cannot take (as the block layer's bio_will_gap(), without its
 * exception for physically contiguous neighbours): @prev starts off the
 * boundary, or its last range does not end on it, or @next's first range
 * does not start on it.
 */
static bool mq_bio_will_gap(unsigned long mask, struct bio *prev,
			    struct bio *next)
{
	struct bvec_iter iter;
	struct bio_vec bv;

	if (!mask || !bio_has_data(prev))
		return false;
	bv = mp_bvec_iter_bvec(prev->bi_io_vec, prev->bi_iter);
	if (bv.bv_offset & mask)
		return true;
	bv = mp_bvec_iter_bvec(next->bi_io_vec, next->bi_iter);
	if (bv.bv_offset & mask)
		return true;
	bio_for_each_bvec(bv, prev, iter)
		;
	return (bv.bv_offset + bv.bv_len) & mask;
}

static bool mq_bio_mergeable(struct mq_request *rq, struct bio *bio)
{
	struct request_queue *kq = rq->q->disk->queue;
	unsigned int nsegs;

	if (rq->cmd_flags != bio->bi_opf || (bio->bi_opf & REQ_NOMERGE_FLAGS))
		return false;
	if (mq_rq_op(rq) != REQ_OP_READ && mq_rq_op(rq) != REQ_OP_WRITE)
		return false;
	if (rq->biotail->bi_bdev != bio->bi_bdev ||
	    rq->sector + (rq->nr_bytes >> SECTOR_SHIFT) !=
	    bio->bi_iter.bi_sector)
		return false;
	if ((rq->nr_bytes + bio->bi_iter.bi_size) >> SECTOR_SHIFT >
	    queue_max_sectors(kq))
		return false;
	nsegs = bio_segments(bio);
	if (rq->nr_phys_segments + nsegs > queue_max_segments(kq))
		return false;
	if (mq_bio_will_gap(queue_virt_boundary(kq), rq->biotail, bio))
		return false;
	rq->nr_phys_segments += nsegs;
	return true;
}

/* As blk_check_plugged(), with our part of the plug from mq_plug_alloc(). */
static struct mq_plug *mq_plug_get(struct mq_queue *q)
{
	struct blk_plug *bplug = current->plug;
	struct blk_plug_cb *cb;
	struct mq_plug *plug;

	if (!bplug)
		return NULL;
	list_for_each_entry(cb, &bplug->cb_list, list)
		if (cb->callback == mq_unplug && cb->data == q)
			return container_of(cb, struct mq_plug, cb);
	plug = mq_plug_alloc();
	if (!plug)
		return NULL;
	plug->cb.callback = mq_unplug;
	plug->cb.data = q;
	INIT_LIST_HEAD(&plug->rqs);
	list_add(&plug->cb.list, &bplug->cb_list);
	return plug;
}

/**
 * mq_plug_merge - try to merge @bio into the request last held in the plug
 * @q: the queue
 * @bio: the bio
 *
 * Context: the submitter, with current->plug set.
 * Return: true if @bio was merged (the caller is done with it).
 */
bool mq_plug_merge(struct mq_queue *q, struct bio *bio)
{
	struct mq_request *rq;
	struct mq_plug *plug;

	if ((q->tag_set->flags & MQ_F_NO_MERGE) ||
	    blk_queue_nomerges(q->disk->queue))
		return false;
	plug = mq_plug_get(q);
	if (!plug)
		return false;
	rq = plug->last;
	if (!rq || !mq_bio_mergeable(rq, bio))
		return false;

	bio->bi_next = NULL;
	rq->biotail->bi_next = bio;
	rq->biotail = bio;
	rq->nr_bytes += bio->bi_iter.bi_size;
	if (bio->bi_opf & REQ_POLLED)
		WRITE_ONCE(bio->bi_cookie, rq->hctx->queue_num);
	mq_stat_inc(rq->hctx, MQ_STAT_MERGED);
	return true;
}

/**
 * mq_plug_add - hold @rq in the current plug
 * @q: the queue
 * @rq: a request set up from a bio
 *
 * Looks the plug up again: getting @rq may have slept, and sleeping
 * flushes (and frees) our part of the plug.  Flushes early once the plug
 * holds a full batch.
 *
 * Return: false if there is no plug to hold it (issue it directly).
 */
bool mq_plug_add(struct mq_queue *q, struct mq_request *rq)
{
	struct mq_plug *plug = mq_plug_get(q);

	if (!plug)
		return false;
	list_add_tail(&rq->queuelist, &plug->rqs);
	plug->last = rq;
	if (++plug->count >= MQ_PLUG_MAX_RQS) {
		LIST_HEAD(batch);

		list_splice_init(&plug->rqs, &batch);
		plug->last = NULL;
		plug->count = 0;
		mq_flush_plug_list(&batch, false);
	}
	return true;
}
