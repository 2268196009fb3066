#!/bin/bash
# Runs inside the VM for scripts/profile: loads one driver (stock null_blk
# or mq_nullblk), saves /proc/kallsyms for the report, then runs a fixed
# number of fio I/Os.  Environment: PROF_DRIVER (stock|ours), PROF_MODE
# (irq0|irq1|irq2|polled), PROF_IOS (I/Os for fio to do).
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
case "$PROF_MODE" in
irq0) p="irqmode=0" extra= ;;
irq1) p="irqmode=1" extra= ;;
irq2) p="irqmode=2 completion_nsec=10000" extra= ;;
polled) p="poll_queues=1 irqmode=0" extra=--hipri=1 ;;
*) echo "profile: mode $PROF_MODE?"; exit 2 ;;
esac
if [ "$PROF_DRIVER" = stock ]; then
	modprobe null_blk queue_mode=2 nr_devices=1 gb=16 submit_queues=1 $p || exit 1
	dev=nullb0
else
	insmod "$TOP/mq_core/mq_core.ko" || exit 1
	insmod "$TOP/mq_nullblk/mq_nullblk.ko" nr_devices=1 gb=16 submit_queues=1 $p || exit 1
	dev=mqnullb0
fi
udevadm settle 2>/dev/null || sleep 1
cat /proc/kallsyms > /mnt/host-out/kallsyms
fio --name=p --filename=/dev/$dev --direct=1 --ioengine=io_uring \
	--rw=randread --bs=4k --iodepth=32 --number_ios="$PROF_IOS" \
	--size=1g --gtod_reduce=1 --fixedbufs=1 --registerfiles=1 $extra \
	--output-format=terse | awk -F';' '{ print "PROFILE-IOS", $6 / 4 }'
