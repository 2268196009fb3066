#!/bin/bash
# Input fuzz (issue 6's matrix): boundary and random values into every
# writable module parameter of mq_nullblk, mq_scsi_debug, mq_virtio_blk and
# mq_virtio_scsi, every writable configfs attribute of a powered-off and of
# a powered-on mq_nullblk device, every writable sysfs attribute of our
# disks (mq/, SCSI device/) and of the mq_scsi host (scan); random CDBs of
# every length through SG_IO (sg_raw); BLKRRPART, BLKPG and the persistent
# reservation ioctls with random arguments.  Nothing may oops or splat
# (vm-run checks the log; on the debug kernel kmemleak is scanned after),
# each parameter is restored after its round, and afterwards the devices
# still verify.  Prints how many writes/calls were made and refused.
# Not run by make check; scripts/stress runs it (MQ_FUZZ_RANDOM random
# values per attribute, default 8; MQ_FUZZ_CDBS random CDBs, default 300).
. "$(dirname "$0")/../lib/common.sh"

n_random=${MQ_FUZZ_RANDOM:-8}
n_cdbs=${MQ_FUZZ_CDBS:-300}
writes=0 refused=0

# The values: boundaries of every integer type, signs, bases, junk, a long
# string, an empty write, then random bytes and random numbers.
values=("" $'\n' "0" "1" "-1" "2" "7" "8" "255" "256" "4096" "65535" "65536"
	"2147483647" "2147483648" "-2147483648" "4294967295" "4294967296"
	"9223372036854775807" "18446744073709551615" "18446744073709551616"
	"0x10" "010" "1e3" "+1" " 1" "1 " "1,2" "1,100,0,20" "-1,-1,-1,-1"
	"1,1,1" "abc" "Y" "N" "on" "- - -" "0 0 0" "999 999 999" "* * *"
	"$(head -c 4095 /dev/zero | tr '\0' 9)")

rand_value() {
	case $((RANDOM % 3)) in
	0) echo $((RANDOM * RANDOM - RANDOM)) ;;
	1) head -c $((RANDOM % 64 + 1)) /dev/urandom | tr -d '\0\n' ;;
	2) printf '%d,%d,%d,%d' $((RANDOM % 200 - 50)) $((RANDOM % 200 - 50)) \
		$((RANDOM % 200 - 50)) $((RANDOM % 200 - 50)) ;;
	esac
}

# fuzz_file <file>: every value, then restore what it held.
fuzz_file() {
	local f=$1 orig v i
	orig=$(cat "$f" 2>/dev/null)
	for v in "${values[@]}"; do
		writes=$((writes + 1))
		printf '%s' "$v" 2>/dev/null > "$f" || refused=$((refused + 1))
	done
	for i in $(seq "$n_random"); do
		writes=$((writes + 1))
		rand_value 2>/dev/null > "$f" || refused=$((refused + 1))
	done
	# (a newline alone clears what was empty, e.g. a fault injection point)
	printf '%s\n' "$orig" > "$f" 2>/dev/null
	return 0
}

# fuzz_dir <dir> <skip-regex>: every writable regular file in <dir>.
fuzz_dir() {
	local f
	for f in "$1"/*; do
		[ -f "$f" ] && [ -w "$f" ] || continue
		[[ ${f##*/} =~ ^($2)$ ]] && continue
		fuzz_file "$f"
	done
}

modprobe configfs 2>/dev/null
mq_load_nullblk nr_devices=1 memory_backed=1 gb=1 submit_queues=2 ||
	{ t_fail "load mq_nullblk"; t_done; }
mq_load_scsi_debug dev_size_mb=64 num_tgts=1 max_luns=1 ||
	{ t_fail "load mq_scsi_debug"; t_done; }
insmod "$TOP/mq_virtio/mq_virtio_blk.ko" || t_fail "load mq_virtio_blk"
insmod "$TOP/mq_virtio/mq_virtio_scsi.ko" || t_fail "load mq_virtio_scsi"
sd=$(scsi_disks | head -1)
[ -n "$sd" ] || { t_fail "no mq_scsi_debug disk"; t_done; }

# Module parameters (remove_host would take the host away: last, below).
w0=$writes r0=$refused
for m in mq_core mq_nullblk mq_scsi mq_scsi_debug mq_virtio_blk mq_virtio_scsi; do
	[ -d /sys/module/$m/parameters ] && fuzz_dir /sys/module/$m/parameters remove_host
done
t_log "module parameters: $((writes - w0)) writes, $((refused - r0)) refused"

# configfs: a powered-off device (everything but power), then a powered-on
# one (where all but three attributes must refuse).
w0=$writes r0=$refused
cfs_new off size=64 || t_fail "configfs create"
fuzz_dir $CFS/off "power|index"
cfs_new on size=64 memory_backed=1 power=1 || t_fail "configfs create powered"
fuzz_dir $CFS/on "power|index"
t_log "configfs attributes: $((writes - w0)) writes, $((refused - r0)) refused"
t_check "powered-on configfs device still there" test -b "/dev/$(cfs_disk on)"

# sysfs of our disks and of the SCSI host.
w0=$writes r0=$refused
for d in mqnullb0 "$(cfs_disk on)" "$sd"; do
	[ -d /sys/block/$d/mq ] && fuzz_dir /sys/block/$d/mq ""
done
fuzz_dir "/sys/block/$sd/device" "delete"
for h in /sys/class/mq_scsi_host/*; do fuzz_dir "$h" ""; done
t_log "sysfs attributes: $((writes - w0)) writes, $((refused - r0)) refused"
sd=$(scsi_disks | head -1)
t_check "the SCSI disk is still there after the host's sysfs fuzz" test -n "$sd"

# SG_IO: random CDBs of 6..16 bytes, with no data, a read of up to 8 KiB
# or a write of up to 4 KiB (sg_raw sends what it is given).
calls=0 fails=0
head -c 4096 /dev/urandom > /tmp/fz.data
for i in $(seq "$n_cdbs"); do
	len=$((6 + RANDOM % 11))
	cdb=$(head -c "$len" /dev/urandom | od -An -tx1 | tr -s ' \n' ' ')
	case $((RANDOM % 3)) in
	0) args=() ;;
	1) args=(-r $((RANDOM % 8192 + 1))) ;;
	2) args=(-s $((RANDOM % 4096 + 1)) -i /tmp/fz.data) ;;
	esac
	calls=$((calls + 1))
	# shellcheck disable=SC2086
	timeout 60 sg_raw -t 10 "${args[@]}" "/dev/$sd" $cdb > /dev/null 2>&1 ||
		fails=$((fails + 1))
done
t_log "SG_IO: $calls random CDBs, $fails with a non-zero sg_raw status"
t_check "SCSI disk answers TEST UNIT READY after the CDB fuzz" sg_turs "/dev/$sd"

# Block ioctls with random arguments (python3 is on the host's root).
if command -v python3 > /dev/null; then
	out=$(python3 - "/dev/mqnullb0" "/dev/$sd" <<'EOF'
import fcntl, os, random, struct, sys
BLKRRPART = 0x125F
BLKPG = 0x1269
IOC_PR = [0x401870c8, 0x401070c9, 0x401070ca, 0x401870cb, 0x401870cc,
          0x401070cd]  # register, reserve, release, preempt, preempt-abort, clear
calls = errs = 0
for dev in sys.argv[1:]:
    fd = os.open(dev, os.O_RDWR)
    for _ in range(200):
        pick = random.randrange(3)
        try:
            calls += 1
            if pick == 0:
                fcntl.ioctl(fd, BLKRRPART)
            elif pick == 1:
                part = struct.pack("qqi64s64s", random.randrange(-2**40, 2**40),
                                   random.randrange(-2**40, 2**40),
                                   random.randrange(-8, 300), b"", b"")
                arg = struct.pack("iiiP", random.randrange(-2, 4),
                                  random.randrange(-2, 2), len(part), 0)
                fcntl.ioctl(fd, BLKPG, arg)
            else:
                buf = os.urandom(24)
                fcntl.ioctl(fd, random.choice(IOC_PR), buf)
        except OSError:
            errs += 1
    os.close(fd)
print(calls, errs)
EOF
	)
	t_log "ioctls (BLKRRPART, BLKPG with a NULL partition, PR_*): ${out% *} calls, ${out#* } refused"
	t_check "ioctl fuzz ran" test -n "$out"
fi

# Still working afterwards (fresh configfs device: the fuzz may have left
# the module defaults anywhere valid).
rmdir $CFS/off 2>/dev/null
echo 0 > $CFS/on/power; rmdir $CFS/on
t_check "mqnullb0 verifies after the fuzz" fio_verify /dev/mqnullb0 --size=16M
t_check "$sd verifies after the fuzz" fio_verify "/dev/$sd" --size=16M
t_log "total: $writes attribute writes, $refused refused"
t_check "remove_host=1 takes the host away" \
	sh -c "echo 1 > /sys/module/mq_scsi_debug/parameters/remove_host"
rmmod mq_virtio_scsi mq_virtio_blk 2>/dev/null
mq_scsi_unload
t_check "rmmod mq_nullblk" rmmod mq_nullblk
t_check "rmmod mq_core" rmmod mq_core
t_done
