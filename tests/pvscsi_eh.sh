#!/bin/bash
# mq_pvscsi error handling through mq_scsi's EH on QEMU's pvscsi:
# completions dropped in the guest (mq_scsi debugfs inject_timeout) make
# commands time out (2 s LUN timeout); the EH calls the converted LLD's
# abort, and with inject_eh_fail (an EH step's success ignored) its
# device reset, bus reset (no target reset in pvscsi) and host reset,
# which really reset the QEMU device.  Each time the command is retried
# and the data read back is right; under fio verify with resets no error;
# SG_SCSI_RESET (sg_reset -d/-b/-H) reaches the same handlers; every
# command comes back exactly once (debugfs counters).  The stock
# vmw_pvscsi serves the second controller meanwhile.
# vm: --qemu-arg -device --qemu-arg pvscsi,id=pv0,bus=pci.0,addr=0x10 --qemu-arg -device --qemu-arg scsi-hd,bus=pv0.0,drive=p0,scsi-id=0,lun=0 --qemu-arg -device --qemu-arg scsi-hd,bus=pv0.0,drive=p1,scsi-id=1,lun=0 --qemu-arg -device --qemu-arg scsi-hd,bus=pv0.0,drive=p2,scsi-id=2,lun=0 --qemu-arg -device --qemu-arg pvscsi,id=pv1,bus=pci.0,addr=0x11 --qemu-arg -device --qemu-arg scsi-hd,bus=pv1.0,drive=p3,scsi-id=0,lun=0
# vm-host: tests/lib/vm-host.sh --disk p0=64M --disk p1=64M --disk p2=64M --disk p3=64M
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/pvscsi.sh"

pv_unbind "$PV_OURS"
pv_load || { t_fail "load and bind mq_pvscsi"; t_done; }
modprobe vmw_pvscsi 2>/dev/null
modprobe sd_mod 2>/dev/null
pv_bind "$PV_STOCK" vmw_pvscsi
D=/sys/kernel/debug/mq_scsi/$PV_HOST
t_check "debugfs knobs of $PV_HOST" test -w $D/inject_timeout -a -w $D/inject_eh_fail
t_expect_fail "inject_eh_fail refuses unknown bits" sh -c "echo 64 > $D/inject_eh_fail"
for d in $A $B $C; do echo 2 > /sys/block/$d/device/timeout; done

dd if=/dev/urandom of=/tmp/pat bs=64k count=16 status=none
t_check "pattern written to $A" dd if=/tmp/pat of=/dev/$A bs=64k seek=10 \
	oflag=direct status=none

# eh_round <inject_eh_fail> <log line expected>: one dropped completion of
# a direct read; the EH runs up to the expected step; the data is right.
eh_round() { scsi_eh_round "$D" "$A" 10 16 "$@"; }
t_check "timeout -> abort, retried, data right" eh_round 0 "abort: success"
t_check "abort ignored -> device reset (LLD's PVSCSI_CMD_RESET_DEVICE)" \
	eh_round 1 "SCSI device reset"
t_check "abort, device reset ignored -> bus reset (no target reset in pvscsi)" \
	eh_round 3 "SCSI Bus reset"
t_check "abort, device, bus reset ignored -> host reset (adapter reset, rings set up again)" \
	eh_round 11 "SCSI Host reset"
t_check "no injection left" test "$(cat $D/inject_timeout)" = 0

# resets under load: fio verify sees no error
echo 2 > /sys/block/$B/device/timeout
fio_bg --name=v --filename=/dev/$B --direct=1 --ioengine=io_uring \
	--rw=randwrite --bs=4k --iodepth=16 --size=32M --verify=crc32c \
	--verify_fatal=1 --name=v2 --filename=/dev/$C --direct=1 \
	--ioengine=libaio --rw=randwrite --bs=16k --iodepth=8 --size=32M \
	--verify=crc32c --verify_fatal=1
sleep 2
echo 11 > $D/inject_eh_fail
echo 3 > $D/inject_timeout
FIO_BG_RC=1
t_check "fio on $B and $C with 3 timeouts and host resets ends" fio_bg_ends 240
echo 0 > $D/inject_eh_fail
t_check "fio verify: no errors (exit status $FIO_BG_RC)" test "$FIO_BG_RC" = 0
grep -E 'err=|verify' /tmp/busy.out | head -5

# SG_SCSI_RESET through the same handlers
dmesg -C
t_check "sg_reset -d (device reset)" sg_reset -d /dev/$A
t_check "sg_reset -b (bus reset)" sg_reset -b /dev/$A
t_check "sg_reset -H (host reset)" sg_reset -H /dev/$A
t_check "the LLD's handlers ran" sh -c \
	"dmesg | grep -q 'SCSI device reset' && dmesg | grep -q 'SCSI Bus reset' && dmesg | grep -q 'SCSI Host reset'"
t_check "I/O after the resets: pattern intact" sh -c \
	"dd if=/dev/$A bs=64k skip=10 count=16 iflag=direct status=none | cmp - /tmp/pat"
t_check "fio verify after everything" fio_verify /dev/$A --size=32M
for d in $A $B $C; do
	t_check "$d: every command back once" scsi_check_balanced "$d"
	t_check "$d: running" test "$(cat /sys/block/$d/device/state)" = running
done
S=$(stock_disk)
[ -n "$S" ] && t_check "stock disk $S unaffected" fio_verify /dev/$S --size=16M
pv_unload
t_done
