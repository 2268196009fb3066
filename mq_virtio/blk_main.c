// SPDX-License-Identifier: GPL-2.0
/*
 * mq_virtio_blk - a virtio-blk driver on the mq_core multi-queue layer.
 *
 * One hardware queue per request virtqueue, CPUs mapped to the queue whose
 * interrupt they serve, optional poll virtqueues (no interrupt) for
 * io_uring IOPOLL.  Disks are mqvda, mqvdb, ... on their own major, so the
 * stock virtio_blk (vda, ...) can drive other devices of the same guest,
 * and a device can move between the two drivers with unbind/bind.
 *
 * Our disks are bio-based: flushes arrive as REQ_PREFLUSH / REQ_FUA flags
 * on writes (the block layer's flush sequencer is for blk-mq queues only),
 * so one request may take up to three trips through the ring: a flush, the
 * data, a flush.  The next phase is issued from the completion path.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/idr.h>
#include <linux/interrupt.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string_helpers.h>
#include <linux/virtio_config.h>
#include <uapi/linux/virtio_ring.h>

#include "../mq_core/mq_compat_virtio.h"
#include "virtio_blk.h"

static int mqvb_major;
static DEFINE_IDA(mqvb_index_ida);
static struct dentry *mqvb_debugfs_root;

/* Parameters: read at probe; every write is checked. */
static unsigned int num_request_queues;
static unsigned int poll_queues;
static unsigned int queue_depth;

#define MQVB_MAX_QUEUE_DEPTH	4096

static int mqvb_param_uint(const char *val, const struct kernel_param *kp,
			   unsigned int max, const char *expected)
{
	unsigned int n;

	if (kstrtouint(val, 0, &n) || n > max) {
		pr_err("invalid value '%.*s' for parameter %s: expected %s\n",
		       (int)strcspn(val, "\n"), val, kp->name, expected);
		return -EINVAL;
	}
	*(unsigned int *)kp->arg = n;
	return 0;
}

static int mqvb_set_queues(const char *val, const struct kernel_param *kp)
{
	return mqvb_param_uint(val, kp, 1024, "0..1024");
}

static const struct kernel_param_ops mqvb_queues_ops = {
	.set	= mqvb_set_queues,
	.get	= param_get_uint,
};

static int mqvb_set_depth(const char *val, const struct kernel_param *kp)
{
	return mqvb_param_uint(val, kp, MQVB_MAX_QUEUE_DEPTH,
			       "0 (fill the ring) or 1..4096");
}

static const struct kernel_param_ops mqvb_depth_ops = {
	.set	= mqvb_set_depth,
	.get	= param_get_uint,
};

module_param_cb(num_request_queues, &mqvb_queues_ops, &num_request_queues,
		0644);
MODULE_PARM_DESC(num_request_queues,
		 "Limit the number of request queues (0: no limit; more than the CPUs: one per CPU)");
module_param_cb(poll_queues, &mqvb_queues_ops, &poll_queues, 0644);
MODULE_PARM_DESC(poll_queues,
		 "Request virtqueues used for polled I/O (io_uring IOPOLL). Default: 0");
module_param_cb(queue_depth, &mqvb_depth_ops, &queue_depth, 0644);
MODULE_PARM_DESC(queue_depth, "Tags per hardware queue (0: fill the ring)");

/* Requests */

static blk_status_t mqvb_result(u8 status)
{
	switch (status) {
	case VIRTIO_BLK_S_OK:
		return BLK_STS_OK;
	case VIRTIO_BLK_S_UNSUPP:
		return BLK_STS_NOTSUPP;
	default:
		return BLK_STS_IOERR;
	}
}

static bool mqvb_has_flush(struct mqvb_dev *vb)
{
	return virtio_has_feature(vb->vdev, VIRTIO_BLK_F_FLUSH);
}

/*
 * Work out the phases of a fresh request and map its data.  Nothing is
 * touched in the ring yet, so a BUSY return lets the core retry cleanly.
 */
static blk_status_t mqvb_prep(struct mqvb_dev *vb, struct mq_request *rq,
			      struct mqvb_req *vbr)
{
	struct mqvb_dma *d = vbr->dma;
	int n;

	vbr->phases = MQVB_PH_DATA;
	vbr->nents = 0;
	d->range.flags = 0;

	switch (mq_rq_op(rq)) {
	case REQ_OP_READ:
		break;
	case REQ_OP_WRITE:
		if (!mq_rq_bytes(rq))
			vbr->phases = 0;
		if (mqvb_has_flush(vb)) {
			if (rq->cmd_flags & REQ_PREFLUSH)
				vbr->phases |= MQVB_PH_PREFLUSH;
			if ((rq->cmd_flags & REQ_FUA) && mq_rq_bytes(rq))
				vbr->phases |= MQVB_PH_POSTFLUSH;
		}
		break;
	case REQ_OP_FLUSH:
		vbr->phases = mqvb_has_flush(vb) ? MQVB_PH_PREFLUSH : 0;
		break;
	case REQ_OP_WRITE_ZEROES:
		if (!(rq->cmd_flags & REQ_NOUNMAP))
			d->range.flags =
				cpu_to_le32(VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP);
		fallthrough;
	case REQ_OP_DISCARD:
		/* mq_core never merges these: one bio, one range. */
		d->range.sector = cpu_to_le64(mq_rq_pos(rq));
		d->range.num_sectors = cpu_to_le32(mq_rq_bytes(rq) >>
						   SECTOR_SHIFT);
		return BLK_STS_OK;
	case REQ_OP_DRV_IN:
		return BLK_STS_OK;
	default:
		return BLK_STS_NOTSUPP;
	}

	if ((vbr->phases & MQVB_PH_DATA) && rq->nr_phys_segments) {
		/*
		 * nr_phys_segments counts pages, an upper bound of the entries
		 * used after merging: initialise only those (a 4k I/O touches
		 * one entry, not the whole table).
		 */
		unsigned int max = min_t(unsigned int, rq->nr_phys_segments,
					 vb->sg_elems);

		sg_init_table(vbr->sg, max);
		n = mq_rq_map_sg(rq, vbr->sg, max);
		if (WARN_ON_ONCE(n <= 0))
			return BLK_STS_IOERR;
		vbr->nents = n;
	}
	return BLK_STS_OK;
}

/* Put the lowest pending phase of @vbr into the ring.  Under @vq->lock. */
static int mqvb_add_phase(struct mqvb_dev *vb, struct mqvb_vq *vq,
			  struct mqvb_req *vbr)
{
	struct virtio_device *vdev = vb->vdev;
	struct mq_request *rq = mq_rq_from_pdu(vbr);
	struct scatterlist hdr, status, extra, *sgs[3];
	struct mqvb_dma *d = vbr->dma;
	unsigned int out = 0, in = 0;
	u32 type;

	d->hdr.sector = 0;
	d->hdr.ioprio = 0;
	/* Phases go lowest bit first: a flush before or after the data. */
	if ((vbr->phases & -vbr->phases) != MQVB_PH_DATA) {
		type = VIRTIO_BLK_T_FLUSH;
		vq->stats.flushes++;
	} else {
		switch (mq_rq_op(rq)) {
		case REQ_OP_READ:
			type = VIRTIO_BLK_T_IN;
			d->hdr.sector = cpu_to_virtio64(vdev, mq_rq_pos(rq));
			vq->stats.reads++;
			break;
		case REQ_OP_WRITE:
			type = VIRTIO_BLK_T_OUT;
			d->hdr.sector = cpu_to_virtio64(vdev, mq_rq_pos(rq));
			vq->stats.writes++;
			break;
		case REQ_OP_DISCARD:
			type = VIRTIO_BLK_T_DISCARD;
			vq->stats.discards++;
			break;
		case REQ_OP_WRITE_ZEROES:
			type = VIRTIO_BLK_T_WRITE_ZEROES;
			vq->stats.write_zeroes++;
			break;
		case REQ_OP_DRV_IN:
			type = VIRTIO_BLK_T_GET_ID;
			vq->stats.get_ids++;
			break;
		default:
			return -EINVAL;
		}
	}
	d->hdr.type = cpu_to_virtio32(vdev, type);

	sg_init_one(&hdr, &d->hdr, sizeof(d->hdr));
	sgs[out++] = &hdr;
	switch (type) {
	case VIRTIO_BLK_T_OUT:
		if (vbr->nents)
			sgs[out++] = vbr->sg;
		break;
	case VIRTIO_BLK_T_IN:
		if (vbr->nents)
			sgs[out + in++] = vbr->sg;
		break;
	case VIRTIO_BLK_T_DISCARD:
	case VIRTIO_BLK_T_WRITE_ZEROES:
		sg_init_one(&extra, &d->range, sizeof(d->range));
		sgs[out++] = &extra;
		break;
	case VIRTIO_BLK_T_GET_ID:
		sg_init_one(&extra, d->id, sizeof(d->id));
		sgs[out + in++] = &extra;
		break;
	}
	d->status = VIRTIO_BLK_S_IOERR;
	sg_init_one(&status, &d->status, sizeof(d->status));
	sgs[out + in++] = &status;
	return virtqueue_add_sgs(vq->vq, sgs, out, in, vbr, GFP_ATOMIC);
}

static struct mqvb_vq *mqvb_hctx_vq(struct mq_hw_ctx *hctx)
{
	return hctx->driver_data;
}

static blk_status_t mqvb_queue_rq(struct mq_hw_ctx *hctx,
				  const struct mq_queue_data *bd)
{
	struct mqvb_dev *vb = hctx->queue->queuedata;
	struct mqvb_vq *vq = mqvb_hctx_vq(hctx);
	struct mq_request *rq = bd->rq;
	struct mqvb_req *vbr = mq_rq_to_pdu(rq);
	unsigned long flags;
	bool notify = false;
	blk_status_t sts;
	int err;

	/* A request requeued between phases keeps its state. */
	if (!(vbr->cont && mq_rq_is_requeued(rq))) {
		sts = mqvb_prep(vb, rq, vbr);
		if (unlikely(sts))
			return sts;
		if (unlikely(!vbr->phases)) {
			/* An empty write with nothing to flush. */
			mq_end_request(rq, BLK_STS_OK);
			return BLK_STS_OK;
		}
	}

	spin_lock_irqsave(&vq->lock, flags);
	err = mqvb_add_phase(vb, vq, vbr);
	if (unlikely(err)) {
		/* Let the device work on what it has. */
		if (virtqueue_kick_prepare(vq->vq))
			notify = true;
		/*
		 * Ring full: stop the hctx under the lock, so the completion
		 * that frees room (it takes the lock too) restarts it.
		 */
		if (err == -ENOSPC) {
			vq->stats.ring_full++;
			mq_stop_hw_queue(hctx);
		}
		spin_unlock_irqrestore(&vq->lock, flags);
		if (notify)
			virtqueue_notify(vq->vq);
		if (err == -ENOSPC)
			return BLK_STS_DEV_RESOURCE;
		if (err == -ENOMEM)
			return BLK_STS_RESOURCE;
		vbr->cont = false;
		return BLK_STS_IOERR;
	}
	vbr->cont = false;
	if (bd->last && virtqueue_kick_prepare(vq->vq))
		notify = true;
	spin_unlock_irqrestore(&vq->lock, flags);

	if (notify)
		virtqueue_notify(vq->vq);
	return BLK_STS_OK;
}

static void mqvb_commit_rqs(struct mq_hw_ctx *hctx)
{
	struct mqvb_vq *vq = mqvb_hctx_vq(hctx);
	unsigned long flags;
	bool kick;

	spin_lock_irqsave(&vq->lock, flags);
	kick = virtqueue_kick_prepare(vq->vq);
	spin_unlock_irqrestore(&vq->lock, flags);
	if (kick)
		virtqueue_notify(vq->vq);
}

/*
 * One buffer came back.  Either issue the request's next phase or finish
 * it: into @iob when polling, else through mq_complete_request().  Under
 * @vq->lock.  Returns true if something was added to the ring.
 */
static bool mqvb_reap_one(struct mqvb_dev *vb, struct mqvb_vq *vq,
			  struct mqvb_req *vbr, struct mq_comp_batch *iob)
{
	struct mq_request *rq = mq_rq_from_pdu(vbr);
	blk_status_t sts = mqvb_result(vbr->dma->status);
	int err;

	vbr->phases &= vbr->phases - 1;	/* that phase is done */
	if (unlikely(vbr->phases)) {
		if (sts)
			goto done;
		err = mqvb_add_phase(vb, vq, vbr);
		if (!err)
			return true;
		if (err == -ENOSPC || err == -ENOMEM) {
			/* Through the dispatch list; queue_rq continues. */
			vbr->cont = true;
			mq_requeue_request(rq, true);
			return false;
		}
		sts = BLK_STS_IOERR;
	}
done:
	if (unlikely(sts))
		vq->stats.errors++;
	vbr->phases = 0;
	mq_set_request_status(rq, sts);
	if (iob)
		mq_add_to_batch(rq, iob);
	else
		mq_complete_request(rq);
	return false;
}

static void mqvb_kick_locked(struct mqvb_vq *vq, bool added, bool *notify)
{
	if (added && virtqueue_kick_prepare(vq->vq))
		*notify = true;
}

static void mqvb_restart(struct mqvb_dev *vb, unsigned int qid)
{
	struct mq_hw_ctx *hctx = vb->q->hctxs[qid];

	if (mq_hw_queue_stopped(hctx))
		mq_start_hw_queue(hctx);
}

/* Interrupt callback of a request virtqueue. */
static void mqvb_done(struct virtqueue *vq)
{
	struct mqvb_dev *vb = vq->vdev->priv;
	struct mqvb_vq *bvq = &vb->vqs[vq->index];
	bool done = false, added = false, notify = false;
	struct mqvb_req *vbr;
	unsigned long flags;
	unsigned int len;

	spin_lock_irqsave(&bvq->lock, flags);
	do {
		virtqueue_disable_cb(vq);
		while ((vbr = virtqueue_get_buf(vq, &len)) != NULL) {
			added |= mqvb_reap_one(vb, bvq, vbr, NULL);
			done = true;
		}
		if (unlikely(virtqueue_is_broken(vq)))
			break;
	} while (!virtqueue_enable_cb(vq));
	mqvb_kick_locked(bvq, added, &notify);
	/* The ring has room again: restart the hctx if it was full. */
	if (done)
		mqvb_restart(vb, vq->index);
	spin_unlock_irqrestore(&bvq->lock, flags);
	if (notify)
		virtqueue_notify(vq);
}

static int mqvb_poll(struct mq_hw_ctx *hctx, struct mq_comp_batch *iob)
{
	struct mqvb_dev *vb = hctx->queue->queuedata;
	struct mqvb_vq *vq = mqvb_hctx_vq(hctx);
	bool added = false, notify = false;
	struct mqvb_req *vbr;
	unsigned long flags;
	unsigned int len;
	int found = 0;

	/*
	 * io_uring polls far more often than anything completes: see
	 * whether the device has used anything new without taking the lock
	 * (a stale index only defers the reaping to the next poll).
	 */
	if (vq->used && virtio16_to_cpu(vb->vdev, READ_ONCE(vq->used->idx)) ==
			READ_ONCE(vq->reaped))
		return 0;

	spin_lock_irqsave(&vq->lock, flags);
	while ((vbr = virtqueue_get_buf(vq->vq, &len)) != NULL) {
		WRITE_ONCE(vq->reaped, vq->reaped + 1);
		added |= mqvb_reap_one(vb, vq, vbr, iob);
		found++;
	}
	mqvb_kick_locked(vq, added, &notify);
	if (found)
		mqvb_restart(vb, hctx->queue_num);
	spin_unlock_irqrestore(&vq->lock, flags);
	if (notify)
		virtqueue_notify(vq->vq);
	return found;
}

/*
 * Fail what a dead device holds.  Only for a virtqueue that is broken (the
 * transport saw the device vanish) or reset: it will never give these
 * buffers back.
 */
static void mqvb_fail_vq(struct mqvb_vq *vq)
{
	struct mqvb_req *vbr;
	unsigned long flags;

	spin_lock_irqsave(&vq->lock, flags);
	while ((vbr = virtqueue_detach_unused_buf(vq->vq)) != NULL) {
		struct mq_request *rq = mq_rq_from_pdu(vbr);

		vq->stats.errors++;
		vbr->phases = 0;
		mq_set_request_status(rq, BLK_STS_IOERR);
		mq_complete_request(rq);
	}
	spin_unlock_irqrestore(&vq->lock, flags);
}

static bool mqvb_broken(struct mqvb_dev *vb)
{
	return vb->nr_vqs && virtqueue_is_broken(vb->vqs[0].vq);
}

/*
 * The device owns a late request until it gives it back (its buffers may
 * still be written), so wait on; unless the device is gone.
 */
static enum mq_eh_timer_return mqvb_timeout(struct mq_request *rq)
{
	struct mqvb_vq *vq = mqvb_hctx_vq(rq->hctx);

	/*
	 * Ours included: mq_complete_request() on it is remembered while we
	 * run and honoured when we hand it back.
	 */
	if (virtqueue_is_broken(vq->vq))
		mqvb_fail_vq(vq);
	return MQ_EH_RESET_TIMER;
}

static int mqvb_init_hctx(struct mq_hw_ctx *hctx, void *data, unsigned int idx)
{
	struct mqvb_dev *vb = data;

	hctx->driver_data = &vb->vqs[idx];
	return 0;
}

static int mqvb_init_request(struct mq_tag_set *set, struct mq_request *rq,
			     unsigned int hctx_idx, unsigned int numa_node)
{
	struct mqvb_req *vbr = mq_rq_to_pdu(rq);

	vbr->dma = kzalloc_node(sizeof(*vbr->dma), GFP_KERNEL, numa_node);
	return vbr->dma ? 0 : -ENOMEM;
}

static void mqvb_exit_request(struct mq_tag_set *set, struct mq_request *rq,
			      unsigned int hctx_idx)
{
	struct mqvb_req *vbr = mq_rq_to_pdu(rq);

	kfree(vbr->dma);
	vbr->dma = NULL;
}

static const struct cpumask *mqvb_vq_affinity(void *data, unsigned int q)
{
	struct virtio_device *vdev = data;

	if (!vdev->config->get_vq_affinity)
		return NULL;
	return vdev->config->get_vq_affinity(vdev, q);
}

/* Interrupt-driven queues follow their IRQ affinity; poll queues spread. */
static void mqvb_map_queues(struct mq_tag_set *set)
{
	struct mqvb_dev *vb = set->driver_data;

	mq_map_queues_by_affinity(&set->map[MQ_HCTX_DEFAULT], mqvb_vq_affinity,
				  vb->vdev);
	if (set->nr_maps > MQ_HCTX_POLL && set->map[MQ_HCTX_POLL].nr_queues)
		mq_map_queues(&set->map[MQ_HCTX_POLL]);
}

static const struct mq_ops mqvb_mq_ops = {
	.queue_rq	= mqvb_queue_rq,
	.commit_rqs	= mqvb_commit_rqs,
	.poll		= mqvb_poll,
	.timeout	= mqvb_timeout,
	.init_hctx	= mqvb_init_hctx,
	.init_request	= mqvb_init_request,
	.exit_request	= mqvb_exit_request,
	.map_queues	= mqvb_map_queues,
};

/**
 * mqvb_get_id - read the device's serial (VIRTIO_BLK_T_GET_ID)
 * @vb: the device
 * @buf: at least %VIRTIO_BLK_ID_BYTES + 1 bytes; NUL-terminated on success
 *
 * Context: process context, sleeps.
 * Return: 0, -EIO (also when the device does not support it) or another
 * negative errno.
 */
int mqvb_get_id(struct mqvb_dev *vb, char *buf)
{
	struct mq_request *rq;
	struct mqvb_req *vbr;
	blk_status_t sts;

	rq = mq_alloc_request(vb->q, REQ_OP_DRV_IN, false, false);
	if (IS_ERR(rq))
		return PTR_ERR(rq);
	vbr = mq_rq_to_pdu(rq);
	memset(vbr->dma->id, 0, sizeof(vbr->dma->id));
	sts = mq_execute_rq(rq);
	if (!sts) {
		memcpy(buf, vbr->dma->id, VIRTIO_BLK_ID_BYTES);
		buf[VIRTIO_BLK_ID_BYTES] = '\0';
	}
	mq_free_request(rq);
	return blk_status_to_errno(sts);
}

/* Device setup */

static int mqvb_init_vqs(struct mqvb_dev *vb)
{
	struct virtio_device *vdev = vb->vdev;
	struct irq_affinity desc = { 0, };
	vq_callback_t **callbacks;
	struct virtqueue **vqs;
	const char **names;
	unsigned int i, nr_poll;
	u16 nr;
	int err;

	err = virtio_cread_feature(vdev, VIRTIO_BLK_F_MQ,
				   struct virtio_blk_config, num_queues, &nr);
	if (err)
		nr = 1;
	if (!nr) {
		dev_err(&vdev->dev, "MQ advertised but zero queues reported\n");
		return -EINVAL;
	}
	nr = min_t(unsigned int, nr,
		   min_not_zero(READ_ONCE(num_request_queues), nr_cpu_ids));
	/* At least one queue with an interrupt. */
	nr_poll = min_t(unsigned int, READ_ONCE(poll_queues), nr - 1);

	vb->vqs = kcalloc(nr, sizeof(*vb->vqs), GFP_KERNEL);
	names = kmalloc_array(nr, sizeof(*names), GFP_KERNEL);
	callbacks = kmalloc_array(nr, sizeof(*callbacks), GFP_KERNEL);
	vqs = kmalloc_array(nr, sizeof(*vqs), GFP_KERNEL);
	if (!vb->vqs || !names || !callbacks || !vqs) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < nr; i++) {
		bool poll = i >= nr - nr_poll;

		callbacks[i] = poll ? NULL : mqvb_done;
		snprintf(vb->vqs[i].name, MQVB_VQ_NAME_LEN,
			 poll ? "req_poll.%u" : "req.%u", i);
		names[i] = vb->vqs[i].name;
		vb->vqs[i].poll = poll;
		spin_lock_init(&vb->vqs[i].lock);
	}
	err = mq_find_vqs(vdev, nr, vqs, callbacks, names, &desc);
	if (err) {
		/* Queues it enabled before failing stay enabled until a reset. */
		virtio_reset_device(vdev);
		goto out;
	}
	for (i = 0; i < nr; i++) {
		vb->vqs[i].vq = vqs[i];
		/* A fresh split ring: its used index starts at 0. */
		if (vb->vqs[i].poll &&
		    !virtio_has_feature(vdev, VIRTIO_F_RING_PACKED))
			vb->vqs[i].used = virtqueue_get_vring(vqs[i])->used;
	}
	vb->nr_vqs = nr;
	vb->nr_poll = nr_poll;
	dev_info(&vdev->dev, "%u request queues, %u of them polled\n", nr,
		 nr_poll);
out:
	kfree(vqs);
	kfree(callbacks);
	kfree(names);
	if (err) {
		kfree(vb->vqs);
		vb->vqs = NULL;
	}
	return err;
}

static int mqvb_alloc_tag_set(struct mqvb_dev *vb)
{
	struct mq_tag_set *set = &vb->set;
	unsigned int depth = READ_ONCE(queue_depth);

	if (!depth) {
		/* Fill the ring; without indirect descriptors a request
		 * takes at least two.
		 */
		depth = vb->vqs[0].vq->num_free;
		if (!virtio_has_feature(vb->vdev, VIRTIO_RING_F_INDIRECT_DESC))
			depth /= 2;
		depth = max(depth, 1U);
	}
	/*
	 * A ring (up to 32768 entries) may be deeper than a tag set can
	 * be: use part of it, as blk-mq reduces the depth, rather than
	 * fail the probe.
	 */
	if (depth > MQVB_MAX_QUEUE_DEPTH) {
		dev_warn(&vb->vdev->dev, "queue depth %u reduced to %u\n",
			 depth, MQVB_MAX_QUEUE_DEPTH);
		depth = MQVB_MAX_QUEUE_DEPTH;
	}

	memset(set, 0, sizeof(*set));
	set->ops = &mqvb_mq_ops;
	set->nr_hw_queues = vb->nr_vqs;
	set->nr_maps = 1;
	if (vb->nr_poll) {
		set->nr_maps = MQ_HCTX_MAX_TYPES;
		set->map[MQ_HCTX_READ].nr_queues = 0;
		set->map[MQ_HCTX_POLL].nr_queues = vb->nr_poll;
	}
	set->queue_depth = depth;
	set->cmd_size = sizeof(struct mqvb_req) +
			vb->sg_elems * sizeof(struct scatterlist);
	set->numa_node = NUMA_NO_NODE;
	set->driver_data = vb;
	return mq_alloc_tag_set(set);
}

static void mqvb_name_disk(int index, char *buf, size_t len)
{
	char tail[8];
	int i = sizeof(tail) - 1;

	tail[i] = '\0';
	do {
		tail[--i] = 'a' + index % 26;
		index = index / 26 - 1;
	} while (index >= 0 && i > 0);
	snprintf(buf, len, "mqvd%s", &tail[i]);
}

static void mqvb_update_capacity(struct mqvb_dev *vb, bool resize)
{
	struct gendisk *disk = vb->q->disk;
	unsigned int lbs = queue_logical_block_size(disk->queue);
	char s2[16], s10[16];
	u64 capacity;

	/* In 512-byte sectors, whatever the block size. */
	virtio_cread(vb->vdev, struct virtio_blk_config, capacity, &capacity);
	string_get_size(capacity, SECTOR_SIZE, STRING_UNITS_2, s2, sizeof(s2));
	string_get_size(capacity, SECTOR_SIZE, STRING_UNITS_10, s10,
			sizeof(s10));
	dev_notice(&vb->vdev->dev, "[%s] %s%llu %u-byte logical blocks (%s/%s)\n",
		   disk->disk_name, resize ? "new size: " : "",
		   capacity / (lbs >> SECTOR_SHIFT), lbs, s10, s2);
	set_capacity_and_notify(disk, capacity);
}

/**
 * mqvb_update_cache_mode - follow the device's write cache setting
 * @vb: the device
 *
 * Without VIRTIO_BLK_F_CONFIG_WCE the cache is write back exactly when
 * the device can flush.
 */
int mqvb_update_cache_mode(struct mqvb_dev *vb)
{
	struct mq_limits lim;
	u8 wb;

	if (virtio_cread_feature(vb->vdev, VIRTIO_BLK_F_CONFIG_WCE,
				 struct virtio_blk_config, wce, &wb))
		wb = mqvb_has_flush(vb);
	mq_get_limits(vb->q, &lim);
	if (wb && mqvb_has_flush(vb))
		lim.features |= MQ_LIM_WRITE_CACHE;
	else
		lim.features &= ~MQ_LIM_WRITE_CACHE;
	lim.features &= ~MQ_LIM_FUA;
	return mq_set_limits(vb->q, &lim);
}

static void mqvb_config_work(struct work_struct *work)
{
	struct mqvb_dev *vb = container_of(work, struct mqvb_dev, config_work);

	mqvb_update_capacity(vb, true);
	/* cfg_lock: one read-modify-write of the limits at a time. */
	mutex_lock(&vb->cfg_lock);
	mqvb_update_cache_mode(vb);
	mutex_unlock(&vb->cfg_lock);
}

static void mqvb_config_changed(struct virtio_device *vdev)
{
	struct mqvb_dev *vb = vdev->priv;

	schedule_work(&vb->config_work);
}

/* Limits and features from the device configuration. */
static int mqvb_setup_disk(struct mqvb_dev *vb)
{
	struct virtio_device *vdev = vb->vdev;
	struct gendisk *disk = vb->q->disk;
	struct mq_limits lim;
	int err;
	u32 v, blk_size, max_size, opt_io;
	u16 min_io;
	u8 exp, align;
	size_t dma;

	mqvb_name_disk(vb->index, disk->disk_name, DISK_NAME_LEN);
	disk->major = mqvb_major;
	disk->first_minor = vb->index << MQVB_PART_BITS;
	disk->minors = 1 << MQVB_PART_BITS;

	if (virtio_has_feature(vdev, VIRTIO_BLK_F_RO))
		set_disk_ro(disk, true);

	mq_get_limits(vb->q, &lim);
	lim.max_segments = vb->sg_elems;
	lim.max_hw_sectors = UINT_MAX;
	dma = virtio_max_dma_size(vdev);
	max_size = min_t(size_t, dma, U32_MAX);
	if (!virtio_cread_feature(vdev, VIRTIO_BLK_F_SIZE_MAX,
				  struct virtio_blk_config, size_max, &v))
		max_size = min(max_size, v);
	max_size = max_t(u32, max_size, PAGE_SIZE);
	lim.max_segment_size = max_size;

	blk_size = SECTOR_SIZE;
	if (!virtio_cread_feature(vdev, VIRTIO_BLK_F_BLK_SIZE,
				  struct virtio_blk_config, blk_size, &v)) {
		if (blk_validate_block_size(v)) {
			dev_err(&vdev->dev, "invalid block size: 0x%x\n", v);
			return -EINVAL;
		}
		blk_size = v;
	}
	lim.logical_block_size = blk_size;

	if (virtio_has_feature(vdev, VIRTIO_BLK_F_TOPOLOGY)) {
		virtio_cread(vdev, struct virtio_blk_config,
			     physical_block_exp, &exp);
		if (exp && exp < 16)
			lim.physical_block_size = blk_size << exp;
		virtio_cread(vdev, struct virtio_blk_config,
			     alignment_offset, &align);
		if (align)
			lim.alignment_offset = blk_size * align;
		virtio_cread(vdev, struct virtio_blk_config, min_io_size,
			     &min_io);
		if (min_io)
			lim.io_min = blk_size * min_io;
		virtio_cread(vdev, struct virtio_blk_config, opt_io_size,
			     &opt_io);
		/* a u32 of blocks: its bytes may not fit */
		if (opt_io && opt_io <= UINT_MAX / blk_size)
			lim.io_opt = blk_size * opt_io;
	}

	if (virtio_has_feature(vdev, VIRTIO_BLK_F_DISCARD)) {
		virtio_cread(vdev, struct virtio_blk_config,
			     max_discard_sectors, &v);
		lim.max_discard_sectors = v ?: UINT_MAX >> SECTOR_SHIFT;
		/* One range per request: mq_core does not merge discards. */
		lim.max_discard_segments = 1;
		virtio_cread(vdev, struct virtio_blk_config,
			     discard_sector_alignment, &v);
		/*
		 * In sectors, a u32: from 2^23 up its bytes wrap (to 0 for
		 * 2^23, which the block layer warns about on each discard).
		 */
		if (v > UINT_MAX >> SECTOR_SHIFT) {
			dev_warn(&vdev->dev, "discard_sector_alignment %u too large, using the block size\n",
				 v);
			v = 0;
		}
		lim.discard_granularity = v ? v << SECTOR_SHIFT : blk_size;
	}
	if (virtio_has_feature(vdev, VIRTIO_BLK_F_WRITE_ZEROES)) {
		virtio_cread(vdev, struct virtio_blk_config,
			     max_write_zeroes_sectors, &v);
		lim.max_write_zeroes_sectors = v ?: UINT_MAX >> SECTOR_SHIFT;
	}

	lim.features &= ~(MQ_LIM_ROTATIONAL | MQ_LIM_ADD_RANDOM);
	err = mq_set_limits(vb->q, &lim);
	if (err)
		return err;
	err = mqvb_update_cache_mode(vb);
	if (err)
		return err;
	mqvb_update_capacity(vb, false);
	if (vb->nr_poll)
		mq_set_poll(vb->q, true);
	return 0;
}

static int mqvb_stats_show(struct seq_file *m, void *v)
{
	struct mqvb_dev *vb = m->private;
	unsigned int i;

	seq_puts(m, "vq reads writes flushes discards write_zeroes get_ids ring_full errors\n");
	for (i = 0; i < vb->nr_vqs; i++) {
		const struct mqvb_vq_stats *s = &vb->vqs[i].stats;

		seq_printf(m, "%s %lu %lu %lu %lu %lu %lu %lu %lu\n",
			   vb->vqs[i].name, READ_ONCE(s->reads),
			   READ_ONCE(s->writes), READ_ONCE(s->flushes),
			   READ_ONCE(s->discards), READ_ONCE(s->write_zeroes),
			   READ_ONCE(s->get_ids), READ_ONCE(s->ring_full),
			   READ_ONCE(s->errors));
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(mqvb_stats);

/*
 * Fault injection: writing 1 breaks the virtqueues, as the transport does
 * when the device vanished (surprise removal).  The device itself may
 * still complete what it holds, which we then no longer look at: for tests.
 */
static ssize_t mqvb_break_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	struct mqvb_dev *vb = file_inode(file)->i_private;
	bool on;
	int ret;

	ret = kstrtobool_from_user(ubuf, count, &on);
	if (ret) {
		dev_warn(&vb->vdev->dev, "break: expected 0 or 1\n");
		return ret;
	}
	if (on) {
		dev_warn(&vb->vdev->dev, "fault injection: virtqueues broken\n");
		virtio_break_device(vb->vdev);
	}
	return count;
}

static const struct file_operations mqvb_break_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= mqvb_break_write,
	.llseek	= noop_llseek,
};

static int mqvb_probe(struct virtio_device *vdev)
{
	struct mqvb_dev *vb;
	u32 sg_elems;
	int err;

	if (!vdev->config->get) {
		dev_err(&vdev->dev, "config access disabled\n");
		return -EINVAL;
	}

	vb = kzalloc(sizeof(*vb), GFP_KERNEL);
	if (!vb)
		return -ENOMEM;
	vb->vdev = vdev;
	vdev->priv = vb;
	INIT_WORK(&vb->config_work, mqvb_config_work);
	mutex_init(&vb->cfg_lock);

	err = ida_alloc_max(&mqvb_index_ida,
			    (1 << (MINORBITS - MQVB_PART_BITS)) - 1,
			    GFP_KERNEL);
	if (err < 0)
		goto free_vb;
	vb->index = err;

	if (virtio_cread_feature(vdev, VIRTIO_BLK_F_SEG_MAX,
				 struct virtio_blk_config, seg_max, &sg_elems) ||
	    !sg_elems)
		sg_elems = 1;
	vb->sg_elems = min_t(u32, sg_elems, MQVB_MAX_SG);

	err = mqvb_init_vqs(vb);
	if (err)
		goto free_index;
	err = mqvb_alloc_tag_set(vb);
	if (err)
		goto del_vqs;
	vb->q = mq_alloc_queue(&vb->set, vb);
	if (IS_ERR(vb->q)) {
		err = PTR_ERR(vb->q);
		goto free_set;
	}
	err = mqvb_setup_disk(vb);
	if (err)
		goto free_queue;

	virtio_device_ready(vdev);

	err = mq_add_disk_groups(vb->q, &vdev->dev, mqvb_attr_groups);
	if (err)
		goto reset;
	vb->dbg = debugfs_create_dir(vb->q->disk->disk_name,
				     mqvb_debugfs_root);
	debugfs_create_file("stats", 0444, vb->dbg, vb, &mqvb_stats_fops);
	debugfs_create_file("break", 0200, vb->dbg, vb, &mqvb_break_fops);
	dev_info(&vdev->dev, "disk %s: %u hardware queues (%u polled), depth %u, %u segments\n",
		 vb->q->disk->disk_name, vb->nr_vqs, vb->nr_poll,
		 vb->set.queue_depth, vb->sg_elems);
	return 0;

reset:
	virtio_reset_device(vdev);
free_queue:
	mq_free_queue(vb->q);
free_set:
	mq_free_tag_set(&vb->set);
del_vqs:
	/*
	 * Only a reset disables the virtqueues in the device: without it a
	 * later probe (bind, or loading the module again) would find them
	 * still enabled and fail to set them up.  (After virtio_device_ready
	 * the device was reset above already; a second reset is a no-op.)
	 */
	virtio_reset_device(vdev);
	vdev->config->del_vqs(vdev);
	kfree(vb->vqs);
free_index:
	ida_free(&mqvb_index_ida, vb->index);
free_vb:
	vdev->priv = NULL;
	kfree(vb);
	return err;
}

static void mqvb_remove(struct virtio_device *vdev)
{
	struct mqvb_dev *vb = vdev->priv;
	unsigned int i;

	/* Config interrupts are off by now (virtio core): drain the work. */
	flush_work(&vb->config_work);
	debugfs_remove_recursive(vb->dbg);

	/*
	 * A device that vanished (the transport broke its virtqueues) never
	 * returns what it holds: fail that now, or the drain below waits
	 * forever.  New requests fail when they meet the broken ring.
	 */
	if (mqvb_broken(vb)) {
		dev_warn(&vdev->dev, "device gone: failing I/O in flight\n");
		for (i = 0; i < vb->nr_vqs; i++)
			mqvb_fail_vq(&vb->vqs[i]);
	}

	/* Flushes dirty data, then waits for every request in flight. */
	mq_remove_disk(vb->q);

	/* Nothing is in flight: stop the device, then its rings go. */
	virtio_reset_device(vdev);
	vdev->config->del_vqs(vdev);
	dev_info(&vdev->dev, "disk %s removed\n", vb->q->disk->disk_name);
	mq_free_queue(vb->q);
	mq_free_tag_set(&vb->set);
	kfree(vb->vqs);
	ida_free(&mqvb_index_ida, vb->index);
	vdev->priv = NULL;
	kfree(vb);
}

/*
 * No MODULE_DEVICE_TABLE: udev must not load us for every virtio disk of a
 * box whose stock virtio_blk drives its root.  Loading (or bind) is a
 * deliberate act.
 */
static const struct virtio_device_id mqvb_id_table[] = {
	{ VIRTIO_ID_BLOCK, VIRTIO_DEV_ANY_ID },
	{ 0 },
};

static unsigned int mqvb_features[] = {
	VIRTIO_BLK_F_SEG_MAX, VIRTIO_BLK_F_SIZE_MAX, VIRTIO_BLK_F_RO,
	VIRTIO_BLK_F_BLK_SIZE, VIRTIO_BLK_F_FLUSH, VIRTIO_BLK_F_TOPOLOGY,
	VIRTIO_BLK_F_CONFIG_WCE, VIRTIO_BLK_F_MQ, VIRTIO_BLK_F_DISCARD,
	VIRTIO_BLK_F_WRITE_ZEROES,
};

static struct virtio_driver mqvb_driver = {
	.feature_table			= mqvb_features,
	.feature_table_size		= ARRAY_SIZE(mqvb_features),
	.feature_table_legacy		= mqvb_features,
	.feature_table_size_legacy	= ARRAY_SIZE(mqvb_features),
	.driver.name			= KBUILD_MODNAME,
	.driver.owner			= THIS_MODULE,
	.id_table			= mqvb_id_table,
	.probe				= mqvb_probe,
	.remove				= mqvb_remove,
	.config_changed			= mqvb_config_changed,
};

static int __init mqvb_init(void)
{
	int ret;

	mqvb_major = register_blkdev(0, "mqvirtblk");
	if (mqvb_major < 0)
		return mqvb_major;
	mqvb_debugfs_root = debugfs_create_dir(KBUILD_MODNAME, NULL);
	ret = register_virtio_driver(&mqvb_driver);
	if (ret) {
		debugfs_remove_recursive(mqvb_debugfs_root);
		unregister_blkdev(mqvb_major, "mqvirtblk");
	}
	return ret;
}

static void __exit mqvb_exit(void)
{
	unregister_virtio_driver(&mqvb_driver);
	debugfs_remove_recursive(mqvb_debugfs_root);
	unregister_blkdev(mqvb_major, "mqvirtblk");
	ida_destroy(&mqvb_index_ida);
}

module_init(mqvb_init);
module_exit(mqvb_exit);

MODULE_DESCRIPTION("virtio-blk driver on the mq_core multi-queue layer");
MODULE_LICENSE("GPL");
