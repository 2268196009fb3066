// SPDX-License-Identifier: GPL-2.0
/*
 * Tag spaces: allocation, fair sharing between queues, busy iteration.
 *
 * A tag space is a pair of sbitmap queues (reserved and normal tags) and
 * one preallocated request per tag.  sbitmap keeps a per-CPU allocation
 * hint, and a freed tag updates the hint of the CPU that submitted it, so
 * a CPU tends to get back the tag (and request cache lines) it used last.
 */
#include <linux/kmemleak.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include "mq.h"

struct sbitmap_queue *mq_tag_bt(struct mq_hw_ctx *hctx, bool reserved)
{
	return reserved ? &hctx->tags->breserved_tags :
			  &hctx->tags->bitmap_tags;
}

/*
 * Mark @hctx (or its queue, when all hctxs share one space) as using a
 * shared tag space, so the fair share counts it.  Cleared again by the
 * timeout work once the queue goes idle.
 */
void mq_tag_busy(struct mq_hw_ctx *hctx)
{
	struct mq_queue *q = hctx->queue;

	if (q->tag_set->flags & MQ_F_TAG_HCTX_SHARED) {
		if (test_bit(MQ_Q_ACTIVE, &q->flags) ||
		    test_and_set_bit(MQ_Q_ACTIVE, &q->flags))
			return;
	} else {
		if (test_bit(MQ_S_TAG_ACTIVE, &hctx->state) ||
		    test_and_set_bit(MQ_S_TAG_ACTIVE, &hctx->state))
			return;
	}
	atomic_inc(&hctx->tags->active_queues);
}

void mq_tag_idle(struct mq_hw_ctx *hctx)
{
	struct mq_queue *q = hctx->queue;

	if (q->tag_set->flags & MQ_F_TAG_HCTX_SHARED) {
		if (!test_and_clear_bit(MQ_Q_ACTIVE, &q->flags))
			return;
	} else {
		if (!test_and_clear_bit(MQ_S_TAG_ACTIVE, &hctx->state))
			return;
	}
	atomic_dec(&hctx->tags->active_queues);
}

static atomic_t *mq_active_counter(struct mq_hw_ctx *hctx)
{
	if (hctx->queue->tag_set->flags & MQ_F_TAG_HCTX_SHARED)
		return &hctx->queue->nr_active;
	return &hctx->nr_active;
}

/* The timeout work found @q idle: stop counting it in the fair share. */
void mq_queue_tag_idle(struct mq_queue *q)
{
	unsigned int i;

	for (i = 0; i < q->nr_hw_queues; i++)
		if (!atomic_read(mq_active_counter(q->hctxs[i])))
			mq_tag_idle(q->hctxs[i]);
}

/*
 * Fair share: while N queues are active on one tag space, each may hold at
 * most depth/N tags (at least 4), so one busy device cannot starve the
 * others.  Only evaluated while the space is really shared.
 */
bool mq_hctx_may_queue(struct mq_hw_ctx *hctx)
{
	struct mq_tags *tags = hctx->tags;
	unsigned int users, depth;

	if (!mq_set_shared(hctx->queue->tag_set))
		return true;
	users = atomic_read(&tags->active_queues);
	if (users <= 1)
		return true;
	depth = tags->nr_tags - tags->nr_reserved_tags;
	depth = max((depth + users - 1) / users, 4U);
	return atomic_read(mq_active_counter(hctx)) < depth;
}

/**
 * mq_get_tag - try once to get a tag, honouring the fair share
 * @hctx: hardware queue the request is for
 * @reserved: from the reserved pool
 *
 * Return: the tag, or -1 if none is free (or the share is used up).
 */
int mq_get_tag(struct mq_hw_ctx *hctx, bool reserved)
{
	struct mq_tags *tags = hctx->tags;
	int tag;

	if (reserved) {
		tag = __sbitmap_queue_get(&tags->breserved_tags);
		return tag;
	}
	if (mq_set_shared(hctx->queue->tag_set)) {
		mq_tag_busy(hctx);
		if (!mq_hctx_may_queue(hctx))
			return -1;
	}
	tag = __sbitmap_queue_get(&tags->bitmap_tags);
	if (tag < 0)
		return -1;
	return tag + tags->nr_reserved_tags;
}

void mq_put_tag(struct mq_tags *tags, unsigned int tag, int cpu)
{
	if (tag >= tags->nr_reserved_tags)
		sbitmap_queue_clear(&tags->bitmap_tags,
				    tag - tags->nr_reserved_tags, cpu);
	else
		sbitmap_queue_clear(&tags->breserved_tags, tag, cpu);
}

/*
 * Free the normal tags of a poll batch: one atomic per bitmap word and one
 * wake-up check for the lot (sbitmap's batch clear is not exported on 6.1).
 */
void mq_put_tags_batch(struct mq_tags *tags, int *tag_array, int nr)
{
	struct sbitmap_queue *bt = &tags->bitmap_tags;
	struct sbitmap *sb = &bt->sb;
	unsigned long *word = NULL, mask = 0;
	unsigned int bit = 0;
	int i;

	if (!nr)
		return;
	/* What we wrote to the requests is visible before their tags are. */
	smp_mb__before_atomic();
	for (i = 0; i < nr; i++) {
		unsigned long *w;

		bit = tag_array[i] - tags->nr_reserved_tags;
		w = &sb->map[SB_NR_TO_INDEX(sb, bit)].word;
		if (w != word) {
			if (mask)
				atomic_long_andnot(mask, (atomic_long_t *)word);
			word = w;
			mask = 0;
		}
		mask |= BIT(SB_NR_TO_BIT(sb, bit));
	}
	atomic_long_andnot(mask, (atomic_long_t *)word);
	/* Pairs with the barrier in the waiters' prepare-to-wait. */
	smp_mb__after_atomic();
	sbitmap_queue_wake_up(bt, nr);
	if (!sb->round_robin && bit < sb->depth) {
		/*
		 * The next allocation on this CPU tries the tag freed last
		 * first.  Only a hint: a racing writer does no harm.
		 */
		data_race(*raw_cpu_ptr(sb->alloc_hint) = bit);
	}
}

void mq_tags_wake_all(struct mq_tags *tags)
{
	sbitmap_queue_wake_all(&tags->bitmap_tags);
	if (tags->nr_reserved_tags)
		sbitmap_queue_wake_all(&tags->breserved_tags);
}

unsigned int mq_tags_busy(struct mq_tags *tags)
{
	unsigned int n = sbitmap_weight(&tags->bitmap_tags.sb);

	if (tags->nr_reserved_tags)
		n += sbitmap_weight(&tags->breserved_tags.sb);
	return n;
}

/**
 * mq_tag_to_rq - the request of a tag
 * @tags: a tag space (&mq_hw_ctx.tags)
 * @tag: a tag number, as in &mq_request.tag
 *
 * For drivers whose hardware reports completions by tag.
 *
 * Like blk-mq, this does not check that the tag is in use: a driver
 * handling a completion for a bogus tag should check mq_request_started().
 *
 * Context: any.
 * Return: the request, or NULL if @tag is out of range.
 */
struct mq_request *mq_tag_to_rq(struct mq_tags *tags, unsigned int tag)
{
	if (unlikely(tag >= tags->nr_tags))
		return NULL;
	return tags->rqs[tag];
}
EXPORT_SYMBOL_GPL(mq_tag_to_rq);

struct mq_iter_data {
	struct mq_tags *tags;
	unsigned int offset;
	struct mq_queue *q;
	struct mq_hw_ctx *hctx;
	bool (*fn)(struct mq_request *rq, void *data);
	void *data;
};

static bool mq_iter_bit(struct sbitmap *sb, unsigned int bitnr, void *data)
{
	struct mq_iter_data *it = data;
	struct mq_request *rq = it->tags->rqs[bitnr + it->offset];
	bool ret = true;

	/*
	 * Pin it: while we hold a reference its tag is not given back, so
	 * @fn never sees the request end and start again as another I/O.
	 * A free tag's request has none (the bit was just cleared).
	 */
	if (!atomic_inc_not_zero(&rq->ref))
		return true;
	/* A set bit may belong to a request still being set up. */
	if (READ_ONCE(rq->state) != MQ_RQ_IDLE &&
	    (!it->q || READ_ONCE(rq->q) == it->q) &&
	    (!it->hctx || READ_ONCE(rq->hctx) == it->hctx))
		ret = it->fn(rq, it->data);
	mq_put_rq_ref(rq);
	return ret;
}

static void mq_tags_iter(struct mq_tags *tags, struct mq_iter_data *it)
{
	it->tags = tags;
	if (tags->nr_reserved_tags) {
		it->offset = 0;
		sbitmap_for_each_set(&tags->breserved_tags.sb, mq_iter_bit,
				     it);
	}
	it->offset = tags->nr_reserved_tags;
	sbitmap_for_each_set(&tags->bitmap_tags.sb, mq_iter_bit, it);
}

void mq_hctx_busy_iter(struct mq_hw_ctx *hctx,
		       bool (*fn)(struct mq_request *rq, void *data),
		       void *data)
{
	struct mq_iter_data it = {
		.q = hctx->queue, .hctx = hctx, .fn = fn, .data = data,
	};

	mq_tags_iter(hctx->tags, &it);
}

/* Busy requests of one queue, over every tag space it uses. */
void mq_queue_busy_iter(struct mq_queue *q,
			bool (*fn)(struct mq_request *rq, void *data),
			void *data)
{
	struct mq_tag_set *set = q->tag_set;
	struct mq_iter_data it = { .q = q, .fn = fn, .data = data };
	unsigned int i;

	for (i = 0; i < set->nr_tags; i++)
		mq_tags_iter(set->tags[i], &it);
}

/**
 * mq_tagset_busy_iter - call @fn for every busy request of a tag set
 * @set: the tag set
 * @fn: called per request; return false to stop
 * @data: for @fn
 *
 * Requests may complete while being walked: @fn must only act on a
 * request through state-checked calls (mq_complete_request() ...).
 *
 * Context: process context; @fn is called with no core lock held.
 */
void mq_tagset_busy_iter(struct mq_tag_set *set,
			 bool (*fn)(struct mq_request *rq, void *data),
			 void *data)
{
	struct mq_iter_data it = { .fn = fn, .data = data };
	unsigned int i;

	for (i = 0; i < set->nr_tags; i++)
		mq_tags_iter(set->tags[i], &it);
}
EXPORT_SYMBOL_GPL(mq_tagset_busy_iter);

/*
 * Bytes of one request and its driver payload.  struct mq_request is
 * %MQ_PDU_ALIGN aligned and sized, so the payload starts on a line of its
 * own; rounding the whole up keeps it off the next request's lines too.
 */
size_t mq_rq_size(struct mq_tag_set *set)
{
	return ALIGN(sizeof(struct mq_request) + set->cmd_size,
		     max_t(size_t, MQ_PDU_ALIGN, cache_line_size()));
}

/* Requests per chunk: up to 64 KiB of pages, as blk-mq allocates them. */
#define MQ_RQ_MAX_ORDER	4

/*
 * One request outside the tag spaces (a hardware queue's flush request),
 * from the page allocator as the tags' requests are.  The payload may hold
 * the only pointers to the driver's allocations: kmemleak scans it.
 */
struct mq_request *mq_alloc_rq_mem(struct mq_tag_set *set, int node)
{
	unsigned int order = get_order(mq_rq_size(set));
	struct page *page;

	page = alloc_pages_node(node, GFP_KERNEL | __GFP_ZERO, order);
	if (!page)
		return NULL;
	kmemleak_alloc(page_address(page), PAGE_SIZE << order, 1, GFP_KERNEL);
	return page_address(page);
}

void mq_free_rq_mem(struct mq_tag_set *set, struct mq_request *rq)
{
	unsigned int order = get_order(mq_rq_size(set));

	kmemleak_free(rq);
	free_pages((unsigned long)rq, order);
}

static void mq_free_rq_pages(struct mq_tags *tags)
{
	struct page *page, *next;

	list_for_each_entry_safe(page, next, &tags->page_list, lru) {
		list_del_init(&page->lru);
		kmemleak_free(page_address(page));
		__free_pages(page, page_private(page));
	}
}

/*
 * The requests of a tag space, from the page allocator: never vmalloc
 * memory, so a driver may DMA-map its payload (and with it anything in it,
 * such as a command or sense buffer).  Chunks of up to 2^MQ_RQ_MAX_ORDER
 * pages, smaller ones when memory is fragmented; a request never spans
 * two chunks.
 */
static int mq_alloc_rq_pages(struct mq_tags *tags, int node)
{
	size_t rq_size = tags->rq_size;
	unsigned int min_order = get_order(rq_size);
	unsigned int i = 0;

	while (i < tags->nr_tags) {
		unsigned int order = min_t(unsigned int, MQ_RQ_MAX_ORDER,
					   get_order((tags->nr_tags - i) *
						     rq_size));
		unsigned int n, j;
		struct page *page;
		void *p;

		order = max(order, min_order);
		for (;;) {
			gfp_t gfp = GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN;

			/* Try hard only for the smallest chunk that will do. */
			if (order > min_order)
				gfp |= __GFP_NORETRY;
			page = alloc_pages_node(node, gfp, order);
			if (page || order == min_order)
				break;
			order--;
		}
		if (!page)
			return -ENOMEM;
		set_page_private(page, order);
		list_add_tail(&page->lru, &tags->page_list);
		p = page_address(page);
		/* The payloads hold pointers to the driver's allocations. */
		kmemleak_alloc(p, PAGE_SIZE << order, 1, GFP_KERNEL);
		n = min_t(unsigned int, (PAGE_SIZE << order) / rq_size,
			  tags->nr_tags - i);
		for (j = 0; j < n; j++)
			tags->rqs[i++] = p + j * rq_size;
	}
	return 0;
}

static void mq_free_tags(struct mq_tag_set *set, struct mq_tags *tags)
{
	unsigned int i;

	if (!tags)
		return;
	if (tags->rqs && set->ops->exit_request) {
		for (i = 0; i < tags->nr_tags; i++)
			set->ops->exit_request(set, tags->rqs[i],
					       tags->hctx_idx);
	}
	sbitmap_queue_free(&tags->bitmap_tags);
	sbitmap_queue_free(&tags->breserved_tags);
	kvfree(tags->rqs);
	mq_free_rq_pages(tags);
	kfree(tags);
}

static struct mq_tags *mq_alloc_tags(struct mq_tag_set *set,
				     unsigned int hctx_idx)
{
	unsigned int depth = set->queue_depth - set->reserved_tags;
	int node = set->numa_node;
	struct mq_tags *tags;
	unsigned int i;
	int ret;

	tags = kzalloc_node(sizeof(*tags), GFP_KERNEL, node);
	if (!tags)
		return NULL;
	tags->nr_tags = set->queue_depth;
	tags->nr_reserved_tags = set->reserved_tags;
	tags->hctx_idx = hctx_idx;
	atomic_set(&tags->active_queues, 0);

	/* round_robin false: keep the per-CPU hint for cache-hot reuse */
	if (sbitmap_queue_init_node(&tags->bitmap_tags, depth, -1, false,
				    GFP_KERNEL, node))
		goto err_free;
	if (sbitmap_queue_init_node(&tags->breserved_tags, set->reserved_tags,
				    -1, false, GFP_KERNEL, node)) {
		sbitmap_queue_free(&tags->bitmap_tags);
		goto err_free;
	}

	tags->rq_size = mq_rq_size(set);
	INIT_LIST_HEAD(&tags->page_list);
	tags->rqs = kvzalloc_node(array_size(tags->nr_tags, sizeof(*tags->rqs)),
				  GFP_KERNEL, node);
	if (!tags->rqs || mq_alloc_rq_pages(tags, node))
		goto err_bitmaps;

	for (i = 0; i < tags->nr_tags; i++) {
		struct mq_request *rq = tags->rqs[i];

		rq->tag = i;
		rq->state = MQ_RQ_IDLE;
		INIT_LIST_HEAD(&rq->queuelist);
		tags->rqs[i] = rq;
		if (!set->ops->init_request)
			continue;
		ret = set->ops->init_request(set, rq, hctx_idx,
					     node == NUMA_NO_NODE ? 0 : node);
		if (ret) {
			while (i-- > 0) {
				if (set->ops->exit_request)
					set->ops->exit_request(set, tags->rqs[i],
							       hctx_idx);
			}
			goto err_bitmaps;
		}
	}
	return tags;

err_bitmaps:
	kvfree(tags->rqs);
	mq_free_rq_pages(tags);
	sbitmap_queue_free(&tags->bitmap_tags);
	sbitmap_queue_free(&tags->breserved_tags);
err_free:
	kfree(tags);
	return NULL;
}

/* One tag space per hardware queue, or one for all (MQ_F_TAG_HCTX_SHARED). */
int mq_alloc_set_tags(struct mq_tag_set *set)
{
	unsigned int i;

	set->nr_tags = (set->flags & MQ_F_TAG_HCTX_SHARED) ?
		1 : set->nr_hw_queues;
	set->tags = kcalloc_node(set->nr_tags, sizeof(*set->tags), GFP_KERNEL,
				 set->numa_node);
	if (!set->tags)
		return -ENOMEM;
	for (i = 0; i < set->nr_tags; i++) {
		set->tags[i] = mq_alloc_tags(set, i);
		if (!set->tags[i]) {
			mq_free_set_tags(set);
			return -ENOMEM;
		}
	}
	return 0;
}

void mq_free_set_tags(struct mq_tag_set *set)
{
	unsigned int i;

	if (!set->tags)
		return;
	for (i = 0; i < set->nr_tags; i++)
		mq_free_tags(set, set->tags[i]);
	kfree(set->tags);
	set->tags = NULL;
	set->nr_tags = 0;
}
