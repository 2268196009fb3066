// SPDX-License-Identifier: GPL-2.0
/*
 * Request timeouts: one timer per queue, never one per request.
 *
 * Starting a request only reads the timer's expiry in the common case
 * (deadlines are rounded up to whole seconds, so most starts find the
 * timer already armed early enough).  When it fires, a work item walks the
 * busy tags, hands expired requests to the driver and re-arms the timer for
 * the earliest deadline left.
 */
#include <linux/blkdev.h>
#include <linux/module.h>
#include "mq.h"

void mq_add_timer(struct mq_request *rq)
{
	struct mq_queue *q = rq->q;
	unsigned long expiry;

	/*
	 * A driver may clear its set's timeout after allocation (or give
	 * requests none): 0 would arm a deadline that has already passed.
	 */
	rq->deadline = jiffies + (rq->timeout ?: __mq_queue_timeout(q));
	/* The common case: the timer is armed to fire before we are due. */
	if (timer_pending(&q->timeout_timer) &&
	    !time_before(rq->deadline, READ_ONCE(q->timeout_timer.expires)))
		return;
	expiry = round_jiffies_up(rq->deadline);
	if (!timer_pending(&q->timeout_timer) ||
	    time_before(expiry, READ_ONCE(q->timeout_timer.expires)))
		mod_timer(&q->timeout_timer, expiry);
}

void mq_timeout_timer_fn(struct timer_list *t)
{
	struct mq_queue *q = timer_container_of(q, t, timeout_timer);

	queue_work(mq_wq, &q->timeout_work);
}

/*
 * Leave TIMEOUT: back in flight, or, if the hardware's completion arrived
 * meanwhile (TIMEOUT_COMPLETE), complete the request now.  Any other state
 * means the owner moved it on (requeued it: IDLE, or reissued it: in
 * flight again) and it is not ours to complete.
 */
static void mq_timeout_give_back(struct mq_request *rq)
{
	int old = MQ_RQ_TIMEOUT;

	if (try_cmpxchg(&rq->state, &old, MQ_RQ_IN_FLIGHT))
		return;
	if (old == MQ_RQ_TIMEOUT_COMPLETE &&
	    cmpxchg(&rq->state, MQ_RQ_TIMEOUT_COMPLETE, MQ_RQ_COMPLETE) ==
	    MQ_RQ_TIMEOUT_COMPLETE)
		__mq_complete_request(rq);
}

/* The request stays with the hardware: a new deadline, then give back. */
static void mq_timeout_reset(struct mq_request *rq)
{
	mq_add_timer(rq);
	mq_timeout_give_back(rq);
}

static void mq_rq_timed_out(struct mq_request *rq)
{
	const struct mq_ops *ops = rq->q->tag_set->ops;
	enum mq_eh_timer_return ret;

	mq_stat_inc(rq->hctx, MQ_STAT_TIMEOUTS);
	/* Nobody to ask whether the device still owns it: wait on. */
	if (!ops->timeout) {
		mq_timeout_reset(rq);
		return;
	}
	ret = ops->timeout(rq);
	switch (ret) {
	case MQ_EH_RESET_TIMER:
		mq_timeout_reset(rq);
		break;
	case MQ_EH_RETRY:
		mq_requeue_request(rq, true);
		break;
	case MQ_EH_DONE:
	default:
		break;
	}
}

struct mq_timeout_data {
	struct mq_queue *q;
	unsigned long now;
	unsigned long next;
	bool next_set;
	unsigned int nr_busy;
};

static bool mq_check_expired(struct mq_request *rq, void *data)
{
	struct mq_timeout_data *td = data;
	unsigned long deadline;

	td->nr_busy++;
	if (READ_ONCE(rq->state) != MQ_RQ_IN_FLIGHT)
		return true;
	deadline = READ_ONCE(rq->deadline);
	if (time_before(td->now, deadline)) {
		if (!td->next_set || time_before(deadline, td->next))
			td->next = deadline;
		td->next_set = true;
		return true;
	}
	/* Claim it; a completion racing with us wins or loses here. */
	if (cmpxchg(&rq->state, MQ_RQ_IN_FLIGHT, MQ_RQ_TIMEOUT) !=
	    MQ_RQ_IN_FLIGHT)
		return true;
	/*
	 * The iterator's reference keeps the tag from being reused, but the
	 * request may have been requeued and reissued with a new deadline
	 * between our reads and the claim: check again now that it cannot
	 * change.
	 */
	if (rq->q != td->q || time_before(td->now, READ_ONCE(rq->deadline))) {
		mq_timeout_give_back(rq);
		return true;
	}
	mq_rq_timed_out(rq);
	return true;
}

void mq_timeout_work_fn(struct work_struct *work)
{
	struct mq_queue *q = container_of(work, struct mq_queue, timeout_work);
	struct mq_timeout_data td = { .q = q, .now = jiffies };

	/* Not _live: timeouts must keep firing while a freeze drains. */
	if (!percpu_ref_tryget(&q->usage))
		return;
	mq_queue_busy_iter(q, mq_check_expired, &td);
	if (td.next_set) {
		unsigned long expiry = round_jiffies_up(td.next);

		if (!timer_pending(&q->timeout_timer) ||
		    time_before(expiry, q->timeout_timer.expires))
			mod_timer(&q->timeout_timer, expiry);
	} else if (mq_set_shared(q->tag_set)) {
		/* Idle: stop counting against the fair share. */
		mq_queue_tag_idle(q);
	}
	percpu_ref_put(&q->usage);
}
