/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mq_core - a multi-queue block layer for bio-based disks, as a module.
 *
 * This header is the whole contract between mq_core and its drivers.
 * Nothing else in mq_core/ is meant to be included by a driver.
 *
 * A driver fills a &struct mq_tag_set, calls mq_alloc_tag_set(), creates
 * one &struct mq_queue per device with mq_alloc_queue() (which also
 * allocates the gendisk), sets the disk's limits and capacity and calls
 * mq_add_disk().  Bios submitted to the disk become &struct mq_request,
 * preallocated per tag with @cmd_size bytes of driver payload behind each.
 * The core calls @queue_rq for each request; the driver completes it with
 * mq_complete_request() (any context) or mq_end_request().
 *
 * Cache flushes reach a driver as they reach a blk-mq driver: the core
 * sequences %REQ_PREFLUSH and %REQ_FUA (mq_core/flush.c).  A driver sees
 * %REQ_OP_FLUSH requests (no data; the tag is borrowed from a request
 * waiting for the flush) and writes without %REQ_PREFLUSH; %REQ_FUA only
 * when its limits announce %MQ_LIM_FUA (otherwise the core sends a flush
 * after the write).  At most one flush per hardware queue is in flight;
 * flushes wanted meanwhile are merged into the next one.  A disk without
 * %MQ_LIM_WRITE_CACHE gets no flush at all.
 */
#ifndef _MQ_CORE_H
#define _MQ_CORE_H

#include <linux/bits.h>
#include <linux/cache.h>
#include <linux/blkdev.h>
#include <linux/bio.h>
#include <linux/list.h>
#include <linux/llist.h>
#include <linux/mutex.h>
#include <linux/percpu-refcount.h>
#include <linux/sbitmap.h>
#include <linux/scatterlist.h>
#include <linux/workqueue.h>
#include <linux/timer.h>
#include "mq_compat.h"

struct mq_tag_set;
struct mq_queue;
struct mq_hw_ctx;
struct mq_request;
struct mq_tags;
struct mq_hctx_stats;
struct mq_flush_queue;
struct hd_geometry;
struct pr_ops;

/**
 * enum mq_hctx_type - which CPU map a request is steered by
 * @MQ_HCTX_DEFAULT: everything not covered by another map
 * @MQ_HCTX_READ: reads, when the driver sets up a separate read map
 * @MQ_HCTX_POLL: %REQ_POLLED bios, completed only by polling
 * @MQ_HCTX_MAX_TYPES: number of map types
 */
enum mq_hctx_type {
	MQ_HCTX_DEFAULT,
	MQ_HCTX_READ,
	MQ_HCTX_POLL,
	MQ_HCTX_MAX_TYPES,
};

/**
 * struct mq_queue_map - CPU to hardware queue map of one type
 * @mq_map: hardware queue index per possible CPU (nr_cpu_ids entries)
 * @nr_queues: number of hardware queues this map spreads over
 * @queue_offset: index of the first hardware queue of this map
 */
struct mq_queue_map {
	unsigned int *mq_map;
	unsigned int nr_queues;
	unsigned int queue_offset;
};

/**
 * enum mq_eh_timer_return - what a driver's @timeout handler decided
 * @MQ_EH_DONE: the driver ended the request (mq_end_request()) or will do
 *	so itself; the core does nothing more.
 * @MQ_EH_RESET_TIMER: the request is still owned by the hardware; arm a
 *	new deadline.  A completion that raced with the handler is honoured.
 * @MQ_EH_RETRY: the driver took the request back from the hardware; the
 *	core requeues it and dispatches it again.
 */
enum mq_eh_timer_return {
	MQ_EH_DONE,
	MQ_EH_RESET_TIMER,
	MQ_EH_RETRY,
};

/**
 * struct mq_queue_data - arguments of &mq_ops.queue_rq
 * @rq: the request to issue
 * @last: no further request follows in this batch: ring the doorbell.  When
 *	false, the core guarantees a later call with @last true or a call of
 *	&mq_ops.commit_rqs.
 */
struct mq_queue_data {
	struct mq_request *rq;
	bool last;
};

/**
 * struct mq_comp_batch - completions gathered by one poll call
 * @list: the requests, linked through their @ipi_node
 * @nr: how many
 *
 * A driver's &mq_ops.poll adds each reaped request with
 * mq_add_to_batch(); the core ends them all at once afterwards, freeing
 * their tags in one batch.
 */
struct mq_comp_batch {
	struct llist_head list;
	unsigned int nr;
};

/**
 * struct mq_ops - what a driver provides
 *
 * @queue_rq: issue @bd->rq to the hardware.  Called with the request
 *	started (deadline armed, state in flight), in process or softirq
 *	context, never under a core lock; may sleep only with
 *	%MQ_F_BLOCKING.  Several CPUs may call it for the same hardware queue
 *	at once.  Returns %BLK_STS_OK when the hardware owns the request,
 *	%BLK_STS_RESOURCE / %BLK_STS_DEV_RESOURCE when it is full (the core
 *	keeps the request and reruns the queue when a request of this queue
 *	completes or, for %BLK_STS_RESOURCE, after a short delay), or any
 *	other status to fail the request.
 * @commit_rqs: ring the doorbell for requests issued with @last false,
 *	because the batch ended early.  Optional.
 * @get_budget: reserve a per-device slot (e.g. a SCSI LUN's queue depth)
 *	before a tag is used for @q; false means "no room now", the request
 *	waits on the dispatch list.  Optional, paired with @put_budget.
 * @put_budget: release a slot taken by @get_budget.
 * @complete: finish a request marked complete by mq_complete_request(),
 *	on the CPU chosen by rq_affinity.  Must end with mq_end_request().
 *	Optional: without it the core ends the request with the status set by
 *	mq_set_request_status() (default %BLK_STS_OK).
 * @timeout: the request passed its deadline.  Called from a work item
 *	(may sleep); the request can no longer be completed by
 *	mq_complete_request() until the handler returns.  Optional: without
 *	it the request ends with %BLK_STS_TIMEOUT.
 * @poll: reap completions of a poll hardware queue, in the caller's
 *	context (never sleeps); returns the number found.  Add each to @iob
 *	with mq_add_to_batch(), or complete it with mq_complete_request().
 * @init_hctx: set up driver state of hardware queue @idx, once per queue.
 * @exit_hctx: undo @init_hctx.
 * @init_request: set up the payload of a preallocated request, once per
 *	tag when the tag set (or its depth) is (re)allocated, and once for
 *	the flush request of each hardware queue of each queue (after
 *	@init_hctx; its tag is -1 until it is issued).
 * @exit_request: undo @init_request.
 * @map_queues: fill &mq_tag_set.map (e.g. from IRQ affinity).  Called
 *	with every map's @nr_queues and @queue_offset set.  Optional: the
 *	default spreads CPUs over queues by topology.
 * @show_rq: add driver details of a busy request to debugfs.  Optional.
 */
struct mq_ops {
	blk_status_t (*queue_rq)(struct mq_hw_ctx *hctx,
				 const struct mq_queue_data *bd);
	void (*commit_rqs)(struct mq_hw_ctx *hctx);
	bool (*get_budget)(struct mq_queue *q);
	void (*put_budget)(struct mq_queue *q);
	void (*complete)(struct mq_request *rq);
	enum mq_eh_timer_return (*timeout)(struct mq_request *rq);
	int (*poll)(struct mq_hw_ctx *hctx, struct mq_comp_batch *iob);
	int (*init_hctx)(struct mq_hw_ctx *hctx, void *driver_data,
			 unsigned int idx);
	void (*exit_hctx)(struct mq_hw_ctx *hctx, unsigned int idx);
	int (*init_request)(struct mq_tag_set *set, struct mq_request *rq,
			    unsigned int hctx_idx, unsigned int numa_node);
	void (*exit_request)(struct mq_tag_set *set, struct mq_request *rq,
			     unsigned int hctx_idx);
	void (*map_queues)(struct mq_tag_set *set);
	void (*show_rq)(struct seq_file *m, struct mq_request *rq);
};

/* &mq_tag_set.flags */
/* One tag space for all hardware queues (host-wide can_queue). */
#define MQ_F_TAG_HCTX_SHARED	BIT(0)
/* @queue_rq may sleep: dispatch only from process context. */
#define MQ_F_BLOCKING		BIT(1)
/* Do not merge bios held in a plug. */
#define MQ_F_NO_MERGE		BIT(2)
/* Set by the core while more than one queue uses the tag set. */
#define MQ_F_TAG_QUEUE_SHARED	BIT(8)

/**
 * struct mq_disk_ops - a driver's optional disk methods
 * @open: the disk is opened (%BLK_OPEN_* in @mode); an error fails the open
 * @release: the last opener closed it
 * @ioctl: an ioctl the block layer did not handle; -ENOTTY if unknown
 * @compat_ioctl: the same from a 32-bit process; -ENOIOCTLCMD if unknown
 * @getgeo: the disk's geometry (default: 64 heads, 32 sectors)
 * @pr_ops: persistent reservation methods
 *
 * The same signatures on every kernel (the newest kernel's): the core's own
 * &block_device_operations adapts them to the running kernel's.
 */
struct mq_disk_ops {
	int (*open)(struct gendisk *disk, blk_mode_t mode);
	void (*release)(struct gendisk *disk);
	int (*ioctl)(struct block_device *bdev, blk_mode_t mode,
		     unsigned int cmd, unsigned long arg);
	int (*compat_ioctl)(struct block_device *bdev, blk_mode_t mode,
			    unsigned int cmd, unsigned long arg);
	int (*getgeo)(struct gendisk *disk, struct hd_geometry *geo);
	const struct pr_ops *pr_ops;
};

/* &mq_limits.features */
/* Volatile write cache: the disk receives %REQ_OP_FLUSH requests. */
#define MQ_LIM_WRITE_CACHE	BIT(0)
/*
 * Forced unit access writes (only with %MQ_LIM_WRITE_CACHE): %REQ_FUA
 * reaches the driver; without it the core emulates FUA with a post-flush.
 */
#define MQ_LIM_FUA		BIT(1)
/* A rotational device (the default is non-rotational). */
#define MQ_LIM_ROTATIONAL	BIT(2)
/* I/O timings feed the entropy pool. */
#define MQ_LIM_ADD_RANDOM	BIT(3)

/**
 * struct mq_limits - a disk's limits and features, the same on every kernel
 * @logical_block_size: bytes, 512 .. PAGE_SIZE, power of two
 * @physical_block_size: bytes (at least @logical_block_size)
 * @io_min: preferred minimum I/O size in bytes
 * @io_opt: optimal I/O size in bytes (0: none)
 * @alignment_offset: bytes the first aligned block is offset by
 * @max_hw_sectors: largest request, 512-byte sectors
 * @max_segments: most data segments in a request
 * @max_segment_size: largest segment in bytes
 * @seg_boundary_mask: a segment must not cross this boundary
 * @virt_boundary_mask: 0, or the mask of a device that takes each request
 *	as one virtually contiguous range (NVMe PRPs, RDMA pages): every data
 *	segment but the first must start, and every one but the last must
 *	end, at a multiple of @virt_boundary_mask + 1.  The core splits bios
 *	and merges them only that way; the largest segment becomes unlimited.
 * @dma_alignment: mask a buffer's address and length must be aligned to
 * @max_discard_sectors: largest discard (0: no discard)
 * @max_discard_segments: ranges in one discard request
 * @discard_granularity: bytes
 * @discard_alignment: bytes
 * @max_write_zeroes_sectors: largest write-zeroes (0: none)
 * @max_secure_erase_sectors: largest secure erase (0: none)
 * @features: %MQ_LIM_*
 *
 * Read the current values with mq_get_limits(), change what the driver
 * knows and apply them with mq_set_limits().  On kernels with atomic limits
 * updates (queue_limits_commit_update) that is what is used; on older ones
 * the core applies them field by field with the queue frozen.
 */
struct mq_limits {
	unsigned int logical_block_size;
	unsigned int physical_block_size;
	unsigned int io_min;
	unsigned int io_opt;
	unsigned int alignment_offset;
	unsigned int max_hw_sectors;
	unsigned int max_segments;
	unsigned int max_segment_size;
	unsigned long seg_boundary_mask;
	unsigned long virt_boundary_mask;
	unsigned int dma_alignment;
	unsigned int max_discard_sectors;
	unsigned int max_discard_segments;
	unsigned int discard_granularity;
	unsigned int discard_alignment;
	unsigned int max_write_zeroes_sectors;
	unsigned int max_secure_erase_sectors;
	unsigned int features;
};

/**
 * struct mq_tag_set - tags and requests shared by one or more queues
 * @ops: the driver's operations
 * @nr_hw_queues: hardware queues, all map types together
 * @nr_maps: map types in use (1 to %MQ_HCTX_MAX_TYPES)
 * @map: the CPU maps; drivers set @nr_queues of each in use (default:
 *	@nr_hw_queues for %MQ_HCTX_DEFAULT), the core sets the offsets
 * @queue_depth: tags per hardware queue (per tag space)
 * @reserved_tags: of those, kept for mq_alloc_request(.., true)
 * @cmd_size: bytes of driver payload behind every request; DMA-safe, see
 *	mq_rq_to_pdu()
 * @numa_node: where to allocate, or %NUMA_NO_NODE
 * @timeout: request timeout in jiffies (0: 30 s)
 * @flags: %MQ_F_*
 * @driver_data: for the driver
 * @fops: optional extra disk methods (&struct mq_disk_ops); the core
 *	owns the gendisk's &block_device_operations and forwards to these.
 *	Must stay valid while the driver module is loaded (static const in
 *	the driver).
 *
 * Private to the core: everything below @fops.
 */
struct mq_tag_set {
	const struct mq_ops *ops;
	unsigned int nr_hw_queues;
	unsigned int nr_maps;
	struct mq_queue_map map[MQ_HCTX_MAX_TYPES];
	unsigned int queue_depth;
	unsigned int reserved_tags;
	unsigned int cmd_size;
	int numa_node;
	unsigned int timeout;
	unsigned int flags;
	void *driver_data;
	const struct mq_disk_ops *fops;

	/* private */
	struct module *owner;
	struct list_head all_node;
	struct mq_tags **tags;
	unsigned int nr_tags;
	struct mutex lock;	/* geometry, maps and the queue list */
	struct list_head queues;
	unsigned int nr_queues_using;
};

/**
 * struct mq_hw_ctx - one hardware queue of one &struct mq_queue
 * @queue: the queue it belongs to
 * @queue_num: its index
 * @type: the map type it serves
 * @driver_data: set by &mq_ops.init_hctx
 * @cpumask: possible CPUs mapped to it (may be empty)
 * @tags: its tag space (shared with other hctxs/queues when sharing)
 *
 * Everything below @tags is private to the core.
 */
struct mq_hw_ctx {
	struct mq_queue *queue;
	unsigned int queue_num;
	enum mq_hctx_type type;
	void *driver_data;
	cpumask_var_t cpumask;
	struct mq_tags *tags;

	/* private: dispatch state, touched by submitters of mapped CPUs */
	unsigned long state ____cacheline_aligned_in_smp;
	spinlock_t lock;	/* the dispatch list */
	struct list_head dispatch;
	struct delayed_work run_work;
	atomic_t nr_active;
	unsigned int numa_node;

	struct mq_hctx_stats __percpu *stats;
	atomic_t wait_index;
	struct kobject *kobj;
	struct dentry *debugfs_dir;
	struct mq_flush_queue *fq;
};

/**
 * struct mq_request - one I/O, preallocated per tag
 * @q: the queue it belongs to
 * @hctx: the hardware queue it is issued on
 * @tag: its tag in @hctx's tag space, or -1
 * @cmd_flags: operation and flags (&blk_opf_t of its bios)
 * @sector: first sector
 * @nr_bytes: bytes left to transfer
 * @nr_phys_segments: data segments (single-page bvecs) of all its bios;
 *	an upper bound of the entries mq_rq_map_sg() fills (a huge page
 *	counts once per page, so this may exceed the queue's max_segments)
 * @bio: first bio, or NULL for a request without data
 * @biotail: last bio
 * @end_io: for requests from mq_alloc_request(): called when it ends
 * @end_io_data: for @end_io
 * @timeout: its timeout in jiffies (0: the tag set's)
 * @queuelist: for the driver while it owns the request; the core uses it
 *	for its dispatch lists
 *
 * The driver payload (&mq_tag_set.cmd_size bytes) follows the structure;
 * see mq_rq_to_pdu().  Fields under "private" belong to the core.
 */
struct mq_request {
	struct mq_queue *q;
	struct mq_hw_ctx *hctx;
	int tag;
	blk_opf_t cmd_flags;
	sector_t sector;
	unsigned int nr_bytes;
	unsigned int nr_phys_segments;
	struct bio *bio;
	struct bio *biotail;
	void (*end_io)(struct mq_request *rq, blk_status_t status);
	void *end_io_data;
	unsigned int timeout;
	struct list_head queuelist;

	/* private */
	int state;
	atomic_t ref;
	int mq_cpu;
	blk_status_t status;
	bool is_flush;
	unsigned int rq_flags;
	unsigned int flush_seq;
	struct list_head flush_node;
	unsigned long deadline;
	u64 io_start_ns;
	struct block_device *part;
	unsigned int acct_sectors;
	struct llist_node ipi_node;
} __aligned(ARCH_DMA_MINALIGN) ____cacheline_aligned;

/**
 * MQ_PDU_ALIGN - alignment of the driver payload behind each request
 *
 * The larger of the architecture's DMA alignment (%ARCH_DMA_MINALIGN) and
 * a cache line.  &struct mq_request is aligned and padded to it, and every
 * request with its payload is rounded up to it, so the payload never
 * shares a cache line with the core's fields or with another request.
 */
#define MQ_PDU_ALIGN	__alignof__(struct mq_request)

/**
 * struct mq_queue - one device: a gendisk and its hardware queues
 * @disk: the gendisk (bio-based); the driver sets limits, capacity, name
 *	and fops-private data (@queuedata) before mq_add_disk()
 * @tag_set: the tag set it uses
 * @queuedata: for the driver
 * @nr_hw_queues: hardware queues (== tag set's)
 * @hctxs: the hardware queues
 *
 * Everything below @hctxs is private to the core.
 */
struct mq_queue {
	struct gendisk *disk;
	struct mq_tag_set *tag_set;
	void *queuedata;
	unsigned int nr_hw_queues;
	struct mq_hw_ctx **hctxs;

	/* private */
	struct percpu_ref usage;
	unsigned long flags;
	struct mq_ctx __percpu *ctx;
	unsigned int rq_affinity;
	unsigned int nr_requests;
	wait_queue_head_t freeze_wq;
	struct mutex freeze_lock;	/* freeze and quiesce depths */
	unsigned int timeout;
	int freeze_depth;	/* under freeze_lock, with quiesce_depth */
	int quiesce_depth;
	struct srcu_struct *srcu;
	struct timer_list timeout_timer;
	struct work_struct timeout_work;
	struct list_head set_node;
	struct module *owner;
	const struct mq_disk_ops *drv_fops;
	struct kobject *mq_kobj;
	struct bin_attribute queue_attrs[3];	/* our queue/ files */
	int io_poll_delay;
	struct dentry *debugfs_dir;
	atomic_t nr_active;
	spinlock_t requeue_lock;	/* protects requeue_list */
	struct list_head requeue_list;	/* delayed requeues */
	struct delayed_work requeue_work;
};

/**
 * mq_disk_queue - the queue behind one of our gendisks
 * @disk: a disk created by mq_alloc_queue()
 *
 * Return: the &struct mq_queue; its @queuedata is the driver's.
 */
static inline struct mq_queue *mq_disk_queue(struct gendisk *disk)
{
	return disk->private_data;
}

/**
 * mq_rq_to_pdu - the driver payload behind a request
 * @rq: the request
 *
 * The payload (&mq_tag_set.cmd_size bytes, zeroed when allocated) lives in
 * memory from the page allocator, never vmalloc memory, starts on a
 * %MQ_PDU_ALIGN boundary and shares no cache line with the core's fields
 * or with another request.  A driver may therefore DMA-map it, or a part
 * of it (a command, a sense buffer), with dma_map_single() and the like.
 * Parts the device writes (%DMA_FROM_DEVICE) must not share a cache line
 * with fields the CPU writes while the mapping is live: put them at the
 * start of the payload, or align them to %MQ_PDU_ALIGN inside it.  The
 * payload of the flush request of each hardware queue is allocated the
 * same way.
 *
 * Return: pointer to the payload.
 */
static inline void *mq_rq_to_pdu(struct mq_request *rq)
{
	return rq + 1;
}

/**
 * mq_rq_from_pdu - the request in front of a driver payload
 * @pdu: pointer returned by mq_rq_to_pdu()
 *
 * Return: the request.
 */
static inline struct mq_request *mq_rq_from_pdu(void *pdu)
{
	return pdu - sizeof(struct mq_request);
}

/**
 * mq_rq_op - the operation of a request
 * @rq: the request
 *
 * Return: %REQ_OP_READ, %REQ_OP_WRITE, %REQ_OP_FLUSH, %REQ_OP_DISCARD, ...
 */
static inline enum req_op mq_rq_op(const struct mq_request *rq)
{
	return rq->cmd_flags & REQ_OP_MASK;
}

/**
 * mq_rq_pos - first sector of a request
 * @rq: the request
 *
 * Return: the sector, in 512-byte units.
 */
static inline sector_t mq_rq_pos(const struct mq_request *rq)
{
	return rq->sector;
}

/**
 * mq_rq_bytes - bytes a request still has to transfer
 * @rq: the request
 *
 * Return: the byte count.
 */
static inline unsigned int mq_rq_bytes(const struct mq_request *rq)
{
	return rq->nr_bytes;
}

/**
 * mq_rq_is_poll - whether a request was issued on a poll queue
 * @rq: the request
 *
 * Return: true if only &mq_ops.poll will ever see its completion.
 */
static inline bool mq_rq_is_poll(const struct mq_request *rq)
{
	return rq->hctx->type == MQ_HCTX_POLL;
}

/**
 * mq_rq_steal_bios - take the bios of a request, to issue them again later
 * @rq: the request, owned by the driver (not in the hardware: e.g. taken
 *	off a ring whose device went away and will come back)
 * @list: where the bios go, appended in order
 *
 * Afterwards @rq has no bio and no data left (@nr_bytes and
 * @nr_phys_segments are 0), so ending it (mq_end_request(), or
 * mq_complete_request() with any status) ends no bio: it only closes the
 * request's I/O accounting and gives back its tag and queue reference.
 * The bios keep their state (sector, remaining size, %BIO_REMAPPED) and
 * are resubmitted as they are, e.g. with submit_bio_noacct() once the
 * device is back; they are accounted again then.  A polled bio's cookie
 * is stale until it is resubmitted.
 *
 * Context: any.
 */
static inline void mq_rq_steal_bios(struct mq_request *rq,
				    struct bio_list *list)
{
	if (rq->bio) {
		if (list->tail)
			list->tail->bi_next = rq->bio;
		else
			list->head = rq->bio;
		list->tail = rq->biotail;
		list->tail->bi_next = NULL;
	}
	rq->bio = NULL;
	rq->biotail = NULL;
	rq->nr_bytes = 0;
	rq->nr_phys_segments = 0;
}

/**
 * mq_rq_for_each_segment - walk every data segment of a request
 * @bvec: a &struct bio_vec, set to each segment
 * @rq: the request
 * @iter: a &struct bvec_iter; @iter.bi_sector is the segment's sector
 */
#define mq_rq_for_each_segment(bvec, rq, iter)				\
	for (struct bio *__mq_bio = (rq)->bio; __mq_bio;		\
	     __mq_bio = __mq_bio->bi_next)				\
		bio_for_each_segment(bvec, __mq_bio, iter)

/* tag sets */
int __mq_alloc_tag_set(struct mq_tag_set *set, struct module *owner);
/**
 * mq_alloc_tag_set - allocate the tags and requests of a tag set
 * @set: filled by the driver; see &struct mq_tag_set
 *
 * The calling module becomes the owner of every disk of this set: it
 * cannot be unloaded while one of them is open.
 *
 * Context: process context, may sleep.
 * Return: 0 or a negative errno.
 */
#define mq_alloc_tag_set(set) __mq_alloc_tag_set(set, THIS_MODULE)
void mq_free_tag_set(struct mq_tag_set *set);
int mq_update_tag_set(struct mq_tag_set *set, unsigned int nr_hw_queues,
		      unsigned int queue_depth);
int mq_set_nr_requests(struct mq_queue *q, unsigned int nr);
int mq_update_tag_set_maps(struct mq_tag_set *set,
			   const unsigned int *nr_queues,
			   unsigned int queue_depth);
void mq_map_queues(struct mq_queue_map *map);
void mq_map_queues_mask(struct mq_queue_map *map, const struct cpumask *mask);
void mq_map_queues_by_affinity(struct mq_queue_map *map,
			       const struct cpumask *(*get_affinity)(void *data,
								     unsigned int q),
			       void *data);
struct mq_request *mq_tag_to_rq(struct mq_tags *tags, unsigned int tag);
void mq_tagset_busy_iter(struct mq_tag_set *set,
			 bool (*fn)(struct mq_request *rq, void *data),
			 void *data);

/* queues and disks */
struct mq_queue *mq_alloc_queue(struct mq_tag_set *set, void *queuedata);
int mq_add_disk(struct mq_queue *q);
int mq_add_disk_parent(struct mq_queue *q, struct device *parent);
int mq_add_disk_groups(struct mq_queue *q, struct device *parent,
		       const struct attribute_group **groups);
void mq_remove_disk(struct mq_queue *q);
void mq_free_queue(struct mq_queue *q);
void mq_set_poll(struct mq_queue *q, bool enable);
void mq_get_limits(struct mq_queue *q, struct mq_limits *lim);
int mq_set_limits(struct mq_queue *q, const struct mq_limits *lim);
int mq_set_queue_timeout(struct mq_queue *q, unsigned int timeout);
unsigned int mq_queue_timeout(struct mq_queue *q);

/* freeze and quiesce */
void mq_freeze_queue(struct mq_queue *q);
void mq_unfreeze_queue(struct mq_queue *q);
void mq_quiesce_queue(struct mq_queue *q);
void mq_unquiesce_queue(struct mq_queue *q);
void mq_mark_dying(struct mq_queue *q);

/* hardware queue control */
void mq_stop_hw_queue(struct mq_hw_ctx *hctx);
void mq_start_hw_queue(struct mq_hw_ctx *hctx);
void mq_stop_hw_queues(struct mq_queue *q);
void mq_start_stopped_hw_queues(struct mq_queue *q, bool async);
void mq_run_hw_queue(struct mq_hw_ctx *hctx, bool async);
void mq_run_hw_queues(struct mq_queue *q, bool async);
void mq_delay_run_hw_queue(struct mq_hw_ctx *hctx, unsigned long msecs);
bool mq_hw_queue_stopped(struct mq_hw_ctx *hctx);

/* request life cycle */
bool mq_complete_request(struct mq_request *rq);
void mq_set_request_status(struct mq_request *rq, blk_status_t status);
void mq_end_request(struct mq_request *rq, blk_status_t status);
bool mq_update_request(struct mq_request *rq, blk_status_t status,
		       unsigned int nr_bytes);
void mq_requeue_request(struct mq_request *rq, bool kick);
void mq_requeue_request_after(struct mq_request *rq, unsigned int msecs);
bool mq_rq_is_requeued(const struct mq_request *rq);
void mq_add_to_batch(struct mq_request *rq, struct mq_comp_batch *iob);
bool mq_request_started(struct mq_request *rq);
int mq_rq_map_sg(struct mq_request *rq, struct scatterlist *sgl,
		 unsigned int max_segs);

/* requests without a bio from the block layer (passthrough, internal) */
struct mq_request *mq_alloc_request(struct mq_queue *q, blk_opf_t opf,
				    bool reserved, bool nowait);
void mq_free_request(struct mq_request *rq);
void mq_execute_rq_nowait(struct mq_request *rq);
bool mq_flush_steal_bios(struct mq_request *flush_rq, struct bio_list *list);
blk_status_t mq_execute_rq(struct mq_request *rq);

#endif /* _MQ_CORE_H */
