/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mq_scsi - a scsi-mq style initiator layer on mq_core.
 *
 * This header is the whole contract between mq_scsi and its low-level
 * drivers (LLDs).  An LLD fills a &struct mq_scsi_host_template, allocates
 * a host with mq_scsi_host_alloc(), adds and scans it with
 * mq_scsi_add_host() and mq_scsi_scan_host(), and completes every command
 * handed to its @queuecommand with mq_scsi_done().  Removal is
 * mq_scsi_remove_host() then mq_scsi_host_put().
 *
 * Every command carries its CDB, sense buffer and scatterlist inline; the
 * LLD's own per-command data (@cmd_size bytes) follows it and is reached
 * with mq_scsi_cmd_priv().  Nothing is allocated per I/O.
 */
#ifndef _MQ_SCSI_H
#define _MQ_SCSI_H

#include <linux/device.h>
#include <linux/dma-direction.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/percpu-refcount.h>
#include <linux/scatterlist.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <scsi/scsi_proto.h>
#include <scsi/scsi_status.h>

#include "mq_core.h"

/* Longest CDB carried (variable-length CDBs up to 32 bytes). */
#define MQ_SCSI_MAX_CDB		32
/* Sense bytes kept per command (like SCSI_SENSE_BUFFERSIZE). */
#define MQ_SCSI_SENSE_SIZE	96
/* Scatterlist entries preallocated inline per command (the first chunk). */
#define MQ_SCSI_SG_CHUNK	128
/* Upper bound of &mq_scsi_host_template.sg_tablesize (chained beyond). */
#define MQ_SCSI_MAX_SG		2048

/**
 * mq_scsi_host_byte - the host byte (``DID_*``) of a command result
 * @result: &mq_scsi_cmnd.result
 */
#define mq_scsi_host_byte(result)	(((result) >> 16) & 0xff)

/* Return values of the error handlers. */
#define MQ_SCSI_EH_SUCCESS	0x2002
#define MQ_SCSI_EH_FAILED	0x2003

/* Returns of &mq_scsi_host_template.eh_timed_out. */
enum mq_scsi_timeout_action {
	MQ_SCSI_EH_NOT_HANDLED,		/* run the error handlers */
	MQ_SCSI_EH_RESET_TIMER,		/* give the command more time */
	MQ_SCSI_EH_DONE,		/* the LLD completed it */
};

/* Busy returns of &mq_scsi_host_template.queuecommand. */
#define MQ_SCSI_MLQUEUE_HOST_BUSY	0x1055
#define MQ_SCSI_MLQUEUE_DEVICE_BUSY	0x1056

struct mq_scsi_host;
struct mq_scsi_device;
struct mq_scsi_stats;

/**
 * struct mq_scsi_cmnd - one SCSI command, preallocated per tag
 * @sdev: the logical unit it is addressed to
 * @cmnd: the CDB
 * @cmd_len: valid bytes of @cmnd (6..&mq_scsi_host.max_cmd_len)
 * @sc_data_direction: %DMA_TO_DEVICE, %DMA_FROM_DEVICE or %DMA_NONE
 * @sgl: data buffer; @sg_count entries (chained beyond
 *	%MQ_SCSI_SG_CHUNK: walk it with sg_next()), @transfer_len bytes in all
 * @sg_count: entries of @sgl in use (0 without data)
 * @transfer_len: bytes to transfer
 * @result: set by the LLD before mq_scsi_done(): (host byte << 16) | SAM
 *	status byte, i.e. ``DID_OK << 16 | SAM_STAT_GOOD`` on success
 * @resid: set by the LLD: bytes of @transfer_len not transferred
 * @sense_buffer: %MQ_SCSI_SENSE_SIZE bytes of sense data, valid with
 *	%SAM_STAT_CHECK_CONDITION; kmalloc()ed, so the LLD may DMA-map it
 * @hwq: hardware queue the command was issued on
 * @tag: its tag (unique within @hwq, or host-wide with a shared tag space)
 *
 * The LLD owns the command from its @queuecommand until it calls
 * mq_scsi_done(), or until an error handler returned
 * %MQ_SCSI_EH_SUCCESS for it.  Fields below @tag are private to mq_scsi.
 */
struct mq_scsi_cmnd {
	struct mq_scsi_device *sdev;
	u8 cmnd[MQ_SCSI_MAX_CDB];
	unsigned short cmd_len;
	enum dma_data_direction sc_data_direction;
	struct scatterlist *sgl;
	unsigned int sg_count;
	unsigned int transfer_len;
	int result;
	unsigned int resid;
	u8 *sense_buffer;
	u16 hwq;
	int tag;

	/* private: */
	struct scatterlist *sg_first;	/* the inline chunk */
	struct sg_table sgt;		/* chained beyond the inline chunk */
	unsigned int flags;
	unsigned int retries;
	unsigned long start;		/* jiffies at first issue */
	void *buf;
	unsigned int buflen;
	u8 *param;			/* UNMAP parameter list (DMA-able) */
};

/**
 * struct mq_scsi_host_template - what an LLD provides
 * @module: the LLD module (THIS_MODULE); pinned while a disk is open
 * @name: driver name, for logs and sysfs
 * @queuecommand: issue @cmd.  Called with the command fully set up, in
 *	process or softirq context (must not sleep).  Returns 0 when the LLD
 *	owns the command (and will call mq_scsi_done() once, from any
 *	context, possibly before returning), or %MQ_SCSI_MLQUEUE_HOST_BUSY /
 *	%MQ_SCSI_MLQUEUE_DEVICE_BUSY to have it retried later.
 * @commit_rqs: optional; a batch of commands queued on hardware queue
 *	@hwq ended early: ring the doorbell
 * @eh_abort_handler: a command timed out: abort it.  May sleep.  Return
 *	%MQ_SCSI_EH_SUCCESS when the LLD no longer owns @cmd (it must not call
 *	mq_scsi_done() for it any more), else %MQ_SCSI_EH_FAILED.
 * @eh_device_reset_handler: abort failed: reset @cmd's logical unit.  On
 *	success the LLD has given up @cmd and completed every other command
 *	of that unit (with e.g. ``DID_RESET << 16``).  May sleep.
 * @eh_target_reset_handler: device reset failed: reset @cmd's target
 *	(every logical unit behind its id); on success as above for every
 *	command of that target.  Optional.  May sleep.
 * @eh_bus_reset_handler: target reset failed: reset @cmd's channel (bus);
 *	on success as above for every command on that channel.  Optional.
 *	May sleep.
 * @eh_host_reset_handler: reset the whole host; on success as above for
 *	every command of the host.  May sleep.
 * @eh_timed_out: optional; first look at a timed-out @cmd, before any
 *	error handler: %MQ_SCSI_EH_RESET_TIMER gives it another timeout,
 *	%MQ_SCSI_EH_DONE means the LLD completed it (or will),
 *	%MQ_SCSI_EH_NOT_HANDLED runs the handlers.  Must not sleep.
 * @sdev_init: optional; a logical unit is being probed (before its
 *	INQUIRY); set @sdev->hostdata here.  0 or a negative errno (then
 *	the unit is skipped).  (``slave_alloc`` in Linux 6.1.)
 * @sdev_configure: optional; the unit answered INQUIRY and is about to be
 *	added: change its queue depth etc.  0 or a negative errno.
 *	(``slave_configure``.)
 * @sdev_destroy: optional; the unit is gone (or was never added): free
 *	what @sdev_init set up.  (``slave_destroy``.)
 * @change_queue_depth: optional; sysfs ``queue_depth`` was written: apply
 *	it (usually with mq_scsi_change_queue_depth()) and return the new
 *	depth; without it the depth is set directly.
 * @ioctl: optional; ioctls on the unit's disk and sg node that mq_scsi
 *	does not handle itself.  -ENOTTY for unknown ones.
 * @info: optional; one line describing the host (sysfs ``info``)
 * @proc_name: optional; the driver's name in sysfs ``proc_name``
 *	(default @name)
 * @shost_groups: optional; extra sysfs attribute groups of the host's
 *	device (use mq_scsi_class_to_shost() in their callbacks)
 * @sdev_groups: optional; extra sysfs attribute groups of each logical
 *	unit's device (use mq_scsi_to_sdev())
 * @can_queue: commands in flight per host (all hardware queues together)
 * @cmd_per_lun: default queue depth of each logical unit
 * @sg_tablesize: scatterlist entries per command (at most
 *	%MQ_SCSI_MAX_SG; beyond %MQ_SCSI_SG_CHUNK the list is chained, the
 *	rest allocated per command from the kernel's SG pool)
 * @this_id: the initiator's own target id, skipped by the scan (0 or -1:
 *	none; an initiator at id 0 sets &mq_scsi_host.this_id instead)
 * @dma_boundary: a data segment must not cross this boundary (mask; 0:
 *	no boundary, i.e. %ULONG_MAX)
 * @max_segment_size: largest data segment in bytes (0: no limit beyond the
 *	block layer's default, 64 KiB)
 * @virt_boundary_mask: 0, or the virtual boundary of an HBA that takes
 *	each command's data as one virtually contiguous range (see
 *	&mq_limits.virt_boundary_mask; a power of two minus one, at least
 *	511); it overrides @max_segment_size
 * @max_sectors: largest transfer in 512-byte sectors
 * @cmd_size: bytes of LLD private data per command, see
 *	mq_scsi_cmd_priv()
 * @nr_hw_queues: hardware submission queues (at least 1)
 * @map_queues: optional; fill @map (the default map of the host's tag
 *	set, @map->nr_queues set) with the CPU -> hardware queue map, e.g.
 *	from the queues' IRQ affinity with mq_map_queues_by_affinity();
 *	without it CPUs are spread evenly
 */
struct mq_scsi_host_template {
	struct module *module;
	const char *name;
	int (*queuecommand)(struct mq_scsi_host *shost,
			    struct mq_scsi_cmnd *cmd);
	void (*commit_rqs)(struct mq_scsi_host *shost, u16 hwq);
	int (*eh_abort_handler)(struct mq_scsi_cmnd *cmd);
	int (*eh_device_reset_handler)(struct mq_scsi_cmnd *cmd);
	int (*eh_target_reset_handler)(struct mq_scsi_cmnd *cmd);
	int (*eh_bus_reset_handler)(struct mq_scsi_cmnd *cmd);
	int (*eh_host_reset_handler)(struct mq_scsi_cmnd *cmd);
	enum mq_scsi_timeout_action (*eh_timed_out)(struct mq_scsi_cmnd *cmd);
	int (*sdev_init)(struct mq_scsi_device *sdev);
	int (*sdev_configure)(struct mq_scsi_device *sdev);
	void (*sdev_destroy)(struct mq_scsi_device *sdev);
	int (*change_queue_depth)(struct mq_scsi_device *sdev, int depth);
	int (*ioctl)(struct mq_scsi_device *sdev, unsigned int cmd,
		     void __user *arg);
	const char *(*info)(struct mq_scsi_host *shost);
	const char *proc_name;
	const struct attribute_group **shost_groups;
	const struct attribute_group **sdev_groups;
	int this_id;
	unsigned long dma_boundary;
	unsigned int max_segment_size;
	unsigned long virt_boundary_mask;
	int can_queue;			/* int and short as the midlayer's */
	short cmd_per_lun;
	unsigned int sg_tablesize;
	unsigned int max_sectors;
	unsigned int cmd_size;
	unsigned int nr_hw_queues;
	void (*map_queues)(struct mq_scsi_host *shost,
			   struct mq_queue_map *map);
};

/**
 * enum mq_scsi_host_state - life cycle of a host
 * @MQ_SHOST_CREATED: allocated, not added
 * @MQ_SHOST_RUNNING: added, accepting commands
 * @MQ_SHOST_REMOVING: mq_scsi_remove_host() is tearing it down
 */
enum mq_scsi_host_state {
	MQ_SHOST_CREATED,
	MQ_SHOST_RUNNING,
	MQ_SHOST_REMOVING,
};

/**
 * struct mq_scsi_host - one initiator port (HBA)
 * @hostt: the LLD's template
 * @host_no: unique host number
 * @max_channel: channels (buses) scanned are 0..@max_channel (default 0)
 * @max_id: targets scanned are 0..@max_id-1 (set by the LLD before
 *	mq_scsi_add_host(); default 8)
 * @max_lun: logical units probed per target without REPORT LUNS are
 *	0..@max_lun-1 (at most 512 of them), and larger LUNs reported are
 *	ignored (default 8); the LLD must be able to address every LUN below
 *	it
 * @max_cmd_len: longest CDB the LLD takes (default 16, at most
 *	%MQ_SCSI_MAX_CDB); longer SG_IO commands are refused
 * @this_id: from the template; may be changed before the scan
 * @can_queue: from the template, may be lowered before mq_scsi_add_host()
 * @cmd_per_lun: from the template
 * @nr_hw_queues: from the template, may be changed before
 *	mq_scsi_add_host()
 * @dev: the host's device (``/sys/class/mq_scsi_host/mqhost<N>``)
 * @dma_dev: the device data is DMA-mapped for (mq_scsi_dma_map()); set by
 *	mq_scsi_add_host_dev()
 * @host_lock: for the LLD (e.g. MQ_DEF_SCSI_QCMD()); mq_scsi does not
 *	take it
 * @hostdata: LLD private data (size given to mq_scsi_host_alloc())
 *
 * Everything between @dev and @hostdata is private to mq_scsi.
 */
struct mq_scsi_host {
	const struct mq_scsi_host_template *hostt;
	unsigned int host_no;
	unsigned int max_channel;
	unsigned int max_id;
	u64 max_lun;
	unsigned int max_cmd_len;
	int this_id;
	unsigned int can_queue;
	unsigned int cmd_per_lun;
	unsigned int nr_hw_queues;
	struct device dev;
	struct device *dma_dev;
	spinlock_t host_lock;		/* for the LLD, see above */

	/* private: */
	enum mq_scsi_host_state state;
	atomic_t blocked;		/* mq_scsi_block_requests() */
	atomic_t inject_timeout;	/* debugfs: drop N completions */
	unsigned int inject_eh_fail;	/* debugfs: EH steps taken as failed */
	struct dentry *debugfs_dir;
	struct mq_tag_set tag_set;
	struct mutex scan_mutex;	/* scanning, adding, removing LUNs */
	struct list_head devices;	/* under scan_mutex */
	/* public: */
	unsigned long hostdata[] __aligned(sizeof(unsigned long));
};

/**
 * enum mq_scsi_dev_state - life cycle of a logical unit
 * @MQ_SDEV_CREATED: being probed
 * @MQ_SDEV_RUNNING: accepting commands
 * @MQ_SDEV_OFFLINE: error handling gave up; commands fail
 * @MQ_SDEV_CANCEL: being removed; commands in flight still complete
 * @MQ_SDEV_DEL: removed; commands fail
 */
enum mq_scsi_dev_state {
	MQ_SDEV_CREATED,
	MQ_SDEV_RUNNING,
	MQ_SDEV_OFFLINE,
	MQ_SDEV_CANCEL,
	MQ_SDEV_DEL,
};

/**
 * struct mq_scsi_device - one logical unit
 * @host: its host
 * @channel: channel (bus) number
 * @id: target number
 * @lun: logical unit number
 * @hostdata: for the LLD
 * @dev: its device (``/sys/class/mq_scsi_device/H:C:T:L``), for logs
 * @tagged_supported: INQUIRY says it queues commands (CmdQue)
 *
 * Everything below @tagged_supported is private to mq_scsi.
 */
struct mq_scsi_device {
	struct mq_scsi_host *host;
	unsigned int channel;
	unsigned int id;
	u64 lun;
	void *hostdata;
	struct device dev;
	bool tagged_supported;

	/* private: */
	struct list_head siblings;
	struct mq_queue *q;
	enum mq_scsi_dev_state state;
	struct percpu_ref usage;	/* commands and ioctls; killed at removal */
	struct completion usage_done;
	atomic_t budget;		/* commands holding a queue slot */
	unsigned int queue_depth;
	int index;			/* disk name index, or -1 */
	u8 type;
	char vendor[9], model[17], rev[5];
	u8 *vpd_pg80, *vpd_pg83;
	u32 sector_size;
	u32 phys_block_size;
	u64 capacity;			/* in @sector_size blocks */
	u32 max_xfer_blocks;		/* from VPD B0, 0: none */
	bool use_16;			/* READ CAPACITY 16 worked */
	bool wce, fua, rcd;
	struct mq_scsi_sg *sg;		/* sg node, sg.c */
	bool disk_added;
	/* logical block provisioning: READ CAPACITY 16, VPD B0 and B2 */
	bool lbpme, lbprz, lbpvpd, lbpu, lbpws, lbpws10;
	u8 lbp_mode;			/* how discards are sent */
	u32 max_unmap_blocks;
	u32 unmap_granularity;
	u32 unmap_alignment;		/* valid with @unmap_alignment_valid */
	bool unmap_alignment_valid;
	u32 max_ws_blocks;		/* WRITE SAME limit, 0: none */
	/* queue depth flow control (TASK SET FULL) */
	unsigned int max_queue_depth;	/* what the depth ramps back up to */
	unsigned long last_queue_full;	/* jiffies */
	unsigned long last_ramp_up;	/* jiffies */
	unsigned long ramp_up_period;	/* jiffies */
	struct mq_scsi_stats __percpu *stats;
	struct dentry *debugfs_dir;
};

/**
 * mq_scsi_cmd_priv - the LLD private data of a command
 * @cmd: the command
 *
 * Return: &mq_scsi_host_template.cmd_size bytes, 16-byte aligned.
 */
void *mq_scsi_cmd_priv(struct mq_scsi_cmnd *cmd);

/**
 * mq_scsi_host_priv - the LLD private data of a host
 * @shost: the host
 *
 * Return: the bytes asked for in mq_scsi_host_alloc().
 */
static inline void *mq_scsi_host_priv(struct mq_scsi_host *shost)
{
	return shost->hostdata;
}

/**
 * mq_scsi_class_to_shost - the host of a host device (sysfs callbacks)
 * @dev: &mq_scsi_host.dev
 */
static inline struct mq_scsi_host *mq_scsi_class_to_shost(struct device *dev)
{
	return container_of(dev, struct mq_scsi_host, dev);
}

/**
 * mq_scsi_to_sdev - the logical unit of a unit's device (sysfs callbacks)
 * @dev: &mq_scsi_device.dev
 */
static inline struct mq_scsi_device *mq_scsi_to_sdev(struct device *dev)
{
	return container_of(dev, struct mq_scsi_device, dev);
}

/**
 * mq_scsi_host_alloc - allocate a host for an LLD
 * @t: the LLD's template (must stay valid while the host exists)
 * @privsize: bytes of LLD data, see mq_scsi_host_priv()
 *
 * Context: process context.
 * Return: the host (release with mq_scsi_host_put()) or NULL.
 */
struct mq_scsi_host *mq_scsi_host_alloc(const struct mq_scsi_host_template *t,
					int privsize);

/**
 * mq_scsi_add_host - make a host live (no scan yet)
 * @shost: from mq_scsi_host_alloc(), with @max_id, @max_lun, @can_queue
 *	and @nr_hw_queues final
 *
 * Context: process context, may sleep.
 * Return: 0 or a negative errno (then just mq_scsi_host_put()).
 */
int mq_scsi_add_host(struct mq_scsi_host *shost);

/**
 * mq_scsi_add_host_dev - mq_scsi_add_host() under a parent device
 * @shost: as for mq_scsi_add_host()
 * @dev: the parent (the HBA's PCI device), also used for DMA mapping
 *	(&mq_scsi_host.dma_dev); NULL for a virtual host
 *
 * Context: process context, may sleep.
 * Return: 0 or a negative errno.
 */
int mq_scsi_add_host_dev(struct mq_scsi_host *shost, struct device *dev);

/**
 * mq_scsi_scan_host - find the host's logical units and add their disks
 * @shost: an added host
 *
 * REPORT LUNS per target (sequential LUNs when it is not supported),
 * INQUIRY with VPD pages, READ CAPACITY; direct-access LUNs become disks
 * named ``mqsd<letters>``.  LUNs already known are kept.
 *
 * Context: process context, sleeps.
 * Return: 0 or a negative errno.
 */
int mq_scsi_scan_host(struct mq_scsi_host *shost);

/**
 * mq_scsi_remove_lun - remove one logical unit the target reported gone
 * @shost: the host
 * @id: target id
 * @lun: logical unit number
 *
 * Like writing 1 to the unit's sysfs ``delete``: its disk goes, I/O in
 * flight ends (the LLD still completes or fails it), later I/O fails.
 *
 * Context: process context, sleeps.
 * Return: 0, or -ENODEV if no such unit (or the host is going away).
 */
int mq_scsi_remove_lun(struct mq_scsi_host *shost, unsigned int id, u64 lun);

/**
 * mq_scsi_remove_host - remove every logical unit and stop the host
 * @shost: an added host
 *
 * Disks go away with I/O possibly in flight: the LLD must keep
 * completing commands (or let them time out) until this returns.
 *
 * Context: process context, sleeps.
 */
void mq_scsi_remove_host(struct mq_scsi_host *shost);

/**
 * mq_scsi_host_put - drop the reference from mq_scsi_host_alloc()
 * @shost: the host, removed or never added
 *
 * Context: process context.
 */
void mq_scsi_host_put(struct mq_scsi_host *shost);

/**
 * mq_scsi_done - the LLD finished a command
 * @cmd: a command the LLD owns, with @result (and @resid, sense) set
 *
 * Each command handed to &mq_scsi_host_template.queuecommand is completed
 * exactly once, unless an error handler took it back.  A completion
 * racing with the timeout handling is ignored if the handler wins.
 *
 * Context: any (hardirq, softirq, timer, process, inside queuecommand).
 */
void mq_scsi_done(struct mq_scsi_cmnd *cmd);

/**
 * mq_scsi_host_busy_iter - call @fn for every started command of a host
 * @shost: the host
 * @fn: called with each command; return false to stop
 * @data: for @fn
 *
 * Used by reset handlers to find the commands they must complete.
 *
 * Context: process context.
 */
void mq_scsi_host_busy_iter(struct mq_scsi_host *shost,
			    bool (*fn)(struct mq_scsi_cmnd *cmd, void *data),
			    void *data);

/**
 * mq_scsi_host_get - take a reference on a host that is still running
 * @shost: the host
 *
 * Return: @shost, or NULL once its removal started.
 */
struct mq_scsi_host *mq_scsi_host_get(struct mq_scsi_host *shost);

/**
 * mq_scsi_add_device - probe and add one logical unit
 * @shost: a running host
 * @channel: channel
 * @id: target id
 * @lun: logical unit number
 *
 * Like the midlayer's scsi_add_device(): nothing happens when the unit is
 * already known.
 *
 * Context: process context, sleeps.
 * Return: 0, -ENODEV if nothing answered there, or a negative errno.
 */
int mq_scsi_add_device(struct mq_scsi_host *shost, unsigned int channel,
		       unsigned int id, u64 lun);

/**
 * mq_scsi_scan_target - scan one target (REPORT LUNS or sequential LUNs)
 * @shost: a running host
 * @channel: channel
 * @id: target id
 *
 * Context: process context, sleeps.
 * Return: 0 or -ENODEV when the host is going away.
 */
int mq_scsi_scan_target(struct mq_scsi_host *shost, unsigned int channel,
			unsigned int id);

/**
 * mq_scsi_device_lookup - find a logical unit and hold it
 * @shost: the host
 * @channel: channel
 * @id: target id
 * @lun: logical unit number
 *
 * Context: process context.
 * Return: the unit (release with mq_scsi_device_release()) or NULL.
 */
struct mq_scsi_device *mq_scsi_device_lookup(struct mq_scsi_host *shost,
					     unsigned int channel,
					     unsigned int id, u64 lun);

/**
 * mq_scsi_device_release - drop a reference from mq_scsi_device_lookup()
 * @sdev: the unit
 */
void mq_scsi_device_release(struct mq_scsi_device *sdev);

/**
 * mq_scsi_remove_sdev - remove a logical unit (the midlayer's
 * scsi_remove_device())
 * @sdev: the unit, held by the caller; nothing happens if it is gone
 *
 * Context: process context, sleeps.
 */
void mq_scsi_remove_sdev(struct mq_scsi_device *sdev);

/**
 * mq_scsi_change_queue_depth - set a logical unit's queue depth
 * @sdev: the unit
 * @depth: new depth, clamped to 1..&mq_scsi_host.can_queue
 *
 * Context: any.
 * Return: the depth now in force.
 */
int mq_scsi_change_queue_depth(struct mq_scsi_device *sdev, int depth);

/**
 * mq_scsi_block_requests - stop handing commands to the LLD
 * @shost: the host
 *
 * Commands in flight are not affected; new ones wait until
 * mq_scsi_unblock_requests().  Calls nest.
 *
 * Context: any.
 */
void mq_scsi_block_requests(struct mq_scsi_host *shost);

/**
 * mq_scsi_unblock_requests - undo one mq_scsi_block_requests()
 * @shost: the host
 *
 * Context: process context (restarts the queues).
 */
void mq_scsi_unblock_requests(struct mq_scsi_host *shost);

/**
 * mq_scsi_dma_map - DMA-map a command's data for &mq_scsi_host.dma_dev
 * @cmd: the command
 *
 * Return: mapped entries (0 without data), or -ENOMEM.
 */
int mq_scsi_dma_map(struct mq_scsi_cmnd *cmd);

/**
 * mq_scsi_dma_unmap - undo mq_scsi_dma_map()
 * @cmd: the command
 */
void mq_scsi_dma_unmap(struct mq_scsi_cmnd *cmd);

#endif /* _MQ_SCSI_H */
