// SPDX-License-Identifier: GPL-2.0
/* HAVE_BIN_ATTR_CONST_RW: bin_attribute read/write take a const attribute (6.16) */
#include <linux/sysfs.h>

static ssize_t r(struct file *f, struct kobject *k,
		 const struct bin_attribute *a, char *b, loff_t o, size_t c)
{
	return 0;
}

struct bin_attribute ba = { .read = r };
