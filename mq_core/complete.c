// SPDX-License-Identifier: GPL-2.0
/*
 * Completion: the state transition, completion affinity, ending bios,
 * freeing the tag.
 *
 * rq_affinity follows the disk's standard queue/rq_affinity attribute:
 * 1 completes on a CPU sharing a cache with the submitter, 2 on the
 * submitting CPU itself.  Remote completions are queued on a per-CPU list
 * and one IPI drains it, so a burst of completions costs one interrupt.
 */
#include <linux/blkdev.h>
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/interrupt.h>
#include <linux/module.h>
#include <linux/smp.h>
#include <linux/topology.h>
#include "mq.h"

static DEFINE_PER_CPU(struct llist_head, mq_cpu_done);
static DEFINE_PER_CPU(call_single_data_t, mq_cpu_csd);
static enum cpuhp_state mq_cpuhp_dead;

static void mq_complete_list(struct llist_node *entry)
{
	struct mq_request *rq, *next;

	entry = llist_reverse_order(entry);
	llist_for_each_entry_safe(rq, next, entry, ipi_node)
		__mq_complete_request(rq);
}

static void mq_ipi_fn(void *data)
{
	mq_complete_list(llist_del_all(this_cpu_ptr(&mq_cpu_done)));
}

/*
 * Send @rq to the CPU that submitted it when rq_affinity asks for it.
 * Interrupts are off from the online check to the IPI: the target cannot
 * finish going offline meanwhile (that needs stop_machine on this CPU too),
 * and a CPU that died with entries queued is drained by mq_cpu_dead().
 */
static bool mq_complete_remote(struct mq_request *rq)
{
	struct request_queue *kq = rq->q->disk->queue;
	int cpu, target = rq->mq_cpu;
	unsigned long flags;
	bool remote = false;

	/* Common case first: already on the submitting CPU, or no affinity. */
	if (raw_smp_processor_id() == target ||
	    !test_bit(QUEUE_FLAG_SAME_COMP, &kq->queue_flags) ||
	    mq_rq_is_poll(rq))
		return false;

	local_irq_save(flags);
	cpu = smp_processor_id();
	if (cpu == target || !cpu_online(target))
		goto out;
	/* cpus_share_cache() is not exported: the package is our cache group */
	if (!test_bit(QUEUE_FLAG_SAME_FORCE, &kq->queue_flags) &&
	    cpumask_test_cpu(target, topology_core_cpumask(cpu)))
		goto out;
	if (llist_add(&rq->ipi_node, &per_cpu(mq_cpu_done, target)))
		smp_call_function_single_async(target,
					       &per_cpu(mq_cpu_csd, target));
	remote = true;
out:
	local_irq_restore(flags);
	return remote;
}

void __mq_complete_request(struct mq_request *rq)
{
	const struct mq_ops *ops = rq->q->tag_set->ops;

	if (ops->complete)
		ops->complete(rq);
	else
		mq_end_request(rq, rq->status);
}

/**
 * mq_complete_request - the hardware finished a request
 * @rq: the request
 *
 * Moves @rq from in flight to complete and finishes it, on the submitting
 * CPU if rq_affinity asks, through &mq_ops.complete (or straight to
 * mq_end_request() with the status from mq_set_request_status()).
 *
 * A completion racing with the timeout handler is decided by the state:
 * if the handler claimed the request first, the completion is remembered
 * and only honoured if the handler gives the request back with
 * %MQ_EH_RESET_TIMER.
 *
 * The request may end inline (its bios' end_io runs in this call).  A
 * driver may call this with its ring lock held, as blk-mq drivers do:
 * bio end_io handlers that issue new I/O do it from process context
 * (a workqueue), not from the completion, and a driver's own
 * &mq_request.end_io must follow the same rule.
 *
 * Context: any (hardirq, softirq, timer, process).
 * Return: true if this call completed the request, false if it was not in
 * flight (already completed, or claimed by the timeout handler).
 */
bool mq_complete_request(struct mq_request *rq)
{
	int old = MQ_RQ_IN_FLIGHT;

	if (unlikely(!try_cmpxchg(&rq->state, &old, MQ_RQ_COMPLETE))) {
		if (old == MQ_RQ_TIMEOUT)
			cmpxchg(&rq->state, MQ_RQ_TIMEOUT,
				MQ_RQ_TIMEOUT_COMPLETE);
		return false;
	}
	if (mq_complete_remote(rq))
		return true;
	__mq_complete_request(rq);
	return true;
}
EXPORT_SYMBOL_GPL(mq_complete_request);

/**
 * mq_set_request_status - status to end a request with when the core
 *	ends it after mq_complete_request() (no &mq_ops.complete)
 * @rq: the request, owned by the driver
 * @status: %BLK_STS_OK or an error
 *
 * Context: any.
 */
void mq_set_request_status(struct mq_request *rq, blk_status_t status)
{
	rq->status = status;
}
EXPORT_SYMBOL_GPL(mq_set_request_status);

/**
 * mq_request_started - whether a request was handed to the driver
 * @rq: the request
 *
 * Return: true while it is in flight, completing or timing out.
 */
bool mq_request_started(struct mq_request *rq)
{
	return READ_ONCE(rq->state) != MQ_RQ_IDLE;
}
EXPORT_SYMBOL_GPL(mq_request_started);

/* End the bios and the accounting of a request; it keeps its tag. */
void mq_end_request_io(struct mq_request *rq, blk_status_t status)
{
	struct bio *bio = rq->bio, *next;

	if (rq->rq_flags & RQF_ACCT) {
		mq_acct_done(rq);
		rq->rq_flags &= ~RQF_ACCT;
	}

	while (bio) {
		next = bio->bi_next;
		bio->bi_next = NULL;
		if (unlikely(status))
			bio->bi_status = status;
		bio_endio(bio);
		bio = next;
	}
	rq->bio = NULL;
	rq->biotail = NULL;
}

/* Everything of ending a request but giving back its tag and queue ref. */
void mq_finish_request(struct mq_request *rq)
{
	struct mq_hw_ctx *hctx = rq->hctx;
	struct mq_queue *q = rq->q;

	mq_stat_inc(hctx, MQ_STAT_COMPLETED);
	if (rq->rq_flags & RQF_BUDGET)
		q->tag_set->ops->put_budget(q);
	if (rq->rq_flags & RQF_ACTIVE) {
		if (q->tag_set->flags & MQ_F_TAG_HCTX_SHARED)
			atomic_dec(&q->nr_active);
		else
			atomic_dec(&hctx->nr_active);
	}
	rq->rq_flags = 0;
	/* The owner's transition, from whatever state it ended in. */
	xchg(&rq->state, MQ_RQ_IDLE);
}

/*
 * No barrier here: a RESTART set just after our check is covered by the
 * delayed rerun that mq_handle_busy() always arms.  That rerun is pending
 * (3 to 30 ms away) whenever RESTART is set: pull it forward to now, or
 * the completion that freed the resource would change nothing.
 */
void mq_restart_hctx(struct mq_hw_ctx *hctx)
{
	if (test_bit(MQ_S_RESTART, &hctx->state) &&
	    test_and_clear_bit(MQ_S_RESTART, &hctx->state))
		mq_delay_run_hw_queue(hctx, 0);
}

/* Give back tag and queue reference; @rq may be reused right after. */
void __mq_free_request(struct mq_request *rq)
{
	struct mq_hw_ctx *hctx = rq->hctx;
	struct mq_queue *q = rq->q;

	mq_put_tag(hctx->tags, rq->tag, rq->mq_cpu);
	mq_restart_hctx(hctx);
	mq_queue_exit(q);
}

/* Drop a reference; the last one (the request's own, or an iterator's) frees. */
void mq_put_rq_ref(struct mq_request *rq)
{
	if (!atomic_dec_and_test(&rq->ref))
		return;
	/* A flush request borrows its tag: ending it gives that back. */
	if (unlikely(rq->is_flush))
		mq_flush_rq_release(rq);
	else
		__mq_free_request(rq);
}

void mq_free_request_tag(struct mq_request *rq)
{
	mq_finish_request(rq);
	mq_put_rq_ref(rq);
}

/**
 * mq_end_request - end a request: its bios, accounting, tag
 * @rq: the request, owned by the caller (the driver, or its timeout
 *	handler)
 * @status: %BLK_STS_OK or the error every bio gets
 *
 * Requests from mq_alloc_request() with an @end_io get it called instead
 * of being freed.
 *
 * Context: any.
 */
void mq_end_request(struct mq_request *rq, blk_status_t status)
{
	/* The data step of a PREFLUSH/FUA sequence: a flush may follow. */
	if (unlikely(rq->rq_flags & RQF_FLUSH_SEQ)) {
		mq_flush_data_end(rq, status);
		return;
	}
	mq_end_request_io(rq, status);
	if (rq->end_io) {
		rq->status = status;
		rq->end_io(rq, status);
		return;
	}
	mq_free_request_tag(rq);
}
EXPORT_SYMBOL_GPL(mq_end_request);

/**
 * mq_update_request - complete part of a request
 * @rq: the request, owned by the caller
 * @status: status for the bytes completed
 * @nr_bytes: bytes completed from the front of the request
 *
 * Ends the bios fully covered by @nr_bytes with @status and advances the
 * request past them.  The caller ends (or requeues) the rest.
 *
 * Context: any.
 * Return: true if bytes remain, false if the request has none left (the
 * caller still calls mq_end_request() to free it).
 */
bool mq_update_request(struct mq_request *rq, blk_status_t status,
		       unsigned int nr_bytes)
{
	struct bio *bio;

	while ((bio = rq->bio) && nr_bytes) {
		unsigned int n = min(nr_bytes, bio->bi_iter.bi_size);

		nr_bytes -= n;
		rq->nr_bytes -= n;
		rq->sector += n >> SECTOR_SHIFT;
		if (n < bio->bi_iter.bi_size) {
			bio_advance(bio, n);
			break;
		}
		rq->bio = bio->bi_next;
		bio->bi_next = NULL;
		if (status)
			bio->bi_status = status;
		if (!rq->bio) {
			/*
			 * A flush sequence's (only) bio ends with the
			 * sequence, after its post-flush: keep it on
			 * ->biotail until then.
			 */
			if (rq->rq_flags & RQF_FLUSH_SEQ)
				break;
			rq->biotail = NULL;
		}
		bio_endio(bio);
	}
	rq->nr_phys_segments = 0;
	for (bio = rq->bio; bio; bio = bio->bi_next)
		rq->nr_phys_segments += bio_segments(bio);
	return !!rq->bio;
}
EXPORT_SYMBOL_GPL(mq_update_request);

static void mq_take_back_request(struct mq_request *rq)
{
	mq_unstart_request(rq);
	mq_stat_inc(rq->hctx, MQ_STAT_REQUEUED);
}

/**
 * mq_requeue_request - give a request back to the core to issue again
 * @rq: the request, owned by the caller (not in the hardware)
 * @kick: run the hardware queue now; otherwise it runs at the next
 *	mq_run_hw_queue()
 *
 * The request keeps its tag and goes to the front of its hctx's dispatch
 * list.
 *
 * Context: any.
 */
void mq_requeue_request(struct mq_request *rq, bool kick)
{
	struct mq_hw_ctx *hctx = rq->hctx;

	mq_take_back_request(rq);
	/*
	 * Once on the list, @rq may be issued and ended by another runner
	 * and a tag set update may free @hctx: RCU holds that off (the update
	 * syncs with it after freezing).
	 */
	rcu_read_lock();
	mq_insert_dispatch(hctx, rq, true);
	if (kick)
		mq_run_hw_queue(hctx, true);
	rcu_read_unlock();
}
EXPORT_SYMBOL_GPL(mq_requeue_request);

/**
 * mq_requeue_request_after - give a request back to issue after a delay
 * @rq: the request, owned by the caller (not in the hardware)
 * @msecs: how long to keep it off the dispatch list (backoff for a busy
 *	or not-ready device); 0 acts like mq_requeue_request(@rq, true)
 *
 * The request keeps its tag (and so its queue usage: a freeze waits for
 * it); when the delay has passed it goes to the front of its hctx's
 * dispatch list and the hctx runs.
 *
 * Context: any.
 */
void mq_requeue_request_after(struct mq_request *rq, unsigned int msecs)
{
	struct mq_queue *q = rq->q;
	unsigned long flags;

	if (!msecs) {
		mq_requeue_request(rq, true);
		return;
	}
	mq_take_back_request(rq);
	/* Not in flight: the timeout code ignores ->deadline now. */
	rq->deadline = jiffies + msecs_to_jiffies(msecs);
	spin_lock_irqsave(&q->requeue_lock, flags);
	list_add_tail(&rq->queuelist, &q->requeue_list);
	spin_unlock_irqrestore(&q->requeue_lock, flags);
	/* An earlier expiry already queued stays; the work re-arms itself. */
	queue_delayed_work(mq_wq, &q->requeue_work, msecs_to_jiffies(msecs));
}
EXPORT_SYMBOL_GPL(mq_requeue_request_after);

/* Issue the delayed requeues that are due; re-arm for the rest. */
void mq_requeue_work_fn(struct work_struct *work)
{
	struct mq_queue *q = container_of(to_delayed_work(work),
					  struct mq_queue, requeue_work);
	unsigned long now = jiffies, next = 0;
	struct mq_request *rq, *tmp;
	bool pending = false;
	LIST_HEAD(due);

	spin_lock_irq(&q->requeue_lock);
	list_for_each_entry_safe(rq, tmp, &q->requeue_list, queuelist) {
		if (time_after_eq(now, rq->deadline)) {
			list_move_tail(&rq->queuelist, &due);
		} else if (!pending || time_before(rq->deadline, next)) {
			next = rq->deadline;
			pending = true;
		}
	}
	spin_unlock_irq(&q->requeue_lock);

	list_for_each_entry_safe(rq, tmp, &due, queuelist) {
		struct mq_hw_ctx *hctx = rq->hctx;

		list_del_init(&rq->queuelist);
		/* As in mq_requeue_request(): @rq is not ours once listed. */
		rcu_read_lock();
		mq_insert_dispatch(hctx, rq, true);
		mq_run_hw_queue(hctx, true);
		rcu_read_unlock();
	}
	if (pending)
		queue_delayed_work(mq_wq, &q->requeue_work, next - now);
}

/**
 * mq_rq_is_requeued - has the driver seen this request before?
 * @rq: the request
 *
 * True once a request came back from the driver (->queue_rq returned a
 * busy status, or it was requeued, also by a timeout handler's
 * %MQ_EH_RETRY): a driver that prepared its command on the first
 * ->queue_rq can skip preparing it again.  Cleared when the request ends.
 *
 * Context: any.
 * Return: whether @rq was given back to the core at least once.
 */
bool mq_rq_is_requeued(const struct mq_request *rq)
{
	return rq->rq_flags & RQF_REQUEUED;
}
EXPORT_SYMBOL_GPL(mq_rq_is_requeued);

/**
 * mq_rq_map_sg - fill a scatterlist with a request's data segments
 * @rq: the request
 * @sgl: a scatterlist of at least @max_segs entries (chained is fine),
 *	initialised with sg_init_table()
 * @max_segs: capacity of @sgl
 *
 * Physically contiguous neighbouring segments are merged up to the
 * queue's max_segment_size and never across its segment boundary mask.
 *
 * Context: any.
 * Return: entries used, or -EINVAL if @max_segs is too small.
 */
int mq_rq_map_sg(struct mq_request *rq, struct scatterlist *sgl,
		 unsigned int max_segs)
{
	unsigned int max_seg = queue_max_segment_size(rq->q->disk->queue);
	unsigned long mask = queue_segment_boundary(rq->q->disk->queue);
	struct scatterlist *sg = NULL;
	struct bvec_iter iter;
	struct bio_vec bv;
	int nsegs = 0;

	mq_rq_for_each_segment(bv, rq, iter) {
		phys_addr_t start = page_to_phys(bv.bv_page) + bv.bv_offset;

		if (sg && sg->length + bv.bv_len <= max_seg &&
		    sg_phys(sg) + sg->length == start &&
		    (sg_phys(sg) | mask) == ((start + bv.bv_len - 1) | mask)) {
			sg->length += bv.bv_len;
			continue;
		}
		if (nsegs == max_segs)
			return -EINVAL;
		sg = sg ? sg_next(sg) : sgl;
		sg_set_page(sg, bv.bv_page, bv.bv_len, bv.bv_offset);
		nsegs++;
	}
	if (sg)
		sg_mark_end(sg);
	return nsegs;
}
EXPORT_SYMBOL_GPL(mq_rq_map_sg);

/* A CPU died with completions queued for it: finish them here. */
static int mq_cpu_dead(unsigned int cpu)
{
	local_irq_disable();
	mq_complete_list(llist_del_all(&per_cpu(mq_cpu_done, cpu)));
	local_irq_enable();
	return 0;
}

int mq_complete_init(void)
{
	int cpu, ret;

	for_each_possible_cpu(cpu) {
		init_llist_head(&per_cpu(mq_cpu_done, cpu));
		INIT_CSD(&per_cpu(mq_cpu_csd, cpu), mq_ipi_fn, NULL);
	}
	ret = cpuhp_setup_state_nocalls(CPUHP_BP_PREPARE_DYN, "block/mq_core:dead",
					NULL, mq_cpu_dead);
	if (ret < 0)
		return ret;
	mq_cpuhp_dead = ret;
	return 0;
}

void mq_complete_exit(void)
{
	cpuhp_remove_state_nocalls(mq_cpuhp_dead);
}
