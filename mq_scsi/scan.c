// SPDX-License-Identifier: GPL-2.0
/*
 * Internal commands and scanning: REPORT LUNS (or sequential LUNs),
 * INQUIRY with VPD pages, READ CAPACITY and the caching mode page, then a
 * disk per direct-access logical unit.  Removal of a logical unit.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "mq_scsi_priv.h"

#define MQ_SCAN_INQ_LEN		96
#define MQ_SCAN_VPD_LEN		252
#define MQ_SCAN_RLUN_MAX	512	/* LUNs taken from one REPORT LUNS */
/*
 * LUNs probed one by one without REPORT LUNS, like the midlayer's
 * max_luns: an LLD's max_lun comes from its device (virtio-scsi's from a
 * 32-bit config field), and each probe is an INQUIRY under scan_mutex.
 */
#define MQ_SCAN_SEQ_MAX		512
#define MQ_SCAN_RETRIES		3

/**
 * mq_scsi_execute - issue an internal command and wait for it
 * @sdev: the logical unit
 * @cdb: the CDB
 * @cdb_len: its length (6..16)
 * @dir: data direction
 * @buf: kmalloc()ed data buffer, or NULL
 * @len: its length
 * @sense: %MQ_SCSI_SENSE_SIZE bytes for the sense data, or NULL
 * @timeout: in jiffies
 * @resid: set to the residual count, or NULL
 *
 * Return: the command's result (host byte << 16 | status), or a negative
 * errno if it could not be issued or the request failed.
 */
int mq_scsi_execute(struct mq_scsi_device *sdev, const u8 *cdb,
		    unsigned int cdb_len, enum dma_data_direction dir,
		    void *buf, unsigned int len, u8 *sense,
		    unsigned int timeout, unsigned int *resid)
{
	struct mq_scsi_cmnd *cmd;
	struct mq_request *rq;
	blk_status_t sts;
	int ret;

	if (cdb_len < 6 || cdb_len > MQ_SCSI_MAX_CDB || (len && !buf))
		return -EINVAL;
	rq = mq_alloc_request(sdev->q, dir == DMA_TO_DEVICE ?
			      REQ_OP_DRV_OUT : REQ_OP_DRV_IN, false, false);
	if (IS_ERR(rq))
		return PTR_ERR(rq);
	cmd = mq_scsi_rq_cmd(rq);
	cmd->sdev = sdev;
	memset(cmd->cmnd, 0, sizeof(cmd->cmnd));
	memcpy(cmd->cmnd, cdb, cdb_len);
	cmd->cmd_len = cdb_len;
	cmd->sc_data_direction = len ? dir : DMA_NONE;
	cmd->buf = buf;
	cmd->buflen = len;
	cmd->flags = MQ_SCMD_PASSTHROUGH;
	rq->timeout = timeout;

	sts = mq_execute_rq(rq);
	if (sts) {
		ret = blk_status_to_errno(sts);
	} else {
		ret = cmd->result;
		if (sense)
			memcpy(sense, cmd->sense_buffer, MQ_SCSI_SENSE_SIZE);
		if (resid)
			*resid = min(cmd->resid, len);
	}
	cmd->flags = 0;
	cmd->buf = NULL;
	mq_free_request(rq);
	return ret;
}

/*
 * An internal command with a few retries for unit attentions, a LUN
 * becoming ready, busy or reset.  Returns 0 on GOOD status, the result
 * otherwise (or a negative errno).
 */
static int mq_scsi_exec_retry(struct mq_scsi_device *sdev, const u8 *cdb,
			      unsigned int cdb_len, void *buf,
			      unsigned int len, struct mq_scsi_sense *sshdr)
{
	u8 *sense;
	int i, ret = -EIO;

	sense = kzalloc(MQ_SCSI_SENSE_SIZE, GFP_KERNEL);
	if (!sense)
		return -ENOMEM;
	for (i = 0; i < MQ_SCAN_RETRIES; i++) {
		struct mq_scsi_sense s = { 0 };

		ret = mq_scsi_execute(sdev, cdb, cdb_len, DMA_FROM_DEVICE, buf,
				      len, sense, MQ_SCSI_INTERNAL_TIMEOUT,
				      NULL);
		if (ret <= 0)
			break;
		if (mq_scsi_host_byte(ret) == DID_RESET || mq_scsi_host_byte(ret) == DID_BUS_BUSY ||
		    mq_scsi_host_byte(ret) == DID_SOFT_ERROR)
			continue;
		if (mq_scsi_host_byte(ret) != DID_OK)
			break;
		if ((ret & 0xff) == SAM_STAT_BUSY ||
		    (ret & 0xff) == SAM_STAT_TASK_SET_FULL) {
			msleep(MQ_SCSI_BUSY_DELAY_MS);
			continue;
		}
		if ((ret & 0xff) != SAM_STAT_CHECK_CONDITION ||
		    !mq_scsi_decode_sense(sense, MQ_SCSI_SENSE_SIZE, &s))
			break;
		if (sshdr)
			*sshdr = s;
		if (s.key == UNIT_ATTENTION)
			continue;
		if (s.key == NOT_READY && s.asc == 0x04 && s.ascq == 0x01) {
			msleep(MQ_SCSI_NOT_READY_DELAY_MS);
			continue;
		}
		break;
	}
	kfree(sense);
	return ret;
}

/* Standard INQUIRY (@evpd false) or VPD page @page. */
static int mq_scsi_inquiry(struct mq_scsi_device *sdev, bool evpd, u8 page,
			   u8 *buf, unsigned int len)
{
	u8 cdb[6] = { INQUIRY, evpd, page, len >> 8, len & 0xff, 0 };

	memset(buf, 0, len);
	return mq_scsi_exec_retry(sdev, cdb, sizeof(cdb), buf, len, NULL);
}

/* A VPD page, kmalloc()ed, or NULL. */
static u8 *mq_scsi_get_vpd(struct mq_scsi_device *sdev, const u8 *pg0,
			   u8 page)
{
	unsigned int i, n = get_unaligned_be16(&pg0[2]);
	u8 *buf;

	for (i = 0; i < n && i + 4 < MQ_SCAN_VPD_LEN; i++)
		if (pg0[4 + i] == page)
			break;
	if (i == n || i + 4 >= MQ_SCAN_VPD_LEN)
		return NULL;
	buf = kmalloc(MQ_SCAN_VPD_LEN, GFP_KERNEL);
	if (!buf)
		return NULL;
	if (mq_scsi_inquiry(sdev, true, page, buf, MQ_SCAN_VPD_LEN) || buf[1] != page) {
		kfree(buf);
		return NULL;
	}
	return buf;
}

static void mq_scsi_read_vpd(struct mq_scsi_device *sdev)
{
	u8 *pg0, *b0, *b2;

	pg0 = kmalloc(MQ_SCAN_VPD_LEN, GFP_KERNEL);
	if (!pg0)
		return;
	if (mq_scsi_inquiry(sdev, true, 0, pg0, MQ_SCAN_VPD_LEN) || pg0[1] != 0)
		goto out;
	sdev->vpd_pg80 = mq_scsi_get_vpd(sdev, pg0, 0x80);
	sdev->vpd_pg83 = mq_scsi_get_vpd(sdev, pg0, 0x83);
	b0 = mq_scsi_get_vpd(sdev, pg0, 0xb0);
	if (b0) {
		unsigned int len = get_unaligned_be16(&b0[2]);

		if (len >= 12)
			sdev->max_xfer_blocks = get_unaligned_be32(&b0[8]);
		if (len >= 0x3c - 4 + 4) {
			u32 lba_count = get_unaligned_be32(&b0[20]);
			u32 desc_count = get_unaligned_be32(&b0[24]);

			if (lba_count && desc_count)
				sdev->max_unmap_blocks = lba_count;
			sdev->unmap_granularity =
				max_t(u32, get_unaligned_be32(&b0[28]), 1);
			if (b0[32] & 0x80) {
				sdev->unmap_alignment =
					get_unaligned_be32(&b0[32]) & ~BIT(31);
				sdev->unmap_alignment_valid = true;
			}
			sdev->max_ws_blocks = min_t(u64,
						    get_unaligned_be64(&b0[36]),
						    U32_MAX);
		}
		kfree(b0);
	}
	b2 = mq_scsi_get_vpd(sdev, pg0, 0xb2);
	if (b2) {
		if (get_unaligned_be16(&b2[2]) >= 2) {
			sdev->lbpvpd = true;
			sdev->lbpu = b2[5] & 0x80;
			sdev->lbpws = b2[5] & 0x40;
			sdev->lbpws10 = b2[5] & 0x20;
		}
		kfree(b2);
	}
out:
	kfree(pg0);
}

/* What READ CAPACITY said, checked before any of it is used. */
struct mq_scsi_capacity {
	u64 blocks;
	u32 sector_size;
	u32 phys_block_size;
	bool lbpme, lbprz, use_16;
};

/*
 * The answer comes from the device: a block size the disk cannot have
 * (0 or not a power of two gives a negative ilog2(), 256 a shift by -1
 * that sends every request to LBA 0, 8192 requests of zero blocks) or a
 * capacity that wrapped (last LBA 2^64 - 1) or whose bytes overflow is
 * refused.
 */
static int mq_scsi_check_capacity(struct mq_scsi_device *sdev,
				  struct mq_scsi_capacity *cap)
{
	if (cap->sector_size < 512 || cap->sector_size > 4096 ||
	    !is_power_of_2(cap->sector_size)) {
		dev_err(&sdev->dev, "unsupported sector size %u\n",
			cap->sector_size);
		return -EINVAL;
	}
	if (!cap->blocks || cap->blocks > (u64)LLONG_MAX >>
				ilog2(cap->sector_size)) {
		dev_err(&sdev->dev, "unsupported capacity (last LBA %llu)\n",
			cap->blocks - 1);
		return -EINVAL;
	}
	if (cap->phys_block_size > PAGE_SIZE ||
	    cap->phys_block_size < cap->sector_size)
		cap->phys_block_size = cap->sector_size;
	return 0;
}

/* READ CAPACITY(16), else (10), into @cap; sdev is not touched. */
static int mq_scsi_read_capacity(struct mq_scsi_device *sdev,
				 struct mq_scsi_capacity *cap)
{
	u8 cdb16[16] = { SERVICE_ACTION_IN_16, SAI_READ_CAPACITY_16 };
	u8 cdb10[10] = { READ_CAPACITY };
	u8 *buf;
	int ret;

	memset(cap, 0, sizeof(*cap));
	buf = kzalloc(32, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	put_unaligned_be32(32, &cdb16[10]);
	ret = mq_scsi_exec_retry(sdev, cdb16, sizeof(cdb16), buf, 32, NULL);
	if (!ret) {
		cap->blocks = get_unaligned_be64(&buf[0]) + 1;
		cap->sector_size = get_unaligned_be32(&buf[8]);
		/* kept only if the sector size passes: then <= 4096 << 15 */
		cap->phys_block_size = cap->sector_size << (buf[13] & 0xf);
		cap->lbpme = buf[14] & 0x80;
		cap->lbprz = buf[14] & 0x40;
		cap->use_16 = true;
	} else {
		memset(buf, 0, 32);
		ret = mq_scsi_exec_retry(sdev, cdb10, sizeof(cdb10), buf, 8,
					 NULL);
		if (ret)
			goto out;
		cap->blocks = (u64)get_unaligned_be32(&buf[0]) + 1;
		cap->sector_size = get_unaligned_be32(&buf[4]);
		cap->phys_block_size = cap->sector_size;
	}
	ret = mq_scsi_check_capacity(sdev, cap);
out:
	kfree(buf);
	return ret ? -EIO : 0;
}

/* Write cache and FUA support from the caching mode page. */
static void mq_scsi_read_cache(struct mq_scsi_device *sdev)
{
	u8 cdb[6] = { MODE_SENSE, 0x08, 0x08, 0, 64, 0 };
	unsigned int off;
	u8 *buf;

	buf = kzalloc(64, GFP_KERNEL);
	if (!buf)
		return;
	if (mq_scsi_exec_retry(sdev, cdb, sizeof(cdb), buf, 64, NULL))
		goto out;
	off = 4 + buf[3];
	if (off + 3 > 64 || (buf[off] & 0x3f) != 0x08)
		goto out;
	sdev->wce = buf[off + 2] & 0x04;
	sdev->rcd = buf[off + 2] & 0x01;
	sdev->fua = buf[2] & 0x10;
out:
	kfree(buf);
}

/**
 * mq_scsi_set_cache - set the caching mode page's WCE and RCD bits
 * @sdev: the LUN
 * @wce: write cache enabled
 * @rcd: read cache disabled
 *
 * MODE SENSE (6) of the caching page, then MODE SELECT (6) of it with the
 * new bits, as sd's cache_type does.
 *
 * Return: 0, or -EIO when the device refused either command.
 */
int mq_scsi_set_cache(struct mq_scsi_device *sdev, bool wce, bool rcd)
{
	u8 sense_cdb[6] = { MODE_SENSE, 0x08, 0x08, 0, 64, 0 };
	u8 select_cdb[6] = { MODE_SELECT, 0x10, 0, 0, 0, 0 };
	unsigned int off, plen;
	u8 *buf;
	int ret = -EIO;

	buf = kzalloc(64, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	if (mq_scsi_exec_retry(sdev, sense_cdb, sizeof(sense_cdb), buf, 64,
			       NULL))
		goto out;
	off = 4 + buf[3];
	if (off + 3 > 64 || (buf[off] & 0x3f) != 0x08)
		goto out;
	plen = min_t(unsigned int, buf[off + 1] + 2, 64 - off);
	/* header: mode data length and device-specific are reserved */
	buf[0] = 0;
	buf[2] = 0;
	buf[3] = 0;		/* no block descriptor */
	memmove(&buf[4], &buf[off], plen);
	buf[4] &= 0x3f;		/* PS is reserved in MODE SELECT */
	buf[6] = (buf[6] & ~0x05) | (wce ? 0x04 : 0) | (rcd ? 0x01 : 0);
	select_cdb[4] = 4 + plen;
	if (!mq_scsi_execute(sdev, select_cdb, sizeof(select_cdb),
			     DMA_TO_DEVICE, buf, 4 + plen, NULL,
			     MQ_SCSI_INTERNAL_TIMEOUT, NULL))
		ret = 0;
out:
	kfree(buf);
	return ret;
}

/*
 * The last reference: the disk's last close, or removal when it was not
 * open.  Only now does the host go, see mq_scsi_alloc_sdev().
 */
static void mq_scsi_dev_release(struct device *dev)
{
	struct mq_scsi_device *sdev = container_of(dev, struct mq_scsi_device,
						   dev);
	struct device *parent = dev->parent;

	percpu_ref_exit(&sdev->usage);
	free_percpu(sdev->stats);
	kfree(sdev->vpd_pg80);
	kfree(sdev->vpd_pg83);
	kfree(sdev);
	put_device(parent);
}

static void mq_scsi_usage_release(struct percpu_ref *ref)
{
	struct mq_scsi_device *sdev = container_of(ref, struct mq_scsi_device,
						   usage);

	complete(&sdev->usage_done);
}

static struct mq_scsi_device *mq_scsi_alloc_sdev(struct mq_scsi_host *shost,
						 unsigned int channel,
						 unsigned int id, u64 lun)
{
	struct mq_scsi_device *sdev;
	struct mq_queue *q;

	sdev = kzalloc(sizeof(*sdev), GFP_KERNEL);
	if (!sdev)
		return NULL;
	sdev->host = shost;
	sdev->channel = channel;
	sdev->id = id;
	sdev->lun = lun;
	sdev->index = -1;
	sdev->queue_depth = shost->cmd_per_lun;
	sdev->max_queue_depth = shost->cmd_per_lun;
	sdev->ramp_up_period = msecs_to_jiffies(MQ_SCSI_RAMP_UP_MS);
	sdev->state = MQ_SDEV_CREATED;
	INIT_LIST_HEAD(&sdev->siblings);
	init_completion(&sdev->usage_done);
	device_initialize(&sdev->dev);
	sdev->dev.class = &mq_scsi_dev_class;
	/*
	 * An open disk keeps its sdev, and the sdev's ioctls read the host:
	 * pin it until our release, as the SCSI midlayer does, since
	 * device_del() drops the reference device_add() took and the LLD
	 * puts its own when its controller goes.
	 */
	sdev->dev.parent = get_device(&shost->dev);
	sdev->dev.release = mq_scsi_dev_release;
	sdev->dev.groups = shost->hostt->sdev_groups;
	dev_set_name(&sdev->dev, "%u:%u:%u:%llu", shost->host_no, channel, id,
		     lun);
	sdev->stats = alloc_percpu(struct mq_scsi_stats);
	if (!sdev->stats ||
	    percpu_ref_init(&sdev->usage, mq_scsi_usage_release, 0,
			    GFP_KERNEL)) {
		free_percpu(sdev->stats);
		sdev->stats = NULL;
		put_device(&sdev->dev);
		return NULL;
	}
	q = mq_alloc_queue(&shost->tag_set, sdev);
	if (IS_ERR(q)) {
		put_device(&sdev->dev);
		return NULL;
	}
	sdev->q = q;
	if (shost->hostt->sdev_init) {
		int ret = shost->hostt->sdev_init(sdev);

		if (ret) {
			dev_info(&shost->dev, "%u:%u:%llu: sdev_init: %d\n",
				 channel, id, lun, ret);
			mq_free_queue(q);
			put_device(&sdev->dev);
			return NULL;
		}
	}
	return sdev;
}

/* A logical unit that never became visible. */
static void mq_scsi_free_sdev(struct mq_scsi_device *sdev)
{
	if (sdev->host->hostt->sdev_destroy)
		sdev->host->hostt->sdev_destroy(sdev);
	mq_free_queue(sdev->q);
	put_device(&sdev->dev);
}

static struct mq_scsi_device *mq_scsi_find_sdev(struct mq_scsi_host *shost,
						unsigned int channel,
						unsigned int id, u64 lun)
{
	struct mq_scsi_device *sdev;

	list_for_each_entry(sdev, &shost->devices, siblings)
		if (sdev->channel == channel && sdev->id == id &&
		    sdev->lun == lun)
			return sdev;
	return NULL;
}

/*
 * Probe one LUN.  Returns 1 if a logical unit is there (added when it is
 * a disk), 0 if not, a negative errno on failure.  @pq_out gets the
 * peripheral qualifier (for LUN 0: is there a target at all).
 */
static int mq_scsi_probe_lun(struct mq_scsi_host *shost, unsigned int channel,
			     unsigned int id, u64 lun, int *pq_out)
{
	struct mq_scsi_capacity cap;
	struct mq_scsi_device *sdev;
	u8 *inq;
	int ret;

	*pq_out = 3;
	if (mq_scsi_find_sdev(shost, channel, id, lun)) {
		*pq_out = 0;
		return 1;
	}
	sdev = mq_scsi_alloc_sdev(shost, channel, id, lun);
	if (!sdev)
		return -ENOMEM;
	inq = kmalloc(MQ_SCAN_INQ_LEN, GFP_KERNEL);
	if (!inq) {
		ret = -ENOMEM;
		goto err;
	}
	ret = mq_scsi_inquiry(sdev, false, 0, inq, MQ_SCAN_INQ_LEN);
	if (ret) {
		ret = 0;
		goto err;
	}
	*pq_out = inq[0] >> 5;
	if (*pq_out != 0) {
		ret = 0;
		goto err;
	}
	sdev->type = inq[0] & 0x1f;
	memcpy(sdev->vendor, &inq[8], 8);
	memcpy(sdev->model, &inq[16], 16);
	memcpy(sdev->rev, &inq[32], 4);
	sdev->tagged_supported = inq[7] & 0x02;	/* CmdQue */
	kfree(inq);
	inq = NULL;
	ret = 1;
	if (sdev->type != TYPE_DISK) {
		dev_info(&shost->dev, "%u:%llu: type 0x%x ignored (not a disk)\n",
			 id, lun, sdev->type);
		goto err;
	}
	mq_scsi_read_vpd(sdev);
	if (mq_scsi_read_capacity(sdev, &cap)) {
		dev_warn(&shost->dev, "%u:%llu: no capacity, not added\n",
			 id, lun);
		goto err;
	}
	/* no I/O yet: the LUN has no disk */
	sdev->capacity = cap.blocks;
	sdev->sector_size = cap.sector_size;
	sdev->phys_block_size = cap.phys_block_size;
	sdev->lbpme = cap.lbpme;
	sdev->lbprz = cap.lbprz;
	sdev->use_16 = cap.use_16;
	mq_scsi_read_cache(sdev);
	if (shost->hostt->sdev_configure) {
		ret = shost->hostt->sdev_configure(sdev);
		if (ret) {
			dev_info(&shost->dev, "%u:%u:%llu: sdev_configure: %d\n",
				 channel, id, lun, ret);
			ret = 0;
			goto err;
		}
	}
	ret = device_add(&sdev->dev);
	if (ret)
		goto err;
	mq_scsi_debugfs_add(sdev);
	WRITE_ONCE(sdev->state, MQ_SDEV_RUNNING);
	ret = mq_sd_add_disk(sdev);
	if (ret) {
		WRITE_ONCE(sdev->state, MQ_SDEV_DEL);
		mq_scsi_debugfs_remove(sdev);
		device_del(&sdev->dev);
		goto err;
	}
	list_add_tail(&sdev->siblings, &shost->devices);
	mq_scsi_sg_add(sdev);
	return 1;

err:
	kfree(inq);
	mq_scsi_free_sdev(sdev);
	return ret;
}

static u64 mq_scsi_lun_to_int(const u8 *l)
{
	u64 lun = 0;
	int i;

	for (i = 0; i < 8; i += 2)
		lun |= (u64)((l[i] << 8) | l[i + 1]) << (i * 8);
	return lun;
}

/* REPORT LUNS through a temporary LUN 0; fills @luns, returns count. */
static int mq_scsi_report_luns(struct mq_scsi_host *shost, unsigned int channel,
			       unsigned int id, u64 *luns, unsigned int max)
{
	unsigned int len = 8 + MQ_SCAN_RLUN_MAX * 8, n, i;
	u8 cdb[12] = { REPORT_LUNS };
	struct mq_scsi_device *sdev, *tmp = NULL;
	u8 *buf;
	int ret;

	sdev = mq_scsi_find_sdev(shost, channel, id, 0);
	if (!sdev) {
		tmp = mq_scsi_alloc_sdev(shost, channel, id, 0);
		if (!tmp)
			return -ENOMEM;
		sdev = tmp;
	}
	buf = kzalloc(len, GFP_KERNEL);
	if (!buf) {
		ret = -ENOMEM;
		goto out;
	}
	put_unaligned_be32(len, &cdb[6]);
	ret = mq_scsi_exec_retry(sdev, cdb, sizeof(cdb), buf, len, NULL);
	if (ret) {
		ret = -EOPNOTSUPP;
		goto out;
	}
	n = min(get_unaligned_be32(&buf[0]) / 8, min(max, MQ_SCAN_RLUN_MAX));
	for (i = 0; i < n; i++)
		luns[i] = mq_scsi_lun_to_int(&buf[8 + 8 * i]);
	ret = n;
out:
	kfree(buf);
	if (tmp)
		mq_scsi_free_sdev(tmp);
	return ret;
}

static void __mq_scsi_scan_target(struct mq_scsi_host *shost,
				  unsigned int channel, unsigned int id)
{
	int ret, pq, n, i;
	u64 *luns, lun;

	if (shost->this_id >= 0 && id == shost->this_id)
		return;
	ret = mq_scsi_probe_lun(shost, channel, id, 0, &pq);
	if (ret < 0 || pq == 3)
		return;
	luns = kcalloc(MQ_SCAN_RLUN_MAX, sizeof(*luns), GFP_KERNEL);
	if (!luns)
		return;
	n = mq_scsi_report_luns(shost, channel, id, luns, MQ_SCAN_RLUN_MAX);
	if (n >= 0) {
		for (i = 0; i < n; i++) {
			if (!luns[i] || luns[i] >= shost->max_lun)
				continue;
			mq_scsi_probe_lun(shost, channel, id, luns[i], &pq);
		}
	} else {
		/* No REPORT LUNS: probe 1.. until one is missing. */
		for (lun = 1; lun < min_t(u64, shost->max_lun, MQ_SCAN_SEQ_MAX);
		     lun++)
			if (mq_scsi_probe_lun(shost, channel, id, lun, &pq) <= 0)
				break;
	}
	kfree(luns);
}

int mq_scsi_scan(struct mq_scsi_host *shost)
{
	unsigned int channel, id;

	mutex_lock(&shost->scan_mutex);
	if (shost->state != MQ_SHOST_RUNNING) {
		mutex_unlock(&shost->scan_mutex);
		return -ENODEV;
	}
	for (channel = 0; channel <= shost->max_channel; channel++)
		for (id = 0; id < shost->max_id; id++)
			__mq_scsi_scan_target(shost, channel, id);
	mutex_unlock(&shost->scan_mutex);
	return 0;
}

/* Documented in mq_scsi.h. */
int mq_scsi_scan_target(struct mq_scsi_host *shost, unsigned int channel,
			unsigned int id)
{
	if (channel > shost->max_channel || id >= shost->max_id)
		return -EINVAL;
	mutex_lock(&shost->scan_mutex);
	if (shost->state != MQ_SHOST_RUNNING) {
		mutex_unlock(&shost->scan_mutex);
		return -ENODEV;
	}
	__mq_scsi_scan_target(shost, channel, id);
	mutex_unlock(&shost->scan_mutex);
	return 0;
}
EXPORT_SYMBOL_GPL(mq_scsi_scan_target);

/* Documented in mq_scsi.h. */
int mq_scsi_add_device(struct mq_scsi_host *shost, unsigned int channel,
		       unsigned int id, u64 lun)
{
	int ret, pq;

	if (channel > shost->max_channel || id >= shost->max_id ||
	    lun >= shost->max_lun)
		return -EINVAL;
	mutex_lock(&shost->scan_mutex);
	if (shost->state != MQ_SHOST_RUNNING) {
		mutex_unlock(&shost->scan_mutex);
		return -ENODEV;
	}
	ret = mq_scsi_probe_lun(shost, channel, id, lun, &pq);
	mutex_unlock(&shost->scan_mutex);
	if (ret < 0)
		return ret;
	return ret ? 0 : -ENODEV;
}
EXPORT_SYMBOL_GPL(mq_scsi_add_device);

/* Documented in mq_scsi.h. */
struct mq_scsi_device *mq_scsi_device_lookup(struct mq_scsi_host *shost,
					     unsigned int channel,
					     unsigned int id, u64 lun)
{
	struct mq_scsi_device *sdev;

	mutex_lock(&shost->scan_mutex);
	sdev = mq_scsi_find_sdev(shost, channel, id, lun);
	if (sdev)
		get_device(&sdev->dev);
	mutex_unlock(&shost->scan_mutex);
	return sdev;
}
EXPORT_SYMBOL_GPL(mq_scsi_device_lookup);

/* Documented in mq_scsi.h. */
void mq_scsi_device_release(struct mq_scsi_device *sdev)
{
	put_device(&sdev->dev);
}
EXPORT_SYMBOL_GPL(mq_scsi_device_release);

/* Documented in mq_scsi.h. */
void mq_scsi_remove_sdev(struct mq_scsi_device *sdev)
{
	struct mq_scsi_host *shost = sdev->host;

	mutex_lock(&shost->scan_mutex);
	/* still listed: not removed yet */
	if (!list_empty(&sdev->siblings))
		mq_scsi_remove_device(sdev);
	mutex_unlock(&shost->scan_mutex);
}
EXPORT_SYMBOL_GPL(mq_scsi_remove_sdev);

/*
 * Remove a logical unit with I/O possibly in flight.  Called with the
 * host's scan_mutex held.  New ioctls are refused first and those running
 * are waited for; then the disk goes (in-flight I/O still completes,
 * later I/O fails) and the queue is freed.
 */
void mq_scsi_remove_device(struct mq_scsi_device *sdev)
{
	lockdep_assert_held(&sdev->host->scan_mutex);
	mq_scsi_sg_remove(sdev);
	list_del_init(&sdev->siblings);
	WRITE_ONCE(sdev->state, MQ_SDEV_CANCEL);
	percpu_ref_kill(&sdev->usage);
	wait_for_completion(&sdev->usage_done);
	mq_sd_remove_disk(sdev);
	WRITE_ONCE(sdev->state, MQ_SDEV_DEL);
	mq_free_queue(sdev->q);
	if (sdev->host->hostt->sdev_destroy)
		sdev->host->hostt->sdev_destroy(sdev);
	mq_scsi_debugfs_remove(sdev);
	device_del(&sdev->dev);
	put_device(&sdev->dev);
}

/*
 * Read the capacity again (sysfs rescan), e.g. after the LUN was resized;
 * the disk's size follows, with a uevent.  Only the capacity: the block
 * size and the limits derived at probe stay (a new block size needs the
 * LUN deleted and scanned again).  The answer is checked in locals and
 * published with the queue frozen, so that no request builds its CDB
 * from a half-updated LUN.
 */
int mq_scsi_rescan_device(struct mq_scsi_device *sdev)
{
	struct mq_scsi_host *shost = sdev->host;
	struct mq_scsi_capacity cap;
	int ret = 0;

	mutex_lock(&shost->scan_mutex);
	if (sdev->state != MQ_SDEV_RUNNING || !sdev->disk_added) {
		ret = -ENODEV;
		goto out;
	}
	if (!mq_scsi_device_get(sdev)) {
		ret = -ENODEV;
		goto out;
	}
	ret = mq_scsi_read_capacity(sdev, &cap);
	if (!ret && cap.sector_size != sdev->sector_size) {
		dev_err(&sdev->dev, "block size changed (%u -> %u): delete and rescan the host\n",
			sdev->sector_size, cap.sector_size);
		ret = -EIO;
	}
	if (!ret && cap.blocks != sdev->capacity) {
		mq_freeze_queue(sdev->q);
		sdev->capacity = cap.blocks;
		mq_unfreeze_queue(sdev->q);
		set_capacity_and_notify(sdev->q->disk, cap.blocks <<
					(ilog2(sdev->sector_size) -
					 SECTOR_SHIFT));
	}
	mq_scsi_device_put(sdev);
out:
	mutex_unlock(&shost->scan_mutex);
	return ret;
}
