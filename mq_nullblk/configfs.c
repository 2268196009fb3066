// SPDX-License-Identifier: GPL-2.0
/*
 * mq_nullblk - configfs interface.
 *
 * mkdir /sys/kernel/config/mq_nullblk/<name> makes a powered-off device
 * with the module parameters as defaults; its disk is mqnullb<index>
 * (see the index attribute).  The attributes are those of null_blk.
 * Writing 1 to power creates the disk, 0 removes it.
 * While powered on only submit_queues, poll_queues and hw_queue_depth can
 * change (the queues are rebuilt live); other writes fail with -EBUSY.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/configfs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/string.h>
#include <linux/stringify.h>

#include "nullb.h"

static inline struct nullb_device *to_nullb_dev(struct config_item *item)
{
	return container_of(item, struct nullb_device, item);
}

static ssize_t nullb_invalid(struct nullb_device *dev, const char *attr,
			     const char *page, size_t count,
			     const char *expected)
{
	int len = strnlen(page, count);

	if (len && page[len - 1] == '\n')
		len--;
	pr_warn_ratelimited("%s: invalid value '%.*s' for %s: expected %s\n",
			    config_item_name(&dev->item), len, page, attr,
			    expected);
	return -EINVAL;
}

/* Parsers and printers of the attribute types. */

static const char nullb_expect_uint[] = "an unsigned number";
static const char nullb_expect_ulong[] = "an unsigned number";
static const char nullb_expect_int[] = "a number";
static const char nullb_expect_bool[] = "0 or 1";

static int nullb_parse_uint(const char *page, unsigned int *val)
{
	return kstrtouint(page, 0, val);
}

static int nullb_parse_ulong(const char *page, unsigned long *val)
{
	return kstrtoul(page, 0, val);
}

static int nullb_parse_int(const char *page, int *val)
{
	return kstrtoint(page, 0, val);
}

static int nullb_parse_bool(const char *page, bool *val)
{
	return kstrtobool(page, val);
}

static ssize_t nullb_show_uint(char *page, unsigned int val)
{
	return scnprintf(page, PAGE_SIZE, "%u\n", val);
}

static ssize_t nullb_show_ulong(char *page, unsigned long val)
{
	return scnprintf(page, PAGE_SIZE, "%lu\n", val);
}

static ssize_t nullb_show_int(char *page, int val)
{
	return scnprintf(page, PAGE_SIZE, "%d\n", val);
}

static ssize_t nullb_show_bool(char *page, bool val)
{
	return scnprintf(page, PAGE_SIZE, "%u\n", val);
}

/*
 * Range checks: NULL if @val is valid, else what is expected.  Where
 * null_blk takes any number and clamps it (queue counts, queue_mode,
 * irqmode, mbps), so does mq_nullblk, with a log line.
 */

static void nullb_clamped(struct nullb_device *dev, const char *attr,
			  unsigned int from, unsigned int to, const char *why)
{
	pr_info_ratelimited("%s: %s %u %s, using %u\n",
			    config_item_name(&dev->item), attr, from, why, to);
}

static const char *nullb_check_size(struct nullb_device *dev,
				    unsigned long *val)
{
	return *val && *val <= NULLB_MAX_SIZE_MB ? NULL : "a size in MiB >= 1";
}

static const char *nullb_check_completion_nsec(struct nullb_device *dev,
					       unsigned long *val)
{
	return *val <= NULLB_MAX_COMPLETION_NSEC ? NULL :
		"0..3600000000000 (ns)";
}

static const char *nullb_check_submit_queues(struct nullb_device *dev,
					     unsigned int *val)
{
	if (!*val) {
		nullb_clamped(dev, "submit_queues", *val, 1, "is less than 1");
		*val = 1;
	} else if (*val > nr_cpu_ids) {
		nullb_clamped(dev, "submit_queues", *val, nr_cpu_ids,
			      "is more than the possible CPUs");
		*val = nr_cpu_ids;
	}
	return NULL;
}

static const char *nullb_check_poll_queues(struct nullb_device *dev,
					   unsigned int *val)
{
	if (*val > nr_cpu_ids) {
		nullb_clamped(dev, "poll_queues", *val, nr_cpu_ids,
			      "is more than the possible CPUs");
		*val = nr_cpu_ids;
	}
	return NULL;
}

static const char *nullb_check_home_node(struct nullb_device *dev, int *val)
{
	return nullb_valid_home_node(*val) ? NULL : "-1 or an online NUMA node";
}

static const char *nullb_check_queue_mode(struct nullb_device *dev,
					  unsigned int *val)
{
	if (*val > NULLB_Q_MQ) {
		nullb_clamped(dev, "queue_mode", *val, NULLB_Q_MQ,
			      "is more than 2");
		*val = NULLB_Q_MQ;
	}
	return NULL;
}

static const char *nullb_check_blocksize(struct nullb_device *dev,
					 unsigned int *val)
{
	return nullb_valid_bs(*val) ? NULL : "a power of two in 512..4096";
}

static const char *nullb_check_max_sectors(struct nullb_device *dev,
					   unsigned int *val)
{
	return nullb_valid_max_sectors(*val) ? NULL : "0 or 8..8388607";
}

static const char *nullb_check_irqmode(struct nullb_device *dev,
				       unsigned int *val)
{
	if (*val > NULLB_IRQ_TIMER) {
		nullb_clamped(dev, "irqmode", *val, NULLB_IRQ_TIMER,
			      "is more than 2 (timer)");
		*val = NULLB_IRQ_TIMER;
	}
	return NULL;
}

static const char *nullb_check_hw_queue_depth(struct nullb_device *dev,
					      unsigned int *val)
{
	return *val && *val <= NULLB_MAX_DEPTH ? NULL : "1..10240";
}

static const char *nullb_check_mbps(struct nullb_device *dev,
				    unsigned int *val)
{
	if (*val > NULLB_MAX_MBPS) {
		nullb_clamped(dev, "mbps", *val, NULLB_MAX_MBPS,
			      "is more than the maximum");
		*val = NULLB_MAX_MBPS;
	}
	return NULL;
}

/* Zoned block devices are not emulated: zoned=1 is refused. */
static const char *nullb_check_zoned(struct nullb_device *dev, bool *val)
{
	return *val ? "0: zoned devices are not emulated by mq_nullblk" : NULL;
}

/* Changes applied to a powered-on device. */

static int nullb_apply_submit_queues(struct nullb_device *dev,
				     unsigned int val)
{
	return nullb_update_queues(dev, val, dev->poll_queues,
				   dev->hw_queue_depth);
}

static int nullb_apply_poll_queues(struct nullb_device *dev, unsigned int val)
{
	return nullb_update_queues(dev, dev->submit_queues, val,
				   dev->hw_queue_depth);
}

static int nullb_apply_hw_queue_depth(struct nullb_device *dev,
				      unsigned int val)
{
	return nullb_update_queues(dev, dev->submit_queues, dev->poll_queues,
				   val);
}

/*
 * An attribute for field @_name of type @type, parsed and shown by
 * nullb_{parse,show}_@_kind, valid when @_check (or NULL) says so.  Only
 * attributes with @_apply (or NULL) may change while the device is powered
 * on.  nullb_lock serialises stores against power on and off.
 */
#define NULLB_DEVICE_ATTR(_name, _kind, type, _check, _apply)		\
static type *nullb_device_##_name##_ptr(struct config_item *item)	\
{									\
	return (void *)to_nullb_dev(item) +				\
		offsetof(struct nullb_device, _name);			\
}									\
									\
static ssize_t nullb_device_##_name##_show(struct config_item *item,	\
					   char *page)			\
{									\
	return nullb_show_##_kind(page, *nullb_device_##_name##_ptr(item)); \
}									\
									\
static ssize_t nullb_device_##_name##_store(struct config_item *item,	\
					    const char *page,		\
					    size_t count)		\
{									\
	const char *(*check)(struct nullb_device *dev, type *val) = _check; \
	int (*apply)(struct nullb_device *dev, type val) = _apply;	\
	struct nullb_device *dev = to_nullb_dev(item);			\
	const char *expected = NULL;					\
	type val;							\
	int ret = 0;							\
									\
	if (nullb_parse_##_kind(page, &val))				\
		expected = nullb_expect_##_kind;			\
	else if (check)							\
		expected = check(dev, &val);				\
	if (expected)							\
		return nullb_invalid(dev, __stringify(_name), page, count, \
				     expected);				\
									\
	mutex_lock(&nullb_lock);					\
	if (dev->nullb && !apply) {					\
		pr_warn_ratelimited("%s: cannot change %s while powered on\n", \
				    config_item_name(item),		\
				    __stringify(_name));		\
		ret = -EBUSY;						\
	} else if (dev->nullb) {					\
		ret = apply(dev, val);					\
	}								\
	if (!ret)							\
		*nullb_device_##_name##_ptr(item) = val;		\
	mutex_unlock(&nullb_lock);					\
	return ret ? ret : count;					\
}									\
									\
static struct configfs_attribute nullb_device_attr_##_name = {		\
	.ca_name	= __stringify(_name),				\
	.ca_mode	= 0644,						\
	.ca_owner	= THIS_MODULE,					\
	.show		= nullb_device_##_name##_show,			\
	.store		= nullb_device_##_name##_store,			\
}

NULLB_DEVICE_ATTR(size, ulong, unsigned long, nullb_check_size, NULL);
NULLB_DEVICE_ATTR(completion_nsec, ulong, unsigned long,
		  nullb_check_completion_nsec, NULL);
NULLB_DEVICE_ATTR(submit_queues, uint, unsigned int,
		  nullb_check_submit_queues, nullb_apply_submit_queues);
NULLB_DEVICE_ATTR(poll_queues, uint, unsigned int, nullb_check_poll_queues,
		  nullb_apply_poll_queues);
NULLB_DEVICE_ATTR(home_node, int, int, nullb_check_home_node, NULL);
NULLB_DEVICE_ATTR(queue_mode, uint, unsigned int, nullb_check_queue_mode,
		  NULL);
NULLB_DEVICE_ATTR(blocksize, uint, unsigned int, nullb_check_blocksize, NULL);
NULLB_DEVICE_ATTR(max_sectors, uint, unsigned int, nullb_check_max_sectors,
		  NULL);
NULLB_DEVICE_ATTR(irqmode, uint, unsigned int, nullb_check_irqmode, NULL);
NULLB_DEVICE_ATTR(hw_queue_depth, uint, unsigned int,
		  nullb_check_hw_queue_depth, nullb_apply_hw_queue_depth);
NULLB_DEVICE_ATTR(blocking, bool, bool, NULL, NULL);
NULLB_DEVICE_ATTR(use_per_node_hctx, bool, bool, NULL, NULL);
NULLB_DEVICE_ATTR(memory_backed, bool, bool, NULL, NULL);
NULLB_DEVICE_ATTR(discard, bool, bool, NULL, NULL);
NULLB_DEVICE_ATTR(mbps, uint, unsigned int, nullb_check_mbps, NULL);
NULLB_DEVICE_ATTR(cache_size, ulong, unsigned long, NULL, NULL);
NULLB_DEVICE_ATTR(no_sched, bool, bool, NULL, NULL);
NULLB_DEVICE_ATTR(shared_tags, bool, bool, NULL, NULL);
NULLB_DEVICE_ATTR(shared_tag_bitmap, bool, bool, NULL, NULL);
NULLB_DEVICE_ATTR(virt_boundary, bool, bool, NULL, NULL);
NULLB_DEVICE_ATTR(zoned, bool, bool, nullb_check_zoned, NULL);
NULLB_DEVICE_ATTR(zone_size, ulong, unsigned long, NULL, NULL);
NULLB_DEVICE_ATTR(zone_capacity, ulong, unsigned long, NULL, NULL);
NULLB_DEVICE_ATTR(zone_nr_conv, uint, unsigned int, NULL, NULL);
NULLB_DEVICE_ATTR(zone_max_open, uint, unsigned int, NULL, NULL);
NULLB_DEVICE_ATTR(zone_max_active, uint, unsigned int, NULL, NULL);
NULLB_DEVICE_ATTR(zone_append_max_sectors, uint, unsigned int, NULL, NULL);
NULLB_DEVICE_ATTR(zone_full, bool, bool, NULL, NULL);
NULLB_DEVICE_ATTR(fua, bool, bool, NULL, NULL);
NULLB_DEVICE_ATTR(rotational, bool, bool, NULL, NULL);

/*
 * null_blk's attributes that need emulation mq_nullblk does not have: they
 * exist (a script that probes them sees them) but every write is refused
 * with a log line, and features does not list them.
 */
static ssize_t nullb_unsupported(struct config_item *item, const char *attr,
				 const char *why)
{
	pr_warn_ratelimited("%s: %s is not supported: %s\n",
			    config_item_name(item), attr, why);
	return -EOPNOTSUPP;
}

static ssize_t nullb_device_badblocks_show(struct config_item *item,
					   char *page)
{
	return 0;	/* no bad blocks */
}

static ssize_t nullb_device_badblocks_store(struct config_item *item,
					    const char *page, size_t count)
{
	return nullb_unsupported(item, "badblocks",
				 "bad block emulation is not implemented");
}
CONFIGFS_ATTR(nullb_device_, badblocks);

static ssize_t nullb_device_zone_readonly_store(struct config_item *item,
						const char *page, size_t count)
{
	return nullb_unsupported(item, "zone_readonly", "the device is not zoned");
}
CONFIGFS_ATTR_WO(nullb_device_, zone_readonly);

static ssize_t nullb_device_zone_offline_store(struct config_item *item,
					       const char *page, size_t count)
{
	return nullb_unsupported(item, "zone_offline", "the device is not zoned");
}
CONFIGFS_ATTR_WO(nullb_device_, zone_offline);

static ssize_t nullb_device_index_show(struct config_item *item, char *page)
{
	return nullb_show_int(page, to_nullb_dev(item)->index);
}
CONFIGFS_ATTR_RO(nullb_device_, index);

static ssize_t nullb_device_power_show(struct config_item *item, char *page)
{
	return nullb_show_bool(page, to_nullb_dev(item)->power);
}

static ssize_t nullb_device_power_store(struct config_item *item,
					const char *page, size_t count)
{
	struct nullb_device *dev = to_nullb_dev(item);
	bool power;
	int ret = 0;

	if (kstrtobool(page, &power))
		return nullb_invalid(dev, "power", page, count,
				     nullb_expect_bool);

	mutex_lock(&nullb_lock);
	if (dev->dropped) {
		ret = -ENODEV;		/* rmdir'ed while we were called */
	} else if (power && !dev->power) {
		ret = nullb_add_dev(dev);
		if (!ret)
			dev->power = true;
	} else if (!power && dev->power) {
		nullb_del_dev(dev);
		dev->power = false;
	}
	mutex_unlock(&nullb_lock);
	return ret ? ret : count;
}
CONFIGFS_ATTR(nullb_device_, power);

static struct configfs_attribute *nullb_device_attrs[] = {
	&nullb_device_attr_size,
	&nullb_device_attr_completion_nsec,
	&nullb_device_attr_submit_queues,
	&nullb_device_attr_poll_queues,
	&nullb_device_attr_home_node,
	&nullb_device_attr_queue_mode,
	&nullb_device_attr_blocksize,
	&nullb_device_attr_max_sectors,
	&nullb_device_attr_irqmode,
	&nullb_device_attr_hw_queue_depth,
	&nullb_device_attr_index,
	&nullb_device_attr_blocking,
	&nullb_device_attr_use_per_node_hctx,
	&nullb_device_attr_power,
	&nullb_device_attr_memory_backed,
	&nullb_device_attr_discard,
	&nullb_device_attr_mbps,
	&nullb_device_attr_cache_size,
	&nullb_device_attr_no_sched,
	&nullb_device_attr_shared_tags,
	&nullb_device_attr_shared_tag_bitmap,
	&nullb_device_attr_virt_boundary,
	&nullb_device_attr_zoned,
	&nullb_device_attr_zone_size,
	&nullb_device_attr_zone_capacity,
	&nullb_device_attr_zone_nr_conv,
	&nullb_device_attr_zone_max_open,
	&nullb_device_attr_zone_max_active,
	&nullb_device_attr_zone_append_max_sectors,
	&nullb_device_attr_zone_full,
	&nullb_device_attr_fua,
	&nullb_device_attr_rotational,
	&nullb_device_attr_badblocks,
	&nullb_device_attr_zone_readonly,
	&nullb_device_attr_zone_offline,
	NULL,
};

static void nullb_device_release(struct config_item *item)
{
	nullb_free_dev(to_nullb_dev(item));
}

static struct configfs_item_operations nullb_device_ops = {
	.release	= nullb_device_release,
};

static const struct config_item_type nullb_device_type = {
	.ct_item_ops	= &nullb_device_ops,
	.ct_attrs	= nullb_device_attrs,
	.ct_owner	= THIS_MODULE,
};

static struct config_item *nullb_group_make_item(struct config_group *group,
						 const char *name)
{
	struct nullb_device *dev;

	dev = nullb_alloc_dev(name);
	if (IS_ERR(dev))
		return ERR_CAST(dev);

	config_item_init_type_name(&dev->item, name, &nullb_device_type);
	return &dev->item;
}

static void nullb_group_drop_item(struct config_group *group,
				  struct config_item *item)
{
	struct nullb_device *dev = to_nullb_dev(item);

	mutex_lock(&nullb_lock);
	nullb_del_dev(dev);
	dev->power = false;
	dev->dropped = true;
	mutex_unlock(&nullb_lock);

	config_item_put(item);
}

static ssize_t nullb_group_features_show(struct config_item *item, char *page)
{
	return scnprintf(page, PAGE_SIZE,
			 "blocking,blocksize,cache_size,fua,completion_nsec,discard,home_node,hw_queue_depth,index,irqmode,max_sectors,mbps,memory_backed,no_sched,poll_queues,power,queue_mode,rotational,shared_tag_bitmap,shared_tags,size,submit_queues,use_per_node_hctx,virt_boundary\n");
}
CONFIGFS_ATTR_RO(nullb_group_, features);

static struct configfs_attribute *nullb_group_attrs[] = {
	&nullb_group_attr_features,
	NULL,
};

static struct configfs_group_operations nullb_group_ops = {
	.make_item	= nullb_group_make_item,
	.drop_item	= nullb_group_drop_item,
};

static const struct config_item_type nullb_group_type = {
	.ct_group_ops	= &nullb_group_ops,
	.ct_attrs	= nullb_group_attrs,
	.ct_owner	= THIS_MODULE,
};

static struct configfs_subsystem nullb_subsys = {
	.su_group = {
		.cg_item = {
			.ci_namebuf	= KBUILD_MODNAME,
			.ci_type	= &nullb_group_type,
		},
	},
};

int nullb_configfs_init(void)
{
	config_group_init(&nullb_subsys.su_group);
	mutex_init(&nullb_subsys.su_mutex);
	return configfs_register_subsystem(&nullb_subsys);
}

void nullb_configfs_exit(void)
{
	configfs_unregister_subsystem(&nullb_subsys);
}
