// SPDX-License-Identifier: GPL-2.0
/*
 * PREFLUSH/FUA sequencing, as block/blk-flush.c does it for blk-mq queues.
 *
 * Our disks are bio-based, so the block layer hands us writes carrying
 * REQ_PREFLUSH and REQ_FUA (it only strips both when the disk has no
 * write cache).  Drivers get what blk-mq gives its drivers instead:
 *
 * - a write with REQ_PREFLUSH becomes a flush request (%REQ_OP_FLUSH, no
 *   data) followed by the write without REQ_PREFLUSH;
 * - REQ_FUA stays on the write when the disk announces FUA
 *   (%MQ_LIM_FUA); otherwise the core sends a flush after the write;
 * - an empty REQ_PREFLUSH write is one flush request;
 * - without a volatile write cache both flags are dropped and an empty
 *   flush ends at once, without reaching the driver.
 *
 * Each request runs its steps (PREFLUSH, DATA, POSTFLUSH) in order.  Each
 * hardware queue has one preallocated flush request and at most one flush
 * in flight: requests that need a flush while one is running wait on the
 * pending list and are all served by the next one, which is how flushes
 * merge.  A pending flush is also held back while data writes of the
 * sequence are in flight (up to %MQ_FLUSH_PENDING_TIMEOUT), since their
 * completion is about to want a flush too.
 *
 * The flush request borrows the tag of the first request waiting for it:
 * that request cannot be in the driver meanwhile, so the tag (and any
 * per-tag driver resource) is free, and no flush ever waits for a tag
 * held by the requests waiting for that flush.  While it runs,
 * mq_tag_to_rq() and the busy iterators see the flush request under that
 * tag.  An iterator that holds a reference to it when the driver ends it
 * delays the end of the flush to its own put (mq_put_rq_ref()).
 *
 * Everything that calls into a driver or ends bios happens after the
 * flush queue's lock is dropped: the steps collected under it run from
 * struct mq_flush_acts.  From a completion (any context, maybe under the
 * driver's ring lock) requests are only queued for the hctx's run work.
 */
#include <linux/blkdev.h>
#include <linux/part_stat.h>
#include <linux/slab.h>
#include "mq.h"

#define MQ_FLUSH_PENDING_TIMEOUT	(5 * HZ)

enum {
	MQ_FSEQ_PREFLUSH	= BIT(0),
	MQ_FSEQ_DATA		= BIT(1),
	MQ_FSEQ_POSTFLUSH	= BIT(2),
	MQ_FSEQ_DONE		= BIT(3),
	MQ_FSEQ_ACTIONS		= MQ_FSEQ_PREFLUSH | MQ_FSEQ_DATA |
				  MQ_FSEQ_POSTFLUSH,
};

/* What the locked part decided; carried out after the lock is dropped. */
struct mq_flush_acts {
	struct list_head issue;		/* data steps, via rq->queuelist */
	struct list_head done;		/* sequences ended, status in rq->status */
	struct mq_request *flush_rq;	/* a flush to issue */
};

static void mq_flush_acts_init(struct mq_flush_acts *a)
{
	INIT_LIST_HEAD(&a->issue);
	INIT_LIST_HEAD(&a->done);
	a->flush_rq = NULL;
}

static void mq_flush_end_io(struct mq_request *flush_rq, blk_status_t error);

static unsigned int mq_flush_cur_seq(struct mq_request *rq)
{
	return 1U << ffz(rq->flush_seq);
}

/*
 * Issue a flush if none is running and someone waits for one, unless data
 * of the sequence is in flight: its completion kicks again, and its
 * post-flush then shares this flush.
 */
static void mq_kick_flush(struct mq_hw_ctx *hctx, struct mq_flush_queue *fq,
			  struct mq_flush_acts *a)
{
	struct list_head *pending = &fq->queue[fq->pending_idx];
	struct mq_request *flush_rq = fq->flush_rq, *first;

	if (fq->pending_idx != fq->running_idx || list_empty(pending))
		return;
	if (!list_empty(&fq->data_in_flight) &&
	    time_before(jiffies, fq->pending_since + MQ_FLUSH_PENDING_TIMEOUT))
		return;

	fq->pending_idx ^= 1;
	first = list_first_entry(pending, struct mq_request, flush_node);

	mq_rq_init_fields(flush_rq, hctx, REQ_OP_FLUSH | REQ_PREFLUSH |
			  (first->cmd_flags & REQ_FAILFAST_MASK));
	flush_rq->tag = first->tag;
	flush_rq->end_io = mq_flush_end_io;
	flush_rq->end_io_data = fq;
	fq->tag_owner = first;
	fq->start_ns = ktime_get_ns();
	/*
	 * The fields before the reference, the reference before the tag
	 * lookup finds it: pairs with atomic_inc_not_zero() in the busy
	 * iterators.
	 */
	smp_wmb();
	atomic_set(&flush_rq->ref, 1);
	WRITE_ONCE(hctx->tags->rqs[first->tag], flush_rq);
	/* Counted as any request, so that queued == completed still holds. */
	mq_stat_inc(hctx, MQ_STAT_QUEUED);
	mq_stat_inc(hctx, MQ_STAT_FLUSHES);
	a->flush_rq = flush_rq;
}

/*
 * @rq finished the steps in @seq (with @error): move it to its next one.
 * Called with fq->lock held.
 */
static void mq_flush_complete_seq(struct mq_request *rq,
				  struct mq_flush_queue *fq, unsigned int seq,
				  blk_status_t error, struct mq_flush_acts *a)
{
	struct list_head *pending = &fq->queue[fq->pending_idx];

	WARN_ON_ONCE(rq->flush_seq & seq);
	rq->flush_seq |= seq;
	seq = error ? MQ_FSEQ_DONE : mq_flush_cur_seq(rq);

	switch (seq) {
	case MQ_FSEQ_PREFLUSH:
	case MQ_FSEQ_POSTFLUSH:
		if (list_empty(pending))
			fq->pending_since = jiffies;
		list_move_tail(&rq->flush_node, pending);
		break;
	case MQ_FSEQ_DATA:
		list_move_tail(&rq->flush_node, &fq->data_in_flight);
		list_add_tail(&rq->queuelist, &a->issue);
		break;
	default:
		list_del_init(&rq->flush_node);
		rq->status = error;
		list_add_tail(&rq->queuelist, &a->done);
		break;
	}
	mq_kick_flush(rq->hctx, fq, a);
}

/* Queue @rq at the head of its hctx's dispatch list and have it run. */
static void mq_flush_dispatch(struct mq_request *rq)
{
	struct mq_hw_ctx *hctx = rq->hctx;

	/* As mq_requeue_request(): once listed, @hctx is held by RCU only. */
	rcu_read_lock();
	mq_insert_dispatch(hctx, rq, true);
	mq_run_hw_queue(hctx, true);
	rcu_read_unlock();
}

/*
 * Carry out what the locked part decided.  @direct: the submitter's own
 * context, where requests may be issued inline as any new request is.
 * Each request is alive until it is handed on here (a flush request is
 * kept by the request whose tag it borrows, which waits for it), and
 * nothing else of the queue is touched after that.
 */
static void mq_flush_run(struct mq_flush_acts *a, bool direct)
{
	struct mq_request *rq, *next;

	list_for_each_entry_safe(rq, next, &a->done, queuelist) {
		list_del_init(&rq->queuelist);
		rq->rq_flags &= ~RQF_FLUSH_SEQ;
		mq_end_request(rq, rq->status);
	}
	list_for_each_entry_safe(rq, next, &a->issue, queuelist) {
		list_del_init(&rq->queuelist);
		if (direct)
			mq_submit_rq(rq, true);
		else
			mq_flush_dispatch(rq);
	}
	if (a->flush_rq) {
		if (direct)
			mq_submit_rq(a->flush_rq, true);
		else
			mq_flush_dispatch(a->flush_rq);
	}
}

/**
 * mq_flush_insert - start the flush sequence of a new request
 * @rq: a request made from a bio with %REQ_PREFLUSH or %REQ_FUA, not
 *	issued yet
 *
 * Context: the submitter (process context).
 * Return: true if the sequence took @rq; false if @rq is a plain write
 * now (FUA passed through, or nothing left to flush) for the caller to
 * issue as usual.
 */
bool mq_flush_insert(struct mq_request *rq)
{
	struct block_device *part0 = rq->q->disk->part0;
	struct mq_hw_ctx *hctx = rq->hctx;
	struct mq_flush_queue *fq = hctx->fq;
	bool wc = bdev_write_cache(part0);
	bool fua = wc && bdev_fua(part0);
	struct mq_flush_acts a;
	unsigned int policy = 0;
	unsigned long flags;

	if (rq->nr_bytes)
		policy |= MQ_FSEQ_DATA;
	if (wc) {
		if (rq->cmd_flags & REQ_PREFLUSH)
			policy |= MQ_FSEQ_PREFLUSH;
		if ((rq->cmd_flags & REQ_FUA) && !fua)
			policy |= MQ_FSEQ_POSTFLUSH;
	} else {
		mq_stat_inc(hctx, MQ_STAT_FLUSH_STRIPPED);
	}
	/* The driver sees REQ_FUA only when the disk has it. */
	rq->cmd_flags &= ~REQ_PREFLUSH;
	if (!fua)
		rq->cmd_flags &= ~REQ_FUA;
	/* Both imply REQ_SYNC: keep it for the accounting of the rest. */
	rq->cmd_flags |= REQ_SYNC;

	if (!policy) {
		/* An empty flush with no cache to flush. */
		mq_end_request(rq, BLK_STS_OK);
		return true;
	}
	if (policy == MQ_FSEQ_DATA)
		return false;

	mq_stat_inc(hctx, MQ_STAT_FLUSH_SEQ);
	mq_stat_add(hctx, MQ_STAT_FLUSH_WANTED,
		    hweight32(policy & (MQ_FSEQ_PREFLUSH | MQ_FSEQ_POSTFLUSH)));
	rq->rq_flags |= RQF_FLUSH_SEQ;
	rq->flush_seq = 0;
	INIT_LIST_HEAD(&rq->flush_node);
	mq_flush_acts_init(&a);
	spin_lock_irqsave(&fq->lock, flags);
	mq_flush_complete_seq(rq, fq, MQ_FSEQ_ACTIONS & ~policy, BLK_STS_OK,
			      &a);
	spin_unlock_irqrestore(&fq->lock, flags);
	mq_flush_run(&a, true);
	return true;
}

/**
 * mq_flush_data_end - the driver ended the data step of a flush sequence
 * @rq: the request (%RQF_FLUSH_SEQ), owned by the caller of
 *	mq_end_request()
 * @status: its status
 *
 * Its bios do not end yet: a post-flush may follow.  The request gives
 * back what it held for the driver (state, budget) and keeps its tag.
 *
 * Context: any.
 */
void mq_flush_data_end(struct mq_request *rq, blk_status_t status)
{
	struct mq_hw_ctx *hctx = rq->hctx;
	struct mq_flush_queue *fq = hctx->fq;
	struct mq_queue *q = rq->q;
	struct mq_flush_acts a;
	unsigned long flags;

	if (rq->rq_flags & RQF_BUDGET) {
		rq->rq_flags &= ~RQF_BUDGET;
		q->tag_set->ops->put_budget(q);
	}
	xchg(&rq->state, MQ_RQ_IDLE);
	/* mq_update_request() leaves a sequence's last bio on ->biotail. */
	if (!rq->bio)
		rq->bio = rq->biotail;

	mq_flush_acts_init(&a);
	spin_lock_irqsave(&fq->lock, flags);
	mq_flush_complete_seq(rq, fq, MQ_FSEQ_DATA, status, &a);
	spin_unlock_irqrestore(&fq->lock, flags);
	mq_flush_run(&a, false);
}

/* The flush is over: account it, give the tag back, move its waiters on. */
static void mq_flush_done(struct mq_flush_queue *fq, blk_status_t error,
			  struct mq_flush_acts *a)
{
	struct mq_request *flush_rq = fq->flush_rq, *rq, *next;
	struct mq_hw_ctx *hctx = flush_rq->hctx;
	struct mq_queue *q = hctx->queue;
	struct list_head *running;

	lockdep_assert_held(&fq->lock);
	if (blk_queue_io_stat(q->disk->queue)) {
		struct block_device *part = q->disk->part0;

		part_stat_lock();
		part_stat_inc(part, ios[STAT_FLUSH]);
		part_stat_add(part, nsecs[STAT_FLUSH],
			      ktime_get_ns() - fq->start_ns);
		part_stat_unlock();
	}
	WRITE_ONCE(hctx->tags->rqs[flush_rq->tag], fq->tag_owner);
	flush_rq->tag = -1;
	fq->tag_owner = NULL;
	if (fq->rq_status) {
		error = fq->rq_status;
		fq->rq_status = BLK_STS_OK;
	}

	running = &fq->queue[fq->running_idx];
	WARN_ON_ONCE(fq->pending_idx == fq->running_idx);
	fq->running_idx ^= 1;
	list_for_each_entry_safe(rq, next, running, flush_node)
		mq_flush_complete_seq(rq, fq, mq_flush_cur_seq(rq), error, a);
}

/**
 * mq_flush_steal_bios - take the bios of the requests waiting for a flush
 * @flush_rq: a request the driver got in &mq_ops.queue_rq and has not
 *	ended
 * @list: where the bios go, in order
 *
 * For a driver that cannot issue a flush the core sent it now and will
 * submit bios again later (a Xen frontend whose rings went away with a
 * save/restore keeps them for the new rings).  Each request waiting for
 * @flush_rq gives its bios to @list, and its flush sequence ends with this
 * flush without ending a bio: submitted again, every bio runs its whole
 * sequence, flushes included, anew.  The driver then ends @flush_rq as
 * usual; its status reaches no bio.
 *
 * Context: any.
 * Return: false, taking nothing, if @flush_rq is not a core flush request.
 */
bool mq_flush_steal_bios(struct mq_request *flush_rq, struct bio_list *list)
{
	struct mq_flush_queue *fq;
	struct mq_request *rq;
	unsigned long flags;

	if (!flush_rq->is_flush)
		return false;
	fq = flush_rq->end_io_data;
	spin_lock_irqsave(&fq->lock, flags);
	list_for_each_entry(rq, &fq->queue[fq->running_idx], flush_node) {
		mq_rq_steal_bios(rq, list);
		/* The step running now is its last one. */
		rq->flush_seq |= MQ_FSEQ_ACTIONS & ~mq_flush_cur_seq(rq);
	}
	spin_unlock_irqrestore(&fq->lock, flags);
	return true;
}
EXPORT_SYMBOL_GPL(mq_flush_steal_bios);

/* ->end_io of the flush request: mq_end_request() on it lands here. */
static void mq_flush_end_io(struct mq_request *flush_rq, blk_status_t error)
{
	struct mq_flush_queue *fq = flush_rq->end_io_data;
	struct mq_flush_acts a;
	unsigned long flags;

	/* Budget, counters, state: as for any request the driver ended. */
	mq_finish_request(flush_rq);
	mq_flush_acts_init(&a);
	spin_lock_irqsave(&fq->lock, flags);
	if (!atomic_dec_and_test(&flush_rq->ref)) {
		/* An iterator holds it: its put ends the flush. */
		fq->rq_status = error;
		spin_unlock_irqrestore(&fq->lock, flags);
		return;
	}
	mq_flush_done(fq, error, &a);
	spin_unlock_irqrestore(&fq->lock, flags);
	mq_flush_run(&a, false);
}

/**
 * mq_flush_rq_release - the last reference to an ended flush request
 *	was an iterator's
 * @flush_rq: the hctx's flush request
 *
 * Context: any.
 */
void mq_flush_rq_release(struct mq_request *flush_rq)
{
	struct mq_flush_queue *fq = flush_rq->end_io_data;
	struct mq_flush_acts a;
	unsigned long flags;

	mq_flush_acts_init(&a);
	spin_lock_irqsave(&fq->lock, flags);
	mq_flush_done(fq, BLK_STS_OK, &a);
	spin_unlock_irqrestore(&fq->lock, flags);
	mq_flush_run(&a, false);
}

/**
 * mq_flush_alloc - the flush queue and flush request of a hardware queue
 * @hctx: the hardware queue, its driver state set up (&mq_ops.init_hctx)
 *
 * The flush request's payload is set up with &mq_ops.init_request like
 * any request's, and allocated the same way (DMA-safe).
 *
 * Context: process context, may sleep.
 * Return: 0 or a negative errno.
 */
int mq_flush_alloc(struct mq_hw_ctx *hctx)
{
	struct mq_tag_set *set = hctx->queue->tag_set;
	struct mq_flush_queue *fq;
	struct mq_request *rq;

	fq = kzalloc_node(sizeof(*fq), GFP_KERNEL, set->numa_node);
	if (!fq)
		return -ENOMEM;
	rq = mq_alloc_rq_mem(set, set->numa_node);
	if (!rq) {
		kfree(fq);
		return -ENOMEM;
	}
	spin_lock_init(&fq->lock);
	INIT_LIST_HEAD(&fq->queue[0]);
	INIT_LIST_HEAD(&fq->queue[1]);
	INIT_LIST_HEAD(&fq->data_in_flight);
	rq->q = hctx->queue;
	rq->hctx = hctx;
	rq->tag = -1;
	rq->state = MQ_RQ_IDLE;
	rq->is_flush = true;
	rq->end_io_data = fq;
	INIT_LIST_HEAD(&rq->queuelist);
	INIT_LIST_HEAD(&rq->flush_node);
	if (set->ops->init_request &&
	    set->ops->init_request(set, rq, hctx->queue_num,
				   set->numa_node == NUMA_NO_NODE ?
				   0 : set->numa_node)) {
		mq_free_rq_mem(set, rq);
		kfree(fq);
		return -ENOMEM;
	}
	fq->flush_rq = rq;
	hctx->fq = fq;
	return 0;
}

/**
 * mq_flush_free - undo mq_flush_alloc()
 * @hctx: the hardware queue, with no request left
 */
void mq_flush_free(struct mq_hw_ctx *hctx)
{
	struct mq_tag_set *set = hctx->queue->tag_set;
	struct mq_flush_queue *fq = hctx->fq;

	if (!fq)
		return;
	if (set->ops->exit_request)
		set->ops->exit_request(set, fq->flush_rq, hctx->queue_num);
	mq_free_rq_mem(set, fq->flush_rq);
	kfree(fq);
	hctx->fq = NULL;
}
