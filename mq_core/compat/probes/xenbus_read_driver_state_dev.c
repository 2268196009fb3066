// SPDX-License-Identifier: GPL-2.0
/* HAVE_XENBUS_READ_DRIVER_STATE_DEV: xenbus_read_driver_state(dev, path) */
#include <xen/xenbus.h>

enum xenbus_state t(struct xenbus_device *dev);
enum xenbus_state t(struct xenbus_device *dev)
{
	return xenbus_read_driver_state(dev, dev->otherend);
}
