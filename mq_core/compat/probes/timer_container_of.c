// SPDX-License-Identifier: GPL-2.0
/* HAVE_TIMER_CONTAINER_OF: timer_container_of() replaces from_timer() (6.16) */
#include <linux/timer.h>

struct t_s { struct timer_list t; };
struct t_s *t(struct timer_list *tl);
struct t_s *t(struct timer_list *tl)
{
	struct t_s *s = timer_container_of(s, tl, t);

	return s;
}
