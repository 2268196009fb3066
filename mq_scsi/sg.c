// SPDX-License-Identifier: GPL-2.0
/*
 * The SCSI generic node of each logical unit, and the sysfs directories
 * the midlayer gives a SCSI device, for tools that find a disk's SCSI
 * side through sysfs (sg3_utils, blktests' scsi group):
 *
 *   /dev/sg<N>                      sg's character device interface: SG_IO,
 *                                   the v3 (sg_io_hdr) and v2 (sg_header)
 *                                   write()/read() interface, the sg ioctls
 *   <sdev>/scsi_generic/sg<N>       link to it
 *   <sdev>/scsi_device/<h:c:t:l>/   (as the midlayer's class device)
 *   <sdev>/scsi_disk/<h:c:t:l>/cache_type   sd's attribute
 *
 * N counts from MQ_SG_NAME_BASE (32768): the kernel's sg numbers its
 * nodes from 0, one per SCSI device of the real midlayer, so the two sets
 * of names never meet.  The "scsi_*" directories are plain kobjects (the
 * classes of those names belong to the midlayer).  A write() runs its
 * command to completion before it returns; read() hands the results back
 * in order (pack_id is kept and reported, not used for matching).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cdev.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <scsi/scsi.h>
#include <scsi/scsi_proto.h>
#include <scsi/sg.h>

#include "mq_scsi_priv.h"

#define MQ_SG_NAME_BASE		32768
#define MQ_SG_MAX_DEVS		4096
#define MQ_SG_MAX_PENDING	16	/* results waiting for read() per fd */
#define MQ_SG_DEFAULT_TIMEOUT	(60 * HZ)
#define SZ_SG_HEADER		sizeof(struct sg_header)	/* 36 */

struct mq_scsi_sg {
	struct device dev;
	struct cdev cdev;
	struct mq_scsi_device *sdev;
	struct kobject *generic_dir, *device_dir, *device_hctl;
	struct kobject *disk_dir, *disk_hctl;
	int index;
};

/* One command written and not yet read back. */
struct mq_sg_result {
	struct list_head node;
	bool v3;
	struct sg_io_hdr hdr;		/* v3: the header as written, updated */
	struct sg_header old;		/* v2 */
	u8 *buf;			/* data from the device */
	unsigned int len, resid;
	u8 sense[MQ_SCSI_SENSE_SIZE];
	unsigned int sense_len;
};

struct mq_sg_file {
	struct mq_scsi_sg *sg;
	struct mutex lock;		/* the list and settings */
	struct list_head done;
	unsigned int nr_done;
	wait_queue_head_t wait;
	unsigned int timeout;		/* jiffies */
	int reserved;
	bool force_pack_id, command_q;
};

/* CDB length by opcode group, as the midlayer's COMMAND_SIZE(). */
static const u8 mq_sg_group_cdb_len[8] = { 6, 10, 10, 12, 16, 12, 10, 10 };

static dev_t mq_sg_devt;
static DEFINE_IDA(mq_sg_ida);

static void mq_sg_dev_release(struct device *dev)
{
	struct mq_scsi_sg *sg = container_of(dev, struct mq_scsi_sg, dev);

	put_device(&sg->sdev->dev);
	ida_free(&mq_sg_ida, sg->index);
	kfree(sg);
}

static struct class mq_sg_class = {
	.name = "mq_scsi_generic",
};

/* Runs @cdb as SG_IO would; fills @r.  0 or a negative errno. */
static int mq_sg_run(struct mq_sg_file *f, const u8 *cdb, unsigned int cdb_len,
		     int dxfer_dir, void *buf, unsigned int len,
		     unsigned int timeout, struct mq_sg_result *r)
{
	struct mq_scsi_device *sdev = f->sg->sdev;
	enum dma_data_direction dir;
	int result;

	if (!capable(CAP_SYS_RAWIO))
		return -EPERM;
	if (!mq_scsi_device_get(sdev))
		return -ENODEV;
	/* the v2 header's lengths are bounded as SG_IO's dxfer_len is */
	if (len > mq_scsi_sg_max_len(sdev)) {
		mq_scsi_device_put(sdev);
		dev_warn_ratelimited(&sdev->dev, "sg: transfer of %u bytes above %u\n",
				     len, mq_scsi_sg_max_len(sdev));
		return -EINVAL;
	}
	dir = dxfer_dir == SG_DXFER_TO_DEV ? DMA_TO_DEVICE :
	      len ? DMA_FROM_DEVICE : DMA_NONE;
	result = mq_scsi_execute(sdev, cdb, cdb_len, dir, buf, len, r->sense,
				 timeout, &r->resid);
	mq_scsi_device_put(sdev);
	if (result < 0)
		return result;
	r->hdr.status = result & 0xff;
	r->hdr.masked_status = (r->hdr.status >> 1) & 0x7f;
	r->hdr.host_status = mq_scsi_host_byte(result);
	r->hdr.driver_status = 0;
	r->sense_len = 0;
	if (r->hdr.status == SAM_STAT_CHECK_CONDITION) {
		r->hdr.driver_status = MQ_SG_DRIVER_SENSE;
		r->sense_len = min_t(unsigned int, 8 + r->sense[7],
				     MQ_SCSI_SENSE_SIZE);
	}
	r->hdr.resid = r->resid;
	r->hdr.info = (r->hdr.status || r->hdr.host_status ||
		       r->hdr.driver_status) ? SG_INFO_CHECK : SG_INFO_OK;
	return 0;
}

static void mq_sg_free_result(struct mq_sg_result *r)
{
	kfree(r->buf);
	kfree(r);
}

static int mq_sg_queue_result(struct mq_sg_file *f, struct mq_sg_result *r)
{
	mutex_lock(&f->lock);
	if (f->nr_done >= MQ_SG_MAX_PENDING) {
		mutex_unlock(&f->lock);
		return -EDOM;		/* sg's answer when too many wait */
	}
	list_add_tail(&r->node, &f->done);
	f->nr_done++;
	mutex_unlock(&f->lock);
	wake_up_interruptible(&f->wait);
	return 0;
}

/* Run a written command and keep its result for read(); frees @r on error. */
static ssize_t mq_sg_submit(struct mq_sg_file *f, const u8 *cdb,
			    unsigned int cdb_len, int dir, unsigned int timeout,
			    struct mq_sg_result *r, size_t count)
{
	int ret;

	ret = mq_sg_run(f, cdb, cdb_len, dir, r->buf, r->len,
			clamp_t(unsigned int, timeout, 1, 3600 * HZ), r);
	if (!ret)
		ret = mq_sg_queue_result(f, r);
	if (ret) {
		mq_sg_free_result(r);
		return ret;
	}
	return count;
}

/* write() of a struct sg_io_hdr (interface_id 'S'). */
static ssize_t mq_sg_write_v3(struct mq_sg_file *f, const char __user *ubuf,
			      size_t count)
{
	struct mq_scsi_device *sdev = f->sg->sdev;
	u8 cdb[MQ_SCSI_MAX_CDB];
	struct mq_sg_result *r;
	unsigned int timeout;
	int ret;

	if (count < sizeof(struct sg_io_hdr))
		return -EINVAL;
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	r->v3 = true;
	ret = -EFAULT;
	if (copy_from_user(&r->hdr, ubuf, sizeof(r->hdr)))
		goto err;
	ret = mq_scsi_sg_check_hdr(sdev, &r->hdr);
	if (ret)
		goto err;
	ret = -EFAULT;
	if (copy_from_user(cdb, r->hdr.cmdp, r->hdr.cmd_len))
		goto err;
	r->len = r->hdr.dxfer_len;
	if (r->len) {
		ret = -ENOMEM;
		r->buf = kzalloc(r->len, GFP_KERNEL | __GFP_NOWARN);
		if (!r->buf)
			goto err;
		ret = -EFAULT;
		if ((r->hdr.dxfer_direction == SG_DXFER_TO_DEV ||
		     r->hdr.dxfer_direction == SG_DXFER_TO_FROM_DEV) &&
		    copy_from_user(r->buf, r->hdr.dxferp, r->len))
			goto err;
	}
	timeout = r->hdr.timeout ? msecs_to_jiffies(r->hdr.timeout) :
		  f->timeout;
	return mq_sg_submit(f, cdb, r->hdr.cmd_len, r->hdr.dxfer_direction,
			    timeout, r, count);
err:
	mq_sg_free_result(r);
	return ret;
}

/*
 * write() of the old interface: a struct sg_header, the CDB, then the
 * data for the device; reply_len (header included) is what read() may
 * return, its data part the transfer from the device (as sg computes it).
 */
static ssize_t mq_sg_write_v2(struct mq_sg_file *f, const char __user *ubuf,
			      size_t count)
{
	unsigned int cdb_len, in_len, max_len;
	u8 cdb[MQ_SCSI_MAX_CDB], opcode;
	struct mq_sg_result *r;
	int dir, ret;

	if (count < SZ_SG_HEADER + 6 || count > SZ_SG_HEADER + MQ_SCSI_SG_IO_MAX)
		return -EIO;
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	ret = -EFAULT;
	if (copy_from_user(&r->old, ubuf, SZ_SG_HEADER) ||
	    get_user(opcode, ubuf + SZ_SG_HEADER))
		goto err;
	/* COMMAND_SIZE() without the midlayer's table (scsi_common) */
	cdb_len = mq_sg_group_cdb_len[opcode >> 5];
	if (opcode >= 0xc0 && r->old.twelve_byte)
		cdb_len = 12;
	ret = -EIO;
	if (count < SZ_SG_HEADER + cdb_len || r->old.reply_len < 0 ||
	    r->old.reply_len > SZ_SG_HEADER + MQ_SCSI_SG_IO_MAX)
		goto err;
	ret = -EFAULT;
	if (copy_from_user(cdb, ubuf + SZ_SG_HEADER, cdb_len))
		goto err;
	in_len = count - SZ_SG_HEADER - cdb_len;
	max_len = max_t(unsigned int, count - cdb_len, r->old.reply_len) -
		  SZ_SG_HEADER;
	if (in_len)
		dir = r->old.reply_len > SZ_SG_HEADER ? SG_DXFER_TO_FROM_DEV :
			SG_DXFER_TO_DEV;
	else
		dir = max_len ? SG_DXFER_FROM_DEV : SG_DXFER_NONE;
	r->len = max_len;
	if (r->len) {
		ret = -ENOMEM;
		r->buf = kzalloc(r->len, GFP_KERNEL | __GFP_NOWARN);
		if (!r->buf)
			goto err;
		ret = -EFAULT;
		if (in_len && copy_from_user(r->buf, ubuf + SZ_SG_HEADER + cdb_len,
					     in_len))
			goto err;
	}
	return mq_sg_submit(f, cdb, cdb_len, dir, f->timeout, r, count);
err:
	mq_sg_free_result(r);
	return ret;
}

static ssize_t mq_sg_write(struct file *file, const char __user *ubuf,
			   size_t count, loff_t *ppos)
{
	struct mq_sg_file *f = file->private_data;
	int id;

	if (count >= sizeof(int) && get_user(id, (const int __user *)ubuf))
		return -EFAULT;
	if (count >= sizeof(int) && id == 'S')
		return mq_sg_write_v3(f, ubuf, count);
	return mq_sg_write_v2(f, ubuf, count);
}

static ssize_t mq_sg_read_result(struct mq_sg_result *r, char __user *ubuf,
				 size_t count)
{
	unsigned int done = r->len - min(r->resid, r->len);

	if (r->v3) {
		struct sg_io_hdr *h = &r->hdr;
		unsigned int slen = min_t(unsigned int, r->sense_len,
					  h->mx_sb_len);

		if (count < sizeof(*h))
			return -EINVAL;
		h->sb_len_wr = slen;
		if (slen && copy_to_user(h->sbp, r->sense, slen))
			return -EFAULT;
		if (done && h->dxfer_direction != SG_DXFER_TO_DEV &&
		    copy_to_user(h->dxferp, r->buf, done))
			return -EFAULT;
		if (copy_to_user(ubuf, h, sizeof(*h)))
			return -EFAULT;
		return sizeof(*h);
	}
	/* v2: the header, then up to reply_len - header bytes of data. */
	r->old.pack_len = r->old.reply_len;
	r->old.result = r->hdr.host_status ? -EIO : 0;
	r->old.target_status = r->hdr.masked_status;
	r->old.host_status = r->hdr.host_status;
	r->old.driver_status = r->hdr.driver_status;
	memcpy(r->old.sense_buffer, r->sense,
	       min_t(unsigned int, r->sense_len, sizeof(r->old.sense_buffer)));
	if (count > (size_t)r->old.reply_len)
		count = r->old.reply_len;
	if (count < SZ_SG_HEADER) {
		if (count && copy_to_user(ubuf, &r->old, count))
			return -EFAULT;
		return count;
	}
	if (copy_to_user(ubuf, &r->old, SZ_SG_HEADER))
		return -EFAULT;
	count = min_t(size_t, count - SZ_SG_HEADER, r->len);
	if (count && copy_to_user(ubuf + SZ_SG_HEADER, r->buf, count))
		return -EFAULT;
	return SZ_SG_HEADER + count;
}

static ssize_t mq_sg_read(struct file *file, char __user *ubuf, size_t count,
			  loff_t *ppos)
{
	struct mq_sg_file *f = file->private_data;
	struct mq_sg_result *r;
	ssize_t ret;

	for (;;) {
		mutex_lock(&f->lock);
		r = list_first_entry_or_null(&f->done, struct mq_sg_result,
					     node);
		if (r) {
			list_del(&r->node);
			f->nr_done--;
		}
		mutex_unlock(&f->lock);
		if (r)
			break;
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		ret = wait_event_interruptible(f->wait, READ_ONCE(f->nr_done));
		if (ret)
			return ret;
	}
	ret = mq_sg_read_result(r, ubuf, count);
	mq_sg_free_result(r);
	return ret;
}

static __poll_t mq_sg_poll(struct file *file, poll_table *wait)
{
	struct mq_sg_file *f = file->private_data;

	poll_wait(file, &f->wait, wait);
	return EPOLLOUT | EPOLLWRNORM |
	       (READ_ONCE(f->nr_done) ? EPOLLIN | EPOLLRDNORM : 0);
}

static long mq_sg_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct mq_sg_file *f = file->private_data;
	struct mq_scsi_device *sdev = f->sg->sdev;
	void __user *argp = (void __user *)arg;
	int __user *ip = argp;
	int val;

	switch (cmd) {
	case SG_IO:
		if (!capable(CAP_SYS_RAWIO))
			return -EPERM;
		if (!mq_scsi_device_get(sdev))
			return -ENODEV;
		val = mq_scsi_sg_io(sdev, argp);
		mq_scsi_device_put(sdev);
		return val;
	case SG_SET_TIMEOUT:
		if (get_user(val, ip))
			return -EFAULT;
		if (val < 0)
			return -EIO;
		/* clock_t, as sg; capped at an hour */
		f->timeout = clamp_t(unsigned long,
				     clock_t_to_jiffies(val), 1, 3600 * HZ);
		return 0;
	case SG_GET_TIMEOUT:
		return jiffies_to_clock_t(f->timeout);
	case SG_SET_RESERVED_SIZE:
		if (get_user(val, ip))
			return -EFAULT;
		if (val < 0)
			return -EINVAL;
		f->reserved = min_t(int, val, MQ_SCSI_SG_IO_MAX);
		return 0;
	case SG_GET_RESERVED_SIZE:
		return put_user(f->reserved, ip);
	case SG_GET_VERSION_NUM:
		return put_user(MQ_SG_VERSION_NUM, ip);
	case SG_EMULATED_HOST:
		return put_user(0, ip);
	case SG_SET_FORCE_PACK_ID:
		if (get_user(val, ip))
			return -EFAULT;
		f->force_pack_id = val;
		return 0;
	case SG_SET_COMMAND_Q:
		if (get_user(val, ip))
			return -EFAULT;
		f->command_q = val;
		return 0;
	case SG_GET_COMMAND_Q:
		return put_user(f->command_q, ip);
	case SG_GET_NUM_WAITING:
		return put_user(READ_ONCE(f->nr_done), ip);
	case SG_GET_PACK_ID: {
		struct mq_sg_result *r;

		mutex_lock(&f->lock);
		r = list_first_entry_or_null(&f->done, struct mq_sg_result,
					     node);
		val = !r ? -1 : r->v3 ? r->hdr.pack_id : r->old.pack_id;
		mutex_unlock(&f->lock);
		return put_user(val, ip);
	}
	case SG_GET_SG_TABLESIZE:
		/* the queue goes with the LUN: not after removal */
		if (!mq_scsi_device_get(sdev))
			return -ENODEV;
		val = queue_max_segments(sdev->q->disk->queue);
		mq_scsi_device_put(sdev);
		return put_user(val, ip);
	case SG_GET_SCSI_ID: {
		struct sg_scsi_id id = {
			.host_no = sdev->host->host_no,
			.channel = 0,
			.scsi_id = sdev->id,
			.lun = sdev->lun,
			.scsi_type = sdev->type,
			.h_cmd_per_lun = sdev->host->cmd_per_lun,
			.d_queue_depth = sdev->queue_depth,
		};

		return copy_to_user(argp, &id, sizeof(id)) ? -EFAULT : 0;
	}
	case SCSI_IOCTL_GET_IDLUN:
		return mq_scsi_get_idlun(sdev, argp);
	case SCSI_IOCTL_GET_BUS_NUMBER:
		return put_user(sdev->host->host_no, ip);
	default:
		return mq_scsi_other_ioctl(sdev, cmd, argp);
	}
}

static int mq_sg_open(struct inode *inode, struct file *file)
{
	struct mq_scsi_sg *sg = container_of(inode->i_cdev, struct mq_scsi_sg,
					     cdev);
	struct mq_sg_file *f;

	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	get_device(&sg->dev);
	f->sg = sg;
	mutex_init(&f->lock);
	INIT_LIST_HEAD(&f->done);
	init_waitqueue_head(&f->wait);
	f->timeout = MQ_SG_DEFAULT_TIMEOUT;
	f->reserved = 32768;
	file->private_data = f;
	return stream_open(inode, file);
}

static int mq_sg_release(struct inode *inode, struct file *file)
{
	struct mq_sg_file *f = file->private_data;
	struct mq_sg_result *r, *n;

	list_for_each_entry_safe(r, n, &f->done, node)
		mq_sg_free_result(r);
	put_device(&f->sg->dev);
	kfree(f);
	return 0;
}

static const struct file_operations mq_sg_fops = {
	.owner		= THIS_MODULE,
	.open		= mq_sg_open,
	.release	= mq_sg_release,
	.read		= mq_sg_read,
	.write		= mq_sg_write,
	.poll		= mq_sg_poll,
	.unlocked_ioctl	= mq_sg_ioctl,
};

/* sd's cache types, indexed by WCE << 1 | RCD. */
static const char *const mq_sg_cache_types[] = {
	"write through", "none", "write back", "write back, no read (daft)",
};

static struct mq_scsi_device *mq_sg_kobj_sdev(struct kobject *kobj)
{
	/* scsi_disk/<h:c:t:l>/ under the device */
	return container_of(kobj_to_dev(kobj->parent->parent),
			    struct mq_scsi_device, dev);
}

static ssize_t cache_type_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	struct mq_scsi_device *sdev = mq_sg_kobj_sdev(kobj);

	return sysfs_emit(buf, "%s\n",
			  mq_sg_cache_types[(READ_ONCE(sdev->wce) << 1) |
					    READ_ONCE(sdev->rcd)]);
}

/*
 * As sd: MODE SENSE the caching page, set WCE and RCD, MODE SELECT it back
 * ("temporary " before the type changes only our view of the cache).
 */
static ssize_t cache_type_store(struct kobject *kobj,
				struct kobj_attribute *attr, const char *buf,
				size_t count)
{
	struct mq_scsi_device *sdev = mq_sg_kobj_sdev(kobj);
	bool temporary = false;
	int ct, ret;

	if (sdev->type != TYPE_DISK)
		return -EINVAL;
	if (!strncmp(buf, "temporary ", 10)) {
		temporary = true;
		buf += 10;
	}
	ct = sysfs_match_string(mq_sg_cache_types, buf);
	if (ct < 0) {
		dev_warn_ratelimited(&sdev->dev, "cache_type: unknown type\n");
		return -EINVAL;
	}
	if (!mq_scsi_device_get(sdev))
		return -ENODEV;
	ret = temporary ? 0 : mq_scsi_set_cache(sdev, ct >> 1, ct & 1);
	if (!ret)
		ret = mq_sd_update_cache(sdev, ct >> 1, ct & 1);
	mq_scsi_device_put(sdev);
	if (ret) {
		dev_warn_ratelimited(&sdev->dev, "cache_type %s: refused by the device\n",
				     mq_sg_cache_types[ct]);
		return -EINVAL;
	}
	return count;
}

static struct kobj_attribute mq_sg_cache_type_attr = __ATTR_RW(cache_type);

static void mq_sg_put_dirs(struct mq_scsi_sg *sg)
{
	kobject_put(sg->disk_hctl);
	kobject_put(sg->disk_dir);
	kobject_put(sg->device_hctl);
	kobject_put(sg->device_dir);
	kobject_put(sg->generic_dir);
}

/**
 * mq_scsi_sg_add - the sg node and SCSI sysfs directories of a new LUN
 * @sdev: the LUN, registered (and its disk added, if it has one)
 *
 * Failure is logged and leaves the LUN without them: it stays usable.
 */
void mq_scsi_sg_add(struct mq_scsi_device *sdev)
{
	struct kobject *parent = &sdev->dev.kobj;
	const char *hctl = dev_name(&sdev->dev);
	struct mq_scsi_sg *sg;
	int ret;

	sg = kzalloc(sizeof(*sg), GFP_KERNEL);
	if (!sg)
		goto fail;
	ret = ida_alloc_max(&mq_sg_ida, MQ_SG_MAX_DEVS - 1, GFP_KERNEL);
	if (ret < 0) {
		kfree(sg);
		goto fail;
	}
	sg->index = ret;
	sg->sdev = sdev;
	get_device(&sdev->dev);
	device_initialize(&sg->dev);
	sg->dev.class = &mq_sg_class;
	sg->dev.parent = &sdev->dev;
	sg->dev.devt = MKDEV(MAJOR(mq_sg_devt), sg->index);
	sg->dev.release = mq_sg_dev_release;
	cdev_init(&sg->cdev, &mq_sg_fops);
	sg->cdev.owner = THIS_MODULE;
	ret = dev_set_name(&sg->dev, "sg%d", MQ_SG_NAME_BASE + sg->index);
	if (!ret)
		ret = cdev_device_add(&sg->cdev, &sg->dev);
	if (ret) {
		put_device(&sg->dev);
		goto fail;
	}
	sg->generic_dir = kobject_create_and_add("scsi_generic", parent);
	sg->device_dir = kobject_create_and_add("scsi_device", parent);
	if (sg->device_dir)
		sg->device_hctl = kobject_create_and_add(hctl, sg->device_dir);
	if (sdev->type == TYPE_DISK && sdev->disk_added) {
		sg->disk_dir = kobject_create_and_add("scsi_disk", parent);
		if (sg->disk_dir)
			sg->disk_hctl = kobject_create_and_add(hctl,
							       sg->disk_dir);
		if (!sg->disk_hctl ||
		    sysfs_create_file(sg->disk_hctl,
				      &mq_sg_cache_type_attr.attr))
			dev_warn(&sdev->dev, "no scsi_disk/%s/cache_type\n",
				 hctl);
	}
	if (!sg->generic_dir || !sg->device_hctl ||
	    sysfs_create_link(sg->generic_dir, &sg->dev.kobj,
			      dev_name(&sg->dev)))
		dev_warn(&sdev->dev, "incomplete scsi_generic/scsi_device directories\n");
	sdev->sg = sg;
	return;
fail:
	dev_warn(&sdev->dev, "no sg node\n");
}

/**
 * mq_scsi_sg_remove - undo mq_scsi_sg_add() as the LUN goes
 * @sdev: the LUN
 *
 * Open sg files keep working until closed: their commands fail with
 * -ENODEV once the LUN refuses new commands.
 */
void mq_scsi_sg_remove(struct mq_scsi_device *sdev)
{
	struct mq_scsi_sg *sg = sdev->sg;

	if (!sg)
		return;
	sdev->sg = NULL;
	if (sg->generic_dir)
		sysfs_remove_link(sg->generic_dir, dev_name(&sg->dev));
	if (sg->disk_hctl)
		sysfs_remove_file(sg->disk_hctl, &mq_sg_cache_type_attr.attr);
	mq_sg_put_dirs(sg);
	cdev_device_del(&sg->cdev, &sg->dev);
	put_device(&sg->dev);
}

int mq_scsi_sg_init(void)
{
	int ret;

	ret = alloc_chrdev_region(&mq_sg_devt, 0, MQ_SG_MAX_DEVS, "mq_sg");
	if (ret)
		return ret;
	ret = class_register(&mq_sg_class);
	if (ret)
		unregister_chrdev_region(mq_sg_devt, MQ_SG_MAX_DEVS);
	return ret;
}

void mq_scsi_sg_exit(void)
{
	class_unregister(&mq_sg_class);
	unregister_chrdev_region(mq_sg_devt, MQ_SG_MAX_DEVS);
}
