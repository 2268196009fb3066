#!/bin/bash
# Runs inside the VM for scripts/bench-nbd: one qemu-nbd (a 256 MiB image on
# tmpfs, loopback TCP) serves the stock nbd and mq_nbd at once, each
# connected with BENCH_CONNS connections by nbd-client (ioctl interface);
# rounds alternate between /dev/nbd0 and /dev/mq_nbd0 (scripts/bench-lib.sh).
set -uo pipefail
. "$(dirname "$0")/bench-lib.sh"
conns=${BENCH_CONNS:-4}

insmod "$TOP/mq_core/mq_core.ko" || exit 1
insmod "$TOP/mq_nbd/mq_nbd.ko" nbds_max=1 || exit 1
modprobe nbd nbds_max=1 || exit 1
truncate -s 256M /tmp/bench.img
dd if=/dev/urandom of=/tmp/bench.img bs=1M count=256 conv=notrunc status=none
qemu-nbd -f raw -t --shared=16 -b 127.0.0.1 -p 10809 /tmp/bench.img &
for i in $(seq 100); do
	grep -qi ':2A39 ' /proc/net/tcp && break
	sleep 0.2
done
for d in nbd0 mq_nbd0; do
	nbd-client -L -C "$conns" 127.0.0.1 10809 /dev/$d >/dev/null 2>&1 ||
		{ echo "bench-nbd-guest: nbd-client $d failed" >&2; exit 1; }
	for i in $(seq 100); do
		[ "$(cat /sys/block/$d/size)" -gt 0 ] && break
		sleep 0.2
	done
done
[ -w /sys/block/nbd0/queue/scheduler ] && echo none > /sys/block/nbd0/queue/scheduler
bench_stock() { echo nbd0; }
bench_ours() { echo mq_nbd0; }
bench_rounds "nbd-$conns" ""
bench_report "qemu-nbd on loopback TCP, $conns connections each" nbd mq_nbd
nbd-client -L -d /dev/mq_nbd0 >/dev/null 2>&1
nbd-client -L -d /dev/nbd0 >/dev/null 2>&1
exit 0
