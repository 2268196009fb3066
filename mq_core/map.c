// SPDX-License-Identifier: GPL-2.0
/*
 * CPU -> hardware queue maps, and keeping them right across CPU hotplug.
 *
 * A tag set holds one map per type over all possible CPUs.  Each queue
 * turns it into per-CPU software contexts pointing at its hctxs.  When the
 * driver supplies no map, the default map spreads the *online* CPUs over
 * the queues and is recomputed on every hotplug event, so no hardware
 * queue sits idle while CPUs are offline.
 *
 * No freeze is needed for a remap: a request keeps the hctx it was
 * created on until it ends, and submitters read their context's hctx
 * pointer once.  Only the map and hctx cpumasks change, under set->lock.
 */
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/topology.h>
#include "mq.h"

static LIST_HEAD(mq_all_sets);
static DEFINE_MUTEX(mq_all_sets_lock);
static enum cpuhp_state mq_cpuhp_online;

/**
 * mq_map_queues_mask - spread the CPUs of @mask over a map's queues
 * @map: map with @nr_queues and @queue_offset set
 * @mask: CPUs to spread evenly (usually the online ones)
 *
 * Cores (sibling groups) are kept together when there are at least as
 * many cores as queues; CPUs outside @mask get a valid queue too, so a
 * CPU that comes online can submit before the next remap.
 *
 * Context: any; does not sleep.
 */
void mq_map_queues_mask(struct mq_queue_map *map, const struct cpumask *mask)
{
	unsigned int nr = map->nr_queues, off = map->queue_offset;
	unsigned int cpu, sib, idx = 0, cores = 0, ncpus = 0;

	if (!nr)
		return;

	/* Count the cores and CPUs of @mask. */
	for_each_cpu(cpu, mask) {
		ncpus++;
		sib = cpumask_first_and(topology_sibling_cpumask(cpu), mask);
		if (sib == cpu || sib >= nr_cpu_ids)
			cores++;
	}

	for_each_possible_cpu(cpu)
		map->mq_map[cpu] = UINT_MAX;

	if (cores >= nr) {
		/* Contiguous blocks of cores per queue, siblings together. */
		for_each_cpu(cpu, mask) {
			sib = cpumask_first_and(topology_sibling_cpumask(cpu),
						mask);
			if (sib != cpu && sib < nr_cpu_ids &&
			    map->mq_map[sib] != UINT_MAX) {
				map->mq_map[cpu] = map->mq_map[sib];
				continue;
			}
			map->mq_map[cpu] = off + idx * nr / cores;
			idx++;
		}
	} else if (ncpus) {
		/* More queues than cores: spread single CPUs. */
		for_each_cpu(cpu, mask) {
			map->mq_map[cpu] = off + (ncpus >= nr ?
					   idx * nr / ncpus : idx);
			idx++;
		}
	}

	/* CPUs outside @mask: round robin over the queues. */
	idx = 0;
	for_each_possible_cpu(cpu) {
		if (map->mq_map[cpu] != UINT_MAX)
			continue;
		map->mq_map[cpu] = off + (idx++ % nr);
	}
}
EXPORT_SYMBOL_GPL(mq_map_queues_mask);

/**
 * mq_map_queues - the default map: spread the online CPUs over the queues
 * @map: map with @nr_queues and @queue_offset set
 *
 * Context: any; does not sleep.
 */
void mq_map_queues(struct mq_queue_map *map)
{
	mq_map_queues_mask(map, cpu_online_mask);
}
EXPORT_SYMBOL_GPL(mq_map_queues);

/**
 * mq_map_queues_by_affinity - map CPUs to the queue whose IRQ they serve
 * @map: map with @nr_queues and @queue_offset set
 * @get_affinity: returns the affinity mask of queue @q (relative to the
 *	map), or NULL when unknown
 * @data: for @get_affinity
 *
 * Falls back to mq_map_queues() when any queue has no affinity; CPUs in
 * no mask get the default spread.
 *
 * Context: process context.
 */
void mq_map_queues_by_affinity(struct mq_queue_map *map,
			       const struct cpumask *(*get_affinity)(void *data,
								     unsigned int q),
			       void *data)
{
	const struct cpumask *mask;
	unsigned int q, cpu, *fallback;

	fallback = kcalloc(nr_cpu_ids, sizeof(*fallback), GFP_KERNEL);
	if (!fallback)
		goto spread;
	for_each_possible_cpu(cpu)
		fallback[cpu] = UINT_MAX;
	for (q = 0; q < map->nr_queues; q++) {
		mask = get_affinity(data, q);
		if (!mask || cpumask_empty(mask))
			goto spread_free;
		for_each_cpu(cpu, mask)
			fallback[cpu] = map->queue_offset + q;
	}
	mq_map_queues(map);
	for_each_possible_cpu(cpu) {
		if (fallback[cpu] != UINT_MAX)
			map->mq_map[cpu] = fallback[cpu];
	}
	kfree(fallback);
	return;

spread_free:
	kfree(fallback);
spread:
	mq_map_queues(map);
}
EXPORT_SYMBOL_GPL(mq_map_queues_by_affinity);

/*
 * Recompute the set's maps.  With a driver map the driver decides (its
 * IRQ affinity does not change with hotplug); otherwise spread the CPUs
 * that are online, minus @dying_cpu (-1 for none).
 */
void mq_update_set_maps(struct mq_tag_set *set, int dying_cpu)
{
	cpumask_var_t online;
	unsigned int i;

	lockdep_assert_held(&set->lock);
	if (set->ops->map_queues) {
		set->ops->map_queues(set);
		return;
	}
	if (!zalloc_cpumask_var(&online, GFP_KERNEL)) {
		for (i = 0; i < set->nr_maps; i++)
			mq_map_queues(&set->map[i]);
		return;
	}
	cpumask_copy(online, cpu_online_mask);
	if (dying_cpu >= 0)
		cpumask_clear_cpu(dying_cpu, online);
	if (cpumask_empty(online))
		cpumask_copy(online, cpu_online_mask);
	for (i = 0; i < set->nr_maps; i++)
		mq_map_queues_mask(&set->map[i], online);
	free_cpumask_var(online);
}

/* Point every CPU's context of @q at the hctxs the set's maps name. */
void mq_remap_queue(struct mq_queue *q)
{
	struct mq_tag_set *set = q->tag_set;
	unsigned int cpu, i, t;

	lockdep_assert_held(&set->lock);
	for (i = 0; i < q->nr_hw_queues; i++)
		cpumask_clear(q->hctxs[i]->cpumask);

	for_each_possible_cpu(cpu) {
		struct mq_ctx *ctx = per_cpu_ptr(q->ctx, cpu);

		ctx->cpu = cpu;
		for (t = 0; t < MQ_HCTX_MAX_TYPES; t++) {
			struct mq_queue_map *map;
			unsigned int idx;

			/* Types without queues fall back to the default map. */
			map = (t < set->nr_maps && set->map[t].nr_queues) ?
			      &set->map[t] : &set->map[MQ_HCTX_DEFAULT];
			idx = map->mq_map[cpu];
			if (WARN_ON_ONCE(idx >= q->nr_hw_queues))
				idx = 0;
			WRITE_ONCE(ctx->hctxs[t], q->hctxs[idx]);
			if (map == &set->map[t] || t == MQ_HCTX_DEFAULT)
				cpumask_set_cpu(cpu, q->hctxs[idx]->cpumask);
		}
	}
}

/**
 * mq_map_bio - the hctx a bio with @opf goes to from this CPU
 * @q: the queue
 * @opf: the bio's operation and flags
 *
 * Context: any; preemption may be enabled (a stale CPU is harmless).
 */
struct mq_hw_ctx *mq_map_bio(struct mq_queue *q, blk_opf_t opf)
{
	struct mq_ctx *ctx = raw_cpu_ptr(q->ctx);
	enum mq_hctx_type type = MQ_HCTX_DEFAULT;

	if (opf & REQ_POLLED)
		type = MQ_HCTX_POLL;
	else if ((opf & REQ_OP_MASK) == REQ_OP_READ)
		type = MQ_HCTX_READ;
	return READ_ONCE(ctx->hctxs[type]);
}

static void mq_hotplug_remap(int dying_cpu)
{
	struct mq_tag_set *set;
	struct mq_queue *q;

	mutex_lock(&mq_all_sets_lock);
	list_for_each_entry(set, &mq_all_sets, all_node) {
		mutex_lock(&set->lock);
		mq_update_set_maps(set, dying_cpu);
		list_for_each_entry(q, &set->queues, set_node)
			mq_remap_queue(q);
		mutex_unlock(&set->lock);
	}
	mutex_unlock(&mq_all_sets_lock);
}

/* @cpu is the only online CPU that maps to @hctx. */
static bool mq_hctx_last_cpu(struct mq_hw_ctx *hctx, unsigned int cpu)
{
	unsigned int c;

	if (!cpumask_test_cpu(cpu, hctx->cpumask))
		return false;
	for_each_cpu_and(c, hctx->cpumask, cpu_online_mask)
		if (c != cpu)
			return false;
	return true;
}

struct mq_drain_data {
	struct mq_hw_ctx *hctx;
	unsigned int offset;
	bool busy;
};

static bool mq_hctx_tag_bit_busy(struct sbitmap *sb, unsigned int bitnr,
				 void *data)
{
	struct mq_drain_data *b = data;

	if (READ_ONCE(b->hctx->tags->rqs[bitnr + b->offset]->hctx) != b->hctx)
		return true;
	b->busy = true;
	return false;
}

/* Any tag of @hctx's space allocated for @hctx, started or not. */
static bool mq_hctx_has_requests(struct mq_hw_ctx *hctx)
{
	struct mq_tags *tags = hctx->tags;
	struct mq_drain_data b = { .hctx = hctx };

	if (tags->nr_reserved_tags)
		sbitmap_for_each_set(&tags->breserved_tags.sb,
				     mq_hctx_tag_bit_busy, &b);
	b.offset = tags->nr_reserved_tags;
	if (!b.busy)
		sbitmap_for_each_set(&tags->bitmap_tags.sb,
				     mq_hctx_tag_bit_busy, &b);
	return b.busy;
}

#define MQ_OFFLINE_DRAIN_MS	10000

/*
 * A driver map follows the queues' IRQ affinity, which does not change
 * with hotplug: when the last online CPU of an hctx goes, its managed
 * interrupt is shut down, and a request still in the hardware would never
 * complete.  So first stop new tags on such hctxs (mq_get_request() sees
 * %MQ_S_INACTIVE and retries on another CPU), then wait for what they hold
 * to be issued and to complete while the interrupt still works.  Bounded,
 * so a stuck device cannot stall hotplug forever: it warns instead.
 */
static void mq_hotplug_drain(unsigned int cpu)
{
	unsigned long end = jiffies + msecs_to_jiffies(MQ_OFFLINE_DRAIN_MS);
	struct mq_tag_set *set;
	struct mq_queue *q;
	unsigned int i;

	mutex_lock(&mq_all_sets_lock);
	list_for_each_entry(set, &mq_all_sets, all_node) {
		if (!set->ops->map_queues)
			continue;
		mutex_lock(&set->lock);
		list_for_each_entry(q, &set->queues, set_node)
			for (i = 0; i < q->nr_hw_queues; i++)
				if (mq_hctx_last_cpu(q->hctxs[i], cpu))
					set_bit(MQ_S_INACTIVE,
						&q->hctxs[i]->state);
		/*
		 * Pairs with the barrier of the tag allocation (sbitmap's
		 * test_and_set_bit_lock() and the smp_mb__after_atomic()
		 * after it): an allocator either sees INACTIVE or its tag is
		 * seen below.
		 */
		smp_mb__after_atomic();
		list_for_each_entry(q, &set->queues, set_node) {
			for (i = 0; i < q->nr_hw_queues; i++) {
				struct mq_hw_ctx *hctx = q->hctxs[i];

				if (!test_bit(MQ_S_INACTIVE, &hctx->state))
					continue;
				while (mq_hctx_has_requests(hctx)) {
					if (time_after(jiffies, end)) {
						pr_warn("mq_core: hctx %u of %s still has requests as CPU %u goes offline\n",
							i, q->disk->disk_name,
							cpu);
						break;
					}
					mq_run_hw_queue(hctx, true);
					usleep_range(5000, 10000);
				}
			}
		}
		mutex_unlock(&set->lock);
	}
	mutex_unlock(&mq_all_sets_lock);
}

/* Every hctx with an online CPU takes tags again. */
static void mq_hotplug_reactivate(void)
{
	struct mq_tag_set *set;
	struct mq_queue *q;
	unsigned int i;

	mutex_lock(&mq_all_sets_lock);
	list_for_each_entry(set, &mq_all_sets, all_node) {
		mutex_lock(&set->lock);
		list_for_each_entry(q, &set->queues, set_node)
			for (i = 0; i < q->nr_hw_queues; i++)
				if (cpumask_intersects(q->hctxs[i]->cpumask,
						       cpu_online_mask))
					clear_bit(MQ_S_INACTIVE,
						  &q->hctxs[i]->state);
		mutex_unlock(&set->lock);
	}
	mutex_unlock(&mq_all_sets_lock);
}

static int mq_cpu_online(unsigned int cpu)
{
	mq_hotplug_remap(-1);
	mq_hotplug_reactivate();
	return 0;
}

/* Runs on the outgoing CPU while it is still marked online. */
static int mq_cpu_offline(unsigned int cpu)
{
	mq_hotplug_drain(cpu);
	mq_hotplug_remap(cpu);
	return 0;
}

/*
 * Called with the CPU hotplug lock held for reading, so a set joins the
 * list atomically with respect to hotplug events.
 */
void mq_register_set(struct mq_tag_set *set)
{
	mutex_lock(&mq_all_sets_lock);
	list_add_tail(&set->all_node, &mq_all_sets);
	mutex_unlock(&mq_all_sets_lock);
}

void mq_unregister_set(struct mq_tag_set *set)
{
	mutex_lock(&mq_all_sets_lock);
	list_del_init(&set->all_node);
	mutex_unlock(&mq_all_sets_lock);
}

int mq_map_init(void)
{
	int ret;

	ret = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "block/mq_core:online",
					mq_cpu_online, mq_cpu_offline);
	if (ret < 0)
		return ret;
	mq_cpuhp_online = ret;
	return 0;
}

void mq_map_exit(void)
{
	cpuhp_remove_state_nocalls(mq_cpuhp_online);
}
