// SPDX-License-Identifier: GPL-2.0
/*
 * Freeze and quiesce.
 *
 * Every request holds a reference on the queue's usage counter (a
 * percpu_ref, so entering costs a per-CPU increment).  Freezing kills the
 * counter, so new submitters wait (or get BLK_STS_AGAIN with REQ_NOWAIT),
 * and waits until every request in flight has ended.  Quiescing only stops
 * calls into the driver and waits for those in progress.
 */
#include <linux/blkdev.h>
#include <linux/module.h>
#include "mq.h"

void mq_usage_release(struct percpu_ref *ref)
{
	struct mq_queue *q = container_of(ref, struct mq_queue, usage);

	wake_up_all(&q->freeze_wq);
}

/*
 * Take a usage reference: 0, -EAGAIN (frozen and @nowait) or -ENODEV
 * (dying).  Waits for an unfreeze otherwise.
 */
int __mq_queue_enter(struct mq_queue *q, bool nowait)
{
	while (!percpu_ref_tryget_live(&q->usage)) {
		if (test_bit(MQ_Q_DYING, &q->flags))
			return -ENODEV;
		if (nowait)
			return -EAGAIN;
		wait_event(q->freeze_wq, !READ_ONCE(q->freeze_depth) ||
			   test_bit(MQ_Q_DYING, &q->flags));
	}
	return 0;
}

/* mq_queue_enter() when the fast try failed: frozen or dying. */
bool mq_queue_enter_slow(struct mq_queue *q, struct bio *bio)
{
	int ret = __mq_queue_enter(q, bio->bi_opf & REQ_NOWAIT);

	if (likely(!ret))
		return true;
	if (ret == -EAGAIN)
		bio_wouldblock_error(bio);
	else
		bio_io_error(bio);
	return false;
}

/*
 * The usage counter is killed exactly while freeze_depth > 0 or the queue
 * is dying; both change under freeze_lock, and only the change of that
 * condition kills or resurrects it (a second kill would drop the base
 * reference twice, and a freeze would then return with requests in
 * flight).
 */
void mq_freeze_queue_start(struct mq_queue *q)
{
	mutex_lock(&q->freeze_lock);
	if (++q->freeze_depth == 1 && !test_bit(MQ_Q_DYING, &q->flags)) {
		percpu_ref_kill(&q->usage);
		/* Requests parked on dispatch lists must still drain. */
		mq_run_hw_queues(q, true);
	}
	mutex_unlock(&q->freeze_lock);
}

void mq_freeze_queue_wait(struct mq_queue *q)
{
	wait_event(q->freeze_wq, percpu_ref_is_zero(&q->usage));
}

/**
 * mq_freeze_queue - stop new requests and wait for all in flight to end
 * @q: the queue
 *
 * Nests; each call needs an mq_unfreeze_queue().
 *
 * Context: process context, sleeps.
 */
void mq_freeze_queue(struct mq_queue *q)
{
	mq_freeze_queue_start(q);
	mq_freeze_queue_wait(q);
}
EXPORT_SYMBOL_GPL(mq_freeze_queue);

/**
 * mq_unfreeze_queue - undo one mq_freeze_queue()
 * @q: the queue
 *
 * Context: process context.
 */
void mq_unfreeze_queue(struct mq_queue *q)
{
	mutex_lock(&q->freeze_lock);
	if (!WARN_ON_ONCE(q->freeze_depth <= 0) && --q->freeze_depth == 0 &&
	    !test_bit(MQ_Q_DYING, &q->flags)) {
		percpu_ref_resurrect(&q->usage);
		wake_up_all(&q->freeze_wq);
	}
	mutex_unlock(&q->freeze_lock);
}
EXPORT_SYMBOL_GPL(mq_unfreeze_queue);

/**
 * mq_quiesce_queue - stop calling the driver and wait for calls in progress
 * @q: the queue
 *
 * Requests keep arriving and wait on the dispatch lists.  Nests.
 *
 * Context: process context, sleeps.
 */
void mq_quiesce_queue(struct mq_queue *q)
{
	mutex_lock(&q->freeze_lock);
	if (q->quiesce_depth++ == 0)
		set_bit(MQ_Q_QUIESCED, &q->flags);
	mutex_unlock(&q->freeze_lock);
	if (q->srcu)
		synchronize_srcu(q->srcu);
	else
		synchronize_rcu();
}
EXPORT_SYMBOL_GPL(mq_quiesce_queue);

/**
 * mq_unquiesce_queue - undo one mq_quiesce_queue() and run the queues
 * @q: the queue
 *
 * Context: process context.
 */
void mq_unquiesce_queue(struct mq_queue *q)
{
	bool run = false;

	mutex_lock(&q->freeze_lock);
	if (!WARN_ON_ONCE(q->quiesce_depth <= 0) && --q->quiesce_depth == 0) {
		clear_bit(MQ_Q_QUIESCED, &q->flags);
		/*
		 * Store-buffering with a runner that put requests on a
		 * dispatch list and then saw QUIESCED (mq_hctx_halted()):
		 * either it sees the bit clear or we see its requests.
		 */
		smp_mb__after_atomic();
		run = true;
	}
	mutex_unlock(&q->freeze_lock);
	if (run)
		mq_run_hw_queues(q, true);
}
EXPORT_SYMBOL_GPL(mq_unquiesce_queue);

/**
 * mq_mark_dying - fail every new request from now on
 * @q: the queue
 *
 * Starts a freeze that is never undone and wakes everybody waiting for a
 * tag or for an unfreeze, so they fail instead of waiting.  Requests in
 * flight are not touched: the driver completes or fails them.
 *
 * Context: process context.
 */
void mq_mark_dying(struct mq_queue *q)
{
	unsigned int i;

	mutex_lock(&q->freeze_lock);
	if (test_and_set_bit(MQ_Q_DYING, &q->flags)) {
		mutex_unlock(&q->freeze_lock);
		return;
	}
	/* A freeze in progress killed the counter already. */
	if (!q->freeze_depth)
		percpu_ref_kill(&q->usage);
	mutex_unlock(&q->freeze_lock);
	/* Requests parked on dispatch lists must still drain. */
	mq_run_hw_queues(q, true);
	wake_up_all(&q->freeze_wq);
	for (i = 0; i < q->tag_set->nr_tags; i++)
		mq_tags_wake_all(q->tag_set->tags[i]);
}
EXPORT_SYMBOL_GPL(mq_mark_dying);
