// SPDX-License-Identifier: GPL-2.0
/* HAVE_LINUX_UNALIGNED_H: <linux/unaligned.h> replaces <asm/unaligned.h> (6.12) */
#include <linux/unaligned.h>

u32 t(const void *p);
u32 t(const void *p) { return get_unaligned_be32(p); }
