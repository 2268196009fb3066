// SPDX-License-Identifier: GPL-2.0
/*
 * sysfs of hosts (/sys/class/mq_scsi_host/mqhost<N>/) and logical units
 * (/sys/class/mq_scsi_device/<h>:0:<t>:<l>/, also <disk>/device/).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/sysfs.h>

#include "mq_scsi_priv.h"

static struct mq_scsi_host *to_shost(struct device *dev)
{
	return container_of(dev, struct mq_scsi_host, dev);
}

static struct mq_scsi_device *to_sdev(struct device *dev)
{
	return container_of(dev, struct mq_scsi_device, dev);
}

static ssize_t scan_store(struct device *dev, struct device_attribute *attr,
			  const char *buf, size_t count)
{
	int ret;

	/* "- - -" like SCSI hosts: everything is scanned */
	if (!sysfs_streq(buf, "- - -") && !sysfs_streq(buf, "1")) {
		dev_warn(dev, "scan: write \"- - -\" or 1\n");
		return -EINVAL;
	}
	ret = mq_scsi_scan(to_shost(dev));
	return ret ?: count;
}
static DEVICE_ATTR_WO(scan);

static ssize_t can_queue_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", to_shost(dev)->can_queue);
}
static DEVICE_ATTR_RO(can_queue);

static ssize_t nr_hw_queues_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", to_shost(dev)->nr_hw_queues);
}
static DEVICE_ATTR_RO(nr_hw_queues);

static ssize_t proc_name_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	const struct mq_scsi_host_template *t = to_shost(dev)->hostt;

	return sysfs_emit(buf, "%s\n", t->proc_name ?: t->name);
}
static DEVICE_ATTR_RO(proc_name);

/* The LLD's one-line description (&mq_scsi_host_template.info). */
static ssize_t info_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	struct mq_scsi_host *shost = to_shost(dev);

	return sysfs_emit(buf, "%s\n", shost->hostt->info ?
			  shost->hostt->info(shost) : shost->hostt->name);
}
static DEVICE_ATTR_RO(info);

static const char *const mq_shost_states[] = {
	[MQ_SHOST_CREATED]	= "created",
	[MQ_SHOST_RUNNING]	= "running",
	[MQ_SHOST_REMOVING]	= "removing",
};

static ssize_t host_state_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  mq_shost_states[READ_ONCE(to_shost(dev)->state)]);
}

static struct device_attribute dev_attr_host_state =
	__ATTR(state, 0444, host_state_show, NULL);

static ssize_t host_busy_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	struct mq_scsi_host *shost = to_shost(dev);
	struct mq_scsi_device *sdev;
	int busy = 0;

	mutex_lock(&shost->scan_mutex);
	list_for_each_entry(sdev, &shost->devices, siblings)
		busy += atomic_read(&sdev->budget);
	mutex_unlock(&shost->scan_mutex);
	return sysfs_emit(buf, "%d\n", busy);
}
static DEVICE_ATTR_RO(host_busy);

static struct attribute *mq_scsi_host_attrs[] = {
	&dev_attr_scan.attr,
	&dev_attr_host_state.attr,
	&dev_attr_host_busy.attr,
	&dev_attr_can_queue.attr,
	&dev_attr_nr_hw_queues.attr,
	&dev_attr_proc_name.attr,
	&dev_attr_info.attr,
	NULL,
};

static const struct attribute_group mq_scsi_host_group = {
	.attrs = mq_scsi_host_attrs,
};

const struct attribute_group *mq_scsi_host_groups[] = {
	&mq_scsi_host_group,
	NULL,
};

static ssize_t vendor_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%.8s\n", to_sdev(dev)->vendor);
}
static DEVICE_ATTR_RO(vendor);

static ssize_t model_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%.16s\n", to_sdev(dev)->model);
}
static DEVICE_ATTR_RO(model);

static ssize_t rev_show(struct device *dev, struct device_attribute *attr,
			char *buf)
{
	return sysfs_emit(buf, "%.4s\n", to_sdev(dev)->rev);
}
static DEVICE_ATTR_RO(rev);

static ssize_t type_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%u\n", to_sdev(dev)->type);
}
static DEVICE_ATTR_RO(type);

static ssize_t queue_depth_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(to_sdev(dev)->queue_depth));
}

static ssize_t queue_depth_store(struct device *dev,
				 struct device_attribute *attr,
				 const char *buf, size_t count)
{
	struct mq_scsi_device *sdev = to_sdev(dev);
	unsigned int depth;

	if (kstrtouint(buf, 0, &depth) || !depth ||
	    depth > sdev->host->can_queue) {
		dev_warn(dev, "queue_depth must be 1..%u\n",
			 sdev->host->can_queue);
		return -EINVAL;
	}
	if (sdev->host->hostt->change_queue_depth) {
		int ret = sdev->host->hostt->change_queue_depth(sdev, depth);

		if (ret < 0)
			return ret;
	} else {
		mq_scsi_change_queue_depth(sdev, depth);
	}
	/* a larger depth may let waiting requests go now */
	if (mq_scsi_device_get(sdev)) {
		mq_run_hw_queues(sdev->q, true);
		mq_scsi_device_put(sdev);
	}
	return count;
}
static DEVICE_ATTR_RW(queue_depth);

/* Command timeout in seconds, like sd's device/timeout. */
static ssize_t timeout_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	struct mq_scsi_device *sdev = to_sdev(dev);
	unsigned int t = 0;

	if (mq_scsi_device_get(sdev)) {
		if (sdev->q)
			t = mq_queue_timeout(sdev->q) / HZ;
		mq_scsi_device_put(sdev);
	}
	return sysfs_emit(buf, "%u\n", t);
}

static ssize_t timeout_store(struct device *dev, struct device_attribute *attr,
			     const char *buf, size_t count)
{
	struct mq_scsi_device *sdev = to_sdev(dev);
	unsigned int secs;
	int ret = -ENODEV;

	if (kstrtouint(buf, 0, &secs) || !secs || secs > 3600) {
		dev_warn(dev, "timeout must be 1..3600 seconds\n");
		return -EINVAL;
	}
	if (mq_scsi_device_get(sdev)) {
		ret = sdev->q ? mq_set_queue_timeout(sdev->q, secs * HZ) :
				-ENODEV;
		mq_scsi_device_put(sdev);
	}
	return ret ? ret : count;
}
static DEVICE_ATTR_RW(timeout);

static ssize_t queue_ramp_up_period_show(struct device *dev,
					 struct device_attribute *attr,
					 char *buf)
{
	return sysfs_emit(buf, "%u\n",
			  jiffies_to_msecs(READ_ONCE(to_sdev(dev)->ramp_up_period)));
}

/* ms between steps of the depth growing back after TASK SET FULL */
static ssize_t queue_ramp_up_period_store(struct device *dev,
					  struct device_attribute *attr,
					  const char *buf, size_t count)
{
	unsigned int ms;

	if (kstrtouint(buf, 0, &ms) || !ms || ms > 3600 * 1000) {
		dev_warn(dev, "queue_ramp_up_period must be 1..3600000 ms\n");
		return -EINVAL;
	}
	WRITE_ONCE(to_sdev(dev)->ramp_up_period, msecs_to_jiffies(ms));
	return count;
}
static DEVICE_ATTR_RW(queue_ramp_up_period);

static ssize_t max_queue_depth_show(struct device *dev,
				    struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(to_sdev(dev)->max_queue_depth));
}
static DEVICE_ATTR_RO(max_queue_depth);

static ssize_t rescan_store(struct device *dev, struct device_attribute *attr,
			    const char *buf, size_t count)
{
	int ret;

	if (!sysfs_streq(buf, "1")) {
		dev_warn(dev, "rescan: write 1\n");
		return -EINVAL;
	}
	ret = mq_scsi_rescan_device(to_sdev(dev));
	return ret ?: count;
}
static DEVICE_ATTR_WO(rescan);

static const char *const mq_sdev_states[] = {
	[MQ_SDEV_CREATED]	= "created",
	[MQ_SDEV_RUNNING]	= "running",
	[MQ_SDEV_OFFLINE]	= "offline",
	[MQ_SDEV_CANCEL]	= "cancel",
	[MQ_SDEV_DEL]		= "deleted",
};

static ssize_t state_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%s\n", mq_sdev_states[READ_ONCE(to_sdev(dev)->state)]);
}

/* "running" brings an offline LUN back, "offline" fails its commands. */
static ssize_t state_store(struct device *dev, struct device_attribute *attr,
			   const char *buf, size_t count)
{
	struct mq_scsi_device *sdev = to_sdev(dev);
	enum mq_scsi_dev_state new;
	int ret = count;

	if (sysfs_streq(buf, "running")) {
		new = MQ_SDEV_RUNNING;
	} else if (sysfs_streq(buf, "offline")) {
		new = MQ_SDEV_OFFLINE;
	} else {
		dev_warn(dev, "state: write running or offline\n");
		return -EINVAL;
	}
	mutex_lock(&sdev->host->scan_mutex);
	if (sdev->state == MQ_SDEV_RUNNING || sdev->state == MQ_SDEV_OFFLINE)
		WRITE_ONCE(sdev->state, new);
	else
		ret = -EBUSY;
	mutex_unlock(&sdev->host->scan_mutex);
	return ret;
}
static DEVICE_ATTR_RW(state);

static ssize_t delete_store(struct device *dev, struct device_attribute *attr,
			    const char *buf, size_t count)
{
	struct mq_scsi_device *sdev = to_sdev(dev);
	struct mq_scsi_host *shost = sdev->host;

	if (!sysfs_streq(buf, "1")) {
		dev_warn(dev, "delete: write 1\n");
		return -EINVAL;
	}
	/* Removing the device removes this file: do not wait on ourselves. */
	if (!device_remove_file_self(dev, attr))
		return count;
	get_device(dev);
	mutex_lock(&shost->scan_mutex);
	if (sdev->state != MQ_SDEV_CANCEL && sdev->state != MQ_SDEV_DEL &&
	    !list_empty(&sdev->siblings))
		mq_scsi_remove_device(sdev);
	mutex_unlock(&shost->scan_mutex);
	put_device(dev);
	return count;
}
static DEVICE_ATTR_WO(delete);

static struct attribute *mq_scsi_dev_attrs[] = {
	&dev_attr_vendor.attr,
	&dev_attr_model.attr,
	&dev_attr_rev.attr,
	&dev_attr_type.attr,
	&dev_attr_queue_depth.attr,
	&dev_attr_max_queue_depth.attr,
	&dev_attr_queue_ramp_up_period.attr,
	&dev_attr_timeout.attr,
	&dev_attr_state.attr,
	&dev_attr_rescan.attr,
	&dev_attr_delete.attr,
	NULL,
};

static const struct attribute_group mq_scsi_dev_group = {
	.attrs = mq_scsi_dev_attrs,
};

const struct attribute_group *mq_scsi_dev_groups[] = {
	&mq_scsi_dev_group,
	NULL,
};
