// SPDX-License-Identifier: GPL-2.0
/*
 * SG_IO (sg_io_hdr v3) and the few sg/SCSI ioctls tools probe with, on
 * the disk node.  Data goes through a bounded kernel bounce buffer.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blkdev.h>
#include <linux/capability.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <scsi/scsi.h>
#include <scsi/sg.h>

#include "mq_scsi_priv.h"

#define MQ_SG_DEFAULT_TIMEOUT	(60 * HZ)
#define MQ_SG_MAX_TIMEOUT	(3600 * HZ)

unsigned int mq_scsi_sg_max_len(struct mq_scsi_device *sdev)
{
	return min_t(unsigned int, MQ_SCSI_SG_IO_MAX,
		     queue_max_hw_sectors(sdev->q->disk->queue) << SECTOR_SHIFT);
}

/* The header checks; the CDB itself goes to the device unfiltered. */
int mq_scsi_sg_check_hdr(struct mq_scsi_device *sdev,
			 const struct sg_io_hdr *hdr)
{
	if (hdr->interface_id != 'S')
		return -EINVAL;
	if (hdr->cmd_len < 6 || hdr->cmd_len > sdev->host->max_cmd_len ||
	    !hdr->cmdp)
		return -EINVAL;
	if (hdr->iovec_count)
		return -EOPNOTSUPP;
	switch (hdr->dxfer_direction) {
	case SG_DXFER_NONE:
		if (hdr->dxfer_len)
			return -EINVAL;
		break;
	case SG_DXFER_TO_DEV:
	case SG_DXFER_FROM_DEV:
	case SG_DXFER_TO_FROM_DEV:
		if (hdr->dxfer_len && !hdr->dxferp)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	if (hdr->dxfer_len > mq_scsi_sg_max_len(sdev))
		return -EINVAL;
	if (hdr->mx_sb_len && !hdr->sbp)
		return -EINVAL;
	return 0;
}

int mq_scsi_sg_io(struct mq_scsi_device *sdev, void __user *arg)
{
	unsigned int timeout, resid = 0, len;
	enum dma_data_direction dir;
	struct sg_io_hdr hdr;
	u8 cdb[MQ_SCSI_MAX_CDB];
	unsigned long start;
	u8 *buf = NULL, *sense;
	int ret, result;

	if (copy_from_user(&hdr, arg, sizeof(hdr)))
		return -EFAULT;
	ret = mq_scsi_sg_check_hdr(sdev, &hdr);
	if (ret)
		return ret;
	if (copy_from_user(cdb, hdr.cmdp, hdr.cmd_len))
		return -EFAULT;
	timeout = hdr.timeout ? msecs_to_jiffies(hdr.timeout) :
		  MQ_SG_DEFAULT_TIMEOUT;
	timeout = clamp_t(unsigned int, timeout, 1, MQ_SG_MAX_TIMEOUT);

	len = hdr.dxfer_len;
	dir = hdr.dxfer_direction == SG_DXFER_TO_DEV ? DMA_TO_DEVICE :
	      len ? DMA_FROM_DEVICE : DMA_NONE;
	sense = kzalloc(MQ_SCSI_SENSE_SIZE, GFP_KERNEL);
	if (!sense)
		return -ENOMEM;
	if (len) {
		buf = kzalloc(len, GFP_KERNEL | __GFP_NOWARN);
		if (!buf) {
			ret = -ENOMEM;
			goto out;
		}
		if (hdr.dxfer_direction == SG_DXFER_TO_DEV ||
		    hdr.dxfer_direction == SG_DXFER_TO_FROM_DEV) {
			if (copy_from_user(buf, hdr.dxferp, len)) {
				ret = -EFAULT;
				goto out;
			}
		}
	}

	start = jiffies;
	result = mq_scsi_execute(sdev, cdb, hdr.cmd_len, dir, buf, len, sense,
				 timeout, &resid);
	if (result < 0) {
		ret = result;
		goto out;
	}
	hdr.duration = jiffies_to_msecs(jiffies - start);
	hdr.status = result & 0xff;
	hdr.masked_status = (hdr.status >> 1) & 0x7f;
	hdr.msg_status = 0;
	hdr.host_status = mq_scsi_host_byte(result);
	hdr.driver_status = 0;
	hdr.sb_len_wr = 0;
	if (hdr.status == SAM_STAT_CHECK_CONDITION) {
		unsigned int slen = min_t(unsigned int, 8 + sense[7],
					  MQ_SCSI_SENSE_SIZE);

		hdr.driver_status = MQ_SG_DRIVER_SENSE;
		slen = min_t(unsigned int, slen, hdr.mx_sb_len);
		if (slen && copy_to_user(hdr.sbp, sense, slen)) {
			ret = -EFAULT;
			goto out;
		}
		hdr.sb_len_wr = slen;
	}
	hdr.resid = resid;
	hdr.info = (hdr.status || hdr.host_status || hdr.driver_status) ?
		   SG_INFO_CHECK : SG_INFO_OK;
	ret = 0;
	if (dir == DMA_FROM_DEVICE && len - resid &&
	    copy_to_user(hdr.dxferp, buf, len - resid))
		ret = -EFAULT;
	if (!ret && copy_to_user(arg, &hdr, sizeof(hdr)))
		ret = -EFAULT;
out:
	kfree(buf);
	kfree(sense);
	return ret;
}

/* SCSI_IOCTL_GET_IDLUN: id, lun and host packed as the midlayer does. */
int mq_scsi_get_idlun(struct mq_scsi_device *sdev, void __user *argp)
{
	return put_user((sdev->id & 0xff) | ((u32)(sdev->lun & 0xff) << 8) |
			((sdev->host->host_no & 0xff) << 24),
			(u32 __user *)argp) ?:
	       put_user(sdev->host->host_no, (u32 __user *)argp + 1);
}

/*
 * Ioctls of both the disk and the sg node beyond SG_IO and the ids:
 * SG_SCSI_RESET, then the LLD's own (&mq_scsi_host_template.ioctl).
 */
int mq_scsi_other_ioctl(struct mq_scsi_device *sdev, unsigned int cmd,
			void __user *argp)
{
	const struct mq_scsi_host_template *t = sdev->host->hostt;
	int ret;

	if (cmd == SG_SCSI_RESET)
		return mq_scsi_ioctl_reset(sdev, argp);
	if (!t->ioctl)
		return -ENOTTY;
	if (!mq_scsi_device_get(sdev))
		return -ENODEV;
	ret = t->ioctl(sdev, cmd, argp);
	mq_scsi_device_put(sdev);
	return ret;
}

/* &block_device_operations.ioctl of our disks. */
int mq_scsi_ioctl(struct block_device *bdev, blk_mode_t mode, unsigned int cmd,
		  unsigned long arg)
{
	struct mq_scsi_device *sdev = mq_disk_queue(bdev->bd_disk)->queuedata;
	void __user *argp = (void __user *)arg;
	int ret;

	switch (cmd) {
	case SG_GET_VERSION_NUM:
		return put_user(MQ_SG_VERSION_NUM, (int __user *)argp);
	case SG_EMULATED_HOST:
		return put_user(0, (int __user *)argp);
	case SG_GET_RESERVED_SIZE:
		return put_user((int)mq_scsi_sg_max_len(sdev), (int __user *)argp);
	case SG_SET_RESERVED_SIZE:
		return 0;
	case SCSI_IOCTL_GET_IDLUN:
		return mq_scsi_get_idlun(sdev, argp);
	case SCSI_IOCTL_GET_BUS_NUMBER:
		return put_user(sdev->host->host_no, (int __user *)argp);
	case SG_IO:
		break;
	default:
		return mq_scsi_other_ioctl(sdev, cmd, argp);
	}
	/* Raw commands bypass every check: like a partition, root only. */
	if (!capable(CAP_SYS_RAWIO))
		return -EPERM;
	if (bdev_is_partition(bdev))
		return -ENOTTY;
	if (!mq_scsi_device_get(sdev))
		return -ENODEV;
	ret = mq_scsi_sg_io(sdev, argp);
	mq_scsi_device_put(sdev);
	return ret;
}
