#!/bin/bash
# scripts/blktests-guest.sh SCRATCH TEST... - the guest half of scripts/blktests
# (runs in the VM as root).  SCRATCH/stock and SCRATCH/mq are built blktests
# trees (see scripts/blktests); SCRATCH/modules has the build tree's modules.
#
# MQ_BLKTESTS_MODE=nullb (default): installs mq_core.ko and mq_nullblk.ko
# into this guest's module tree (a tmpfs overlay: nothing reaches the host),
# runs the tests in stock/ (null_blk), then in mq/ (mq_nullblk).
# MQ_BLKTESTS_MODE=devices: makes the six disks (three stock, three ours)
# and runs the tests in stock/ once with all of them in TEST_DEVS.
# Prints the table between MQ-BLKTESTS-TABLE-BEGIN/END, and one
# "MQ-BLKTESTS-RAW <test> <status>..." line per test (status: pass, fail,
# skip, none), columns in the table's order.
set -uo pipefail
SCRATCH=$1
shift
kver=$(uname -r)
out=${MQ_OUT:-/tmp}
mode=${MQ_BLKTESTS_MODE:-nullb}
M=$SCRATCH/modules

kmsg() { echo "$*" > /dev/kmsg; echo "$*"; }
# blktests' _have_debugfs (block/036) wants it mounted.
mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug

# status <results dir> <device dir or ""> <test>: "pass", "fail(...)",
# "skip(reason)" or "none".
status() {
	local f s r
	if [ -n "$2" ]; then
		f=$1/$2/$3
	else
		# nodev/TEST, or DISK/TEST for a test run on a device it made.
		f=$(find "$1" -path "*/$3" -type f 2>/dev/null | head -1)
	fi
	s=$(awk -F'\t' '$1 == "status" { print $2 }' "$f" 2>/dev/null)
	r=$(awk -F'\t' '$1 == "reason" { print $2 }' "$f" 2>/dev/null)
	case $s in
	"not run") s=skip ;;
	"") s=none ;;
	esac
	echo "$s${r:+($r)}"
}

declare -A status
if [ "$mode" = nullb ]; then
	cols=(stock mq)
	# modprobe mq_nullblk must load what was just built, not a DKMS copy.
	mods=$(readlink -f "/lib/modules/$kver")
	find "$mods/" \( -name 'mq_core.ko*' -o -name 'mq_nullblk.ko*' \) -delete
	mkdir -p "$mods/kernel/drivers/block/mq-suite"
	cp "$M/mq_core.ko" "$M/mq_nullblk.ko" \
		"$mods/kernel/drivers/block/mq-suite/" || exit 1
	depmod -a "$kver" || exit 1
	echo "modinfo -n mq_nullblk: $(modinfo -n mq_nullblk)"
	for col in stock mq; do
		kmsg "MQ-BLKTESTS-COLUMN $col"
		modprobe -r null_blk mq_nullblk 2>/dev/null
		cd "$SCRATCH/$col" || exit 1
		# No TEST_DEVS: the null_blk tests make their own devices.
		# TIMEOUT bounds blktests' fio runs (both columns alike):
		# without it block/010 alone runs for most of an hour under TCG.
		printf 'TEST_DEVS=()\nTIMEOUT=%s\n' "${MQ_BLKTESTS_TIMEOUT:-10}" > config
		./check -o "/tmp/blktests-$col" "$@" 2>&1
		cp -r "/tmp/blktests-$col" "$out/" 2>/dev/null
		for t in "$@"; do
			status[$col,$t]=$(status "/tmp/blktests-$col" "" "$t")
		done
		modprobe -r null_blk mq_nullblk 2>/dev/null
	done
else
	# Three pairs, stock beside ours, the same geometry.
	settle() { udevadm settle 2>/dev/null || sleep 1; }
	modprobe null_blk nr_devices=1 gb=1 || exit 1
	insmod "$M/mq_core.ko" && insmod "$M/mq_nullblk.ko" nr_devices=1 gb=1 || exit 1
	# sd for scsi_debug's disk, sg for blktests' SG tests (scsi/001, 002).
	modprobe sd_mod && modprobe sg || exit 1
	modprobe scsi_debug dev_size_mb=256 || exit 1
	insmod "$M/mq_scsi.ko" && insmod "$M/mq_scsi_debug.ko" dev_size_mb=256 || exit 1
	# Two virtio-blk devices: the first on virtio_blk, the second on ours.
	modprobe virtio_blk || exit 1
	settle
	mapfile -t vdevs < <(ls /sys/bus/virtio/drivers/virtio_blk | grep '^virtio' | sort -V)
	[ ${#vdevs[@]} = 2 ] || { echo "want 2 virtio-blk devices, have: ${vdevs[*]}"; exit 1; }
	echo "${vdevs[1]}" > /sys/bus/virtio/drivers/virtio_blk/unbind || exit 1
	insmod "$M/mq_virtio_blk.ko" || exit 1
	settle
	sleep 1
	vd=$(ls "/sys/bus/virtio/devices/${vdevs[0]}/block" | head -1)
	mqvd=$(ls "/sys/bus/virtio/devices/${vdevs[1]}/block" 2>/dev/null | head -1)
	sd=$(for b in /sys/block/sd*; do
		[ -e "$b" ] && grep -qx scsi_debug "$b/device/model" 2>/dev/null &&
			basename "$b"; done | head -1)
	[ -n "$sd" ] || sd=$(ls /sys/block | grep '^sd' | head -1)
	mqsd=$(ls /sys/block | grep '^mqsd' | head -1)
	cols=(nullb0 mqnullb0 "$vd" "$mqvd" "$sd" "$mqsd")
	for d in "${cols[@]}"; do
		[ -b "/dev/$d" ] || { echo "device missing: '${cols[*]}'"; exit 1; }
	done
	kmsg "MQ-BLKTESTS-DEVICES ${cols[*]}"
	cd "$SCRATCH/stock" || exit 1
	{
		printf 'TEST_DEVS=('
		printf '/dev/%s ' "${cols[@]}"
		printf ')\nTIMEOUT=%s\n' "${MQ_BLKTESTS_TIMEOUT:-10}"
	} > config
	cat config
	./check -o /tmp/blktests-devices "$@" 2>&1
	cp -r /tmp/blktests-devices "$out/" 2>/dev/null
	for t in "$@"; do
		for d in "${cols[@]}"; do
			status[$d,$t]=$(status /tmp/blktests-devices "$d" "$t")
		done
	done
fi

w=14
[ "$mode" = devices ] || w=16
echo MQ-BLKTESTS-TABLE-BEGIN
printf '%-10s' test; printf " %-${w}s" "${cols[@]}"; echo
printf '%-10s' ----; for c in "${cols[@]}"; do printf " %-${w}s" "${c//?/-}"; done; echo
for t in "$@"; do
	printf '%-10s' "$t"
	for c in "${cols[@]}"; do printf " %-${w}s" "${status[$c,$t]}"; done
	echo
done
echo MQ-BLKTESTS-TABLE-END
for t in "$@"; do
	printf 'MQ-BLKTESTS-RAW %s' "$t"
	for c in "${cols[@]}"; do printf ' %s' "${status[$c,$t]%%(*}"; done
	echo
done
