// SPDX-License-Identifier: GPL-2.0
/*
 * mq_xenfront - debugfs: /sys/kernel/debug/mq_xenfront/<disk>/rings, the
 * state of every ring (producer and consumer indexes, requests in flight,
 * free grants, whether its hardware queue is stopped), and of the device
 * (features, connected, reconnections after a restore).
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "xenfront.h"

static struct dentry *xf_debugfs_root;

static int xf_rings_show(struct seq_file *m, void *v)
{
	struct xf_info *info = m->private;
	unsigned int i;

	mutex_lock(&info->lock);
	seq_printf(m, "rings %u order %u depth %u segs %u indirect_pages %u persistent %d untrusted %d bounce %d flush %d discard %d connected %d broken %d stranded %u resumes %u recovering %d parking %d\n",
		   info->nr_rings, info->ring_order, info->depth, info->max_segs,
		   info->ind_pages, info->feature_persistent, info->untrusted,
		   info->bounce,
		   info->feature_flush, info->feature_discard,
		   info->connected, READ_ONCE(info->broken),
		   READ_ONCE(info->nr_stranded), info->resumes,
		   info->recovering, READ_ONCE(info->parking));
	for (i = 0; i < info->nr_rings; i++) {
		struct xf_ring *ring = &info->rings[i];
		unsigned long flags;

		spin_lock_irqsave(&ring->lock, flags);
		seq_printf(m, "ring %u irq %d evtchn %u", i, ring->irq,
			   ring->evtchn);
		if (ring->front.sring)
			seq_printf(m, " req_prod_pvt %u req_prod %u rsp_cons %u rsp_prod %u rsp_event %u",
				   ring->front.req_prod_pvt,
				   ring->front.sring->req_prod,
				   ring->front.rsp_cons,
				   ring->front.sring->rsp_prod,
				   ring->front.sring->rsp_event);
		seq_printf(m, " inflight %u free_grefs %u dead %d broken %d stopped %d\n",
			   ring->inflight, ring->free_grefs, ring->dead,
			   ring->broken,
			   ring->hctx ? mq_hw_queue_stopped(ring->hctx) : -1);
		spin_unlock_irqrestore(&ring->lock, flags);
	}
	mutex_unlock(&info->lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(xf_rings);

void xf_debugfs_add(struct xf_info *info)
{
	if (!xf_debugfs_root)
		return;
	info->debugfs_dir = debugfs_create_dir(info->name, xf_debugfs_root);
	debugfs_create_file("rings", 0400, info->debugfs_dir, info,
			    &xf_rings_fops);
}

void xf_debugfs_remove(struct xf_info *info)
{
	debugfs_remove_recursive(info->debugfs_dir);
	info->debugfs_dir = NULL;
}

void xf_debugfs_init(void)
{
	xf_debugfs_root = debugfs_create_dir(KBUILD_MODNAME, NULL);
}

void xf_debugfs_exit(void)
{
	debugfs_remove_recursive(xf_debugfs_root);
}
