// SPDX-License-Identifier: GPL-2.0
/*
 * mq_xenfront - shared rings: set-up, request issue, interrupts, grants.
 *
 * One ring per mq_core hardware queue.  A request's ring id is its tag,
 * so a ring never holds more requests than it has slots.  Each ring has
 * its own lock, event channel, IRQ and pool of grant references, claimed
 * and released without the global grant-table lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/highmem.h>
#include <linux/interrupt.h>
#include <linux/slab.h>
#include <xen/events.h>
#include <xen/page.h>

#include "xenfront.h"

static struct xf_req *xf_pdu(struct mq_request *rq)
{
	return mq_rq_to_pdu(rq);
}

static void xf_ring_break(struct xf_ring *ring, struct list_head *done);

static void xf_complete_list(struct list_head *done)
{
	struct mq_request *rq, *next;

	list_for_each_entry_safe(rq, next, done, queuelist) {
		list_del_init(&rq->queuelist);
		mq_complete_request(rq);
	}
}

/*
 * Copy @req of @pdu into the next free slot (the caller checked there is
 * one) and note which operation its response must carry.
 */
static void xf_put_req(struct xf_ring *ring, struct xf_req *pdu,
		       const struct blkif_request *req)
{
	struct blkif_request *slot;

	slot = RING_GET_REQUEST(&ring->front, ring->front.req_prod_pvt);
	*slot = *req;
	pdu->req_slot = ring->front.req_prod_pvt++;
	pdu->rsp_op = req->operation == BLKIF_OP_INDIRECT ?
		      req->u.indirect.indirect_op : req->operation;
}

static void xf_push(struct xf_ring *ring)
{
	int notify;

	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&ring->front, notify);
	ring->pushed = ring->front.req_prod_pvt;
	if (notify)
		notify_remote_via_irq(ring->irq);
}

static void xf_flush_req(struct xf_ring *ring, unsigned int id,
			 struct blkif_request *req)
{
	memset(req, 0, sizeof(*req));
	req->operation = BLKIF_OP_FLUSH_DISKCACHE;
	req->u.rw.nr_segments = 0;
	req->u.rw.handle = ring->info->handle;
	req->u.rw.id = id;
}

static grant_ref_t xf_grant(struct xf_ring *ring, struct page *page,
			    bool readonly)
{
	int ref = gnttab_claim_grant_reference(&ring->gref_head);

	WARN_ON_ONCE(ref < 0);
	ring->free_grefs--;
	gnttab_page_grant_foreign_access_ref_one(ref, ring->info->xbdev->otherend_id,
						 page, readonly);
	return ref;
}

/*
 * End the grants of @rq and return them to the ring's pool.  A grant the
 * backend still maps (it answered before unmapping, or maps a reference
 * it guessed) is not ours to end: the backend can still read the page, or
 * write it if it was granted writable.  Such a page must never be reused:
 * a data page stays with its bio, which the caller must then never end
 * (xf_strand()); an indirect page leaves the ring for good and goes back
 * to the allocator only once the backend has unmapped it (the grant
 * table's deferred release).
 *
 * Return: false if a grant was still mapped.
 */
static bool xf_release_grants(struct xf_ring *ring, struct mq_request *rq)
{
	struct xf_req *pdu = xf_pdu(rq);
	unsigned int i, first_ind = pdu->nr_grefs - pdu->nr_ind;
	bool ended = true;

	for (i = 0; i < pdu->nr_grefs; i++) {
		grant_ref_t ref = pdu->grefs[i];
		struct page **ind;

		if (gnttab_end_foreign_access_ref(ref)) {
			gnttab_release_grant_reference(&ring->gref_head, ref);
			ring->free_grefs++;
			continue;
		}
		ended = false;
		pr_err_ratelimited("%s: backend still maps grant %u of request %u\n",
				   ring->name, ref, rq->tag);
		if (i < first_ind) {
			/* Ends the grant once unmapped; the page is the bio's. */
			gnttab_end_foreign_access(ref, NULL);
			continue;
		}
		ind = &ring->ind_pages[rq->tag * ring->info->ind_pages +
				       i - first_ind];
		gnttab_end_foreign_access(ref, *ind);
		*ind = NULL;
	}
	pdu->nr_grefs = 0;
	pdu->nr_ind = 0;
	return ended;
}

/*
 * The backend may still access pages of @rq's bios (xf_release_grants()
 * failed): keep the bios from ever ending, so their pages go back neither
 * to their owner nor to the allocator, and let @rq end without them.
 * Whoever waits for those bios waits for good; the disk itself can still
 * go away.  As xen-blkfront, which never completes such a request.
 */
static void xf_strand(struct xf_info *info, struct mq_request *rq)
{
	unsigned long flags;

	spin_lock_irqsave(&info->park_lock, flags);
	mq_rq_steal_bios(rq, &info->stranded);
	info->nr_stranded++;
	spin_unlock_irqrestore(&info->park_lock, flags);
	xf_pdu(rq)->stranded = true;
}

/* The persistent grants of @rq: its tag's share of the ring's. */
static struct xf_pgnt *xf_rq_pgnts(struct xf_ring *ring,
				   struct mq_request *rq)
{
	return &ring->pgnts[rq->tag * ring->info->grefs_per_rq];
}

/* Copy a piece of a write into its persistent page, at the same offset. */
static void xf_copy_out(struct page *page, const struct bio_vec *bv)
{
	memcpy_from_page(page_address(page) + bv->bv_offset, bv->bv_page,
			 bv->bv_offset, bv->bv_len);
}

/*
 * Describe the data of @rq in @pdu->data: directly in the request (up to
 * 11 segments) or in indirect descriptor pages.  Neighbouring pieces of
 * one page are one segment.  Without persistent grants each data page
 * (and indirect page) is granted for this request; with them, writes are
 * copied into the request's persistent pages and their grants are used.
 */
static int xf_build_rw(struct xf_ring *ring, struct mq_request *rq,
		       struct xf_req *pdu)
{
	struct xf_info *info = ring->info;
	bool write = mq_rq_op(rq) == REQ_OP_WRITE;
	struct blkif_request *req = &pdu->data;
	struct blkif_request_segment *seg = NULL;
	unsigned int n = 0, max, i, nind = 0;
	struct page **ind = NULL;
	struct xf_pgnt *pg = NULL;
	struct page *prev = NULL;
	struct bvec_iter iter;
	struct bio_vec bv;
	bool indirect;

	indirect = info->ind_pages &&
		   rq->nr_phys_segments > BLKIF_MAX_SEGMENTS_PER_REQUEST;
	max = indirect ? info->max_segs : BLKIF_MAX_SEGMENTS_PER_REQUEST;
	memset(req, 0, sizeof(*req));
	if (info->bounce)
		pg = xf_rq_pgnts(ring, rq);
	else if (indirect)
		ind = &ring->ind_pages[rq->tag * info->ind_pages];

	mq_rq_for_each_segment(bv, rq, iter) {
		unsigned int first = bv.bv_offset >> SECTOR_SHIFT;
		unsigned int last = (bv.bv_offset + bv.bv_len - 1) >> SECTOR_SHIFT;

		if (n && bv.bv_page == prev && seg->last_sect + 1 == first) {
			seg->last_sect = last;
			if (pg && write)
				xf_copy_out(pg[n - 1].page, &bv);
			continue;
		}
		if (n == max)
			return -EINVAL;
		if (indirect)
			seg = (struct blkif_request_segment *)
				page_address(pg ? pg[info->max_segs +
						     n / XF_SEGS_PER_IND_PAGE].page :
					     ind[n / XF_SEGS_PER_IND_PAGE]) +
				n % XF_SEGS_PER_IND_PAGE;
		else
			seg = &req->u.rw.seg[n];
		if (pg) {
			seg->gref = pg[n].ref;
			if (write)
				xf_copy_out(pg[n].page, &bv);
		} else {
			seg->gref = xf_grant(ring, bv.bv_page, write);
			pdu->grefs[pdu->nr_grefs++] = seg->gref;
		}
		seg->first_sect = first;
		seg->last_sect = last;
		prev = bv.bv_page;
		n++;
	}

	if (!indirect) {
		req->operation = write ? BLKIF_OP_WRITE : BLKIF_OP_READ;
		req->u.rw.nr_segments = n;
		req->u.rw.handle = info->handle;
		req->u.rw.id = rq->tag;
		req->u.rw.sector_number = mq_rq_pos(rq);
		return 0;
	}
	nind = XF_IND_PAGES(n);
	req->operation = BLKIF_OP_INDIRECT;
	req->u.indirect.indirect_op = write ? BLKIF_OP_WRITE : BLKIF_OP_READ;
	req->u.indirect.nr_segments = n;
	req->u.indirect.handle = info->handle;
	req->u.indirect.id = rq->tag;
	req->u.indirect.sector_number = mq_rq_pos(rq);
	for (i = 0; i < nind; i++) {
		if (pg) {
			req->u.indirect.indirect_grefs[i] =
				pg[info->max_segs + i].ref;
			continue;
		}
		req->u.indirect.indirect_grefs[i] = xf_grant(ring, ind[i], true);
		pdu->grefs[pdu->nr_grefs++] = req->u.indirect.indirect_grefs[i];
		pdu->nr_ind++;
	}
	return 0;
}

/*
 * A read through persistent grants is done: copy the data from the
 * request's pages into the bios, segment by segment as xf_build_rw()
 * laid them out.
 */
static void xf_copy_in(struct xf_ring *ring, struct mq_request *rq)
{
	struct xf_pgnt *pg = xf_rq_pgnts(ring, rq);
	unsigned int n = 0, last_sect = 0;
	struct page *prev = NULL;
	struct bvec_iter iter;
	struct bio_vec bv;

	mq_rq_for_each_segment(bv, rq, iter) {
		unsigned int first = bv.bv_offset >> SECTOR_SHIFT;

		if (!n || bv.bv_page != prev || last_sect + 1 != first)
			n++;
		prev = bv.bv_page;
		last_sect = (bv.bv_offset + bv.bv_len - 1) >> SECTOR_SHIFT;
		memcpy_to_page(bv.bv_page, bv.bv_offset,
			       page_address(pg[n - 1].page) + bv.bv_offset,
			       bv.bv_len);
	}
}

static void xf_discard_req(struct xf_ring *ring, struct mq_request *rq,
			   struct blkif_request *req)
{
	memset(req, 0, sizeof(*req));
	req->operation = BLKIF_OP_DISCARD;
	req->u.discard.flag = mq_rq_op(rq) == REQ_OP_SECURE_ERASE ?
			      BLKIF_DISCARD_SECURE : 0;
	req->u.discard.id = rq->tag;
	req->u.discard.sector_number = mq_rq_pos(rq);
	req->u.discard.nr_sectors = mq_rq_bytes(rq) >> SECTOR_SHIFT;
}

/* Grants @rq needs at most. */
static unsigned int xf_grefs_needed(struct xf_info *info,
				    struct mq_request *rq)
{
	unsigned int segs = min_t(unsigned int, rq->nr_phys_segments,
				  info->max_segs);

	if (info->ind_pages && segs > BLKIF_MAX_SEGMENTS_PER_REQUEST)
		return segs + XF_IND_PAGES(segs);
	return segs;
}

/*
 * The rings are gone (restored from a save, reconnecting): keep the bios
 * of @rq on @info->parked, to be issued again on the new rings, so @rq
 * itself can end (it ends no bio).  A flush of mq_core's (no bios) gives
 * up the bios of the requests waiting for it instead: issued again, they
 * flush on the new rings.  BLK_STS_IOERR if reconnecting failed, or for
 * any other request without bios (this driver issues none).
 */
static blk_status_t xf_park(struct xf_info *info, struct mq_request *rq)
{
	blk_status_t ret = BLK_STS_OK;
	unsigned long flags;

	spin_lock_irqsave(&info->park_lock, flags);
	if (info->park_fail)
		ret = BLK_STS_IOERR;
	else if (rq->bio)
		mq_rq_steal_bios(rq, &info->parked);
	else if (!mq_flush_steal_bios(rq, &info->parked))
		ret = BLK_STS_IOERR;
	spin_unlock_irqrestore(&info->park_lock, flags);
	if (ret && !info->park_fail)
		pr_err_ratelimited("%s: request without data op %u dropped while reconnecting\n",
				   info->name, mq_rq_op(rq));
	return ret;
}

static blk_status_t xf_queue_rq(struct mq_hw_ctx *hctx,
				const struct mq_queue_data *bd)
{
	struct xf_info *info = hctx->queue->queuedata;
	struct mq_request *rq = bd->rq;
	struct xf_req *pdu = xf_pdu(rq);
	enum req_op op = mq_rq_op(rq);
	struct blkif_request req;
	blk_status_t ret = BLK_STS_OK;
	bool preflush = false;
	struct xf_ring *ring;
	unsigned long flags;
	LIST_HEAD(done);

	if (unlikely(READ_ONCE(info->parking))) {
		ret = xf_park(info, rq);
		if (ret)
			return ret;
		mq_set_request_status(rq, BLK_STS_OK);
		mq_complete_request(rq);
		return BLK_STS_OK;
	}
	ring = hctx->driver_data;
	pdu->phase = XF_PH_DATA;
	pdu->post_flush = false;
	pdu->stranded = false;
	pdu->nr_grefs = 0;
	pdu->nr_ind = 0;

	spin_lock_irqsave(&ring->lock, flags);
	if (unlikely(ring->dead || READ_ONCE(info->broken))) {
		ret = BLK_STS_IOERR;
		goto out;
	}
	if (WARN_ON_ONCE(ring->rqs[rq->tag])) {
		ret = BLK_STS_IOERR;
		goto out;
	}
	if (RING_FULL(&ring->front) ||
	    (!info->bounce && mq_rq_bytes(rq) &&
	     ring->free_grefs < xf_grefs_needed(info, rq))) {
		/* Grants leaked to a stuck backend: nothing will free more. */
		if (!ring->inflight) {
			ret = BLK_STS_IOERR;
			goto out;
		}
		mq_stop_hw_queue(hctx);
		ret = BLK_STS_DEV_RESOURCE;
		goto out;
	}

	switch (op) {
	case REQ_OP_READ:
	case REQ_OP_WRITE:
		if (op == REQ_OP_WRITE && info->feature_flush) {
			preflush = rq->cmd_flags & REQ_PREFLUSH;
			pdu->post_flush = (rq->cmd_flags & REQ_FUA) &&
					  mq_rq_bytes(rq);
		}
		if (!mq_rq_bytes(rq)) {
			/* An empty preflush is a plain cache flush. */
			if (!preflush) {
				ret = BLK_STS_OK;
				goto out_done;
			}
			xf_flush_req(ring, rq->tag, &req);
			break;
		}
		if (xf_build_rw(ring, rq, pdu)) {
			pr_err_ratelimited("%s: request with too many segments\n",
					   ring->name);
			if (!xf_release_grants(ring, rq)) {
				/* Published to no one, yet mapped. */
				xf_strand(info, rq);
				xf_ring_break(ring, &done);
			}
			ret = BLK_STS_IOERR;
			goto out;
		}
		if (preflush) {
			pdu->phase = XF_PH_PREFLUSH;
			xf_flush_req(ring, rq->tag, &req);
		} else {
			req = pdu->data;
		}
		break;
	case REQ_OP_FLUSH:
		if (!info->feature_flush)
			goto out_done;
		xf_flush_req(ring, rq->tag, &req);
		break;
	case REQ_OP_DISCARD:
	case REQ_OP_SECURE_ERASE:
		if (!info->feature_discard ||
		    (op == REQ_OP_SECURE_ERASE && !info->feature_secdiscard)) {
			ret = BLK_STS_NOTSUPP;
			goto out;
		}
		xf_discard_req(ring, rq, &req);
		break;
	default:
		ret = BLK_STS_NOTSUPP;
		goto out;
	}

	xf_put_req(ring, pdu, &req);
	ring->rqs[rq->tag] = rq;
	ring->inflight++;
	if (bd->last)
		xf_push(ring);
	spin_unlock_irqrestore(&ring->lock, flags);
	return BLK_STS_OK;

out_done:
	/* Nothing for the backend to do (e.g. a flush without a cache). */
	spin_unlock_irqrestore(&ring->lock, flags);
	mq_set_request_status(rq, BLK_STS_OK);
	mq_complete_request(rq);
	return BLK_STS_OK;
out:
	/* A batch may have been left unpushed: push it now. */
	if (ring->front.req_prod_pvt != ring->pushed && !ring->dead)
		xf_push(ring);
	spin_unlock_irqrestore(&ring->lock, flags);
	xf_complete_list(&done);
	return ret;
}

static void xf_commit_rqs(struct mq_hw_ctx *hctx)
{
	struct xf_info *info = hctx->queue->queuedata;
	struct xf_ring *ring = hctx->driver_data;
	unsigned long flags;

	if (unlikely(READ_ONCE(info->parking)) || !ring)
		return;
	spin_lock_irqsave(&ring->lock, flags);
	if (!ring->dead)
		xf_push(ring);
	spin_unlock_irqrestore(&ring->lock, flags);
}

static blk_status_t xf_rsp_status(int16_t status)
{
	switch (status) {
	case BLKIF_RSP_OKAY:
		return BLK_STS_OK;
	case BLKIF_RSP_EOPNOTSUPP:
		return BLK_STS_NOTSUPP;
	default:
		return BLK_STS_IOERR;
	}
}

/*
 * Take @rq off the ring with @status; the caller completes it unlocked.
 * Return: false if the backend still maps a grant of it: its bios were
 * stranded (xf_strand()) and it fails; the caller breaks the ring.
 */
static bool xf_finish(struct xf_ring *ring, struct mq_request *rq,
		      blk_status_t status, struct list_head *done)
{
	bool ended = xf_release_grants(ring, rq);

	if (!ended) {
		xf_strand(ring->info, rq);
		status = BLK_STS_IOERR;
	} else if (ring->info->bounce && status == BLK_STS_OK &&
		   mq_rq_op(rq) == REQ_OP_READ && mq_rq_bytes(rq)) {
		xf_copy_in(ring, rq);
	}
	ring->rqs[rq->tag] = NULL;
	ring->inflight--;
	mq_set_request_status(rq, status);
	list_add_tail(&rq->queuelist, done);
	return ended;
}

/* Restart a queue stopped for room once a request's worth is back. */
static void xf_maybe_restart(struct xf_ring *ring)
{
	if (ring->hctx && mq_hw_queue_stopped(ring->hctx) &&
	    (ring->dead || (!RING_FULL(&ring->front) &&
			    (ring->info->bounce ||
			     ring->free_grefs >= ring->info->grefs_per_rq))))
		mq_start_hw_queue(ring->hctx);
}

/*
 * The request a response answers, or NULL (the caller breaks the ring) if
 * it answers none of ours: an id we never gave out or that has no ring
 * request outstanding (a duplicate), or another operation than the one
 * that ring request asked for (also a response that comes too early in a
 * preflush/data/postflush sequence: it answers a ring request not issued),
 * or a ring request at or after @lim, the requests published when the
 * responses being read were already produced (an early answer to a data
 * request or postflush that this interrupt put on the ring).
 */
static struct mq_request *xf_rsp_request(struct xf_ring *ring,
					 const struct blkif_response *rsp,
					 RING_IDX lim)
{
	struct mq_request *rq;

	if (rsp->id >= ring->info->depth) {
		pr_err("%s: response with id %llu, ring has %u\n", ring->name,
		       rsp->id, ring->info->depth);
		return NULL;
	}
	rq = ring->rqs[rsp->id];
	if (!rq) {
		pr_err("%s: response to id %llu, which has no request\n",
		       ring->name, rsp->id);
		return NULL;
	}
	if (rsp->operation != xf_pdu(rq)->rsp_op) {
		pr_err("%s: response to id %llu with operation %u, expected %u\n",
		       ring->name, rsp->id, rsp->operation, xf_pdu(rq)->rsp_op);
		return NULL;
	}
	if ((s32)(xf_pdu(rq)->req_slot - lim) >= 0) {
		pr_err("%s: response to id %llu before its request was issued\n",
		       ring->name, rsp->id);
		return NULL;
	}
	return rq;
}

static irqreturn_t xf_interrupt(int irq, void *data)
{
	struct xf_ring *ring = data;
	unsigned int eoi = XEN_EOI_FLAG_SPURIOUS;
	struct blkif_response rsp;
	RING_IDX i, rp, cons, lim;
	unsigned long flags;
	bool pushed = false;
	int more;
	LIST_HEAD(done);

	spin_lock_irqsave(&ring->lock, flags);
	/* No EOI for a broken ring: its event channel stays masked. */
	if (unlikely(ring->broken)) {
		spin_unlock_irqrestore(&ring->lock, flags);
		return IRQ_HANDLED;
	}
	if (unlikely(!ring->front.sring))
		goto out;
	if (unlikely(READ_ONCE(ring->info->broken)))
		goto broken;
again:
	cons = ring->front.rsp_cons;
	/* The backend may answer what was published before rsp_prod is read. */
	lim = ring->pushed;
	rp = READ_ONCE(ring->front.sring->rsp_prod);
	virt_rmb();	/* responses up to rp are visible */
	/* Never more responses than ring requests outstanding. */
	if (rp - cons > lim - cons) {
		pr_err("%s: backend produced %u responses, %u requests outstanding\n",
		       ring->name, rp - cons, lim - cons);
		goto broken;
	}
	for (i = cons; i != rp; i++) {
		struct mq_request *rq;
		struct xf_req *pdu;
		blk_status_t status;

		eoi = 0;
		RING_COPY_RESPONSE(&ring->front, i, &rsp);
		rq = xf_rsp_request(ring, &rsp, lim);
		if (!rq) {
			ring->front.rsp_cons = i;
			goto broken;
		}
		pdu = xf_pdu(rq);
		status = xf_rsp_status(rsp.status);
		if (status == BLK_STS_OK && !ring->dead) {
			if (pdu->phase == XF_PH_PREFLUSH) {
				pdu->phase = XF_PH_DATA;
				xf_put_req(ring, pdu, &pdu->data);
				pushed = true;
				continue;
			}
			if (pdu->phase == XF_PH_DATA && pdu->post_flush) {
				struct blkif_request req;

				pdu->phase = XF_PH_POSTFLUSH;
				xf_flush_req(ring, rsp.id, &req);
				xf_put_req(ring, pdu, &req);
				pushed = true;
				continue;
			}
		} else if (status == BLK_STS_OK) {
			/* A sequence cut short by a disconnect. */
			status = pdu->phase == XF_PH_DATA && !pdu->post_flush ?
				 BLK_STS_OK : BLK_STS_IOERR;
		}
		if (status != BLK_STS_OK)
			pr_err_ratelimited("%s: request op %u failed: %d\n",
					   ring->name, rsp.operation, rsp.status);
		if (!xf_finish(ring, rq, status, &done)) {
			ring->front.rsp_cons = i + 1;
			goto broken;
		}
	}
	ring->front.rsp_cons = i;
	if (i != ring->front.req_prod_pvt) {
		RING_FINAL_CHECK_FOR_RESPONSES(&ring->front, more);
		if (more)
			goto again;
	} else {
		ring->front.sring->rsp_event = i + 1;
	}
	if (pushed)
		xf_push(ring);
	xf_maybe_restart(ring);
out:
	spin_unlock_irqrestore(&ring->lock, flags);
	xf_complete_list(&done);
	/*
	 * Late EOI: the event channel is unmasked only now, and an event that
	 * brought no response counts as spurious, so Xen throttles a backend
	 * that floods us (XSA-391).
	 */
	xen_irq_lateeoi(irq, eoi);
	return IRQ_HANDLED;

broken:
	/*
	 * Requests put on the ring but not pushed stay unpushed.  No EOI: a
	 * backend that broke the protocol sends us no more events.
	 */
	xf_ring_break(ring, &done);
	spin_unlock_irqrestore(&ring->lock, flags);
	xf_complete_list(&done);
	return IRQ_HANDLED;
}

/**
 * xf_ring_kill - stop a ring: new requests fail, stopped queues run
 * @ring: the ring
 *
 * Requests the backend holds still complete through the interrupt.
 */
void xf_ring_kill(struct xf_ring *ring)
{
	unsigned long flags;

	spin_lock_irqsave(&ring->lock, flags);
	ring->dead = true;
	xf_maybe_restart(ring);
	spin_unlock_irqrestore(&ring->lock, flags);
}

/*
 * Take every request the backend holds off @ring (dead from now on) onto
 * @taken, with its grants released and BLK_STS_IOERR set (so xf_finish()
 * copies no read data); the caller ends them unlocked.  Called with the
 * ring's lock held.
 */
static unsigned int xf_ring_take_all_locked(struct xf_ring *ring,
					    struct list_head *taken)
{
	unsigned int id, n = 0;

	ring->dead = true;
	for (id = 0; id < ring->info->depth; id++) {
		if (!ring->rqs[id])
			continue;
		xf_finish(ring, ring->rqs[id], BLK_STS_IOERR, taken);
		n++;
	}
	xf_maybe_restart(ring);
	return n;
}

/*
 * The backend broke the protocol on @ring (or on another ring of the
 * device): take no more responses and no more requests from now on.  Every
 * request still on the ring fails (onto @done), its bios stranded if the
 * backend still maps one of its grants; nothing the backend sends later on
 * this ring is looked at.  Called with the ring's lock held.
 */
static void xf_ring_break(struct xf_ring *ring, struct list_head *done)
{
	struct xf_info *info = ring->info;
	unsigned int n;

	WRITE_ONCE(info->broken, true);
	if (ring->broken)
		return;
	ring->broken = true;
	n = xf_ring_take_all_locked(ring, done);
	pr_err("%s: ring disabled, %u request(s) on it failed\n",
	       ring->name, n);
}

static unsigned int xf_ring_take_all(struct xf_ring *ring,
				     struct list_head *taken)
{
	unsigned long flags;
	unsigned int n;

	spin_lock_irqsave(&ring->lock, flags);
	n = xf_ring_take_all_locked(ring, taken);
	spin_unlock_irqrestore(&ring->lock, flags);
	return n;
}

/**
 * xf_ring_fail_inflight - fail every request the backend still holds
 * @ring: a dead ring whose backend has closed (it will not answer)
 *
 * Return: the number of requests failed.
 */
unsigned int xf_ring_fail_inflight(struct xf_ring *ring)
{
	unsigned int n;
	LIST_HEAD(done);

	if (!ring->rqs)
		return 0;
	n = xf_ring_take_all(ring, &done);
	xf_complete_list(&done);
	return n;
}

/**
 * xf_ring_park_inflight - take every request off a ring of the domain's
 *	previous incarnation (after a restore), parking its bios
 * @ring: a ring no hardware queue uses any more (@info->parking is set
 *	and the queue was quiesced), whose backend is gone
 *
 * The requests end without ending a bio; their bios wait on
 * @info->parked for the new rings.  The requests' grants are ended the
 * usual way: the restored domain has a new grant table in which none of
 * them is in use, so each comes back to the ring's pool at once (which
 * xf_ring_free() then frees), as xen-blkfront ends its old grants.
 *
 * Context: process context.
 * Return: the number of requests taken off.
 */
unsigned int xf_ring_park_inflight(struct xf_ring *ring)
{
	struct mq_request *rq, *next;
	unsigned int n;
	LIST_HEAD(taken);

	if (!ring->rqs)
		return 0;
	n = xf_ring_take_all(ring, &taken);
	list_for_each_entry_safe(rq, next, &taken, queuelist) {
		list_del_init(&rq->queuelist);
		/* A stranded request has no bios left to park. */
		if (!xf_pdu(rq)->stranded)
			mq_set_request_status(rq, xf_park(ring->info, rq));
		mq_complete_request(rq);
	}
	return n;
}

/**
 * xf_ring_setup - share a ring with the backend and bind its event channel
 * @info: the device, with @nr_rings and @ring_order chosen
 * @ring: the ring
 *
 * Context: process context.
 * Return: 0 or a negative errno (partial state is undone by xf_ring_free()).
 */
int xf_ring_setup(struct xf_info *info, struct xf_ring *ring)
{
	struct xenbus_device *dev = info->xbdev;
	unsigned int nr_pages = 1U << info->ring_order;
	struct blkif_sring *sring;
	int err;

	err = xenbus_setup_ring(dev, GFP_KERNEL, (void **)&sring, nr_pages,
				ring->ring_refs);
	if (err)
		return err;
	XEN_FRONT_RING_INIT(&ring->front, sring, nr_pages * XEN_PAGE_SIZE);

	err = xenbus_alloc_evtchn(dev, &ring->evtchn);
	if (err)
		return err;
	snprintf(ring->name, sizeof(ring->name), "%s-q%u", info->name,
		 ring->idx);
	/* Late EOI (xf_interrupt()): event storms are throttled. */
	err = bind_evtchn_to_irqhandler_lateeoi(ring->evtchn, xf_interrupt, 0,
						ring->name, ring);
	if (err < 0) {
		xenbus_dev_fatal(dev, err, "binding event channel %u",
				 ring->evtchn);
		return err;
	}
	ring->irq = err;
	return 0;
}

/*
 * Grant every page a request of this ring can use, once: data is copied
 * through them (bounce buffers), and the backend maps them persistently
 * (feature-persistent) or per request.  Either way it never sees a page
 * that is not the ring's own.
 */
static int xf_ring_alloc_pgnts(struct xf_info *info, struct xf_ring *ring)
{
	unsigned int i, n = info->depth * info->grefs_per_rq;
	domid_t domid = info->xbdev->otherend_id;
	struct page *page;
	int ref;

	ring->pgnts = kvcalloc(n, sizeof(*ring->pgnts), GFP_KERNEL);
	if (!ring->pgnts)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		/* Zeroed: the backend can read all of it from now on. */
		page = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!page)
			return -ENOMEM;
		ref = gnttab_grant_foreign_access(domid, xen_page_to_gfn(page),
						  0);
		if (ref < 0) {
			__free_page(page);
			return ref;
		}
		ring->pgnts[i].ref = ref;
		ring->pgnts[i].page = page;
	}
	return 0;
}

/**
 * xf_ring_alloc_io - per-request state of a ring, once the backend's
 *	features are known
 * @info: the device, with @depth, @max_segs and @ind_pages set
 * @ring: the ring
 *
 * Context: process context.
 * Return: 0 or a negative errno.
 */
int xf_ring_alloc_io(struct xf_info *info, struct xf_ring *ring)
{
	unsigned int i, n, pool;

	ring->rqs = kcalloc(info->depth, sizeof(*ring->rqs), GFP_KERNEL);
	if (!ring->rqs)
		return -ENOMEM;
	if (info->bounce)
		return xf_ring_alloc_pgnts(info, ring);
	n = info->depth * info->ind_pages;
	if (n) {
		ring->ind_pages = kcalloc(n, sizeof(*ring->ind_pages),
					  GFP_KERNEL);
		if (!ring->ind_pages)
			return -ENOMEM;
		for (i = 0; i < n; i++) {
			/* The backend reads all of it, not only our descriptors. */
			ring->ind_pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
			if (!ring->ind_pages[i])
				return -ENOMEM;
		}
	}
	pool = min(info->depth * info->grefs_per_rq, XF_GREFS_PER_RING);
	pool = max(pool, info->grefs_per_rq);
	if (gnttab_alloc_grant_references(pool, &ring->gref_head) < 0)
		return -ENOSPC;
	ring->free_grefs = pool;
	ring->have_pool = true;
	return 0;
}

/**
 * xf_ring_free - undo xf_ring_setup() and xf_ring_alloc_io()
 * @info: the device
 * @ring: the ring, with no request in flight
 *
 * Context: process context.
 */
void xf_ring_free(struct xf_info *info, struct xf_ring *ring)
{
	unsigned int i;
	unsigned long flags;

	if (ring->irq > 0) {
		irq_update_affinity_hint(ring->irq, NULL);
		unbind_from_irqhandler(ring->irq, ring);
	} else if (ring->evtchn) {
		xenbus_free_evtchn(info->xbdev, ring->evtchn);
	}
	ring->irq = 0;
	ring->evtchn = 0;

	spin_lock_irqsave(&ring->lock, flags);
	if (ring->have_pool)
		gnttab_free_grant_references(ring->gref_head);
	ring->have_pool = false;
	ring->free_grefs = 0;
	spin_unlock_irqrestore(&ring->lock, flags);

	if (ring->front.sring)
		xenbus_teardown_ring((void **)&ring->front.sring,
				     1U << info->ring_order, ring->ring_refs);
	if (ring->pgnts) {
		/* Each page goes when the backend has unmapped it. */
		for (i = 0; i < info->depth * info->grefs_per_rq; i++)
			if (ring->pgnts[i].page)
				gnttab_end_foreign_access(ring->pgnts[i].ref,
							  ring->pgnts[i].page);
		kvfree(ring->pgnts);
		ring->pgnts = NULL;
	}
	if (ring->ind_pages) {
		for (i = 0; i < info->depth * info->ind_pages; i++)
			if (ring->ind_pages[i])
				__free_page(ring->ind_pages[i]);
		kfree(ring->ind_pages);
		ring->ind_pages = NULL;
	}
	kfree(ring->rqs);
	ring->rqs = NULL;
}

/**
 * xf_ring_set_affinity - deliver a ring's event channel to the CPUs of its
 *	hardware queue, so completions run where the requests came from
 * @ring: the ring, with its hardware queue mapped
 */
void xf_ring_set_affinity(struct xf_ring *ring)
{
	if (ring->irq > 0 && ring->hctx &&
	    cpumask_intersects(ring->hctx->cpumask, cpu_online_mask))
		irq_set_affinity_and_hint(ring->irq, ring->hctx->cpumask);
}

static enum mq_eh_timer_return xf_timeout(struct mq_request *rq)
{
	/* The backend owns it: only a response or a disconnect ends it. */
	return MQ_EH_RESET_TIMER;
}

static int xf_init_hctx(struct mq_hw_ctx *hctx, void *driver_data,
			unsigned int idx)
{
	struct xf_info *info = driver_data;

	if (!info->rings || idx >= info->nr_rings) {
		pr_err("%s: no ring for hardware queue %u (%u rings)\n",
		       info->name, idx, info->nr_rings);
		return -EINVAL;
	}
	hctx->driver_data = &info->rings[idx];
	info->rings[idx].hctx = hctx;
	return 0;
}

static void xf_exit_hctx(struct mq_hw_ctx *hctx, unsigned int idx)
{
	struct xf_ring *ring = hctx->driver_data;

	/* None after a restore, until the new rings are bound. */
	if (ring)
		ring->hctx = NULL;
	hctx->driver_data = NULL;
}

/**
 * xf_bind_hctxs - hardware queue N issues on ring N again (new rings of
 *	the same number after a restore)
 * @info: the device, with @nr_rings equal to the queue's hardware queues
 *
 * Context: process context, the queue quiesced.
 */
void xf_bind_hctxs(struct xf_info *info)
{
	struct mq_queue *q = info->q;
	unsigned int i;

	for (i = 0; i < q->nr_hw_queues && i < info->nr_rings; i++) {
		q->hctxs[i]->driver_data = &info->rings[i];
		info->rings[i].hctx = q->hctxs[i];
	}
}

/**
 * xf_unbind_hctxs - detach the hardware queues from rings about to be
 *	freed (after a restore)
 * @info: the device
 *
 * Context: process context, the queue quiesced with @info->parking set.
 */
void xf_unbind_hctxs(struct xf_info *info)
{
	struct mq_queue *q = info->q;
	unsigned int i;

	for (i = 0; i < q->nr_hw_queues; i++)
		q->hctxs[i]->driver_data = NULL;
	for (i = 0; i < info->nr_rings; i++)
		info->rings[i].hctx = NULL;
}

const struct mq_ops xf_mq_ops = {
	.queue_rq	= xf_queue_rq,
	.commit_rqs	= xf_commit_rqs,
	.timeout	= xf_timeout,
	.init_hctx	= xf_init_hctx,
	.exit_hctx	= xf_exit_hctx,
};
