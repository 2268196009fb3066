// SPDX-License-Identifier: GPL-2.0
/* HAVE_VIRTQUEUE_INFO: virtio_find_vqs() takes struct virtqueue_info (6.11) */
#include <linux/virtio_config.h>

int t(struct virtio_device *vdev, struct virtqueue **vqs);
int t(struct virtio_device *vdev, struct virtqueue **vqs)
{
	struct virtqueue_info info[1] = { { .name = "t", .ctx = false } };

	return virtio_find_vqs(vdev, 1, vqs, info, NULL);
}
