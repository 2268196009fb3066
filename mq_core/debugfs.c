// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/mq_core/<disk>/: queue state, counters, and per hctx
 * its tags, busy requests and dispatch list.  debugfs removal waits for
 * readers, so the objects behind a file outlive every read of it.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include "mq.h"

static struct dentry *mq_debugfs_root;

static const char *const mq_stat_names[MQ_STAT_NR] = {
	[MQ_STAT_QUEUED] = "queued",
	[MQ_STAT_DISPATCHED] = "dispatched",
	[MQ_STAT_COMPLETED] = "completed",
	[MQ_STAT_BUSY] = "busy",
	[MQ_STAT_REQUEUED] = "requeued",
	[MQ_STAT_TIMEOUTS] = "timeouts",
	[MQ_STAT_MERGED] = "merged",
	[MQ_STAT_POLLS] = "polls",
	[MQ_STAT_POLL_FOUND] = "poll_found",
	[MQ_STAT_RUNS] = "runs",
	[MQ_STAT_FLUSH_SEQ] = "flush_seq",
	[MQ_STAT_FLUSH_WANTED] = "flush_wanted",
	[MQ_STAT_FLUSHES] = "flushes",
	[MQ_STAT_FLUSH_STRIPPED] = "flush_stripped",
};

/* Add @hctx's per-CPU counters to @sum. */
void mq_hctx_sum_stats(struct mq_hw_ctx *hctx, struct mq_hctx_stats *sum)
{
	unsigned int cpu, i;

	for_each_possible_cpu(cpu) {
		struct mq_hctx_stats *s = per_cpu_ptr(hctx->stats, cpu);

		for (i = 0; i < MQ_STAT_NR; i++)
			sum->v[i] += READ_ONCE(s->v[i]);
	}
}

static void mq_show_stats(struct seq_file *m, struct mq_hctx_stats *s)
{
	unsigned int i;

	for (i = 0; i < MQ_STAT_NR; i++)
		seq_printf(m, "%s %lu\n", mq_stat_names[i], s->v[i]);
}

static bool mq_count_busy(struct mq_request *rq, void *data)
{
	(*(unsigned int *)data)++;
	return true;
}

static int queue_state_show(struct seq_file *m, void *v)
{
	struct mq_queue *q = m->private;
	unsigned int busy = 0;

	/* A tag set update frees the tags and hctxs under set->lock. */
	mutex_lock(&q->tag_set->lock);
	mq_queue_busy_iter(q, mq_count_busy, &busy);
	mutex_unlock(&q->tag_set->lock);
	seq_printf(m, "flags 0x%lx%s%s\nfreeze_depth %d\nquiesce_depth %d\n",
		   q->flags, test_bit(MQ_Q_DYING, &q->flags) ? " dying" : "",
		   test_bit(MQ_Q_QUIESCED, &q->flags) ? " quiesced" : "",
		   q->freeze_depth, q->quiesce_depth);
	seq_printf(m, "nr_hw_queues %u\nbusy %u\nshared %d\n", q->nr_hw_queues,
		   busy, mq_set_shared(q->tag_set));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(queue_state);

static int queue_stats_show(struct seq_file *m, void *v)
{
	struct mq_queue *q = m->private;
	struct mq_hctx_stats sum = { };
	unsigned int i;

	mutex_lock(&q->tag_set->lock);
	for (i = 0; i < q->nr_hw_queues; i++)
		mq_hctx_sum_stats(q->hctxs[i], &sum);
	mutex_unlock(&q->tag_set->lock);
	mq_show_stats(m, &sum);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(queue_stats);

static int hctx_stats_show(struct seq_file *m, void *v)
{
	struct mq_hctx_stats s = { };

	mq_hctx_sum_stats(m->private, &s);
	mq_show_stats(m, &s);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hctx_stats);

static int hctx_state_show(struct seq_file *m, void *v)
{
	struct mq_hw_ctx *hctx = m->private;

	seq_printf(m, "state 0x%lx%s%s%s%s\ntype %d\ncpus %*pbl\n",
		   hctx->state,
		   test_bit(MQ_S_STOPPED, &hctx->state) ? " stopped" : "",
		   test_bit(MQ_S_TAG_ACTIVE, &hctx->state) ? " tag_active" : "",
		   test_bit(MQ_S_RESTART, &hctx->state) ? " restart" : "",
		   test_bit(MQ_S_INACTIVE, &hctx->state) ? " inactive" : "",
		   hctx->type, cpumask_pr_args(hctx->cpumask));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hctx_state);

static int hctx_tags_show(struct seq_file *m, void *v)
{
	struct mq_hw_ctx *hctx = m->private;
	struct mq_tags *tags = hctx->tags;

	seq_printf(m, "nr_tags %u\nnr_reserved_tags %u\nbusy %u\n",
		   tags->nr_tags, tags->nr_reserved_tags, mq_tags_busy(tags));
	seq_printf(m, "active_queues %d\nnr_active %d\n",
		   atomic_read(&tags->active_queues),
		   atomic_read(&hctx->nr_active));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hctx_tags);

static void mq_show_rq(struct seq_file *m, struct mq_request *rq)
{
	const struct mq_ops *ops = rq->q->tag_set->ops;

	seq_printf(m, "tag %d op %u flags 0x%x sector %llu bytes %u state %d cpu %d deadline %ld",
		   rq->tag, mq_rq_op(rq), rq->cmd_flags,
		   (unsigned long long)rq->sector, rq->nr_bytes,
		   READ_ONCE(rq->state), rq->mq_cpu,
		   (long)(READ_ONCE(rq->deadline) - jiffies));
	if (ops->show_rq)
		ops->show_rq(m, rq);
	seq_putc(m, '\n');
}

static bool mq_show_busy_rq(struct mq_request *rq, void *data)
{
	mq_show_rq(data, rq);
	return true;
}

static int hctx_busy_show(struct seq_file *m, void *v)
{
	mq_hctx_busy_iter(m->private, mq_show_busy_rq, m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hctx_busy);

static int hctx_dispatch_show(struct seq_file *m, void *v)
{
	struct mq_hw_ctx *hctx = m->private;
	struct mq_request *rq;

	spin_lock_irq(&hctx->lock);
	list_for_each_entry(rq, &hctx->dispatch, queuelist)
		mq_show_rq(m, rq);
	spin_unlock_irq(&hctx->lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hctx_dispatch);

/* The flush machine of one hctx: who waits for which step. */
static int hctx_flush_show(struct seq_file *m, void *v)
{
	struct mq_hw_ctx *hctx = m->private;
	struct mq_flush_queue *fq = hctx->fq;
	unsigned int pending = 0, running = 0, data = 0;
	struct mq_request *rq;
	bool in_flight;

	spin_lock_irq(&fq->lock);
	list_for_each_entry(rq, &fq->queue[fq->pending_idx], flush_node)
		pending++;
	in_flight = fq->pending_idx != fq->running_idx;
	if (in_flight)
		list_for_each_entry(rq, &fq->queue[fq->running_idx], flush_node)
			running++;
	list_for_each_entry(rq, &fq->data_in_flight, flush_node)
		data++;
	spin_unlock_irq(&fq->lock);
	seq_printf(m, "flush_in_flight %d\nwaiting_running %u\nwaiting_pending %u\ndata_in_flight %u\n",
		   in_flight, running, pending, data);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hctx_flush);

void mq_debugfs_register_hctxs(struct mq_queue *q)
{
	unsigned int i;
	char name[20];

	if (!q->debugfs_dir)
		return;
	for (i = 0; i < q->nr_hw_queues; i++) {
		struct mq_hw_ctx *hctx = q->hctxs[i];
		struct dentry *d;

		snprintf(name, sizeof(name), "hctx%u", i);
		d = debugfs_create_dir(name, q->debugfs_dir);
		hctx->debugfs_dir = d;
		debugfs_create_file("state", 0400, d, hctx, &hctx_state_fops);
		debugfs_create_file("stats", 0400, d, hctx, &hctx_stats_fops);
		debugfs_create_file("tags", 0400, d, hctx, &hctx_tags_fops);
		debugfs_create_file("busy", 0400, d, hctx, &hctx_busy_fops);
		debugfs_create_file("dispatch", 0400, d, hctx,
				    &hctx_dispatch_fops);
		debugfs_create_file("flush", 0400, d, hctx, &hctx_flush_fops);
	}
}

void mq_debugfs_unregister_hctxs(struct mq_queue *q)
{
	unsigned int i;

	for (i = 0; i < q->nr_hw_queues; i++) {
		debugfs_remove_recursive(q->hctxs[i]->debugfs_dir);
		q->hctxs[i]->debugfs_dir = NULL;
	}
}

void mq_debugfs_register(struct mq_queue *q)
{
	q->debugfs_dir = debugfs_create_dir(q->disk->disk_name,
					    mq_debugfs_root);
	if (IS_ERR(q->debugfs_dir)) {
		q->debugfs_dir = NULL;
		return;
	}
	debugfs_create_file("state", 0400, q->debugfs_dir, q,
			    &queue_state_fops);
	debugfs_create_file("stats", 0400, q->debugfs_dir, q,
			    &queue_stats_fops);
	mq_debugfs_register_hctxs(q);
}

void mq_debugfs_unregister(struct mq_queue *q)
{
	debugfs_remove_recursive(q->debugfs_dir);
	q->debugfs_dir = NULL;
}

void mq_debugfs_init(void)
{
	mq_debugfs_root = debugfs_create_dir("mq_core", NULL);
}

void mq_debugfs_exit(void)
{
	debugfs_remove_recursive(mq_debugfs_root);
}
