// SPDX-License-Identifier: GPL-2.0
/*
 * Completion of block I/O commands (sense decoding, bounded retries) and
 * timeouts (abort, then device reset, then host reset).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blkdev.h>
#include <linux/capability.h>
#include <linux/module.h>
#include <linux/uaccess.h>
#include <scsi/sg.h>

#include "mq_scsi_priv.h"

/**
 * mq_scsi_decode_sense - key, asc and ascq of fixed or descriptor sense
 * @sb: the sense buffer
 * @len: its valid length
 * @s: filled in
 *
 * Return: true if @sb holds valid current or deferred sense data.
 */
bool mq_scsi_decode_sense(const u8 *sb, unsigned int len,
			  struct mq_scsi_sense *s)
{
	u8 code;

	memset(s, 0, sizeof(*s));
	if (len < 8 || (sb[0] & 0x70) != 0x70)
		return false;
	code = sb[0] & 0x7f;
	if (code == 0x72 || code == 0x73) {
		s->key = sb[1] & 0xf;
		s->asc = sb[2];
		s->ascq = sb[3];
		return true;
	}
	if (code != 0x70 && code != 0x71)
		return false;
	s->key = sb[2] & 0xf;
	if (len >= 14 && sb[7] >= 6) {
		s->asc = sb[12];
		s->ascq = sb[13];
	}
	return true;
}

/*
 * TASK SET FULL: the logical unit holds fewer commands than we send.
 * Lower its depth to what it holds now (the commands in flight besides
 * this one), like scsi_track_queue_full(); mq_scsi_ramp_up() gives the
 * depth back one step at a time once it has been quiet for a while.
 */
static void mq_scsi_queue_full(struct mq_scsi_device *sdev)
{
	int busy = atomic_read(&sdev->budget) - 1;
	unsigned int depth = READ_ONCE(sdev->queue_depth);
	unsigned int new = max(busy, 1);

	WRITE_ONCE(sdev->last_queue_full, jiffies);
	if (new >= depth)
		return;
	WRITE_ONCE(sdev->queue_depth, new);
	dev_info_ratelimited(&sdev->dev, "TASK SET FULL: queue depth %u -> %u\n",
			     depth, new);
}

/* A good completion: grow a lowered depth back by one per period. */
static void mq_scsi_ramp_up(struct mq_scsi_device *sdev)
{
	unsigned int depth = READ_ONCE(sdev->queue_depth);
	unsigned long period = READ_ONCE(sdev->ramp_up_period);
	unsigned long now = jiffies;

	if (likely(depth >= READ_ONCE(sdev->max_queue_depth)))
		return;
	if (time_before(now, READ_ONCE(sdev->last_queue_full) + period) ||
	    time_before(now, READ_ONCE(sdev->last_ramp_up) + period))
		return;
	/* one CPU wins the step; the others see the new time */
	if (cmpxchg(&sdev->queue_depth, depth, depth + 1) != depth)
		return;
	WRITE_ONCE(sdev->last_ramp_up, now);
	/* a deeper queue may let waiting requests go now */
	mq_run_hw_queues(sdev->q, true);
}

/*
 * A MEDIUM ERROR on a READ/WRITE with a valid information field (the
 * first bad LBA): how many bytes before it are good.
 */
static unsigned int mq_scsi_medium_good_bytes(struct mq_scsi_cmnd *cmd,
					      struct mq_request *rq)
{
	struct mq_scsi_device *sdev = cmd->sdev;
	unsigned int shift = ilog2(sdev->sector_size);
	const u8 *sb = cmd->sense_buffer;
	u64 start = mq_rq_pos(rq) >> (shift - SECTOR_SHIFT), bad;
	u32 nr = mq_rq_bytes(rq) >> shift;

	if ((sb[0] & 0x7f) == 0x70 || (sb[0] & 0x7f) == 0x71) {
		if (!(sb[0] & 0x80))
			return 0;
		bad = get_unaligned_be32(&sb[3]);
	} else if ((sb[0] & 0x7f) == 0x72 && sb[7] >= 12 && sb[8] == 0x00 &&
		   (sb[10] & 0x80)) {
		bad = get_unaligned_be64(&sb[12]);
	} else {
		return 0;
	}
	if (bad <= start || bad >= start + nr)
		return 0;
	return (bad - start) << shift;
}

enum mq_scsi_disp {
	MQ_DISP_DONE,		/* end with the status */
	MQ_DISP_RETRY,		/* issue again now */
	MQ_DISP_RETRY_LATER,	/* issue again after a delay */
};

static enum mq_scsi_disp mq_scsi_sense_disp(struct mq_scsi_cmnd *cmd,
					    blk_status_t *sts)
{
	struct mq_scsi_sense s;

	if (!mq_scsi_decode_sense(cmd->sense_buffer, MQ_SCSI_SENSE_SIZE, &s)) {
		*sts = BLK_STS_IOERR;
		return MQ_DISP_RETRY;
	}
	switch (s.key) {
	case NO_SENSE:
	case RECOVERED_ERROR:
		*sts = BLK_STS_OK;
		return MQ_DISP_DONE;
	case UNIT_ATTENTION:
		*sts = BLK_STS_IOERR;
		return MQ_DISP_RETRY;
	case NOT_READY:
		*sts = BLK_STS_IOERR;
		/* becoming ready, or a transition: back off and retry */
		if (s.asc == 0x04 && (s.ascq == 0x01 || s.ascq == 0x0a))
			return MQ_DISP_RETRY_LATER;
		return MQ_DISP_DONE;
	case ABORTED_COMMAND:
		*sts = BLK_STS_IOERR;
		return MQ_DISP_RETRY;
	case MEDIUM_ERROR:
		*sts = BLK_STS_MEDIUM;
		return MQ_DISP_DONE;
	case ILLEGAL_REQUEST:
		*sts = BLK_STS_TARGET;
		return MQ_DISP_DONE;
	case DATA_PROTECT:
		*sts = BLK_STS_PROTECTION;
		return MQ_DISP_DONE;
	default:
		*sts = BLK_STS_IOERR;
		return MQ_DISP_DONE;
	}
}

static enum mq_scsi_disp mq_scsi_disp(struct mq_scsi_cmnd *cmd,
				      blk_status_t *sts)
{
	switch (mq_scsi_host_byte(cmd->result)) {
	case DID_OK:
		break;
	case DID_BUS_BUSY:
	case DID_RESET:
	case DID_SOFT_ERROR:
	case DID_IMM_RETRY:
	case DID_ABORT:
	case DID_ERROR:		/* like the midlayer: retried, counted */
	case DID_PARITY:
		*sts = BLK_STS_IOERR;
		return MQ_DISP_RETRY;
	case DID_TRANSPORT_DISRUPTED:	/* the transport comes back */
	case DID_REQUEUE:
		*sts = BLK_STS_IOERR;
		return MQ_DISP_RETRY_LATER;
	case DID_NO_CONNECT:
	case DID_BAD_TARGET:
		*sts = BLK_STS_TRANSPORT;
		return MQ_DISP_DONE;
	case DID_TIME_OUT:
		*sts = BLK_STS_TIMEOUT;
		return MQ_DISP_DONE;
	default:
		*sts = BLK_STS_IOERR;
		return MQ_DISP_DONE;
	}
	switch (cmd->result & 0xff) {
	case SAM_STAT_GOOD:
	case SAM_STAT_CONDITION_MET:
		*sts = BLK_STS_OK;
		return MQ_DISP_DONE;
	case SAM_STAT_CHECK_CONDITION:
		return mq_scsi_sense_disp(cmd, sts);
	case SAM_STAT_TASK_SET_FULL:
		mq_scsi_queue_full(cmd->sdev);
		fallthrough;
	case SAM_STAT_BUSY:
		this_cpu_inc(cmd->sdev->stats->queue_full);
		*sts = BLK_STS_RESOURCE;
		return MQ_DISP_RETRY_LATER;
	case SAM_STAT_RESERVATION_CONFLICT:
		*sts = BLK_STS_RESV_CONFLICT;
		return MQ_DISP_DONE;
	default:
		*sts = BLK_STS_IOERR;
		return MQ_DISP_DONE;
	}
}

/* Issue again, after @delay_ms (0: now); the CDB and data are kept. */
static void mq_scsi_retry(struct mq_request *rq, unsigned int delay_ms)
{
	mq_requeue_request_after(rq, delay_ms);
}

/* &mq_ops.complete: decide what a finished command means. */
void mq_scsi_complete_io(struct mq_request *rq)
{
	struct mq_scsi_cmnd *cmd = mq_scsi_rq_cmd(rq);
	struct mq_scsi_device *sdev = cmd->sdev;
	enum mq_scsi_disp disp;
	blk_status_t sts;

	/* Internal and SG_IO commands: the caller reads result and sense. */
	if (cmd->flags & MQ_SCMD_PASSTHROUGH) {
		mq_end_request(rq, BLK_STS_OK);
		return;
	}
	disp = mq_scsi_disp(cmd, &sts);
	if (disp != MQ_DISP_DONE) {
		/* busy / queue full: not a failure, only time-bounded */
		bool busy = sts == BLK_STS_RESOURCE &&
			    time_before(jiffies, cmd->start +
					MQ_SCSI_BUSY_TIMEOUT);

		if ((busy || cmd->retries++ < MQ_SCSI_MAX_RETRIES) &&
		    READ_ONCE(sdev->state) != MQ_SDEV_DEL &&
		    READ_ONCE(sdev->state) != MQ_SDEV_OFFLINE) {
			this_cpu_inc(sdev->stats->retries);
			mq_scsi_retry(rq, disp == MQ_DISP_RETRY_LATER ?
				      (sts == BLK_STS_RESOURCE ?
				       MQ_SCSI_BUSY_DELAY_MS :
				       MQ_SCSI_NOT_READY_DELAY_MS) : 0);
			return;
		}
		if (sts == BLK_STS_RESOURCE)
			sts = BLK_STS_IOERR;
		dev_err_ratelimited(&sdev->dev, "giving up after %u retries (result 0x%x)\n",
				    cmd->retries - 1, cmd->result);
		mq_scsi_finish(rq, sts);
		return;
	}
	if (sts == BLK_STS_MEDIUM) {
		unsigned int good = 0;

		this_cpu_inc(sdev->stats->medium_errors);
		if ((mq_rq_op(rq) == REQ_OP_READ ||
		     mq_rq_op(rq) == REQ_OP_WRITE) &&
		    !(cmd->flags & MQ_SCMD_FLUSHING))
			good = mq_scsi_medium_good_bytes(cmd, rq);
		/* the blocks before the bad one made it */
		if (good)
			mq_update_request(rq, BLK_STS_OK, good);
	}
	if (sts) {
		dev_err_ratelimited(&sdev->dev, "cmd 0x%02x failed: result 0x%x, sense %02x/%02x/%02x\n",
				    cmd->cmnd[0], cmd->result,
				    cmd->sense_buffer[2] & 0xf,
				    cmd->sense_buffer[12],
				    cmd->sense_buffer[13]);
		mq_scsi_finish(rq, sts);
		return;
	}
	if (cmd->flags & MQ_SCMD_FLUSHING) {
		/* Preflush done: now the data, if there is any. */
		if (mq_rq_bytes(rq)) {
			cmd->flags = MQ_SCMD_FLUSH_DONE;
			cmd->retries = 0;
			sts = mq_sd_prep(cmd, rq);
			if (sts)
				mq_scsi_finish(rq, sts);
			else
				mq_requeue_request(rq, true);
			return;
		}
		mq_scsi_finish(rq, BLK_STS_OK);
		return;
	}
	/* short READ/WRITE: complete the good part (discards are all or nothing) */
	if (unlikely(cmd->resid && cmd->transfer_len &&
		     (mq_rq_op(rq) == REQ_OP_READ ||
		      mq_rq_op(rq) == REQ_OP_WRITE))) {
		unsigned int resid = min(cmd->resid, cmd->transfer_len);
		unsigned int good = cmd->transfer_len - resid;

		good &= ~(sdev->sector_size - 1);
		if (good && mq_update_request(rq, BLK_STS_OK, good)) {
			mq_scsi_finish(rq, BLK_STS_IOERR);
			return;
		}
		mq_scsi_finish(rq, good ? BLK_STS_OK : BLK_STS_IOERR);
		return;
	}
	mq_scsi_ramp_up(sdev);
	mq_scsi_finish(rq, BLK_STS_OK);
}

static int mq_scsi_eh_step(struct mq_scsi_cmnd *cmd, const char *what,
			   int (*fn)(struct mq_scsi_cmnd *cmd), unsigned int inj)
{
	int ret;

	if (!fn)
		return MQ_SCSI_EH_FAILED;
	ret = fn(cmd);
	if (ret == MQ_SCSI_EH_SUCCESS &&
	    (READ_ONCE(cmd->sdev->host->inject_eh_fail) & inj)) {
		dev_info(&cmd->sdev->dev, "%s: success ignored (inject_eh_fail)\n",
			 what);
		return MQ_SCSI_EH_FAILED;
	}
	dev_info(&cmd->sdev->dev, "%s: %s\n", what,
		 ret == MQ_SCSI_EH_SUCCESS ? "success" : "failed");
	return ret;
}

/* abort -> device reset -> target reset -> bus reset -> host reset */
static int mq_scsi_eh_escalate(struct mq_scsi_cmnd *cmd, int from)
{
	const struct mq_scsi_host_template *t = cmd->sdev->host->hostt;
	static const char *const names[] = {
		"abort", "device reset", "target reset", "bus reset",
		"host reset",
	};
	int (*fns[])(struct mq_scsi_cmnd *cmd) = {
		t->eh_abort_handler, t->eh_device_reset_handler,
		t->eh_target_reset_handler, t->eh_bus_reset_handler,
		t->eh_host_reset_handler,
	};
	int i, ret = MQ_SCSI_EH_FAILED;

	for (i = from; i < ARRAY_SIZE(fns) && ret != MQ_SCSI_EH_SUCCESS; i++)
		ret = mq_scsi_eh_step(cmd, names[i], fns[i], BIT(i));
	return ret;
}

/*
 * SG_SCSI_RESET on a disk or sg node: the LLD's device / target / bus /
 * host reset with a command that was never issued (like the midlayer's
 * scsi_ioctl_reset()); escalates on failure unless
 * SG_SCSI_RESET_NO_ESCALATE.
 */
int mq_scsi_ioctl_reset(struct mq_scsi_device *sdev, int __user *arg)
{
	struct mq_scsi_cmnd *cmd;
	struct mq_request *rq;
	int val, step, ret;

	if (!capable(CAP_SYS_ADMIN) || !capable(CAP_SYS_RAWIO))
		return -EACCES;
	if (get_user(val, arg))
		return -EFAULT;
	switch (val & ~SG_SCSI_RESET_NO_ESCALATE) {
	case SG_SCSI_RESET_NOTHING:
		return 0;
	case SG_SCSI_RESET_DEVICE:
		step = 1;
		break;
	case SG_SCSI_RESET_TARGET:
		step = 2;
		break;
	case SG_SCSI_RESET_BUS:
		step = 3;
		break;
	case SG_SCSI_RESET_HOST:
		step = 4;
		break;
	default:
		dev_warn(&sdev->dev, "SG_SCSI_RESET: unknown type %#x\n", val);
		return -EINVAL;
	}
	if (!mq_scsi_device_get(sdev))
		return -ENODEV;
	rq = mq_alloc_request(sdev->q, REQ_OP_DRV_IN, false, false);
	if (IS_ERR(rq)) {
		mq_scsi_device_put(sdev);
		return PTR_ERR(rq);
	}
	cmd = mq_scsi_rq_cmd(rq);
	cmd->sdev = sdev;
	cmd->flags = MQ_SCMD_PASSTHROUGH;
	memset(cmd->cmnd, 0, sizeof(cmd->cmnd));
	cmd->cmd_len = 6;
	cmd->sg_count = 0;
	cmd->transfer_len = 0;
	cmd->sc_data_direction = DMA_NONE;
	cmd->tag = rq->tag;
	if (val & SG_SCSI_RESET_NO_ESCALATE) {
		const struct mq_scsi_host_template *t = sdev->host->hostt;

		ret = mq_scsi_eh_step(cmd, "SG_SCSI_RESET",
				      step == 1 ? t->eh_device_reset_handler :
				      step == 2 ? t->eh_target_reset_handler :
				      step == 3 ? t->eh_bus_reset_handler :
				      t->eh_host_reset_handler, 0);
	} else {
		ret = mq_scsi_eh_escalate(cmd, step);
	}
	mq_free_request(rq);
	mq_scsi_device_put(sdev);
	return ret == MQ_SCSI_EH_SUCCESS ? 0 : -EIO;
}

/*
 * &mq_ops.timeout: the command is claimed by us.  Ask the LLD to give it
 * up, escalating abort -> device reset -> target reset -> bus reset ->
 * host reset.  Once the LLD let go, retry it (bounded) or fail it; if
 * every step failed the LUN goes offline and the command fails.
 */
enum mq_eh_timer_return mq_scsi_timeout(struct mq_request *rq)
{
	struct mq_scsi_cmnd *cmd = mq_scsi_rq_cmd(rq);
	struct mq_scsi_device *sdev = rq->q->queuedata;
	const struct mq_scsi_host_template *t = sdev->host->hostt;
	int ret;

	if (t->eh_timed_out) {
		switch (t->eh_timed_out(cmd)) {
		case MQ_SCSI_EH_RESET_TIMER:
			return MQ_EH_RESET_TIMER;
		case MQ_SCSI_EH_DONE:
			/* the LLD set the result: decide as for a completion */
			mq_scsi_complete_io(rq);
			return MQ_EH_DONE;
		default:
			break;
		}
	}
	this_cpu_inc(sdev->stats->timeouts);
	dev_warn(&sdev->dev, "command 0x%02x (tag %d) timed out\n",
		 cmd->cmnd[0], rq->tag);
	ret = mq_scsi_eh_escalate(cmd, 0);
	if (ret != MQ_SCSI_EH_SUCCESS) {
		this_cpu_inc(sdev->stats->eh_failed);
		dev_err(&sdev->dev, "error handling failed, taking the device offline\n");
		WRITE_ONCE(sdev->state, MQ_SDEV_OFFLINE);
		if (cmd->flags & MQ_SCMD_PASSTHROUGH) {
			cmd->result = DID_TIME_OUT << 16;
			mq_end_request(rq, BLK_STS_OK);
		} else {
			mq_scsi_finish(rq, BLK_STS_TIMEOUT);
		}
		return MQ_EH_DONE;
	}
	this_cpu_inc(sdev->stats->eh_taken);
	if (cmd->flags & MQ_SCMD_PASSTHROUGH) {
		cmd->result = DID_TIME_OUT << 16;
		mq_end_request(rq, BLK_STS_OK);
		return MQ_EH_DONE;
	}
	if (cmd->retries++ < MQ_SCSI_MAX_RETRIES &&
	    READ_ONCE(sdev->state) != MQ_SDEV_DEL)
		return MQ_EH_RETRY;
	mq_scsi_finish(rq, BLK_STS_TIMEOUT);
	return MQ_EH_DONE;
}
