/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mq_virtio_blk - virtio-blk on the mq_core multi-queue layer: private
 * definitions shared by its files.  The module exports nothing.
 */
#ifndef _MQ_VIRTIO_BLK_H
#define _MQ_VIRTIO_BLK_H

#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/virtio.h>
#include <linux/virtio_blk.h>
#include <linux/workqueue.h>

#include "../mq_core/mq_core.h"

#define MQVB_VQ_NAME_LEN	16
/* Disks are mqvda, mqvdb, ...: 16 minors each, like vda. */
#define MQVB_PART_BITS		4
/* Per-request scatterlist, preallocated: caps max_segments. */
#define MQVB_MAX_SG		128

/* Per-virtqueue counters, written under the virtqueue's lock. */
struct mqvb_vq_stats {
	unsigned long reads;
	unsigned long writes;
	unsigned long flushes;
	unsigned long discards;
	unsigned long write_zeroes;
	unsigned long get_ids;
	unsigned long ring_full;
	unsigned long errors;
};

/**
 * struct mqvb_vq - one request virtqueue, backing one hardware queue
 * @vq: the virtqueue
 * @lock: serialises adding to and reaping from @vq
 * @poll: no interrupt: completions are only reaped by &mq_ops.poll
 * @used: a poll queue's used ring (split rings only, else NULL), read
 *	without @lock to see whether there is anything to reap
 * @reaped: used entries taken from a poll queue so far, modulo 2^16: the
 *	driver's side of @used->idx (written under @lock)
 * @stats: counters (under @lock)
 * @name: virtqueue name
 */
struct mqvb_vq {
	struct virtqueue *vq;
	spinlock_t lock;	/* the ring: add, reap, kick */
	bool poll;
	u16 reaped;
	const struct vring_used *used;
	struct mqvb_vq_stats stats;
	char name[MQVB_VQ_NAME_LEN];
} ____cacheline_aligned_in_smp;

/**
 * struct mqvb_dev - one virtio-blk device
 * @vdev: the virtio device
 * @set: its tag set (one hardware queue per request virtqueue)
 * @q: its queue and gendisk
 * @config_work: handles a configuration change (capacity, cache mode)
 * @cfg_lock: serialises writes to the device configuration
 * @index: disk index (name and minors)
 * @nr_vqs: request virtqueues, interrupt-driven ones first
 * @nr_poll: of those, poll virtqueues (at the end)
 * @sg_elems: data segments per request (max_segments)
 * @vqs: the virtqueues
 * @dbg: debugfs directory
 */
struct mqvb_dev {
	struct virtio_device *vdev;
	struct mq_tag_set set;
	struct mq_queue *q;
	struct work_struct config_work;
	struct mutex cfg_lock;	/* wce writes */
	int index;
	unsigned int nr_vqs;
	unsigned int nr_poll;
	unsigned int sg_elems;
	struct mqvb_vq *vqs;
	struct dentry *dbg;
};

/*
 * What the device reads and writes besides the data.  Allocated once per
 * request with kmalloc (the request payload itself may be vmalloc memory,
 * which cannot go into a scatterlist by address).
 */
struct mqvb_dma {
	struct virtio_blk_outhdr hdr;
	struct virtio_blk_discard_write_zeroes range;
	u8 id[VIRTIO_BLK_ID_BYTES];
	u8 status;
};

/* Phases of one request, issued lowest bit first. */
#define MQVB_PH_PREFLUSH	BIT(0)
#define MQVB_PH_DATA		BIT(1)
#define MQVB_PH_POSTFLUSH	BIT(2)

/**
 * struct mqvb_req - the payload behind every request
 * @dma: header, discard range, id buffer and status byte
 * @phases: %MQVB_PH_* still to issue; the lowest is in the ring
 * @cont: requeued between phases: do not prepare it again
 * @nents: data scatterlist entries
 * @sg: @sg_elems entries
 */
struct mqvb_req {
	struct mqvb_dma *dma;
	u8 phases;
	bool cont;
	unsigned int nents;
	struct scatterlist sg[];
};

int mqvb_get_id(struct mqvb_dev *vb, char *buf);
int mqvb_update_cache_mode(struct mqvb_dev *vb);
extern const struct attribute_group *mqvb_attr_groups[];

#endif /* _MQ_VIRTIO_BLK_H */
