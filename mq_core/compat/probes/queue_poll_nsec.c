// SPDX-License-Identifier: GPL-2.0
/* HAVE_QUEUE_POLL_NSEC: hybrid polling, io_poll_delay for blk-mq only (< 6.6) */
#include <linux/blkdev.h>

int d(struct request_queue *q);
int d(struct request_queue *q)
{
	return q->poll_nsec;
}
