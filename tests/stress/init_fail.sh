#!/bin/bash
# Module init failure paths (debug kernel only: needs failslab and
# fail_page_alloc in debugfs).  For each target - insmod mq_core,
# mq_nullblk nr_devices=2, configfs power=1 of an mq_nullblk device,
# insmod mq_scsi, mq_scsi_debug, and mq_virtio_scsi / mq_virtio_blk if
# their virtio device is present - and each injector (failslab, then fail_page_alloc), the
# target is run MQ_INITFAIL_N times (default 50) with one allocation made
# to fail:
#
#  - the walker is /proc/thread-self/fail-nth (fault-injection.rst): the
#    N-th fault-injection call of the task fails, whatever probability /
#    interval / times say, but the injector's own filters still apply.  The
#    other injector is filtered off (fail_page_alloc min-order 100, failslab
#    cache-filter Y with no cache marked), so only one kind fails.  Both keep
#    task-filter Y, probability 100, times 1, space 0, verbose 1 and
#    ignore-gfp-wait N (fail_page_alloc: ignore-gfp-highmem N, min-order 0
#    when active) - nothing else in the guest is made to fail.
#  - a small Python helper (ctypes) arms fail-nth right before the
#    finit_module() / write() system call, so the count is that call's.  Two
#    clean runs first count the calls T of the target (the smaller count:
#    the first load in a boot makes some one-time allocations); iteration i fails
#    call T-(i-1)*S with S = MQ_INITFAIL_STRIDE, or else call
#    T-floor((i-1)*T/N) (N iterations if T >= N, else T): the walk
#    goes back from the last allocation over the whole load, evenly (the
#    module loader's own allocations come first, then the init's, then the
#    uevent's - a failure there does not fail the load).  With stride 1 it
#    tries the last N calls one by one.
#
# After each iteration: a failed load leaves no module (/proc/modules), a
# failed power=1 leaves the device off and removable; a load that succeeded
# (the failure hit a path that tolerates it) works - disks exist and read -
# and unloads.  The kernel log of the iteration must have no splat
# (scripts/check-log patterns); allocation-failure reports (warn_alloc's
# stack dump) are expected and dropped.  While the walk runs the console
# loglevel is 4 (so those dumps stay off the console, which vm-run checks);
# every splat found is printed.  After each module/injector, kmemleak is
# scanned: a leak with a frame in an mq_* module (or at a bare address in
# module space: a module that is gone) fails the test.  At the end a plain
# load of everything works.  One summary line per target/injector:
# "iterations N, failed loads F, clean unwinds U".
#
# Not in check-debug's default list (tests/*.sh): run it by name, see
# README.md.  A virtio-blk device (16 MiB file) is there for mq_virtio_blk,
# a virtio-scsi controller with one 16 MiB LUN for mq_virtio_scsi.
# vm: --qemu-arg -device --qemu-arg virtio-blk-pci,id=vb0,drive=d0,num-queues=2 --qemu-arg -device --qemu-arg virtio-scsi-pci,id=vs0,num_queues=2 --qemu-arg -device --qemu-arg scsi-hd,bus=vs0.0,drive=s0,scsi-id=0,lun=0,id=hd0
# vm-host: tests/lib/vm-host.sh --disk d0=16M --disk s0=16M
. "$(dirname "$0")/../lib/common.sh"

ITER=${MQ_INITFAIL_N:-50}
ONLY=${MQ_INITFAIL_ONLY:-}  # e.g. "mq_nullblk-configfs-power mq_scsi" (or with commas): just those walks
STRIDE=${MQ_INITFAIL_STRIDE:-}
DBG=/sys/kernel/debug
PY=/usr/bin/python3
KML=$DBG/kmemleak

if [ ! -d $DBG/failslab ] || [ ! -d $DBG/fail_page_alloc ] ||
   [ ! -e /proc/self/fail-nth ]; then
	t_log "SKIP: no failslab / fail_page_alloc in debugfs or no /proc/self/fail-nth (needs the debug kernel: scripts/check-debug)"
	t_fail "fault injection not available"
	t_done
fi
[ -x $PY ] || { t_fail "no $PY"; t_done; }

# One Python process (a coprocess reading one tab-separated request per
# line) arms fail-nth and reads the kernel log for the whole walk: on the
# KASAN kernel under TCG every process started costs a second or more
# (python3 about 3 s, scripts/check-log about 10 s), which made an
# iteration take 15-30 s.
#
# failnth N finit KO PARAMS | failnth N write FILE VALUE: sets the caller's
#   rc err left: rc 0 or -1, err the errno, left 0 if the N-th call was made
#   to fail.  The file is opened before fail-nth is armed and nothing but
#   the system call runs in between, so the count is that call's.
# log_mark: later log_splats calls see only the messages logged from now on.
# log_splats: the kernel messages since the mark, from /dev/kmsg, without
#   the reports of a failed allocation (warn_alloc()'s "... allocation
#   failure" / "vmalloc error", and kmem_cache_create()'s "... failed with
#   error", each up to the end of its stack dump: expected here) and
#   without remove_proc_entry()'s warning about a missing entry (genirq
#   ignores a failure to create /proc/irq/N/affinity_hint and friends, and
#   warns when it removes them with the MSI-X vectors); if one of them matches
#   scripts/check-log's splat pattern, prints them all with a printk
#   timestamp (so that check-log fails the run on them too) and returns 0.
FAILNTH_PY='
import ctypes, os, re, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
libc.getpid()
nth = os.open("/proc/thread-self/fail-nth", os.O_RDWR)
splat, ignore = re.compile(sys.argv[1]), re.compile(sys.argv[2])
kmsg = os.open("/dev/kmsg", os.O_RDONLY | os.O_NONBLOCK)
os.lseek(kmsg, 0, os.SEEK_END)

def messages():
    out = []
    while True:
        try:
            r = os.read(kmsg, 8192)
        except BlockingIOError:
            return out
        except BrokenPipeError:
            out.append((0, "init_fail: kernel log records were overwritten"))
            continue
        head, _, msg = r.decode(errors="replace").partition(";")
        out.append((int(head.split(",")[2]), msg.split("\n")[0]))

# remove_proc_entry() of a missing entry: genirq creates /proc/irq/N/*
# without checking (an injected failure there goes unnoticed) and warns
# when it removes them; our modules use no procfs.
PROC_WARN = re.compile("WARNING: .* at fs/proc/generic.c:[0-9]+ remove_proc_entry")

def splats():
    kept, skip, warn = [], False, False
    msgs = messages()
    for i, (us, m) in enumerate(msgs):
        if re.search("allocation failure|vmalloc error:|"
                     "kmem_cache_create.* failed with error", m):
            skip = True
        if skip:
            skip = "</TASK>" not in m
            continue
        if "[ cut here ]" in m and any(PROC_WARN.search(x)
                                       for _, x in msgs[i + 1:i + 3]):
            warn = True
        if warn:
            warn = "---[ end trace" not in m
            continue
        kept.append("[%5d.%06d] %s" % (us // 1000000, us % 1000000, m))
    if any(splat.search(m) and not ignore.search(m) for m in kept):
        return kept[:400]
    return []

for line in sys.stdin:
    op, n, a, b = line.rstrip("\n").split("\t")
    if op == "mark":
        os.lseek(kmsg, 0, os.SEEK_END)
        print("END", flush=True)
        continue
    if op == "splats":
        for m in splats():
            print(m)
        print("END", flush=True)
        continue
    if op == "finit":
        fd = os.open(a, os.O_RDONLY | os.O_CLOEXEC)
        p = ctypes.c_char_p(b.encode())
        run = lambda: libc.syscall(313, fd, p, 0)
    else:
        fd = os.open(a, os.O_WRONLY)
        buf = ctypes.create_string_buffer(b.encode())
        ln = len(b)
        run = lambda: libc.write(fd, buf, ln)
    os.write(nth, n.encode())
    rc = run()
    err = ctypes.get_errno()
    left = int(os.pread(nth, 32, 0) or b"0")
    os.write(nth, b"0")
    os.close(fd)
    print(0 if rc >= 0 else -1, err, left, flush=True)
'
{ read -r SPLAT_RE; read -r SPLAT_IGNORE; } < <("$TOP/scripts/check-log" --patterns)
coproc FAILNTH { exec $PY -c "$FAILNTH_PY" "$SPLAT_RE" "$SPLAT_IGNORE"; }
helper_req() {
	printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >&"${FAILNTH[1]}"
}
failnth() {
	helper_req "$2" "$1" "$3" "$4" &&
		read -r rc err left <&"${FAILNTH[0]}" && return 0
	t_fail "the fail-nth helper died"
	rc=-1 err=0 left=1
}
log_mark() {
	local l
	helper_req mark 0 - - && read -r l <&"${FAILNTH[0]}" && [ "$l" = END ] ||
		t_fail "the fail-nth helper died"
}
log_splats() {
	local l found=1
	helper_req splats 0 - - || { t_fail "the fail-nth helper died"; return 0; }
	while read -r l <&"${FAILNTH[0]}"; do
		[ "$l" = END ] && return $found
		echo "$l"
		found=0
	done
	t_fail "the fail-nth helper died"
	return 0
}

# inj_set <attr dir> <file> <value>
inj_set() { echo "$3" > "$DBG/$1/$2" || t_fail "set $1/$2 = $3"; }
# inj_use failslab|fail_page_alloc: only that injector may fail.
inj_use() {
	local f
	for f in failslab fail_page_alloc; do
		inj_set $f task-filter Y
		inj_set $f probability 100
		inj_set $f interval 1
		inj_set $f times 1
		inj_set $f space 0
		inj_set $f verbose 1
		inj_set $f ignore-gfp-wait N
	done
	inj_set fail_page_alloc ignore-gfp-highmem N
	if [ "$1" = failslab ]; then
		inj_set failslab cache-filter N
		inj_set fail_page_alloc min-order 100
	else
		inj_set failslab cache-filter Y
		inj_set fail_page_alloc min-order 0
	fi
}
inj_off() {
	local f
	for f in failslab fail_page_alloc; do
		inj_set $f probability 0
		inj_set $f times 1
	done
	inj_set failslab cache-filter N
	inj_set fail_page_alloc min-order 1
}

mod_loaded() {
	local m _
	while read -r m _; do [ "$m" = "$1" ] && return 0; done < /proc/modules
	return 1
}

# Work checks of a target that loaded despite the injection.
nullb_works() {
	local d
	for d in mqnullb0 mqnullb1; do
		[ -b /dev/$d ] || { t_log "no /dev/$d"; return 1; }
		dd if=/dev/$d of=/dev/null bs=4k count=16 status=none || return 1
	done
}
scsi_works() {
	local d
	# The scan is synchronous and, like SCSI's, goes on past a LUN (or a
	# target) that failed to probe: a load that succeeded may have fewer
	# disks, or none; the host is there and those that are work.
	[ "$(scsi_disks | wc -l)" -ge 2 ] || t_log "disks after the scan: $(scsi_disks | xargs)"
	ls -d /sys/class/mq_scsi_host/mqhost* > /dev/null || return 1
	for d in $(scsi_disks); do
		dd if=/dev/$d of=/dev/null bs=4k count=16 iflag=direct status=none || return 1
	done
}
vb_works() {
	local d
	for d in $(mqvb_disks); do
		dd if=/dev/$d of=/dev/null bs=4k count=16 iflag=direct status=none || return 1
	done
	[ -n "$(mqvb_disks)" ] && return 0
	# A probe that failed does not fail the load: the device is unbound.
	# Without an injected failure, though, a disk must come.
	[ "$INJECTED" = yes ] || { t_log "no disk, and no failure was injected"; return 1; }
	t_log "no disk: the probe failed"
	! ls -d /sys/bus/virtio/drivers/mq_virtio_blk/virtio* > /dev/null 2>&1
}
vs_works() {
	local d n=0
	for d in $(scsi_disks); do
		dd if=/dev/$d of=/dev/null bs=4k count=16 iflag=direct status=none || return 1
		n=$((n + 1))
	done
	[ $n -gt 0 ] && return 0
	# The probe failed (the device is unbound) or the LUN's scan did (the
	# host is there without its disk); neither fails the load.
	[ "$INJECTED" = yes ] || { t_log "no disk, and no failure was injected"; return 1; }
	t_log "no disk: the probe or the LUN scan failed"
}
true_works() { :; }

# Leaks since the last call that are ours: a frame in an mq_* module, or a
# bare address in module space (a module that was unloaded since).
KML_OURS=0
KNOWN_LEAKS=$(grep -v '^#' "$TOP/scripts/known-kernel-leaks" | grep . | paste -sd'|')
kml_phase() {
	local what=$1 rep n ours
	[ -w $KML ] || return 0
	sleep 6  # kmemleak's minimum object age
	echo scan > $KML  # one scan (slow here); debug-guest-check does two at the end
	rep=$(cat $KML)
	[ -n "$rep" ] || { t_log "$what: kmemleak: no leaks"; return 0; }
	# Known leaks of the kernel itself (scripts/known-kernel-leaks) are not
	# ours even with a frame of ours on the stack.
	ours=$(awk -v known="$KNOWN_LEAKS" '/^unreferenced object/ { n++ }
		known != "" && $0 ~ ("\\] (" known ")\\+") { k[n] = 1 }
		/\[mq_[a-z_0-9]+\]$/ || / 0xffffffff[a-f][0-9a-f]+$/ { o[n] = 1 }
		END { for (i in o) if (!(i in k)) c++; print c + 0 }' <<< "$rep")
	n=$(grep -c '^unreferenced object' <<< "$rep")
	t_log "$what: kmemleak: $n leak(s), $ours in our modules (known kernel leaks: $KNOWN_LEAKS)"
	sed 's/^/    /' <<< "$rep" | head -60
	if [ "$ours" -gt 0 ]; then
		t_fail "$what: kmemleak: $ours leak(s) from our modules"
		KML_OURS=$((KML_OURS + ours))
	fi
	echo clear > $KML  # the next phase's leaks are its own
}

SUMMARY=()
# walk <label> <injector> <op: finit|write> <file> <arg> <ok-check> <undo> <absent-check>
#   ok-check: the target worked (after a load that succeeded)
#   undo:     unload / power off after a success
#   absent:   after a failure, nothing is left (e.g. the module is not loaded)
walk() {
	local label=$1 inj=$2 op=$3 file=$4 arg=$5 ok=$6 undo=$7 absent=$8
	local rc err left t s i n prev= failed=0 unw=0 done_n=0 succ=0 noinj=0
	[ -z "$ONLY" ] || [[ " ${ONLY//,/ } " == *" $label "* ]] || return 0
	local t0=$SECONDS c
	inj_use "$inj"
	# Two counting runs, the smaller count: the first load of a module in
	# a boot makes a few dozen one-time allocations that later loads do
	# not, and a walk from there would start with calls never reached.
	t=
	for c in 1 2; do
		log_mark
		failnth 100000000 "$op" "$file" "$arg"
		if [ "$rc" != 0 ]; then
			t_fail "$label/$inj: counting run $c failed (errno $err)"
			inj_off
			return 1
		fi
		[ -n "$t" ] && [ "$t" -le $((100000000 - left)) ] || t=$((100000000 - left))
		INJECTED=no
		$ok || t_fail "$label/$inj: counting run $c: target does not work"
		$undo || t_fail "$label/$inj: counting run $c: undo failed"
		log_splats && t_fail "$label/$inj: splat in counting run $c"
	done
	s=${STRIDE:-$t/$ITER}
	t_log "$label/$inj: $t fault-injection calls in a clean run, failing every ${s}th from the last"
	for i in $(seq "$ITER"); do
		if [ -n "$STRIDE" ]; then
			n=$((t - (i - 1) * STRIDE))
		else
			n=$((t - (i - 1) * t / ITER))
		fi
		[ $n -ge 1 ] || break
		[ $n != "$prev" ] || continue  # T < N: each call once
		prev=$n
		done_n=$((done_n + 1))
		log_mark
		failnth $n "$op" "$file" "$arg"
		local bad=0
		[ "$left" = 0 ] && INJECTED=yes || { INJECTED=no; noinj=$((noinj + 1)); }
		t_log "$label/$inj #$i: call $n failed: $([ "$left" = 0 ] && echo yes || echo "no (fewer calls)"), result: $([ "$rc" = 0 ] && echo ok || echo "errno $err")"
		if [ "$rc" != 0 ]; then
			failed=$((failed + 1))
			if [ "$left" != 0 ]; then
				t_log "$label/$inj #$i (call $n): failed with errno $err, no injection?"
			fi
			$absent || { t_fail "$label/$inj #$i (call $n): failed (errno $err) but not unwound"; bad=1; }
		else
			succ=$((succ + 1))
			$ok || { t_fail "$label/$inj #$i (call $n, injected: $([ "$left" = 0 ] && echo yes || echo no)): loaded but does not work"; bad=1; }
			$undo || { t_fail "$label/$inj #$i (call $n): undo failed"; bad=1; }
		fi
		if log_splats; then
			t_fail "$label/$inj #$i (call $n): kernel splat"
			bad=1
		fi
		[ "$rc" != 0 ] && [ $bad = 0 ] && unw=$((unw + 1))
		# Whatever happened, get back to the start state.
		[ $bad = 1 ] && { $undo 2>/dev/null; }
	done
	inj_off
	SUMMARY+=("$label/$inj: iterations $done_n, failed loads $failed, clean unwinds $unw, loaded anyway $succ (calls $t, stride $s, $noinj not reached, $((SECONDS - t0)) s)")
	t_log "${SUMMARY[-1]}"
	kml_phase "$label/$inj"
}

modprobe configfs 2>/dev/null
dmesg -n 4  # allocation-failure dumps: kept off the console, checked above
trap 'dmesg -n 7' EXIT
echo scan > $KML 2>/dev/null; echo clear > $KML 2>/dev/null

CORE=$TOP/mq_core/mq_core.ko
NULLB=$TOP/mq_nullblk/mq_nullblk.ko
SCSI=$TOP/mq_scsi/mq_scsi.ko
SDEBUG=$TOP/mq_scsi/mq_scsi_debug.ko
VB=$TOP/mq_virtio/mq_virtio_blk.ko
VS=$TOP/mq_virtio/mq_virtio_scsi.ko
SDPARAMS="num_tgts=1 max_luns=2 dev_size_mb=16"

rm_core() { rmmod mq_core; }
no_core() { ! mod_loaded mq_core; }
core_ok() { mod_loaded mq_core && [ -d $DBG/mq_core ]; }
rm_nullb() { rmmod mq_nullblk; }
no_nullb() { ! mod_loaded mq_nullblk && [ ! -e /sys/block/mqnullb0 ] && mod_loaded mq_core; }
rm_scsi() { rmmod mq_scsi; }
no_scsi() { ! mod_loaded mq_scsi && mod_loaded mq_core; }
scsi_ok() { mod_loaded mq_scsi; }
rm_sdebug() { rmmod mq_scsi_debug; }
no_sdebug() { ! mod_loaded mq_scsi_debug && [ -z "$(scsi_disks)" ] && mod_loaded mq_scsi; }
rm_vb() { rmmod mq_virtio_blk; }
no_vb() { ! mod_loaded mq_virtio_blk && [ -z "$(mqvb_disks)" ]; }
rm_vs() { rmmod mq_virtio_scsi; }
no_vs() {
	! mod_loaded mq_virtio_scsi && [ -z "$(scsi_disks)" ] &&
		[ -z "$(ls /sys/class/mq_scsi_host)" ] && mod_loaded mq_scsi
}
has_virtio() { grep -qx "$1" /sys/bus/virtio/devices/*/device 2>/dev/null; }

# configfs device f: created (size 64), power=1 under injection.
CFD=$CFS/f
cfs_up() {
	local d
	[ "$(cat $CFD/power)" = 1 ] || return 1
	d=$(cfs_disk f)
	dd if=/dev/$d of=/dev/null bs=4k count=16 status=none
}
cfs_undo() { echo 0 > $CFD/power && rmdir $CFD && cfs_new f size=64; }
cfs_down() {
	[ "$(cat $CFD/power)" = 0 ] && [ -z "$(ls /sys/block | grep '^mqnullb')" ] &&
		rmdir $CFD && cfs_new f size=64
}

for inj in failslab fail_page_alloc; do
	walk mq_core $inj finit "$CORE" "" core_ok rm_core no_core
	t_check "load mq_core" mq_load_core || break
	walk mq_nullblk $inj finit "$NULLB" "nr_devices=2" nullb_works rm_nullb no_nullb
	if mq_load_nullblk nr_devices=0 && cfs_new f size=64; then
		walk mq_nullblk-configfs-power $inj write "$CFD/power" 1 cfs_up cfs_undo cfs_down
		rmdir $CFD; rmmod mq_nullblk
	else
		t_fail "load mq_nullblk nr_devices=0 + configfs device"
	fi
	walk mq_scsi $inj finit "$SCSI" "" scsi_ok rm_scsi no_scsi
	t_check "load mq_scsi" insmod "$SCSI" || break
	walk mq_scsi_debug $inj finit "$SDEBUG" "$SDPARAMS" scsi_works rm_sdebug no_sdebug
	if has_virtio 0x0008; then
		virtio_stock_release virtio_scsi
		walk mq_virtio_scsi $inj finit "$VS" "" vs_works rm_vs no_vs
	else
		t_log "mq_virtio_scsi/$inj: SKIP (no virtio-scsi device in this guest)"
	fi
	rmmod mq_scsi
	if has_virtio 0x0002; then
		virtio_stock_release virtio_blk
		walk mq_virtio_blk $inj finit "$VB" "" vb_works rm_vb no_vb
	else
		t_log "mq_virtio_blk/$inj: SKIP (no virtio-blk device in this guest)"
	fi
	rmmod mq_core
done
inj_off
dmesg -n 7

# A normal load of everything still works.
t_check "normal load: mq_nullblk nr_devices=2" mq_load_nullblk nr_devices=2
t_check "normal load: mq_nullblk disks read" nullb_works
if has_virtio 0x0008; then
	# As for mq_virtio_blk below: a probe that failed must not leave the
	# device's virtqueues enabled.
	t_check "normal load: mq_scsi + mq_virtio_scsi" sh -c "insmod $SCSI && insmod $VS"
	INJECTED=no
	t_check "normal load: mq_virtio_scsi has its disk again and it reads" vs_works
	rmmod mq_virtio_scsi
fi
t_check "normal load: mq_scsi + mq_scsi_debug" mq_load_scsi_debug $SDPARAMS
t_check "normal load: SCSI disks read" scsi_works
if has_virtio 0x0002; then
	# A probe that failed after setting up the virtqueues must have reset
	# the device: otherwise this probe finds them enabled and fails.
	t_check "normal load: mq_virtio_blk" insmod "$VB"
	INJECTED=no
	t_check "normal load: mq_virtio_blk has its disk again and it reads" vb_works
	rmmod mq_virtio_blk
fi
t_check "unload all" sh -c "rmmod mq_scsi_debug && rmmod mq_scsi && rmmod mq_nullblk && rmmod mq_core"
log_splats && t_fail "splat in the final load"

t_log "summary (MQ_INITFAIL_N=$ITER, stride ${STRIDE:-T/N}; kmemleak: $KML_OURS leak(s) in our modules):"
for s in "${SUMMARY[@]}"; do t_log "  $s"; done
t_done
