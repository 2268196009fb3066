# shellcheck shell=bash
# bench-nullb.sh - sourced by bench-guest.sh and profile-guest.sh (after
# bench-lib.sh): stock null_blk and mq_nullblk loaded side by side with the
# same parameters, and the module parameters and fio options of each mode.

# nullb_load <params...>: both drivers, the same parameters (nullb0 and
# mqnullb0).  BENCH_MODPROBE=1: the installed (DKMS) modules.
nullb_load() {
	modprobe null_blk queue_mode=2 nr_devices=1 gb=16 "$@" || return 1
	if [ "${BENCH_MODPROBE:-0}" = 1 ]; then
		# mq_core comes in as a dependency
		modprobe mq_nullblk nr_devices=1 gb=16 "$@" || return 1
	else
		[ -d /sys/module/mq_core ] || insmod "$TOP/mq_core/mq_core.ko" || return 1
		insmod "$TOP/mq_nullblk/mq_nullblk.ko" nr_devices=1 gb=16 "$@" || return 1
	fi
	udevadm settle 2>/dev/null || sleep 1
}
nullb_unload() { rmmod null_blk mq_nullblk 2>/dev/null; }

# nullb_mode <irq0|irq1|irq2|polled>: sets mode_label, mode_params (module
# parameters, one submit queue per fio job) and mode_fio (fio options).
nullb_mode() {
	local q="submit_queues=$jobs"
	mode_fio=
	case $1 in
	irq0) mode_label="irqmode=0" mode_params="$q irqmode=0" ;;
	irq1) mode_label="irqmode=1" mode_params="$q irqmode=1" ;;
	irq2) mode_label="irqmode=2" mode_params="$q irqmode=2 completion_nsec=10000" ;;
	polled) mode_label="polled" mode_params="$q poll_queues=$jobs irqmode=0" mode_fio="--hipri=1" ;;
	*) echo "bench: unknown mode $1" >&2; return 1 ;;
	esac
}
