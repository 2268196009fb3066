// SPDX-License-Identifier: GPL-2.0
/*
 * Persistent reservations of mq_scsi disks: the block layer's pr_ops
 * (IOC_PR_* ioctls) as PERSISTENT RESERVE OUT, like sd.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blkdev.h>
#include <linux/pr.h>
#include <linux/slab.h>

#include "mq_scsi_priv.h"

#define MQ_PR_PARAM_LEN		24
#define MQ_PR_TRIES		3
#define MQ_PR_TIMEOUT		(30 * HZ)

/* PERSISTENT RESERVE OUT service actions */
enum {
	MQ_PR_SA_REGISTER		= 0x00,
	MQ_PR_SA_RESERVE		= 0x01,
	MQ_PR_SA_RELEASE		= 0x02,
	MQ_PR_SA_CLEAR			= 0x03,
	MQ_PR_SA_PREEMPT		= 0x04,
	MQ_PR_SA_PREEMPT_ABORT		= 0x05,
	MQ_PR_SA_REGISTER_IGNORE	= 0x06,
};

/* Block layer reservation type to the SCSI TYPE field; 0: unknown. */
static u8 mq_pr_type(enum pr_type type)
{
	switch (type) {
	case PR_WRITE_EXCLUSIVE:
		return 0x01;
	case PR_EXCLUSIVE_ACCESS:
		return 0x03;
	case PR_WRITE_EXCLUSIVE_REG_ONLY:
		return 0x05;
	case PR_EXCLUSIVE_ACCESS_REG_ONLY:
		return 0x06;
	case PR_WRITE_EXCLUSIVE_ALL_REGS:
		return 0x07;
	case PR_EXCLUSIVE_ACCESS_ALL_REGS:
		return 0x08;
	default:
		return 0;
	}
}

/*
 * Issue one PERSISTENT RESERVE OUT.  Like sd_pr_command(): the SCSI
 * result comes back as it is (0 good, %SAM_STAT_RESERVATION_CONFLICT for
 * a conflict, a CHECK CONDITION result otherwise), a negative errno when
 * the command could not be issued.  Unit attentions are retried.
 */
static int mq_pr_command(struct block_device *bdev, u8 sa, u64 key,
			 u64 sa_key, u8 type, u8 flags)
{
	struct mq_scsi_device *sdev = mq_disk_queue(bdev->bd_disk)->queuedata;
	u8 cdb[10] = { PERSISTENT_RESERVE_OUT, sa, type };
	struct mq_scsi_sense s;
	u8 *data, *sense;
	int i, ret;

	if (bdev_is_partition(bdev))
		return -ENOTTY;
	if (!mq_scsi_device_get(sdev))
		return -ENODEV;
	put_unaligned_be32(MQ_PR_PARAM_LEN, &cdb[5]);
	data = kzalloc(MQ_PR_PARAM_LEN, GFP_KERNEL);
	sense = kzalloc(MQ_SCSI_SENSE_SIZE, GFP_KERNEL);
	if (!data || !sense) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < MQ_PR_TRIES; i++) {
		put_unaligned_be64(key, &data[0]);
		put_unaligned_be64(sa_key, &data[8]);
		data[20] = flags;
		ret = mq_scsi_execute(sdev, cdb, sizeof(cdb), DMA_TO_DEVICE, data,
				      MQ_PR_PARAM_LEN, sense, MQ_PR_TIMEOUT,
				      NULL);
		if (ret <= 0 || (ret & 0xff) != SAM_STAT_CHECK_CONDITION ||
		    !mq_scsi_decode_sense(sense, MQ_SCSI_SENSE_SIZE, &s))
			break;
		if (s.key != UNIT_ATTENTION) {
			dev_info(&sdev->dev, "PR command 0x%02x failed: result 0x%x, sense %02x/%02x/%02x\n",
				 sa, ret, s.key, s.asc, s.ascq);
			break;
		}
	}
out:
	kfree(data);
	kfree(sense);
	mq_scsi_device_put(sdev);
	return ret;
}

static int mq_pr_register(struct block_device *bdev, u64 old_key,
			  u64 new_key, u32 flags)
{
	if (flags & ~PR_FL_IGNORE_KEY)
		return -EOPNOTSUPP;
	/* APTPL like sd: the registration survives a power loss */
	return mq_pr_command(bdev, (flags & PR_FL_IGNORE_KEY) ?
			     MQ_PR_SA_REGISTER_IGNORE : MQ_PR_SA_REGISTER,
			     old_key, new_key, 0, 0x01);
}

static int mq_pr_reserve(struct block_device *bdev, u64 key,
			 enum pr_type type, u32 flags)
{
	u8 t = mq_pr_type(type);

	if (flags)
		return -EOPNOTSUPP;
	if (!t)
		return -EINVAL;
	return mq_pr_command(bdev, MQ_PR_SA_RESERVE, key, 0, t, 0);
}

static int mq_pr_release(struct block_device *bdev, u64 key,
			 enum pr_type type)
{
	u8 t = mq_pr_type(type);

	if (!t)
		return -EINVAL;
	return mq_pr_command(bdev, MQ_PR_SA_RELEASE, key, 0, t, 0);
}

static int mq_pr_preempt(struct block_device *bdev, u64 old_key,
			 u64 new_key, enum pr_type type, bool abort)
{
	u8 t = mq_pr_type(type);

	if (!t)
		return -EINVAL;
	return mq_pr_command(bdev, abort ? MQ_PR_SA_PREEMPT_ABORT :
			     MQ_PR_SA_PREEMPT, old_key, new_key, t, 0);
}

static int mq_pr_clear(struct block_device *bdev, u64 key)
{
	return mq_pr_command(bdev, MQ_PR_SA_CLEAR, key, 0, 0, 0);
}

const struct pr_ops mq_sd_pr_ops = {
	.pr_register	= mq_pr_register,
	.pr_reserve	= mq_pr_reserve,
	.pr_release	= mq_pr_release,
	.pr_preempt	= mq_pr_preempt,
	.pr_clear	= mq_pr_clear,
};
