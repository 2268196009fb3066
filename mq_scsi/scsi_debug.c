// SPDX-License-Identifier: GPL-2.0
/*
 * mq_scsi_debug - a RAM-backed SCSI target for mq_scsi, in the spirit of
 * scsi_debug (same parameter names for what it implements).
 *
 * One host with @num_tgts targets of @max_luns logical units each; every
 * logical unit has its own @dev_size_mb of RAM.  Data is moved when the
 * command arrives; the completion comes after @delay jiffies or @ndelay
 * nanoseconds (an hrtimer), or inline when both are 0.  With @every_nth
 * and opts bit 0x4, every nth READ/WRITE is swallowed (a timeout) and the
 * abort handler gives it back.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/hrtimer.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "mq_scsi.h"

#define SDEBUG_MAX_TGTS		16
#define SDEBUG_MAX_LUNS		32
#define SDEBUG_MAX_SIZE_MB	(64 * 1024)
#define SDEBUG_RESP_LEN		512
#define SDEBUG_SG_TABLESIZE	128
#define SDEBUG_MAX_SECTORS	2048
#define SDEBUG_OPT_MEDIUM_ERR	0x2
#define SDEBUG_OPT_TIMEOUT	0x4
#define SDEBUG_OPTS_KNOWN	(SDEBUG_OPT_MEDIUM_ERR | SDEBUG_OPT_TIMEOUT)
#define SDEBUG_MEDIUM_ERR_ADDR	0x1234
#define SDEBUG_MEDIUM_ERR_NUM	10
#define SDEBUG_VENDOR		"Linux   "
#define SDEBUG_PRODUCT		"mq_scsi_debug   "
#define SDEBUG_REV		"0191"

static int sdebug_dev_size_mb = 8;
static int sdebug_num_tgts = 1;
static int sdebug_max_luns = 1;
static int sdebug_sector_size = 512;
static int sdebug_submit_queues = 1;
static int sdebug_max_queue = 192;
static int sdebug_delay = 1;
static int sdebug_ndelay;
static int sdebug_every_nth;
static int sdebug_opts;
static int sdebug_abort_fails;
static int sdebug_dev_reset_fails;
static int sdebug_medium_error_start = SDEBUG_MEDIUM_ERR_ADDR;
static int sdebug_medium_error_count = SDEBUG_MEDIUM_ERR_NUM;
static int sdebug_tsf_depth;
static int sdebug_rc_block_size = -1;
static int sdebug_rc_blocks;
static int sdebug_short_sense;
static int sdebug_lbpu;
static int sdebug_lbpws;
static int sdebug_lbpws10;
static int sdebug_lbprz = 1;
static u32 sdebug_unmap_alignment;
static u32 sdebug_unmap_granularity = 1;
static u32 sdebug_unmap_max_blocks = 0xffffffff;
static u32 sdebug_unmap_max_desc = 256;
static u32 sdebug_write_same_length = 0xffff;

struct sdebug_int_param {
	int *val;
	int min, max;
};

static int sdebug_set_int(const char *val, const struct kernel_param *kp)
{
	const struct sdebug_int_param *p = kp->arg;
	int n;

	if (kstrtoint(val, 0, &n) || n < p->min || n > p->max) {
		pr_err("invalid value '%.*s' for %s: expected %d..%d\n",
		       (int)strcspn(val, "\n"), val, kp->name, p->min, p->max);
		return -EINVAL;
	}
	WRITE_ONCE(*p->val, n);
	return 0;
}

static int sdebug_get_int(char *buf, const struct kernel_param *kp)
{
	const struct sdebug_int_param *p = kp->arg;

	return sysfs_emit(buf, "%d\n", READ_ONCE(*p->val));
}

static const struct kernel_param_ops sdebug_int_ops = {
	.set = sdebug_set_int,
	.get = sdebug_get_int,
};

static struct sdebug_int_param sdebug_p_dev_size_mb = {
	&sdebug_dev_size_mb, 1, SDEBUG_MAX_SIZE_MB };
module_param_cb(dev_size_mb, &sdebug_int_ops, &sdebug_p_dev_size_mb, 0444);
MODULE_PARM_DESC(dev_size_mb, "size of each logical unit in MiB (default 8)");

static struct sdebug_int_param sdebug_p_num_tgts = {
	&sdebug_num_tgts, 1, SDEBUG_MAX_TGTS };
module_param_cb(num_tgts, &sdebug_int_ops, &sdebug_p_num_tgts, 0444);
MODULE_PARM_DESC(num_tgts, "targets (default 1, max 16)");

static struct sdebug_int_param sdebug_p_max_luns = {
	&sdebug_max_luns, 1, SDEBUG_MAX_LUNS };
module_param_cb(max_luns, &sdebug_int_ops, &sdebug_p_max_luns, 0444);
MODULE_PARM_DESC(max_luns, "logical units per target (default 1, max 32)");

static struct sdebug_int_param sdebug_p_submit_queues = {
	&sdebug_submit_queues, 1, 256 };
module_param_cb(submit_queues, &sdebug_int_ops, &sdebug_p_submit_queues,
		0444);
MODULE_PARM_DESC(submit_queues, "hardware queues, at most the CPUs (default 1)");

static struct sdebug_int_param sdebug_p_max_queue = {
	&sdebug_max_queue, 1, 4096 };
module_param_cb(max_queue, &sdebug_int_ops, &sdebug_p_max_queue, 0444);
MODULE_PARM_DESC(max_queue, "commands in flight per host (default 192)");

static struct sdebug_int_param sdebug_p_delay = {
	&sdebug_delay, 0, 10 * HZ };
module_param_cb(delay, &sdebug_int_ops, &sdebug_p_delay, 0444);
MODULE_PARM_DESC(delay, "completion delay in jiffies (default 1; 0 and ndelay 0: inline)");

static struct sdebug_int_param sdebug_p_ndelay = {
	&sdebug_ndelay, 0, 1000000000 };
module_param_cb(ndelay, &sdebug_int_ops, &sdebug_p_ndelay, 0444);
MODULE_PARM_DESC(ndelay, "completion delay in ns, overrides delay (default 0)");

static struct sdebug_int_param sdebug_p_every_nth = {
	&sdebug_every_nth, 0, INT_MAX };
module_param_cb(every_nth, &sdebug_int_ops, &sdebug_p_every_nth, 0644);
MODULE_PARM_DESC(every_nth, "with opts 0x4: swallow every nth READ/WRITE (0: off)");

static int sdebug_set_opts(const char *val, const struct kernel_param *kp)
{
	int n;

	if (kstrtoint(val, 0, &n) || n < 0 || (n & ~SDEBUG_OPTS_KNOWN)) {
		pr_err("invalid value '%.*s' for opts: known bits 0x%x\n",
		       (int)strcspn(val, "\n"), val, SDEBUG_OPTS_KNOWN);
		return -EINVAL;
	}
	WRITE_ONCE(sdebug_opts, n);
	return 0;
}

static const struct kernel_param_ops sdebug_opts_ops = {
	.set = sdebug_set_opts,
	.get = param_get_int,
};
module_param_cb(opts, &sdebug_opts_ops, &sdebug_opts, 0644);
MODULE_PARM_DESC(opts, "0x2: medium errors (medium_error_start/count), 0x4: every_nth READ/WRITE commands time out (default 0)");

static struct sdebug_int_param sdebug_p_medium_error_start = {
	&sdebug_medium_error_start, 0, INT_MAX };
module_param_cb(medium_error_start, &sdebug_int_ops,
		&sdebug_p_medium_error_start, 0644);
MODULE_PARM_DESC(medium_error_start, "with opts 0x2: first LBA that returns MEDIUM ERROR on read (default 0x1234)");
static struct sdebug_int_param sdebug_p_medium_error_count = {
	&sdebug_medium_error_count, 0, INT_MAX };
module_param_cb(medium_error_count, &sdebug_int_ops,
		&sdebug_p_medium_error_count, 0644);
MODULE_PARM_DESC(medium_error_count, "with opts 0x2: how many LBAs from medium_error_start (default 10)");

static int sdebug_sg_tablesize = SDEBUG_SG_TABLESIZE;
static struct sdebug_int_param sdebug_p_sg_tablesize = {
	&sdebug_sg_tablesize, 1, MQ_SCSI_MAX_SG };
module_param_cb(sg_tablesize, &sdebug_int_ops, &sdebug_p_sg_tablesize, 0444);
MODULE_PARM_DESC(sg_tablesize, "scatterlist entries per command, chained beyond 128 (mq_scsi_debug only)");

static int sdebug_max_cmd_len = 16;
static struct sdebug_int_param sdebug_p_max_cmd_len = {
	&sdebug_max_cmd_len, 6, MQ_SCSI_MAX_CDB };
module_param_cb(max_cmd_len, &sdebug_int_ops, &sdebug_p_max_cmd_len, 0444);
MODULE_PARM_DESC(max_cmd_len, "longest CDB taken (mq_scsi_debug only)");

static struct sdebug_int_param sdebug_p_tsf_depth = {
	&sdebug_tsf_depth, 0, 4096 };
module_param_cb(tsf_depth, &sdebug_int_ops, &sdebug_p_tsf_depth, 0644);
MODULE_PARM_DESC(tsf_depth, "READ/WRITE beyond this many in flight per LUN get TASK SET FULL (0: off; mq_scsi_debug only)");

static struct sdebug_int_param sdebug_p_dev_reset_fails = {
	&sdebug_dev_reset_fails, 0, 2 };
module_param_cb(dev_reset_fails, &sdebug_int_ops, &sdebug_p_dev_reset_fails,
		0644);
MODULE_PARM_DESC(dev_reset_fails, "1: the device reset handler fails, so a target reset takes over; 2: the target reset fails too, so a host reset does (mq_scsi_debug only)");

static struct sdebug_int_param sdebug_p_abort_fails = {
	&sdebug_abort_fails, 0, 1 };
module_param_cb(abort_fails, &sdebug_int_ops, &sdebug_p_abort_fails, 0644);
MODULE_PARM_DESC(abort_fails, "1: the abort handler fails, so timeouts escalate to a device reset (mq_scsi_debug only)");

/*
 * Fault injection for the initiator's input checks: a device that answers
 * a rescan with a bogus block size, or a transport that copies only the
 * first bytes of the sense data.
 */
static struct sdebug_int_param sdebug_p_rc_block_size = {
	&sdebug_rc_block_size, -1, 65536 };
module_param_cb(rc_block_size, &sdebug_int_ops, &sdebug_p_rc_block_size,
		0644);
MODULE_PARM_DESC(rc_block_size, "READ CAPACITY reports this block size, whatever the store uses (-1: the real one; mq_scsi_debug only)");

static struct sdebug_int_param sdebug_p_rc_blocks = {
	&sdebug_rc_blocks, 0, INT_MAX };
module_param_cb(rc_blocks, &sdebug_int_ops, &sdebug_p_rc_blocks, 0644);
MODULE_PARM_DESC(rc_blocks, "READ CAPACITY reports this many blocks (0: the real number; mq_scsi_debug only)");

static struct sdebug_int_param sdebug_p_short_sense = {
	&sdebug_short_sense, 0, 17 };
module_param_cb(short_sense, &sdebug_int_ops, &sdebug_p_short_sense, 0644);
MODULE_PARM_DESC(short_sense, "only this many bytes of each sense are written (0: all 18; mq_scsi_debug only)");

static struct sdebug_int_param sdebug_p_lbpu = { &sdebug_lbpu, 0, 1 };
module_param_cb(lbpu, &sdebug_int_ops, &sdebug_p_lbpu, 0444);
MODULE_PARM_DESC(lbpu, "enable LBP, support UNMAP (default 0)");
static struct sdebug_int_param sdebug_p_lbpws = { &sdebug_lbpws, 0, 1 };
module_param_cb(lbpws, &sdebug_int_ops, &sdebug_p_lbpws, 0444);
MODULE_PARM_DESC(lbpws, "enable LBP, support WRITE SAME(16) with UNMAP (default 0)");
static struct sdebug_int_param sdebug_p_lbpws10 = { &sdebug_lbpws10, 0, 1 };
module_param_cb(lbpws10, &sdebug_int_ops, &sdebug_p_lbpws10, 0444);
MODULE_PARM_DESC(lbpws10, "enable LBP, support WRITE SAME(10) with UNMAP (default 0)");
static struct sdebug_int_param sdebug_p_lbprz = { &sdebug_lbprz, 0, 1 };
module_param_cb(lbprz, &sdebug_int_ops, &sdebug_p_lbprz, 0444);
MODULE_PARM_DESC(lbprz, "unmapped blocks read back as zeros (default 1)");

struct sdebug_u32_param {
	u32 *val;
	u32 min, max;
};

static int sdebug_set_u32(const char *val, const struct kernel_param *kp)
{
	const struct sdebug_u32_param *p = kp->arg;
	u32 n;

	if (kstrtou32(val, 0, &n) || n < p->min || n > p->max) {
		pr_err("invalid value '%.*s' for %s: expected %u..%u\n",
		       (int)strcspn(val, "\n"), val, kp->name, p->min, p->max);
		return -EINVAL;
	}
	WRITE_ONCE(*p->val, n);
	return 0;
}

static int sdebug_get_u32(char *buf, const struct kernel_param *kp)
{
	const struct sdebug_u32_param *p = kp->arg;

	return sysfs_emit(buf, "%u\n", READ_ONCE(*p->val));
}

static const struct kernel_param_ops sdebug_u32_ops = {
	.set = sdebug_set_u32,
	.get = sdebug_get_u32,
};

static struct sdebug_u32_param sdebug_p_unmap_alignment = {
	&sdebug_unmap_alignment, 0, U32_MAX >> 1 };
module_param_cb(unmap_alignment, &sdebug_u32_ops, &sdebug_p_unmap_alignment,
		0444);
MODULE_PARM_DESC(unmap_alignment, "lowest aligned thin provisioning LBA (default 0)");
static struct sdebug_u32_param sdebug_p_unmap_granularity = {
	&sdebug_unmap_granularity, 1, U32_MAX };
module_param_cb(unmap_granularity, &sdebug_u32_ops,
		&sdebug_p_unmap_granularity, 0444);
MODULE_PARM_DESC(unmap_granularity, "thin provisioning granularity in blocks (default 1)");
static struct sdebug_u32_param sdebug_p_unmap_max_blocks = {
	&sdebug_unmap_max_blocks, 0, U32_MAX };
module_param_cb(unmap_max_blocks, &sdebug_u32_ops, &sdebug_p_unmap_max_blocks,
		0444);
MODULE_PARM_DESC(unmap_max_blocks, "max blocks one UNMAP may unmap (default 0xffffffff)");
static struct sdebug_u32_param sdebug_p_unmap_max_desc = {
	&sdebug_unmap_max_desc, 0, 4096 };
module_param_cb(unmap_max_desc, &sdebug_u32_ops, &sdebug_p_unmap_max_desc,
		0444);
MODULE_PARM_DESC(unmap_max_desc, "max ranges in one UNMAP (default 256)");
static struct sdebug_u32_param sdebug_p_write_same_length = {
	&sdebug_write_same_length, 0, U32_MAX };
module_param_cb(write_same_length, &sdebug_u32_ops,
		&sdebug_p_write_same_length, 0444);
MODULE_PARM_DESC(write_same_length, "max blocks per WRITE SAME (default 0xffff)");

static int sdebug_set_sector_size(const char *val,
				  const struct kernel_param *kp)
{
	int n;

	if (kstrtoint(val, 0, &n) || (n != 512 && n != 4096)) {
		pr_err("invalid value '%.*s' for sector_size: expected 512 or 4096\n",
		       (int)strcspn(val, "\n"), val);
		return -EINVAL;
	}
	sdebug_sector_size = n;
	return 0;
}

static const struct kernel_param_ops sdebug_sector_size_ops = {
	.set = sdebug_set_sector_size,
	.get = param_get_int,
};
module_param_cb(sector_size, &sdebug_sector_size_ops, &sdebug_sector_size,
		0444);
MODULE_PARM_DESC(sector_size, "logical block size: 512 or 4096 (default 512)");

enum {
	SDEBUG_CMD_IDLE,	/* completed, or not ours */
	SDEBUG_CMD_TIMER,	/* completion timer armed */
	SDEBUG_CMD_SWALLOWED,	/* injected timeout: never completed */
};

/* Per-command private data (mq_scsi_cmd_priv()). */
struct sdebug_cmd {
	struct hrtimer timer;
	struct mq_scsi_cmnd *cmd;
	struct sdebug_lu *lu;	/* with @counted */
	atomic_t state;
	bool timer_ready;
	bool counted;		/* in @lu->inflight */
	u8 resp[SDEBUG_RESP_LEN];
};

struct sdebug_lu {
	u8 *store;
	bool ua_pending;	/* power on / reset unit attention */
	bool stopped;
	atomic_t inflight;	/* counted commands (tsf_depth) */
	/* persistent reservations, one I_T nexus: ours */
	spinlock_t pr_lock;
	u32 pr_generation;
	u64 pr_key;		/* valid with @pr_registered */
	bool pr_registered;
	bool pr_reserved;
	u8 pr_type;		/* valid with @pr_reserved */
};

struct sdebug_host {
	u64 capacity;		/* in logical blocks */
	struct sdebug_lu *lus;	/* num_tgts * max_luns */
};

static struct mq_scsi_host *sdebug_shost;
static DEFINE_MUTEX(sdebug_host_lock);	/* sdebug_host_live, sdebug_blocked */
static bool sdebug_host_live;
static bool sdebug_blocked;
static atomic_t sdebug_cmnd_count = ATOMIC_INIT(0);
enum {
	SDEBUG_HOOK_INIT, SDEBUG_HOOK_CONFIGURE, SDEBUG_HOOK_DESTROY,
	SDEBUG_HOOK_DEPTH, SDEBUG_HOOK_TIMED_OUT, SDEBUG_HOOK_IOCTL,
	SDEBUG_HOOK_BUS_RESET, SDEBUG_HOOK_NR
};

static atomic_t sdebug_hook_count[SDEBUG_HOOK_NR];
static atomic_t sdebug_timed_out_resets = ATOMIC_INIT(0);
static atomic_t sdebug_timeouts = ATOMIC_INIT(0);
static atomic_t sdebug_medium_errors = ATOMIC_INIT(0);
static atomic_t sdebug_tsf_count = ATOMIC_INIT(0);

/* Logical block provisioning on (like scsi_debug's scsi_debug_lbp()). */
static bool sdebug_lbp(void)
{
	return sdebug_lbpu || sdebug_lbpws || sdebug_lbpws10;
}

static struct sdebug_lu *sdebug_lu(struct mq_scsi_device *sdev)
{
	struct sdebug_host *h = mq_scsi_host_priv(sdev->host);

	if (sdev->id >= sdebug_num_tgts || sdev->lun >= sdebug_max_luns)
		return NULL;
	return &h->lus[sdev->id * sdebug_max_luns + sdev->lun];
}

static void sdebug_sense(struct mq_scsi_cmnd *cmd, u8 key, u8 asc, u8 ascq)
{
	u8 sb[18] = { 0x70, 0, key, 0, 0, 0, 0, 10, 0, 0, 0, 0, asc, ascq };

	memcpy(cmd->sense_buffer, sb,
	       READ_ONCE(sdebug_short_sense) ?: sizeof(sb));
	cmd->result = SAM_STAT_CHECK_CONDITION;
}

static void sdebug_invalid_field(struct mq_scsi_cmnd *cmd)
{
	sdebug_sense(cmd, ILLEGAL_REQUEST, 0x24, 0);
}

/* Copy a response to the data-in buffer, at most @alloc bytes. */
static void sdebug_resp(struct mq_scsi_cmnd *cmd, const u8 *buf,
			unsigned int len, unsigned int alloc)
{
	unsigned int n = min3(len, alloc, cmd->transfer_len);

	if (n && cmd->sc_data_direction == DMA_FROM_DEVICE)
		n = sg_copy_from_buffer(cmd->sgl, cmd->sg_count, buf, n);
	else
		n = 0;
	cmd->resid = cmd->transfer_len - n;
}

static void sdebug_inquiry(struct mq_scsi_cmnd *cmd, u8 *r, bool present)
{
	const u8 *cdb = cmd->cmnd;
	unsigned int alloc = get_unaligned_be16(&cdb[3]), n;
	struct mq_scsi_device *sdev = cmd->sdev;

	memset(r, 0, SDEBUG_RESP_LEN);
	if (!(cdb[1] & 1)) {
		if (cdb[2])
			return sdebug_invalid_field(cmd);
		r[0] = present ? TYPE_DISK : 0x7f;	/* PQ 3: no LU */
		r[2] = 0x07;				/* SPC-5, like scsi_debug */
		r[3] = 0x02;
		r[4] = 96 - 5;
		r[7] = 0x02;				/* CmdQue */
		memcpy(&r[8], SDEBUG_VENDOR, 8);
		memcpy(&r[16], SDEBUG_PRODUCT, 16);
		memcpy(&r[32], SDEBUG_REV, 4);
		return sdebug_resp(cmd, r, 96, alloc);
	}
	if (!present)
		return sdebug_sense(cmd, ILLEGAL_REQUEST, 0x25, 0);
	r[1] = cdb[2];
	switch (cdb[2]) {
	case 0x00:
		r[3] = 4;
		r[4] = 0x00;
		r[5] = 0x80;
		r[6] = 0x83;
		r[7] = 0xb0;
		n = 8;
		if (sdebug_lbp()) {
			r[8] = 0xb2;
			r[3]++;
			n++;
		}
		break;
	case 0x80:
		n = snprintf(&r[4], 20, "MQSD%04u%04llu", sdev->id, sdev->lun);
		r[3] = n;
		n += 4;
		break;
	case 0x83:
		/* one T10 vendor ID designator, ASCII */
		r[4] = 0x02;
		r[5] = 0x01;
		memcpy(&r[8], SDEBUG_VENDOR, 8);
		n = snprintf(&r[16], 40, "mq_scsi_debug_%u_%u_%llu",
			     sdev->host->host_no, sdev->id, sdev->lun);
		r[7] = 8 + n;
		r[3] = 4 + r[7];
		n = 4 + r[3];
		break;
	case 0xb0:
		r[3] = 0x3c;
		put_unaligned_be32(SDEBUG_MAX_SECTORS * 512 / sdebug_sector_size,
				   &r[8]);
		put_unaligned_be32(64 * 1024 / sdebug_sector_size, &r[12]);
		if (sdebug_lbpu) {
			put_unaligned_be32(sdebug_unmap_max_blocks, &r[20]);
			put_unaligned_be32(sdebug_unmap_max_desc, &r[24]);
		}
		put_unaligned_be32(sdebug_unmap_granularity, &r[28]);
		if (sdebug_unmap_alignment) {
			put_unaligned_be32(sdebug_unmap_alignment, &r[32]);
			r[32] |= 0x80;			/* UGAVALID */
		}
		put_unaligned_be64(sdebug_write_same_length, &r[36]);
		n = 0x40;
		break;
	case 0xb2:
		if (!sdebug_lbp())
			return sdebug_invalid_field(cmd);
		r[3] = 4;
		r[5] = (sdebug_lbpu ? 0x80 : 0) | (sdebug_lbpws ? 0x40 : 0) |
		       (sdebug_lbpws10 ? 0x20 : 0) | (sdebug_lbprz ? 0x04 : 0);
		n = 8;
		break;
	default:
		return sdebug_invalid_field(cmd);
	}
	sdebug_resp(cmd, r, n, alloc);
}

static void sdebug_report_luns(struct mq_scsi_cmnd *cmd, u8 *r)
{
	unsigned int alloc = get_unaligned_be32(&cmd->cmnd[6]), i;

	if (cmd->cmnd[2] > 2 || alloc < 16)
		return sdebug_invalid_field(cmd);
	memset(r, 0, SDEBUG_RESP_LEN);
	put_unaligned_be32(sdebug_max_luns * 8, &r[0]);
	for (i = 0; i < sdebug_max_luns; i++)
		r[8 + 8 * i + 1] = i;		/* peripheral addressing */
	sdebug_resp(cmd, r, 8 + 8 * sdebug_max_luns, alloc);
}

static void sdebug_read_capacity(struct mq_scsi_cmnd *cmd, u8 *r, bool sixteen)
{
	struct sdebug_host *h = mq_scsi_host_priv(cmd->sdev->host);
	int bs = READ_ONCE(sdebug_rc_block_size);
	u64 last = (READ_ONCE(sdebug_rc_blocks) ?: h->capacity) - 1;

	if (bs < 0)
		bs = sdebug_sector_size;
	memset(r, 0, 32);
	if (sixteen) {
		if ((cmd->cmnd[1] & 0x1f) != SAI_READ_CAPACITY_16)
			return sdebug_invalid_field(cmd);
		put_unaligned_be64(last, &r[0]);
		put_unaligned_be32(bs, &r[8]);
		if (sdebug_lbp())
			r[14] = 0x80 | (sdebug_lbprz ? 0x40 : 0); /* LBPME, LBPRZ */
		return sdebug_resp(cmd, r, 32,
				   get_unaligned_be32(&cmd->cmnd[10]));
	}
	put_unaligned_be32(min_t(u64, last, 0xffffffff), &r[0]);
	put_unaligned_be32(bs, &r[4]);
	sdebug_resp(cmd, r, 8, 8);
}

/* Append mode page @pc to @p; returns its length, 0 if unknown. */
static unsigned int sdebug_mode_page(u8 *p, u8 page, u8 pcontrol)
{
	bool changeable = pcontrol == 1;

	switch (page) {
	case 0x08:	/* caching: write cache enabled */
		memset(p, 0, 20);
		p[0] = 0x08;
		p[1] = 0x12;
		p[2] = changeable ? 0 : 0x04;
		return 20;
	case 0x0a:	/* control */
		memset(p, 0, 12);
		p[0] = 0x0a;
		p[1] = 0x0a;
		if (!changeable)
			p[2] = 0x02;	/* GLTSD */
		return 12;
	default:
		return 0;
	}
}

static void sdebug_mode_sense(struct mq_scsi_cmnd *cmd, u8 *r)
{
	struct sdebug_host *h = mq_scsi_host_priv(cmd->sdev->host);
	bool ten = cmd->cmnd[0] == MODE_SENSE_10;
	bool dbd = cmd->cmnd[1] & 0x08;
	u8 pcontrol = cmd->cmnd[2] >> 6, page = cmd->cmnd[2] & 0x3f;
	unsigned int hlen = ten ? 8 : 4, off, alloc, n;

	if (pcontrol == 3)
		return sdebug_sense(cmd, ILLEGAL_REQUEST, 0x39, 0);
	if (cmd->cmnd[3])	/* subpages */
		return sdebug_invalid_field(cmd);
	alloc = ten ? get_unaligned_be16(&cmd->cmnd[7]) : cmd->cmnd[4];
	memset(r, 0, SDEBUG_RESP_LEN);
	off = hlen;
	if (!dbd) {
		put_unaligned_be32(min_t(u64, h->capacity, 0xffffffff),
				   &r[off]);
		put_unaligned_be32(sdebug_sector_size, &r[off + 4]);
		r[off + 4] = 0;
		off += 8;
	}
	if (page == 0x3f) {
		off += sdebug_mode_page(&r[off], 0x08, pcontrol);
		off += sdebug_mode_page(&r[off], 0x0a, pcontrol);
	} else {
		n = sdebug_mode_page(&r[off], page, pcontrol);
		if (!n)
			return sdebug_invalid_field(cmd);
		off += n;
	}
	if (ten) {
		put_unaligned_be16(off - 2, &r[0]);
		r[3] = 0x10;		/* DPOFUA */
		r[7] = dbd ? 0 : 8;
	} else {
		r[0] = off - 1;
		r[2] = 0x10;
		r[3] = dbd ? 0 : 8;
	}
	sdebug_resp(cmd, r, off, alloc);
}

static void sdebug_request_sense(struct mq_scsi_cmnd *cmd, u8 *r,
				 struct sdebug_lu *lu)
{
	memset(r, 0, 18);
	r[0] = 0x70;
	r[7] = 10;
	if (lu->stopped) {
		r[2] = NOT_READY;
		r[12] = 0x04;
		r[13] = 0x02;
	}
	sdebug_resp(cmd, r, 18, cmd->cmnd[4]);
}

static void sdebug_rw(struct mq_scsi_cmnd *cmd, struct sdebug_lu *lu,
		      bool write)
{
	struct sdebug_host *h = mq_scsi_host_priv(cmd->sdev->host);
	const u8 *c = cmd->cmnd;
	unsigned int bytes, n;
	bool to_dev;
	u64 lba;
	u32 nr;

	switch (c[0]) {
	case READ_6:
	case WRITE_6:
		lba = get_unaligned_be24(&c[1]) & 0x1fffff;
		nr = c[4] ?: 256;
		break;
	case READ_10:
	case WRITE_10:
		lba = get_unaligned_be32(&c[2]);
		nr = get_unaligned_be16(&c[7]);
		break;
	case READ_12:
	case WRITE_12:
		lba = get_unaligned_be32(&c[2]);
		nr = get_unaligned_be32(&c[6]);
		break;
	default:
		lba = get_unaligned_be64(&c[2]);
		nr = get_unaligned_be32(&c[10]);
		break;
	}
	if (lu->stopped)
		return sdebug_sense(cmd, NOT_READY, 0x04, 0x02);
	if (lba >= h->capacity || nr > h->capacity - lba)
		return sdebug_sense(cmd, ILLEGAL_REQUEST, 0x21, 0);
	if (nr > SDEBUG_MAX_SECTORS * 512 / sdebug_sector_size)
		return sdebug_invalid_field(cmd);
	if (!write && (READ_ONCE(sdebug_opts) & SDEBUG_OPT_MEDIUM_ERR)) {
		u64 mstart = READ_ONCE(sdebug_medium_error_start);
		u64 mcount = READ_ONCE(sdebug_medium_error_count);

		if (mcount && lba < mstart + mcount && lba + nr > mstart) {
			/* UNRECOVERED READ ERROR at the first bad LBA */
			sdebug_sense(cmd, MEDIUM_ERROR, 0x11, 0);
			cmd->sense_buffer[0] |= 0x80;		/* VALID */
			put_unaligned_be32(max(lba, mstart),
					   &cmd->sense_buffer[3]);
			cmd->resid = cmd->transfer_len;
			atomic_inc(&sdebug_medium_errors);
			return;
		}
	}
	bytes = min(nr * sdebug_sector_size, cmd->transfer_len);
	if (!bytes) {
		cmd->resid = cmd->transfer_len;
		return;
	}
	to_dev = cmd->sc_data_direction == DMA_TO_DEVICE;
	if (write != to_dev)
		return sdebug_invalid_field(cmd);
	if (write)
		n = sg_copy_to_buffer(cmd->sgl, cmd->sg_count,
				      lu->store + lba * sdebug_sector_size,
				      bytes);
	else
		n = sg_copy_from_buffer(cmd->sgl, cmd->sg_count,
					lu->store + lba * sdebug_sector_size,
					bytes);
	cmd->resid = cmd->transfer_len - n;
}

/* Unmapped blocks read back as zeros (lbprz) or as whatever was there. */
static void sdebug_unmap_range(struct sdebug_lu *lu, u64 lba, u32 nr)
{
	memset(lu->store + lba * sdebug_sector_size, 0,
	       (size_t)nr * sdebug_sector_size);
}

static void sdebug_unmap(struct mq_scsi_cmnd *cmd, struct sdebug_lu *lu,
			 u8 *r)
{
	struct sdebug_host *h = mq_scsi_host_priv(cmd->sdev->host);
	unsigned int plen = get_unaligned_be16(&cmd->cmnd[7]), n, i, nd;

	if (!sdebug_lbpu)
		return sdebug_sense(cmd, ILLEGAL_REQUEST, 0x20, 0);
	if (!plen)
		return;
	if (plen < 8 || plen > SDEBUG_RESP_LEN ||
	    cmd->sc_data_direction != DMA_TO_DEVICE ||
	    cmd->transfer_len < plen)
		return sdebug_invalid_field(cmd);
	n = sg_copy_to_buffer(cmd->sgl, cmd->sg_count, r, plen);
	if (n < plen)
		return sdebug_invalid_field(cmd);
	nd = get_unaligned_be16(&r[2]) / 16;
	/* parameter list length error / invalid field in parameter list */
	if (get_unaligned_be16(&r[0]) + 2 > plen || 8 + nd * 16 > plen)
		return sdebug_sense(cmd, ILLEGAL_REQUEST, 0x1a, 0);
	if (nd > sdebug_unmap_max_desc)
		return sdebug_sense(cmd, ILLEGAL_REQUEST, 0x26, 0);
	for (i = 0; i < nd; i++) {
		u64 lba = get_unaligned_be64(&r[8 + 16 * i]);
		u32 nr = get_unaligned_be32(&r[8 + 16 * i + 8]);

		if (lba > h->capacity || nr > h->capacity - lba)
			return sdebug_sense(cmd, ILLEGAL_REQUEST, 0x21, 0);
		if (nr > sdebug_unmap_max_blocks)
			return sdebug_sense(cmd, ILLEGAL_REQUEST, 0x26, 0);
	}
	for (i = 0; i < nd; i++)
		sdebug_unmap_range(lu, get_unaligned_be64(&r[8 + 16 * i]),
				   get_unaligned_be32(&r[8 + 16 * i + 8]));
}

static void sdebug_write_same(struct mq_scsi_cmnd *cmd, struct sdebug_lu *lu)
{
	struct sdebug_host *h = mq_scsi_host_priv(cmd->sdev->host);
	bool sixteen = cmd->cmnd[0] == WRITE_SAME_16;
	bool unmap = cmd->cmnd[1] & 0x08;
	bool ndob = sixteen && (cmd->cmnd[1] & 0x01);
	u8 *dst;
	u64 lba;
	u32 nr, i;

	if (sixteen) {
		lba = get_unaligned_be64(&cmd->cmnd[2]);
		nr = get_unaligned_be32(&cmd->cmnd[10]);
	} else {
		lba = get_unaligned_be32(&cmd->cmnd[2]);
		nr = get_unaligned_be16(&cmd->cmnd[7]);
	}
	if (unmap && !(sixteen ? sdebug_lbpws : sdebug_lbpws10))
		return sdebug_invalid_field(cmd);
	if (nr > sdebug_write_same_length)
		return sdebug_invalid_field(cmd);
	if (lba > h->capacity || nr > h->capacity - lba)
		return sdebug_sense(cmd, ILLEGAL_REQUEST, 0x21, 0);
	if (lu->stopped)
		return sdebug_sense(cmd, NOT_READY, 0x04, 0x02);
	if (!nr)
		return;
	/* unmapped blocks read as zeros here, whatever lbprz says */
	if (unmap || ndob)
		return sdebug_unmap_range(lu, lba, nr);
	if (cmd->sc_data_direction != DMA_TO_DEVICE ||
	    cmd->transfer_len < sdebug_sector_size)
		return sdebug_invalid_field(cmd);
	dst = lu->store + lba * sdebug_sector_size;
	if (sg_copy_to_buffer(cmd->sgl, cmd->sg_count, dst,
			      sdebug_sector_size) < sdebug_sector_size)
		return sdebug_invalid_field(cmd);
	for (i = 1; i < nr; i++)
		memcpy(dst + (size_t)i * sdebug_sector_size, dst,
		       sdebug_sector_size);
	cmd->resid = cmd->transfer_len - sdebug_sector_size;
}

/* PERSISTENT RESERVE IN: READ KEYS, READ RESERVATION, REPORT CAPABILITIES */
static void sdebug_pr_in(struct mq_scsi_cmnd *cmd, struct sdebug_lu *lu,
			 u8 *r)
{
	unsigned int alloc = get_unaligned_be16(&cmd->cmnd[7]), n = 8;
	unsigned long flags;

	memset(r, 0, 32);
	spin_lock_irqsave(&lu->pr_lock, flags);
	put_unaligned_be32(lu->pr_generation, &r[0]);
	switch (cmd->cmnd[1] & 0x1f) {
	case 0x00:	/* READ KEYS */
		if (lu->pr_registered) {
			put_unaligned_be32(8, &r[4]);
			put_unaligned_be64(lu->pr_key, &r[8]);
			n += 8;
		}
		break;
	case 0x01:	/* READ RESERVATION */
		if (lu->pr_reserved) {
			put_unaligned_be32(16, &r[4]);
			put_unaligned_be64(lu->pr_key, &r[8]);
			r[21] = lu->pr_type;	/* scope 0: logical unit */
			n += 16;
		}
		break;
	case 0x02:	/* REPORT CAPABILITIES */
		memset(r, 0, 8);
		put_unaligned_be16(8, &r[0]);
		r[2] = 0x01;			/* PTPL_C */
		r[3] = 0x80;			/* TMV: the mask is valid */
		r[4] = 0x80 | 0x40 | 0x20 | 0x08 | 0x02;
		r[5] = 0x01;
		break;
	default:
		spin_unlock_irqrestore(&lu->pr_lock, flags);
		return sdebug_invalid_field(cmd);
	}
	spin_unlock_irqrestore(&lu->pr_lock, flags);
	sdebug_resp(cmd, r, n, alloc);
}

static bool sdebug_pr_type_ok(u8 type)
{
	return type == 1 || type == 3 || (type >= 5 && type <= 8);
}

/*
 * PERSISTENT RESERVE OUT for the one initiator there is.  A wrong key, or
 * reserving without a registration, is a RESERVATION CONFLICT as SPC has
 * it; a release of another type an ILLEGAL REQUEST.
 */
static void sdebug_pr_out(struct mq_scsi_cmnd *cmd, struct sdebug_lu *lu,
			  u8 *r)
{
	u8 sa = cmd->cmnd[1] & 0x1f, scope = cmd->cmnd[2] >> 4;
	u8 type = cmd->cmnd[2] & 0xf;
	unsigned long flags;
	u64 key, sa_key;
	bool conflict = false;

	if (get_unaligned_be32(&cmd->cmnd[5]) != 24)
		return sdebug_sense(cmd, ILLEGAL_REQUEST, 0x1a, 0);
	if (cmd->sc_data_direction != DMA_TO_DEVICE ||
	    cmd->transfer_len < 24 ||
	    sg_copy_to_buffer(cmd->sgl, cmd->sg_count, r, 24) < 24)
		return sdebug_invalid_field(cmd);
	key = get_unaligned_be64(&r[0]);
	sa_key = get_unaligned_be64(&r[8]);
	if (sa != 0x00 && sa != 0x06 && sa != 0x03 &&
	    (scope || !sdebug_pr_type_ok(type)))
		return sdebug_invalid_field(cmd);

	spin_lock_irqsave(&lu->pr_lock, flags);
	switch (sa) {
	case 0x00:	/* REGISTER */
	case 0x06:	/* REGISTER AND IGNORE EXISTING KEY */
		if (sa == 0x00 && (lu->pr_registered ? key != lu->pr_key :
				   key != 0)) {
			conflict = true;
			break;
		}
		if (sa_key) {
			lu->pr_key = sa_key;
			lu->pr_registered = true;
		} else if (lu->pr_registered) {
			/* unregistering the holder releases the reservation */
			lu->pr_registered = false;
			lu->pr_reserved = false;
		}
		lu->pr_generation++;
		break;
	case 0x01:	/* RESERVE */
		if (!lu->pr_registered || key != lu->pr_key ||
		    (lu->pr_reserved && lu->pr_type != type)) {
			conflict = true;
			break;
		}
		lu->pr_reserved = true;
		lu->pr_type = type;
		break;
	case 0x02:	/* RELEASE */
		if (!lu->pr_registered || key != lu->pr_key) {
			conflict = true;
			break;
		}
		if (lu->pr_reserved && lu->pr_type != type) {
			spin_unlock_irqrestore(&lu->pr_lock, flags);
			/* INVALID RELEASE OF PERSISTENT RESERVATION */
			return sdebug_sense(cmd, ILLEGAL_REQUEST, 0x26, 0x04);
		}
		lu->pr_reserved = false;
		break;
	case 0x03:	/* CLEAR */
		if (!lu->pr_registered || key != lu->pr_key) {
			conflict = true;
			break;
		}
		lu->pr_registered = false;
		lu->pr_reserved = false;
		lu->pr_generation++;
		break;
	case 0x04:	/* PREEMPT */
	case 0x05:	/* PREEMPT AND ABORT */
		/* the only registrant there is to preempt is ourselves */
		if (!lu->pr_registered || key != lu->pr_key ||
		    sa_key != lu->pr_key) {
			conflict = true;
			break;
		}
		lu->pr_reserved = true;
		lu->pr_type = type;
		lu->pr_generation++;
		break;
	default:
		spin_unlock_irqrestore(&lu->pr_lock, flags);
		return sdebug_invalid_field(cmd);
	}
	spin_unlock_irqrestore(&lu->pr_lock, flags);
	if (conflict)
		cmd->result = SAM_STAT_RESERVATION_CONFLICT;
}

static bool sdebug_is_rw(u8 op)
{
	switch (op) {
	case READ_6: case READ_10: case READ_12: case READ_16:
	case WRITE_6: case WRITE_10: case WRITE_12: case WRITE_16:
		return true;
	}
	return false;
}

/* Execute @cmd on the RAM store; sets result, sense and resid. */
static void sdebug_exec(struct mq_scsi_cmnd *cmd, u8 *r)
{
	struct sdebug_lu *lu = sdebug_lu(cmd->sdev);
	u8 op = cmd->cmnd[0];

	cmd->result = SAM_STAT_GOOD;
	cmd->resid = 0;
	if (cmd->sdev->id >= sdebug_num_tgts) {
		cmd->result = DID_NO_CONNECT << 16;
		return;
	}
	if (op == INQUIRY)
		return sdebug_inquiry(cmd, r, lu);
	if (op == REPORT_LUNS)
		return sdebug_report_luns(cmd, r);
	if (!lu)
		return sdebug_sense(cmd, ILLEGAL_REQUEST, 0x25, 0);
	if (op == REQUEST_SENSE)
		return sdebug_request_sense(cmd, r, lu);
	if (lu->ua_pending) {
		lu->ua_pending = false;
		return sdebug_sense(cmd, UNIT_ATTENTION, 0x29, 0);
	}

	switch (op) {
	case TEST_UNIT_READY:
		if (lu->stopped)
			sdebug_sense(cmd, NOT_READY, 0x04, 0x02);
		break;
	case READ_CAPACITY:
		sdebug_read_capacity(cmd, r, false);
		break;
	case SERVICE_ACTION_IN_16:
		sdebug_read_capacity(cmd, r, true);
		break;
	case MODE_SENSE:
	case MODE_SENSE_10:
		sdebug_mode_sense(cmd, r);
		break;
	case READ_6: case READ_10: case READ_12: case READ_16:
		sdebug_rw(cmd, lu, false);
		break;
	case WRITE_6: case WRITE_10: case WRITE_12: case WRITE_16:
		sdebug_rw(cmd, lu, true);
		break;
	case SYNCHRONIZE_CACHE:
	case SYNCHRONIZE_CACHE_16:
		break;
	case UNMAP:
		sdebug_unmap(cmd, lu, r);
		break;
	case PERSISTENT_RESERVE_IN:
		sdebug_pr_in(cmd, lu, r);
		break;
	case PERSISTENT_RESERVE_OUT:
		sdebug_pr_out(cmd, lu, r);
		break;
	case WRITE_SAME:
	case WRITE_SAME_16:
		sdebug_write_same(cmd, lu);
		break;
	case START_STOP:
		if (cmd->cmnd[4] & 0xf0)	/* power conditions */
			return sdebug_invalid_field(cmd);
		lu->stopped = !(cmd->cmnd[4] & 1);
		break;
	default:
		sdebug_sense(cmd, ILLEGAL_REQUEST, 0x20, 0);
		break;
	}
}

/* The command leaves the "hardware": no longer in its LUN's task set. */
static void sdebug_uncount(struct sdebug_cmd *sc)
{
	if (sc->counted) {
		sc->counted = false;
		atomic_dec(&sc->lu->inflight);
	}
}

static enum hrtimer_restart sdebug_timer_fn(struct hrtimer *t)
{
	struct sdebug_cmd *sc = container_of(t, struct sdebug_cmd, timer);

	if (atomic_cmpxchg(&sc->state, SDEBUG_CMD_TIMER, SDEBUG_CMD_IDLE) ==
	    SDEBUG_CMD_TIMER) {
		sdebug_uncount(sc);
		mq_scsi_done(sc->cmd);
	}
	return HRTIMER_NORESTART;
}

/*
 * TASK SET FULL injection: a READ/WRITE finding tsf_depth commands of its
 * LUN in flight is refused; the others are counted until they complete.
 */
static bool sdebug_task_set_full(struct mq_scsi_cmnd *cmd,
				 struct sdebug_cmd *sc)
{
	int depth = READ_ONCE(sdebug_tsf_depth);
	struct sdebug_lu *lu;

	sc->counted = false;
	if (likely(!depth) || !sdebug_is_rw(cmd->cmnd[0]))
		return false;
	lu = sdebug_lu(cmd->sdev);
	if (!lu)
		return false;
	if (atomic_inc_return(&lu->inflight) > depth) {
		atomic_dec(&lu->inflight);
		atomic_inc(&sdebug_tsf_count);
		cmd->result = SAM_STAT_TASK_SET_FULL;
		cmd->resid = cmd->transfer_len;
		return true;
	}
	sc->lu = lu;
	sc->counted = true;
	return false;
}

static bool sdebug_inject_timeout(struct mq_scsi_cmnd *cmd)
{
	int nth = READ_ONCE(sdebug_every_nth);

	if (!nth || !(READ_ONCE(sdebug_opts) & SDEBUG_OPT_TIMEOUT) ||
	    !sdebug_is_rw(cmd->cmnd[0]))
		return false;
	return atomic_inc_return(&sdebug_cmnd_count) % nth == 0;
}

static int sdebug_queuecommand(struct mq_scsi_host *shost,
			       struct mq_scsi_cmnd *cmd)
{
	struct sdebug_cmd *sc = mq_scsi_cmd_priv(cmd);
	u64 ns;

	sc->cmd = cmd;
	if (!sc->timer_ready) {
		hrtimer_setup(&sc->timer, sdebug_timer_fn, CLOCK_MONOTONIC,
			      HRTIMER_MODE_REL);
		sc->timer_ready = true;
	}
	sc->counted = false;
	if (sdebug_inject_timeout(cmd)) {
		atomic_inc(&sdebug_timeouts);
		atomic_set(&sc->state, SDEBUG_CMD_SWALLOWED);
		return 0;
	}
	if (!sdebug_task_set_full(cmd, sc))
		sdebug_exec(cmd, sc->resp);
	ns = sdebug_ndelay ?: jiffies_to_nsecs(sdebug_delay);
	if (!ns) {
		atomic_set(&sc->state, SDEBUG_CMD_IDLE);
		sdebug_uncount(sc);
		mq_scsi_done(cmd);
		return 0;
	}
	atomic_set(&sc->state, SDEBUG_CMD_TIMER);
	hrtimer_start(&sc->timer, ns_to_ktime(ns), HRTIMER_MODE_REL);
	return 0;
}

/* Take a command back from the "hardware": it will not complete. */
static void sdebug_forget(struct sdebug_cmd *sc)
{
	int old = atomic_xchg(&sc->state, SDEBUG_CMD_IDLE);

	if (old == SDEBUG_CMD_TIMER)
		hrtimer_cancel(&sc->timer);
	if (old != SDEBUG_CMD_IDLE)
		sdebug_uncount(sc);
}

static int sdebug_abort(struct mq_scsi_cmnd *cmd)
{
	if (READ_ONCE(sdebug_abort_fails))
		return MQ_SCSI_EH_FAILED;
	sdebug_forget(mq_scsi_cmd_priv(cmd));
	return MQ_SCSI_EH_SUCCESS;
}

enum sdebug_reset_scope { SDEBUG_RESET_LUN, SDEBUG_RESET_TARGET,
			  SDEBUG_RESET_HOST };

struct sdebug_reset {
	struct mq_scsi_cmnd *failed;
	struct mq_scsi_device *sdev;	/* the failed command's unit */
	enum sdebug_reset_scope scope;
};

/* A reset completes every other command it catches with DID_RESET. */
static bool sdebug_reset_one(struct mq_scsi_cmnd *cmd, void *data)
{
	struct sdebug_reset *r = data;
	struct sdebug_cmd *sc = mq_scsi_cmd_priv(cmd);
	int old;

	if (cmd == r->failed ||
	    (r->scope == SDEBUG_RESET_LUN && cmd->sdev != r->sdev) ||
	    (r->scope == SDEBUG_RESET_TARGET && cmd->sdev->id != r->sdev->id))
		return true;
	old = atomic_xchg(&sc->state, SDEBUG_CMD_IDLE);
	if (old == SDEBUG_CMD_IDLE)
		return true;
	if (old == SDEBUG_CMD_TIMER)
		hrtimer_cancel(&sc->timer);
	sdebug_uncount(sc);
	cmd->result = DID_RESET << 16;
	mq_scsi_done(cmd);
	return true;
}

static void sdebug_reset(struct mq_scsi_cmnd *cmd,
			 enum sdebug_reset_scope scope)
{
	struct sdebug_reset r = { .failed = cmd, .sdev = cmd->sdev,
				  .scope = scope };
	struct sdebug_host *h = mq_scsi_host_priv(cmd->sdev->host);
	struct sdebug_lu *lu;
	int i;

	sdebug_forget(mq_scsi_cmd_priv(cmd));
	mq_scsi_host_busy_iter(cmd->sdev->host, sdebug_reset_one, &r);
	/* a reset is reported by a unit attention on what it reset */
	if (scope == SDEBUG_RESET_LUN) {
		lu = sdebug_lu(cmd->sdev);
		if (lu)
			lu->ua_pending = true;
		return;
	}
	for (i = 0; i < sdebug_num_tgts * sdebug_max_luns; i++)
		if (scope == SDEBUG_RESET_HOST ||
		    i / sdebug_max_luns == cmd->sdev->id)
			h->lus[i].ua_pending = true;
}

static int sdebug_device_reset(struct mq_scsi_cmnd *cmd)
{
	if (READ_ONCE(sdebug_dev_reset_fails))
		return MQ_SCSI_EH_FAILED;
	sdebug_reset(cmd, SDEBUG_RESET_LUN);
	return MQ_SCSI_EH_SUCCESS;
}

static int sdebug_target_reset(struct mq_scsi_cmnd *cmd)
{
	if (READ_ONCE(sdebug_dev_reset_fails) > 1)
		return MQ_SCSI_EH_FAILED;
	sdebug_reset(cmd, SDEBUG_RESET_TARGET);
	return MQ_SCSI_EH_SUCCESS;
}

static int sdebug_host_reset(struct mq_scsi_cmnd *cmd)
{
	sdebug_reset(cmd, SDEBUG_RESET_HOST);
	return MQ_SCSI_EH_SUCCESS;
}

static int sdebug_bus_reset(struct mq_scsi_cmnd *cmd)
{
	/* one channel: the bus is the host; fails with the target reset */
	if (READ_ONCE(sdebug_dev_reset_fails) > 1)
		return MQ_SCSI_EH_FAILED;
	atomic_inc(&sdebug_hook_count[SDEBUG_HOOK_BUS_RESET]);
	sdebug_reset(cmd, SDEBUG_RESET_HOST);
	return MQ_SCSI_EH_SUCCESS;
}

/*
 * The other template hooks, counted (read-only parameter hook_counts) so
 * that tests/scsi_lld_hooks.sh sees mq_scsi call them.
 */
static int sdebug_sdev_init(struct mq_scsi_device *sdev)
{
	atomic_inc(&sdebug_hook_count[SDEBUG_HOOK_INIT]);
	sdev->hostdata = sdebug_lu(sdev);
	return 0;
}

static int sdebug_sdev_configure(struct mq_scsi_device *sdev)
{
	atomic_inc(&sdebug_hook_count[SDEBUG_HOOK_CONFIGURE]);
	return 0;
}

static void sdebug_sdev_destroy(struct mq_scsi_device *sdev)
{
	atomic_inc(&sdebug_hook_count[SDEBUG_HOOK_DESTROY]);
	sdev->hostdata = NULL;
}

static int sdebug_change_queue_depth(struct mq_scsi_device *sdev, int depth)
{
	atomic_inc(&sdebug_hook_count[SDEBUG_HOOK_DEPTH]);
	return mq_scsi_change_queue_depth(sdev, depth);
}

/* the first sdebug_timed_out_resets timeouts get more time */
static enum mq_scsi_timeout_action sdebug_timed_out(struct mq_scsi_cmnd *cmd)
{
	atomic_inc(&sdebug_hook_count[SDEBUG_HOOK_TIMED_OUT]);
	if (atomic_add_unless(&sdebug_timed_out_resets, -1, 0))
		return MQ_SCSI_EH_RESET_TIMER;
	return MQ_SCSI_EH_NOT_HANDLED;
}

/* SDEBUG_IOCTL_PING: answers SDEBUG_IOCTL_PONG, to test the ioctl hook */
#define SDEBUG_IOCTL_PING	0x5d01
#define SDEBUG_IOCTL_PONG	0x5d5d
static int sdebug_ioctl(struct mq_scsi_device *sdev, unsigned int cmd,
			void __user *arg)
{
	if (cmd != SDEBUG_IOCTL_PING)
		return -ENOTTY;
	atomic_inc(&sdebug_hook_count[SDEBUG_HOOK_IOCTL]);
	return put_user(SDEBUG_IOCTL_PONG, (int __user *)arg);
}

static const char *sdebug_info(struct mq_scsi_host *shost)
{
	return "mq_scsi_debug: RAM-backed SCSI target";
}

static ssize_t sdebug_hooks_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "mqhost%u\n",
			  mq_scsi_class_to_shost(dev)->host_no);
}
static DEVICE_ATTR_RO(sdebug_hooks);

static struct attribute *sdebug_host_attrs[] = {
	&dev_attr_sdebug_hooks.attr,
	NULL,
};
ATTRIBUTE_GROUPS(sdebug_host);

static ssize_t sdebug_lun_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	struct mq_scsi_device *sdev = mq_scsi_to_sdev(dev);

	return sysfs_emit(buf, "%u:%llu\n", sdev->id, sdev->lun);
}
static DEVICE_ATTR_RO(sdebug_lun);

static struct attribute *sdebug_dev_attrs[] = {
	&dev_attr_sdebug_lun.attr,
	NULL,
};
ATTRIBUTE_GROUPS(sdebug_dev);

static struct mq_scsi_host_template sdebug_template = {
	.module			= THIS_MODULE,
	.name			= "mq_scsi_debug",
	.queuecommand		= sdebug_queuecommand,
	.eh_abort_handler	= sdebug_abort,
	.eh_device_reset_handler = sdebug_device_reset,
	.eh_target_reset_handler = sdebug_target_reset,
	.eh_bus_reset_handler	= sdebug_bus_reset,
	.eh_host_reset_handler	= sdebug_host_reset,
	.eh_timed_out		= sdebug_timed_out,
	.sdev_init		= sdebug_sdev_init,
	.sdev_configure		= sdebug_sdev_configure,
	.sdev_destroy		= sdebug_sdev_destroy,
	.change_queue_depth	= sdebug_change_queue_depth,
	.ioctl			= sdebug_ioctl,
	.info			= sdebug_info,
	.proc_name		= "mq_scsi_debug",
	.shost_groups		= sdebug_host_groups,
	.sdev_groups		= sdebug_dev_groups,
	.sg_tablesize		= SDEBUG_SG_TABLESIZE,
	.max_sectors		= SDEBUG_MAX_SECTORS,
	.cmd_size		= sizeof(struct sdebug_cmd),
};

static void sdebug_free_lus(struct sdebug_host *h)
{
	int i;

	if (!h->lus)
		return;
	for (i = 0; i < sdebug_num_tgts * sdebug_max_luns; i++)
		vfree(h->lus[i].store);
	kfree(h->lus);
	h->lus = NULL;
}

/* hook_counts: how often each template hook was called */
static int sdebug_hook_counts_get(char *buf, const struct kernel_param *kp)
{
	static const char *const names[SDEBUG_HOOK_NR] = {
		"sdev_init", "sdev_configure", "sdev_destroy",
		"change_queue_depth", "eh_timed_out", "ioctl", "eh_bus_reset",
	};
	int i, n = 0;

	for (i = 0; i < SDEBUG_HOOK_NR; i++)
		n += sysfs_emit_at(buf, n, "%s%s %d", i ? " " : "", names[i],
				   atomic_read(&sdebug_hook_count[i]));
	return n + sysfs_emit_at(buf, n, "\n");
}

static const struct kernel_param_ops sdebug_hook_counts_ops = {
	.get = sdebug_hook_counts_get,
};
module_param_cb(hook_counts, &sdebug_hook_counts_ops, NULL, 0444);
MODULE_PARM_DESC(hook_counts, "calls of each template hook (read only)");

/* timed_out_resets: the next N timeouts get more time (eh_timed_out) */
static int sdebug_timed_out_set(const char *val, const struct kernel_param *kp)
{
	int n;

	if (kstrtoint(val, 0, &n) || n < 0 || n > 100) {
		pr_err("invalid value for timed_out_resets: expected 0..100\n");
		return -EINVAL;
	}
	atomic_set(&sdebug_timed_out_resets, n);
	return 0;
}

static int sdebug_timed_out_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&sdebug_timed_out_resets));
}

static const struct kernel_param_ops sdebug_timed_out_ops = {
	.set = sdebug_timed_out_set,
	.get = sdebug_timed_out_get,
};
module_param_cb(timed_out_resets, &sdebug_timed_out_ops, NULL, 0644);
MODULE_PARM_DESC(timed_out_resets, "the next N timeouts get more time from eh_timed_out (mq_scsi_debug only)");

/* block: 1 mq_scsi_block_requests(), 0 unblock (the host's dispatch) */

static int sdebug_block_set(const char *val, const struct kernel_param *kp)
{
	bool b;
	int ret = 0;

	if (kstrtobool(val, &b)) {
		pr_err("invalid value for block: expected 0 or 1\n");
		return -EINVAL;
	}
	mutex_lock(&sdebug_host_lock);
	if (!sdebug_host_live) {
		ret = -ENODEV;
	} else if (b != sdebug_blocked) {
		sdebug_blocked = b;
		if (b)
			mq_scsi_block_requests(sdebug_shost);
		else
			mq_scsi_unblock_requests(sdebug_shost);
	}
	mutex_unlock(&sdebug_host_lock);
	return ret;
}

static int sdebug_block_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(sdebug_blocked));
}

static const struct kernel_param_ops sdebug_block_ops = {
	.set = sdebug_block_set,
	.get = sdebug_block_get,
};
module_param_cb(block, &sdebug_block_ops, NULL, 0644);
MODULE_PARM_DESC(block, "1: block the host's requests, 0: unblock (mq_scsi_debug only)");

static int sdebug_param_timeouts_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&sdebug_timeouts));
}

static const struct kernel_param_ops sdebug_timeouts_ops = {
	.get = sdebug_param_timeouts_get,
};
module_param_cb(injected_timeouts, &sdebug_timeouts_ops, NULL, 0444);
MODULE_PARM_DESC(injected_timeouts, "commands swallowed so far (read only)");

static int sdebug_param_medium_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&sdebug_medium_errors));
}

static const struct kernel_param_ops sdebug_medium_ops = {
	.get = sdebug_param_medium_get,
};
module_param_cb(injected_medium_errors, &sdebug_medium_ops, NULL, 0444);
MODULE_PARM_DESC(injected_medium_errors, "MEDIUM ERRORs returned so far (read only)");

static int sdebug_param_tsf_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&sdebug_tsf_count));
}

static const struct kernel_param_ops sdebug_tsf_ops = {
	.get = sdebug_param_tsf_get,
};
module_param_cb(injected_tsf, &sdebug_tsf_ops, NULL, 0444);
MODULE_PARM_DESC(injected_tsf, "TASK SET FULL statuses returned so far (read only)");

/*
 * remove_host: writing 1 removes the host with its LUNs now, also with I/O
 * in flight and disks open (like scsi_debug's add_host=-1); the module
 * unloads later.  Writes before the host is up, or twice, get -ENODEV.
 */
static int sdebug_remove_host_set(const char *val,
				  const struct kernel_param *kp)
{
	bool v;

	if (kstrtobool(val, &v) || !v) {
		pr_err("invalid value for remove_host: only 1 is accepted\n");
		return -EINVAL;
	}
	mutex_lock(&sdebug_host_lock);
	if (!sdebug_host_live) {
		mutex_unlock(&sdebug_host_lock);
		pr_err("remove_host: no host to remove\n");
		return -ENODEV;
	}
	sdebug_host_live = false;
	if (sdebug_blocked)
		mq_scsi_unblock_requests(sdebug_shost);
	sdebug_blocked = false;
	mq_scsi_remove_host(sdebug_shost);
	mutex_unlock(&sdebug_host_lock);
	pr_info("host removed\n");
	return 0;
}

static int sdebug_remove_host_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", !READ_ONCE(sdebug_host_live));
}

static const struct kernel_param_ops sdebug_remove_host_ops = {
	.set = sdebug_remove_host_set,
	.get = sdebug_remove_host_get,
};
module_param_cb(remove_host, &sdebug_remove_host_ops, NULL, 0644);
MODULE_PARM_DESC(remove_host, "write 1: remove the host and its LUNs now (reads 1 once removed)");

static int __init sdebug_init(void)
{
	struct sdebug_host *h;
	int i, nr, ret;

	if (sdebug_submit_queues > nr_cpu_ids) {
		pr_info("submit_queues %d > %u CPUs, using %u\n",
			sdebug_submit_queues, nr_cpu_ids, nr_cpu_ids);
		sdebug_submit_queues = nr_cpu_ids;
	}
	if (sdebug_unmap_alignment &&
	    sdebug_unmap_granularity <= sdebug_unmap_alignment) {
		pr_err("invalid value for unmap_alignment: must be below unmap_granularity (%u)\n",
		       sdebug_unmap_granularity);
		return -EINVAL;
	}
	sdebug_template.can_queue = sdebug_max_queue;
	sdebug_template.cmd_per_lun = sdebug_max_queue;
	sdebug_template.nr_hw_queues = sdebug_submit_queues;
	sdebug_template.sg_tablesize = sdebug_sg_tablesize;

	sdebug_shost = mq_scsi_host_alloc(&sdebug_template, sizeof(*h));
	if (!sdebug_shost)
		return -ENOMEM;
	h = mq_scsi_host_priv(sdebug_shost);
	h->capacity = ((u64)sdebug_dev_size_mb << 20) / sdebug_sector_size;
	nr = sdebug_num_tgts * sdebug_max_luns;
	h->lus = kcalloc(nr, sizeof(*h->lus), GFP_KERNEL);
	if (!h->lus) {
		ret = -ENOMEM;
		goto err_put;
	}
	for (i = 0; i < nr; i++) {
		h->lus[i].store = vzalloc((size_t)sdebug_dev_size_mb << 20);
		if (!h->lus[i].store) {
			ret = -ENOMEM;
			goto err_free;
		}
		h->lus[i].ua_pending = true;
		spin_lock_init(&h->lus[i].pr_lock);
	}
	sdebug_shost->max_id = sdebug_num_tgts;
	sdebug_shost->max_lun = sdebug_max_luns;
	sdebug_shost->max_cmd_len = sdebug_max_cmd_len;
	ret = mq_scsi_add_host(sdebug_shost);
	if (ret)
		goto err_free;
	ret = mq_scsi_scan_host(sdebug_shost);
	if (ret) {
		mq_scsi_remove_host(sdebug_shost);
		goto err_free;
	}
	mutex_lock(&sdebug_host_lock);
	sdebug_host_live = true;
	mutex_unlock(&sdebug_host_lock);
	return 0;

err_free:
	sdebug_free_lus(h);
err_put:
	mq_scsi_host_put(sdebug_shost);
	return ret;
}

static void __exit sdebug_exit(void)
{
	struct sdebug_host *h = mq_scsi_host_priv(sdebug_shost);

	mutex_lock(&sdebug_host_lock);
	if (sdebug_blocked)
		mq_scsi_unblock_requests(sdebug_shost);
	sdebug_blocked = false;
	if (sdebug_host_live)
		mq_scsi_remove_host(sdebug_shost);
	sdebug_host_live = false;
	mutex_unlock(&sdebug_host_lock);
	sdebug_free_lus(h);
	mq_scsi_host_put(sdebug_shost);
}

module_init(sdebug_init);
module_exit(sdebug_exit);
MODULE_DESCRIPTION("mq_scsi_debug: RAM-backed SCSI target for mq_scsi");
MODULE_LICENSE("GPL");
