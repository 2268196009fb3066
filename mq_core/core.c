// SPDX-License-Identifier: GPL-2.0
/*
 * mq_core: tag sets, queues and their gendisks, and the bio entry point.
 *
 * Our disks are bio-based: the block layer calls mq_submit_bio() for every
 * bio, and everything from there to bio_endio() is ours.  The gendisk owns
 * its request_queue (blk_alloc_disk), and our struct mq_queue lives until
 * the gendisk is released (->free_disk), so an open file descriptor on a
 * removed disk never sees freed memory.
 */
#include <linux/blkdev.h>
#include <linux/cpu.h>
#include <linux/hdreg.h>
#include <linux/module.h>
#include <linux/pr.h>
#include <linux/slab.h>
#include "mq.h"

struct workqueue_struct *mq_wq;

/*
 * The kernel's block_device_operations methods, in the running kernel's
 * signatures, forwarding to the driver's &struct mq_disk_ops.
 */
static int mq_do_open(struct gendisk *disk, blk_mode_t mode)
{
	struct mq_queue *q = mq_disk_queue(disk);
	int ret = 0;

	/* Pin the driver too, so it cannot be unloaded while we are open. */
	if (!try_module_get(q->owner))
		return -ENXIO;
	if (q->drv_fops && q->drv_fops->open)
		ret = q->drv_fops->open(disk, mode);
	if (ret)
		module_put(q->owner);
	return ret;
}

static void mq_do_release(struct gendisk *disk)
{
	struct mq_queue *q = mq_disk_queue(disk);

	if (q->drv_fops && q->drv_fops->release)
		q->drv_fops->release(disk);
	module_put(q->owner);
}

static int mq_ioctl(struct block_device *bdev, blk_mode_t mode,
		    unsigned int cmd, unsigned long arg)
{
	struct mq_queue *q = mq_disk_queue(bdev->bd_disk);

	if (q->drv_fops && q->drv_fops->ioctl)
		return q->drv_fops->ioctl(bdev, mode, cmd, arg);
	return -ENOTTY;
}

static int mq_compat_ioctl(struct block_device *bdev, blk_mode_t mode,
			   unsigned int cmd, unsigned long arg)
{
	struct mq_queue *q = mq_disk_queue(bdev->bd_disk);

	if (q->drv_fops && q->drv_fops->compat_ioctl)
		return q->drv_fops->compat_ioctl(bdev, mode, cmd, arg);
	return -ENOIOCTLCMD;
}

static int mq_do_getgeo(struct gendisk *disk, struct hd_geometry *geo)
{
	struct mq_queue *q = mq_disk_queue(disk);

	if (q->drv_fops && q->drv_fops->getgeo)
		return q->drv_fops->getgeo(disk, geo);
	/* Like most virtual disks: 64 heads, 32 sectors. */
	geo->heads = 64;
	geo->sectors = 32;
	geo->cylinders = get_capacity(disk) >> 11;
	return 0;
}

#ifdef HAVE_BLK_MODE_T
#define mq_open		mq_do_open
#define mq_release	mq_do_release
#else
static int mq_open(struct block_device *bdev, fmode_t mode)
{
	return mq_do_open(bdev->bd_disk, mode);
}

static void mq_release(struct gendisk *disk, fmode_t mode)
{
	mq_do_release(disk);
}
#endif

#ifdef HAVE_GETGEO_GENDISK
#define mq_getgeo	mq_do_getgeo
#else
static int mq_getgeo(struct block_device *bdev, struct hd_geometry *geo)
{
	return mq_do_getgeo(bdev->bd_disk, geo);
}
#endif

/*
 * Persistent reservations: the driver's pr_ops, if it has any, behind the
 * core's fops (the block layer looks only at disk->fops->pr_ops).
 */
static const struct pr_ops *mq_drv_pr_ops(struct block_device *bdev)
{
	struct mq_queue *q = mq_disk_queue(bdev->bd_disk);

	return q->drv_fops ? q->drv_fops->pr_ops : NULL;
}

static int mq_pr_register(struct block_device *bdev, u64 old_key, u64 new_key,
			  u32 flags)
{
	const struct pr_ops *ops = mq_drv_pr_ops(bdev);

	if (!ops || !ops->pr_register)
		return -EOPNOTSUPP;
	return ops->pr_register(bdev, old_key, new_key, flags);
}

static int mq_pr_reserve(struct block_device *bdev, u64 key,
			 enum pr_type type, u32 flags)
{
	const struct pr_ops *ops = mq_drv_pr_ops(bdev);

	if (!ops || !ops->pr_reserve)
		return -EOPNOTSUPP;
	return ops->pr_reserve(bdev, key, type, flags);
}

static int mq_pr_release(struct block_device *bdev, u64 key,
			 enum pr_type type)
{
	const struct pr_ops *ops = mq_drv_pr_ops(bdev);

	if (!ops || !ops->pr_release)
		return -EOPNOTSUPP;
	return ops->pr_release(bdev, key, type);
}

static int mq_pr_preempt(struct block_device *bdev, u64 old_key,
			 u64 new_key, enum pr_type type, bool abort)
{
	const struct pr_ops *ops = mq_drv_pr_ops(bdev);

	if (!ops || !ops->pr_preempt)
		return -EOPNOTSUPP;
	return ops->pr_preempt(bdev, old_key, new_key, type, abort);
}

static int mq_pr_clear(struct block_device *bdev, u64 key)
{
	const struct pr_ops *ops = mq_drv_pr_ops(bdev);

	if (!ops || !ops->pr_clear)
		return -EOPNOTSUPP;
	return ops->pr_clear(bdev, key);
}

static const struct pr_ops mq_pr_ops = {
	.pr_register	= mq_pr_register,
	.pr_reserve	= mq_pr_reserve,
	.pr_release	= mq_pr_release,
	.pr_preempt	= mq_pr_preempt,
	.pr_clear	= mq_pr_clear,
};

static void mq_release_queue(struct mq_queue *q)
{
	if (q->srcu) {
		cleanup_srcu_struct(q->srcu);
		kfree(q->srcu);
	}
	percpu_ref_exit(&q->usage);
	kfree(q);
}

/*
 * The last reference to an added gendisk is gone: now the queue may go
 * too.  The block layer calls ->free_disk only for a disk that was added;
 * the queue of one that never was is released by mq_put_queue_disk().
 */
static void mq_free_disk(struct gendisk *disk)
{
	mq_release_queue(mq_disk_queue(disk));
}

/* Drop the queue's reference to its gendisk, and the queue with it. */
static void mq_put_queue_disk(struct mq_queue *q)
{
	bool added = test_bit(GD_ADDED, &q->disk->state);

	put_disk(q->disk);
	if (!added)
		mq_release_queue(q);
}

static void mq_bio_to_request(struct mq_request *rq, struct bio *bio)
{
	rq->sector = bio->bi_iter.bi_sector;
	rq->nr_bytes = bio->bi_iter.bi_size;
	rq->nr_phys_segments = bio_has_data(bio) ? bio_segments(bio) : 0;
	bio->bi_next = NULL;
	rq->bio = bio;
	rq->biotail = bio;
	if (bio->bi_opf & REQ_POLLED)
		WRITE_ONCE(bio->bi_cookie, rq->hctx->queue_num);
}

/*
 * Whether bio_split_to_limits() has anything to look at: the block layer's
 * own quick test, without the call.  A single segment within one page is
 * within every queue's limits.
 */
static bool mq_bio_may_split(struct bio *bio, struct request_queue *kq)
{
	if (bio_op(bio) != REQ_OP_READ && bio_op(bio) != REQ_OP_WRITE)
		return true;
	return kq->limits.chunk_sectors || bio->bi_vcnt != 1 ||
	       bio->bi_io_vec->bv_offset + bio->bi_io_vec->bv_len > PAGE_SIZE;
}

static void mq_submit_bio(struct bio *bio)
{
	struct mq_queue *q = mq_disk_queue(bio->bi_bdev->bd_disk);
	struct mq_hw_ctx *hctx;
	struct mq_request *rq;

	if (mq_bio_may_split(bio, q->disk->queue)) {
		bio = bio_split_to_limits(bio);
		if (!bio)
			return;
	}
	if (unlikely(!mq_queue_enter(q, bio)))
		return;
	if (current->plug && mq_plug_merge(q, bio)) {
		mq_queue_exit(q);
		return;
	}

	/* Flush sequences complete through interrupts, as in blk-mq. */
	if (unlikely(op_is_flush(bio->bi_opf)))
		bio_clear_polled(bio);
	hctx = mq_map_bio(q, bio->bi_opf);
	if ((bio->bi_opf & REQ_POLLED) && hctx->type != MQ_HCTX_POLL)
		bio_clear_polled(bio);
	rq = mq_get_request(q, hctx, bio->bi_opf, false,
			    bio->bi_opf & REQ_NOWAIT);
	if (unlikely(!rq)) {
		if (bio->bi_opf & REQ_NOWAIT)
			bio_wouldblock_error(bio);
		else
			bio_io_error(bio);
		mq_queue_exit(q);
		return;
	}
	mq_bio_to_request(rq, bio);
	mq_stat_inc(rq->hctx, MQ_STAT_QUEUED);
	if (unlikely(op_is_flush(rq->cmd_flags)) && mq_flush_insert(rq))
		return;
	if (!current->plug || !mq_plug_add(q, rq))
		mq_submit_rq(rq, true);
}

const struct block_device_operations mq_fops = {
	.owner		= THIS_MODULE,
	.submit_bio	= mq_submit_bio,
	.poll_bio	= mq_poll_bio,
	.open		= mq_open,
	.release	= mq_release,
	.ioctl		= mq_ioctl,
	.compat_ioctl	= mq_compat_ioctl,
	.getgeo		= mq_getgeo,
	.pr_ops		= &mq_pr_ops,
	.free_disk	= mq_free_disk,
};

static int mq_setup_maps(struct mq_tag_set *set)
{
	unsigned int i, others = 0, off = 0;

	if (!set->nr_maps)
		set->nr_maps = 1;
	if (set->nr_maps > MQ_HCTX_MAX_TYPES)
		return -EINVAL;
	for (i = 1; i < set->nr_maps; i++)
		others += set->map[i].nr_queues;
	if (others >= set->nr_hw_queues)
		return -EINVAL;
	set->map[MQ_HCTX_DEFAULT].nr_queues = set->nr_hw_queues - others;
	for (i = 0; i < set->nr_maps; i++) {
		set->map[i].queue_offset = off;
		off += set->map[i].nr_queues;
	}
	return 0;
}

static void mq_free_maps(struct mq_tag_set *set)
{
	unsigned int i;

	for (i = 0; i < MQ_HCTX_MAX_TYPES; i++) {
		kfree(set->map[i].mq_map);
		set->map[i].mq_map = NULL;
	}
}

static int mq_alloc_maps(struct mq_tag_set *set)
{
	unsigned int i;

	for (i = 0; i < MQ_HCTX_MAX_TYPES; i++) {
		set->map[i].mq_map = kcalloc_node(nr_cpu_ids,
						  sizeof(*set->map[i].mq_map),
						  GFP_KERNEL, set->numa_node);
		if (!set->map[i].mq_map) {
			mq_free_maps(set);
			return -ENOMEM;
		}
	}
	return 0;
}

static int mq_check_set(struct mq_tag_set *set)
{
	if (!set->ops || !set->ops->queue_rq) {
		pr_err("mq_core: tag set without queue_rq\n");
		return -EINVAL;
	}
	if (!set->nr_hw_queues || set->nr_hw_queues > MQ_MAX_DEPTH) {
		pr_err("mq_core: invalid nr_hw_queues %u\n", set->nr_hw_queues);
		return -EINVAL;
	}
	if (!set->queue_depth || set->queue_depth > MQ_MAX_DEPTH ||
	    set->reserved_tags >= set->queue_depth) {
		pr_err("mq_core: invalid queue_depth %u / reserved_tags %u\n",
		       set->queue_depth, set->reserved_tags);
		return -EINVAL;
	}
	if (set->ops->get_budget && !set->ops->put_budget)
		return -EINVAL;
	return 0;
}

/**
 * __mq_alloc_tag_set - allocate a tag set (use mq_alloc_tag_set())
 * @set: filled by the driver
 * @owner: the driver module
 *
 * Context: process context, may sleep.
 * Return: 0 or a negative errno; on error nothing is left allocated.
 */
int __mq_alloc_tag_set(struct mq_tag_set *set, struct module *owner)
{
	int ret;

	ret = mq_check_set(set);
	if (ret)
		return ret;
	ret = mq_setup_maps(set);
	if (ret) {
		pr_err("mq_core: map queue counts exceed nr_hw_queues %u\n",
		       set->nr_hw_queues);
		return ret;
	}
	if (!set->timeout)
		set->timeout = MQ_DEFAULT_TIMEOUT;
	set->owner = owner;
	mutex_init(&set->lock);
	INIT_LIST_HEAD(&set->queues);
	INIT_LIST_HEAD(&set->all_node);
	set->nr_queues_using = 0;
	set->flags &= ~MQ_F_TAG_QUEUE_SHARED;

	ret = mq_alloc_maps(set);
	if (ret)
		return ret;
	ret = mq_alloc_set_tags(set);
	if (ret)
		goto err_maps;

	cpus_read_lock();
	mutex_lock(&set->lock);
	mq_update_set_maps(set, -1);
	mutex_unlock(&set->lock);
	mq_register_set(set);
	cpus_read_unlock();
	return 0;

err_maps:
	mq_free_maps(set);
	return ret;
}
EXPORT_SYMBOL_GPL(__mq_alloc_tag_set);

/**
 * mq_free_tag_set - free a tag set whose queues are all freed
 * @set: the tag set
 *
 * Context: process context.
 */
void mq_free_tag_set(struct mq_tag_set *set)
{
	WARN_ON_ONCE(!list_empty(&set->queues));
	mq_unregister_set(set);
	mq_free_set_tags(set);
	mq_free_maps(set);
}
EXPORT_SYMBOL_GPL(mq_free_tag_set);

static enum mq_hctx_type mq_hctx_type_of(struct mq_tag_set *set,
					 unsigned int idx)
{
	unsigned int t;

	for (t = 0; t < set->nr_maps; t++) {
		struct mq_queue_map *m = &set->map[t];

		if (idx >= m->queue_offset && idx < m->queue_offset + m->nr_queues)
			return t;
	}
	return MQ_HCTX_DEFAULT;
}

static void mq_free_hctx(struct mq_queue *q, struct mq_hw_ctx *hctx,
			 bool inited)
{
	cancel_delayed_work_sync(&hctx->run_work);
	if (inited)
		mq_flush_free(hctx);
	if (inited && q->tag_set->ops->exit_hctx)
		q->tag_set->ops->exit_hctx(hctx, hctx->queue_num);
	/* Per hctx, or (HCTX_SHARED) the queue's once: both clear here. */
	mq_tag_idle(hctx);
	free_percpu(hctx->stats);
	free_cpumask_var(hctx->cpumask);
	kfree(hctx);
}

static struct mq_hw_ctx *mq_alloc_hctx(struct mq_queue *q, unsigned int idx)
{
	struct mq_tag_set *set = q->tag_set;
	struct mq_hw_ctx *hctx;

	hctx = kzalloc_node(sizeof(*hctx), GFP_KERNEL, set->numa_node);
	if (!hctx)
		return NULL;
	if (!zalloc_cpumask_var_node(&hctx->cpumask, GFP_KERNEL,
				     set->numa_node))
		goto err_hctx;
	hctx->stats = alloc_percpu(struct mq_hctx_stats);
	if (!hctx->stats)
		goto err_mask;
	hctx->queue = q;
	hctx->queue_num = idx;
	hctx->type = mq_hctx_type_of(set, idx);
	hctx->numa_node = set->numa_node;
	hctx->tags = set->tags[(set->flags & MQ_F_TAG_HCTX_SHARED) ? 0 : idx];
	spin_lock_init(&hctx->lock);
	INIT_LIST_HEAD(&hctx->dispatch);
	INIT_DELAYED_WORK(&hctx->run_work, mq_run_work_fn);
	atomic_set(&hctx->nr_active, 0);
	if (set->ops->init_hctx &&
	    set->ops->init_hctx(hctx, set->driver_data, idx))
		goto err_stats;
	if (mq_flush_alloc(hctx))
		goto err_exit_hctx;
	return hctx;

err_exit_hctx:
	if (set->ops->exit_hctx)
		set->ops->exit_hctx(hctx, idx);
err_stats:
	free_percpu(hctx->stats);
err_mask:
	free_cpumask_var(hctx->cpumask);
err_hctx:
	kfree(hctx);
	return NULL;
}

void mq_free_hctxs(struct mq_queue *q)
{
	unsigned int i;

	for (i = 0; i < q->nr_hw_queues; i++)
		if (q->hctxs[i])
			mq_free_hctx(q, q->hctxs[i], true);
	kfree(q->hctxs);
	q->hctxs = NULL;
}

int mq_alloc_hctxs(struct mq_queue *q)
{
	unsigned int i;

	q->hctxs = kcalloc_node(q->nr_hw_queues, sizeof(*q->hctxs),
				GFP_KERNEL, q->tag_set->numa_node);
	if (!q->hctxs)
		return -ENOMEM;
	for (i = 0; i < q->nr_hw_queues; i++) {
		q->hctxs[i] = mq_alloc_hctx(q, i);
		if (!q->hctxs[i]) {
			mq_free_hctxs(q);
			return -ENOMEM;
		}
	}
	return 0;
}

static void mq_set_queue_shared(struct mq_tag_set *set)
{
	struct mq_queue *q;
	unsigned int i;

	if (set->nr_queues_using > 1) {
		WRITE_ONCE(set->flags, set->flags | MQ_F_TAG_QUEUE_SHARED);
		return;
	}
	WRITE_ONCE(set->flags, set->flags & ~MQ_F_TAG_QUEUE_SHARED);
	list_for_each_entry(q, &set->queues, set_node)
		for (i = 0; i < q->nr_hw_queues; i++)
			mq_tag_idle(q->hctxs[i]);
}

/**
 * mq_alloc_queue - create a queue and its (not yet added) gendisk
 * @set: an allocated tag set
 * @queuedata: for the driver (&mq_queue.queuedata)
 *
 * The driver then sets the disk's name, capacity and limits and calls
 * mq_add_disk().  Requests may be issued before that (e.g. to probe the
 * device) with mq_alloc_request().
 *
 * Context: process context, may sleep.
 * Return: the queue, or an ERR_PTR().
 */
struct mq_queue *mq_alloc_queue(struct mq_tag_set *set, void *queuedata)
{
	struct request_queue *kq;
	struct mq_queue *q;
	int ret = -ENOMEM;

	q = kzalloc_node(sizeof(*q), GFP_KERNEL, set->numa_node);
	if (!q)
		return ERR_PTR(-ENOMEM);
	if (percpu_ref_init(&q->usage, mq_usage_release,
			    PERCPU_REF_INIT_ATOMIC, GFP_KERNEL)) {
		kfree(q);
		return ERR_PTR(-ENOMEM);
	}
	q->disk = mq_compat_alloc_disk(set->numa_node);
	if (!q->disk) {
		percpu_ref_exit(&q->usage);
		kfree(q);
		return ERR_PTR(-ENOMEM);
	}
	/* From here on mq_put_queue_disk() frees q. */
	q->disk->fops = &mq_fops;
	q->disk->private_data = q;
	q->tag_set = set;
	q->queuedata = queuedata;
	q->owner = set->owner;
	q->drv_fops = set->fops;
	q->nr_requests = set->queue_depth;
	q->io_poll_delay = -1;
	init_waitqueue_head(&q->freeze_wq);
	mutex_init(&q->freeze_lock);
	timer_setup(&q->timeout_timer, mq_timeout_timer_fn, 0);
	INIT_WORK(&q->timeout_work, mq_timeout_work_fn);
	spin_lock_init(&q->requeue_lock);
	INIT_LIST_HEAD(&q->requeue_list);
	INIT_DELAYED_WORK(&q->requeue_work, mq_requeue_work_fn);
	INIT_LIST_HEAD(&q->set_node);
	atomic_set(&q->nr_active, 0);

	kq = q->disk->queue;
	blk_queue_flag_set(QUEUE_FLAG_SAME_COMP, kq);

	if (set->flags & MQ_F_BLOCKING) {
		q->srcu = kmalloc(sizeof(*q->srcu), GFP_KERNEL);
		if (!q->srcu || init_srcu_struct(q->srcu)) {
			kfree(q->srcu);
			q->srcu = NULL;
			goto err_disk;
		}
	}
	q->ctx = alloc_percpu(struct mq_ctx);
	if (!q->ctx)
		goto err_disk;

	cpus_read_lock();
	mutex_lock(&set->lock);
	q->nr_hw_queues = set->nr_hw_queues;
	ret = mq_alloc_hctxs(q);
	if (ret) {
		mutex_unlock(&set->lock);
		cpus_read_unlock();
		goto err_ctx;
	}
	mq_remap_queue(q);
	list_add_tail(&q->set_node, &set->queues);
	set->nr_queues_using++;
	mq_set_queue_shared(set);
	mutex_unlock(&set->lock);
	cpus_read_unlock();
	return q;

err_ctx:
	free_percpu(q->ctx);
	q->ctx = NULL;
err_disk:
	mq_put_queue_disk(q);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_GPL(mq_alloc_queue);

/**
 * mq_set_poll - enable io_uring polled I/O on a queue
 * @q: the queue; its tag set must have %MQ_HCTX_POLL queues
 * @enable: on or off
 *
 * Context: process context, before mq_add_disk() or with the queue frozen.
 */
void mq_set_poll(struct mq_queue *q, bool enable)
{
	struct mq_tag_set *set = q->tag_set;

	mq_compat_set_poll(q->disk->queue, enable && set->nr_maps > MQ_HCTX_POLL &&
			   set->map[MQ_HCTX_POLL].nr_queues);
}
EXPORT_SYMBOL_GPL(mq_set_poll);

/**
 * mq_set_queue_timeout - set the request timeout of one queue
 * @q: the queue
 * @timeout: jiffies, 1 .. 3600 s; 0 restores the tag set's timeout
 *
 * Requests started from now on use it (as ``mq/io_timeout`` in sysfs does).
 *
 * Context: any.
 * Return: 0, or -EINVAL for a timeout out of range.
 */
int mq_set_queue_timeout(struct mq_queue *q, unsigned int timeout)
{
	if (timeout > 3600 * HZ)
		return -EINVAL;
	WRITE_ONCE(q->timeout, timeout);
	return 0;
}
EXPORT_SYMBOL_GPL(mq_set_queue_timeout);

/**
 * mq_queue_timeout - the request timeout of one queue
 * @q: the queue
 *
 * Context: any.
 * Return: the timeout in jiffies (the queue's own, else the tag set's, else
 * the core's default of 30 s).
 */
unsigned int mq_queue_timeout(struct mq_queue *q)
{
	return __mq_queue_timeout(q);
}
EXPORT_SYMBOL_GPL(mq_queue_timeout);

/**
 * mq_add_disk_groups - make a queue's disk visible, with its attributes
 * @q: the queue, with the disk's name, capacity and limits set
 * @parent: the device the disk belongs to (``/sys/block/<disk>/device``),
 *	or %NULL
 * @groups: %NULL-terminated sysfs attribute groups for the disk's device
 *	(``/sys/block/<disk>/``), present before the uevent; or %NULL
 *
 * Context: process context, may sleep.
 * Return: 0 or a negative errno (then free the queue with mq_free_queue()).
 */
int mq_add_disk_groups(struct mq_queue *q, struct device *parent,
		       const struct attribute_group **groups)
{
	int ret;

	/* Atomic mode until now keeps a failed probe cheap to tear down. */
	percpu_ref_switch_to_percpu(&q->usage);
	ret = device_add_disk(parent, q->disk, groups);
	if (ret)
		return ret;
	ret = mq_sysfs_register(q);
	if (ret) {
		del_gendisk(q->disk);
		return ret;
	}
	mq_debugfs_register(q);
	set_bit(MQ_Q_REGISTERED, &q->flags);
	return 0;
}
EXPORT_SYMBOL_GPL(mq_add_disk_groups);

/**
 * mq_add_disk_parent - make a queue's disk visible under a parent device
 * @q: the queue, with the disk's name, capacity and limits set
 * @parent: the device the disk belongs to (``/sys/block/<disk>/device``),
 *	or %NULL
 *
 * Context: process context, may sleep.
 * Return: 0 or a negative errno (then free the queue with mq_free_queue()).
 */
int mq_add_disk_parent(struct mq_queue *q, struct device *parent)
{
	return mq_add_disk_groups(q, parent, NULL);
}
EXPORT_SYMBOL_GPL(mq_add_disk_parent);

/**
 * mq_add_disk - make a queue's disk visible
 * @q: the queue, with the disk's name, capacity and limits set
 *
 * Context: process context, may sleep.
 * Return: 0 or a negative errno (then free the queue with mq_free_queue()).
 */
int mq_add_disk(struct mq_queue *q)
{
	return mq_add_disk_parent(q, NULL);
}
EXPORT_SYMBOL_GPL(mq_add_disk);

/*
 * Wait for everything that may still touch an hctx or a request of @q
 * without holding a request: dispatch-lock sections (RCU or SRCU) and the
 * RCU sections around adding to a dispatch list.
 */
static void mq_sync_dispatch(struct mq_queue *q)
{
	if (q->srcu)
		synchronize_srcu(q->srcu);
	synchronize_rcu();
}

static void mq_drain_queue(struct mq_queue *q)
{
	mq_mark_dying(q);
	mq_freeze_queue_wait(q);
	timer_delete_sync(&q->timeout_timer);
	cancel_work_sync(&q->timeout_work);
	cancel_delayed_work_sync(&q->requeue_work);
}

/**
 * mq_remove_disk - remove a disk with I/O possibly in flight
 * @q: the queue
 *
 * Deletes the gendisk (dirty data is written back first, then new bios
 * fail), marks the queue dying (waiters for tags or an unfreeze fail) and
 * waits until every request in flight has ended: the driver must still
 * complete or fail them (its timeout handler is still called).
 *
 * Context: process context, sleeps.
 */
void mq_remove_disk(struct mq_queue *q)
{
	if (!test_and_clear_bit(MQ_Q_REGISTERED, &q->flags))
		return;
	mq_debugfs_unregister(q);
	mq_sysfs_unregister(q);
	del_gendisk(q->disk);
	mq_drain_queue(q);
}
EXPORT_SYMBOL_GPL(mq_remove_disk);

/**
 * mq_free_queue - free a queue (after mq_remove_disk(), or instead of
 *	mq_add_disk() when setup failed)
 * @q: the queue
 *
 * The &struct mq_queue itself lives on until the last reference to its
 * gendisk is dropped; a queue whose disk was never added goes at once.
 *
 * Context: process context, sleeps.
 */
void mq_free_queue(struct mq_queue *q)
{
	struct mq_tag_set *set = q->tag_set;

	mq_remove_disk(q);
	mq_drain_queue(q);

	/* Requests are gone; code that listed one may not be yet. */
	mq_sync_dispatch(q);
	cpus_read_lock();
	mutex_lock(&set->lock);
	list_del_init(&q->set_node);
	set->nr_queues_using--;
	mq_free_hctxs(q);
	mq_set_queue_shared(set);
	mutex_unlock(&set->lock);
	cpus_read_unlock();

	free_percpu(q->ctx);
	q->ctx = NULL;
	mq_put_queue_disk(q);
}
EXPORT_SYMBOL_GPL(mq_free_queue);

/*
 * Re-create every queue's hctxs for the set's new geometry.  Called with
 * all queues frozen, so no request, timer or poller references them.
 */
static int mq_rebuild_queues(struct mq_tag_set *set)
{
	struct mq_queue *q;
	int ret;

	ret = mq_alloc_set_tags(set);
	if (ret)
		return ret;
	mq_update_set_maps(set, -1);
	list_for_each_entry(q, &set->queues, set_node) {
		q->nr_hw_queues = set->nr_hw_queues;
		ret = mq_alloc_hctxs(q);
		if (ret)
			return ret;
		mq_remap_queue(q);
		if (!(set->nr_maps > MQ_HCTX_POLL &&
		      set->map[MQ_HCTX_POLL].nr_queues))
			mq_compat_set_poll(q->disk->queue, false);
	}
	return 0;
}

static void mq_teardown_queues(struct mq_tag_set *set)
{
	struct mq_queue *q;

	list_for_each_entry(q, &set->queues, set_node) {
		/* A failed rebuild may have left a queue without hctxs. */
		if (q->hctxs && test_bit(MQ_Q_REGISTERED, &q->flags)) {
			mq_debugfs_unregister_hctxs(q);
			mq_sysfs_unregister_hctxs(q);
		}
		timer_delete_sync(&q->timeout_timer);
		cancel_work_sync(&q->timeout_work);
		if (q->hctxs)
			mq_free_hctxs(q);
		q->nr_hw_queues = 0;
	}
	mq_free_set_tags(set);
}

/**
 * mq_update_tag_set_maps - change queues per type and depth of a live
 *	tag set
 * @set: the tag set
 * @nr_queues: new hardware queues per map type, &mq_tag_set.nr_maps
 *	entries (the default map's first); their sum is the new total
 * @queue_depth: new tags per tag space
 *
 * Freezes every queue of the set (waiting for I/O in flight), re-creates
 * tags, requests and hctxs (calling the driver's init/exit hooks), remaps
 * and unfreezes.  Submitters wait meanwhile; none fails.  On error the old
 * geometry, maps included, is restored exactly as it was before the call.
 *
 * Context: process context, sleeps.
 * Return: 0 or a negative errno.
 */
int mq_update_tag_set_maps(struct mq_tag_set *set,
			   const unsigned int *nr_queues,
			   unsigned int queue_depth)
{
	unsigned int old_nr = set->nr_hw_queues, old_depth = set->queue_depth;
	struct mq_queue_map old_maps[MQ_HCTX_MAX_TYPES];
	unsigned int i, nr_hw_queues = 0;
	struct mq_queue *q;
	int ret;

	/* Snapshot before anything changes: a failure restores this. */
	memcpy(old_maps, set->map, sizeof(old_maps));
	for (i = 0; i < set->nr_maps; i++) {
		if (nr_queues[i] > MQ_MAX_DEPTH)
			return -EINVAL;
		nr_hw_queues += nr_queues[i];
	}
	for (i = 1; i < set->nr_maps; i++)
		set->map[i].nr_queues = nr_queues[i];
	set->nr_hw_queues = nr_hw_queues;
	set->queue_depth = queue_depth;
	ret = mq_check_set(set) ?: mq_setup_maps(set);
	if (ret) {
		set->nr_hw_queues = old_nr;
		set->queue_depth = old_depth;
		memcpy(set->map, old_maps, sizeof(old_maps));
		return ret;
	}

	cpus_read_lock();
	mutex_lock(&set->lock);
	list_for_each_entry(q, &set->queues, set_node)
		mq_freeze_queue(q);
	/* No request is left, but code that listed one may still run. */
	list_for_each_entry(q, &set->queues, set_node)
		mq_sync_dispatch(q);

	mq_teardown_queues(set);
	ret = mq_rebuild_queues(set);
	if (ret) {
		pr_warn("mq_core: tag set update to %u queues x %u failed (%d), restoring\n",
			nr_hw_queues, queue_depth, ret);
		mq_teardown_queues(set);
		set->nr_hw_queues = old_nr;
		set->queue_depth = old_depth;
		memcpy(set->map, old_maps, sizeof(old_maps));
		if (mq_rebuild_queues(set)) {
			/* Nothing left to run on: fail all I/O from now on. */
			mq_teardown_queues(set);
			list_for_each_entry(q, &set->queues, set_node)
				mq_mark_dying(q);
		}
	}
	list_for_each_entry(q, &set->queues, set_node) {
		/* New tags come at the full depth: queue/nr_requests says so. */
		WRITE_ONCE(q->nr_requests, set->queue_depth);
		if (q->hctxs && test_bit(MQ_Q_REGISTERED, &q->flags)) {
			mq_sysfs_register_hctxs(q);
			mq_debugfs_register_hctxs(q);
		}
	}
	list_for_each_entry(q, &set->queues, set_node)
		mq_unfreeze_queue(q);
	mutex_unlock(&set->lock);
	cpus_read_unlock();
	return ret;
}
EXPORT_SYMBOL_GPL(mq_update_tag_set_maps);

/**
 * mq_update_tag_set - change hardware queues and depth of a live tag set
 * @set: the tag set
 * @nr_hw_queues: new total of hardware queues; the read/poll maps keep
 *	their queues, the default map gets the rest
 * @queue_depth: new tags per tag space
 *
 * mq_update_tag_set_maps() with the other map types unchanged.
 *
 * Context: process context, sleeps.
 * Return: 0 or a negative errno.
 */
int mq_update_tag_set(struct mq_tag_set *set, unsigned int nr_hw_queues,
		      unsigned int queue_depth)
{
	unsigned int nr[MQ_HCTX_MAX_TYPES] = { }, i, others = 0;

	for (i = 1; i < set->nr_maps && i < MQ_HCTX_MAX_TYPES; i++) {
		nr[i] = set->map[i].nr_queues;
		others += nr[i];
	}
	if (others >= nr_hw_queues)
		return -EINVAL;
	nr[MQ_HCTX_DEFAULT] = nr_hw_queues - others;
	return mq_update_tag_set_maps(set, nr, queue_depth);
}
EXPORT_SYMBOL_GPL(mq_update_tag_set);

/**
 * mq_set_nr_requests - limit the tags a queue's hardware queues hand out
 * @q: the queue
 * @nr: requests per hardware queue; raised to 4 as the block layer does
 *
 * What writing ``queue/nr_requests`` does to a blk-mq queue without an I/O
 * scheduler: the tag spaces of @q's hardware queues hand out at most @nr
 * tags (reserved ones included) until the next change or tag set update.
 * Freezes every queue of the tag set (the tag spaces may be shared), so
 * it waits for the I/O in flight; submitters wait meanwhile.
 *
 * Context: process context, sleeps.
 * Return: 0, or -EINVAL when @nr exceeds the tag set's depth or does not
 * exceed its reserved tags.
 */
int mq_set_nr_requests(struct mq_queue *q, unsigned int nr)
{
	struct mq_tag_set *set = q->tag_set;
	struct mq_queue *sq;
	unsigned int i;
	int ret = 0;

	nr = max(nr, 4U);
	mutex_lock(&set->lock);
	if (nr > set->queue_depth || nr <= set->reserved_tags) {
		ret = -EINVAL;
		goto out;
	}
	if (nr == q->nr_requests || !q->hctxs)
		goto out;
	list_for_each_entry(sq, &set->queues, set_node)
		mq_freeze_queue(sq);
	for (i = 0; i < q->nr_hw_queues; i++)
		sbitmap_queue_resize(&q->hctxs[i]->tags->bitmap_tags,
				     nr - set->reserved_tags);
	WRITE_ONCE(q->nr_requests, nr);
	list_for_each_entry(sq, &set->queues, set_node)
		mq_unfreeze_queue(sq);
out:
	mutex_unlock(&set->lock);
	return ret;
}
EXPORT_SYMBOL_GPL(mq_set_nr_requests);

/**
 * mq_alloc_request - get a request without a bio (passthrough, internal)
 * @q: the queue
 * @opf: operation and flags (e.g. %REQ_OP_DRV_IN)
 * @reserved: from the reserved tags
 * @nowait: fail with -EAGAIN instead of sleeping
 *
 * The driver fills the payload, sets @end_io if it wants the request back
 * when it ends, and issues it with mq_execute_rq() or
 * mq_execute_rq_nowait().
 *
 * Context: process context unless @nowait.
 * Return: the request or an ERR_PTR() (-EAGAIN, -ENODEV when dying).
 */
struct mq_request *mq_alloc_request(struct mq_queue *q, blk_opf_t opf,
				    bool reserved, bool nowait)
{
	struct mq_request *rq;
	int ret;

	ret = __mq_queue_enter(q, nowait);
	if (ret)
		return ERR_PTR(ret);
	rq = mq_get_request(q, mq_map_bio(q, opf & ~REQ_POLLED),
			    opf & ~REQ_POLLED, reserved, nowait);
	if (!rq) {
		mq_queue_exit(q);
		return ERR_PTR(test_bit(MQ_Q_DYING, &q->flags) ?
			       -ENODEV : -EAGAIN);
	}
	return rq;
}
EXPORT_SYMBOL_GPL(mq_alloc_request);

/**
 * mq_free_request - give back a request from mq_alloc_request()
 * @rq: the request, not in flight (never issued, or ended with @end_io)
 *
 * Context: any.
 */
void mq_free_request(struct mq_request *rq)
{
	mq_free_request_tag(rq);
}
EXPORT_SYMBOL_GPL(mq_free_request);

/**
 * mq_execute_rq_nowait - issue a request from mq_alloc_request()
 * @rq: the request; @end_io is called when it ends
 *
 * Context: any.
 */
void mq_execute_rq_nowait(struct mq_request *rq)
{
	mq_stat_inc(rq->hctx, MQ_STAT_QUEUED);
	mq_submit_rq(rq, true);
}
EXPORT_SYMBOL_GPL(mq_execute_rq_nowait);

static void mq_end_sync_rq(struct mq_request *rq, blk_status_t status)
{
	complete(rq->end_io_data);
}

/**
 * mq_execute_rq - issue a request and wait for it to end
 * @rq: the request from mq_alloc_request(); freed by the caller afterwards
 *	with mq_free_request()
 *
 * Context: process context, sleeps.
 * Return: the status it ended with.
 */
blk_status_t mq_execute_rq(struct mq_request *rq)
{
	DECLARE_COMPLETION_ONSTACK(wait);

	rq->end_io = mq_end_sync_rq;
	rq->end_io_data = &wait;
	mq_execute_rq_nowait(rq);
	wait_for_completion_io(&wait);
	return rq->status;
}
EXPORT_SYMBOL_GPL(mq_execute_rq);

static int __init mq_core_init(void)
{
	int ret;

	mq_wq = alloc_workqueue("mq_core", WQ_MEM_RECLAIM | WQ_HIGHPRI | WQ_PERCPU,
				0);
	if (!mq_wq)
		return -ENOMEM;
	ret = mq_complete_init();
	if (ret)
		goto err_wq;
	ret = mq_map_init();
	if (ret)
		goto err_complete;
	mq_debugfs_init();
	return 0;

err_complete:
	mq_complete_exit();
err_wq:
	destroy_workqueue(mq_wq);
	return ret;
}

static void __exit mq_core_exit(void)
{
	mq_debugfs_exit();
	mq_map_exit();
	mq_complete_exit();
	destroy_workqueue(mq_wq);
}

module_init(mq_core_init);
module_exit(mq_core_exit);
MODULE_DESCRIPTION("mq_core: multi-queue block layer for bio-based disks");
MODULE_LICENSE("GPL");
