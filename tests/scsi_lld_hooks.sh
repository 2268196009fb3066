#!/bin/bash
# mq_scsi host template hooks, on mq_scsi_debug (which implements them and
# counts the calls in its hook_counts parameter): sdev_init/configure/
# destroy, change_queue_depth, eh_timed_out, eh_bus_reset_handler, the
# LLD's ioctl, info/proc_name, host and LUN sysfs attribute groups,
# max_cmd_len 32 (a 32-byte CDB reaches the target), chained
# scatterlists (sg_tablesize 256, 1 MiB requests, fio verify),
# block/unblock requests, SG_SCSI_RESET (sg_reset) and the debugfs
# inject_timeout / inject_eh_fail knobs driving abort -> device -> target
# -> bus -> host reset.  Every command comes back exactly once.
. "$(dirname "$0")/lib/common.sh"

P=/sys/module/mq_scsi_debug/parameters
hook() { tr ' ' '\n' < $P/hook_counts | grep -A1 -x "$1" | tail -1; }

mq_load_scsi_debug num_tgts=2 dev_size_mb=64 sg_tablesize=256 \
	max_cmd_len=32 || { t_fail "load"; t_done; }
h=$(ls /sys/class/mq_scsi_host | head -1)
mapfile -t disks < <(scsi_disks)
a=${disks[0]:-} b=${disks[1]:-}
t_check "two LUNs ($a $b)" test -n "$a" -a -n "$b"
[ -n "$a" ] || t_done
t_log "hooks after scan: $(cat $P/hook_counts)"
t_check "sdev_init for every probe (>= 2)" test "$(hook sdev_init)" -ge 2
t_check "sdev_configure once per LUN added" test "$(hook sdev_configure)" = 2
t_check "info from the LLD" grep -q "RAM-backed" /sys/class/mq_scsi_host/$h/info
t_check "proc_name" test "$(cat /sys/class/mq_scsi_host/$h/proc_name)" = mq_scsi_debug
t_check "host attribute group (shost_groups)" \
	test "$(cat /sys/class/mq_scsi_host/$h/sdebug_hooks)" = "$h"
t_check "LUN attribute group (sdev_groups)" \
	test "$(cat /sys/block/$b/device/sdebug_lun)" = "1:0"

n=$(hook change_queue_depth)
t_check "queue_depth write goes through change_queue_depth" \
	sh -c "echo 4 > /sys/block/$a/device/queue_depth"
t_check "change_queue_depth called" test "$(hook change_queue_depth)" = $((n + 1))
t_check "depth 4" test "$(cat /sys/block/$a/device/queue_depth)" = 4
echo 64 > /sys/block/$a/device/queue_depth

t_check "LLD ioctl (SDEBUG_IOCTL_PING -> PONG)" python3 -c "
import fcntl, struct, sys
fd = open('/dev/$a', 'rb')
r = fcntl.ioctl(fd, 0x5d01, struct.pack('i', 0))
sys.exit(struct.unpack('i', r)[0] != 0x5d5d)"
t_expect_fail "unknown ioctl: ENOTTY" python3 -c "
import fcntl
fcntl.ioctl(open('/dev/$a', 'rb'), 0x5d02, b'\0' * 4)"

# sg_io <disk> <cdb length>: SG_IO with a variable-length (0x7f) CDB of
# that length; prints the SCSI status, fails if the ioctl does
sg_io() {
	python3 - "$1" "$2" <<'PY'
import ctypes, fcntl, sys
class H(ctypes.Structure):
    _fields_ = [("interface_id", ctypes.c_int), ("dxfer_direction", ctypes.c_int),
                ("cmd_len", ctypes.c_ubyte), ("mx_sb_len", ctypes.c_ubyte),
                ("iovec_count", ctypes.c_ushort), ("dxfer_len", ctypes.c_uint),
                ("dxferp", ctypes.c_void_p), ("cmdp", ctypes.c_void_p),
                ("sbp", ctypes.c_void_p), ("timeout", ctypes.c_uint),
                ("flags", ctypes.c_uint), ("pack_id", ctypes.c_int),
                ("usr_ptr", ctypes.c_void_p), ("status", ctypes.c_ubyte),
                ("masked_status", ctypes.c_ubyte), ("msg_status", ctypes.c_ubyte),
                ("sb_len_wr", ctypes.c_ubyte), ("host_status", ctypes.c_ushort),
                ("driver_status", ctypes.c_ushort), ("resid", ctypes.c_int),
                ("duration", ctypes.c_uint), ("info", ctypes.c_uint)]
n = int(sys.argv[2])
cdb = (ctypes.c_ubyte * n)(*([0x7f] + [0] * 6 + [n - 8] + [0] * (n - 8)))
sense = (ctypes.c_ubyte * 32)()
h = H(interface_id=ord('S'), dxfer_direction=-1, cmd_len=n, mx_sb_len=32,
      cmdp=ctypes.addressof(cdb), sbp=ctypes.addressof(sense), timeout=10000)
with open('/dev/' + sys.argv[1], 'rb') as f:
    fcntl.ioctl(f, 0x2285, h)
print(h.status, h.host_status, sense[2] & 0xf)
PY
}
r=$(sg_io $a 32)
t_log "32-byte CDB: status/host/sense key $r"
t_check "a 32-byte CDB reaches the target (CHECK CONDITION, ILLEGAL REQUEST)" \
	test "$r" = "2 0 5"
t_expect_fail "a 34-byte CDB is refused (EINVAL)" sg_io $a 34

t_check "max_segments 256 (chained beyond 128)" \
	test "$(cat /sys/block/$a/queue/max_segments)" = 256
t_check "fio verify with 1 MiB requests (up to 256 segments)" fio_run \
	--name=big --filename=/dev/$a --direct=1 --ioengine=libaio \
	--rw=randwrite --bs=1M --iodepth=8 --size=48M --verify=crc32c \
	--verify_fatal=1 --iomem=malloc

# block / unblock
echo 1 > $P/block
dd if=/dev/$b of=/dev/null bs=4k count=1 iflag=direct status=none &
ddpid=$!
sleep 2
t_check "blocked: a read waits" kill -0 $ddpid
echo 0 > $P/block
t_check "unblocked: the read completes" wait $ddpid

# timeouts injected by mq_scsi, escalated with inject_eh_fail
D=/sys/kernel/debug/mq_scsi/$h
echo 2 > /sys/block/$a/device/timeout
dd if=/dev/urandom of=/tmp/pat bs=64k count=4 status=none
dd if=/tmp/pat of=/dev/$a bs=64k seek=3 oflag=direct status=none
eh_round() { scsi_eh_round "$D" "$a" 3 4 "$@"; } # <inject_eh_fail> <dmesg pattern>
t_check "inject_timeout -> abort" eh_round 0 "abort: success"
t_check "abort ignored -> device reset" eh_round 1 "device reset: success"
t_check "... -> target reset" eh_round 3 "target reset: success"
n=$(hook eh_bus_reset)
t_check "... -> bus reset" eh_round 7 "bus reset: success"
t_check "eh_bus_reset_handler called" test "$(hook eh_bus_reset)" = $((n + 1))
t_check "... -> host reset" eh_round 15 "host reset: success"
n=$(hook eh_timed_out)
echo 1 > $P/timed_out_resets
t_check "eh_timed_out: RESET_TIMER once, then the EH" eh_round 0 "abort: success"
t_check "eh_timed_out called twice" test "$(hook eh_timed_out)" = $((n + 2))

dmesg -C
t_check "sg_reset -d" sg_reset -d /dev/$a
t_check "sg_reset -t" sg_reset -t /dev/$a
t_check "sg_reset -b" sg_reset -b /dev/$a
t_check "sg_reset -H" sg_reset -H /dev/$a
t_check "sg_reset reached the handlers" sh -c \
	"dmesg | grep -q 'device reset: success' && dmesg | grep -q 'host reset: success'"
t_expect_fail "SG_SCSI_RESET with an unknown type: EINVAL" python3 -c "
import fcntl, struct
fcntl.ioctl(open('/dev/$a', 'rb'), 0x2284, struct.pack('i', 9))"
t_check "fio verify after all that" fio_verify /dev/$a --size=32M
for d in $a $b; do
	t_check "$d: every command back once" scsi_check_balanced "$d"
done

echo 1 > $P/remove_host
udevadm settle 2>/dev/null
t_log "hooks after removal: $(cat $P/hook_counts)"
t_check "sdev_destroy for every sdev_init" \
	test "$(hook sdev_destroy)" = "$(hook sdev_init)"
mq_scsi_unload
t_done
