// SPDX-License-Identifier: GPL-2.0
/*
 * mq_nullblk - fault injection without CONFIG_FAULT_INJECTION.
 *
 * The timeout, requeue and init_hctx module parameters take the string of
 * the kernel's fault_attr: "<interval>,<probability>,<space>,<times>".
 * <probability> is in percent, every <interval>-th call is eligible, at most
 * <times> faults are injected (-1: no limit), and, as with fault_attr's
 * <space>, the first calls are spared until that budget (one per call) is
 * down to one.  An empty string disables the injection point.  The parameters
 * are writable, so injection can be switched on and off at run time.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>
#include <linux/random.h>
#include <linux/string.h>

#include "nullb.h"

struct nullb_fault nullb_timeout_fault = { .name = "timeout" };
struct nullb_fault nullb_requeue_fault = { .name = "requeue" };
struct nullb_fault nullb_init_hctx_fault = { .name = "init_hctx" };

/**
 * __nullb_should_fail - the decision of nullb_should_fail(), once enabled
 * @f: the injection point
 *
 * Lock free: several CPUs may decide at once.  @f->times is never driven
 * below zero, so at most that many faults are injected.
 *
 * Return: true if the caller should inject the fault.
 */
bool __nullb_should_fail(struct nullb_fault *f)
{
	unsigned int interval = READ_ONCE(f->interval);
	unsigned int probability = READ_ONCE(f->probability);
	int space = atomic_read(&f->space);

	if (!atomic_read(&f->times))
		return false;

	/* fault_attr: while space > size (1 here), spend it, don't fail. */
	while (space > 1) {
		if (atomic_try_cmpxchg(&f->space, &space, space - 1))
			return false;
	}

	if (interval > 1 &&
	    (unsigned int)atomic_inc_return(&f->count) % interval)
		return false;

	if (probability < 100 && probability <= get_random_u32_below(100))
		return false;

	if (atomic_read(&f->times) == -1)
		return true;
	return atomic_dec_if_positive(&f->times) >= 0;
}

/*
 * Parse "<interval>,<probability>,<space>,<times>" (surrounding white space
 * allowed).  Each field must be a number in range; nothing may follow.
 */
static int nullb_fault_parse(const char *val, unsigned int *interval,
			     unsigned int *probability, int *space_out, int *times)
{
	char buf[sizeof_field(struct nullb_fault, str)];
	char *s, *field[4];
	unsigned long space;
	unsigned int i;

	if (strscpy(buf, val, sizeof(buf)) < 0)
		return -EINVAL;

	s = strim(buf);
	for (i = 0; i < ARRAY_SIZE(field); i++) {
		field[i] = strsep(&s, ",");
		if (!field[i])
			return -EINVAL;
	}
	if (s)
		return -EINVAL;

	if (kstrtouint(field[0], 10, interval) ||
	    kstrtouint(field[1], 10, probability) ||
	    kstrtoul(field[2], 10, &space) || space > INT_MAX ||
	    kstrtoint(field[3], 10, times))
		return -EINVAL;

	if (*probability > 100 || *times < -1)
		return -EINVAL;
	*space_out = space;

	return 0;
}

static int nullb_fault_set(const char *val, const struct kernel_param *kp)
{
	struct nullb_fault *f = kp->arg;
	unsigned int interval, probability;
	char buf[sizeof(f->str)];
	int space, times;

	/* Nothing but white space: disable the injection point. */
	if (!*skip_spaces(val)) {
		/* Pairs with smp_load_acquire() in nullb_should_fail(). */
		smp_store_release(&f->enabled, false);
		f->str[0] = '\0';
		return 0;
	}

	if (nullb_fault_parse(val, &interval, &probability, &space, &times)) {
		pr_err("invalid value '%.*s' for parameter %s: expected <interval>,<probability 0..100>,<space>,<times -1..>\n",
		       (int)strcspn(val, "\n"), val, kp->name);
		return -EINVAL;
	}

	/*
	 * Callers are serialised by the parameter lock; deciders may run
	 * meanwhile and see a mix of old and new settings, which is harmless.
	 */
	smp_store_release(&f->enabled, false);
	WRITE_ONCE(f->interval, interval);
	WRITE_ONCE(f->probability, probability);
	atomic_set(&f->count, 0);
	atomic_set(&f->space, space);
	atomic_set(&f->times, times);
	strscpy(buf, val, sizeof(buf));
	strscpy(f->str, strim(buf), sizeof(f->str));
	/* Publish the settings: pairs with nullb_should_fail(). */
	smp_store_release(&f->enabled, true);
	return 0;
}

static int nullb_fault_get(char *buffer, const struct kernel_param *kp)
{
	struct nullb_fault *f = kp->arg;

	return scnprintf(buffer, PAGE_SIZE, "%s\n", f->str);
}

static const struct kernel_param_ops nullb_fault_ops = {
	.set	= nullb_fault_set,
	.get	= nullb_fault_get,
};

module_param_cb(timeout, &nullb_fault_ops, &nullb_timeout_fault, 0644);
MODULE_PARM_DESC(timeout,
		 "Fault injection: swallow requests until they time out. timeout=<interval>,<probability>,<space>,<times>");

module_param_cb(requeue, &nullb_fault_ops, &nullb_requeue_fault, 0644);
MODULE_PARM_DESC(requeue,
		 "Fault injection: requeue requests. requeue=<interval>,<probability>,<space>,<times>");

module_param_cb(init_hctx, &nullb_fault_ops, &nullb_init_hctx_fault, 0644);
MODULE_PARM_DESC(init_hctx,
		 "Fault injection: fail hardware queue setup. init_hctx=<interval>,<probability>,<space>,<times>");
