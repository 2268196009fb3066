#!/bin/bash
# mq_virtio_blk next to the stock virtio_blk: two virtio-blk devices, one
# on each driver at the same time; a device moves from ours to the stock
# driver and back with unbind/bind and keeps its data; unbind with fio in
# flight fails the I/O without a hang, and bind brings the disk back
# (MQ_VIRTIO_UNBIND_N rounds, default 2, MQ_VIRTIO_UNBIND_PAUSE s of fio
# before each unbind, default 3; scripts/stress runs 100).
# vm: --qemu-arg -device --qemu-arg virtio-blk-pci,id=vb0,drive=d0,num-queues=2 --qemu-arg -device --qemu-arg virtio-blk-pci,id=vb1,drive=d1,num-queues=2
# vm-host: tests/lib/vm-host.sh --disk d0=64M --disk d1=64M
. "$(dirname "$0")/lib/common.sh"

OURS=/sys/bus/virtio/drivers/mq_virtio_blk
STOCK=/sys/bus/virtio/drivers/virtio_blk
wait_for() { # wait_for <path> [present|absent]: up to 20 s
	local i
	for i in $(seq 200); do
		if [ "${2:-present}" = present ]; then [ -e "$1" ] && return 0
		else [ -e "$1" ] || return 0; fi
		sleep 0.1
	done
	return 1
}
disk_of() { ls "/sys/bus/virtio/devices/$1/block" 2>/dev/null | head -1; }
sum16() { dd if="/dev/$1" bs=1M count=16 iflag=direct status=none | md5sum | cut -d' ' -f1; }

modprobe virtio_blk || { t_fail "modprobe virtio_blk"; t_done; }
mapfile -t devs < <(ls $STOCK | grep '^virtio' | sort -V)
t_log "stock virtio_blk has: ${devs[*]}"
[ ${#devs[@]} = 2 ] || { t_fail "two devices on virtio_blk"; t_done; }
v0=${devs[0]} v1=${devs[1]}
t_check "unbind $v1 from virtio_blk" sh -c "echo $v1 > $STOCK/unbind"
mq_load_core && insmod "$TOP/mq_virtio/mq_virtio_blk.ko" ||
	{ t_fail "insmod mq_virtio_blk"; t_done; }
t_check "mq_virtio_blk took the free device $v1" wait_for $OURS/$v1
t_check "and left $v0 to virtio_blk" test -e $STOCK/$v0
a=$(disk_of "$v0") b=$(disk_of "$v1")
t_log "stock: $a, ours: $b"
t_check "stock disk is vd*, ours mqvd*" sh -c "case '$a/$b' in vd*/mqvd*) ;; *) exit 1;; esac"
t_check "both drivers at once: fio verify on $a and $b" fio_run \
	--name=a --filename=/dev/$a --direct=1 --ioengine=io_uring \
	--rw=randwrite --bs=4k --iodepth=16 --size=32M --verify=crc32c \
	--verify_fatal=1 --name=b --filename=/dev/$b --direct=1 \
	--ioengine=io_uring --rw=randwrite --bs=4k --iodepth=16 --size=32M \
	--verify=crc32c --verify_fatal=1

s=$(sum16 "$b")
t_check "unbind $v1 from mq_virtio_blk" sh -c "echo $v1 > $OURS/unbind"
t_check "our disk $b is gone" wait_for /sys/block/$b absent
t_check "bind $v1 to virtio_blk" sh -c "echo $v1 > $STOCK/bind"
c=$(disk_of "$v1")
t_check "stock disk $c has the data written through ours" \
	test "$(sum16 "$c")" = "$s"
t_check "write through the stock driver" sh -c \
	"dd if=/dev/urandom of=/dev/$c bs=1M count=16 oflag=direct conv=fsync status=none"
s=$(sum16 "$c")
t_check "unbind $v1 from virtio_blk" sh -c "echo $v1 > $STOCK/unbind"
t_check "bind $v1 back to mq_virtio_blk" sh -c "echo $v1 > $OURS/bind"
b=$(disk_of "$v1")
t_check "ours again ($b), same data" test "$(sum16 "$b")" = "$s"

for round in $(seq 1 "${MQ_VIRTIO_UNBIND_N:-2}"); do
	fio_bg --name=busy --filename=/dev/$b --direct=1 --ioengine=io_uring \
		--rw=randrw --bs=16k --iodepth=32 --numjobs=2 --time_based \
		--runtime=60
	sleep "${MQ_VIRTIO_UNBIND_PAUSE:-3}"
	t_check "round $round: unbind with fio in flight" \
		sh -c "echo $v1 > $OURS/unbind"
	t_check "round $round: disk gone" wait_for /sys/block/$b absent
	t_check "round $round: fio ended (errors, no hang)" fio_bg_ends 30
	t_log "fio exit status ${FIO_BG_RC:-running} (non-zero expected)"
	t_check "round $round: bind again" sh -c "echo $v1 > $OURS/bind"
	b=$(disk_of "$v1")
	t_check "round $round: disk back ($b), verify" fio_verify /dev/$b --size=16M
done
t_check "queued == completed, nothing busy" mq_check_balanced "$b"
t_check "rmmod mq_virtio_blk (unbinds)" rmmod mq_virtio_blk
t_check "$v1 free again: virtio_blk can have it" sh -c "echo $v1 > $STOCK/bind"
t_check "stock disk works" fio_verify /dev/$(disk_of "$v1") --size=8M
t_done
