/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mq_compat.h - one kernel API for the whole suite, on every kernel of the
 * matrix (Debian 12's 6.1, Debian 13's 6.12, unstable's 7.x).
 *
 * What differs between kernels is decided here, and only here, from the
 * HAVE_* answers of the build-time probes (mq_core/compat/probes/, run by
 * scripts/compat-probe into mq_compat_config.h): the suite is written
 * against the newest API, and this header supplies it on older kernels.
 * LINUX_VERSION_CODE is not used: distributions backport APIs.
 *
 * Differences too large for a macro (disk limits and features, virtqueue
 * discovery) are mq_core API instead: mq_set_limits(), mq_find_vqs().
 */
#ifndef _MQ_COMPAT_H
#define _MQ_COMPAT_H

#include <linux/blkdev.h>
#include <linux/hrtimer.h>
#include <linux/timer.h>
#include <linux/workqueue.h>
#include "mq_compat_config.h"

/* 6.5: open/release/ioctl take a gendisk or blk_mode_t, not fmode_t. */
#ifndef HAVE_BLK_MODE_T
#define blk_mode_t		fmode_t
#define BLK_OPEN_READ		FMODE_READ
#define BLK_OPEN_WRITE		FMODE_WRITE
#define BLK_OPEN_EXCL		FMODE_EXCL
#define BLK_OPEN_NDELAY		FMODE_NDELAY
#endif

/* 6.5: a reservation conflict has its own name. */
#ifndef HAVE_BLK_STS_RESV_CONFLICT
#define BLK_STS_RESV_CONFLICT	BLK_STS_NEXUS
#endif

/*
 * 6.17: a workqueue is per-CPU only when it says WQ_PERCPU (the default is
 * to become unbound; until then a workqueue without either flag warns).
 */
#ifndef HAVE_WQ_PERCPU
#define WQ_PERCPU		0
#endif

/* 6.16: from_timer() became timer_container_of(). */
#ifndef HAVE_TIMER_CONTAINER_OF
#define timer_container_of(var, callback_timer, timer_fieldname) \
	from_timer(var, callback_timer, timer_fieldname)
#endif

/* 6.13: hrtimer_setup() sets the callback with the clock and mode. */
#ifndef HAVE_HRTIMER_SETUP
static inline void
hrtimer_setup(struct hrtimer *timer,
	      enum hrtimer_restart (*function)(struct hrtimer *),
	      clockid_t clock_id, enum hrtimer_mode mode)
{
	hrtimer_init(timer, clock_id, mode);
	timer->function = function;
}
#endif

/* 6.12: <asm/unaligned.h> moved to <linux/unaligned.h>. */
#ifdef HAVE_LINUX_UNALIGNED_H
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/* 6.11: QUEUE_FLAG_{NOWAIT,IO_STAT,POLL,...} became BLK_FEAT_* limits. */
#ifdef HAVE_BLK_FEATURES
static inline bool mq_compat_queue_poll(struct request_queue *kq)
{
	return kq->limits.features & BLK_FEAT_POLL;
}
#else
static inline bool mq_compat_queue_poll(struct request_queue *kq)
{
	return test_bit(QUEUE_FLAG_POLL, &kq->queue_flags);
}
#endif

/* 6.9: the queue/ directory moved from request_queue.kobj to the gendisk. */
static inline struct kobject *mq_compat_queue_kobj(struct gendisk *disk)
{
#ifdef HAVE_GENDISK_QUEUE_KOBJ
	return &disk->queue_kobj;
#else
	return &disk->queue->kobj;
#endif
}

/* 6.16: bin_attribute read/write take a const attribute. */
#ifdef HAVE_BIN_ATTR_CONST_RW
#define MQ_BIN_ATTR_CONST	const
#else
#define MQ_BIN_ATTR_CONST
#endif

/*
 * Before 6.6 the kernel has hybrid polling, and its queue/io_poll_delay
 * refuses bio-based queues: mq_core then supplies its own file.
 */
#ifdef HAVE_QUEUE_POLL_NSEC
#define MQ_COMPAT_OWN_IO_POLL_DELAY	1
#else
#define MQ_COMPAT_OWN_IO_POLL_DELAY	0
#endif

#endif /* _MQ_COMPAT_H */
