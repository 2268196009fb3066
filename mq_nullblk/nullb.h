/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mq_nullblk - private definitions shared by the driver's objects.
 */
#ifndef _MQ_NULLB_H
#define _MQ_NULLB_H

#include <linux/atomic.h>
#include <linux/blkdev.h>
#include <linux/configfs.h>
#include <linux/cpumask.h>
#include <linux/hrtimer.h>
#include <linux/list.h>
#include <linux/log2.h>
#include <linux/mutex.h>
#include <linux/nodemask.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/xarray.h>

#include "mq_core.h"

/* Completion modes (irqmode). */
enum {
	NULLB_IRQ_NONE		= 0,
	NULLB_IRQ_SOFTIRQ	= 1,
	NULLB_IRQ_TIMER		= 2,
};

/*
 * null_blk's queue modes.  Every device runs as NULLB_Q_MQ (mq_core); the
 * other two are accepted with a log line.
 */
#define NULLB_Q_BIO		0
#define NULLB_Q_RQ		1
#define NULLB_Q_MQ		2

/* Accepted ranges of the device parameters. */
#define NULLB_MIN_BS		SECTOR_SIZE
#define NULLB_MAX_BS		SZ_4K
#define NULLB_MAX_DEPTH		10240U
#define NULLB_MAX_COMPLETION_NSEC (3600ULL * NSEC_PER_SEC)
#define NULLB_MIN_MAX_SECTORS	(PAGE_SIZE >> SECTOR_SHIFT)
#define NULLB_MAX_MAX_SECTORS	(UINT_MAX >> SECTOR_SHIFT)
#define NULLB_MAX_SIZE_MB	(MAX_LFS_FILESIZE >> 20)
#define NULLB_MAX_MBPS		(40U * 1024)
#define NULLB_MAX_DEVICES	1024U

/* Request timeout of every tag set, as null_blk. */
#define NULLB_TIMEOUT		(5 * HZ)

/**
 * struct nullb_device - configuration (and data) of one device
 * @item: configfs item, for devices made with mkdir
 * @list: on nullb_devices, under nullb_lock
 * @nullb: the disk while powered on, else NULL (under nullb_lock)
 * @pages: memory backing store: byte offset >> PAGE_SHIFT -> page.  Kept
 *	across power cycles, freed with the device.
 * @name: disk name, mqnullb<index>
 * @index: from nullb_indexes, for the device's whole life
 * @configfs: made with mkdir (else from module parameters)
 * @dropped: rmdir'ed: may no longer be powered on (under nullb_lock)
 *
 * The remaining fields are the parameters of null_blk with the same names.
 * They are written under nullb_lock and only while @nullb is NULL, except
 * @submit_queues, @poll_queues and @hw_queue_depth which may change while
 * powered on (mq_update_tag_set()).
 */
struct nullb_device {
	struct config_item item;
	struct list_head list;
	struct nullb *nullb;
	struct xarray pages;
	char name[DISK_NAME_LEN];
	int index;
	bool configfs;
	bool dropped;

	unsigned long size;		/* MiB */
	unsigned long completion_nsec;
	unsigned long cache_size;	/* MiB, accepted but not emulated */
	unsigned int submit_queues;
	unsigned int poll_queues;
	unsigned int hw_queue_depth;
	unsigned int queue_mode;
	unsigned int blocksize;
	unsigned int max_sectors;
	unsigned int irqmode;
	unsigned int mbps;
	int home_node;
	bool power;
	bool blocking;
	bool memory_backed;
	bool discard;
	bool use_per_node_hctx;
	bool no_sched;
	bool shared_tags;
	bool shared_tag_bitmap;
	bool virt_boundary;
	bool zoned;			/* always false: refused */
	unsigned long zone_size;	/* zone_*: kept, no zoned devices */
	unsigned long zone_capacity;
	unsigned int zone_nr_conv;
	unsigned int zone_max_open;
	unsigned int zone_max_active;
	unsigned int zone_append_max_sectors;
	bool zone_full;
	bool fua;			/* FUA with the write cache (6.12) */
	bool rotational;		/* 7.x */
};

/**
 * struct nullb - one powered-on disk
 * @dev: its configuration
 * @q: its mq_core queue (and gendisk)
 * @tag_set: @__tag_set, or the module-wide shared tag set
 * @pages: &dev->pages
 * @completion: completion delay for irqmode 2
 * @gfp: allocation flags of the I/O path
 * @irqmode: copy of the device's
 * @memory_backed: copy of the device's
 * @blocking: copy of the device's
 * @mbps: bandwidth limit, 0 for none
 * @unthrottled: set on removal: stop enforcing @mbps
 * @virt_boundary: copy of the device's: a page-sized virtual boundary,
 *	checked on every request
 * @cur_bytes: bytes left in the current bandwidth tick
 * @bw_timer: refills @cur_bytes every tick
 * @timeouts_injected: requests swallowed by the timeout fault
 * @requeues_injected: requests requeued by the requeue fault
 * @virt_gaps: requests failed for a gap across the virtual boundary
 * @dbg: debugfs directory
 * @hctx_existing: during a change of the queues, how many hardware queues
 *	existed before it (0 otherwise): the init_hctx fault spares those
 * @__tag_set: own tag set, unless shared_tags
 */
struct nullb {
	struct nullb_device *dev;
	struct mq_queue *q;
	struct mq_tag_set *tag_set;
	struct xarray *pages;
	ktime_t completion;
	gfp_t gfp;
	unsigned int irqmode;
	bool memory_backed;
	bool blocking;
	unsigned int mbps;
	bool unthrottled;
	bool virt_boundary;

	atomic_long_t cur_bytes ____cacheline_aligned_in_smp;
	struct hrtimer bw_timer;

	atomic_long_t timeouts_injected ____cacheline_aligned_in_smp;
	atomic_long_t requeues_injected;
	atomic_long_t virt_gaps;
	struct dentry *dbg;
	unsigned int hctx_existing;

	struct mq_tag_set __tag_set;
};

/**
 * struct nullb_queue - driver state of one hardware queue
 * @nullb: the disk
 * @poll_lock: protects @poll_list and &nullb_cmd.on_poll_list
 * @poll_list: requests of a poll queue waiting to be reaped
 * @requeue_selection: alternates the two requeue injection paths
 * @timer_lock: protects @timer_list and &nullb_cmd.on_timer_list
 * @timer_list: irqmode 2 requests in order of their due time
 * @timer: fires at the head's due time and completes every request due
 *
 * One completion timer per hardware queue rather than one per request:
 * with a fixed completion_nsec, due times are in submission order, so a
 * FIFO suffices and one expiry completes a whole batch.
 */
struct nullb_queue {
	struct nullb *nullb;
	spinlock_t poll_lock;	/* protects poll_list and on_poll_list */
	struct list_head poll_list;
	unsigned int requeue_selection;
	spinlock_t timer_lock;	/* protects timer_list and on_timer_list */
	struct list_head timer_list;
	struct hrtimer timer;
};

/**
 * struct nullb_cmd - driver payload of every request
 * @due: when it completes (irqmode 2)
 * @error: the status it completes with
 * @fake_timeout: swallowed by the timeout fault: only the timeout handler
 *	ends it
 * @on_poll_list: queued on &nullb_queue.poll_list
 * @on_timer_list: queued on &nullb_queue.timer_list
 */
struct nullb_cmd {
	ktime_t due;
	blk_status_t error;
	bool fake_timeout;
	bool on_poll_list;
	bool on_timer_list;
};

/**
 * struct nullb_fault - a fault injection point ("<interval>,<probability>,
 * <space>,<times>", like the kernel's fault_attr)
 * @name: module parameter name, for messages
 * @str: the string last set, shown by the parameter
 * @enabled: injection is configured (release/acquire against the rest)
 * @interval: inject at most on every @interval-th call (0 and 1: any call)
 * @probability: percent of the eligible calls that fail
 * @space: calls left to spare before any injection (fault_attr's space)
 * @times: injections left, -1 for no limit
 * @count: calls seen, for @interval
 */
struct nullb_fault {
	const char *name;
	char str[80];
	bool enabled;
	unsigned int interval;
	unsigned int probability;
	atomic_t space;
	atomic_t times;
	atomic_t count;
};

/* main.c */
extern struct mutex nullb_lock;

struct nullb_device *nullb_alloc_dev(const char *cfs_name);
void nullb_free_dev(struct nullb_device *dev);
int nullb_add_dev(struct nullb_device *dev);
void nullb_del_dev(struct nullb_device *dev);
int nullb_update_queues(struct nullb_device *dev, unsigned int submit_queues,
			unsigned int poll_queues, unsigned int hw_queue_depth);

/* configfs.c */
int nullb_configfs_init(void);
void nullb_configfs_exit(void);

/* fault.c */
extern struct nullb_fault nullb_timeout_fault;
extern struct nullb_fault nullb_requeue_fault;
extern struct nullb_fault nullb_init_hctx_fault;

bool __nullb_should_fail(struct nullb_fault *f);

/**
 * nullb_should_fail - decide whether to inject a fault now
 * @f: the injection point
 *
 * Return: true if the caller should inject the fault.
 */
static inline bool nullb_should_fail(struct nullb_fault *f)
{
	/* Pairs with smp_store_release() in fault.c: settings are visible. */
	if (likely(!smp_load_acquire(&f->enabled)))
		return false;
	return __nullb_should_fail(f);
}

/* memory.c */
blk_status_t nullb_mem_rw(struct nullb *nullb, struct mq_request *rq);
void nullb_mem_zero(struct nullb *nullb, struct mq_request *rq);
void nullb_mem_free(struct nullb_device *dev);

/* Validity of the parameters, shared by module parameters and configfs. */
static inline bool nullb_valid_bs(unsigned long bs)
{
	return bs >= NULLB_MIN_BS && bs <= NULLB_MAX_BS && is_power_of_2(bs);
}

static inline bool nullb_valid_home_node(long node)
{
	return node == NUMA_NO_NODE ||
	       (node >= 0 && node < nr_node_ids && node_online(node));
}

static inline bool nullb_valid_max_sectors(unsigned long max_sectors)
{
	return !max_sectors || (max_sectors >= NULLB_MIN_MAX_SECTORS &&
				max_sectors <= NULLB_MAX_MAX_SECTORS);
}

#endif /* _MQ_NULLB_H */
