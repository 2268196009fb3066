// SPDX-License-Identifier: GPL-2.0
/*
 * mq_nullblk - memory backing store.
 *
 * Each device keeps an xarray of pages indexed by byte offset >> PAGE_SHIFT.
 * A page is allocated on the first write that touches it; reading a range
 * that was never written (or was discarded) returns zeroes.
 *
 * Lookups are lock free: under RCU a reader takes a speculative reference
 * with get_page_unless_zero() and checks that the slot still holds the
 * page, as the page cache does.  Discard erases the slot and drops the
 * store's reference, so the page is freed only when the last in-flight
 * user puts it.  The xarray lock is taken only to insert or erase; it is a
 * _bh lock because queue_rq may run in softirq context.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bio.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>

#include "nullb.h"

/* Take a reference to the page at @idx, or return NULL if there is none. */
static struct page *nullb_get_page(struct xarray *pages, unsigned long idx)
{
	struct page *page;

	rcu_read_lock();
	for (;;) {
		page = xa_load(pages, idx);
		if (!page)
			break;
		if (!get_page_unless_zero(page))
			continue;	/* being freed: the slot is stale */
		if (likely(xa_load(pages, idx) == page))
			break;
		put_page(page);		/* discarded and maybe reused */
	}
	rcu_read_unlock();
	return page;
}

/* The page at @idx with a reference, allocated if missing. */
static struct page *nullb_get_page_for_write(struct xarray *pages,
					     unsigned long idx, gfp_t gfp)
{
	struct page *page, *old;

	for (;;) {
		page = nullb_get_page(pages, idx);
		if (page)
			return page;

		page = alloc_page(gfp | __GFP_ZERO);
		if (!page)
			return NULL;
		/* One reference for the store, one for the caller. */
		get_page(page);

		old = xa_cmpxchg_bh(pages, idx, NULL, page, gfp);
		if (!old)
			return page;

		put_page(page);
		put_page(page);
		if (xa_is_err(old))
			return NULL;
		/* Lost a race with another writer (or a discard): retry. */
	}
}

static int nullb_copy_page(struct nullb *nullb, struct page *page,
			   unsigned int off, unsigned int len, bool write,
			   loff_t pos)
{
	while (len) {
		unsigned long idx = pos >> PAGE_SHIFT;
		unsigned int poff = offset_in_page(pos);
		unsigned int chunk = min_t(unsigned int, len, PAGE_SIZE - poff);
		struct page *store;

		if (write) {
			store = nullb_get_page_for_write(nullb->pages, idx,
							 nullb->gfp);
			if (!store)
				return -ENOMEM;
			memcpy_page(store, poff, page, off, chunk);
			put_page(store);
		} else {
			store = nullb_get_page(nullb->pages, idx);
			if (store) {
				memcpy_page(page, off, store, poff, chunk);
				put_page(store);
			} else {
				memzero_page(page, off, chunk);
			}
		}

		pos += chunk;
		off += chunk;
		len -= chunk;
	}
	return 0;
}

/**
 * nullb_mem_rw - transfer the data of a read or write request
 * @nullb: the disk
 * @rq: a %REQ_OP_READ or %REQ_OP_WRITE request
 *
 * Return: %BLK_STS_OK, or %BLK_STS_RESOURCE when a page could not be
 * allocated (the request may be issued again).
 */
blk_status_t nullb_mem_rw(struct nullb *nullb, struct mq_request *rq)
{
	bool write = op_is_write(mq_rq_op(rq));
	struct bvec_iter iter;
	struct bio_vec bvec;

	mq_rq_for_each_segment(bvec, rq, iter) {
		loff_t pos = (loff_t)iter.bi_sector << SECTOR_SHIFT;

		if (nullb_copy_page(nullb, bvec.bv_page, bvec.bv_offset,
				    bvec.bv_len, write, pos))
			return BLK_STS_RESOURCE;
		if (!write)
			flush_dcache_page(bvec.bv_page);
	}
	return BLK_STS_OK;
}

/* Zero [@pos, @pos + @len): free whole pages, clear the partial ones. */
static void nullb_zero_range(struct nullb *nullb, loff_t pos, u64 len)
{
	unsigned long first, last, idx;
	struct page *page;
	loff_t end = pos + len;

	if (!len)
		return;

	/* A partial page at the head (the whole range may lie inside it). */
	if (offset_in_page(pos)) {
		unsigned int chunk = min_t(u64, len,
					   PAGE_SIZE - offset_in_page(pos));

		page = nullb_get_page(nullb->pages, pos >> PAGE_SHIFT);
		if (page) {
			memzero_page(page, offset_in_page(pos), chunk);
			put_page(page);
		}
		pos += chunk;
	}

	/* A partial page at the tail. */
	if (end > pos && offset_in_page(end)) {
		page = nullb_get_page(nullb->pages, end >> PAGE_SHIFT);
		if (page) {
			memzero_page(page, 0, offset_in_page(end));
			put_page(page);
		}
		end = round_down(end, PAGE_SIZE);
	}

	if (end <= pos)
		return;

	/* Whole pages: only the present ones are visited. */
	first = pos >> PAGE_SHIFT;
	last = (end >> PAGE_SHIFT) - 1;
	xa_for_each_range(nullb->pages, idx, page, first, last) {
		page = xa_erase_bh(nullb->pages, idx);
		if (page)
			put_page(page);
		if (nullb->blocking)
			cond_resched();
	}
}

/**
 * nullb_mem_zero - execute a discard or write-zeroes request
 * @nullb: the disk
 * @rq: the request
 *
 * Both leave the range reading as zeroes and free the pages it covers.
 */
void nullb_mem_zero(struct nullb *nullb, struct mq_request *rq)
{
	struct bio *bio;

	for (bio = rq->bio; bio; bio = bio->bi_next)
		nullb_zero_range(nullb,
				 (loff_t)bio->bi_iter.bi_sector << SECTOR_SHIFT,
				 bio->bi_iter.bi_size);
}

/**
 * nullb_mem_free - free the whole store of a device
 * @dev: the device, with no disk (nothing else uses the store)
 */
void nullb_mem_free(struct nullb_device *dev)
{
	unsigned long idx;
	struct page *page;

	xa_for_each(&dev->pages, idx, page) {
		xa_erase_bh(&dev->pages, idx);
		put_page(page);
		cond_resched();
	}
	xa_destroy(&dev->pages);
}
