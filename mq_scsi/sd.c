// SPDX-License-Identifier: GPL-2.0
/*
 * mq_scsi disks: READ/WRITE(10/16) and SYNCHRONIZE CACHE for block I/O,
 * the gendisk of each direct-access logical unit and its methods.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blkdev.h>
#include <linux/dma-mapping.h>
#include <linux/idr.h>
#include <linux/module.h>

#include "mq_scsi_priv.h"

static DEFINE_IDA(mq_sd_index_ida);

const char *const mq_sd_lbp_names[] = {
	[MQ_SD_LBP_NONE]	= "none",
	[MQ_SD_LBP_UNMAP]	= "unmap",
	[MQ_SD_LBP_WS16]	= "writesame_16",
	[MQ_SD_LBP_WS10]	= "writesame_10",
};

/*
 * Our own major, like sd's: tools (sg3_utils) take the extended major
 * (259, shared with NVMe) for an NVMe namespace.
 */
static int mq_sd_major;
#define MQ_SD_MINORS		16
#define MQ_SD_MAX_DISKS		((MINORMASK + 1) / MQ_SD_MINORS)

static void mq_sd_sync_cdb(struct mq_scsi_cmnd *cmd)
{
	memset(cmd->cmnd, 0, sizeof(cmd->cmnd));
	cmd->cmnd[0] = SYNCHRONIZE_CACHE;
	cmd->cmd_len = 10;
	cmd->sc_data_direction = DMA_NONE;
	cmd->sg_count = 0;
	cmd->transfer_len = 0;
}

static blk_status_t mq_sd_rw_cdb(struct mq_scsi_cmnd *cmd,
				 struct mq_request *rq)
{
	struct mq_scsi_device *sdev = cmd->sdev;
	unsigned int shift = ilog2(sdev->sector_size);
	bool write = mq_rq_op(rq) == REQ_OP_WRITE;
	sector_t pos = mq_rq_pos(rq);
	unsigned int nsegs, bytes = mq_rq_bytes(rq);
	u64 lba = pos >> (shift - SECTOR_SHIFT);
	u32 nr = bytes >> shift;
	int n;

	if ((pos << SECTOR_SHIFT) & (sdev->sector_size - 1) ||
	    bytes & (sdev->sector_size - 1) || !nr) {
		dev_err_ratelimited(&sdev->dev, "unaligned request %llu+%u\n",
				    (unsigned long long)pos, bytes);
		return BLK_STS_IOERR;
	}
	if (lba + nr > sdev->capacity)
		return BLK_STS_IOERR;
	memset(cmd->cmnd, 0, sizeof(cmd->cmnd));
	if (lba > 0xffffffffULL || nr > 0xffff) {
		cmd->cmnd[0] = write ? WRITE_16 : READ_16;
		put_unaligned_be64(lba, &cmd->cmnd[2]);
		put_unaligned_be32(nr, &cmd->cmnd[10]);
		cmd->cmd_len = 16;
	} else {
		cmd->cmnd[0] = write ? WRITE_10 : READ_10;
		put_unaligned_be32(lba, &cmd->cmnd[2]);
		put_unaligned_be16(nr, &cmd->cmnd[7]);
		cmd->cmd_len = 10;
	}
	if (write && (rq->cmd_flags & REQ_FUA))
		cmd->cmnd[1] |= 0x08;
	cmd->sc_data_direction = write ? DMA_TO_DEVICE : DMA_FROM_DEVICE;

	nsegs = min_t(unsigned int, rq->nr_phys_segments,
		      sdev->host->hostt->sg_tablesize);
	if (!nsegs)
		return BLK_STS_IOERR;
	mq_scsi_free_sgt(cmd);
	if (nsegs > MQ_SCSI_SG_CHUNK) {
		/* like sg_alloc_table_chained() in the midlayer: the tail */
		if (sg_alloc_table_chained(&cmd->sgt, nsegs, cmd->sg_first,
					   MQ_SCSI_SG_CHUNK))
			return BLK_STS_RESOURCE;
		cmd->sgl = cmd->sgt.sgl;
	} else {
		sg_init_table(cmd->sgl, nsegs);
	}
	n = mq_rq_map_sg(rq, cmd->sgl, nsegs);
	if (n <= 0) {
		dev_err_ratelimited(&sdev->dev, "too many segments (%u)\n",
				    rq->nr_phys_segments);
		return BLK_STS_IOERR;
	}
	cmd->sg_count = n;
	cmd->transfer_len = bytes;
	return BLK_STS_OK;
}

/*
 * Discard and write-zeroes: UNMAP (one descriptor) or WRITE SAME(16/10)
 * of one zeroed block, with the UNMAP bit for a discard (and for
 * write-zeroes when unmapped blocks read back as zeros and the caller
 * allows unmapping).
 */
static blk_status_t mq_sd_lbp_cdb(struct mq_scsi_cmnd *cmd,
				  struct mq_request *rq)
{
	struct mq_scsi_device *sdev = cmd->sdev;
	unsigned int shift = ilog2(sdev->sector_size);
	bool discard = mq_rq_op(rq) == REQ_OP_DISCARD;
	sector_t pos = mq_rq_pos(rq);
	unsigned int bytes = mq_rq_bytes(rq);
	u64 lba = pos >> (shift - SECTOR_SHIFT);
	u32 nr = bytes >> shift;
	u8 mode = discard ? sdev->lbp_mode : MQ_SD_LBP_WS16;
	bool unmap = discard || (sdev->lbprz && sdev->lbpws &&
				 !(rq->cmd_flags & REQ_NOUNMAP));

	if ((pos << SECTOR_SHIFT) & (sdev->sector_size - 1) ||
	    bytes & (sdev->sector_size - 1) || !nr ||
	    lba + nr > sdev->capacity)
		return BLK_STS_IOERR;
	memset(cmd->cmnd, 0, sizeof(cmd->cmnd));
	switch (mode) {
	case MQ_SD_LBP_UNMAP:
		cmd->cmnd[0] = UNMAP;
		put_unaligned_be16(MQ_SD_UNMAP_LEN, &cmd->cmnd[7]);
		cmd->cmd_len = 10;
		memset(cmd->param, 0, MQ_SD_UNMAP_LEN);
		put_unaligned_be16(6 + 16, &cmd->param[0]);
		put_unaligned_be16(16, &cmd->param[2]);
		put_unaligned_be64(lba, &cmd->param[8]);
		put_unaligned_be32(nr, &cmd->param[16]);
		sg_init_one(cmd->sgl, cmd->param, MQ_SD_UNMAP_LEN);
		cmd->sc_data_direction = DMA_TO_DEVICE;
		cmd->sg_count = 1;
		cmd->transfer_len = MQ_SD_UNMAP_LEN;
		return BLK_STS_OK;
	case MQ_SD_LBP_WS16:
		cmd->cmnd[0] = WRITE_SAME_16;
		put_unaligned_be64(lba, &cmd->cmnd[2]);
		put_unaligned_be32(nr, &cmd->cmnd[10]);
		cmd->cmd_len = 16;
		break;
	case MQ_SD_LBP_WS10:
		if (lba > 0xffffffffULL || nr > 0xffff)
			return BLK_STS_IOERR;
		cmd->cmnd[0] = WRITE_SAME;
		put_unaligned_be32(lba, &cmd->cmnd[2]);
		put_unaligned_be16(nr, &cmd->cmnd[7]);
		cmd->cmd_len = 10;
		break;
	default:
		return BLK_STS_NOTSUPP;
	}
	if (unmap)
		cmd->cmnd[1] |= 0x08;
	/* the one block written to the whole range: zeros */
	sg_init_table(cmd->sgl, 1);
	sg_set_page(cmd->sgl, ZERO_PAGE(0), sdev->sector_size, 0);
	cmd->sc_data_direction = DMA_TO_DEVICE;
	cmd->sg_count = 1;
	cmd->transfer_len = sdev->sector_size;
	return BLK_STS_OK;
}

/* Set up the CDB and data of a request the first time it is issued. */
blk_status_t mq_sd_prep(struct mq_scsi_cmnd *cmd, struct mq_request *rq)
{
	if (cmd->flags & MQ_SCMD_PASSTHROUGH) {
		cmd->transfer_len = cmd->buflen;
		cmd->sg_count = 0;
		if (cmd->buflen) {
			sg_init_one(cmd->sgl, cmd->buf, cmd->buflen);
			cmd->sg_count = 1;
		}
		return BLK_STS_OK;
	}
	switch (mq_rq_op(rq)) {
	case REQ_OP_FLUSH:
		mq_sd_sync_cdb(cmd);
		return BLK_STS_OK;
	case REQ_OP_READ:
		return mq_sd_rw_cdb(cmd, rq);
	case REQ_OP_DISCARD:
	case REQ_OP_WRITE_ZEROES:
		return mq_sd_lbp_cdb(cmd, rq);
	case REQ_OP_WRITE:
		/* A preflush first, then the data (if any) in a second pass. */
		if ((rq->cmd_flags & REQ_PREFLUSH) &&
		    !(cmd->flags & MQ_SCMD_FLUSH_DONE)) {
			mq_sd_sync_cdb(cmd);
			cmd->flags |= MQ_SCMD_FLUSHING;
			return BLK_STS_OK;
		}
		if (!mq_rq_bytes(rq))
			return BLK_STS_IOERR;
		return mq_sd_rw_cdb(cmd, rq);
	default:
		return BLK_STS_NOTSUPP;
	}
}

static int mq_sd_open(struct gendisk *disk, blk_mode_t mode)
{
	struct mq_scsi_device *sdev = mq_disk_queue(disk)->queuedata;

	if (READ_ONCE(sdev->state) != MQ_SDEV_RUNNING)
		return -ENXIO;
	/* Keeps the structure (not the LUN) for our ioctls while open. */
	get_device(&sdev->dev);
	return 0;
}

static void mq_sd_release(struct gendisk *disk)
{
	struct mq_scsi_device *sdev = mq_disk_queue(disk)->queuedata;

	put_device(&sdev->dev);
}

const struct mq_disk_ops mq_sd_fops = {
	.open		= mq_sd_open,
	.release	= mq_sd_release,
	.ioctl		= mq_scsi_ioctl,
	.pr_ops		= &mq_sd_pr_ops,
};

/* mqsda .. mqsdz, mqsdaa .. mqsdzz, ... like sd's names. */
static int mq_sd_format_name(char *buf, int len, int index)
{
	char tmp[8];
	int i = 0;

	do {
		if (i == sizeof(tmp))
			return -EINVAL;
		tmp[i++] = 'a' + index % 26;
		index = index / 26 - 1;
	} while (index >= 0);
	if (len < i + 5)
		return -EINVAL;
	memcpy(buf, "mqsd", 4);
	buf += 4;
	while (i)
		*buf++ = tmp[--i];
	*buf = '\0';
	return 0;
}

/* Pick how discards go, like sd: the B2 page decides when present. */
static void mq_sd_config_lbp(struct mq_scsi_device *sdev,
			     struct mq_limits *lim)
{
	unsigned int shift = ilog2(sdev->sector_size) - SECTOR_SHIFT;
	u32 max_blocks = 0;
	u64 sectors;

	sdev->lbp_mode = MQ_SD_LBP_NONE;
	if (sdev->lbpme) {
		if (!sdev->lbpvpd)
			sdev->lbp_mode = sdev->max_unmap_blocks ?
					 MQ_SD_LBP_UNMAP : MQ_SD_LBP_WS16;
		else if (sdev->lbpu && sdev->max_unmap_blocks)
			sdev->lbp_mode = MQ_SD_LBP_UNMAP;
		else if (sdev->lbpws)
			sdev->lbp_mode = MQ_SD_LBP_WS16;
		else if (sdev->lbpws10)
			sdev->lbp_mode = MQ_SD_LBP_WS10;
	}
	switch (sdev->lbp_mode) {
	case MQ_SD_LBP_UNMAP:
		max_blocks = min_t(u32, sdev->max_unmap_blocks,
				   MQ_SD_MAX_WS16_BLOCKS);
		break;
	case MQ_SD_LBP_WS16:
		max_blocks = min_not_zero(sdev->max_ws_blocks,
					  (u32)MQ_SD_MAX_WS16_BLOCKS);
		break;
	case MQ_SD_LBP_WS10:
		max_blocks = min_not_zero(sdev->max_ws_blocks,
					  (u32)MQ_SD_MAX_WS10_BLOCKS);
		break;
	}
	/* a bio's size is an unsigned int of bytes */
	sectors = min_t(u64, (u64)max_blocks << shift,
			(UINT_MAX >> SECTOR_SHIFT) & ~((1U << shift) - 1));
	lim->max_discard_sectors = sectors;
	if (max_blocks) {
		lim->discard_granularity =
			max_t(u32, sdev->phys_block_size,
			      sdev->unmap_granularity * sdev->sector_size);
		if (sdev->unmap_alignment_valid)
			lim->discard_alignment =
				(sdev->unmap_alignment * sdev->sector_size) %
				lim->discard_granularity;
	}
	/* write-zeroes: WRITE SAME(16) when the device gives a limit */
	max_blocks = min_t(u32, sdev->max_ws_blocks, MQ_SD_MAX_WS16_BLOCKS);
	lim->max_write_zeroes_sectors = (u64)max_blocks << shift;
}

int mq_sd_add_disk(struct mq_scsi_device *sdev)
{
	const struct mq_scsi_host_template *t = sdev->host->hostt;
	struct gendisk *disk = sdev->q->disk;
	unsigned int max_sectors = t->max_sectors;
	struct mq_limits lim;
	int ret;

	ret = ida_alloc_max(&mq_sd_index_ida, MQ_SD_MAX_DISKS - 1, GFP_KERNEL);
	if (ret < 0)
		return ret;
	sdev->index = ret;
	ret = mq_sd_format_name(disk->disk_name, DISK_NAME_LEN, sdev->index);
	if (ret)
		goto err_ida;
	disk->major = mq_sd_major;
	disk->first_minor = sdev->index * MQ_SD_MINORS;
	disk->minors = MQ_SD_MINORS;
	if (sdev->max_xfer_blocks) {
		u64 m = (u64)sdev->max_xfer_blocks * sdev->sector_size >>
			SECTOR_SHIFT;

		if (m >= PAGE_SIZE >> SECTOR_SHIFT && m < max_sectors)
			max_sectors = m;
	}
	mq_get_limits(sdev->q, &lim);
	lim.logical_block_size = sdev->sector_size;
	lim.physical_block_size = sdev->phys_block_size;
	lim.io_min = sdev->phys_block_size;
	lim.max_hw_sectors = max_sectors;
	lim.max_segments = t->sg_tablesize;
	if (t->max_segment_size)
		lim.max_segment_size = t->max_segment_size;
	if (sdev->host->dma_dev)
		lim.max_segment_size = min_t(unsigned int, lim.max_segment_size,
					     dma_get_max_seg_size(sdev->host->dma_dev));
	if (t->dma_boundary)
		lim.seg_boundary_mask = t->dma_boundary;
	lim.virt_boundary_mask = t->virt_boundary_mask;
	lim.features &= ~(MQ_LIM_WRITE_CACHE | MQ_LIM_FUA);
	if (sdev->wce)
		lim.features |= MQ_LIM_WRITE_CACHE |
				(sdev->fua ? MQ_LIM_FUA : 0);
	mq_sd_config_lbp(sdev, &lim);
	ret = mq_set_limits(sdev->q, &lim);
	if (ret)
		goto err_ida;
	set_capacity(disk, sdev->capacity <<
		     (ilog2(sdev->sector_size) - SECTOR_SHIFT));
	ret = mq_add_disk_parent(sdev->q, &sdev->dev);
	if (ret)
		goto err_ida;
	sdev->disk_added = true;
	dev_info(&sdev->dev, "%s: %llu %u-byte logical blocks (%u physical), write cache %s%s, discard %s\n",
		 disk->disk_name, sdev->capacity, sdev->sector_size,
		 sdev->phys_block_size, sdev->wce ? "enabled" : "disabled",
		 sdev->fua ? ", FUA" : "",
		 mq_sd_lbp_names[sdev->lbp_mode]);
	return 0;

err_ida:
	ida_free(&mq_sd_index_ida, sdev->index);
	sdev->index = -1;
	return ret;
}

void mq_sd_remove_disk(struct mq_scsi_device *sdev)
{
	if (!sdev->disk_added)
		return;
	/* In-flight requests still complete; the core bounds tag waits. */
	mq_remove_disk(sdev->q);
	sdev->disk_added = false;
	ida_free(&mq_sd_index_ida, sdev->index);
	sdev->index = -1;
}

/**
 * mq_sd_update_cache - our view of a LUN's cache after cache_type changed
 * @sdev: the LUN, with a disk
 * @wce: write cache enabled
 * @rcd: read cache disabled
 *
 * The disk's write cache and FUA features follow @wce, as sd's.
 *
 * Return: 0 or a negative errno from mq_set_limits().
 */
int mq_sd_update_cache(struct mq_scsi_device *sdev, bool wce, bool rcd)
{
	struct mq_limits lim;

	WRITE_ONCE(sdev->wce, wce);
	WRITE_ONCE(sdev->rcd, rcd);
	if (!sdev->disk_added)
		return 0;
	mq_get_limits(sdev->q, &lim);
	lim.features &= ~(MQ_LIM_WRITE_CACHE | MQ_LIM_FUA);
	if (wce)
		lim.features |= MQ_LIM_WRITE_CACHE |
				(sdev->fua ? MQ_LIM_FUA : 0);
	return mq_set_limits(sdev->q, &lim);
}

int mq_sd_init(void)
{
	int ret = register_blkdev(0, "mqsd");

	if (ret < 0)
		return ret;
	mq_sd_major = ret;
	return 0;
}

void mq_sd_exit(void)
{
	unregister_blkdev(mq_sd_major, "mqsd");
	ida_destroy(&mq_sd_index_ida);
}
