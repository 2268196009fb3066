// SPDX-License-Identifier: GPL-2.0
/*
 * mq_example_blk - an out-of-tree block driver built against the installed
 * mq-suite (its headers, Module.symvers and Kbuild snippet), not its
 * source tree: the example of PORTING.md, section 5.
 *
 * One memory-backed disk, /dev/mqexample0, with @nr_queues hardware queues
 * of @queue_depth tags each.  Requests are served in &mq_ops.queue_rq by
 * copying between the bio pages and a vmalloc'ed buffer, and completed
 * through mq_complete_request(), so &mq_ops.complete ends them on the CPU
 * the core chooses (rq_affinity).  What a real driver adds on top: an
 * interrupt handler that calls mq_complete_request(), &mq_ops.timeout and
 * the device's flush (set %MQ_LIM_WRITE_CACHE and handle %REQ_OP_FLUSH).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bvec.h>
#include <linux/highmem.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/vmalloc.h>

#include <mq_core.h>

#define EX_MAX_SIZE_MB		1024
#define EX_MAX_QUEUE_DEPTH	1024

static unsigned int size_mb = 64;
module_param(size_mb, uint, 0444);
MODULE_PARM_DESC(size_mb, "Disk size in MiB (1-1024). Default: 64");

static unsigned int nr_queues = 2;
module_param(nr_queues, uint, 0444);
MODULE_PARM_DESC(nr_queues, "Hardware queues (1 to the number of possible CPUs). Default: 2");

static unsigned int queue_depth = 64;
module_param(queue_depth, uint, 0444);
MODULE_PARM_DESC(queue_depth, "Tags per hardware queue (1-1024). Default: 64");

/**
 * struct ex_cmd - the driver payload preallocated behind every request
 * @status: the outcome, set in ex_queue_rq(), reported in ex_complete()
 */
struct ex_cmd {
	blk_status_t status;
};

/**
 * struct ex_dev - the one device
 * @set: its tag set
 * @q: its queue and gendisk
 * @data: the disk's contents
 * @bytes: the disk's size
 */
struct ex_dev {
	struct mq_tag_set set;
	struct mq_queue *q;
	u8 *data;
	size_t bytes;
};

static struct ex_dev *ex_dev;

static blk_status_t ex_transfer(struct ex_dev *dev, struct mq_request *rq)
{
	loff_t pos = (loff_t)mq_rq_pos(rq) << SECTOR_SHIFT;
	bool write = mq_rq_op(rq) == REQ_OP_WRITE;
	struct bvec_iter iter;
	struct bio_vec bv;

	if (pos + mq_rq_bytes(rq) > dev->bytes)
		return BLK_STS_IOERR;

	mq_rq_for_each_segment(bv, rq, iter) {
		void *buf = bvec_kmap_local(&bv);

		if (write)
			memcpy(dev->data + pos, buf, bv.bv_len);
		else
			memcpy(buf, dev->data + pos, bv.bv_len);
		kunmap_local(buf);
		pos += bv.bv_len;
	}
	return BLK_STS_OK;
}

static blk_status_t ex_queue_rq(struct mq_hw_ctx *hctx,
				const struct mq_queue_data *bd)
{
	struct mq_request *rq = bd->rq;
	struct ex_cmd *cmd = mq_rq_to_pdu(rq);
	struct ex_dev *dev = hctx->queue->queuedata;

	switch (mq_rq_op(rq)) {
	case REQ_OP_READ:
	case REQ_OP_WRITE:
		cmd->status = ex_transfer(dev, rq);
		break;
	default:
		/* No write cache, discard or write-zeroes is advertised. */
		cmd->status = BLK_STS_NOTSUPP;
		break;
	}
	/* The "interrupt": the request is done, the core ends it. */
	mq_complete_request(rq);
	return BLK_STS_OK;
}

static void ex_complete(struct mq_request *rq)
{
	struct ex_cmd *cmd = mq_rq_to_pdu(rq);

	mq_end_request(rq, cmd->status);
}

static const struct mq_ops ex_mq_ops = {
	.queue_rq	= ex_queue_rq,
	.complete	= ex_complete,
};

static int ex_check_params(void)
{
	if (!size_mb || size_mb > EX_MAX_SIZE_MB) {
		pr_err("size_mb=%u: must be 1 to %u\n", size_mb, EX_MAX_SIZE_MB);
		return -EINVAL;
	}
	if (!nr_queues || nr_queues > nr_cpu_ids) {
		pr_err("nr_queues=%u: must be 1 to %u\n", nr_queues, nr_cpu_ids);
		return -EINVAL;
	}
	if (!queue_depth || queue_depth > EX_MAX_QUEUE_DEPTH) {
		pr_err("queue_depth=%u: must be 1 to %u\n", queue_depth,
		       EX_MAX_QUEUE_DEPTH);
		return -EINVAL;
	}
	return 0;
}

static int __init ex_init(void)
{
	struct mq_limits lim;
	struct ex_dev *dev;
	struct mq_queue *q;
	int ret;

	ret = ex_check_params();
	if (ret)
		return ret;

	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return -ENOMEM;
	dev->bytes = (size_t)size_mb << 20;
	dev->data = vzalloc(dev->bytes);
	if (!dev->data) {
		ret = -ENOMEM;
		goto free_dev;
	}

	dev->set.ops = &ex_mq_ops;
	dev->set.nr_hw_queues = nr_queues;
	dev->set.nr_maps = 1;
	dev->set.queue_depth = queue_depth;
	dev->set.cmd_size = sizeof(struct ex_cmd);
	dev->set.numa_node = NUMA_NO_NODE;
	ret = mq_alloc_tag_set(&dev->set);
	if (ret)
		goto free_data;

	q = mq_alloc_queue(&dev->set, dev);
	if (IS_ERR_OR_NULL(q)) {
		ret = q ? PTR_ERR(q) : -ENOMEM;
		goto free_set;
	}
	dev->q = q;

	strscpy(q->disk->disk_name, "mqexample0", sizeof(q->disk->disk_name));
	set_capacity(q->disk, dev->bytes >> SECTOR_SHIFT);
	mq_get_limits(q, &lim);
	lim.logical_block_size = SECTOR_SIZE;
	lim.physical_block_size = PAGE_SIZE;
	lim.features &= ~(MQ_LIM_ROTATIONAL | MQ_LIM_ADD_RANDOM);
	ret = mq_set_limits(q, &lim);
	if (ret)
		goto free_queue;

	ret = mq_add_disk(q);
	if (ret)
		goto free_queue;

	ex_dev = dev;
	pr_info("%s: %u MiB, %u queues of %u tags\n", q->disk->disk_name,
		size_mb, nr_queues, queue_depth);
	return 0;

free_queue:
	mq_free_queue(q);
free_set:
	mq_free_tag_set(&dev->set);
free_data:
	vfree(dev->data);
free_dev:
	kfree(dev);
	pr_err("cannot create the disk: %d\n", ret);
	return ret;
}

static void __exit ex_exit(void)
{
	struct ex_dev *dev = ex_dev;

	mq_remove_disk(dev->q);
	mq_free_queue(dev->q);
	mq_free_tag_set(&dev->set);
	vfree(dev->data);
	kfree(dev);
}

module_init(ex_init);
module_exit(ex_exit);
MODULE_DESCRIPTION("Example out-of-tree block driver on the installed mq-suite");
MODULE_LICENSE("GPL");
