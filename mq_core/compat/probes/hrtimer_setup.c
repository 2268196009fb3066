// SPDX-License-Identifier: GPL-2.0
/* HAVE_HRTIMER_SETUP: hrtimer_setup() replaces hrtimer_init() + ->function (6.13) */
#include <linux/hrtimer.h>

static enum hrtimer_restart t_fn(struct hrtimer *h)
{
	return HRTIMER_NORESTART;
}

static void t(struct hrtimer *h)
{
	hrtimer_setup(h, t_fn, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
}
