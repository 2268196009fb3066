// SPDX-License-Identifier: GPL-2.0
/* HAVE_BLK_STS_RESV_CONFLICT: BLK_STS_RESV_CONFLICT replaces BLK_STS_NEXUS (6.5) */
#include <linux/blk_types.h>

blk_status_t t(void);
blk_status_t t(void) { return BLK_STS_RESV_CONFLICT; }
