// SPDX-License-Identifier: GPL-2.0
/*
 * mq_virtio_scsi - a virtio-scsi host (LLD) for mq_scsi.
 *
 * Virtqueue 0 is the control queue (task management: ABORT TASK and
 * LOGICAL UNIT RESET for mq_scsi's error handling), 1 the event queue
 * (hotplug: rescan), 2.. the request queues, one per hardware queue of the
 * host.  Commands carry their request/response headers in a DMA-able array
 * indexed by tag (mq_scsi's command payload may be vmalloc memory), so
 * nothing is allocated per I/O here.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/interrupt.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/virtio.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_scsi.h>
#include <scsi/scsi_status.h>

#include "../mq_core/mq_compat_virtio.h"
#include "../mq_scsi/mq_scsi.h"

#define MQVS_VQ_CTRL		0
#define MQVS_VQ_EVENT		1
#define MQVS_VQ_REQ		2
#define MQVS_VQ_NAME_LEN	20
#define MQVS_NR_EVENTS		8
#define MQVS_MAX_CAN_QUEUE	1024
/*
 * A LUN goes to the device in the flat space format: 0x40 | its high 6
 * bits, then its low byte, so 14 bits (the virtio spec bounds max_lun by
 * 16383).  REPORT LUNS and the events give LUNs from 256 up in that
 * format too, which mq_scsi numbers 0x4000 + n like scsilun_to_int():
 * the host's LUN range covers both, as upstream virtio_scsi's does, and
 * stays below 0x8000, where mqvs_lun() would alias.
 */
#define MQVS_MAX_LUN		16383
#define MQVS_FLAT_LUN		0x4000

static unsigned int max_targets;

static int mqvs_set_max_targets(const char *val, const struct kernel_param *kp)
{
	unsigned int n;

	if (kstrtouint(val, 0, &n) || n > 256) {
		pr_err("invalid value '%.*s' for parameter %s: expected 0..256\n",
		       (int)strcspn(val, "\n"), val, kp->name);
		return -EINVAL;
	}
	*(unsigned int *)kp->arg = n;
	return 0;
}

static const struct kernel_param_ops mqvs_max_targets_ops = {
	.set	= mqvs_set_max_targets,
	.get	= param_get_uint,
};

module_param_cb(max_targets, &mqvs_max_targets_ops, &max_targets, 0644);
MODULE_PARM_DESC(max_targets,
		 "Scan targets 0..max_targets-1 (0: as many as the device has, up to 256)");

/* What the device reads and writes for one command. */
struct mqvs_cmd_dma {
	struct virtio_scsi_cmd_req req;
	struct virtio_scsi_cmd_resp resp;
} __aligned(8);

/* One task management function on the control queue. */
struct mqvs_tmf {
	struct virtio_scsi_ctrl_tmf_req req;
	struct virtio_scsi_ctrl_tmf_resp resp;
	struct completion done;
};

struct mqvs_event {
	struct virtio_scsi_event ev;
	struct work_struct work;
	struct mqvs_host *vs;
};

struct mqvs_vq {
	struct virtqueue *vq;
	spinlock_t lock;	/* the ring: add, reap, kick */
	char name[MQVS_VQ_NAME_LEN];
} ____cacheline_aligned_in_smp;

/**
 * struct mqvs_host - one virtio-scsi device (the mq_scsi host's private data)
 * @vdev: the virtio device
 * @shost: the mq_scsi host
 * @nr_req: request virtqueues (= hardware queues)
 * @dma: request/response headers, one per tag
 * @nr_dma: entries of @dma (the host's can_queue)
 * @events: event buffers (DMA-able, kmalloc'd)
 * @stopping: no more event work is queued
 * @vqs: control, event, then request virtqueues
 */
struct mqvs_host {
	struct virtio_device *vdev;
	struct mq_scsi_host *shost;
	unsigned int nr_req;
	struct mqvs_cmd_dma *dma;
	unsigned int nr_dma;
	struct mqvs_event *events;
	bool stopping;
	struct mqvs_vq vqs[];
};

static struct mqvs_host *mqvs_from_shost(struct mq_scsi_host *shost)
{
	return *(struct mqvs_host **)mq_scsi_host_priv(shost);
}

static void mqvs_lun(u8 *lun, unsigned int id, u64 l)
{
	lun[0] = 1;
	lun[1] = id;
	lun[2] = (l >> 8) | 0x40;
	lun[3] = l & 0xff;
	memset(lun + 4, 0, 4);
}

/* Commands */

static int mqvs_host_byte(u8 response)
{
	switch (response) {
	case VIRTIO_SCSI_S_OK:
		return DID_OK;
	case VIRTIO_SCSI_S_ABORTED:
		return DID_ABORT;
	case VIRTIO_SCSI_S_BAD_TARGET:
	case VIRTIO_SCSI_S_TARGET_FAILURE:
	case VIRTIO_SCSI_S_INCORRECT_LUN:
		return DID_BAD_TARGET;
	case VIRTIO_SCSI_S_RESET:
		return DID_RESET;
	case VIRTIO_SCSI_S_BUSY:
		return DID_BUS_BUSY;
	case VIRTIO_SCSI_S_TRANSPORT_FAILURE:
		return DID_TRANSPORT_DISRUPTED;
	default:
		return DID_ERROR;
	}
}

static void mqvs_complete_cmd(struct mqvs_host *vs, struct mq_scsi_cmnd *cmd)
{
	struct virtio_scsi_cmd_resp *resp = &vs->dma[cmd->tag].resp;
	u32 sense_len = virtio32_to_cpu(vs->vdev, resp->sense_len);
	u32 resid = virtio32_to_cpu(vs->vdev, resp->resid);

	if (resp->response == VIRTIO_SCSI_S_NEXUS_FAILURE)
		cmd->result = DID_OK << 16 | SAM_STAT_RESERVATION_CONFLICT;
	else
		cmd->result = mqvs_host_byte(resp->response) << 16 |
			      resp->status;
	cmd->resid = min(resid, cmd->transfer_len);
	if (sense_len)
		memcpy(cmd->sense_buffer, resp->sense,
		       min_t(u32, sense_len, MQ_SCSI_SENSE_SIZE));
	mq_scsi_done(cmd);
}

static int mqvs_add_cmd(struct mqvs_host *vs, struct mqvs_vq *vq,
			struct mq_scsi_cmnd *cmd)
{
	struct mqvs_cmd_dma *d = &vs->dma[cmd->tag];
	struct scatterlist req, resp, *sgs[4];
	unsigned int out = 0, in = 0;

	sg_init_one(&req, &d->req, sizeof(d->req));
	sgs[out++] = &req;
	if (cmd->sg_count && cmd->sc_data_direction == DMA_TO_DEVICE)
		sgs[out++] = cmd->sgl;
	sg_init_one(&resp, &d->resp, sizeof(d->resp));
	sgs[out + in++] = &resp;
	if (cmd->sg_count && cmd->sc_data_direction == DMA_FROM_DEVICE)
		sgs[out + in++] = cmd->sgl;
	return virtqueue_add_sgs(vq->vq, sgs, out, in, cmd, GFP_ATOMIC);
}

static int mqvs_queuecommand(struct mq_scsi_host *shost,
			     struct mq_scsi_cmnd *cmd)
{
	struct mqvs_host *vs = mqvs_from_shost(shost);
	struct mqvs_vq *vq = &vs->vqs[MQVS_VQ_REQ + cmd->hwq];
	struct mqvs_cmd_dma *d;
	unsigned long flags;
	bool kick;
	int err;

	if (WARN_ON_ONCE(cmd->tag < 0 || cmd->tag >= vs->nr_dma ||
			 cmd->hwq >= vs->nr_req ||
			 cmd->cmd_len > VIRTIO_SCSI_CDB_SIZE))
		return MQ_SCSI_MLQUEUE_HOST_BUSY;
	d = &vs->dma[cmd->tag];
	memset(&d->req, 0, sizeof(d->req));
	mqvs_lun(d->req.lun, cmd->sdev->id, cmd->sdev->lun);
	d->req.tag = cpu_to_virtio64(vs->vdev, (unsigned long)cmd);
	d->req.task_attr = VIRTIO_SCSI_S_SIMPLE;
	memcpy(d->req.cdb, cmd->cmnd, cmd->cmd_len);
	d->resp.response = VIRTIO_SCSI_S_FAILURE;
	d->resp.sense_len = 0;

	spin_lock_irqsave(&vq->lock, flags);
	err = mqvs_add_cmd(vs, vq, cmd);
	kick = virtqueue_kick_prepare(vq->vq);
	spin_unlock_irqrestore(&vq->lock, flags);
	if (kick)
		virtqueue_notify(vq->vq);
	if (likely(!err))
		return 0;
	if (err == -ENOSPC || err == -ENOMEM)
		return MQ_SCSI_MLQUEUE_HOST_BUSY;
	/* The device is gone (broken ring). */
	cmd->result = DID_NO_CONNECT << 16;
	mq_scsi_done(cmd);
	return 0;
}

static void mqvs_commit_rqs(struct mq_scsi_host *shost, u16 hwq)
{
	struct mqvs_host *vs = mqvs_from_shost(shost);
	struct mqvs_vq *vq = &vs->vqs[MQVS_VQ_REQ + hwq];
	unsigned long flags;
	bool kick;

	spin_lock_irqsave(&vq->lock, flags);
	kick = virtqueue_kick_prepare(vq->vq);
	spin_unlock_irqrestore(&vq->lock, flags);
	if (kick)
		virtqueue_notify(vq->vq);
}

/* Reap a request virtqueue; from its interrupt or after a TMF. */
static void mqvs_reap_req(struct mqvs_host *vs, struct mqvs_vq *vq)
{
	struct mq_scsi_cmnd *cmd;
	unsigned long flags;
	unsigned int len;

	spin_lock_irqsave(&vq->lock, flags);
	do {
		virtqueue_disable_cb(vq->vq);
		while ((cmd = virtqueue_get_buf(vq->vq, &len)) != NULL)
			mqvs_complete_cmd(vs, cmd);
		if (unlikely(virtqueue_is_broken(vq->vq)))
			break;
	} while (!virtqueue_enable_cb(vq->vq));
	spin_unlock_irqrestore(&vq->lock, flags);
}

static void mqvs_req_done(struct virtqueue *vq)
{
	struct mqvs_host *vs = vq->vdev->priv;

	mqvs_reap_req(vs, &vs->vqs[vq->index]);
}

/* A device that vanished keeps what it holds: fail it. */
static void mqvs_fail_req(struct mqvs_vq *vq)
{
	struct mq_scsi_cmnd *cmd;
	unsigned long flags;

	spin_lock_irqsave(&vq->lock, flags);
	while ((cmd = virtqueue_detach_unused_buf(vq->vq)) != NULL) {
		cmd->result = DID_NO_CONNECT << 16;
		mq_scsi_done(cmd);
	}
	spin_unlock_irqrestore(&vq->lock, flags);
}

/* Task management */

static void mqvs_ctrl_done(struct virtqueue *vq)
{
	struct mqvs_host *vs = vq->vdev->priv;
	struct mqvs_vq *cvq = &vs->vqs[MQVS_VQ_CTRL];
	struct mqvs_tmf *tmf;
	unsigned long flags;
	unsigned int len;

	spin_lock_irqsave(&cvq->lock, flags);
	do {
		virtqueue_disable_cb(vq);
		while ((tmf = virtqueue_get_buf(vq, &len)) != NULL)
			complete(&tmf->done);
		if (unlikely(virtqueue_is_broken(vq)))
			break;
	} while (!virtqueue_enable_cb(vq));
	spin_unlock_irqrestore(&cvq->lock, flags);
}

/*
 * Send a TMF and wait for it.  The device answers a TMF only after every
 * command it affects has been returned, so reaping the request queues
 * afterwards delivers those completions before we report success (the
 * command being aborted itself is ignored by mq_scsi: it is in error
 * handling).
 */
static int mqvs_tmf(struct mq_scsi_cmnd *cmd, u32 subtype, const char *what)
{
	struct mqvs_host *vs = mqvs_from_shost(cmd->sdev->host);
	struct mqvs_vq *cvq = &vs->vqs[MQVS_VQ_CTRL];
	struct scatterlist req, resp, *sgs[2] = { &req, &resp };
	struct mqvs_tmf *tmf;
	unsigned long flags;
	unsigned int i;
	int err, ret = MQ_SCSI_EH_FAILED;

	tmf = kzalloc(sizeof(*tmf), GFP_NOIO);
	if (!tmf)
		return MQ_SCSI_EH_FAILED;
	init_completion(&tmf->done);
	tmf->req.type = cpu_to_virtio32(vs->vdev, VIRTIO_SCSI_T_TMF);
	tmf->req.subtype = cpu_to_virtio32(vs->vdev, subtype);
	mqvs_lun(tmf->req.lun, cmd->sdev->id, cmd->sdev->lun);
	tmf->req.tag = cpu_to_virtio64(vs->vdev, (unsigned long)cmd);
	tmf->resp.response = VIRTIO_SCSI_S_FAILURE;
	sg_init_one(&req, &tmf->req, sizeof(tmf->req));
	sg_init_one(&resp, &tmf->resp, sizeof(tmf->resp));

	spin_lock_irqsave(&cvq->lock, flags);
	err = virtqueue_add_sgs(cvq->vq, sgs, 1, 1, tmf, GFP_ATOMIC);
	if (!err)
		virtqueue_kick(cvq->vq);
	spin_unlock_irqrestore(&cvq->lock, flags);
	if (err) {
		dev_warn(&vs->vdev->dev, "%s %u:%llu: cannot queue the TMF: %d\n",
			 what, cmd->sdev->id, cmd->sdev->lun, err);
		kfree(tmf);
		return MQ_SCSI_EH_FAILED;
	}
	/* The device owns @tmf until it answers: no timeout here. */
	wait_for_completion(&tmf->done);
	if (tmf->resp.response == VIRTIO_SCSI_S_OK ||
	    tmf->resp.response == VIRTIO_SCSI_S_FUNCTION_SUCCEEDED)
		ret = MQ_SCSI_EH_SUCCESS;
	dev_info(&vs->vdev->dev, "%s %u:%llu: response %u\n", what,
		 cmd->sdev->id, cmd->sdev->lun, tmf->resp.response);
	for (i = 0; i < vs->nr_req; i++)
		mqvs_reap_req(vs, &vs->vqs[MQVS_VQ_REQ + i]);
	kfree(tmf);
	return ret;
}

static int mqvs_abort(struct mq_scsi_cmnd *cmd)
{
	return mqvs_tmf(cmd, VIRTIO_SCSI_T_TMF_ABORT_TASK, "abort task");
}

static int mqvs_device_reset(struct mq_scsi_cmnd *cmd)
{
	return mqvs_tmf(cmd, VIRTIO_SCSI_T_TMF_LOGICAL_UNIT_RESET,
			"logical unit reset");
}

/*
 * Last step: only a device that is gone can be "reset" here (its rings are
 * broken, so it will never touch a buffer again): fail everything it holds.
 * A live device that answered neither TMF keeps its buffers, and so we
 * must not give its commands back.
 */
static int mqvs_host_reset(struct mq_scsi_cmnd *cmd)
{
	struct mqvs_host *vs = mqvs_from_shost(cmd->sdev->host);
	unsigned int i;

	if (!virtqueue_is_broken(vs->vqs[MQVS_VQ_REQ].vq))
		return MQ_SCSI_EH_FAILED;
	for (i = 0; i < vs->nr_req; i++)
		mqvs_fail_req(&vs->vqs[MQVS_VQ_REQ + i]);
	return MQ_SCSI_EH_SUCCESS;
}

/* Events (hotplug) */

static int mqvs_kick_event(struct mqvs_host *vs, struct mqvs_event *e)
{
	struct mqvs_vq *evq = &vs->vqs[MQVS_VQ_EVENT];
	struct scatterlist sg;
	unsigned long flags;
	int err;

	sg_init_one(&sg, &e->ev, sizeof(e->ev));
	spin_lock_irqsave(&evq->lock, flags);
	err = virtqueue_add_inbuf(evq->vq, &sg, 1, e, GFP_ATOMIC);
	if (!err)
		virtqueue_kick(evq->vq);
	spin_unlock_irqrestore(&evq->lock, flags);
	return err;
}

static void mqvs_event_work(struct work_struct *work)
{
	struct mqvs_event *e = container_of(work, struct mqvs_event, work);
	struct mqvs_host *vs = e->vs;
	u32 event = virtio32_to_cpu(vs->vdev, e->ev.event);
	u32 reason = virtio32_to_cpu(vs->vdev, e->ev.reason);
	unsigned int id = e->ev.lun[1];
	/* as REPORT LUNS gives it (LUNs from 256 up: 0x4000 + n) */
	u64 lun = e->ev.lun[2] << 8 | e->ev.lun[3];
	bool rescan = false;

	if (event & VIRTIO_SCSI_T_EVENTS_MISSED) {
		event &= ~VIRTIO_SCSI_T_EVENTS_MISSED;
		rescan = true;
	}
	if (event == VIRTIO_SCSI_T_TRANSPORT_RESET) {
		switch (reason) {
		case VIRTIO_SCSI_EVT_RESET_RESCAN:
			dev_info(&vs->vdev->dev, "LUN %u:%llu added\n", id, lun);
			rescan = true;
			break;
		case VIRTIO_SCSI_EVT_RESET_REMOVED:
			dev_warn(&vs->vdev->dev, "LUN %u:%llu removed by the device\n",
				 id, lun);
			if (!READ_ONCE(vs->stopping) &&
			    mq_scsi_remove_lun(vs->shost, id, lun))
				dev_info(&vs->vdev->dev, "LUN %u:%llu was not known\n",
					 id, lun);
			break;
		default:
			break;
		}
	} else if (event != VIRTIO_SCSI_T_NO_EVENT) {
		dev_dbg(&vs->vdev->dev, "event %#x ignored\n", event);
	}
	if (rescan && !READ_ONCE(vs->stopping))
		mq_scsi_scan_host(vs->shost);
	if (!READ_ONCE(vs->stopping))
		mqvs_kick_event(vs, e);
}

static void mqvs_event_done(struct virtqueue *vq)
{
	struct mqvs_host *vs = vq->vdev->priv;
	struct mqvs_vq *evq = &vs->vqs[MQVS_VQ_EVENT];
	struct mqvs_event *e;
	unsigned long flags;
	unsigned int len;

	spin_lock_irqsave(&evq->lock, flags);
	do {
		virtqueue_disable_cb(vq);
		while ((e = virtqueue_get_buf(vq, &len)) != NULL)
			if (!READ_ONCE(vs->stopping))
				queue_work(system_freezable_wq, &e->work);
		if (unlikely(virtqueue_is_broken(vq)))
			break;
	} while (!virtqueue_enable_cb(vq));
	spin_unlock_irqrestore(&evq->lock, flags);
}

/* Setup */

static int mqvs_init_vqs(struct mqvs_host *vs, unsigned int nr_req)
{
	unsigned int i, n = MQVS_VQ_REQ + nr_req;
	struct irq_affinity desc = { .pre_vectors = MQVS_VQ_REQ };
	vq_callback_t **callbacks;
	struct virtqueue **vqs;
	const char **names;
	int err = -ENOMEM;

	callbacks = kmalloc_array(n, sizeof(*callbacks), GFP_KERNEL);
	names = kmalloc_array(n, sizeof(*names), GFP_KERNEL);
	vqs = kmalloc_array(n, sizeof(*vqs), GFP_KERNEL);
	if (!callbacks || !names || !vqs)
		goto out;
	for (i = 0; i < n; i++) {
		spin_lock_init(&vs->vqs[i].lock);
		if (i == MQVS_VQ_CTRL) {
			callbacks[i] = mqvs_ctrl_done;
			strscpy(vs->vqs[i].name, "control", MQVS_VQ_NAME_LEN);
		} else if (i == MQVS_VQ_EVENT) {
			callbacks[i] = mqvs_event_done;
			strscpy(vs->vqs[i].name, "event", MQVS_VQ_NAME_LEN);
		} else {
			callbacks[i] = mqvs_req_done;
			snprintf(vs->vqs[i].name, MQVS_VQ_NAME_LEN, "request.%u",
				 i - MQVS_VQ_REQ);
		}
		names[i] = vs->vqs[i].name;
	}
	err = mq_find_vqs(vs->vdev, n, vqs, callbacks, names, &desc);
	if (err)
		goto out;
	for (i = 0; i < n; i++)
		vs->vqs[i].vq = vqs[i];
out:
	kfree(vqs);
	kfree(names);
	kfree(callbacks);
	return err;
}

static const struct cpumask *mqvs_vq_affinity(void *data, unsigned int q)
{
	struct virtio_device *vdev = data;

	if (!vdev->config->get_vq_affinity)
		return NULL;
	return vdev->config->get_vq_affinity(vdev, MQVS_VQ_REQ + q);
}

/* Each request queue's CPUs are those its interrupt is affine to. */
static void mqvs_map_queues(struct mq_scsi_host *shost,
			    struct mq_queue_map *map)
{
	struct mqvs_host *vs = mqvs_from_shost(shost);

	mq_map_queues_by_affinity(map, mqvs_vq_affinity, vs->vdev);
}

static const struct mq_scsi_host_template mqvs_template = {
	.module			= THIS_MODULE,
	.name			= KBUILD_MODNAME,
	.queuecommand		= mqvs_queuecommand,
	.commit_rqs		= mqvs_commit_rqs,
	.eh_abort_handler	= mqvs_abort,
	.eh_device_reset_handler = mqvs_device_reset,
	.eh_host_reset_handler	= mqvs_host_reset,
	.map_queues		= mqvs_map_queues,
	.can_queue		= 128,
	.cmd_per_lun		= 128,
	.sg_tablesize		= MQ_SCSI_MAX_SG,
	.max_sectors		= 0xffff,
};

static u32 mqvs_cread32(struct virtio_device *vdev, size_t off)
{
	return virtio_cread32(vdev, off);
}

#define MQVS_CFG(vdev, field) \
	mqvs_cread32(vdev, offsetof(struct virtio_scsi_config, field))

static int mqvs_probe(struct virtio_device *vdev)
{
	struct mq_scsi_host_template *t;
	struct mq_scsi_host *shost;
	struct mqvs_host *vs;
	unsigned int nr_req, i, ring;
	u32 max_target, max_lun;
	int err;

	if (!vdev->config->get) {
		dev_err(&vdev->dev, "config access disabled\n");
		return -EINVAL;
	}
	nr_req = clamp_t(u32, MQVS_CFG(vdev, num_queues), 1, nr_cpu_ids);

	vs = kzalloc(struct_size(vs, vqs, MQVS_VQ_REQ + nr_req), GFP_KERNEL);
	/* Our own copy: the limits come from the device. */
	t = kmemdup(&mqvs_template, sizeof(*t), GFP_KERNEL);
	if (!vs || !t) {
		err = -ENOMEM;
		goto free;
	}
	vs->vdev = vdev;
	vs->nr_req = nr_req;
	vdev->priv = vs;

	virtio_cwrite32(vdev, offsetof(struct virtio_scsi_config, sense_size),
			VIRTIO_SCSI_SENSE_SIZE);
	virtio_cwrite32(vdev, offsetof(struct virtio_scsi_config, cdb_size),
			VIRTIO_SCSI_CDB_SIZE);

	err = mqvs_init_vqs(vs, nr_req);
	if (err)
		goto free;

	ring = virtqueue_get_vring_size(vs->vqs[MQVS_VQ_REQ].vq);
	t->can_queue = min_t(unsigned int, ring * nr_req, MQVS_MAX_CAN_QUEUE);
	t->cmd_per_lun = clamp_t(u32, MQVS_CFG(vdev, cmd_per_lun), 1,
				 t->can_queue);
	t->sg_tablesize = clamp_t(u32, MQVS_CFG(vdev, seg_max), 1,
				  MQ_SCSI_MAX_SG);
	t->max_sectors = clamp_t(u32, MQVS_CFG(vdev, max_sectors),
				 PAGE_SIZE >> SECTOR_SHIFT, 0xffff);
	t->nr_hw_queues = nr_req;
	vs->nr_dma = t->can_queue;
	vs->dma = kcalloc(vs->nr_dma, sizeof(*vs->dma), GFP_KERNEL);
	vs->events = kcalloc(MQVS_NR_EVENTS, sizeof(*vs->events), GFP_KERNEL);
	if (!vs->dma || !vs->events) {
		err = -ENOMEM;
		goto del_vqs;
	}

	shost = mq_scsi_host_alloc(t, sizeof(vs));
	if (!shost) {
		err = -ENOMEM;
		goto del_vqs;
	}
	*(struct mqvs_host **)mq_scsi_host_priv(shost) = vs;
	vs->shost = shost;
	max_target = virtio_cread16(vdev, offsetof(struct virtio_scsi_config,
						   max_target));
	shost->max_id = min_t(u32, max_target + 1, 256);
	if (READ_ONCE(max_targets))
		shost->max_id = min(shost->max_id, READ_ONCE(max_targets));
	max_lun = MQVS_CFG(vdev, max_lun);
	if (max_lun > MQVS_MAX_LUN) {
		dev_warn(&vdev->dev, "max_lun %u beyond the 14-bit LUN format, using %u\n",
			 max_lun, MQVS_MAX_LUN);
		max_lun = MQVS_MAX_LUN;
	}
	shost->max_lun = max_lun + 1 + MQVS_FLAT_LUN;
	shost->dev.parent = &vdev->dev;

	virtio_device_ready(vdev);
	for (i = 0; i < MQVS_NR_EVENTS; i++) {
		vs->events[i].vs = vs;
		INIT_WORK(&vs->events[i].work, mqvs_event_work);
		if (virtio_has_feature(vdev, VIRTIO_SCSI_F_HOTPLUG))
			mqvs_kick_event(vs, &vs->events[i]);
	}

	err = mq_scsi_add_host(shost);
	if (err)
		goto put_host;
	dev_info(&vdev->dev, "%s: %u request queues, can_queue %u, cmd_per_lun %u, %u segments, targets 0..%u\n",
		 dev_name(&shost->dev), nr_req, t->can_queue, t->cmd_per_lun,
		 t->sg_tablesize, shost->max_id - 1);
	err = mq_scsi_scan_host(shost);
	if (err)
		dev_warn(&vdev->dev, "scan: %d\n", err);
	return 0;

put_host:
	WRITE_ONCE(vs->stopping, true);
	virtio_reset_device(vdev);
	for (i = 0; i < MQVS_NR_EVENTS; i++)
		cancel_work_sync(&vs->events[i].work);
	mq_scsi_host_put(shost);
del_vqs:
	virtio_reset_device(vdev);
	vdev->config->del_vqs(vdev);
free:
	if (vs) {
		kfree(vs->events);
		kfree(vs->dma);
	}
	kfree(t);
	kfree(vs);
	vdev->priv = NULL;
	return err;
}

static void mqvs_remove(struct virtio_device *vdev)
{
	struct mqvs_host *vs = vdev->priv;
	const struct mq_scsi_host_template *t = vs->shost->hostt;
	unsigned int i;

	WRITE_ONCE(vs->stopping, true);
	for (i = 0; i < MQVS_NR_EVENTS; i++)
		cancel_work_sync(&vs->events[i].work);

	/* A vanished device never answers: fail what it holds. */
	if (virtqueue_is_broken(vs->vqs[MQVS_VQ_REQ].vq)) {
		dev_warn(&vdev->dev, "device gone: failing commands in flight\n");
		for (i = 0; i < vs->nr_req; i++)
			mqvs_fail_req(&vs->vqs[MQVS_VQ_REQ + i]);
	}
	mq_scsi_remove_host(vs->shost);

	virtio_reset_device(vdev);
	for (i = 0; i < MQVS_NR_EVENTS; i++)
		cancel_work_sync(&vs->events[i].work);
	vdev->config->del_vqs(vdev);
	mq_scsi_host_put(vs->shost);
	kfree(t);
	kfree(vs->events);
	kfree(vs->dma);
	kfree(vs);
	vdev->priv = NULL;
}

/* No MODULE_DEVICE_TABLE: see mq_virtio_blk (loading is deliberate). */
static const struct virtio_device_id mqvs_id_table[] = {
	{ VIRTIO_ID_SCSI, VIRTIO_DEV_ANY_ID },
	{ 0 },
};

static unsigned int mqvs_features[] = {
	VIRTIO_SCSI_F_HOTPLUG,
};

static struct virtio_driver mqvs_driver = {
	.feature_table		= mqvs_features,
	.feature_table_size	= ARRAY_SIZE(mqvs_features),
	.driver.name		= KBUILD_MODNAME,
	.driver.owner		= THIS_MODULE,
	.id_table		= mqvs_id_table,
	.probe			= mqvs_probe,
	.remove			= mqvs_remove,
};

module_virtio_driver(mqvs_driver);

MODULE_DESCRIPTION("virtio-scsi host for the mq_scsi layer on mq_core");
MODULE_LICENSE("GPL");
