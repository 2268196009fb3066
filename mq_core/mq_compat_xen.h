/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mq_compat_xen.h - the Xen part of the compatibility layer (mq_compat.h).
 */
#ifndef _MQ_COMPAT_XEN_H
#define _MQ_COMPAT_XEN_H

#include <xen/xenbus.h>
#include "mq_compat.h"

/* 7.x: xenbus_read_driver_state() takes the device whose state is read. */
static inline enum xenbus_state
mq_xenbus_read_driver_state(struct xenbus_device *dev, const char *path)
{
#ifdef HAVE_XENBUS_READ_DRIVER_STATE_DEV
	return xenbus_read_driver_state(dev, path);
#else
	return xenbus_read_driver_state(path);
#endif
}

#endif /* _MQ_COMPAT_XEN_H */
