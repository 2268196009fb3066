/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mq_xenfront - private declarations shared by the files of the Xen PV
 * block frontend on mq_core.  Not a public header.
 */
#ifndef _MQ_XENFRONT_H
#define _MQ_XENFRONT_H

#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <xen/grant_table.h>
#include <xen/xenbus.h>
#include <xen/interface/io/blkif.h>

#include "../mq_core/mq_core.h"
#include "../mq_core/mq_compat_xen.h"

/* Ring pages: 2^XENBUS_MAX_RING_GRANT_ORDER at most. */
#define XF_MAX_RING_ORDER	XENBUS_MAX_RING_GRANT_ORDER
#define XF_MAX_RING_PAGES	BIT(XF_MAX_RING_ORDER)
/* Indirect segments per request: what xen-blkback accepts at most. */
#define XF_MAX_INDIRECT_SEGS	256U
#define XF_SEGS_PER_IND_PAGE	(XEN_PAGE_SIZE / sizeof(struct blkif_request_segment))
#define XF_IND_PAGES(segs)	DIV_ROUND_UP(segs, XF_SEGS_PER_IND_PAGE)
/* Grant references kept per ring (a pool claimed without the global lock). */
#define XF_GREFS_PER_RING	2048U

/*
 * enum xenbus_state values (xen/interface/io/xenbus.h, a stable ABI) under
 * kernel-style names.
 */
#define XF_XB_INITIALISING	1
#define XF_XB_INITWAIT		2
#define XF_XB_INITIALISED	3
#define XF_XB_CONNECTED		4
#define XF_XB_CLOSING		5
#define XF_XB_CLOSED		6

/* Module parameters (validated when set, read-only afterwards). */
extern bool xf_feature_persistent;
extern bool xf_trusted;
extern unsigned int xf_max_queues;
extern unsigned int xf_max_indirect_segments;
extern unsigned int xf_max_ring_page_order;

/* Where a request is in its sequence of ring requests. */
enum xf_phase {
	XF_PH_DATA,		/* the data (or the only) request */
	XF_PH_PREFLUSH,		/* a cache flush before the data */
	XF_PH_POSTFLUSH,	/* a cache flush after the data (FUA) */
};

/**
 * struct xf_req - driver payload behind every mq_request
 * @phase: which ring request of the sequence is with the backend
 * @post_flush: a flush follows the data (FUA emulated with flush-cache)
 * @rsp_op: the operation the response to the ring request of @phase must
 *	carry (an indirect request's is its indirect_op, as blkback answers)
 * @req_slot: the ring index that ring request was put at: no response
 *	produced before it was put can answer it
 * @nr_grefs: grant references held, in @grefs
 * @nr_ind: how many of them (the last) grant indirect pages
 * @stranded: the backend kept a grant of it mapped: its bios were taken
 *	off it and will never end (see xf_strand())
 * @data: the data request, built at dispatch, issued after a preflush
 * @grefs: data grants, then indirect page grants
 */
struct xf_req {
	enum xf_phase phase;
	bool post_flush;
	u8 rsp_op;
	bool stranded;
	RING_IDX req_slot;
	unsigned int nr_grefs;
	unsigned int nr_ind;
	struct blkif_request data;
	grant_ref_t grefs[];
};

struct xf_info;

/**
 * struct xf_pgnt - a persistent grant: a page of the ring's, granted once
 * @ref: its grant reference (writable by the backend)
 * @page: the page
 */
struct xf_pgnt {
	grant_ref_t ref;
	struct page *page;
};

/**
 * struct xf_ring - one shared ring with its event channel: one hw queue
 * @lock: the ring, @rqs, @inflight, the grant pool, @dead
 * @front: the front ring
 * @pushed: requests published to the backend (@front's req_prod, kept
 *	where the backend cannot write it)
 * @info: the device
 * @hctx: its hardware queue
 * @idx: ring number
 * @irq: bound to @evtchn, or 0
 * @evtchn: event channel, or 0
 * @ring_refs: grants of the ring pages
 * @gref_head: this ring's pool of grant references
 * @free_grefs: references in @gref_head
 * @have_pool: @gref_head was allocated
 * @rqs: request of each ring id (the request's tag), NULL when free
 * @inflight: requests owned by the backend
 * @ind_pages: indirect descriptor pages, @info->ind_pages per tag
 * @pgnts: persistent grants, @info->grefs_per_rq per tag (data pages,
 *	then indirect pages); NULL without feature-persistent
 * @dead: the backend is gone or going: fail new requests
 * @broken: the backend broke the protocol on this ring (or another of
 *	the device): responses are not read any more, requests fail
 * @name: IRQ name
 */
struct xf_ring {
	spinlock_t lock;	/* see above */
	struct blkif_front_ring front;
	RING_IDX pushed;
	struct xf_info *info;
	struct mq_hw_ctx *hctx;
	unsigned int idx;
	int irq;
	evtchn_port_t evtchn;
	grant_ref_t ring_refs[XF_MAX_RING_PAGES];
	grant_ref_t gref_head;
	unsigned int free_grefs;
	bool have_pool;
	struct mq_request **rqs;
	unsigned int inflight;
	struct page **ind_pages;
	struct xf_pgnt *pgnts;
	bool dead;
	bool broken;
	char name[DISK_NAME_LEN + 12];
};

/**
 * struct xf_info - one virtual block device
 * @xbdev: its xenbus device
 * @lock: serialises negotiation, connect, close and remove
 * @handle: the vdevice number (request handle)
 * @name: the disk name
 * @index: name index (xvd<index>)
 * @nr_rings: rings in use
 * @ring_order: ring page order in use
 * @rings: the rings
 * @depth: requests per ring (the ring size)
 * @max_segs: data segments per request
 * @ind_pages: indirect pages per request (0: no indirect descriptors)
 * @grefs_per_rq: @max_segs + @ind_pages
 * @feature_flush: backend has feature-flush-cache
 * @feature_discard: backend has feature-discard
 * @feature_secdiscard: backend has discard-secure
 * @persistent_offered: feature-persistent as written to xenstore
 * @untrusted: the backend is not trusted (module parameter trusted=0, or
 *	the device's xenstore node "trusted" is 0): see @bounce
 * @feature_persistent: persistent grants (both ends offer them)
 * @bounce: data is copied through per-request pages of the ring's own,
 *	granted once when the disk connects (persistent grants, or an
 *	untrusted backend whatever it offers); without it the bio pages
 *	themselves are granted per I/O
 * @set: the tag set
 * @q: the queue and disk, once connected
 * @connected: the disk is live
 * @broken: the backend broke the protocol (a response that answers no
 *	request of ours, or in a way we never asked): every ring of the
 *	device stops taking responses and requests until it is renegotiated.
 *	Set under a ring's lock, read without one.
 * @recovering: restored from a save with the disk live: reconnecting,
 *	the bios of its requests wait on @parked
 * @parking: the hardware queues have no usable ring (read without a
 *	lock by &mq_ops.queue_rq): requests park their bios on @parked, or
 *	fail with @park_fail
 * @park_fail: reconnecting failed: requests fail instead of parking
 * @park_lock: @parked, @park_fail, @stranded, @nr_stranded
 * @parked: bios taken from requests to be issued again once reconnected
 * @stranded: bios whose pages the backend kept mapped after their
 *	request was over: never ended, so the pages are never reused
 * @nr_stranded: requests whose bios went to @stranded
 * @resumes: reconnections after a restore that completed
 * @debugfs_dir: its debugfs directory
 */
struct xf_info {
	struct xenbus_device *xbdev;
	struct mutex lock;	/* see above */
	unsigned int handle;
	char name[DISK_NAME_LEN];
	int index;
	unsigned int nr_rings;
	unsigned int ring_order;
	struct xf_ring *rings;
	unsigned int depth;
	unsigned int max_segs;
	unsigned int ind_pages;
	unsigned int grefs_per_rq;
	bool feature_flush;
	bool feature_discard;
	bool feature_secdiscard;
	bool persistent_offered;
	bool untrusted;
	bool feature_persistent;
	bool bounce;
	struct mq_tag_set set;
	struct mq_queue *q;
	bool connected;
	bool broken;
	bool recovering;
	bool parking;
	bool park_fail;
	spinlock_t park_lock;	/* see above */
	struct bio_list parked;
	struct bio_list stranded;
	unsigned int nr_stranded;
	unsigned int resumes;
	struct dentry *debugfs_dir;
};

/* ring.c */
extern const struct mq_ops xf_mq_ops;
int xf_ring_setup(struct xf_info *info, struct xf_ring *ring);
int xf_ring_alloc_io(struct xf_info *info, struct xf_ring *ring);
void xf_ring_free(struct xf_info *info, struct xf_ring *ring);
void xf_ring_kill(struct xf_ring *ring);
void xf_ring_set_affinity(struct xf_ring *ring);
unsigned int xf_ring_fail_inflight(struct xf_ring *ring);
unsigned int xf_ring_park_inflight(struct xf_ring *ring);
void xf_bind_hctxs(struct xf_info *info);
void xf_unbind_hctxs(struct xf_info *info);

/* debugfs.c */
void xf_debugfs_add(struct xf_info *info);
void xf_debugfs_remove(struct xf_info *info);
void xf_debugfs_init(void);
void xf_debugfs_exit(void);

#endif /* _MQ_XENFRONT_H */
