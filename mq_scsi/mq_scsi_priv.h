/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mq_scsi internals shared by its source files.  Not for LLDs.
 */
#ifndef _MQ_SCSI_PRIV_H
#define _MQ_SCSI_PRIV_H

#include "mq_scsi.h"

/* &mq_scsi_cmnd.flags */
#define MQ_SCMD_PASSTHROUGH	BIT(1)	/* internal or SG_IO: no retries */
#define MQ_SCMD_FLUSHING	BIT(2)	/* preflush phase of a write */
#define MQ_SCMD_FLUSH_DONE	BIT(3)	/* preflush done, data phase next */

/* Retries of a block I/O command (UA, NOT READY, BUSY, timeouts...). */
#define MQ_SCSI_MAX_RETRIES	5
/* Timeout of internal commands. */
#define MQ_SCSI_INTERNAL_TIMEOUT	(30 * HZ)
/* Backoff before retrying a NOT READY command, in ms. */
#define MQ_SCSI_NOT_READY_DELAY_MS	100
#define MQ_SCSI_BUSY_DELAY_MS	10

/* &mq_scsi_device.lbp_mode: how a discard is sent (like sd's). */
enum {
	MQ_SD_LBP_NONE,
	MQ_SD_LBP_UNMAP,
	MQ_SD_LBP_WS16,
	MQ_SD_LBP_WS10,
};

#define MQ_SD_MAX_WS10_BLOCKS	0xffff
#define MQ_SD_MAX_WS16_BLOCKS	0x7fffff
/* One UNMAP parameter list: 8-byte header + one 16-byte descriptor. */
#define MQ_SD_UNMAP_LEN		24

/* Busy / TASK SET FULL retries are not counted, but bounded in time. */
#define MQ_SCSI_BUSY_TIMEOUT	(120 * HZ)
/* Default &mq_scsi_device.ramp_up_period, in ms. */
#define MQ_SCSI_RAMP_UP_MS	1000

/*
 * Per-CPU command counters of a logical unit (debugfs).  When the unit is
 * idle, dispatched == done + eh_taken + eh_failed: nothing was lost, and
 * done_late counts completions the LLD sent after error handling had the
 * command (ignored, never a second completion).
 */
struct mq_scsi_stats {
	u64 dispatched;		/* accepted by queuecommand */
	u64 done;		/* completed by the LLD */
	u64 done_late;		/* LLD completion ignored (EH owned it) */
	u64 busy;		/* queuecommand said busy */
	u64 retries;		/* requeued for a retry */
	u64 queue_full;		/* TASK SET FULL / BUSY status */
	u64 timeouts;
	u64 eh_taken;		/* given up by the LLD to abort/reset */
	u64 eh_failed;		/* every EH step failed */
	u64 medium_errors;
};

/* Largest SG_IO data transfer (bounce buffer). */
#define MQ_SCSI_SG_IO_MAX	(1024 * 1024)

/* The command payload: the command, then its SGL, then the LLD's data. */
static inline struct mq_scsi_cmnd *mq_scsi_rq_cmd(struct mq_request *rq)
{
	return mq_rq_to_pdu(rq);
}

static inline struct mq_request *mq_scsi_cmd_rq(struct mq_scsi_cmnd *cmd)
{
	return mq_rq_from_pdu(cmd);
}

/* A chained scatterlist tail of the tag's last command goes. */
static inline void mq_scsi_free_sgt(struct mq_scsi_cmnd *cmd)
{
	if (cmd->sgt.orig_nents) {
		sg_free_table_chained(&cmd->sgt, MQ_SCSI_SG_CHUNK);
		memset(&cmd->sgt, 0, sizeof(cmd->sgt));
	}
	cmd->sgl = cmd->sg_first;
}

/* Internal and SG_IO requests (mq_scsi_execute()). */
static inline bool mq_scsi_rq_passthrough(const struct mq_request *rq)
{
	return mq_rq_op(rq) == REQ_OP_DRV_IN || mq_rq_op(rq) == REQ_OP_DRV_OUT;
}

static inline struct mq_scsi_host *mq_scsi_set_host(struct mq_tag_set *set)
{
	return set->driver_data;
}

/* Sense data, decoded from fixed or descriptor format. */
struct mq_scsi_sense {
	u8 key, asc, ascq;
};

extern struct class mq_scsi_host_class;
extern struct class mq_scsi_dev_class;
extern const struct mq_disk_ops mq_sd_fops;
extern const struct attribute_group *mq_scsi_host_groups[];
extern const struct attribute_group *mq_scsi_dev_groups[];

/* EH steps forced to fail (debugfs inject_eh_fail) */
#define MQ_SCSI_INJ_ABORT	BIT(0)
#define MQ_SCSI_INJ_DEVICE	BIT(1)
#define MQ_SCSI_INJ_TARGET	BIT(2)
#define MQ_SCSI_INJ_BUS		BIT(3)
#define MQ_SCSI_INJ_HOST	BIT(4)
#define MQ_SCSI_INJ_ALL		(BIT(5) - 1)

/* host.c */
unsigned int mq_scsi_sg_inline(const struct mq_scsi_host_template *t);
void mq_scsi_finish(struct mq_request *rq, blk_status_t status);
bool mq_scsi_device_get(struct mq_scsi_device *sdev);
void mq_scsi_device_put(struct mq_scsi_device *sdev);

/* scan.c */
int mq_scsi_execute(struct mq_scsi_device *sdev, const u8 *cdb,
		    unsigned int cdb_len, enum dma_data_direction dir,
		    void *buf, unsigned int len, u8 *sense,
		    unsigned int timeout, unsigned int *resid);
int mq_scsi_scan(struct mq_scsi_host *shost);
void mq_scsi_remove_device(struct mq_scsi_device *sdev);
int mq_scsi_rescan_device(struct mq_scsi_device *sdev);
int mq_scsi_set_cache(struct mq_scsi_device *sdev, bool wce, bool rcd);

/* pr.c */
extern const struct pr_ops mq_sd_pr_ops;

/* sd.c */
extern const char *const mq_sd_lbp_names[];
blk_status_t mq_sd_prep(struct mq_scsi_cmnd *cmd, struct mq_request *rq);
int mq_sd_add_disk(struct mq_scsi_device *sdev);
void mq_sd_remove_disk(struct mq_scsi_device *sdev);
int mq_sd_update_cache(struct mq_scsi_device *sdev, bool wce, bool rcd);
int mq_sd_init(void);
void mq_sd_exit(void);

/* error.c */
bool mq_scsi_decode_sense(const u8 *sb, unsigned int len,
			  struct mq_scsi_sense *s);
void mq_scsi_complete_io(struct mq_request *rq);
enum mq_eh_timer_return mq_scsi_timeout(struct mq_request *rq);
int mq_scsi_ioctl_reset(struct mq_scsi_device *sdev, int __user *arg);

/* debugfs.c */
void mq_scsi_debugfs_init(void);
void mq_scsi_debugfs_exit(void);
void mq_scsi_debugfs_add(struct mq_scsi_device *sdev);
void mq_scsi_debugfs_remove(struct mq_scsi_device *sdev);
void mq_scsi_debugfs_add_host(struct mq_scsi_host *shost);
void mq_scsi_debugfs_remove_host(struct mq_scsi_host *shost);

/* sg_io.c */
#define MQ_SG_VERSION_NUM	30527
#define MQ_SG_DRIVER_SENSE	0x08	/* DRIVER_SENSE in driver_status */
struct sg_io_hdr;
int mq_scsi_ioctl(struct block_device *bdev, blk_mode_t mode, unsigned int cmd,
		  unsigned long arg);
int mq_scsi_sg_check_hdr(struct mq_scsi_device *sdev,
			 const struct sg_io_hdr *hdr);
int mq_scsi_sg_io(struct mq_scsi_device *sdev, void __user *arg);
int mq_scsi_get_idlun(struct mq_scsi_device *sdev, void __user *argp);
int mq_scsi_other_ioctl(struct mq_scsi_device *sdev, unsigned int cmd,
			void __user *argp);
unsigned int mq_scsi_sg_max_len(struct mq_scsi_device *sdev);

/* sg.c */
void mq_scsi_sg_add(struct mq_scsi_device *sdev);
void mq_scsi_sg_remove(struct mq_scsi_device *sdev);
int mq_scsi_sg_init(void);
void mq_scsi_sg_exit(void);

#endif /* _MQ_SCSI_PRIV_H */
