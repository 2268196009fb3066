// SPDX-License-Identifier: GPL-2.0
/* HAVE_QUEUE_LIMITS_UPDATE: queue_limits_start_update/commit_update (6.9) */
#include <linux/blkdev.h>

int t(struct request_queue *q);
int t(struct request_queue *q)
{
	struct queue_limits lim = queue_limits_start_update(q);

	lim.max_hw_discard_sectors = 8;
	return queue_limits_commit_update(q, &lim);
}
