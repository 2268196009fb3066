// SPDX-License-Identifier: GPL-2.0
/*
 * mq_nullblk - a null block device on the mq_core multi-queue layer.
 *
 * A drop-in replacement for null_blk (same parameters and configfs
 * attributes, queue_mode 2 only) whose disks are named mqnullb<N>.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/idr.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "nullb.h"

/* nullb_devices, every device's ->nullb and ->power, the shared tag set */
DEFINE_MUTEX(nullb_lock);
static LIST_HEAD(nullb_devices);
static DEFINE_IDA(nullb_indexes);

/* The tag set of shared_tags devices, built from the module parameters. */
static struct mq_tag_set nullb_shared_set;
static unsigned int nullb_shared_users;

static struct dentry *nullb_debugfs_root;

/* Bandwidth limit (mbps): the budget is refilled every tick. */
#define NULLB_BW_TICKS_PER_SEC	50

/*
 * Module parameters.  Besides nr_devices they are the defaults of devices
 * made later with configfs, so they stay writable; every write is checked.
 */
static unsigned int nr_devices = 1;
static int g_submit_queues = 1;
static int g_poll_queues = 1;
static int g_home_node = NUMA_NO_NODE;
static int g_queue_mode = NULLB_Q_MQ;
static int g_gb = 250;
static int g_bs = 512;
static int g_max_sectors;
static int g_irqmode = NULLB_IRQ_SOFTIRQ;
static unsigned long g_completion_nsec = 10000;
static int g_hw_queue_depth = 64;
static unsigned long g_cache_size;
static unsigned int g_mbps;
static int g_no_sched;
static bool g_blocking;
static bool g_shared_tags;
static bool g_shared_tag_bitmap;
static bool g_use_per_node_hctx;
static bool g_memory_backed;
static bool g_discard;
static bool g_virt_boundary;
static unsigned long g_zone_size = 256;
static unsigned long g_zone_capacity;
static unsigned int g_zone_nr_conv;
static unsigned int g_zone_max_open;
static unsigned int g_zone_max_active;
static unsigned int g_zone_append_max_sectors = INT_MAX;
static bool g_zone_full;
static bool g_fua = true;
static bool g_rotational;

static int nullb_param_invalid(const char *val, const struct kernel_param *kp,
			       const char *expected)
{
	pr_err("invalid value '%.*s' for parameter %s: expected %s\n",
	       (int)strcspn(val, "\n"), val, kp->name, expected);
	return -EINVAL;
}

/* Parse an int parameter into @n, in [@min, @max]. */
static int nullb_param_int(const char *val, const struct kernel_param *kp,
			   int min, int max, const char *expected, int *n)
{
	if (kstrtoint(val, 0, n) || *n < min || *n > max)
		return nullb_param_invalid(val, kp, expected);
	return 0;
}

static int nullb_set_nr_devices(const char *val, const struct kernel_param *kp)
{
	unsigned int n;

	if (kstrtouint(val, 0, &n) || n > NULLB_MAX_DEVICES)
		return nullb_param_invalid(val, kp, "0..1024");
	*(unsigned int *)kp->arg = n;
	return 0;
}

static const struct kernel_param_ops nullb_nr_devices_ops = {
	.set	= nullb_set_nr_devices,
	.get	= param_get_uint,
};

/* null_blk takes any number of submit queues and clamps it to 1..nr_cpu_ids. */
static int nullb_set_submit_queues(const char *val,
				   const struct kernel_param *kp)
{
	int n;

	if (nullb_param_int(val, kp, INT_MIN, INT_MAX, "a number", &n))
		return -EINVAL;
	if (n < 1) {
		pr_info("submit_queues %d is less than 1, using 1\n", n);
		n = 1;
	} else if (n > nr_cpu_ids) {
		pr_info("submit_queues %d is more than the %u possible CPUs, using %u\n",
			n, nr_cpu_ids, nr_cpu_ids);
		n = nr_cpu_ids;
	}
	*(int *)kp->arg = n;
	return 0;
}

static const struct kernel_param_ops nullb_submit_queues_ops = {
	.set	= nullb_set_submit_queues,
	.get	= param_get_int,
};

static int nullb_set_poll_queues(const char *val, const struct kernel_param *kp)
{
	int n;

	if (nullb_param_int(val, kp, 0, INT_MAX, "a number >= 0", &n))
		return -EINVAL;
	if (n > nr_cpu_ids) {
		pr_info("poll_queues %d is more than the %u possible CPUs, using %u\n",
			n, nr_cpu_ids, nr_cpu_ids);
		n = nr_cpu_ids;
	}
	*(int *)kp->arg = n;
	return 0;
}

static const struct kernel_param_ops nullb_poll_queues_ops = {
	.set	= nullb_set_poll_queues,
	.get	= param_get_int,
};

static int nullb_set_home_node(const char *val, const struct kernel_param *kp)
{
	int n;

	if (kstrtoint(val, 0, &n) || !nullb_valid_home_node(n))
		return nullb_param_invalid(val, kp, "-1 or an online NUMA node");
	*(int *)kp->arg = n;
	return 0;
}

static const struct kernel_param_ops nullb_home_node_ops = {
	.set	= nullb_set_home_node,
	.get	= param_get_int,
};

/*
 * null_blk's range, 0 (bio), 1 (rq) and 2 (multi-queue).  mq_nullblk has
 * only one I/O path, mq_core's: the other two modes run as 2, with a log
 * line (nullb_validate_dev() says it again for each device).
 */
static int nullb_set_queue_mode(const char *val, const struct kernel_param *kp)
{
	int n;

	if (nullb_param_int(val, kp, NULLB_Q_BIO, NULLB_Q_MQ,
			    "0 (bio), 1 (rq) or 2 (multi-queue)", &n))
		return -EINVAL;
	if (n != NULLB_Q_MQ)
		pr_info("queue_mode %d: devices run as queue_mode 2 (multi-queue through mq_core)\n",
			n);
	*(int *)kp->arg = n;
	return 0;
}

static const struct kernel_param_ops nullb_queue_mode_ops = {
	.set	= nullb_set_queue_mode,
	.get	= param_get_int,
};

static int nullb_set_gb(const char *val, const struct kernel_param *kp)
{
	int n;

	if (nullb_param_int(val, kp, 1, INT_MAX, "a size in GiB >= 1", &n))
		return -EINVAL;
	*(int *)kp->arg = n;
	return 0;
}

static const struct kernel_param_ops nullb_gb_ops = {
	.set	= nullb_set_gb,
	.get	= param_get_int,
};

/* Like null_blk, a block size above the page size is lowered to it. */
static int nullb_set_bs(const char *val, const struct kernel_param *kp)
{
	int n;

	if (kstrtoint(val, 0, &n))
		return nullb_param_invalid(val, kp,
					   "a power of two in 512..4096");
	if (n > NULLB_MAX_BS) {
		pr_info("bs %d is more than %u, using %u\n", n, NULLB_MAX_BS,
			NULLB_MAX_BS);
		n = NULLB_MAX_BS;
	}
	if (!nullb_valid_bs(n))
		return nullb_param_invalid(val, kp,
					   "a power of two in 512..4096");
	*(int *)kp->arg = n;
	return 0;
}

static const struct kernel_param_ops nullb_bs_ops = {
	.set	= nullb_set_bs,
	.get	= param_get_int,
};

static int nullb_set_max_sectors(const char *val,
				 const struct kernel_param *kp)
{
	int n;

	if (kstrtoint(val, 0, &n) || n < 0 || !nullb_valid_max_sectors(n))
		return nullb_param_invalid(val, kp, "0 or 8..8388607");
	*(int *)kp->arg = n;
	return 0;
}

static const struct kernel_param_ops nullb_max_sectors_ops = {
	.set	= nullb_set_max_sectors,
	.get	= param_get_int,
};

static int nullb_set_irqmode(const char *val, const struct kernel_param *kp)
{
	int n;

	if (nullb_param_int(val, kp, NULLB_IRQ_NONE, NULLB_IRQ_TIMER,
			    "0 (none), 1 (softirq) or 2 (timer)", &n))
		return -EINVAL;
	*(int *)kp->arg = n;
	return 0;
}

static const struct kernel_param_ops nullb_irqmode_ops = {
	.set	= nullb_set_irqmode,
	.get	= param_get_int,
};

static int nullb_set_completion_nsec(const char *val,
				     const struct kernel_param *kp)
{
	unsigned long n;

	if (kstrtoul(val, 0, &n) || n > NULLB_MAX_COMPLETION_NSEC)
		return nullb_param_invalid(val, kp, "0..3600000000000 (ns)");
	*(unsigned long *)kp->arg = n;
	return 0;
}

static const struct kernel_param_ops nullb_completion_nsec_ops = {
	.set	= nullb_set_completion_nsec,
	.get	= param_get_ulong,
};

static int nullb_set_hw_queue_depth(const char *val,
				    const struct kernel_param *kp)
{
	int n;

	if (nullb_param_int(val, kp, 1, NULLB_MAX_DEPTH, "1..10240", &n))
		return -EINVAL;
	*(int *)kp->arg = n;
	return 0;
}

static const struct kernel_param_ops nullb_hw_queue_depth_ops = {
	.set	= nullb_set_hw_queue_depth,
	.get	= param_get_int,
};

static int nullb_set_mbps(const char *val, const struct kernel_param *kp)
{
	unsigned int n;

	if (kstrtouint(val, 0, &n))
		return nullb_param_invalid(val, kp, "0..40960 (MiB/s)");
	if (n > NULLB_MAX_MBPS) {
		pr_info("mbps %u is more than %u, using %u\n", n,
			NULLB_MAX_MBPS, NULLB_MAX_MBPS);
		n = NULLB_MAX_MBPS;
	}
	*(unsigned int *)kp->arg = n;
	return 0;
}

static const struct kernel_param_ops nullb_mbps_ops = {
	.set	= nullb_set_mbps,
	.get	= param_get_uint,
};

module_param_cb(nr_devices, &nullb_nr_devices_ops, &nr_devices, 0444);
MODULE_PARM_DESC(nr_devices, "Number of devices to register. Default: 1");

module_param_named(no_sched, g_no_sched, int, 0644);
MODULE_PARM_DESC(no_sched, "No io scheduler (accepted, mq_core has none)");

module_param_cb(submit_queues, &nullb_submit_queues_ops, &g_submit_queues,
		0644);
MODULE_PARM_DESC(submit_queues, "Number of submission queues. Default: 1");

module_param_cb(poll_queues, &nullb_poll_queues_ops, &g_poll_queues, 0644);
MODULE_PARM_DESC(poll_queues, "Number of IOPOLL submission queues. Default: 1");

module_param_cb(home_node, &nullb_home_node_ops, &g_home_node, 0644);
MODULE_PARM_DESC(home_node, "Home node for the device. Default: -1 (any)");

module_param_cb(queue_mode, &nullb_queue_mode_ops, &g_queue_mode, 0644);
MODULE_PARM_DESC(queue_mode, "Block interface to use: only 2 (multi-queue)");

module_param_cb(gb, &nullb_gb_ops, &g_gb, 0644);
MODULE_PARM_DESC(gb, "Size in GiB. Default: 250");

module_param_cb(bs, &nullb_bs_ops, &g_bs, 0644);
MODULE_PARM_DESC(bs, "Block size in bytes (512..4096, power of two). Default: 512");

module_param_cb(max_sectors, &nullb_max_sectors_ops, &g_max_sectors, 0644);
MODULE_PARM_DESC(max_sectors, "Maximum size of a command in 512B sectors. Default: 0 (255)");

module_param_named(blocking, g_blocking, bool, 0644);
MODULE_PARM_DESC(blocking, "Register as a blocking driver (queue_rq may sleep)");

module_param_named(shared_tags, g_shared_tags, bool, 0644);
MODULE_PARM_DESC(shared_tags, "Share one tag set between devices");

module_param_named(shared_tag_bitmap, g_shared_tag_bitmap, bool, 0644);
MODULE_PARM_DESC(shared_tag_bitmap, "Use one tag space for all submission queues");

module_param_cb(irqmode, &nullb_irqmode_ops, &g_irqmode, 0644);
MODULE_PARM_DESC(irqmode, "IRQ completion handler. 0-none, 1-softirq, 2-timer. Default: 1");

module_param_cb(completion_nsec, &nullb_completion_nsec_ops,
		&g_completion_nsec, 0644);
MODULE_PARM_DESC(completion_nsec, "Time in ns to complete a request in hardware (irqmode 2). Default: 10,000ns");

module_param_cb(hw_queue_depth, &nullb_hw_queue_depth_ops, &g_hw_queue_depth,
		0644);
MODULE_PARM_DESC(hw_queue_depth, "Queue depth for each hardware queue. Default: 64");

module_param_named(use_per_node_hctx, g_use_per_node_hctx, bool, 0644);
MODULE_PARM_DESC(use_per_node_hctx, "One submission queue per NUMA node. Default: false");

module_param_named(memory_backed, g_memory_backed, bool, 0644);
MODULE_PARM_DESC(memory_backed, "Create a memory-backed block device. Default: false");

module_param_named(discard, g_discard, bool, 0644);
MODULE_PARM_DESC(discard, "Support discard operations (requires memory_backed). Default: false");

module_param_named(cache_size, g_cache_size, ulong, 0644);
MODULE_PARM_DESC(cache_size, "Cache size in MiB for memory-backed device (accepted, not emulated). Default: 0");

module_param_cb(mbps, &nullb_mbps_ops, &g_mbps, 0644);
MODULE_PARM_DESC(mbps, "Limit maximum bandwidth (in MiB/s). Default: 0 (no limit)");

module_param_named(virt_boundary, g_virt_boundary, bool, 0644);
MODULE_PARM_DESC(virt_boundary, "Require a virtual boundary for the device. Default: False");

/* Zoned devices are not emulated: zoned=1 is refused, zone_* are kept. */
static int nullb_set_zoned(const char *val, const struct kernel_param *kp)
{
	bool on;

	if (kstrtobool(val, &on))
		return nullb_param_invalid(val, kp, "0 or 1");
	if (on) {
		pr_err("zoned=1: zoned devices are not emulated by mq_nullblk\n");
		return -EINVAL;
	}
	*(bool *)kp->arg = on;
	return 0;
}

static const struct kernel_param_ops nullb_zoned_ops = {
	.set	= nullb_set_zoned,
	.get	= param_get_bool,
};

static bool g_zoned;
module_param_cb(zoned, &nullb_zoned_ops, &g_zoned, 0644);
MODULE_PARM_DESC(zoned, "Make a zoned device: only 0, zoned devices are not emulated");

module_param_named(zone_size, g_zone_size, ulong, 0644);
MODULE_PARM_DESC(zone_size, "Zone size in MB (accepted, no zoned devices). Default: 256");

module_param_named(zone_capacity, g_zone_capacity, ulong, 0644);
MODULE_PARM_DESC(zone_capacity, "Zone capacity in MB (accepted, no zoned devices)");

module_param_named(zone_nr_conv, g_zone_nr_conv, uint, 0644);
MODULE_PARM_DESC(zone_nr_conv, "Conventional zones (accepted, no zoned devices)");

module_param_named(zone_max_open, g_zone_max_open, uint, 0644);
MODULE_PARM_DESC(zone_max_open, "Maximum open zones (accepted, no zoned devices)");

module_param_named(zone_max_active, g_zone_max_active, uint, 0644);
MODULE_PARM_DESC(zone_max_active, "Maximum active zones (accepted, no zoned devices)");

module_param_named(zone_append_max_sectors, g_zone_append_max_sectors, uint, 0644);
MODULE_PARM_DESC(zone_append_max_sectors, "Maximum size of a zone append command in 512B sectors (accepted, no zoned devices)");

module_param_named(zone_full, g_zone_full, bool, 0644);
MODULE_PARM_DESC(zone_full, "Initialize sequential zones full (accepted, no zoned devices)");

module_param_named(fua, g_fua, bool, 0644);
MODULE_PARM_DESC(fua, "Enable/disable FUA support with the write cache (memory_backed). Default: true");

module_param_named(rotational, g_rotational, bool, 0644);
MODULE_PARM_DESC(rotational, "Set the rotational feature for the device. Default: false");

/* I/O path */

/* irqmode 2: complete every request whose due time has come. */
static enum hrtimer_restart nullb_queue_timer_fn(struct hrtimer *timer)
{
	struct nullb_queue *nq = container_of(timer, struct nullb_queue, timer);
	ktime_t now = hrtimer_cb_get_time(timer);
	struct mq_request *rq, *next;
	enum hrtimer_restart ret;
	unsigned long flags;
	LIST_HEAD(done);

	spin_lock_irqsave(&nq->timer_lock, flags);
	list_for_each_entry_safe(rq, next, &nq->timer_list, queuelist) {
		struct nullb_cmd *cmd = mq_rq_to_pdu(rq);

		if (ktime_after(cmd->due, now))
			break;
		cmd->on_timer_list = false;
		list_move_tail(&rq->queuelist, &done);
	}
	/*
	 * While the list is not empty only we re-arm the timer; once it is
	 * empty, the next submitter starts it again.  If the timeout handler
	 * emptied it under us, a submitter may have started the timer already
	 * (it is queued again): then leave it alone.
	 */
	ret = HRTIMER_NORESTART;
	if (!list_empty(&nq->timer_list) && !hrtimer_is_queued(timer)) {
		rq = list_first_entry(&nq->timer_list, struct mq_request,
				      queuelist);
		hrtimer_set_expires(timer,
				    ((struct nullb_cmd *)mq_rq_to_pdu(rq))->due);
		ret = HRTIMER_RESTART;
	}
	spin_unlock_irqrestore(&nq->timer_lock, flags);

	list_for_each_entry_safe(rq, next, &done, queuelist) {
		struct nullb_cmd *cmd = mq_rq_to_pdu(rq);

		list_del_init(&rq->queuelist);
		mq_set_request_status(rq, cmd->error);
		mq_complete_request(rq);
	}
	return ret;
}

static void nullb_queue_timer_add(struct nullb_queue *nq,
				  struct mq_request *rq, ktime_t delay)
{
	struct nullb_cmd *cmd = mq_rq_to_pdu(rq);
	unsigned long flags;
	bool arm;

	cmd->due = ktime_add(ktime_get(), delay);
	spin_lock_irqsave(&nq->timer_lock, flags);
	arm = list_empty(&nq->timer_list);
	list_add_tail(&rq->queuelist, &nq->timer_list);
	cmd->on_timer_list = true;
	if (arm)
		hrtimer_start(&nq->timer, cmd->due, HRTIMER_MODE_ABS);
	spin_unlock_irqrestore(&nq->timer_lock, flags);
}

static blk_status_t nullb_handle_rq(struct nullb *nullb,
				    struct mq_request *rq)
{
	switch (mq_rq_op(rq)) {
	case REQ_OP_READ:
	case REQ_OP_WRITE:
		if (nullb->memory_backed)
			return nullb_mem_rw(nullb, rq);
		return BLK_STS_OK;
	case REQ_OP_FLUSH:
		return BLK_STS_OK;
	case REQ_OP_DISCARD:
	case REQ_OP_WRITE_ZEROES:
		if (nullb->memory_backed)
			nullb_mem_zero(nullb, rq);
		return BLK_STS_OK;
	default:
		return BLK_STS_NOTSUPP;
	}
}

/* Out of bandwidth budget this tick?  The core retries after a delay. */
static bool nullb_throttled(struct nullb *nullb, struct mq_request *rq)
{
	if (!nullb->mbps || READ_ONCE(nullb->unthrottled))
		return false;
	return atomic_long_sub_return(mq_rq_bytes(rq), &nullb->cur_bytes) < 0;
}

/*
 * With virt_boundary, check what the core promises a device with a virtual
 * boundary: every data range but the first starts on a page boundary and
 * every one but the last ends on one.  null_blk trusts the block layer;
 * here a request with a gap fails, so that tests see a broken promise.
 */
static bool nullb_has_gap(struct mq_request *rq)
{
	unsigned int prev_end = 0;
	struct bvec_iter iter;
	struct bio_vec bv;
	bool first = true;
	struct bio *bio;

	for (bio = rq->bio; bio; bio = bio->bi_next) {
		bio_for_each_bvec(bv, bio, iter) {
			if (!first && (((prev_end | bv.bv_offset) &
					(PAGE_SIZE - 1))))
				return true;
			first = false;
			prev_end = bv.bv_offset + bv.bv_len;
		}
	}
	return false;
}

static blk_status_t nullb_queue_rq(struct mq_hw_ctx *hctx,
				   const struct mq_queue_data *bd)
{
	struct mq_request *rq = bd->rq;
	struct nullb_cmd *cmd = mq_rq_to_pdu(rq);
	struct nullb_queue *nq = hctx->driver_data;
	struct nullb *nullb = hctx->queue->queuedata;
	const bool is_poll = mq_rq_is_poll(rq);
	blk_status_t sts;

	might_sleep_if(nullb->blocking);

	cmd->error = BLK_STS_OK;
	cmd->fake_timeout = false;

	if (nullb_should_fail(&nullb_requeue_fault)) {
		atomic_long_inc(&nullb->requeues_injected);
		/* Alternate the core's BUSY path and the driver's requeue. */
		if (nq->requeue_selection++ & 1)
			return BLK_STS_RESOURCE;
		mq_requeue_request(rq, true);
		return BLK_STS_OK;
	}

	/* Swallow the request: only nullb_timeout_rq() will end it. */
	if (!is_poll && nullb_should_fail(&nullb_timeout_fault)) {
		atomic_long_inc(&nullb->timeouts_injected);
		cmd->fake_timeout = true;
		return BLK_STS_OK;
	}

	if (nullb_throttled(nullb, rq))
		return BLK_STS_RESOURCE;

	if (unlikely(nullb->virt_boundary) && nullb_has_gap(rq)) {
		atomic_long_inc(&nullb->virt_gaps);
		pr_warn_ratelimited("%s: request at sector %llu has a gap across the virtual boundary\n",
				    nullb->dev->name,
				    (unsigned long long)mq_rq_pos(rq));
		cmd->error = BLK_STS_IOERR;
		goto done;
	}

	sts = nullb_handle_rq(nullb, rq);
	if (sts == BLK_STS_RESOURCE)
		return sts;	/* no memory now: issue it again later */
	cmd->error = sts;
done:

	if (is_poll) {
		spin_lock(&nq->poll_lock);
		list_add_tail(&rq->queuelist, &nq->poll_list);
		cmd->on_poll_list = true;
		spin_unlock(&nq->poll_lock);
		return BLK_STS_OK;
	}

	switch (nullb->irqmode) {
	case NULLB_IRQ_NONE:
		mq_end_request(rq, cmd->error);
		break;
	case NULLB_IRQ_SOFTIRQ:
		mq_set_request_status(rq, cmd->error);
		mq_complete_request(rq);
		break;
	case NULLB_IRQ_TIMER:
		nullb_queue_timer_add(nq, rq, nullb->completion);
		break;
	}
	return BLK_STS_OK;
}

static int nullb_poll(struct mq_hw_ctx *hctx, struct mq_comp_batch *iob)
{
	struct nullb_queue *nq = hctx->driver_data;
	struct mq_request *rq, *next;
	LIST_HEAD(list);
	int nr = 0;

	if (list_empty(&nq->poll_list))
		return 0;

	spin_lock(&nq->poll_lock);
	list_splice_init(&nq->poll_list, &list);
	list_for_each_entry(rq, &list, queuelist) {
		struct nullb_cmd *cmd = mq_rq_to_pdu(rq);

		cmd->on_poll_list = false;
	}
	spin_unlock(&nq->poll_lock);

	list_for_each_entry_safe(rq, next, &list, queuelist) {
		struct nullb_cmd *cmd = mq_rq_to_pdu(rq);

		list_del_init(&rq->queuelist);
		mq_set_request_status(rq, cmd->error);
		mq_add_to_batch(rq, iob);
		nr++;
	}
	return nr;
}

static enum mq_eh_timer_return nullb_timeout_rq(struct mq_request *rq)
{
	struct nullb_cmd *cmd = mq_rq_to_pdu(rq);
	struct nullb *nullb = rq->q->queuedata;
	bool mine = false;

	if (cmd->fake_timeout) {
		mine = true;
	} else if (mq_rq_is_poll(rq)) {
		struct nullb_queue *nq = rq->hctx->driver_data;

		/* Unless a poller has taken it already. */
		spin_lock(&nq->poll_lock);
		if (cmd->on_poll_list) {
			list_del_init(&rq->queuelist);
			cmd->on_poll_list = false;
			mine = true;
		}
		spin_unlock(&nq->poll_lock);
	} else if (nullb->irqmode == NULLB_IRQ_TIMER) {
		struct nullb_queue *nq = rq->hctx->driver_data;
		unsigned long flags;

		/* Unless its completion timer has taken it already. */
		spin_lock_irqsave(&nq->timer_lock, flags);
		if (cmd->on_timer_list) {
			list_del_init(&rq->queuelist);
			cmd->on_timer_list = false;
			mine = true;
		}
		spin_unlock_irqrestore(&nq->timer_lock, flags);
	}

	if (!mine) {
		/* Its completion is under way: the core honours it. */
		return MQ_EH_RESET_TIMER;
	}

	pr_info_ratelimited("%s: request %d timed out%s\n", nullb->dev->name,
			    rq->tag, cmd->fake_timeout ? " (injected)" : "");
	mq_end_request(rq, BLK_STS_TIMEOUT);
	return MQ_EH_DONE;
}

static int nullb_init_hctx(struct mq_hw_ctx *hctx, void *driver_data,
			   unsigned int idx)
{
	struct nullb *nullb = hctx->queue->queuedata;
	struct nullb_queue *nq;

	/*
	 * blk-mq calls init_hctx only for hardware queues that are new;
	 * mq_core re-creates them all on a change.  Inject only where blk-mq
	 * would have called, so init_hctx= fails the same writes as with
	 * null_blk (blktests block/030), and the restore of the old geometry
	 * after a failure is never failed by injection.
	 */
	if (idx >= READ_ONCE(nullb->hctx_existing) &&
	    nullb_should_fail(&nullb_init_hctx_fault))
		return -EFAULT;

	/* May run with the queue frozen: don't recurse into block I/O. */
	nq = kzalloc(sizeof(*nq), GFP_NOIO);
	if (!nq)
		return -ENOMEM;
	spin_lock_init(&nq->poll_lock);
	INIT_LIST_HEAD(&nq->poll_list);
	spin_lock_init(&nq->timer_lock);
	INIT_LIST_HEAD(&nq->timer_list);
	hrtimer_setup(&nq->timer, nullb_queue_timer_fn, CLOCK_MONOTONIC,
		      HRTIMER_MODE_ABS);
	hctx->driver_data = nq;
	return 0;
}

static void nullb_exit_hctx(struct mq_hw_ctx *hctx, unsigned int idx)
{
	struct nullb_queue *nq = hctx->driver_data;

	WARN_ON_ONCE(!list_empty(&nq->poll_list));
	/* The queue is drained: nothing waits, but the timer may still run. */
	hrtimer_cancel(&nq->timer);
	WARN_ON_ONCE(!list_empty(&nq->timer_list));
	hctx->driver_data = NULL;
	kfree(nq);
}

static const struct mq_ops nullb_mq_ops = {
	.queue_rq	= nullb_queue_rq,
	.timeout	= nullb_timeout_rq,
	.poll		= nullb_poll,
	.init_hctx	= nullb_init_hctx,
	.exit_hctx	= nullb_exit_hctx,
};

/* Tag sets */

/*
 * All three map types are always in use (the read map empty) so that poll
 * queues can be added to a live device with mq_update_tag_set().
 */
static int nullb_alloc_tag_set(struct mq_tag_set *set,
			       unsigned int submit_queues,
			       unsigned int poll_queues,
			       unsigned int depth, int node, bool blocking,
			       bool shared_bitmap)
{
	memset(set, 0, sizeof(*set));
	set->ops = &nullb_mq_ops;
	set->nr_hw_queues = submit_queues + poll_queues;
	set->nr_maps = MQ_HCTX_MAX_TYPES;
	set->map[MQ_HCTX_DEFAULT].nr_queues = submit_queues;
	set->map[MQ_HCTX_READ].nr_queues = 0;
	set->map[MQ_HCTX_POLL].nr_queues = poll_queues;
	set->queue_depth = depth;
	set->cmd_size = sizeof(struct nullb_cmd);
	set->numa_node = node;
	set->timeout = NULLB_TIMEOUT;
	if (blocking)
		set->flags |= MQ_F_BLOCKING;
	if (shared_bitmap)
		set->flags |= MQ_F_TAG_HCTX_SHARED;
	return mq_alloc_tag_set(set);
}

static int nullb_get_shared_set(void)
{
	unsigned int submit_queues;
	int ret;

	lockdep_assert_held(&nullb_lock);

	if (nullb_shared_users) {
		nullb_shared_users++;
		return 0;
	}

	kernel_param_lock(THIS_MODULE);
	submit_queues = g_use_per_node_hctx ? nr_online_nodes : g_submit_queues;
	ret = nullb_alloc_tag_set(&nullb_shared_set, submit_queues,
				  g_poll_queues, g_hw_queue_depth, g_home_node,
				  g_blocking, g_shared_tag_bitmap);
	kernel_param_unlock(THIS_MODULE);
	if (ret)
		return ret;
	nullb_shared_users = 1;
	return 0;
}

static void nullb_put_shared_set(void)
{
	lockdep_assert_held(&nullb_lock);

	if (!--nullb_shared_users)
		mq_free_tag_set(&nullb_shared_set);
}

static void nullb_put_tag_set(struct nullb *nullb)
{
	if (nullb->tag_set == &nullb_shared_set)
		nullb_put_shared_set();
	else
		mq_free_tag_set(&nullb->__tag_set);
}

/* Devices */

static int nullb_faults_show(struct seq_file *m, void *v)
{
	struct nullb *nullb = m->private;

	seq_printf(m, "timeouts_injected: %ld\n",
		   atomic_long_read(&nullb->timeouts_injected));
	seq_printf(m, "requeues_injected: %ld\n",
		   atomic_long_read(&nullb->requeues_injected));
	seq_printf(m, "virt_boundary_gaps: %ld\n",
		   atomic_long_read(&nullb->virt_gaps));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(nullb_faults);

static long nullb_bytes_per_tick(unsigned int mbps)
{
	return (long)mbps * SZ_1M / NULLB_BW_TICKS_PER_SEC;
}

static enum hrtimer_restart nullb_bw_timer_fn(struct hrtimer *timer)
{
	struct nullb *nullb = container_of(timer, struct nullb, bw_timer);

	atomic_long_set(&nullb->cur_bytes, nullb_bytes_per_tick(nullb->mbps));
	hrtimer_forward_now(timer,
			    ns_to_ktime(NSEC_PER_SEC / NULLB_BW_TICKS_PER_SEC));
	return HRTIMER_RESTART;
}

/* Check (and, like null_blk, adjust) a configuration before power on. */
static int nullb_validate_dev(struct nullb_device *dev)
{
	if (dev->zoned) {
		pr_err("%s: zoned devices are not emulated by mq_nullblk\n",
		       dev->name);
		return -EOPNOTSUPP;
	}
	if (dev->queue_mode != NULLB_Q_MQ)
		pr_info("%s: queue_mode %u: runs as queue_mode 2 (multi-queue through mq_core)\n",
			dev->name, dev->queue_mode);
	if (!nullb_valid_bs(dev->blocksize) ||
	    !nullb_valid_max_sectors(dev->max_sectors) ||
	    !nullb_valid_home_node(dev->home_node) ||
	    dev->irqmode > NULLB_IRQ_TIMER || !dev->hw_queue_depth ||
	    dev->hw_queue_depth > NULLB_MAX_DEPTH || !dev->size ||
	    dev->size > NULLB_MAX_SIZE_MB ||
	    dev->completion_nsec > NULLB_MAX_COMPLETION_NSEC ||
	    dev->mbps > NULLB_MAX_MBPS) {
		pr_err("%s: invalid configuration\n", dev->name);
		return -EINVAL;
	}

	if (dev->use_per_node_hctx) {
		if (dev->submit_queues != nr_online_nodes)
			pr_info("%s: use_per_node_hctx: %u submit queues\n",
				dev->name, nr_online_nodes);
		dev->submit_queues = nr_online_nodes;
	}
	/* As null_blk: 1..nr_cpu_ids submit queues (the writes log it). */
	dev->submit_queues = clamp_t(unsigned int, dev->submit_queues, 1,
				     nr_cpu_ids);
	dev->poll_queues = min_t(unsigned int, dev->poll_queues, nr_cpu_ids);

	if (dev->discard && !dev->memory_backed) {
		pr_info("%s: discard option is ignored without memory backing\n",
			dev->name);
		dev->discard = false;
	}
	if (dev->cache_size)
		pr_info("%s: cache_size is accepted but not emulated\n",
			dev->name);
	return 0;
}

static int nullb_setup_disk(struct nullb *nullb)
{
	struct nullb_device *dev = nullb->dev;
	struct gendisk *disk = nullb->q->disk;
	struct mq_limits lim;

	strscpy(disk->disk_name, dev->name, sizeof(disk->disk_name));
	set_capacity(disk, (sector_t)dev->size << (20 - SECTOR_SHIFT));

	mq_get_limits(nullb->q, &lim);
	lim.logical_block_size = dev->blocksize;
	lim.physical_block_size = dev->blocksize;
	lim.io_min = dev->blocksize;
	/* 0: the block layer's default, as null_blk (255 sectors) */
	lim.max_hw_sectors = dev->max_sectors ?: BLK_SAFE_MAX_SECTORS;
	lim.features &= ~(MQ_LIM_ROTATIONAL | MQ_LIM_ADD_RANDOM);
	if (dev->rotational)
		lim.features |= MQ_LIM_ROTATIONAL;
	/* As null_blk: a page-sized virtual boundary. */
	lim.virt_boundary_mask = dev->virt_boundary ? PAGE_SIZE - 1 : 0;
	if (dev->memory_backed) {
		lim.features |= MQ_LIM_WRITE_CACHE;
		if (dev->fua)
			lim.features |= MQ_LIM_FUA;
		lim.max_write_zeroes_sectors = UINT_MAX >> SECTOR_SHIFT;
		if (dev->discard) {
			lim.discard_granularity = dev->blocksize;
			lim.max_discard_sectors = UINT_MAX >> SECTOR_SHIFT;
		}
	}
	return mq_set_limits(nullb->q, &lim);
}

/**
 * nullb_add_dev - power a device on: create and register its disk
 * @dev: the device, powered off
 *
 * Context: nullb_lock held.
 * Return: 0 or a negative errno; on error nothing is left behind.
 */
int nullb_add_dev(struct nullb_device *dev)
{
	struct nullb *nullb;
	struct mq_queue *q;
	int ret;

	lockdep_assert_held(&nullb_lock);

	if (WARN_ON_ONCE(dev->nullb))
		return -EBUSY;

	ret = nullb_validate_dev(dev);
	if (ret)
		return ret;

	nullb = kzalloc_node(sizeof(*nullb), GFP_KERNEL, dev->home_node);
	if (!nullb)
		return -ENOMEM;

	nullb->dev = dev;
	nullb->pages = &dev->pages;
	nullb->completion = ns_to_ktime(dev->completion_nsec);
	nullb->irqmode = dev->irqmode;
	nullb->memory_backed = dev->memory_backed;
	nullb->blocking = dev->blocking;
	nullb->gfp = dev->blocking ? GFP_NOIO : (GFP_NOWAIT | __GFP_NOWARN);
	nullb->mbps = dev->mbps;
	nullb->virt_boundary = dev->virt_boundary;
	atomic_long_set(&nullb->cur_bytes, nullb_bytes_per_tick(dev->mbps));
	hrtimer_setup(&nullb->bw_timer, nullb_bw_timer_fn, CLOCK_MONOTONIC,
		      HRTIMER_MODE_REL);

	if (dev->shared_tags) {
		ret = nullb_get_shared_set();
		nullb->tag_set = &nullb_shared_set;
	} else {
		ret = nullb_alloc_tag_set(&nullb->__tag_set, dev->submit_queues,
					  dev->poll_queues, dev->hw_queue_depth,
					  dev->home_node, dev->blocking,
					  dev->shared_tag_bitmap);
		nullb->tag_set = &nullb->__tag_set;
	}
	if (ret)
		goto free_nullb;

	q = mq_alloc_queue(nullb->tag_set, nullb);
	if (IS_ERR_OR_NULL(q)) {
		ret = q ? PTR_ERR(q) : -ENOMEM;
		goto put_tag_set;
	}
	nullb->q = q;

	ret = nullb_setup_disk(nullb);
	if (ret)
		goto free_queue;
	if (nullb->tag_set->map[MQ_HCTX_POLL].nr_queues)
		mq_set_poll(q, true);

	if (nullb->mbps)
		hrtimer_start(&nullb->bw_timer,
			      ns_to_ktime(NSEC_PER_SEC / NULLB_BW_TICKS_PER_SEC),
			      HRTIMER_MODE_REL);

	nullb->dbg = debugfs_create_dir(dev->name, nullb_debugfs_root);
	debugfs_create_file("faults", 0444, nullb->dbg, nullb,
			    &nullb_faults_fops);

	ret = mq_add_disk(q);
	if (ret)
		goto remove_debugfs;

	dev->nullb = nullb;
	if (dev->configfs)
		pr_info("disk %s created (configfs %s)\n", dev->name,
			config_item_name(&dev->item));
	else
		pr_info("disk %s created\n", dev->name);
	return 0;

remove_debugfs:
	debugfs_remove_recursive(nullb->dbg);
	hrtimer_cancel(&nullb->bw_timer);
free_queue:
	mq_free_queue(q);
put_tag_set:
	nullb_put_tag_set(nullb);
free_nullb:
	kfree(nullb);
	pr_err("%s: cannot power on: %d\n", dev->name, ret);
	return ret;
}

/**
 * nullb_del_dev - power a device off: remove its disk
 * @dev: the device; nothing happens unless it is powered on
 *
 * In-flight I/O is drained (or ends by timeout); the disk may stay open.
 *
 * Context: nullb_lock held.
 */
void nullb_del_dev(struct nullb_device *dev)
{
	struct nullb *nullb = dev->nullb;

	lockdep_assert_held(&nullb_lock);

	if (!nullb)
		return;

	/* Let throttled requests through so that the drain completes. */
	WRITE_ONCE(nullb->unthrottled, true);
	mq_remove_disk(nullb->q);
	hrtimer_cancel(&nullb->bw_timer);
	debugfs_remove_recursive(nullb->dbg);
	mq_free_queue(nullb->q);
	nullb_put_tag_set(nullb);
	dev->nullb = NULL;
	kfree(nullb);
	pr_info("disk %s removed\n", dev->name);
}

static void nullb_set_poll(struct nullb *nullb, bool enable)
{
	mq_freeze_queue(nullb->q);
	mq_set_poll(nullb->q, enable);
	mq_unfreeze_queue(nullb->q);
}

/**
 * nullb_update_queues - resize the hardware queues of a powered-on device
 * @dev: the device
 * @submit_queues: new number of submission queues
 * @poll_queues: new number of poll queues
 * @hw_queue_depth: new depth of each queue
 *
 * Context: nullb_lock held.
 * Return: 0 (also when @dev is powered off: nothing to do), or a negative
 * errno with the old configuration still in place.
 */
int nullb_update_queues(struct nullb_device *dev, unsigned int submit_queues,
			unsigned int poll_queues, unsigned int hw_queue_depth)
{
	struct nullb *nullb = dev->nullb;
	unsigned int nr[MQ_HCTX_MAX_TYPES], old_submit, old_poll, i;
	struct mq_tag_set *set;
	int ret;

	lockdep_assert_held(&nullb_lock);

	if (!nullb)
		return 0;

	if (nullb->tag_set == &nullb_shared_set) {
		pr_warn_ratelimited("%s: cannot resize the queues of a shared tag set\n",
				    dev->name);
		return -EINVAL;
	}
	if (dev->use_per_node_hctx && submit_queues != dev->submit_queues) {
		pr_warn_ratelimited("%s: submit_queues is fixed by use_per_node_hctx\n",
				    dev->name);
		return -EINVAL;
	}

	set = nullb->tag_set;
	old_submit = set->map[MQ_HCTX_DEFAULT].nr_queues;
	old_poll = set->map[MQ_HCTX_POLL].nr_queues;
	if (submit_queues == old_submit && poll_queues == old_poll &&
	    hw_queue_depth == set->queue_depth)
		return 0;

	/* No polled bio may find the poll queues gone. */
	if (old_poll && !poll_queues)
		nullb_set_poll(nullb, false);

	/* The set is untouched until the core has checked the new counts. */
	for (i = 0; i < MQ_HCTX_MAX_TYPES; i++)
		nr[i] = set->map[i].nr_queues;
	nr[MQ_HCTX_DEFAULT] = submit_queues;
	nr[MQ_HCTX_POLL] = poll_queues;
	WRITE_ONCE(nullb->hctx_existing, set->nr_hw_queues);
	ret = mq_update_tag_set_maps(set, nr, hw_queue_depth);
	WRITE_ONCE(nullb->hctx_existing, 0);
	if (ret) {
		/* The core has restored the old geometry (maps included). */
		if (old_poll && !poll_queues)
			nullb_set_poll(nullb, true);
		pr_warn_ratelimited("%s: cannot change to %u+%u queues of depth %u: %d\n",
				    dev->name, submit_queues, poll_queues,
				    hw_queue_depth, ret);
		return ret;
	}

	if (!old_poll && poll_queues)
		nullb_set_poll(nullb, true);

	pr_info("%s: now %u submit and %u poll queues of depth %u\n",
		dev->name, submit_queues, poll_queues, hw_queue_depth);
	return 0;
}

/*
 * The index a configfs directory asks for: null_blk names a configfs
 * device's disk after its directory, so a directory named mqnullb<N> (the
 * canonical spelling) gets index N and its disk that name.  -1 otherwise.
 */
static int nullb_name_index(const char *name)
{
	char canon[DISK_NAME_LEN];
	unsigned int n;

	if (!name || strncmp(name, "mqnullb", 7) ||
	    kstrtouint(name + 7, 10, &n) || n >= INT_MAX)
		return -1;
	snprintf(canon, sizeof(canon), "mqnullb%u", n);
	return strcmp(canon, name) ? -1 : n;
}

/**
 * nullb_alloc_dev - make a powered-off device with the default parameters
 * @cfs_name: the configfs directory's name, or NULL for a device of the
 *	module parameters
 *
 * A device gets the index its directory's name asks for (mqnullb<N>, see
 * nullb_name_index(); -EEXIST if taken, as null_blk answers a directory
 * named after an existing disk), else the lowest free index, and is named
 * mqnullb<index>.  It is listed on nullb_devices until nullb_free_dev().
 *
 * Return: the device or an ERR_PTR().
 */
struct nullb_device *nullb_alloc_dev(const char *cfs_name)
{
	int want = nullb_name_index(cfs_name);
	struct nullb_device *dev;
	int ret;

	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return ERR_PTR(-ENOMEM);
	INIT_LIST_HEAD(&dev->list);
	xa_init_flags(&dev->pages, XA_FLAGS_LOCK_BH);
	dev->configfs = !!cfs_name;

	if (want >= 0)
		ret = ida_alloc_range(&nullb_indexes, want, want, GFP_KERNEL);
	else
		ret = ida_alloc(&nullb_indexes, GFP_KERNEL);
	if (ret < 0) {
		kfree(dev);
		if (want >= 0 && ret == -ENOSPC) {
			pr_warn_ratelimited("%s: a device with that name exists\n",
					    cfs_name);
			ret = -EEXIST;
		}
		return ERR_PTR(ret);
	}
	dev->index = ret;
	snprintf(dev->name, sizeof(dev->name), "mqnullb%d", dev->index);

	kernel_param_lock(THIS_MODULE);
	dev->size = (unsigned long)g_gb * 1024;
	dev->completion_nsec = g_completion_nsec;
	dev->cache_size = g_cache_size;
	dev->submit_queues = g_submit_queues;
	dev->poll_queues = g_poll_queues;
	dev->hw_queue_depth = g_hw_queue_depth;
	dev->queue_mode = g_queue_mode;
	dev->blocksize = g_bs;
	dev->max_sectors = g_max_sectors;
	dev->irqmode = g_irqmode;
	dev->mbps = g_mbps;
	dev->home_node = g_home_node;
	dev->blocking = g_blocking;
	dev->memory_backed = g_memory_backed;
	dev->discard = g_discard;
	dev->use_per_node_hctx = g_use_per_node_hctx;
	dev->no_sched = !!g_no_sched;
	dev->shared_tags = g_shared_tags;
	dev->shared_tag_bitmap = g_shared_tag_bitmap;
	dev->virt_boundary = g_virt_boundary;
	dev->zone_size = g_zone_size;
	dev->zone_capacity = g_zone_capacity;
	dev->zone_nr_conv = g_zone_nr_conv;
	dev->zone_max_open = g_zone_max_open;
	dev->zone_max_active = g_zone_max_active;
	dev->zone_append_max_sectors = g_zone_append_max_sectors;
	dev->zone_full = g_zone_full;
	dev->fua = g_fua;
	dev->rotational = g_rotational;
	kernel_param_unlock(THIS_MODULE);

	mutex_lock(&nullb_lock);
	list_add_tail(&dev->list, &nullb_devices);
	mutex_unlock(&nullb_lock);
	return dev;
}

/**
 * nullb_free_dev - free a powered-off device and its data
 * @dev: the device
 */
void nullb_free_dev(struct nullb_device *dev)
{
	mutex_lock(&nullb_lock);
	WARN_ON_ONCE(dev->nullb);
	list_del(&dev->list);
	mutex_unlock(&nullb_lock);

	nullb_mem_free(dev);
	ida_free(&nullb_indexes, dev->index);
	kfree(dev);
}

/* Devices from the module parameters */

static int nullb_create_dev(void)
{
	struct nullb_device *dev;
	int ret;

	dev = nullb_alloc_dev(NULL);
	if (IS_ERR(dev))
		return PTR_ERR(dev);

	mutex_lock(&nullb_lock);
	ret = nullb_add_dev(dev);
	if (!ret)
		dev->power = true;
	mutex_unlock(&nullb_lock);

	if (ret)
		nullb_free_dev(dev);
	return ret;
}

static void nullb_destroy_devs(void)
{
	struct nullb_device *dev;

	for (;;) {
		mutex_lock(&nullb_lock);
		dev = list_first_entry_or_null(&nullb_devices,
					       struct nullb_device, list);
		if (dev) {
			/* configfs devices pin the module: none are left */
			WARN_ON_ONCE(dev->configfs);
			nullb_del_dev(dev);
			dev->power = false;
		}
		mutex_unlock(&nullb_lock);
		if (!dev)
			break;
		nullb_free_dev(dev);
	}
}

static int __init nullb_init(void)
{
	unsigned int i;
	int ret;

	nullb_debugfs_root = debugfs_create_dir(KBUILD_MODNAME, NULL);

	for (i = 0; i < nr_devices; i++) {
		ret = nullb_create_dev();
		if (ret)
			goto destroy_devs;
	}

	ret = nullb_configfs_init();
	if (ret)
		goto destroy_devs;

	pr_info("module loaded\n");
	return 0;

destroy_devs:
	nullb_destroy_devs();
	WARN_ON_ONCE(nullb_shared_users);
	debugfs_remove_recursive(nullb_debugfs_root);
	ida_destroy(&nullb_indexes);
	return ret;
}

static void __exit nullb_exit(void)
{
	nullb_configfs_exit();
	nullb_destroy_devs();
	WARN_ON_ONCE(nullb_shared_users);
	debugfs_remove_recursive(nullb_debugfs_root);
	ida_destroy(&nullb_indexes);
	pr_info("module unloaded\n");
}

module_init(nullb_init);
module_exit(nullb_exit);

MODULE_DESCRIPTION("Null block device on the mq_core multi-queue layer");
MODULE_LICENSE("GPL");
