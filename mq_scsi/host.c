// SPDX-License-Identifier: GPL-2.0
/*
 * mq_scsi hosts: one mq_tag_set per host shared by all its logical units,
 * the mq_core operations (budget per LUN, dispatch to the LLD, completion)
 * and the module's setup.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/dma-mapping.h>
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "mq_scsi_priv.h"

static DEFINE_IDA(mq_scsi_host_ida);

static void mq_scsi_host_release(struct device *dev)
{
	struct mq_scsi_host *shost = container_of(dev, struct mq_scsi_host, dev);

	ida_free(&mq_scsi_host_ida, shost->host_no);
	kfree(shost);
}

struct class mq_scsi_host_class = {
	.name		= "mq_scsi_host",
	.dev_groups	= mq_scsi_host_groups,
};

struct class mq_scsi_dev_class = {
	.name		= "mq_scsi_device",
	.dev_groups	= mq_scsi_dev_groups,
};

/* Scatterlist entries inline in the payload (the first chunk). */
unsigned int mq_scsi_sg_inline(const struct mq_scsi_host_template *t)
{
	return min_t(unsigned int, t->sg_tablesize, MQ_SCSI_SG_CHUNK);
}

/* The LLD's data sits behind the inline scatterlist. */
static unsigned int mq_scsi_priv_offset(const struct mq_scsi_host_template *t)
{
	return ALIGN(sizeof(struct mq_scsi_cmnd) +
		     mq_scsi_sg_inline(t) * sizeof(struct scatterlist), 16);
}

/* Documented in mq_scsi.h. */
void *mq_scsi_cmd_priv(struct mq_scsi_cmnd *cmd)
{
	return (u8 *)cmd + mq_scsi_priv_offset(cmd->sdev->host->hostt);
}
EXPORT_SYMBOL_GPL(mq_scsi_cmd_priv);

/*
 * Give the command back to the core for good.  The payload needs no
 * cleaning: the next first issue of the tag (!mq_rq_is_requeued())
 * resets it.
 */
void mq_scsi_finish(struct mq_request *rq, blk_status_t status)
{
	mq_end_request(rq, status);
}

/* Hold a logical unit for an operation; fails once removal started. */
bool mq_scsi_device_get(struct mq_scsi_device *sdev)
{
	return percpu_ref_tryget_live(&sdev->usage);
}

void mq_scsi_device_put(struct mq_scsi_device *sdev)
{
	percpu_ref_put(&sdev->usage);
}

static bool mq_scsi_get_budget(struct mq_queue *q)
{
	struct mq_scsi_device *sdev = q->queuedata;

	if (atomic_inc_return(&sdev->budget) <= READ_ONCE(sdev->queue_depth))
		return true;
	atomic_dec(&sdev->budget);
	return false;
}

static void mq_scsi_put_budget(struct mq_queue *q)
{
	struct mq_scsi_device *sdev = q->queuedata;

	atomic_dec(&sdev->budget);
}

static blk_status_t mq_scsi_queue_rq(struct mq_hw_ctx *hctx,
				     const struct mq_queue_data *bd)
{
	struct mq_request *rq = bd->rq;
	struct mq_scsi_cmnd *cmd = mq_scsi_rq_cmd(rq);
	struct mq_scsi_device *sdev = rq->q->queuedata;
	struct mq_scsi_host *shost = sdev->host;
	enum mq_scsi_dev_state state = READ_ONCE(sdev->state);
	blk_status_t ret;
	int rc;

	if (unlikely(state == MQ_SDEV_OFFLINE || state == MQ_SDEV_DEL ||
		     READ_ONCE(shost->state) == MQ_SHOST_REMOVING))
		return BLK_STS_IOERR;
	cmd->sdev = sdev;
	/*
	 * First issue: build the CDB and map the data.  A command that came
	 * back (busy, retry, timeout retry, preflush done) keeps both.
	 */
	if (!mq_rq_is_requeued(rq)) {
		/* passthrough flags are set by mq_scsi_execute() */
		if (!mq_scsi_rq_passthrough(rq))
			cmd->flags = 0;
		cmd->retries = 0;
		cmd->start = jiffies;
		/* a chained tail from the tag's previous command */
		mq_scsi_free_sgt(cmd);
		ret = mq_sd_prep(cmd, rq);
		if (ret)
			return ret;
	}
	/*
	 * mq_scsi_unblock_requests() runs the queues again.  Only after the
	 * first issue's prep: a request that came back counts as requeued
	 * and keeps its CDB and data mapping.
	 */
	if (unlikely(atomic_read(&shost->blocked)))
		return BLK_STS_RESOURCE;
	cmd->result = 0;
	cmd->resid = 0;
	/*
	 * All of it: an LLD may copy less sense than the 8 + additional
	 * length bytes SG_IO and the decoder read (virtio-scsi copies what
	 * the device sent), and the tag's previous command may have been
	 * another LUN's (tags are host-wide).
	 */
	memset(cmd->sense_buffer, 0, MQ_SCSI_SENSE_SIZE);
	cmd->hwq = hctx->queue_num;
	cmd->tag = rq->tag;

	/* counted first: the command may complete inside queuecommand */
	this_cpu_inc(sdev->stats->dispatched);
	rc = shost->hostt->queuecommand(shost, cmd);
	if (likely(!rc))
		return BLK_STS_OK;	/* @rq may be gone already */
	this_cpu_dec(sdev->stats->dispatched);
	this_cpu_inc(sdev->stats->busy);
	if (rc == MQ_SCSI_MLQUEUE_DEVICE_BUSY)
		return BLK_STS_DEV_RESOURCE;
	return BLK_STS_RESOURCE;
}

static void mq_scsi_commit_rqs(struct mq_hw_ctx *hctx)
{
	struct mq_scsi_host *shost = mq_scsi_set_host(hctx->queue->tag_set);

	if (shost->hostt->commit_rqs)
		shost->hostt->commit_rqs(shost, hctx->queue_num);
}

static int mq_scsi_init_request(struct mq_tag_set *set, struct mq_request *rq,
				unsigned int hctx_idx, unsigned int numa_node)
{
	struct mq_scsi_host *shost = mq_scsi_set_host(set);
	struct mq_scsi_cmnd *cmd = mq_scsi_rq_cmd(rq);

	memset(cmd, 0, set->cmd_size);
	cmd->sg_first = (struct scatterlist *)(cmd + 1);
	cmd->sgl = cmd->sg_first;
	sg_init_table(cmd->sgl, mq_scsi_sg_inline(shost->hostt));
	/*
	 * The payload may be vmalloc()ed: parameter data and the sense
	 * buffer (which LLDs DMA-map) need their own.
	 */
	cmd->param = kzalloc_node(MQ_SD_UNMAP_LEN, GFP_KERNEL, numa_node);
	cmd->sense_buffer = kzalloc_node(MQ_SCSI_SENSE_SIZE, GFP_KERNEL,
					 numa_node);
	if (!cmd->param || !cmd->sense_buffer) {
		kfree(cmd->param);
		kfree(cmd->sense_buffer);
		cmd->param = NULL;
		cmd->sense_buffer = NULL;
		return -ENOMEM;
	}
	return 0;
}

static void mq_scsi_exit_request(struct mq_tag_set *set, struct mq_request *rq,
				 unsigned int hctx_idx)
{
	struct mq_scsi_cmnd *cmd = mq_scsi_rq_cmd(rq);

	mq_scsi_free_sgt(cmd);
	kfree(cmd->param);
	kfree(cmd->sense_buffer);
	cmd->param = NULL;
	cmd->sense_buffer = NULL;
}

/* Only for LLDs with their own map (the core's spread follows hotplug). */
static void mq_scsi_map_queues(struct mq_tag_set *set)
{
	struct mq_scsi_host *shost = set->driver_data;

	shost->hostt->map_queues(shost, &set->map[MQ_HCTX_DEFAULT]);
}

/*
 * Two tables, because the core keeps its own CPU spread (and remaps it on
 * hotplug) only when .map_queues is NULL: the second is for an LLD that
 * maps CPUs to its queues itself.
 */
#define MQ_SCSI_OPS_COMMON				\
	.queue_rq	= mq_scsi_queue_rq,		\
	.commit_rqs	= mq_scsi_commit_rqs,		\
	.get_budget	= mq_scsi_get_budget,		\
	.put_budget	= mq_scsi_put_budget,		\
	.complete	= mq_scsi_complete_io,		\
	.timeout	= mq_scsi_timeout,		\
	.init_request	= mq_scsi_init_request,		\
	.exit_request	= mq_scsi_exit_request

static const struct mq_ops mq_scsi_mq_ops = {
	MQ_SCSI_OPS_COMMON,
};

static const struct mq_ops mq_scsi_mq_ops_mapped = {
	MQ_SCSI_OPS_COMMON,
	.map_queues	= mq_scsi_map_queues,
};

/* Documented in mq_scsi.h. */
void mq_scsi_done(struct mq_scsi_cmnd *cmd)
{
	struct mq_scsi_device *sdev = cmd->sdev;

	/* debugfs inject_timeout: lose this completion, the EH takes over */
	if (unlikely(atomic_read(&sdev->host->inject_timeout)) &&
	    !(cmd->flags & MQ_SCMD_PASSTHROUGH) &&
	    atomic_add_unless(&sdev->host->inject_timeout, -1, 0)) {
		dev_info(&sdev->dev, "injected timeout: completion of 0x%02x (tag %d) dropped\n",
			 cmd->cmnd[0], cmd->tag);
		return;
	}

	if (likely(mq_complete_request(mq_scsi_cmd_rq(cmd))))
		this_cpu_inc(sdev->stats->done);
	else
		this_cpu_inc(sdev->stats->done_late);
}
EXPORT_SYMBOL_GPL(mq_scsi_done);

struct mq_scsi_iter_data {
	bool (*fn)(struct mq_scsi_cmnd *cmd, void *data);
	void *data;
};

static bool mq_scsi_busy_fn(struct mq_request *rq, void *data)
{
	struct mq_scsi_iter_data *d = data;

	if (!mq_request_started(rq))
		return true;
	return d->fn(mq_scsi_rq_cmd(rq), d->data);
}

/* Documented in mq_scsi.h. */
void mq_scsi_host_busy_iter(struct mq_scsi_host *shost,
			    bool (*fn)(struct mq_scsi_cmnd *cmd, void *data),
			    void *data)
{
	struct mq_scsi_iter_data d = { .fn = fn, .data = data };

	mq_tagset_busy_iter(&shost->tag_set, mq_scsi_busy_fn, &d);
}
EXPORT_SYMBOL_GPL(mq_scsi_host_busy_iter);

/* Documented in mq_scsi.h. */
struct mq_scsi_host *mq_scsi_host_alloc(const struct mq_scsi_host_template *t,
					int privsize)
{
	struct mq_scsi_host *shost;
	int no;

	if (privsize < 0)
		return NULL;
	shost = kzalloc(sizeof(*shost) + privsize, GFP_KERNEL);
	if (!shost)
		return NULL;
	no = ida_alloc(&mq_scsi_host_ida, GFP_KERNEL);
	if (no < 0) {
		kfree(shost);
		return NULL;
	}
	shost->host_no = no;
	shost->hostt = t;
	shost->max_id = 8;
	shost->max_lun = 8;
	shost->max_cmd_len = 16;
	shost->this_id = t->this_id ?: -1;
	spin_lock_init(&shost->host_lock);
	atomic_set(&shost->blocked, 0);
	atomic_set(&shost->inject_timeout, 0);
	shost->can_queue = max(t->can_queue, 0);	/* 0 is refused at add */
	shost->cmd_per_lun = max_t(int, t->cmd_per_lun, 0);
	shost->nr_hw_queues = t->nr_hw_queues ?: 1;
	shost->state = MQ_SHOST_CREATED;
	mutex_init(&shost->scan_mutex);
	INIT_LIST_HEAD(&shost->devices);
	device_initialize(&shost->dev);
	shost->dev.class = &mq_scsi_host_class;
	shost->dev.release = mq_scsi_host_release;
	shost->dev.groups = t->shost_groups;
	dev_set_name(&shost->dev, "mqhost%u", no);
	return shost;
}
EXPORT_SYMBOL_GPL(mq_scsi_host_alloc);

static int mq_scsi_check_template(struct mq_scsi_host *shost)
{
	const struct mq_scsi_host_template *t = shost->hostt;

	if (!t->queuecommand || !t->name || !t->module) {
		pr_err("host template without queuecommand, name or module\n");
		return -EINVAL;
	}
	if (!shost->can_queue || !shost->cmd_per_lun ||
	    !t->sg_tablesize || t->sg_tablesize > MQ_SCSI_MAX_SG ||
	    t->max_sectors < PAGE_SIZE >> SECTOR_SHIFT || !shost->max_id ||
	    !shost->max_lun || shost->max_cmd_len < 6 ||
	    shost->max_cmd_len > MQ_SCSI_MAX_CDB ||
	    (t->max_segment_size && t->max_segment_size < PAGE_SIZE) ||
	    (t->dma_boundary && t->dma_boundary < PAGE_SIZE - 1) ||
	    (t->virt_boundary_mask &&
	     (t->virt_boundary_mask < SECTOR_SIZE - 1 ||
	      !is_power_of_2(t->virt_boundary_mask + 1)))) {
		pr_err("%s: invalid limits (can_queue %u cmd_per_lun %u sg_tablesize %u max_sectors %u max_cmd_len %u max_segment_size %u dma_boundary %#lx virt_boundary_mask %#lx)\n",
		       t->name, shost->can_queue, shost->cmd_per_lun,
		       t->sg_tablesize, t->max_sectors, shost->max_cmd_len,
		       t->max_segment_size, t->dma_boundary,
		       t->virt_boundary_mask);
		return -EINVAL;
	}
	return 0;
}

/* Documented in mq_scsi.h. */
int mq_scsi_add_host(struct mq_scsi_host *shost)
{
	const struct mq_scsi_host_template *t = shost->hostt;
	struct mq_tag_set *set = &shost->tag_set;
	int ret;

	ret = mq_scsi_check_template(shost);
	if (ret)
		return ret;
	memset(set, 0, sizeof(*set));
	set->ops = t->map_queues ? &mq_scsi_mq_ops_mapped : &mq_scsi_mq_ops;
	set->nr_hw_queues = shost->nr_hw_queues;
	set->nr_maps = 1;
	set->queue_depth = shost->can_queue;
	set->cmd_size = mq_scsi_priv_offset(t) + t->cmd_size;
	set->numa_node = NUMA_NO_NODE;
	set->timeout = 30 * HZ;
	set->driver_data = shost;
	set->fops = &mq_sd_fops;
	/* can_queue is per host, not per hardware queue */
	if (shost->nr_hw_queues > 1)
		set->flags |= MQ_F_TAG_HCTX_SHARED;
	/* The LLD owns the disks: an open disk pins it (and so us). */
	ret = __mq_alloc_tag_set(set, t->module);
	if (ret)
		return ret;
	ret = device_add(&shost->dev);
	if (ret) {
		mq_free_tag_set(set);
		return ret;
	}
	mq_scsi_debugfs_add_host(shost);
	WRITE_ONCE(shost->state, MQ_SHOST_RUNNING);
	return 0;
}
EXPORT_SYMBOL_GPL(mq_scsi_add_host);

/* Documented in mq_scsi.h. */
int mq_scsi_add_host_dev(struct mq_scsi_host *shost, struct device *dev)
{
	shost->dev.parent = dev;
	shost->dma_dev = dev;
	return mq_scsi_add_host(shost);
}
EXPORT_SYMBOL_GPL(mq_scsi_add_host_dev);

/* Documented in mq_scsi.h. */
struct mq_scsi_host *mq_scsi_host_get(struct mq_scsi_host *shost)
{
	if (READ_ONCE(shost->state) != MQ_SHOST_RUNNING)
		return NULL;
	get_device(&shost->dev);
	return shost;
}
EXPORT_SYMBOL_GPL(mq_scsi_host_get);

/* Documented in mq_scsi.h. */
void mq_scsi_block_requests(struct mq_scsi_host *shost)
{
	atomic_inc(&shost->blocked);
}
EXPORT_SYMBOL_GPL(mq_scsi_block_requests);

/* Documented in mq_scsi.h. */
void mq_scsi_unblock_requests(struct mq_scsi_host *shost)
{
	struct mq_scsi_device *sdev;

	if (WARN_ON_ONCE(atomic_dec_if_positive(&shost->blocked) < 0))
		return;
	if (atomic_read(&shost->blocked))
		return;
	mutex_lock(&shost->scan_mutex);
	list_for_each_entry(sdev, &shost->devices, siblings)
		mq_run_hw_queues(sdev->q, true);
	mutex_unlock(&shost->scan_mutex);
}
EXPORT_SYMBOL_GPL(mq_scsi_unblock_requests);

/* Documented in mq_scsi.h. */
int mq_scsi_dma_map(struct mq_scsi_cmnd *cmd)
{
	struct device *dev = cmd->sdev->host->dma_dev;
	int n;

	if (!cmd->sg_count)
		return 0;
	if (WARN_ON_ONCE(!dev))
		return -ENOMEM;
	n = dma_map_sg(dev, cmd->sgl, cmd->sg_count, cmd->sc_data_direction);
	return n ?: -ENOMEM;
}
EXPORT_SYMBOL_GPL(mq_scsi_dma_map);

/* Documented in mq_scsi.h. */
void mq_scsi_dma_unmap(struct mq_scsi_cmnd *cmd)
{
	if (cmd->sg_count)
		dma_unmap_sg(cmd->sdev->host->dma_dev, cmd->sgl, cmd->sg_count,
			     cmd->sc_data_direction);
}
EXPORT_SYMBOL_GPL(mq_scsi_dma_unmap);

/* Documented in mq_scsi.h. */
int mq_scsi_change_queue_depth(struct mq_scsi_device *sdev, int depth)
{
	depth = clamp_t(int, depth, 1, sdev->host->can_queue);
	WRITE_ONCE(sdev->max_queue_depth, depth);
	WRITE_ONCE(sdev->queue_depth, depth);
	return depth;
}
EXPORT_SYMBOL_GPL(mq_scsi_change_queue_depth);

/* Documented in mq_scsi.h. */
int mq_scsi_scan_host(struct mq_scsi_host *shost)
{
	return mq_scsi_scan(shost);
}
EXPORT_SYMBOL_GPL(mq_scsi_scan_host);

/* Documented in mq_scsi.h. */
int mq_scsi_remove_lun(struct mq_scsi_host *shost, unsigned int id, u64 lun)
{
	struct mq_scsi_device *sdev, *found = NULL;

	mutex_lock(&shost->scan_mutex);
	if (shost->state == MQ_SHOST_RUNNING) {
		list_for_each_entry(sdev, &shost->devices, siblings) {
			if (sdev->channel == 0 && sdev->id == id &&
			    sdev->lun == lun) {
				found = sdev;
				break;
			}
		}
	}
	if (found)
		mq_scsi_remove_device(found);
	mutex_unlock(&shost->scan_mutex);
	return found ? 0 : -ENODEV;
}
EXPORT_SYMBOL_GPL(mq_scsi_remove_lun);

/* Documented in mq_scsi.h. */
void mq_scsi_remove_host(struct mq_scsi_host *shost)
{
	struct mq_scsi_device *sdev;

	mutex_lock(&shost->scan_mutex);
	if (shost->state != MQ_SHOST_RUNNING) {
		mutex_unlock(&shost->scan_mutex);
		return;
	}
	while ((sdev = list_first_entry_or_null(&shost->devices,
						struct mq_scsi_device,
						siblings)))
		mq_scsi_remove_device(sdev);
	WRITE_ONCE(shost->state, MQ_SHOST_REMOVING);
	mutex_unlock(&shost->scan_mutex);
	mq_scsi_debugfs_remove_host(shost);
	device_del(&shost->dev);
	mq_free_tag_set(&shost->tag_set);
}
EXPORT_SYMBOL_GPL(mq_scsi_remove_host);

/* Documented in mq_scsi.h. */
void mq_scsi_host_put(struct mq_scsi_host *shost)
{
	put_device(&shost->dev);
}
EXPORT_SYMBOL_GPL(mq_scsi_host_put);

static int __init mq_scsi_init(void)
{
	int ret;

	ret = class_register(&mq_scsi_host_class);
	if (ret)
		return ret;
	ret = class_register(&mq_scsi_dev_class);
	if (ret)
		goto err_host;
	ret = mq_sd_init();
	if (ret)
		goto err_dev;
	ret = mq_scsi_sg_init();
	if (ret) {
		mq_sd_exit();
		goto err_dev;
	}
	mq_scsi_debugfs_init();
	return 0;

err_dev:
	class_unregister(&mq_scsi_dev_class);
err_host:
	class_unregister(&mq_scsi_host_class);
	return ret;
}

static void __exit mq_scsi_exit(void)
{
	mq_scsi_debugfs_exit();
	mq_scsi_sg_exit();
	mq_sd_exit();
	class_unregister(&mq_scsi_dev_class);
	class_unregister(&mq_scsi_host_class);
}

module_init(mq_scsi_init);
module_exit(mq_scsi_exit);
MODULE_DESCRIPTION("mq_scsi: scsi-mq initiator layer on mq_core");
MODULE_LICENSE("GPL");
