#!/bin/bash
# Shared steps for the tests.  Each test runs inside the VM (scripts/vm-run)
# as root and sources this file; it ends with `t_done`, and any failed
# check makes the test exit non-zero.  The kernel log is checked for
# splats by vm-run itself.
set -uo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
T_NAME=$(basename "$0" .sh)
T_FAILS=0
FIO_OUT=${FIO_OUT:-/tmp/fio.out}

t_log() { echo "[$T_NAME] $*"; }
t_fail() { echo "[$T_NAME] FAIL: $*"; T_FAILS=$((T_FAILS + 1)); }
t_ok() { echo "[$T_NAME] ok: $*"; }

# t_check "description" command...: run the command, record the result.
t_check() {
	local what=$1; shift
	if "$@"; then t_ok "$what"; else t_fail "$what"; fi
}

# t_expect_fail "description" command...: the command must fail.
t_expect_fail() {
	local what=$1; shift
	if "$@" 2>/dev/null; then t_fail "$what (succeeded)"; else t_ok "$what"; fi
}

# t_wait <secs> command...: run the command every 0.2 s until it succeeds
# (0) or <secs> seconds of wall-clock time have passed (1).  Time, not a
# count of tries: on the debug kernel every try costs seconds.
t_wait() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ $SECONDS -lt $end ] || return 1
		sleep 0.2
	done
}

t_done() {
	if [ "$T_FAILS" -eq 0 ]; then
		echo "[$T_NAME] PASS"
		exit 0
	fi
	echo "[$T_NAME] FAILED ($T_FAILS checks)"
	exit 1
}

# Modules come from the build tree, so a test always checks what was built.
mq_load_core() {
	[ -d /sys/module/mq_core ] && return 0
	insmod "$TOP/mq_core/mq_core.ko"
}

# mq_load_nullblk [param=value ...]
mq_load_nullblk() {
	mq_load_core || return 1
	insmod "$TOP/mq_nullblk/mq_nullblk.ko" "$@" || return 1
	udevadm settle 2>/dev/null || sleep 0.5
}

mq_unload() {
	rmmod mq_nullblk 2>/dev/null
	rmmod mq_core 2>/dev/null
	return 0
}

# lun_disk <target> <lun>: our mq_scsi disk (mqsdX) of that target and LUN
# on channel 0, if any.
lun_disk() {
	local l
	for l in /sys/block/mqsd*; do
		[ -e "$l" ] || continue
		case "$(basename "$(readlink -f "$l/device")")" in
		*:0:$1:$2) basename "$l"; return 0 ;;
		esac
	done
	return 1
}

# mq_stat <disk> <counter>: a counter from the core's debugfs stats.
mq_stat() {
	awk -v k="$2" '$1 == k { print $2 }' "/sys/kernel/debug/mq_core/$1/stats"
}

# disk_stat <disk> <column>...: those columns of the disk's /proc/diskstats line
# (4 reads, 6 sectors read, 8 writes, 13 io_ticks), space-separated.
disk_stat() {
	local d=$1
	shift
	awk -v d="$d" -v cols="$*" '$3 == d {
		n = split(cols, c, " ")
		for (i = 1; i <= n; i++) printf "%s%s", $(c[i]), (i < n ? " " : "\n")
	}' /proc/diskstats
}

# mq_busy <disk>: requests still holding a tag.
mq_busy() {
	awk '$1 == "busy" { print $2 }' "/sys/kernel/debug/mq_core/$1/state"
}

# Every request created was ended: nothing lost, nothing ended twice.
mq_check_balanced() {
	local d=$1 q c
	q=$(mq_stat "$d" queued); c=$(mq_stat "$d" completed)
	t_log "$d: queued=$q completed=$c busy=$(mq_busy "$d")"
	[ -n "$q" ] && [ "$q" = "$c" ] && [ "$(mq_busy "$d")" = 0 ]
}

# fio_run <fio args...>: fio with JSON-free terse output kept in $FIO_OUT.
fio_run() {
	fio --eta=never --output="$FIO_OUT" "$@"
	local rc=$?
	[ $rc -ne 0 ] && tail -30 "$FIO_OUT"
	return $rc
}

# t_polled_read DISK MIN [fio args]: an io_uring polled (--hipri) 4k
# randread on DISK succeeds and more than MIN of its completions were found
# by polling (mq_core's debugfs poll_found).
t_polled_read() {
	local d=$1 min=$2 f0 f1
	shift 2
	f0=$(mq_stat "$d" poll_found)
	t_check "fio io_uring hipri randread on $d" fio_run --name=p \
		--filename="/dev/$d" --direct=1 --ioengine=io_uring --hipri=1 \
		--rw=randread --bs=4k --time_based "$@"
	f1=$(mq_stat "$d" poll_found)
	t_log "$d: poll_found $f0 -> $f1, polls $(mq_stat "$d" polls)"
	t_check "$d: completions were found by polling" test "$f1" -gt $((f0 + min))
}

# hipri_rc DEV: a 2 s io_uring polled randread on DEV: "ok", "EOPNOTSUPP"
# (refused) or "failed".
hipri_rc() {
	if fio --eta=never --output="$FIO_OUT" --name=p --filename="$1" \
		--direct=1 --ioengine=io_uring --hipri=1 --rw=randread --bs=4k \
		--iodepth=8 --runtime=2 --time_based; then
		echo ok
	elif grep -q "Operation not supported" "$FIO_OUT"; then
		echo EOPNOTSUPP
	else
		echo failed
	fi
}

# t_hipri_no_poll DEV: polled reads on a disk without poll queues.  6.1
# quietly makes them ordinary reads; newer kernels fail them with
# EOPNOTSUPP before any driver sees them.  Whatever the kernel does, DEV
# must do what stock null_blk without poll queues does in the same guest.
t_hipri_no_poll() {
	local ours stock
	ours=$(hipri_rc "$1")
	if ! modprobe null_blk nr_devices=1 queue_mode=2 submit_queues=1 \
		poll_queues=0; then
		t_fail "modprobe null_blk (the reference)"
		return
	fi
	stock=$(hipri_rc /dev/nullb0)
	rmmod null_blk
	t_check "hipri without poll queues: ours '$ours', stock null_blk '$stock'" \
		test "$ours" = "$stock"
	t_check "hipri without poll queues completes or is refused (EOPNOTSUPP)" \
		test "$ours" != failed
}

# fio_verify <dev> [extra fio args]: random writes then verify, crc32c.
fio_verify() {
	local dev=$1; shift
	fio_run --name=verify --filename="$dev" --direct=1 --ioengine=io_uring \
		--rw=randwrite --bs=4k --iodepth=16 --size=64M --verify=crc32c \
		--verify_fatal=1 --do_verify=1 "$@"
}

# t_verify_merged "description" <disk> [fio_verify args]: fio_verify on
# /dev/<disk> as a check; MERGED is set to the bios merged in plugs
# meanwhile (mq_core's debugfs stats: merged).
t_verify_merged() {
	local what=$1 d=$2 m0
	shift 2
	m0=$(mq_stat "$d" merged)
	t_check "$what" fio_verify "/dev/$d" "$@"
	MERGED=$(($(mq_stat "$d" merged) - m0))
	t_log "$what: $MERGED bios merged in plugs"
}

# fio_ios <dev>: total read+write I/Os of the last fio_run (min-output).
fio_total_ios() {
	grep -E "^ +(READ|WRITE):" "$FIO_OUT" | head -2 >/dev/null
	grep -oE "ios=[0-9]+/[0-9]+" "$FIO_OUT" | head -1 |
		awk -F'[=/]' '{ print $2 + $3 }'
}

# configfs helpers for mq_nullblk devices.
CFS=/sys/kernel/config/mq_nullblk
cfs_new() { # cfs_new <name> attr=value ...
	local n=$1; shift
	mkdir "$CFS/$n" || return 1
	local kv
	for kv in "$@"; do
		echo "${kv#*=}" > "$CFS/$n/${kv%%=*}" || return 1
	done
}
cfs_disk() { # disk name of a configfs device
	echo "mqnullb$(cat "$CFS/$1/index")"
}

# mq_scsi: load mq_core, mq_scsi and mq_scsi_debug [param=value ...].
mq_load_scsi_debug() {
	mq_load_core || return 1
	[ -d /sys/module/mq_scsi ] || insmod "$TOP/mq_scsi/mq_scsi.ko" || return 1
	insmod "$TOP/mq_scsi/mq_scsi_debug.ko" "$@" || return 1
	udevadm settle 2>/dev/null || sleep 0.5
}

mq_scsi_unload() {
	rmmod mq_scsi_debug 2>/dev/null
	rmmod mq_scsi 2>/dev/null
	rmmod mq_core 2>/dev/null
	return 0
}

# scsi_eh_round <debugfs host dir> <disk> <skip> <count> <inject_eh_fail>
# <dmesg pattern>: drop the completion of one direct read of <count> 64 KiB
# blocks from <skip> (the host's debugfs inject_timeout), with the EH steps
# of the <inject_eh_fail> mask ignored; true when the read succeeds, returns
# /tmp/pat and the log has <dmesg pattern> (the EH step that recovered).
scsi_eh_round() {
	local d=$1 disk=$2 skip=$3 count=$4 mask=$5 want=$6 rc
	dmesg -C
	echo "$mask" > "$d/inject_eh_fail"
	echo 1 > "$d/inject_timeout"
	dd if="/dev/$disk" bs=64k skip="$skip" count="$count" iflag=direct \
		status=none > /tmp/got
	rc=$?
	echo 0 > "$d/inject_eh_fail"
	dmesg | grep -E 'injected|abort|reset|timed out' | sed 's/^/    /'
	[ $rc = 0 ] && cmp -s /tmp/got /tmp/pat && dmesg | grep -q "$want"
}

# scsi_disks: our SCSI disks (mqsd*), sorted.
scsi_disks() {
	ls /sys/block 2>/dev/null | grep '^mqsd' | sort
}

# fs_cycle <dev> <nfiles> [trim]: a real filesystem on <dev>: mkfs.ext4,
# mount, copy <nfiles> files, (fstrim,) unmount, fsck -f, remount and
# compare every file.  Each step is a check.
fs_cycle() {
	local dev=$1 n=$2 trim=${3:-} src=/usr/share/doc
	t_check "mkfs.ext4 on $dev" mkfs.ext4 -q -F "$dev"
	mkdir -p /mnt/t
	t_check "mount" mount "$dev" /mnt/t
	(cd $src && find . -type f 2>/dev/null | head -"$n" | sort > /tmp/list)
	t_check "copy $n files" sh -c "cd $src && tar cf - -T /tmp/list | tar xf - -C /mnt/t"
	(cd $src && xargs -a /tmp/list md5sum > /tmp/sums.src 2>/dev/null)
	t_check "sync (flushes)" sync
	[ -n "$trim" ] && t_check "fstrim (discard)" fstrim -v /mnt/t
	t_check "umount" umount /mnt/t
	t_check "fsck.ext4 -f -n clean" fsck.ext4 -f -n "$dev"
	t_check "remount" mount "$dev" /mnt/t
	t_check "every file identical after remount" \
		sh -c "cd /mnt/t && md5sum -c --quiet /tmp/sums.src"
	umount /mnt/t 2>/dev/null
}

# virtio_stock_release <stock driver>...: each stock virtio driver named
# lets go of every device it has, so that ours can bind them.
virtio_stock_release() {
	local drv dev
	for drv in "$@"; do
		for dev in /sys/bus/virtio/drivers/$drv/virtio*; do
			[ -e "$dev" ] && echo "${dev##*/}" > /sys/bus/virtio/drivers/$drv/unbind
		done
	done
	return 0
}

# mq_virtio: the stock virtio_blk is a module in the Debian kernel and
# nothing loads it in the test VM (no udev); if it is there, it lets go of
# every block device first, so mq_virtio_blk binds them when it loads.
# mq_load_virtio_blk [param=value ...]
mq_load_virtio_blk() {
	mq_load_core || return 1
	virtio_stock_release virtio_blk
	insmod "$TOP/mq_virtio/mq_virtio_blk.ko" "$@" || return 1
	udevadm settle 2>/dev/null || sleep 0.5
}

# mqvb_disks: disks of mq_virtio_blk (mqvd*), sorted.
mqvb_disks() {
	ls /sys/block 2>/dev/null | grep '^mqvd' | sort
}

# mqvb_stat <disk> <column>: a counter summed over the virtqueues, from
# /sys/kernel/debug/mq_virtio_blk/<disk>/stats (reads writes flushes
# discards write_zeroes get_ids ring_full errors).
mqvb_stat() {
	awk -v k="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == k) c = i; next }
		c { s += $c } END { print s + 0 }' \
		"/sys/kernel/debug/mq_virtio_blk/$1/stats"
}

# vm_hmp "<HMP command>": run a QEMU monitor command through the host
# agent of tests/lib/vm-host.sh (test header "# vm-host: ..."); a
# command starting with "{" is sent as raw QMP JSON.  Prints the monitor's
# output; fails on an error or if no answer came within 30 s.
vm_hmp() {
	local req=$MQ_OUT/hmp.req resp=$MQ_OUT/hmp.resp i out
	rm -f "$resp"
	echo "$*" > "$req.tmp" && mv "$req.tmp" "$req" || return 1
	for i in $(seq 300); do
		if [ -f "$resp" ]; then
			out=$(cat "$resp"); rm -f "$resp"
			t_log "hmp '$*': ${out:-(no output)}"
			[ -n "$out" ] && echo "$out"
			case "$out" in ERROR:* | Error:*) return 1 ;; esac
			return 0
		fi
		sleep 0.1
	done
	t_log "hmp '$*': no answer from the host agent"
	return 1
}

# vm_device_gone <id>: wait (up to 60 s) until QEMU has deleted device <id>
# after a device_del.  QEMU deletes it only once the guest has ejected it
# (ACPI _EJ0, or a native PCIe slot powered off), some time after the guest
# dropped its driver; a device_add with the same id before that fails
# ("Duplicate device ID").
vm_no_device() {
	! vm_hmp "{\"execute\": \"qom-get\", \"arguments\": {\"path\": \"/machine/peripheral/$1\", \"property\": \"type\"}}" > /dev/null
}
vm_device_gone() { t_wait 60 vm_no_device "$1"; }

# scsi_stat <disk> <counter>: a counter of an mq_scsi LUN (debugfs stats).
scsi_stat() {
	local lun
	lun=$(basename "$(readlink -f "/sys/block/$1/device")")
	awk -v k="$2" '$1 == k { print $2 }' "/sys/kernel/debug/mq_scsi/$lun/stats"
}

# scsi_check_balanced <disk>: every command the LLD accepted came back
# exactly once (completed, or taken back by error handling); none left.
# done_late (an LLD completion racing with error handling, ignored) is
# logged, not counted.
scsi_check_balanced() {
	local d=$1 disp done late taken failed
	disp=$(scsi_stat "$d" dispatched); done=$(scsi_stat "$d" done)
	late=$(scsi_stat "$d" done_late); taken=$(scsi_stat "$d" eh_taken)
	failed=$(scsi_stat "$d" eh_failed)
	t_log "$d: dispatched=$disp done=$done eh_taken=$taken eh_failed=$failed done_late=$late in_flight=$(scsi_stat "$d" in_flight)"
	[ -n "$disp" ] && [ "$disp" = $((done + taken + failed)) ] &&
		[ "$(scsi_stat "$d" in_flight)" = 0 ]
}

# xfs_cycle <dev> <nfiles>: mkfs.xfs, mount, copy <nfiles> files,
# unmount, xfs_repair -n clean, remount and compare.  Small test disks:
# mkfs.xfs >= 5.19 refuses filesystems under 300 MB unless it runs under
# fstests (TEST_DEV/TEST_DIR/QA_CHECK_FS set), which we borrow.
xfs_cycle() {
	local dev=$1 n=$2 src=/usr/share/doc
	modprobe xfs 2>/dev/null
	t_check "mkfs.xfs on $dev" env TEST_DEV="$dev" TEST_DIR=/mnt/t \
		QA_CHECK_FS=1 mkfs.xfs -q -f "$dev"
	mkdir -p /mnt/t
	t_check "mount xfs" mount -t xfs "$dev" /mnt/t
	(cd $src && find . -type f 2>/dev/null | head -"$n" | sort > /tmp/list)
	t_check "copy $n files" sh -c "cd $src && tar cf - -T /tmp/list | tar xf - -C /mnt/t"
	(cd $src && xargs -a /tmp/list md5sum > /tmp/sums.src 2>/dev/null)
	t_check "umount xfs" umount /mnt/t
	t_check "xfs_repair -n clean" xfs_repair -n "$dev"
	t_check "remount xfs" mount -t xfs "$dev" /mnt/t
	t_check "every file identical after remount" \
		sh -c "cd /mnt/t && md5sum -c --quiet /tmp/sums.src"
	umount /mnt/t 2>/dev/null
}

# virtio_irq_map_ok <virtio dev> <disk> <vq name prefix> <n>: hardware
# queue i of <disk> serves exactly the CPUs its virtqueue's IRQ
# ("<virtio dev>-<prefix>.i" in /proc/interrupts) is affine to.
virtio_irq_map_ok() {
	local v=$1 d=$2 pfx=$3 n=$4 i irq want have
	for i in $(seq 0 $((n - 1))); do
		irq=$(awk -v n="$v-$pfx.$i" '$NF == n { sub(":", "", $1); print $1 }' /proc/interrupts)
		[ -n "$irq" ] || { t_log "no IRQ for $v-$pfx.$i"; return 1; }
		want=$(cat /proc/irq/$irq/smp_affinity_list)
		have=$(cat /sys/block/$d/mq/$i/cpu_list)
		t_log "hctx $i: cpus $have, IRQ $irq affinity $want"
		[ "$(cpu_list_expand "$want")" = "$(cpu_list_expand "$have")" ] || return 1
	done
}

# cpu_list_expand "0-2, 5" -> "0 1 2 5"
cpu_list_expand() {
	echo "$1" | tr -d ' ' | tr ',' '\n' | awk -F- 'NF { for (c = $1; c <= (NF > 1 ? $2 : $1); c++) printf "%d ", c }'
}

# fio_bg <fio args...>: start fio in the background (a removal test's
# load); its pid goes to FIO_BG_PID, its output to /tmp/busy.out.
fio_bg() {
	fio --eta=never --output=/tmp/busy.out "$@" &
	FIO_BG_PID=$!
}

# fio_bg_ends <seconds>: true once the fio_bg fio has ended within
# <seconds> (its exit status in FIO_BG_RC); false if it still runs.
fio_bg_ends() {
	local i
	for i in $(seq $(($1 * 10))); do
		if ! kill -0 "$FIO_BG_PID" 2>/dev/null; then
			wait "$FIO_BG_PID"
			FIO_BG_RC=$?
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# mq_load_all [nullblk params...]: every driver at once, for the stress
# tests whose guest has one virtio-blk and one virtio-scsi device (with
# one LUN) from QEMU: mq_nullblk (memory backed, 1 GiB, 2 queues; extra
# parameters appended), mq_scsi_debug (one 256 MiB LUN, 2 queues),
# mq_virtio_blk and mq_virtio_scsi (the stock virtio drivers let go of
# the devices first).  Sets ALL_DISKS (mqnullb0, the mqsd LUNs, the mqvd
# disk) and SCSI_DISKS; fails if a module does not load or a disk is
# missing after 10 s.
mq_load_all() {
	local i sd=() vd=()
	virtio_stock_release virtio_blk virtio_scsi
	mq_load_nullblk memory_backed=1 gb=1 submit_queues=2 irqmode=1 "$@" ||
		{ t_log "load mq_nullblk failed"; return 1; }
	mq_load_scsi_debug dev_size_mb=256 num_tgts=1 max_luns=1 submit_queues=2 ||
		{ t_log "load mq_scsi_debug failed"; return 1; }
	insmod "$TOP/mq_virtio/mq_virtio_blk.ko" || return 1
	insmod "$TOP/mq_virtio/mq_virtio_scsi.ko" || return 1
	udevadm settle 2>/dev/null || sleep 2
	for i in $(seq 100); do
		mapfile -t sd < <(scsi_disks)
		mapfile -t vd < <(mqvb_disks)
		[ "${#sd[@]}" -ge 2 ] && [ "${#vd[@]}" -ge 1 ] && break
		sleep 0.1
	done
	SCSI_DISKS=("${sd[@]}")
	ALL_DISKS=(mqnullb0 "${sd[@]}" "${vd[@]}")
	t_log "disks: ${ALL_DISKS[*]}"
	[ "${#ALL_DISKS[@]}" = 4 ] && [ -b /dev/mqnullb0 ]
}

# mq_unload_all: unload every module mq_load_all loaded; fails if one
# stays (each rmmod is a check).
mq_unload_all() {
	local m
	for m in mq_virtio_scsi mq_virtio_blk mq_scsi_debug mq_scsi mq_nullblk mq_core; do
		t_check "rmmod $m" rmmod $m
	done
}

# fio_mixed_start <secs>: on every disk of ALL_DISKS, in the background, a
# fio of two random-write jobs with crc32c verify (4-64 KiB at QD16 on the
# first 96 MiB with verify reads interleaved, 4 KiB at QD8 on 96 MiB from
# 128 MiB) for <secs> seconds.  Output in /tmp/mixed-<disk>.out.
fio_mixed_start() {
	local d
	MIXED_PIDS=()
	for d in "${ALL_DISKS[@]}"; do
		fio --eta=never --output="/tmp/mixed-$d.out" --filename="/dev/$d" \
			--direct=1 --ioengine=io_uring --time_based --runtime="$1" \
			--size=96M --verify=crc32c --verify_fatal=1 --verify_backlog=64 \
			--name=w --rw=randwrite --bsrange=4k-64k --iodepth=16 \
			--name=w2 --rw=randwrite --bs=4k --iodepth=8 --offset=128M --size=96M \
			> /dev/null 2>&1 &
		MIXED_PIDS+=($!)
	done
}

# fio_mixed_wait "<what>": wait for fio_mixed_start's fios; one check per
# disk ("<disk>: <what>, no error or mismatch"), then every request ended
# once on mqnullb0 and every command came back once on SCSI_DISKS.
fio_mixed_wait() {
	local i d rc
	for i in "${!MIXED_PIDS[@]}"; do
		wait "${MIXED_PIDS[$i]}"
		rc=$?
		d=${ALL_DISKS[$i]}
		t_log "$d: fio rc=$rc $(grep -oE "ios=[0-9]+/[0-9]+" "/tmp/mixed-$d.out" | head -2 | tr '\n' ' ')"
		[ $rc != 0 ] && grep -iE "err|verify|bad" "/tmp/mixed-$d.out" | head -5
		t_check "$d: $1, no error or mismatch" test $rc = 0
	done
	t_check "mqnullb0: every request ended once" mq_check_balanced mqnullb0
	for d in "${SCSI_DISKS[@]}"; do
		t_check "$d: every SCSI command came back once" scsi_check_balanced "$d"
	done
}
