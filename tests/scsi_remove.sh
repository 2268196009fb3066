#!/bin/bash
# LUN and host removal: delete a LUN through sysfs during fio (fio gets
# errors, nothing hangs, the other disks keep working), rmmod refused
# while a disk is open, rmmod mq_scsi_debug with idle disks, host rescan
# brings a deleted LUN back, remove_host=1 under fio (disks go, fio
# fails and ends), everything unloads.  MQ_SCSI_REMOVE_N sets the number
# of LUN delete/rescan rounds (default 2; scripts/stress runs 100).
. "$(dirname "$0")/lib/common.sh"

mq_load_scsi_debug num_tgts=2 max_luns=2 dev_size_mb=64 submit_queues=2 \
	ndelay=200000 || { t_fail "load"; t_done; }
mapfile -t disks < <(scsi_disks)
t_check "4 disks" test "${#disks[@]}" = 4
[ "${#disks[@]}" = 4 ] || t_done
host=$(ls /sys/class/mq_scsi_host | head -1)

# wait_io <disk>: until fio has the disk open and I/O flowing (slow VMs
# may take seconds to start fio).
wait_io() {
	local q0 i
	q0=$(mq_stat "$1" queued)
	for i in $(seq 120); do
		[ "$(mq_stat "$1" queued)" -gt $((q0 + 200)) ] && return 0
		sleep 0.5
	done
	return 1
}

for round in $(seq 1 "${MQ_SCSI_REMOVE_N:-2}"); do
	d=$(scsi_disks | head -1)
	dev=$(readlink -f /sys/block/$d/device)
	fio --eta=never --output=/tmp/r.out --name=r --filename=/dev/$d \
		--direct=1 --ioengine=io_uring --rw=randrw --bs=4k --iodepth=32 \
		--numjobs=2 --runtime=30 --time_based &
	fpid=$!
	t_check "round $round: fio I/O flowing on $d" wait_io $d
	if [ $round = 1 ]; then
		t_expect_fail "rmmod mq_scsi_debug refused while a disk is open" \
			rmmod mq_scsi_debug
	fi
	t_check "round $round: delete $d through sysfs under fio" \
		sh -c "echo 1 > /sys/block/$d/device/delete"
	t_check "round $round: $d gone" test ! -e /sys/block/$d
	t_check "round $round: its LUN device gone" test ! -e "$dev"
	wait $fpid
	t_check "round $round: fio ended with an error (not a hang)" test $? != 0
	t_check "round $round: 3 disks left" test "$(scsi_disks | wc -l)" = 3
	t_check "round $round: another disk still verifies" \
		fio_verify /dev/$(scsi_disks | tail -1) --size=8M
	t_check "round $round: rescan brings the LUN back" \
		sh -c "echo '- - -' > /sys/class/mq_scsi_host/$host/scan && test \$(ls /sys/block | grep -c ^mqsd) = 4"
	udevadm settle 2>/dev/null
done
t_expect_fail "delete with a bad value refused" \
	sh -c "echo 2 > /sys/block/$(scsi_disks | head -1)/device/delete"
d=$(scsi_disks | head -1)
t_check "delete an idle LUN" sh -c "echo 1 > /sys/block/$d/device/delete"
t_check "rmmod mq_scsi_debug with idle disks" rmmod mq_scsi_debug
t_check "all disks gone" test "$(scsi_disks | wc -l)" = 0
t_check "host gone" test -z "$(ls /sys/class/mq_scsi_host)"

# host removal under fio (remove_host=1, like scsi_debug's add_host=-1):
# the disks go while open, fio gets errors and ends, nothing hangs, and
# the module unloads afterwards
mq_load_scsi_debug num_tgts=1 max_luns=2 dev_size_mb=16 ndelay=200000 ||
	t_fail "load for host removal"
mapfile -t hd < <(scsi_disks)
t_check "2 disks for host removal" test "${#hd[@]}" = 2
fio_bg --direct=1 --ioengine=io_uring --rw=randrw --bs=4k --iodepth=16 \
	--runtime=60 --time_based \
	--name=a --filename=/dev/${hd[0]} --name=b --filename=/dev/${hd[1]}
sleep 3
t_check "remove_host=1 under fio" \
	sh -c "echo 1 > /sys/module/mq_scsi_debug/parameters/remove_host"
t_check "fio ended after the host went (no hang)" fio_bg_ends 60
kill -9 "$FIO_BG_PID" 2>/dev/null; wait "$FIO_BG_PID" 2>/dev/null
t_check "fio saw errors" grep -qE 'err= *[1-9]' /tmp/busy.out
t_check "the host's disks are gone" test "$(scsi_disks | wc -l)" = 0
t_check "remove_host reads 1" grep -qx 1 /sys/module/mq_scsi_debug/parameters/remove_host
t_expect_fail "a second remove_host is refused" \
	sh -c "echo 1 > /sys/module/mq_scsi_debug/parameters/remove_host"
t_expect_fail "remove_host=0 is refused" \
	sh -c "echo 0 > /sys/module/mq_scsi_debug/parameters/remove_host"
t_check "rmmod mq_scsi_debug after host removal" rmmod mq_scsi_debug

# host removal while fio runs on every disk: rmmod is refused (open);
# after fio is killed it succeeds
mq_load_scsi_debug num_tgts=1 max_luns=2 dev_size_mb=16 || t_fail "reload"
d=$(scsi_disks | head -1)
t_check "reload: 2 disks" test "$(scsi_disks | wc -l)" = 2
t_check "fio verify after reload" fio_verify /dev/$d --size=8M
t_check "rmmod mq_scsi_debug" rmmod mq_scsi_debug
t_check "rmmod mq_scsi" rmmod mq_scsi
t_check "rmmod mq_core" rmmod mq_core
t_done
