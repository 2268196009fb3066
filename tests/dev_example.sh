#!/bin/bash
# The development files of the installed package (issue 20): the example
# out-of-tree driver examples/mq_example_blk, built on the host in a
# directory of its own against /usr/lib/mq-suite/<kver> (scripts/dev-example:
# headers, Module.symvers and mq-suite.mk from `dkms install`), loads with
# insmod next to the DKMS-installed mq_core and serves I/O: fio crc32c verify
# on several queues, an ext4 cycle; a bad parameter is refused with a log
# line; it unloads.
# vm: --cpus 2
# vm-host: scripts/dev-example
. "$(dirname "$0")/lib/common.sh"

ko=/mnt/host-out/mq_example_blk.ko
kver=$(uname -r)
t_check "the example was built for $kver" \
	sh -c "modinfo -F vermagic '$ko' | grep -q '^$kver '"
t_check "it depends on mq_core" sh -c "modinfo -F depends '$ko' | grep -qx mq_core"
p=$(modinfo -n mq_core 2>/dev/null)
t_check "mq_core installed by DKMS (${p:-not found})" \
	sh -c "case '$p' in */updates/dkms/*) ;; *) exit 1 ;; esac"
t_check "modprobe mq_core" modprobe mq_core

dmesg -C
t_expect_fail "insmod size_mb=0 is refused" insmod "$ko" size_mb=0
t_check "with a log line naming the parameter" \
	sh -c "dmesg | grep -q 'mq_example_blk: size_mb=0: must be'"
t_expect_fail "insmod nr_queues=100000 is refused" insmod "$ko" nr_queues=100000

t_check "insmod mq_example_blk.ko (no symbol or CRC error)" \
	insmod "$ko" size_mb=96 nr_queues=2 queue_depth=32
udevadm settle 2>/dev/null || sleep 0.5
dev=/dev/mqexample0
t_check "$dev exists" test -b $dev
t_check "$dev is 96 MiB" sh -c "[ \$(blockdev --getsize64 $dev) = $((96 << 20)) ]"
t_check "2 hardware queues" \
	sh -c "[ \$(ls -d /sys/kernel/debug/mq_core/mqexample0/hctx* | wc -l) = 2 ]"
t_check "fio verify on $dev, 2 jobs on both CPUs" \
	fio_verify $dev --numjobs=2 --offset_increment=48M --size=48M --cpus_allowed_policy=split --cpus_allowed=0-1
t_check "fio verify, buffered writes of mixed sizes" \
	fio_run --name=mixed --filename=$dev --ioengine=psync --rw=randwrite \
	--bsrange=512-64k --size=32M --verify=crc32c --verify_fatal=1 --do_verify=1
fs_cycle $dev 200
t_check "rmmod mq_example_blk" rmmod mq_example_blk
t_check "$dev is gone" sh -c "! test -e $dev"
t_check "rmmod mq_core" rmmod mq_core
t_done
