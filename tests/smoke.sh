#!/bin/bash
# One boot, every driver, as a user gets them from `dkms install` (CI's pass
# over each kernel of the matrix, scripts/ci-kernels): modprobe of the
# DKMS-installed modules (they must come from /updates/dkms and carry this
# kernel's vermagic), fio crc32c verify on mq_nullblk, mq_scsi_debug,
# mq_virtio_blk (QEMU virtio-blk-pci) and mq_virtio_scsi (a scsi-hd LUN),
# io_uring polled reads on mq_nullblk and mq_virtio_blk poll queues found
# by polling, an ext4 cycle, and every module unloads. mq_xenfront needs a
# Xen guest (make check-xen): here only its DKMS install is checked.
# vm: --cpus 2 --qemu-arg -device --qemu-arg virtio-blk-pci,id=vb0,drive=d0,num-queues=3 --qemu-arg -device --qemu-arg virtio-scsi-pci,id=vs0,num_queues=2 --qemu-arg -device --qemu-arg scsi-hd,bus=vs0.0,drive=s0,scsi-id=0,lun=0,id=hd0
# vm-host: tests/lib/vm-host.sh --disk d0=128M --disk s0=128M
. "$(dirname "$0")/lib/common.sh"

kver=$(uname -r)
for m in mq_core mq_nullblk mq_scsi mq_scsi_debug mq_virtio_blk mq_virtio_scsi \
	mq_xenfront; do
	p=$(modinfo -n $m 2>/dev/null)
	v=$(modinfo -F vermagic $m 2>/dev/null)
	t_check "$m installed by DKMS for $kver (${p:-not found})" \
		sh -c "case '$p' in */updates/dkms/*) ;; *) exit 1 ;; esac &&
		       case '$v' in '$kver '*) ;; *) exit 1 ;; esac"
done
if [ -d /sys/module/mq_core ]; then
	t_fail "mq_core loaded before the test"
fi

virtio_stock_release virtio_blk virtio_scsi
t_check "modprobe mq_nullblk (pulls in mq_core)" modprobe mq_nullblk \
	nr_devices=1 gb=1 memory_backed=1 submit_queues=2 poll_queues=1
t_check "modprobe mq_scsi_debug (pulls in mq_scsi)" modprobe mq_scsi_debug \
	dev_size_mb=128 num_tgts=1 max_luns=1 submit_queues=2
t_check "modprobe mq_virtio_blk poll_queues=1" modprobe mq_virtio_blk \
	poll_queues=1
t_check "modprobe mq_virtio_scsi" modprobe mq_virtio_scsi
udevadm settle 2>/dev/null || sleep 2
n=/dev/mqnullb0
t_check "$n appeared" t_wait 10 test -b $n
for i in $(seq 100); do
	[ "$(scsi_disks | wc -l)" -ge 2 ] && [ -n "$(mqvb_disks)" ] && break
	sleep 0.1
done
v=$(mqvb_disks | head -1)
sd=()
for d in $(scsi_disks); do sd+=("$d"); done
t_log "disks: mqnullb0 ${sd[*]} $v"
t_check "two mqsd disks (mq_scsi_debug, mq_virtio_scsi)" test "${#sd[@]}" = 2
t_check "an mq_virtio_blk disk" test -n "$v"

for d in mqnullb0 "${sd[@]}" $v; do
	t_check "fio verify on $d" fio_verify /dev/$d --size=48M
done

for d in mqnullb0 $v; do
	t_polled_read $d 100 --iodepth=16 --runtime=3
	t_check "$d: queued == completed, nothing busy" mq_check_balanced $d
done

fs_cycle $n 300

mq_unload_all
t_done
