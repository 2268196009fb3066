// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/block/<disk>/mq/<n>/: the live shape of each hardware queue.
 *
 * Each hctx directory is a small kobject of its own, freed by its release
 * callback; kobject_del() waits for readers, so the hctx may be freed
 * right after unregistering.  Every show is bounded by sysfs_emit*().
 */
#include <linux/blkdev.h>
#include <linux/kobject.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include "mq.h"

struct mq_hctx_kobj {
	struct kobject kobj;
	struct mq_hw_ctx *hctx;
};

struct mq_hctx_attr {
	struct attribute attr;
	ssize_t (*show)(struct mq_hw_ctx *hctx, char *buf);
};

static const char *const mq_type_names[MQ_HCTX_MAX_TYPES] = {
	[MQ_HCTX_DEFAULT] = "default",
	[MQ_HCTX_READ] = "read",
	[MQ_HCTX_POLL] = "poll",
};

static ssize_t mq_attr_show(struct kobject *kobj, struct attribute *attr,
			    char *buf)
{
	struct mq_hctx_kobj *hk = container_of(kobj, struct mq_hctx_kobj, kobj);
	struct mq_hctx_attr *ha = container_of(attr, struct mq_hctx_attr, attr);

	return ha->show(hk->hctx, buf);
}

/* Online CPUs whose context submits to this hctx, as blk-mq prints them. */
static ssize_t cpu_list_show(struct mq_hw_ctx *hctx, char *buf)
{
	struct mq_queue *q = hctx->queue;
	unsigned int cpu;
	int len = 0, n;

	for_each_online_cpu(cpu) {
		struct mq_ctx *ctx = per_cpu_ptr(q->ctx, cpu);
		unsigned int t;
		bool mine = false;

		for (t = 0; t < MQ_HCTX_MAX_TYPES; t++)
			if (READ_ONCE(ctx->hctxs[t]) == hctx && t == hctx->type)
				mine = true;
		if (!mine)
			continue;
		n = sysfs_emit_at(buf, len, "%s%u", len ? ", " : "", cpu);
		if (!n)
			break;
		len += n;
	}
	return len + sysfs_emit_at(buf, len, "\n");
}

static ssize_t nr_tags_show(struct mq_hw_ctx *hctx, char *buf)
{
	return sysfs_emit(buf, "%u\n", hctx->tags->nr_tags);
}

static ssize_t nr_reserved_tags_show(struct mq_hw_ctx *hctx, char *buf)
{
	return sysfs_emit(buf, "%u\n", hctx->tags->nr_reserved_tags);
}

static ssize_t type_show(struct mq_hw_ctx *hctx, char *buf)
{
	return sysfs_emit(buf, "%s\n", mq_type_names[hctx->type]);
}

static ssize_t active_show(struct mq_hw_ctx *hctx, char *buf)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&hctx->nr_active));
}

static ssize_t mq_hctx_stat_show(struct mq_hw_ctx *hctx, enum mq_stat idx,
				 char *buf)
{
	struct mq_hctx_stats s = { };

	mq_hctx_sum_stats(hctx, &s);
	return sysfs_emit(buf, "%lu\n", s.v[idx]);
}

static ssize_t dispatched_show(struct mq_hw_ctx *hctx, char *buf)
{
	return mq_hctx_stat_show(hctx, MQ_STAT_DISPATCHED, buf);
}

static ssize_t queued_show(struct mq_hw_ctx *hctx, char *buf)
{
	return mq_hctx_stat_show(hctx, MQ_STAT_QUEUED, buf);
}

static ssize_t completed_show(struct mq_hw_ctx *hctx, char *buf)
{
	return mq_hctx_stat_show(hctx, MQ_STAT_COMPLETED, buf);
}

#define MQ_HCTX_ATTR(_name) \
	static struct mq_hctx_attr mq_attr_##_name = __ATTR_RO(_name)

MQ_HCTX_ATTR(cpu_list);
MQ_HCTX_ATTR(nr_tags);
MQ_HCTX_ATTR(nr_reserved_tags);
MQ_HCTX_ATTR(type);
MQ_HCTX_ATTR(active);
MQ_HCTX_ATTR(dispatched);
MQ_HCTX_ATTR(queued);
MQ_HCTX_ATTR(completed);

static struct attribute *mq_hctx_attrs[] = {
	&mq_attr_cpu_list.attr,
	&mq_attr_nr_tags.attr,
	&mq_attr_nr_reserved_tags.attr,
	&mq_attr_type.attr,
	&mq_attr_active.attr,
	&mq_attr_dispatched.attr,
	&mq_attr_queued.attr,
	&mq_attr_completed.attr,
	NULL,
};
ATTRIBUTE_GROUPS(mq_hctx);

static void mq_hctx_kobj_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct mq_hctx_kobj, kobj));
}

static const struct sysfs_ops mq_hctx_sysfs_ops = {
	.show = mq_attr_show,
};

static struct kobj_type mq_hctx_ktype = {
	.sysfs_ops = &mq_hctx_sysfs_ops,
	.default_groups = mq_hctx_groups,
	.release = mq_hctx_kobj_release,
};

void mq_sysfs_unregister_hctxs(struct mq_queue *q)
{
	unsigned int i;

	for (i = 0; i < q->nr_hw_queues; i++) {
		struct mq_hw_ctx *hctx = q->hctxs[i];

		if (!hctx->kobj)
			continue;
		kobject_del(hctx->kobj);
		kobject_put(hctx->kobj);
		hctx->kobj = NULL;
	}
}

int mq_sysfs_register_hctxs(struct mq_queue *q)
{
	struct mq_hctx_kobj *hk;
	unsigned int i;
	int ret;

	if (!q->mq_kobj)
		return -ENODEV;
	for (i = 0; i < q->nr_hw_queues; i++) {
		hk = kzalloc(sizeof(*hk), GFP_KERNEL);
		if (!hk) {
			ret = -ENOMEM;
			goto err;
		}
		hk->hctx = q->hctxs[i];
		ret = kobject_init_and_add(&hk->kobj, &mq_hctx_ktype, q->mq_kobj,
					   "%u", i);
		if (ret) {
			kobject_put(&hk->kobj);
			goto err;
		}
		q->hctxs[i]->kobj = &hk->kobj;
	}
	return 0;
err:
	mq_sysfs_unregister_hctxs(q);
	return ret;
}

static struct mq_queue *mq_kobj_queue(struct kobject *kobj)
{
	return mq_disk_queue(dev_to_disk(kobj_to_dev(kobj->parent)));
}

/*
 * mq/io_timeout: request timeout of this disk in milliseconds (the
 * kernel's queue/io_timeout only exists for blk-mq queues).
 */
static ssize_t io_timeout_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	struct mq_queue *q = mq_kobj_queue(kobj);

	return sysfs_emit(buf, "%u\n", jiffies_to_msecs(READ_ONCE(q->timeout) ?:
							  q->tag_set->timeout));
}

static ssize_t io_timeout_store(struct kobject *kobj,
				struct kobj_attribute *attr, const char *buf,
				size_t count)
{
	struct mq_queue *q = mq_kobj_queue(kobj);
	unsigned int ms;
	int ret;

	ret = kstrtouint(buf, 0, &ms);
	if (ret || !ms || ms > 3600 * MSEC_PER_SEC) {
		pr_warn_ratelimited("%s: io_timeout must be 1..3600000 ms\n",
				    q->disk->disk_name);
		return -EINVAL;
	}
	WRITE_ONCE(q->timeout, msecs_to_jiffies(ms));
	return count;
}

static struct kobj_attribute mq_io_timeout_attr = __ATTR_RW(io_timeout);

/*
 * queue/nr_requests, queue/scheduler, and queue/io_poll_delay on kernels
 * with hybrid polling: the block layer refuses (or, since 6.11, hides)
 * them on bio-based disks, so tools and tests that tune a null_blk or
 * SCSI disk through them would fail on ours.  scheduler offers "none"
 * only: mq_core has no I/O scheduler.  Our own files replace the kernel's in our disks' queue/
 * directory.  They are binary attributes: their read and write reach us
 * directly, not through the queue's sysfs_ops (private to the block layer).
 */
static ssize_t mq_queue_attr_read(struct file *file, struct kobject *kobj,
				  MQ_BIN_ATTR_CONST struct bin_attribute *attr,
				  char *buf, loff_t pos, size_t count)
{
	struct mq_queue *q = attr->private;
	char tmp[16];
	int len;

	if (attr == &q->queue_attrs[0])
		len = scnprintf(tmp, sizeof(tmp), "%u\n", READ_ONCE(q->nr_requests));
	else if (attr == &q->queue_attrs[2])
		len = scnprintf(tmp, sizeof(tmp), "[none]\n");
	else
		len = scnprintf(tmp, sizeof(tmp), "%d\n", READ_ONCE(q->io_poll_delay));
	return memory_read_from_buffer(buf, count, &pos, tmp, len);
}

static ssize_t mq_queue_attr_write(struct file *file, struct kobject *kobj,
				   MQ_BIN_ATTR_CONST struct bin_attribute *attr,
				   char *buf, loff_t pos, size_t count)
{
	struct mq_queue *q = attr->private;
	char tmp[16];
	int ret, val;

	if (pos || count >= sizeof(tmp))
		goto inval;
	memcpy(tmp, buf, count);
	tmp[count] = '\0';
	if (attr == &q->queue_attrs[2]) {
		if (strcmp(strim(tmp), "none")) {
			pr_warn_ratelimited("%s: scheduler: only none (no I/O scheduler here)\n",
					    q->disk->disk_name);
			return -EINVAL;
		}
		return count;
	}
	ret = kstrtoint(tmp, 10, &val);
	if (ret)
		goto inval;
	if (attr == &q->queue_attrs[0]) {
		ret = val < 0 ? -EINVAL : mq_set_nr_requests(q, val);
		if (ret) {
			pr_warn_ratelimited("%s: nr_requests must be 4..%u\n",
					    q->disk->disk_name,
					    q->tag_set->queue_depth);
			return ret;
		}
		return count;
	}
	/* io_poll_delay: -1 classic, >= 0 hybrid (polls classically here). */
	if (val < -1)
		goto inval;
	if (val >= 0 && READ_ONCE(q->io_poll_delay) < 0)
		pr_info_ratelimited("%s: io_poll_delay %d: hybrid polling is not emulated, polling stays classic\n",
				    q->disk->disk_name, val);
	WRITE_ONCE(q->io_poll_delay, val);
	return count;
inval:
	pr_warn_ratelimited("%s: queue/%s: invalid value\n", q->disk->disk_name,
			    attr->attr.name);
	return -EINVAL;
}

static const char *const mq_queue_attr_names[] = {
	"nr_requests", "io_poll_delay", "scheduler",
};

static void mq_sysfs_queue_attrs(struct mq_queue *q, bool add)
{
	struct kobject *kobj = mq_compat_queue_kobj(q->disk);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(mq_queue_attr_names); i++) {
		struct bin_attribute *ba = &q->queue_attrs[i];
		struct attribute kernel_attr = { .name = mq_queue_attr_names[i] };

		if (i == 1 && !MQ_COMPAT_OWN_IO_POLL_DELAY)
			continue;
		if (!add) {
			if (ba->private)
				sysfs_remove_bin_file(kobj, ba);
			ba->private = NULL;
			continue;
		}
		sysfs_bin_attr_init(ba);
		ba->attr.name = mq_queue_attr_names[i];
		ba->attr.mode = 0644;
		ba->read = mq_queue_attr_read;
		ba->write = mq_queue_attr_write;
		ba->private = q;
		/* The kernel's file, if it has one for this queue, goes. */
		sysfs_remove_file(kobj, &kernel_attr);
		if (sysfs_create_bin_file(kobj, ba)) {
			pr_warn("%s: no queue/%s of ours\n", q->disk->disk_name,
				ba->attr.name);
			ba->private = NULL;
		}
	}
}

int mq_sysfs_register(struct mq_queue *q)
{
	int ret;

	q->mq_kobj = kobject_create_and_add("mq", &disk_to_dev(q->disk)->kobj);
	if (!q->mq_kobj)
		return -ENOMEM;
	ret = sysfs_create_file(q->mq_kobj, &mq_io_timeout_attr.attr);
	if (!ret)
		ret = mq_sysfs_register_hctxs(q);
	if (ret) {
		kobject_put(q->mq_kobj);
		q->mq_kobj = NULL;
		return ret;
	}
	mq_sysfs_queue_attrs(q, true);
	return 0;
}

void mq_sysfs_unregister(struct mq_queue *q)
{
	if (!q->mq_kobj)
		return;
	mq_sysfs_queue_attrs(q, false);
	mq_sysfs_unregister_hctxs(q);
	kobject_del(q->mq_kobj);
	kobject_put(q->mq_kobj);
	q->mq_kobj = NULL;
}
