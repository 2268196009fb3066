// SPDX-License-Identifier: GPL-2.0
/*
 * mq_virtio_blk sysfs attributes on the disk (like virtio_blk's):
 * serial (VIRTIO_BLK_T_GET_ID) and cache_type (write back / write through,
 * writable when the device offers VIRTIO_BLK_F_CONFIG_WCE).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blkdev.h>
#include <linux/device.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/virtio_config.h>

#include "virtio_blk.h"

static struct mqvb_dev *mqvb_from_dev(struct device *dev)
{
	return mq_disk_queue(dev_to_disk(dev))->queuedata;
}

static ssize_t serial_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	int err;

	/* sysfs gives us a page */
	BUILD_BUG_ON(VIRTIO_BLK_ID_BYTES + 1 > PAGE_SIZE);
	err = mqvb_get_id(mqvb_from_dev(dev), buf);
	if (!err)
		return strlen(buf);
	/* Not supported by the device: empty, like virtio_blk. */
	return err == -EIO || err == -EOPNOTSUPP ? 0 : err;
}
static DEVICE_ATTR_RO(serial);

static const char *const mqvb_cache_types[] = {
	"write through", "write back"
};

static ssize_t cache_type_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	struct mqvb_dev *vb = mqvb_from_dev(dev);
	struct mq_limits lim;
	bool wb;

	mq_get_limits(vb->q, &lim);
	wb = lim.features & MQ_LIM_WRITE_CACHE;

	return sysfs_emit(buf, "%s\n", mqvb_cache_types[wb]);
}

static ssize_t cache_type_store(struct device *dev,
				struct device_attribute *attr,
				const char *buf, size_t count)
{
	struct mqvb_dev *vb = mqvb_from_dev(dev);
	int i;

	if (!virtio_has_feature(vb->vdev, VIRTIO_BLK_F_CONFIG_WCE)) {
		dev_warn_ratelimited(dev, "cache_type: the device's write cache mode is fixed\n");
		return -EPERM;
	}
	i = sysfs_match_string(mqvb_cache_types, buf);
	if (i < 0) {
		dev_warn_ratelimited(dev, "cache_type: expected \"write through\" or \"write back\"\n");
		return -EINVAL;
	}
	mutex_lock(&vb->cfg_lock);
	virtio_cwrite8(vb->vdev, offsetof(struct virtio_blk_config, wce), i);
	mqvb_update_cache_mode(vb);
	mutex_unlock(&vb->cfg_lock);
	return count;
}
static DEVICE_ATTR_RW(cache_type);

static struct attribute *mqvb_attrs[] = {
	&dev_attr_serial.attr,
	&dev_attr_cache_type.attr,
	NULL,
};

static umode_t mqvb_attr_visible(struct kobject *kobj, struct attribute *a,
				 int n)
{
	struct mqvb_dev *vb = mqvb_from_dev(kobj_to_dev(kobj));

	if (a == &dev_attr_cache_type.attr &&
	    !virtio_has_feature(vb->vdev, VIRTIO_BLK_F_CONFIG_WCE))
		return 0444;
	return a->mode;
}

static const struct attribute_group mqvb_attr_group = {
	.attrs		= mqvb_attrs,
	.is_visible	= mqvb_attr_visible,
};

/* Added with the disk (mq_add_disk_groups), removed with it. */
const struct attribute_group *mqvb_attr_groups[] = {
	&mqvb_attr_group,
	NULL,
};
