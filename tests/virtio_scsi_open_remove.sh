#!/bin/bash
# A disk of mq_virtio_scsi held open while its controller goes (unbind,
# which frees the virtio-scsi host): SCSI_IOCTL_GET_IDLUN and
# SCSI_IOCTL_GET_BUS_NUMBER on the open file (no capability needed) still
# answer with the old host's numbers, because the logical unit keeps its
# host until the last close; SG_IO gets ENODEV; closing the file lets
# everything go, and bind brings the disk back.  The guest poisons freed
# slab objects (slub_debug=P), so reading a freed host would show 0x6b
# bytes instead of its number.
# vm: --append slub_debug=P --qemu-arg -device --qemu-arg virtio-scsi-pci,id=vs0,num_queues=1 --qemu-arg -device --qemu-arg scsi-hd,bus=vs0.0,drive=s0,scsi-id=0,lun=0
# vm-host: tests/lib/vm-host.sh --disk s0=16M
. "$(dirname "$0")/lib/common.sh"

OURS=/sys/bus/virtio/drivers/mq_virtio_scsi
ndisks() { ls /sys/block | grep -c '^mqsd'; }
has_n() { [ "$(ndisks)" = "$1" ]; }

cat > /tmp/idlun.py <<'PY'
import errno, fcntl, os, struct, sys

SCSI_IOCTL_GET_IDLUN = 0x5382
SCSI_IOCTL_GET_BUS_NUMBER = 0x5386
SG_IO = 0x2285
fd, host = int(sys.argv[1]), int(sys.argv[2])
fails = 0
idlun = struct.unpack("II", fcntl.ioctl(fd, SCSI_IOCTL_GET_IDLUN, bytes(8)))
bus = struct.unpack("i", fcntl.ioctl(fd, SCSI_IOCTL_GET_BUS_NUMBER, bytes(4)))[0]
want = ((host & 0xff) << 24, host)
print("GET_IDLUN %#x %#x (want %#x %#x), GET_BUS_NUMBER %#x (want %#x)" %
      (idlun[0], idlun[1], want[0], want[1], bus, host))
if idlun != want or bus != host:
    print("FAIL: host numbers of the removed host")
    fails += 1
if len(sys.argv) > 3:
    # TEST UNIT READY through SG_IO on the removed LUN: ENODEV
    cdb = bytes(6)
    import ctypes
    cbuf = ctypes.create_string_buffer(cdb, 6)
    hdr = bytearray(struct.pack("@iiBBHIPPPIIiPBBBBHHiII0P", ord('S'), -1, 6,
                    0, 0, 0, 0, ctypes.addressof(cbuf), 0, 5000, 0, 0, 0,
                    0, 0, 0, 0, 0, 0, 0, 0, 0))
    try:
        fcntl.ioctl(fd, SG_IO, hdr)
        print("FAIL: SG_IO on a removed LUN succeeded")
        fails += 1
    except OSError as e:
        print("SG_IO: %s" % errno.errorcode[e.errno])
        if e.errno != errno.ENODEV:
            fails += 1
sys.exit(1 if fails else 0)
PY

virtio_stock_release virtio_scsi
{ mq_load_core && { [ -d /sys/module/mq_scsi ] || insmod "$TOP/mq_scsi/mq_scsi.ko"; } &&
	insmod "$TOP/mq_virtio/mq_virtio_scsi.ko" max_targets=1; } ||
	{ t_fail "load"; t_done; }
t_check "one disk" t_wait 30 has_n 1
d=$(ls /sys/block | grep '^mqsd' | head -1)
[ -n "$d" ] || t_done
v=$(ls $OURS | grep '^virtio' | head -1)
h=$(ls /sys/class/mq_scsi_host | head -1)
h=${h#mqhost}
t_check "GET_IDLUN / GET_BUS_NUMBER on the live disk: host $h" \
	python3 /tmp/idlun.py 3 "$h" 3< /dev/$d

for round in 1 2; do
	exec 3< /dev/$d
	t_check "round $round: unbind $v with $d open" sh -c "echo $v > $OURS/unbind"
	t_check "round $round: disk gone" t_wait 30 has_n 0
	sleep 1
	t_check "round $round: the open disk still gives host $h (sdev pins its host)" \
		python3 /tmp/idlun.py 3 "$h" sg
	t_check "round $round: its host is gone from sysfs" \
		test ! -e /sys/class/mq_scsi_host/mqhost$h
	exec 3<&-
	t_check "round $round: bind again" sh -c "echo $v > $OURS/bind"
	t_check "round $round: disk back" t_wait 30 has_n 1
	d=$(ls /sys/block | grep '^mqsd' | head -1)
	h=$(ls /sys/class/mq_scsi_host | head -1)
	h=${h#mqhost}
	[ -n "$d" ] && t_check "round $round: verify on $d" \
		fio_verify /dev/$d --size=8M
done
t_check "rmmod mq_virtio_scsi" rmmod mq_virtio_scsi
t_check "rmmod mq_scsi" rmmod mq_scsi
t_done
