// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs of logical units: /sys/kernel/debug/mq_scsi/<h:0:t:l>/
 * stats (command counters, see &struct mq_scsi_stats) and inflight (the
 * commands the LLD or error handling owns right now).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/jiffies.h>
#include <linux/seq_file.h>

#include "mq_scsi_priv.h"

static struct dentry *mq_scsi_debugfs_root;

static int mq_scsi_stats_show(struct seq_file *m, void *v)
{
	struct mq_scsi_device *sdev = m->private;
	struct mq_scsi_stats sum = { 0 };
	int cpu;

	for_each_possible_cpu(cpu) {
		struct mq_scsi_stats *s = per_cpu_ptr(sdev->stats, cpu);

		sum.dispatched += s->dispatched;
		sum.done += s->done;
		sum.done_late += s->done_late;
		sum.busy += s->busy;
		sum.retries += s->retries;
		sum.queue_full += s->queue_full;
		sum.timeouts += s->timeouts;
		sum.eh_taken += s->eh_taken;
		sum.eh_failed += s->eh_failed;
		sum.medium_errors += s->medium_errors;
	}
	seq_printf(m, "dispatched %llu\n", sum.dispatched);
	seq_printf(m, "done %llu\n", sum.done);
	seq_printf(m, "done_late %llu\n", sum.done_late);
	seq_printf(m, "busy %llu\n", sum.busy);
	seq_printf(m, "retries %llu\n", sum.retries);
	seq_printf(m, "queue_full %llu\n", sum.queue_full);
	seq_printf(m, "timeouts %llu\n", sum.timeouts);
	seq_printf(m, "eh_taken %llu\n", sum.eh_taken);
	seq_printf(m, "eh_failed %llu\n", sum.eh_failed);
	seq_printf(m, "medium_errors %llu\n", sum.medium_errors);
	seq_printf(m, "in_flight %d\n", atomic_read(&sdev->budget));
	seq_printf(m, "queue_depth %u\n", READ_ONCE(sdev->queue_depth));
	seq_printf(m, "max_queue_depth %u\n", READ_ONCE(sdev->max_queue_depth));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(mq_scsi_stats);

struct mq_scsi_inflight_data {
	struct seq_file *m;
	struct mq_scsi_device *sdev;
};

static bool mq_scsi_inflight_one(struct mq_scsi_cmnd *cmd, void *data)
{
	struct mq_scsi_inflight_data *d = data;
	struct mq_request *rq = mq_scsi_cmd_rq(cmd);

	if (rq->q != d->sdev->q)
		return true;
	seq_printf(d->m, "tag %d hwq %u cdb %*phN len %u age_ms %u retries %u%s\n",
		   rq->tag, cmd->hwq, cmd->cmd_len, cmd->cmnd,
		   cmd->transfer_len, jiffies_to_msecs(jiffies - cmd->start),
		   cmd->retries,
		   cmd->flags & MQ_SCMD_PASSTHROUGH ? " passthrough" : "");
	return true;
}

static int mq_scsi_inflight_show(struct seq_file *m, void *v)
{
	struct mq_scsi_device *sdev = m->private;
	struct mq_scsi_inflight_data d = { .m = m, .sdev = sdev };

	mq_scsi_host_busy_iter(sdev->host, mq_scsi_inflight_one, &d);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(mq_scsi_inflight);

void mq_scsi_debugfs_add(struct mq_scsi_device *sdev)
{
	if (IS_ERR_OR_NULL(mq_scsi_debugfs_root))
		return;
	sdev->debugfs_dir = debugfs_create_dir(dev_name(&sdev->dev),
					       mq_scsi_debugfs_root);
	debugfs_create_file("stats", 0400, sdev->debugfs_dir, sdev,
			    &mq_scsi_stats_fops);
	debugfs_create_file("inflight", 0400, sdev->debugfs_dir, sdev,
			    &mq_scsi_inflight_fops);
}

void mq_scsi_debugfs_remove(struct mq_scsi_device *sdev)
{
	debugfs_remove_recursive(sdev->debugfs_dir);
	sdev->debugfs_dir = NULL;
}

/*
 * Per host: inject_timeout (the next N block I/O completions the LLD
 * sends are dropped, so those commands time out and go through the EH)
 * and inject_eh_fail (bit mask of EH steps whose success is ignored, to
 * escalate: 1 abort, 2 device, 4 target, 8 bus, 16 host reset; the
 * handlers still run).
 */
static int mq_scsi_eh_fail_set(void *data, u64 val)
{
	struct mq_scsi_host *shost = data;

	if (val & ~(u64)MQ_SCSI_INJ_ALL) {
		pr_warn("mqhost%u: inject_eh_fail %#llx: only bits 0..4\n",
			shost->host_no, val);
		return -EINVAL;
	}
	WRITE_ONCE(shost->inject_eh_fail, val);
	return 0;
}

static int mq_scsi_eh_fail_get(void *data, u64 *val)
{
	struct mq_scsi_host *shost = data;

	*val = READ_ONCE(shost->inject_eh_fail);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(mq_scsi_eh_fail_fops, mq_scsi_eh_fail_get,
			 mq_scsi_eh_fail_set, "%llu\n");

void mq_scsi_debugfs_add_host(struct mq_scsi_host *shost)
{
	if (IS_ERR_OR_NULL(mq_scsi_debugfs_root))
		return;
	shost->debugfs_dir = debugfs_create_dir(dev_name(&shost->dev),
						mq_scsi_debugfs_root);
	debugfs_create_atomic_t("inject_timeout", 0600, shost->debugfs_dir,
				&shost->inject_timeout);
	debugfs_create_file_unsafe("inject_eh_fail", 0600, shost->debugfs_dir,
				   shost, &mq_scsi_eh_fail_fops);
}

void mq_scsi_debugfs_remove_host(struct mq_scsi_host *shost)
{
	debugfs_remove_recursive(shost->debugfs_dir);
	shost->debugfs_dir = NULL;
}

void mq_scsi_debugfs_init(void)
{
	mq_scsi_debugfs_root = debugfs_create_dir("mq_scsi", NULL);
}

void mq_scsi_debugfs_exit(void)
{
	debugfs_remove_recursive(mq_scsi_debugfs_root);
}
