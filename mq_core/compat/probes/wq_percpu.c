// SPDX-License-Identifier: GPL-2.0
/* HAVE_WQ_PERCPU: alloc_workqueue() wants WQ_PERCPU or WQ_UNBOUND said (6.17) */
#include <linux/workqueue.h>

unsigned int t(void);
unsigned int t(void) { return WQ_PERCPU; }
