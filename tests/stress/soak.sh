#!/bin/bash
# Soak (issue 6's matrix): every driver at once in one guest, mixed fio
# with crc32c verify on each disk for MQ_SOAK_SECS (default 600): mq_nullblk
# (memory backed), mq_scsi_debug, mq_virtio_blk and mq_virtio_scsi on QEMU
# devices.  0 errors and 0 mismatches; every request ends once; all
# modules unload; afterwards the memory in use (MemTotal - MemAvailable,
# page cache dropped) is back within 16 MiB of where it started.
# Run by scripts/stress (not by make check: it takes ten minutes).
# vm: --cpus 4 --mem 2048 --qemu-arg -device --qemu-arg virtio-blk-pci,id=vb0,drive=d0,num-queues=2,serial=mqsoak0 --qemu-arg -device --qemu-arg virtio-scsi-pci,id=vs0,num_queues=2 --qemu-arg -device --qemu-arg scsi-hd,bus=vs0.0,drive=s0,scsi-id=0,lun=0,id=hd0
# vm-host: tests/lib/vm-host.sh --disk d0=256M --disk s0=256M
. "$(dirname "$0")/../lib/common.sh"

secs=${MQ_SOAK_SECS:-600}

used_kib() { # memory in use, page cache and reclaimable slab dropped
	sync
	echo 3 > /proc/sys/vm/drop_caches
	awk '/^MemTotal:/ { t = $2 } /^MemAvailable:/ { a = $2 } END { print t - a }' /proc/meminfo
}

# The stock drivers let go of the QEMU devices (nothing loads them here,
# but be sure), so ours bind them.
for drv in virtio_blk virtio_scsi; do
	for dev in /sys/bus/virtio/drivers/$drv/virtio*; do
		[ -e "$dev" ] && echo "${dev##*/}" > /sys/bus/virtio/drivers/$drv/unbind
	done
done
modprobe configfs 2>/dev/null
used0=$(used_kib)
t_log "memory in use before loading: $((used0 / 1024)) MiB"

mq_load_nullblk memory_backed=1 gb=1 submit_queues=2 irqmode=1 ||
	{ t_fail "load mq_nullblk"; t_done; }
mq_load_scsi_debug dev_size_mb=256 num_tgts=1 max_luns=1 submit_queues=2 ||
	{ t_fail "load mq_scsi_debug"; t_done; }
insmod "$TOP/mq_virtio/mq_virtio_blk.ko" || { t_fail "load mq_virtio_blk"; t_done; }
insmod "$TOP/mq_virtio/mq_virtio_scsi.ko" || { t_fail "load mq_virtio_scsi"; t_done; }
udevadm settle 2>/dev/null || sleep 2

disks=(mqnullb0)
for i in $(seq 100); do
	mapfile -t sd < <(scsi_disks)
	mapfile -t vd < <(mqvb_disks)
	[ "${#sd[@]}" -ge 2 ] && [ "${#vd[@]}" -ge 1 ] && break
	sleep 0.1
done
disks+=("${sd[@]}" "${vd[@]}")
t_log "disks: ${disks[*]}"
t_check "4 disks: mq_nullblk, 2 SCSI LUNs (debug, virtio), 1 virtio-blk" \
	test "${#disks[@]}" = 4
test -b /dev/mqnullb0 || { t_fail "no mqnullb0"; t_done; }

# One fio per disk: 2 jobs each, random writes of 4-64 KiB with verify
# reads interleaved (verify_backlog) and a sequential reader, all verifying.
pids=()
for d in "${disks[@]}"; do
	fio --eta=never --output="/tmp/soak-$d.out" --filename="/dev/$d" \
		--direct=1 --ioengine=io_uring --time_based --runtime="$secs" \
		--size=96M --verify=crc32c --verify_fatal=1 --verify_backlog=64 \
		--name=w --rw=randwrite --bsrange=4k-64k --iodepth=16 \
		--name=w2 --rw=randwrite --bs=4k --iodepth=8 --offset=128M --size=96M \
		> /dev/null 2>&1 &
	pids+=($!)
done
rc_all=0
for i in "${!pids[@]}"; do
	wait "${pids[$i]}"
	rc=$?
	d=${disks[$i]}
	ios=$(grep -oE "ios=[0-9]+/[0-9]+" "/tmp/soak-$d.out" | head -2 | tr '\n' ' ')
	t_log "$d: fio rc=$rc $ios"
	if [ $rc != 0 ]; then
		rc_all=1
		grep -iE "err|verify|bad" "/tmp/soak-$d.out" | head -5
	fi
	t_check "$d: ${secs}s mixed verify, no error or mismatch" test $rc = 0
done
t_check "mqnullb0: every request ended once" mq_check_balanced mqnullb0
for d in "${sd[@]}"; do
	t_check "$d: every SCSI command came back once" scsi_check_balanced "$d"
done

t_check "rmmod mq_virtio_scsi" rmmod mq_virtio_scsi
t_check "rmmod mq_virtio_blk" rmmod mq_virtio_blk
t_check "rmmod mq_scsi_debug" rmmod mq_scsi_debug
t_check "rmmod mq_scsi" rmmod mq_scsi
t_check "rmmod mq_nullblk" rmmod mq_nullblk
t_check "rmmod mq_core" rmmod mq_core
used1=$(used_kib)
t_log "memory in use after unloading: $((used1 / 1024)) MiB (before: $((used0 / 1024)) MiB)"
t_check "memory back within 16 MiB of the start" test $((used1 - used0)) -lt 16384
t_done
