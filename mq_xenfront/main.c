// SPDX-License-Identifier: GPL-2.0
/*
 * mq_xenfront - the Xen PV block frontend ("vbd" devices) on mq_core.
 *
 * Negotiates with xen-blkback over xenstore: as many rings as the backend
 * offers (multi-queue-max-queues), capped by max_queues and the online
 * CPUs, one mq_core hardware queue per ring; multi-page rings; indirect
 * descriptors; cache flush, FUA (a flush after the write) and discard.
 * Disks are named xvd<letter> from their virtual-device number, like
 * xen-blkfront's; do not load both in one domain.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/idr.h>
#include <linux/delay.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <xen/xen.h>
#include <xen/platform_pci.h>
#include <xen/interface/io/protocols.h>

#include "xenfront.h"

#define XF_VDEV_EXTENDED	BIT(28)
#define XF_XVD_MAJOR		202
#define XF_MAX_NAME_INDEX	(26 + 26 * 26)
/* How long a closed backend may take to answer what it still holds. */
#define XF_CLOSE_GRACE_MS	5000

/*
 * Persistent grants cost a page per segment of every request of every
 * ring; past this many for one disk, grant per I/O instead.
 */
#define XF_MAX_PGNTS		24576U

bool xf_feature_persistent = true;
bool xf_trusted = true;
unsigned int xf_max_queues = 4;
unsigned int xf_max_indirect_segments = 32;
unsigned int xf_max_ring_page_order;

static DEFINE_IDA(xf_index_ida);

static int xf_param_uint(const char *val, const struct kernel_param *kp,
			 unsigned int min, unsigned int max)
{
	unsigned int n;

	if (kstrtouint(val, 0, &n) || n < min || n > max) {
		pr_err("invalid value '%.*s' for parameter %s: expected %u..%u\n",
		       (int)strcspn(val, "\n"), val, kp->name, min, max);
		return -EINVAL;
	}
	*(unsigned int *)kp->arg = n;
	return 0;
}

static int xf_set_max_queues(const char *val, const struct kernel_param *kp)
{
	return xf_param_uint(val, kp, 1, 1024);
}

static int xf_set_max_indirect(const char *val, const struct kernel_param *kp)
{
	return xf_param_uint(val, kp, 0, XF_MAX_INDIRECT_SEGS);
}

static int xf_set_ring_order(const char *val, const struct kernel_param *kp)
{
	return xf_param_uint(val, kp, 0, XF_MAX_RING_ORDER);
}

static int xf_set_bool(const char *val, const struct kernel_param *kp)
{
	int err = param_set_bool(val, kp);

	if (err)
		pr_err("invalid value '%.*s' for parameter %s: expected 0/1, y/n or on/off\n",
		       (int)strcspn(val ?: "", "\n"), val ?: "", kp->name);
	return err;
}

static const struct kernel_param_ops xf_bool_ops = {
	.flags = KERNEL_PARAM_OPS_FL_NOARG,
	.set = xf_set_bool,
	.get = param_get_bool,
};

static const struct kernel_param_ops xf_max_queues_ops = {
	.set = xf_set_max_queues,
	.get = param_get_uint,
};

static const struct kernel_param_ops xf_max_indirect_ops = {
	.set = xf_set_max_indirect,
	.get = param_get_uint,
};

static const struct kernel_param_ops xf_ring_order_ops = {
	.set = xf_set_ring_order,
	.get = param_get_uint,
};

module_param_cb(feature_persistent, &xf_bool_ops, &xf_feature_persistent, 0644);
MODULE_PARM_DESC(feature_persistent,
		 "Offer persistent grants to the backend (read when a disk connects; default on)");
module_param_cb(trusted, &xf_bool_ops, &xf_trusted, 0644);
MODULE_PARM_DESC(trusted,
		 "Trust the backends (read when a disk connects; default on).  Off, or a device whose xenstore node 'trusted' is 0: data always goes through the frontend's own zeroed pages, never the bio pages");
module_param_cb(max_queues, &xf_max_queues_ops, &xf_max_queues, 0444);
MODULE_PARM_DESC(max_queues,
		 "Most rings (hardware queues) per disk, 1..1024, capped by the backend and the online CPUs (default 4)");
module_param_cb(max_indirect_segments, &xf_max_indirect_ops,
		&xf_max_indirect_segments, 0444);
MODULE_PARM_DESC(max_indirect_segments,
		 "Most segments of an indirect request, 0..256; 11 or less: no indirect descriptors (default 32)");
module_param_cb(max_ring_page_order, &xf_ring_order_ops,
		&xf_max_ring_page_order, 0444);
MODULE_PARM_DESC(max_ring_page_order,
		 "Ring size as a page order, 0..4, capped by the backend (default 0)");

/* The xvd index of a virtual-device number, or -1. */
static int xf_vdev_index(unsigned int vdevice)
{
	if (vdevice & XF_VDEV_EXTENDED)
		return (vdevice & ~XF_VDEV_EXTENDED) >> 8;
	if ((vdevice >> 8) == XF_XVD_MAJOR)
		return (vdevice & 0xff) >> 4;
	return -1;
}

static void xf_disk_name(char *buf, size_t len, unsigned int index)
{
	if (index < 26)
		snprintf(buf, len, "xvd%c", 'a' + index);
	else
		snprintf(buf, len, "xvd%c%c", 'a' + index / 26 - 1,
			 'a' + index % 26);
}

static int xf_write_ring_nodes(struct xenbus_transaction xbt,
			       struct xf_info *info, struct xf_ring *ring,
			       const char *dir)
{
	unsigned int i, nr_pages = 1U << info->ring_order;
	char name[24];
	int err;

	for (i = 0; i < nr_pages; i++) {
		if (nr_pages == 1)
			strscpy(name, "ring-ref", sizeof(name));
		else
			snprintf(name, sizeof(name), "ring-ref%u", i);
		err = xenbus_printf(xbt, dir, name, "%u", ring->ring_refs[i]);
		if (err)
			return err;
	}
	return xenbus_printf(xbt, dir, "event-channel", "%u", ring->evtchn);
}

static void xf_free_rings(struct xf_info *info)
{
	unsigned int i;

	if (!info->rings)
		return;
	for (i = 0; i < info->nr_rings; i++)
		xf_ring_free(info, &info->rings[i]);
	kfree(info->rings);
	info->rings = NULL;
	info->nr_rings = 0;
}

/*
 * Nodes of an earlier connection of this device (a driver bound before us,
 * or another ring count) that the backend would read for this one.
 */
static int xf_rm_stale_nodes(struct xenbus_transaction xbt,
			     struct xf_info *info)
{
	const char *dir = info->xbdev->nodename;
	const char *stale[3];
	unsigned int i, n = 0;
	int err;

	if (info->nr_rings == 1) {
		stale[n++] = "multi-queue-num-queues";
	} else {
		stale[n++] = "ring-ref";
		stale[n++] = "event-channel";
	}
	if (!info->ring_order)
		stale[n++] = "ring-page-order";
	for (i = 0; i < n; i++) {
		if (!xenbus_exists(xbt, dir, stale[i]))
			continue;
		err = xenbus_rm(xbt, dir, stale[i]);
		if (err)
			return err;
	}
	return 0;
}

static int xf_write_nodes(struct xf_info *info)
{
	struct xenbus_device *dev = info->xbdev;
	struct xenbus_transaction xbt;
	const char *what;
	unsigned int i;
	char *path;
	int err;

again:
	err = xenbus_transaction_start(&xbt);
	if (err) {
		xenbus_dev_fatal(dev, err, "starting transaction");
		return err;
	}
	what = "stale nodes";
	err = xf_rm_stale_nodes(xbt, info);
	if (err)
		goto abort;
	what = "ring-page-order";
	if (info->ring_order) {
		err = xenbus_printf(xbt, dev->nodename, "ring-page-order", "%u",
				    info->ring_order);
		if (err)
			goto abort;
	}
	what = "ring nodes";
	if (info->nr_rings == 1) {
		err = xf_write_ring_nodes(xbt, info, &info->rings[0],
					  dev->nodename);
		if (err)
			goto abort;
	} else {
		err = xenbus_printf(xbt, dev->nodename,
				    "multi-queue-num-queues", "%u",
				    info->nr_rings);
		if (err)
			goto abort;
		for (i = 0; i < info->nr_rings; i++) {
			path = kasprintf(GFP_KERNEL, "%s/queue-%u",
					 dev->nodename, i);
			if (!path) {
				err = -ENOMEM;
				goto abort;
			}
			err = xf_write_ring_nodes(xbt, info, &info->rings[i],
						  path);
			kfree(path);
			if (err)
				goto abort;
		}
	}
	what = "protocol";
	err = xenbus_printf(xbt, dev->nodename, "protocol", "%s",
			    XEN_IO_PROTO_ABI_NATIVE);
	if (err)
		goto abort;
	what = "feature-persistent";
	err = xenbus_printf(xbt, dev->nodename, "feature-persistent", "%u",
			    info->persistent_offered);
	if (err)
		goto abort;
	err = xenbus_transaction_end(xbt, 0);
	if (err == -EAGAIN)
		goto again;
	if (err)
		xenbus_dev_fatal(dev, err, "completing transaction");
	return err;

abort:
	xenbus_transaction_end(xbt, 1);
	xenbus_dev_fatal(dev, err, "writing %s", what);
	return err;
}

/* The backend waits for us (InitWait): share the rings and say so. */
static int xf_talk_to_backend(struct xf_info *info)
{
	struct xenbus_device *dev = info->xbdev;
	unsigned int backend_queues, order, i;
	int err;

	if (info->rings)
		return 0;
	info->persistent_offered = READ_ONCE(xf_feature_persistent);
	/* The toolstack may mark one device's backend untrusted. */
	info->untrusted = !READ_ONCE(xf_trusted) ||
			  !xenbus_read_unsigned(dev->nodename, "trusted", 1);
	/* New rings: a backend that broke the old ones gets another chance. */
	WRITE_ONCE(info->broken, false);
	backend_queues = xenbus_read_unsigned(dev->otherend,
					      "multi-queue-max-queues", 0);
	info->nr_rings = min3(max(backend_queues, 1U), xf_max_queues,
			      num_online_cpus());
	order = xenbus_read_unsigned(dev->otherend, "max-ring-page-order", 0);
	info->ring_order = min(order, xf_max_ring_page_order);

	info->rings = kcalloc(info->nr_rings, sizeof(*info->rings),
			      GFP_KERNEL);
	if (!info->rings) {
		info->nr_rings = 0;
		xenbus_dev_fatal(dev, -ENOMEM, "allocating rings");
		return -ENOMEM;
	}
	for (i = 0; i < info->nr_rings; i++) {
		spin_lock_init(&info->rings[i].lock);
		info->rings[i].info = info;
		info->rings[i].idx = i;
	}
	for (i = 0; i < info->nr_rings; i++) {
		err = xf_ring_setup(info, &info->rings[i]);
		if (err)
			goto fail;
	}
	err = xf_write_nodes(info);
	if (err)
		goto fail;
	err = xenbus_switch_state(dev, XF_XB_INITIALISED);
	if (err)
		goto fail;
	dev_info(&dev->dev, "%s: %u ring(s) (backend offers %u), ring order %u\n",
		 info->name, info->nr_rings, backend_queues, info->ring_order);
	return 0;

fail:
	xf_free_rings(info);
	return err;
}

/*
 * The backend's features; at most @max_segs data segments per request
 * (after a restore: what the requests of the existing tag set have room
 * for).
 */
static void xf_read_features(struct xf_info *info, unsigned int max_segs)
{
	const char *be = info->xbdev->otherend;
	unsigned int segs;

	info->feature_flush = xenbus_read_unsigned(be, "feature-flush-cache", 0);
	info->feature_discard = xenbus_read_unsigned(be, "feature-discard", 0);
	info->feature_secdiscard = info->feature_discard &&
				   xenbus_read_unsigned(be, "discard-secure", 0);
	segs = xenbus_read_unsigned(be, "feature-max-indirect-segments", 0);
	segs = min3(segs, xf_max_indirect_segments, max_segs);
	if (segs > BLKIF_MAX_SEGMENTS_PER_REQUEST) {
		info->max_segs = segs;
		info->ind_pages = XF_IND_PAGES(segs);
	} else {
		info->max_segs = BLKIF_MAX_SEGMENTS_PER_REQUEST;
		info->ind_pages = 0;
	}
	info->grefs_per_rq = info->max_segs + info->ind_pages;
	info->depth = RING_SIZE(&info->rings[0].front);
	info->feature_persistent = info->persistent_offered &&
		xenbus_read_unsigned(be, "feature-persistent", 0);
	info->bounce = info->feature_persistent || info->untrusted;
	if (!info->bounce ||
	    info->nr_rings * info->depth * info->grefs_per_rq <= XF_MAX_PGNTS)
		return;
	if (!info->untrusted) {
		dev_info(&info->xbdev->dev,
			 "%s: %u x %u x %u persistent grants are too many: granting per request\n",
			 info->name, info->nr_rings, info->depth,
			 info->grefs_per_rq);
		info->feature_persistent = false;
		info->bounce = false;
		return;
	}
	/* Untrusted: bounce anyway, with fewer segments per request if need be. */
	while (info->max_segs > BLKIF_MAX_SEGMENTS_PER_REQUEST &&
	       info->nr_rings * info->depth * info->grefs_per_rq > XF_MAX_PGNTS) {
		info->max_segs--;
		info->ind_pages = XF_IND_PAGES(info->max_segs);
		if (info->max_segs == BLKIF_MAX_SEGMENTS_PER_REQUEST)
			info->ind_pages = 0;
		info->grefs_per_rq = info->max_segs + info->ind_pages;
	}
	dev_info(&info->xbdev->dev,
		 "%s: untrusted backend: %u bounce pages, %u segments per request\n",
		 info->name, info->nr_rings * info->depth * info->grefs_per_rq,
		 info->max_segs);
}

static int xf_set_limits(struct xf_info *info, unsigned int sector_size,
			 unsigned int phys_sector_size)
{
	const char *be = info->xbdev->otherend;
	struct mq_limits lim;

	mq_get_limits(info->q, &lim);
	lim.logical_block_size = sector_size;
	lim.physical_block_size = phys_sector_size;
	lim.max_hw_sectors = (info->max_segs * XEN_PAGE_SIZE) >> SECTOR_SHIFT;
	lim.max_segments = info->max_segs;
	lim.max_segment_size = PAGE_SIZE;
	lim.seg_boundary_mask = PAGE_SIZE - 1;
	lim.dma_alignment = SECTOR_SIZE - 1;
	/* FUA is a flush after the write: both need flush-cache. */
	lim.features &= ~(MQ_LIM_WRITE_CACHE | MQ_LIM_FUA);
	if (info->feature_flush)
		lim.features |= MQ_LIM_WRITE_CACHE | MQ_LIM_FUA;
	if (info->feature_discard) {
		lim.discard_granularity =
			xenbus_read_unsigned(be, "discard-granularity",
					     sector_size) ?: sector_size;
		lim.discard_alignment =
			xenbus_read_unsigned(be, "discard-alignment", 0);
		lim.max_discard_sectors = UINT_MAX >> SECTOR_SHIFT;
	} else {
		/* A backend restored without discard. */
		lim.max_discard_sectors = 0;
	}
	lim.max_secure_erase_sectors = info->feature_secdiscard ?
				       UINT_MAX >> SECTOR_SHIFT : 0;
	return mq_set_limits(info->q, &lim);
}

/*
 * Reconnecting after a restore failed: the disk is dead.  Its parked bios
 * fail, and so does every request from now on, without touching a ring.
 * Called with the queue quiesced by xf_resume().
 */
static void xf_recover_failed(struct xf_info *info)
{
	struct bio_list bios;
	unsigned int n = 0;
	struct bio *bio;

	spin_lock_irq(&info->park_lock);
	info->park_fail = true;
	bios = info->parked;
	bio_list_init(&info->parked);
	spin_unlock_irq(&info->park_lock);
	WRITE_ONCE(info->parking, true);
	info->recovering = false;
	info->connected = false;
	blk_mark_disk_dead(info->q->disk);
	mq_unquiesce_queue(info->q);
	mq_start_stopped_hw_queues(info->q, true);
	while ((bio = bio_list_pop(&bios))) {
		bio_io_error(bio);
		n++;
	}
	dev_err(&info->xbdev->dev,
		"%s: reconnecting after a restore failed: disk dead, %u parked bio(s) failed\n",
		info->name, n);
}

/*
 * The backend of the restored domain is connected: bring the existing
 * disk back on the new rings (same gendisk, same device number, open
 * files keep working) and issue the parked bios again.
 *
 * The new limits are set first; then the queue runs with @parking still
 * set and is frozen once (by mq_update_tag_set() when the ring count or
 * size changed), so every request built before, for the old rings and
 * limits, parks its bios too, and every bio is issued again through the
 * new limits: split again if the backend now takes fewer segments per
 * request.  Only a bio split before the limits changed whose submitter
 * had not yet entered the queue by the freeze (a window of a few
 * instructions) can still reach the driver too large: it fails with an
 * I/O error ("request with too many segments").  A backend offering more
 * segments than before gets no more than before: the requests' payload
 * was sized for the old number.
 */
static void xf_recover(struct xf_info *info, unsigned long long sectors,
		       unsigned int binfo, unsigned long ssize,
		       unsigned int pss)
{
	struct request_queue *kq = info->q->disk->queue;
	struct xenbus_device *dev = info->xbdev;
	unsigned int i, old_segs = info->max_segs, n = 0;
	struct mq_queue *q = info->q;
	struct bio_list bios;
	struct bio *bio;
	bool regeom;
	int err;

	xf_read_features(info, old_segs);
	if (info->max_segs < old_segs)
		dev_warn(&dev->dev,
			 "%s: backend now takes %u segments per request (was %u): larger bios are split again\n",
			 info->name, info->max_segs, old_segs);
	if (ssize != queue_logical_block_size(kq))
		dev_warn(&dev->dev, "%s: sector size now %lu (was %u)\n",
			 info->name, ssize, queue_logical_block_size(kq));
	for (i = 0; i < info->nr_rings; i++) {
		err = xf_ring_alloc_io(info, &info->rings[i]);
		if (err) {
			xenbus_dev_fatal(dev, err, "allocating ring %u", i);
			xf_recover_failed(info);
			return;
		}
	}

	if (xf_set_limits(info, ssize, pss)) {
		xenbus_dev_fatal(dev, -EINVAL, "limits of the restored disk");
		xf_recover_failed(info);
		return;
	}
	set_disk_ro(q->disk, binfo & VDISK_READONLY);

	regeom = info->nr_rings != q->nr_hw_queues ||
		 info->depth != info->set.queue_depth;
	/* Drain every request into @parked (see above). */
	mq_unquiesce_queue(q);
	mq_start_stopped_hw_queues(q, true);
	if (!regeom) {
		mq_freeze_queue(q);
		mq_unfreeze_queue(q);
	} else {
		dev_info(&dev->dev, "%s: %u ring(s) of %u, was %u of %u\n",
			 info->name, info->nr_rings, info->depth,
			 q->nr_hw_queues, info->set.queue_depth);
		/* Freezes the queue: what is in flight parks meanwhile. */
		err = mq_update_tag_set(&info->set, info->nr_rings,
					info->depth);
		if (err) {
			xenbus_dev_fatal(dev, err,
					 "changing the tag set to %u rings of %u",
					 info->nr_rings, info->depth);
			mq_quiesce_queue(q);
			xf_recover_failed(info);
			return;
		}
	}
	mq_quiesce_queue(q);
	if (!regeom)
		xf_bind_hctxs(info);
	for (i = 0; i < info->nr_rings; i++)
		xf_ring_set_affinity(&info->rings[i]);
	if (sectors != get_capacity(q->disk)) {
		dev_info(&dev->dev, "%s: new size %llu sectors\n", info->name,
			 sectors);
		set_capacity_and_notify(q->disk, sectors);
	}

	err = xenbus_switch_state(dev, XF_XB_CONNECTED);
	if (err) {
		xf_recover_failed(info);
		return;
	}
	WRITE_ONCE(info->parking, false);
	info->recovering = false;
	info->connected = true;
	info->resumes++;
	mq_unquiesce_queue(q);

	spin_lock_irq(&info->park_lock);
	bios = info->parked;
	bio_list_init(&info->parked);
	spin_unlock_irq(&info->park_lock);
	while ((bio = bio_list_pop(&bios))) {
		submit_bio_noacct(bio);
		n++;
	}
	dev_info(&dev->dev,
		 "%s: resumed: %u ring(s) of %u, %u segments%s%s%s, %u bio(s) issued again\n",
		 info->name, info->nr_rings, info->depth, info->max_segs,
		 info->ind_pages ? " (indirect)" : "",
		 info->feature_persistent ? ", persistent grants" : "",
		 info->untrusted ? ", untrusted: bounced" : "", n);
}

/* The backend is connected: build the disk (or pick up a new size). */
static void xf_connect(struct xf_info *info)
{
	struct xenbus_device *dev = info->xbdev;
	unsigned long long sectors;
	unsigned int binfo, i;
	unsigned long ssize;
	unsigned int pss;
	struct mq_queue *q;
	int err;

	if (info->connected) {
		if (xenbus_scanf(XBT_NIL, dev->otherend, "sectors", "%llu",
				 &sectors) == 1 &&
		    sectors != get_capacity(info->q->disk)) {
			dev_info(&dev->dev, "%s: new size %llu sectors\n",
				 info->name, sectors);
			set_capacity_and_notify(info->q->disk, sectors);
		}
		return;
	}
	if ((info->q && !info->recovering) || !info->rings)
		return;

	err = xenbus_gather(XBT_NIL, dev->otherend, "sectors", "%llu", &sectors,
			    "info", "%u", &binfo, "sector-size", "%lu", &ssize,
			    NULL);
	if (err) {
		xenbus_dev_fatal(dev, err, "reading backend fields at %s",
				 dev->otherend);
		return;
	}
	if (ssize < SECTOR_SIZE || ssize > PAGE_SIZE || !is_power_of_2(ssize)) {
		xenbus_dev_fatal(dev, -EINVAL, "sector-size %lu", ssize);
		return;
	}
	pss = xenbus_read_unsigned(dev->otherend, "physical-sector-size", ssize);
	if (pss < ssize || !is_power_of_2(pss))
		pss = ssize;
	if (info->recovering) {
		xf_recover(info, sectors, binfo, ssize, pss);
		return;
	}
	xf_read_features(info, XF_MAX_INDIRECT_SEGS);

	for (i = 0; i < info->nr_rings; i++) {
		err = xf_ring_alloc_io(info, &info->rings[i]);
		if (err) {
			xenbus_dev_fatal(dev, err, "allocating ring %u", i);
			return;
		}
	}

	info->set.ops = &xf_mq_ops;
	info->set.nr_hw_queues = info->nr_rings;
	info->set.queue_depth = info->depth;
	info->set.cmd_size = struct_size((struct xf_req *)NULL, grefs,
					 info->grefs_per_rq);
	info->set.numa_node = NUMA_NO_NODE;
	info->set.driver_data = info;
	err = mq_alloc_tag_set(&info->set);
	if (err) {
		xenbus_dev_fatal(dev, err, "allocating the tag set");
		return;
	}
	q = mq_alloc_queue(&info->set, info);
	if (IS_ERR(q)) {
		mq_free_tag_set(&info->set);
		xenbus_dev_fatal(dev, PTR_ERR(q), "allocating the queue");
		return;
	}
	info->q = q;
	for (i = 0; i < info->nr_rings; i++)
		xf_ring_set_affinity(&info->rings[i]);
	strscpy(q->disk->disk_name, info->name, sizeof(q->disk->disk_name));
	set_capacity(q->disk, sectors);
	err = xf_set_limits(info, ssize, pss);
	if (err) {
		xenbus_dev_fatal(dev, err, "setting the limits of %s", info->name);
		return;
	}
	if (binfo & VDISK_READONLY)
		set_disk_ro(q->disk, true);

	err = xenbus_switch_state(dev, XF_XB_CONNECTED);
	if (err)
		return;
	info->connected = true;
	err = mq_add_disk_parent(q, &dev->dev);
	if (err) {
		info->connected = false;
		xenbus_dev_fatal(dev, err, "adding disk %s", info->name);
		return;
	}
	dev_info(&dev->dev,
		 "%s: %llu sectors of %lu bytes, %u ring(s) of %u, %u segments%s%s%s%s%s%s\n",
		 info->name, sectors, ssize, info->nr_rings, info->depth,
		 info->max_segs, info->ind_pages ? " (indirect)" : "",
		 info->feature_persistent ? ", persistent grants" : "",
		 info->untrusted ? ", untrusted: bounced" : "",
		 info->feature_flush ? ", flush" : "",
		 info->feature_discard ? ", discard" : "",
		 binfo & VDISK_READONLY ? ", read-only" : "");
}

/*
 * A closed backend may still be finishing I/O it had started (it answers
 * before it unmaps): give it a moment, then fail what is left.
 */
static unsigned int xf_fail_after_grace(struct xf_info *info)
{
	unsigned int i, n, t;

	for (t = 0; t < XF_CLOSE_GRACE_MS / 20; t++) {
		for (i = 0, n = 0; i < info->nr_rings; i++)
			n += READ_ONCE(info->rings[i].inflight);
		if (!n)
			return 0;
		msleep(20);
	}
	for (i = 0, n = 0; i < info->nr_rings; i++)
		n += xf_ring_fail_inflight(&info->rings[i]);
	return n;
}

/*
 * The backend is closing (hot-unplug) or closed: new I/O fails at once;
 * what the backend holds completes through the interrupt while it can
 * still answer, and fails once it has closed.
 */
static void xf_closing(struct xf_info *info, bool backend_closed)
{
	struct xenbus_device *dev = info->xbdev;
	unsigned int i, n = 0;

	if (info->recovering)
		xf_recover_failed(info);
	if (info->connected) {
		dev_info(&dev->dev, "%s: backend %s, disk going away\n",
			 info->name, backend_closed ? "closed" : "closing");
		blk_mark_disk_dead(info->q->disk);
		info->connected = false;
	}
	for (i = 0; i < info->nr_rings; i++)
		xf_ring_kill(&info->rings[i]);
	if (backend_closed) {
		n = xf_fail_after_grace(info);
		if (n)
			dev_info(&dev->dev, "%s: failed %u request(s) the backend dropped\n",
				 info->name, n);
	}
	if (dev->state != XF_XB_CLOSED)
		xenbus_frontend_closed(dev);
}

static void xf_backend_changed(struct xenbus_device *dev,
			       enum xenbus_state backend_state)
{
	struct xf_info *info = dev_get_drvdata(&dev->dev);

	mutex_lock(&info->lock);
	switch (backend_state) {
	case XF_XB_INITWAIT:
		if (dev->state == XF_XB_INITIALISING &&
		    xf_talk_to_backend(info) && info->recovering)
			xf_recover_failed(info);
		break;
	case XF_XB_CONNECTED:
		if (dev->state != XF_XB_INITIALISED &&
		    dev->state != XF_XB_CONNECTED &&
		    xf_talk_to_backend(info)) {
			if (info->recovering)
				xf_recover_failed(info);
			break;
		}
		xf_connect(info);
		break;
	case XF_XB_CLOSED:
	case XF_XB_CLOSING:
		/*
		 * A backend still closing the connection of an earlier
		 * frontend (we were bound after it): it reopens when it sees
		 * us Initialising.
		 */
		if (dev->state == XF_XB_INITIALISING && !info->rings)
			break;
		xf_closing(info, backend_state == XF_XB_CLOSED);
		break;
	default:
		break;
	}
	mutex_unlock(&info->lock);
}

static int xf_probe(struct xenbus_device *dev,
		    const struct xenbus_device_id *id)
{
	unsigned int vdevice, handle;
	struct xf_info *info;
	int index, err;

	err = xenbus_scanf(XBT_NIL, dev->nodename, "virtual-device", "%u",
			   &vdevice);
	if (err != 1)
		err = xenbus_scanf(XBT_NIL, dev->nodename,
				   "virtual-device-ext", "%u", &vdevice);
	if (err != 1) {
		xenbus_dev_fatal(dev, err, "reading virtual-device");
		return err < 0 ? err : -EINVAL;
	}
	if (kstrtouint(strrchr(dev->nodename, '/') + 1, 10, &handle)) {
		xenbus_dev_fatal(dev, -EINVAL, "bad device path %s",
				 dev->nodename);
		return -EINVAL;
	}

	index = xf_vdev_index(vdevice);
	if (index >= XF_MAX_NAME_INDEX) {
		xenbus_dev_fatal(dev, -EINVAL, "virtual-device %u out of range",
				 vdevice);
		return -EINVAL;
	}
	if (index >= 0)
		index = ida_alloc_range(&xf_index_ida, index, index, GFP_KERNEL);
	else
		index = ida_alloc_max(&xf_index_ida, XF_MAX_NAME_INDEX - 1,
				      GFP_KERNEL);
	if (index < 0) {
		xenbus_dev_fatal(dev, index, "no disk name for virtual-device %u",
				 vdevice);
		return index;
	}

	info = kzalloc(sizeof(*info), GFP_KERNEL);
	if (!info) {
		ida_free(&xf_index_ida, index);
		return -ENOMEM;
	}
	mutex_init(&info->lock);
	spin_lock_init(&info->park_lock);
	bio_list_init(&info->parked);
	bio_list_init(&info->stranded);
	info->xbdev = dev;
	info->handle = handle;
	info->index = index;
	xf_disk_name(info->name, sizeof(info->name), index);
	dev_set_drvdata(&dev->dev, info);
	xf_debugfs_add(info);
	/*
	 * A driver unbound from this device before us (xen-blkfront, or an
	 * earlier load of this module) left it Closed: start over, and
	 * xen-blkback goes back to InitWait for the new connection.
	 */
	if (dev->state != XF_XB_INITIALISING)
		xenbus_switch_state(dev, XF_XB_INITIALISING);
	return 0;
}

static void xf_remove(struct xenbus_device *dev)
{
	struct xf_info *info = dev_get_drvdata(&dev->dev);
	unsigned int i;

	xf_debugfs_remove(info);
	mutex_lock(&info->lock);
	if (info->recovering)
		xf_recover_failed(info);
	if (info->q) {
		/* A backend that is gone will not answer: fail its requests. */
		if (!info->connected)
			xf_fail_after_grace(info);
		mq_remove_disk(info->q);
	}
	for (i = 0; i < info->nr_rings; i++)
		xf_ring_fail_inflight(&info->rings[i]);
	for (i = 0; i < info->nr_rings; i++)
		xf_ring_free(info, &info->rings[i]);
	if (info->q) {
		mq_free_queue(info->q);
		mq_free_tag_set(&info->set);
		info->q = NULL;
	}
	kfree(info->rings);
	info->rings = NULL;
	mutex_unlock(&info->lock);
	/* Their pages may still be mapped: leak them rather than reuse them. */
	if (info->nr_stranded)
		dev_warn(&dev->dev,
			 "%s: %u request(s) whose pages the backend kept mapped: their bios never end\n",
			 info->name, info->nr_stranded);
	ida_free(&xf_index_ida, info->index);
	kfree(info);
}

/*
 * Restored from a save (xl save/restore, or the end of a migration):
 * xenbus has set us back to Initialising.  The backend we talked to, the
 * rings, their event channels and grants belong to the domain's previous
 * incarnation.  Take every request off the old rings (their bios park
 * until the new rings are up, see xf_recover()), free the rings and
 * negotiate new ones; the disk stays.
 */
static int xf_resume(struct xenbus_device *dev)
{
	struct xf_info *info = dev_get_drvdata(&dev->dev);
	unsigned int i, n = 0;

	mutex_lock(&info->lock);
	if (info->q && (info->connected || info->recovering)) {
		/* Already parking when restored again before reconnecting. */
		if (!info->recovering) {
			/* Set first: a queue_rq past the quiesce parks too. */
			WRITE_ONCE(info->parking, true);
			mq_quiesce_queue(info->q);
			xf_unbind_hctxs(info);
		}
		info->connected = false;
		info->recovering = true;
		for (i = 0; i < info->nr_rings; i++)
			n += xf_ring_park_inflight(&info->rings[i]);
	} else if (info->q && !info->park_fail) {
		/* A disk going away (hot-unplug): it stays dead. */
		spin_lock_irq(&info->park_lock);
		info->park_fail = true;
		spin_unlock_irq(&info->park_lock);
		WRITE_ONCE(info->parking, true);
		/* No queue_rq on the old rings from here on. */
		mq_quiesce_queue(info->q);
		mq_unquiesce_queue(info->q);
		xf_unbind_hctxs(info);
		for (i = 0; i < info->nr_rings; i++)
			n += xf_ring_fail_inflight(&info->rings[i]);
	}
	/* The old ports are not ours any more: close none of them. */
	for (i = 0; i < info->nr_rings; i++)
		if (info->rings[i].irq <= 0)
			info->rings[i].evtchn = 0;
	xf_free_rings(info);
	dev_info(&dev->dev, "%s: restored: %u request(s) taken off the old rings%s\n",
		 info->name, n,
		 info->recovering ? ", reconnecting" : "");
	/* Else the backend's InitWait, seen by the watch, does it. */
	if (mq_xenbus_read_driver_state(dev, dev->otherend) == XF_XB_INITWAIT &&
	    xf_talk_to_backend(info) && info->recovering)
		xf_recover_failed(info);
	mutex_unlock(&info->lock);
	return 0;
}

static const struct xenbus_device_id xf_ids[] = {
	{ "vbd" },
	{ "" }
};

static struct xenbus_driver xf_driver = {
	.ids			= xf_ids,
	.probe			= xf_probe,
	.remove			= xf_remove,
	.resume			= xf_resume,
	.otherend_changed	= xf_backend_changed,
};

static int __init xf_init(void)
{
	int ret;

	if (!xen_domain())
		return -ENODEV;
	if (!xen_has_pv_disk_devices())
		return -ENODEV;
	xf_debugfs_init();
	ret = xenbus_register_frontend(&xf_driver);
	if (ret)
		xf_debugfs_exit();
	return ret;
}

static void __exit xf_exit(void)
{
	xenbus_unregister_driver(&xf_driver);
	xf_debugfs_exit();
}

module_init(xf_init);
module_exit(xf_exit);

MODULE_DESCRIPTION("Xen PV block frontend on the mq_core multi-queue layer");
MODULE_LICENSE("GPL");
MODULE_ALIAS("xen:vbd");
