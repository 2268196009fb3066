/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mq_compat_virtio.h - the virtio part of the compatibility layer
 * (mq_compat.h): one virtqueue discovery call on every kernel.
 */
#ifndef _MQ_COMPAT_VIRTIO_H
#define _MQ_COMPAT_VIRTIO_H

#include <linux/slab.h>
#include <linux/virtio_config.h>
#include "mq_compat.h"

/**
 * mq_find_vqs - find @nvqs virtqueues, as virtio_find_vqs() of 6.10 did
 * @vdev: the device
 * @nvqs: how many
 * @vqs: filled in
 * @callbacks: per queue, %NULL for a queue without interrupts
 * @names: per queue
 * @desc: interrupt affinity, or %NULL
 *
 * 6.11 passes the callbacks and names in an array of &struct
 * virtqueue_info instead; that array is built here.
 *
 * Context: process context, may sleep.
 * Return: 0 or a negative errno.
 */
static inline int mq_find_vqs(struct virtio_device *vdev, unsigned int nvqs,
			      struct virtqueue *vqs[],
			      vq_callback_t *callbacks[],
			      const char *names[],
			      struct irq_affinity *desc)
{
#ifdef HAVE_VIRTQUEUE_INFO
	struct virtqueue_info *info;
	unsigned int i;
	int ret;

	info = kcalloc(nvqs, sizeof(*info), GFP_KERNEL);
	if (!info)
		return -ENOMEM;
	for (i = 0; i < nvqs; i++) {
		info[i].name = names[i];
		info[i].callback = callbacks[i];
	}
	ret = virtio_find_vqs(vdev, nvqs, vqs, info, desc);
	kfree(info);
	return ret;
#else
	return virtio_find_vqs(vdev, nvqs, vqs, callbacks, names, desc);
#endif
}

#endif /* _MQ_COMPAT_VIRTIO_H */
