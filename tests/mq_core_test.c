// SPDX-License-Identifier: GPL-2.0
/*
 * In-kernel unit tests of mq_core logic, printed as KTAP to the kernel log:
 * CPU maps for 1..N CPUs and queues, tag allocation (normal, reserved,
 * exhaustion, lookup, busy iteration), the fair share between queues of a
 * shared tag set, the request state machine against timeouts, and taking
 * the bios of a request (mq_rq_steal_bios()).
 *
 * Loading the module runs the tests; it stays loaded only on success, so
 * "modprobe mq_core_test" fails (-EINVAL) when any test fails.
 */
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/slab.h>
#include "mq_core.h"

static unsigned int ktap_nr, ktap_failed;

#define KTAP_CHECK(cond, fmt, ...)					\
	({								\
		bool __ok = (cond);					\
		if (!__ok)						\
			pr_info("    # %s:%d: " fmt "\n", __func__,	\
				__LINE__, ##__VA_ARGS__);		\
		__ok;							\
	})

static void ktap_result(bool ok, const char *name)
{
	ktap_nr++;
	if (!ok)
		ktap_failed++;
	pr_info("%sok %u %s\n", ok ? "" : "not ", ktap_nr, name);
}

/* A driver that keeps what it is given until the test completes it. */
struct tdrv {
	struct mq_request *held[64];
	unsigned int nr_held;
	atomic_t ended;
	atomic_t timeouts;
	enum mq_eh_timer_return timeout_ret;
	bool complete_in_timeout;
	bool requeue_in_timeout;
	spinlock_t lock;	/* protects held[] */
};

static blk_status_t tdrv_queue_rq(struct mq_hw_ctx *hctx,
				  const struct mq_queue_data *bd)
{
	struct tdrv *d = hctx->queue->queuedata;

	spin_lock(&d->lock);
	if (d->nr_held < ARRAY_SIZE(d->held))
		d->held[d->nr_held++] = bd->rq;
	spin_unlock(&d->lock);
	return BLK_STS_OK;
}

static enum mq_eh_timer_return tdrv_timeout(struct mq_request *rq)
{
	struct tdrv *d = rq->q->queuedata;

	atomic_inc(&d->timeouts);
	if (d->complete_in_timeout) {
		/* The handler owns it: this completion must be deferred. */
		if (mq_complete_request(rq))
			pr_info("    # completion during timeout not deferred\n");
	}
	if (d->requeue_in_timeout) {
		/* The handler gives it back for another go, then says so. */
		d->requeue_in_timeout = false;
		mq_requeue_request(rq, true);
		return MQ_EH_RESET_TIMER;
	}
	if (d->timeout_ret == MQ_EH_DONE)
		mq_end_request(rq, BLK_STS_TIMEOUT);
	return d->timeout_ret;
}

static const struct mq_ops tdrv_ops = {
	.queue_rq = tdrv_queue_rq,
	.timeout = tdrv_timeout,
};

static void tdrv_end_io(struct mq_request *rq, blk_status_t status)
{
	struct tdrv *d = rq->q->queuedata;

	atomic_inc(&d->ended);
	mq_free_request(rq);
}

static int tset_init(struct mq_tag_set *set, unsigned int nr_hw,
		     unsigned int depth, unsigned int reserved)
{
	memset(set, 0, sizeof(*set));
	set->ops = &tdrv_ops;
	set->nr_hw_queues = nr_hw;
	set->queue_depth = depth;
	set->reserved_tags = reserved;
	set->numa_node = NUMA_NO_NODE;
	set->timeout = 1;
	return mq_alloc_tag_set(set);
}

static bool test_map_one(unsigned int ncpus, unsigned int nr_queues,
			 unsigned int off)
{
	unsigned int *count, cpu, q, n = 0, lo = UINT_MAX, hi = 0;
	struct mq_queue_map map = { .nr_queues = nr_queues,
				    .queue_offset = off };
	cpumask_var_t mask;
	bool ok = true, smt = false;

	map.mq_map = kcalloc(nr_cpu_ids, sizeof(*map.mq_map), GFP_KERNEL);
	count = kcalloc(off + nr_queues, sizeof(*count), GFP_KERNEL);
	if (!map.mq_map || !count || !zalloc_cpumask_var(&mask, GFP_KERNEL)) {
		kfree(map.mq_map);
		kfree(count);
		return false;
	}
	for_each_possible_cpu(cpu) {
		if (n++ < ncpus)
			cpumask_set_cpu(cpu, mask);
		if (cpumask_weight(topology_sibling_cpumask(cpu)) > 1)
			smt = true;
	}
	mq_map_queues_mask(&map, mask);
	for_each_possible_cpu(cpu) {
		q = map.mq_map[cpu];
		ok &= KTAP_CHECK(q >= off && q < off + nr_queues,
				 "cpu %u -> %u outside [%u,%u)", cpu, q, off,
				 off + nr_queues);
		if (ok && cpumask_test_cpu(cpu, mask))
			count[q]++;
	}
	for (q = off; ok && q < off + nr_queues; q++) {
		lo = min(lo, count[q]);
		hi = max(hi, count[q]);
	}
	/* Every queue used when there are enough CPUs, and evenly. */
	if (ok && nr_queues <= ncpus)
		ok &= KTAP_CHECK(lo >= 1, "%u cpus %u queues: an idle queue",
				 ncpus, nr_queues);
	if (ok && !smt)
		ok &= KTAP_CHECK(hi - lo <= 1, "%u cpus %u queues: %u..%u",
				 ncpus, nr_queues, lo, hi);
	free_cpumask_var(mask);
	kfree(count);
	kfree(map.mq_map);
	return ok;
}

static void test_map(void)
{
	unsigned int ncpus, nq;
	bool ok = true;

	for (ncpus = 1; ncpus <= num_possible_cpus(); ncpus++)
		for (nq = 1; nq <= 8; nq++) {
			ok &= test_map_one(ncpus, nq, 0);
			ok &= test_map_one(ncpus, nq, 3);
		}
	ktap_result(ok, "map_spread_1_to_N_cpus_and_queues");
}

static bool count_busy(struct mq_request *rq, void *data)
{
	(*(unsigned int *)data)++;
	return true;
}

static void test_tags(void)
{
	struct mq_request *rqs[8], *rq;
	struct mq_tag_set set;
	struct mq_queue *q;
	struct tdrv *d;
	unsigned int i, busy = 0;
	bool ok = true;
	int ret;

	d = kzalloc(sizeof(*d), GFP_KERNEL);
	ret = d ? tset_init(&set, 1, 8, 2) : -ENOMEM;
	if (ret) {
		kfree(d);
		ktap_result(false, "tags_alloc_reserved_exhaust_lookup");
		return;
	}
	spin_lock_init(&d->lock);
	q = mq_alloc_queue(&set, d);
	if (IS_ERR(q)) {
		ok = false;
		goto out_set;
	}
	for (i = 0; i < 6; i++) {
		rqs[i] = mq_alloc_request(q, REQ_OP_DRV_IN, false, true);
		ok &= KTAP_CHECK(!IS_ERR(rqs[i]), "normal tag %u failed", i);
		if (IS_ERR(rqs[i]))
			goto out_queue;
		ok &= KTAP_CHECK(rqs[i]->tag >= 2, "normal tag %d in reserved range",
				 rqs[i]->tag);
		ok &= KTAP_CHECK(mq_tag_to_rq(q->hctxs[0]->tags, rqs[i]->tag) ==
				 rqs[i], "tag_to_rq mismatch");
	}
	rq = mq_alloc_request(q, REQ_OP_DRV_IN, false, true);
	ok &= KTAP_CHECK(PTR_ERR_OR_ZERO(rq) == -EAGAIN,
			 "7th normal tag did not fail with -EAGAIN");
	if (!IS_ERR(rq))
		mq_free_request(rq);
	for (i = 6; i < 8; i++) {
		rqs[i] = mq_alloc_request(q, REQ_OP_DRV_IN, true, true);
		ok &= KTAP_CHECK(!IS_ERR(rqs[i]) && rqs[i]->tag < 2,
				 "reserved tag %u", i);
		if (IS_ERR(rqs[i]))
			goto out_queue;
	}
	rq = mq_alloc_request(q, REQ_OP_DRV_IN, true, true);
	ok &= KTAP_CHECK(IS_ERR(rq), "3rd reserved tag succeeded");
	if (!IS_ERR(rq))
		mq_free_request(rq);

	mq_tagset_busy_iter(&set, count_busy, &busy);
	ok &= KTAP_CHECK(busy == 0, "idle requests counted busy: %u", busy);

	for (i = 0; i < 8; i++)
		mq_free_request(rqs[i]);
	rq = mq_alloc_request(q, REQ_OP_DRV_IN, false, true);
	ok &= KTAP_CHECK(!IS_ERR(rq), "no tag after freeing all");
	if (!IS_ERR(rq))
		mq_free_request(rq);
out_queue:
	if (!IS_ERR(q))
		mq_free_queue(q);
out_set:
	mq_free_tag_set(&set);
	kfree(d);
	ktap_result(ok, "tags_alloc_reserved_exhaust_lookup");
}

static void test_fair_share(void)
{
	struct mq_request *rqs[16], *b;
	struct mq_queue *qa, *qb;
	struct mq_tag_set set;
	unsigned int n = 0, i;
	struct tdrv *d;
	bool ok = true;

	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d || tset_init(&set, 1, 16, 0)) {
		kfree(d);
		ktap_result(false, "fair_share_two_queues");
		return;
	}
	spin_lock_init(&d->lock);
	qa = mq_alloc_queue(&set, d);
	qb = mq_alloc_queue(&set, d);
	if (IS_ERR(qa) || IS_ERR(qb)) {
		ok = false;
		goto out;
	}
	b = mq_alloc_request(qb, REQ_OP_DRV_IN, false, true);
	ok &= KTAP_CHECK(!IS_ERR(b), "queue B got no tag");
	while (n < 16) {
		rqs[n] = mq_alloc_request(qa, REQ_OP_DRV_IN, false, true);
		if (IS_ERR(rqs[n]))
			break;
		n++;
	}
	/* Two active queues on 16 tags: A may hold 8, though 15 are free. */
	ok &= KTAP_CHECK(n == 8, "queue A got %u tags, fair share is 8", n);
	for (i = 0; i < n; i++)
		mq_free_request(rqs[i]);
	if (!IS_ERR(b))
		mq_free_request(b);
out:
	if (!IS_ERR_OR_NULL(qb))
		mq_free_queue(qb);
	if (!IS_ERR_OR_NULL(qa))
		mq_free_queue(qa);
	mq_free_tag_set(&set);
	kfree(d);
	ktap_result(ok, "fair_share_two_queues");
}

/* Issue one request that the driver holds; wait for it to be held. */
static struct mq_request *issue_held(struct mq_queue *q, struct tdrv *d)
{
	struct mq_request *rq;

	rq = mq_alloc_request(q, REQ_OP_DRV_IN, false, false);
	if (IS_ERR(rq))
		return rq;
	rq->end_io = tdrv_end_io;
	rq->timeout = HZ / 10;
	mq_execute_rq_nowait(rq);
	return rq;
}

static bool wait_for(atomic_t *v, int val, unsigned int ms)
{
	while (atomic_read(v) < val && ms) {
		msleep(20);
		ms = ms > 20 ? ms - 20 : 0;
	}
	return atomic_read(v) >= val;
}

static bool wait_for_held(struct tdrv *d, unsigned int n, unsigned int ms)
{
	while (READ_ONCE(d->nr_held) < n && ms) {
		msleep(20);
		ms = ms > 20 ? ms - 20 : 0;
	}
	return READ_ONCE(d->nr_held) >= n;
}

/*
 * A test driver and its queue on a fresh tag set of @nr_hw hctxs x @depth;
 * NULL (with test @name reported failed) if any of it cannot be set up.
 */
static struct tdrv *tdrv_start(struct mq_tag_set *set, struct mq_queue **qp,
			       unsigned int nr_hw, unsigned int depth,
			       const char *name)
{
	struct tdrv *d = kzalloc(sizeof(*d), GFP_KERNEL);
	struct mq_queue *q;

	if (!d || tset_init(set, nr_hw, depth, 0)) {
		kfree(d);
		ktap_result(false, name);
		return NULL;
	}
	spin_lock_init(&d->lock);
	atomic_set(&d->ended, 0);
	q = mq_alloc_queue(set, d);
	if (IS_ERR(q)) {
		mq_free_tag_set(set);
		kfree(d);
		ktap_result(false, name);
		return NULL;
	}
	*qp = q;
	return d;
}

static void test_state_machine(void)
{
	struct mq_tag_set set;
	struct mq_request *rq;
	struct mq_queue *q;
	struct tdrv *d;
	bool ok = true;

	d = tdrv_start(&set, &q, 2, 8, "state_complete_once");
	if (!d)
		return;

	/* 1: a completion counts once; a second one is refused. */
	rq = issue_held(q, d);
	if (IS_ERR(rq)) {
		ok = false;
		goto out_queue;
	}
	ok &= KTAP_CHECK(mq_request_started(rq), "held request not started");
	ok &= KTAP_CHECK(mq_complete_request(rq), "first completion refused");
	ok &= KTAP_CHECK(atomic_read(&d->ended) == 1, "end_io not called once");
	ok &= KTAP_CHECK(!mq_complete_request(rq), "second completion taken");
	ktap_result(ok, "state_complete_once");

	/* 2: timeout handler ends it (DONE); late completion refused. */
	ok = true;
	d->timeout_ret = MQ_EH_DONE;
	rq = issue_held(q, d);
	ok &= KTAP_CHECK(!IS_ERR(rq), "alloc");
	ok &= KTAP_CHECK(wait_for(&d->ended, 2, 5000), "timeout never fired");
	ok &= KTAP_CHECK(atomic_read(&d->timeouts) == 1, "timeouts %d",
			 atomic_read(&d->timeouts));
	ktap_result(ok, "state_timeout_done_ends_once");

	/*
	 * 3: a completion racing with the handler is deferred, then honoured
	 * when the handler resets the timer: ended exactly once, no second
	 * timeout.
	 */
	ok = true;
	d->timeout_ret = MQ_EH_RESET_TIMER;
	d->complete_in_timeout = true;
	rq = issue_held(q, d);
	ok &= KTAP_CHECK(!IS_ERR(rq), "alloc");
	ok &= KTAP_CHECK(wait_for(&d->ended, 3, 5000),
			 "deferred completion lost");
	msleep(300);
	ok &= KTAP_CHECK(atomic_read(&d->ended) == 3, "ended %d times",
			 atomic_read(&d->ended) - 2);
	ok &= KTAP_CHECK(atomic_read(&d->timeouts) == 2, "timeouts %d",
			 atomic_read(&d->timeouts));
	ktap_result(ok, "state_timeout_race_completion_deferred");

	/* 4: RETRY requeues and the driver sees it again. */
	ok = true;
	d->complete_in_timeout = false;
	d->timeout_ret = MQ_EH_RETRY;
	d->nr_held = 0;
	rq = issue_held(q, d);
	ok &= KTAP_CHECK(!IS_ERR(rq), "alloc");
	ok &= KTAP_CHECK(wait_for(&d->timeouts, 3, 5000), "no timeout");
	msleep(100);
	ok &= KTAP_CHECK(READ_ONCE(d->nr_held) >= 2, "not reissued (%u)",
			 READ_ONCE(d->nr_held));
	d->timeout_ret = MQ_EH_DONE;
	ok &= KTAP_CHECK(wait_for(&d->ended, 4, 5000), "never ended");
	ktap_result(ok, "state_timeout_retry_requeues");

	/*
	 * 5: a delayed requeue stays off the hardware for its delay, then is
	 * issued again, flagged as requeued.
	 */
	ok = true;
	msleep(200);
	spin_lock(&d->lock);
	d->nr_held = 0;
	spin_unlock(&d->lock);
	rq = mq_alloc_request(q, REQ_OP_DRV_IN, false, false);
	ok &= KTAP_CHECK(!IS_ERR(rq), "alloc");
	if (!IS_ERR(rq)) {
		rq->end_io = tdrv_end_io;
		rq->timeout = 10 * HZ;
		mq_execute_rq_nowait(rq);
		ok &= KTAP_CHECK(wait_for_held(d, 1, 2000), "not issued");
		ok &= KTAP_CHECK(!mq_rq_is_requeued(rq), "fresh rq flagged");
		spin_lock(&d->lock);
		d->nr_held = 0;
		spin_unlock(&d->lock);
		mq_requeue_request_after(rq, 300);
		msleep(100);
		ok &= KTAP_CHECK(READ_ONCE(d->nr_held) == 0,
				 "reissued before its delay");
		ok &= KTAP_CHECK(wait_for_held(d, 1, 3000),
				 "never reissued");
		ok &= KTAP_CHECK(mq_rq_is_requeued(rq), "requeue not flagged");
		ok &= KTAP_CHECK(mq_complete_request(rq), "completion refused");
		ok &= KTAP_CHECK(wait_for(&d->ended, 5, 2000), "never ended");
	}
	ktap_result(ok, "requeue_after_delays_and_flags");

	/*
	 * 6: a handler that requeues the request and returns RESET_TIMER
	 * hands it back: it is issued again and does not end until the
	 * driver completes it.
	 */
	ok = true;
	msleep(200);
	spin_lock(&d->lock);
	d->nr_held = 0;
	spin_unlock(&d->lock);
	d->timeout_ret = MQ_EH_RESET_TIMER;
	d->requeue_in_timeout = true;
	rq = issue_held(q, d);
	ok &= KTAP_CHECK(!IS_ERR(rq), "alloc");
	if (!IS_ERR(rq)) {
		ok &= KTAP_CHECK(wait_for(&d->timeouts, 5, 5000), "no timeout");
		ok &= KTAP_CHECK(wait_for_held(d, 2, 3000),
				 "requeued request not reissued (%u)",
				 READ_ONCE(d->nr_held));
		/* Its next timeout (100 ms) resets the timer: not ended. */
		msleep(300);
		ok &= KTAP_CHECK(atomic_read(&d->ended) == 5,
				 "requeued request ended by the core (%d)",
				 atomic_read(&d->ended) - 5);
		ok &= KTAP_CHECK(mq_complete_request(rq),
				 "completion after requeue refused");
		ok &= KTAP_CHECK(wait_for(&d->ended, 6, 2000), "never ended");
		msleep(100);
		ok &= KTAP_CHECK(atomic_read(&d->ended) == 6, "ended %d times",
				 atomic_read(&d->ended) - 5);
	}
	ktap_result(ok, "state_timeout_requeue_reset_timer");
out_queue:
	mq_free_queue(q);
	mq_free_tag_set(&set);
	kfree(d);
}

/* A driver that says BUSY once on its second request and counts doorbells. */
struct bdrv {
	atomic_t issued;
	atomic_t last_seen;
	atomic_t commits;
	atomic_t ended;
	int busy_at;		/* the request (0-based) that gets BUSY once */
	bool busy_done;
	struct mq_request *held[8];
};

static blk_status_t bdrv_queue_rq(struct mq_hw_ctx *hctx,
				  const struct mq_queue_data *bd)
{
	struct bdrv *d = hctx->queue->queuedata;
	int n = atomic_read(&d->issued);

	if (n == d->busy_at && !d->busy_done) {
		d->busy_done = true;
		return BLK_STS_DEV_RESOURCE;
	}
	if (n < ARRAY_SIZE(d->held))
		d->held[n] = bd->rq;
	if (bd->last)
		atomic_inc(&d->last_seen);
	atomic_inc(&d->issued);
	return BLK_STS_OK;
}

static void bdrv_commit_rqs(struct mq_hw_ctx *hctx)
{
	struct bdrv *d = hctx->queue->queuedata;

	atomic_inc(&d->commits);
}

static const struct mq_ops bdrv_ops = {
	.queue_rq = bdrv_queue_rq,
	.commit_rqs = bdrv_commit_rqs,
};

static void bdrv_end_io(struct mq_request *rq, blk_status_t status)
{
	struct bdrv *d = rq->q->queuedata;

	atomic_inc(&d->ended);
	mq_free_request(rq);
}

/*
 * A stopped hctx holds requests back; starting it issues them in a batch
 * (only the final one with @last); a BUSY in the middle makes the core
 * ring the doorbell for what it issued (commit_rqs), and the rest is
 * issued again later.
 */
static void test_stop_start_commit(int busy_at, const char *name)
{
	struct mq_request *rq;
	struct mq_tag_set set;
	struct mq_queue *q;
	struct bdrv *d;
	bool ok = true;
	int i;

	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (d)
		d->busy_at = busy_at;
	memset(&set, 0, sizeof(set));
	set.ops = &bdrv_ops;
	set.nr_hw_queues = 1;
	set.queue_depth = 8;
	set.numa_node = NUMA_NO_NODE;
	if (!d || mq_alloc_tag_set(&set)) {
		kfree(d);
		ktap_result(false, name);
		return;
	}
	q = mq_alloc_queue(&set, d);
	if (IS_ERR(q)) {
		ok = false;
		goto out_set;
	}
	mq_stop_hw_queue(q->hctxs[0]);
	ok &= KTAP_CHECK(mq_hw_queue_stopped(q->hctxs[0]), "not stopped");
	for (i = 0; i < 3; i++) {
		rq = mq_alloc_request(q, REQ_OP_DRV_IN, false, false);
		if (IS_ERR(rq)) {
			ok = false;
			goto out_queue;
		}
		rq->end_io = bdrv_end_io;
		mq_execute_rq_nowait(rq);
	}
	msleep(50);
	ok &= KTAP_CHECK(atomic_read(&d->issued) == 0,
			 "stopped hctx issued %d", atomic_read(&d->issued));
	mq_start_hw_queue(q->hctxs[0]);
	ok &= KTAP_CHECK(wait_for(&d->issued, 3, 3000), "issued %d of 3",
			 atomic_read(&d->issued));
	ok &= KTAP_CHECK(atomic_read(&d->commits) == 1,
			 "commit_rqs after BUSY on request %d: %d", busy_at,
			 atomic_read(&d->commits));
	ok &= KTAP_CHECK(atomic_read(&d->last_seen) == 1,
			 "requests with last set: %d", atomic_read(&d->last_seen));
	for (i = 0; i < 3 && i < atomic_read(&d->issued); i++)
		mq_complete_request(d->held[i]);
	ok &= KTAP_CHECK(atomic_read(&d->ended) == 3, "ended %d",
			 atomic_read(&d->ended));
out_queue:
	mq_free_queue(q);
out_set:
	mq_free_tag_set(&set);
	kfree(d);
	ktap_result(ok, name);
}

struct iter_pin {
	struct mq_queue *q;
	struct tdrv *d;
	bool seen, ended_inside, alloc_refused;
};

static bool iter_pin_fn(struct mq_request *rq, void *data)
{
	struct iter_pin *p = data;
	struct mq_request *other;

	p->seen = true;
	/* End it here: its tag must stay taken while the iterator has it. */
	mq_end_request(rq, BLK_STS_OK);
	p->ended_inside = atomic_read(&p->d->ended) == 1;
	other = mq_alloc_request(p->q, REQ_OP_DRV_IN, false, true);
	p->alloc_refused = IS_ERR(other);
	if (!IS_ERR(other))
		mq_free_request(other);
	return true;
}

/*
 * A request ended from a busy-iterator callback keeps its tag until the
 * iterator lets go of it, so the callback never sees the request reused
 * as another I/O; afterwards the tag is free again.
 */
static void test_iter_pin(void)
{
	struct iter_pin p = { };
	struct mq_tag_set set;
	struct mq_request *rq;
	struct mq_queue *q;
	struct tdrv *d;
	bool ok = true;

	d = tdrv_start(&set, &q, 1, 1, "tag_iter_pins_request");
	if (!d)
		return;
	rq = mq_alloc_request(q, REQ_OP_DRV_IN, false, false);
	if (IS_ERR(rq)) {
		ok = false;
		goto out;
	}
	rq->end_io = tdrv_end_io;
	rq->timeout = 10 * HZ;
	mq_execute_rq_nowait(rq);
	ok &= KTAP_CHECK(wait_for_held(d, 1, 2000), "not issued");
	p.q = q;
	p.d = d;
	mq_tagset_busy_iter(&set, iter_pin_fn, &p);
	ok &= KTAP_CHECK(p.seen, "iterator missed the request");
	ok &= KTAP_CHECK(p.ended_inside, "request did not end in the callback");
	ok &= KTAP_CHECK(p.alloc_refused,
			 "its tag was reused while the iterator held it");
	rq = mq_alloc_request(q, REQ_OP_DRV_IN, false, true);
	ok &= KTAP_CHECK(!IS_ERR(rq), "tag not given back after the iterator");
	if (!IS_ERR(rq))
		mq_free_request(rq);
out:
	mq_free_queue(q);
	mq_free_tag_set(&set);
	kfree(d);
	ktap_result(ok, "tag_iter_pins_request");
}

static bool fail_init_hctx;

static int fdrv_init_hctx(struct mq_hw_ctx *hctx, void *driver_data,
			  unsigned int idx)
{
	return fail_init_hctx && idx >= 2 ? -ENOMEM : 0;
}

static const struct mq_ops fdrv_ops = {
	.queue_rq = tdrv_queue_rq,
	.timeout = tdrv_timeout,
	.init_hctx = fdrv_init_hctx,
};

/*
 * mq_update_tag_set_maps() whose rebuild fails (init_hctx refuses the
 * new queues) leaves the set as it was: queue count, depth, every map's
 * counts and CPU mapping, and the queue still does I/O.
 */
static void test_update_maps_restore(void)
{
	static const char name[] = "update_maps_failure_restores";
	unsigned int nr[MQ_HCTX_MAX_TYPES] = { 4 }, *before, cpu;
	struct mq_queue_map old_map;
	struct mq_tag_set set;
	struct mq_request *rq;
	struct mq_queue *q;
	struct tdrv *d;
	bool ok = true;
	int ret;

	before = kcalloc(nr_cpu_ids, sizeof(*before), GFP_KERNEL);
	if (!before) {
		ktap_result(false, name);
		return;
	}
	d = tdrv_start(&set, &q, 2, 8, name);
	if (!d) {
		kfree(before);
		return;
	}
	/* tdrv_start() used tdrv_ops; no queue has started with them yet. */
	set.ops = &fdrv_ops;
	old_map = set.map[MQ_HCTX_DEFAULT];
	for_each_possible_cpu(cpu)
		before[cpu] = set.map[MQ_HCTX_DEFAULT].mq_map[cpu];

	fail_init_hctx = true;
	ret = mq_update_tag_set_maps(&set, nr, 16);
	fail_init_hctx = false;
	ok &= KTAP_CHECK(ret, "update with failing init_hctx succeeded");
	ok &= KTAP_CHECK(set.nr_hw_queues == 2 && set.queue_depth == 8,
			 "set now %u x %u", set.nr_hw_queues, set.queue_depth);
	ok &= KTAP_CHECK(set.map[MQ_HCTX_DEFAULT].nr_queues ==
			 old_map.nr_queues &&
			 set.map[MQ_HCTX_DEFAULT].queue_offset ==
			 old_map.queue_offset, "default map counts changed");
	for_each_possible_cpu(cpu)
		ok &= KTAP_CHECK(set.map[MQ_HCTX_DEFAULT].mq_map[cpu] ==
				 before[cpu], "cpu %u now -> %u, was %u", cpu,
				 set.map[MQ_HCTX_DEFAULT].mq_map[cpu],
				 before[cpu]);
	ok &= KTAP_CHECK(q->nr_hw_queues == 2, "queue has %u hctxs",
			 q->nr_hw_queues);

	/* And the queue still works. */
	rq = mq_alloc_request(q, REQ_OP_DRV_IN, false, false);
	ok &= KTAP_CHECK(!IS_ERR(rq), "alloc after failed update");
	if (!IS_ERR(rq)) {
		rq->end_io = tdrv_end_io;
		rq->timeout = 10 * HZ;
		mq_execute_rq_nowait(rq);
		ok &= KTAP_CHECK(wait_for_held(d, 1, 2000), "not issued");
		ok &= KTAP_CHECK(mq_complete_request(rq), "completion refused");
		ok &= KTAP_CHECK(wait_for(&d->ended, 1, 2000), "never ended");
	}
	mq_free_queue(q);
	mq_free_tag_set(&set);
	kfree(d);
	kfree(before);
	ktap_result(ok, name);
}

static atomic_t steal_bio_ends;

static void steal_bio_end(struct bio *bio)
{
	atomic_inc(&steal_bio_ends);
}

/*
 * mq_rq_steal_bios(): a request's bios go to the end of the list, in
 * order, and the request, ended afterwards, ends none of them.
 */
static void test_steal_bios(void)
{
	struct bio *b[3] = { NULL }, *bio;
	struct mq_tag_set set;
	struct bio_list list;
	struct mq_request *rq;
	struct mq_queue *q;
	struct tdrv *d;
	bool ok = true;
	int i;

	d = tdrv_start(&set, &q, 1, 4, "steal_bios_end_none");
	if (!d)
		return;
	for (i = 0; i < 3; i++) {
		b[i] = bio_kmalloc(0, GFP_KERNEL);
		if (!b[i]) {
			ok = false;
			goto out_bios;
		}
		bio_init(b[i], NULL, NULL, 0, REQ_OP_WRITE);
		b[i]->bi_end_io = steal_bio_end;
		b[i]->bi_iter.bi_size = 4096;
	}
	bio_list_init(&list);
	bio_list_add(&list, b[0]);

	rq = mq_alloc_request(q, REQ_OP_DRV_IN, false, false);
	if (IS_ERR(rq)) {
		ok = false;
		goto out_bios;
	}
	rq->end_io = tdrv_end_io;
	rq->timeout = 10 * HZ;
	mq_execute_rq_nowait(rq);
	ok &= KTAP_CHECK(wait_for_held(d, 1, 2000), "not issued");
	/* Two bios, as mq_submit_bio() and a plug merge leave them. */
	b[1]->bi_next = b[2];
	rq->bio = b[1];
	rq->biotail = b[2];
	rq->nr_bytes = 8192;
	rq->nr_phys_segments = 2;

	mq_rq_steal_bios(rq, &list);
	ok &= KTAP_CHECK(!rq->bio && !rq->biotail && !mq_rq_bytes(rq) &&
			 !rq->nr_phys_segments, "request keeps its data");
	ok &= KTAP_CHECK(mq_complete_request(rq), "completion refused");
	ok &= KTAP_CHECK(wait_for(&d->ended, 1, 2000), "request never ended");
	ok &= KTAP_CHECK(!atomic_read(&steal_bio_ends),
			 "%d bio(s) ended with the request",
			 atomic_read(&steal_bio_ends));
	for (i = 0; i < 3; i++) {
		bio = bio_list_pop(&list);
		ok &= KTAP_CHECK(bio == b[i], "bio %d out of order", i);
		if (bio)
			bio_endio(bio);
	}
	ok &= KTAP_CHECK(bio_list_empty(&list), "list not empty");
	ok &= KTAP_CHECK(atomic_read(&steal_bio_ends) == 3, "%d bio(s) ended",
			 atomic_read(&steal_bio_ends));
out_bios:
	for (i = 0; i < 3; i++) {
		if (!b[i])
			continue;
		bio_uninit(b[i]);
		kfree(b[i]);
	}
	mq_free_queue(q);
	mq_free_tag_set(&set);
	kfree(d);
	ktap_result(ok, "steal_bios_end_none");
}

/*
 * A tag set whose timeout is 0 (cleared by its driver after allocation)
 * and a request without one of its own: the deadline is the core's default
 * (30 s), not "now", which would time the request out at once.
 */
static void test_timeout_zero(void)
{
	struct mq_tag_set set;
	struct mq_request *rq;
	struct mq_queue *q;
	struct tdrv *d;
	bool ok = true;
	long left;

	d = tdrv_start(&set, &q, 1, 4, "timeout_zero_uses_default");
	if (!d)
		return;
	set.timeout = 0;
	rq = mq_alloc_request(q, REQ_OP_DRV_IN, false, false);
	if (IS_ERR(rq)) {
		ok = false;
		goto out;
	}
	rq->end_io = tdrv_end_io;
	mq_execute_rq_nowait(rq);
	ok &= KTAP_CHECK(wait_for_held(d, 1, 2000), "not issued");
	left = (long)(READ_ONCE(rq->deadline) - jiffies);
	ok &= KTAP_CHECK(left > 20 * HZ, "deadline %ld jiffies away", left);
	ok &= KTAP_CHECK(mq_queue_timeout(q) == 30 * HZ, "queue timeout %u",
			 mq_queue_timeout(q));
	msleep(100);
	ok &= KTAP_CHECK(!atomic_read(&d->timeouts), "timed out at once");
	ok &= KTAP_CHECK(mq_complete_request(rq), "completion refused");
	ok &= KTAP_CHECK(wait_for(&d->ended, 1, 2000), "request never ended");
out:
	mq_free_queue(q);
	mq_free_tag_set(&set);
	kfree(d);
	ktap_result(ok, "timeout_zero_uses_default");
}

static int __init mq_core_test_init(void)
{
	pr_info("KTAP version 1\n");
	pr_info("1..15\n");
	test_map();
	test_tags();
	test_fair_share();
	test_state_machine();
	/* BUSY in the middle of the batch, and on its last request. */
	test_stop_start_commit(1, "stop_start_busy_commit");
	test_stop_start_commit(2, "stop_start_busy_last_commit");
	test_iter_pin();
	test_update_maps_restore();
	test_steal_bios();
	test_timeout_zero();
	pr_info("# mq_core_test: pass:%u fail:%u\n", ktap_nr - ktap_failed,
		ktap_failed);
	return ktap_failed ? -EINVAL : 0;
}

static void __exit mq_core_test_exit(void)
{
}

module_init(mq_core_test_init);
module_exit(mq_core_test_exit);
MODULE_DESCRIPTION("mq_core unit tests (KTAP)");
MODULE_LICENSE("GPL");
