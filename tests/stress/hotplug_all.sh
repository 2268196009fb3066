#!/bin/bash
# CPU hotplug under load on every driver (issue 6's matrix): mq_nullblk,
# mq_scsi_debug, mq_virtio_blk and mq_virtio_scsi in one 4-vCPU guest,
# fio with crc32c verify on each disk while MQ_HOTPLUG_N (default 100)
# offline/online events hit CPUs 1-3 in a random order, so that up to three
# CPUs are offline at once (both CPUs of a virtqueue's IRQ among them).
# No I/O error or mismatch on any disk; after each offline event no
# offline CPU is in a cpu_list of the default-mapped mq_nullblk (the
# IRQ-mapped drivers keep their map); every request ends once.
# Run by scripts/stress (row hotplug_all).
# vm: --cpus 4 --mem 2048 --qemu-arg -device --qemu-arg virtio-blk-pci,id=vb0,drive=d0,num-queues=2,serial=mqhp0 --qemu-arg -device --qemu-arg virtio-scsi-pci,id=vs0,num_queues=2 --qemu-arg -device --qemu-arg scsi-hd,bus=vs0.0,drive=s0,scsi-id=0,lun=0,id=hd0
# vm-host: tests/lib/vm-host.sh --disk d0=256M --disk s0=256M
. "$(dirname "$0")/../lib/common.sh"

n_events=${MQ_HOTPLUG_N:-100}

t_check "4 disks: mq_nullblk, 2 SCSI LUNs (debug, virtio), 1 virtio-blk" mq_load_all ||
	t_done
t_log "IRQ-mapped virtqueues: $(grep -E 'virtio[0-9]+-(request|req)' /proc/interrupts |
	awk '{ print $NF }' | tr '\n' ' ')"

fio_mixed_start $((n_events * 2 + 30))

follow=0
offline_max=0
start=$(date +%s)
for i in $(seq 1 "$n_events"); do
	# a random CPU flips; the sweep ends with every CPU online again
	cpu=$((RANDOM % 3 + 1))
	f=/sys/devices/system/cpu/cpu$cpu/online
	if [ "$(cat $f)" = 1 ]; then
		echo 0 > $f || t_fail "offline cpu$cpu (event $i)"
		if grep -qw "$cpu" /sys/block/mqnullb0/mq/*/cpu_list; then
			t_fail "offline cpu$cpu still in a mqnullb0 cpu_list"
		else
			follow=$((follow + 1))
		fi
	else
		echo 1 > $f || t_fail "online cpu$cpu (event $i)"
		follow=$((follow + 1))
	fi
	off=$(grep -lx 0 /sys/devices/system/cpu/cpu[1-3]/online | wc -l)
	[ "$off" -gt "$offline_max" ] && offline_max=$off
	sleep 0.$((RANDOM % 5))
done
for cpu in 1 2 3; do
	echo 1 > /sys/devices/system/cpu/cpu$cpu/online 2>/dev/null
done
t_log "$n_events events in $(( $(date +%s) - start )) s; up to $offline_max CPUs offline at once; offline now: '$(cat /sys/devices/system/cpu/offline)'"
t_check "every event done and mqnullb0's map followed ($follow/$n_events)" \
	test $follow = "$n_events"
t_check "mqnullb0: every CPU back in a cpu_list" \
	sh -c 'for c in 0 1 2 3; do grep -qw $c /sys/block/mqnullb0/mq/*/cpu_list || exit 1; done'

fio_mixed_wait "verify across $n_events hotplug events"
mq_unload_all
t_done
