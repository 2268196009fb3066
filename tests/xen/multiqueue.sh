#!/bin/bash
# tests/xen/multiqueue.sh - multi-ring negotiation: the frontend uses as many rings as
# the backend offers (4), each with its own ring-ref and event channel in xenstore, one
# hardware queue per ring in sysfs, and every ring's event channel takes interrupts
# during a fio run spread over the CPUs; then a crc32c verify pass and module removal.
# xen-run: --backend-queues 4 --domu-vcpus 4
. /tests/lib/common.sh

xr_wait_disk
want=$XR_BACKEND_QUEUES
((want > $(nproc))) && want=$(nproc)
((want > 4)) && want=4          # the frontends' default max_queues
nq=$(xr_read "$XR_FRONT/multi-queue-num-queues")
xr_log "backend offers $(xr_read "$XR_BACKEND/multi-queue-max-queues"); frontend uses ${nq:-legacy}"
xr_expect "multi-queue-num-queues" "$nq" "$want"
for ((i = 0; i < want; i++)); do
    r=$(xr_read "$XR_FRONT/queue-$i/ring-ref")
    e=$(xr_read "$XR_FRONT/queue-$i/event-channel")
    if [[ -n $r && -n $e ]]; then xr_pass "queue-$i: ring-ref $r event-channel $e"
    else xr_fail "queue-$i: ring-ref '$r' event-channel '$e'"; fi
done
[[ -z $(xr_read "$XR_FRONT/ring-ref") ]] && xr_pass "no top-level ring-ref" ||
    xr_fail "top-level ring-ref next to multi-queue nodes"
xr_expect "hardware queues in /sys/block/$XR_DEV/mq" "$(xr_nr_hctx)" "$want"
for d in /sys/block/$XR_DEV/mq/[0-9]*; do xr_log "hctx ${d##*/}: CPUs $(cat "$d/cpu_list")"; done

xr_irq_counts >/tmp/irq.before
xr_fio --rw=randread --bs=4k --ioengine=libaio --iodepth=8 --numjobs="$want" \
    --cpus_allowed="0-$((want - 1))" --cpus_allowed_policy=split \
    --runtime=6 --time_based >/tmp/fio.out 2>&1 || { xr_fail "fio randread"; cat /tmp/fio.out; }
grep -E 'IOPS' /tmp/fio.out | head -n 2
xr_irq_counts >/tmp/irq.after
busy=0
while read -r name n; do
    b=$(awk -v n="$name" '$1 == n {print $2}' /tmp/irq.before)
    xr_log "event channel $name: $((n - ${b:-0})) interrupts during fio"
    ((n - ${b:-0} > 0)) && busy=$((busy + 1))
done </tmp/irq.after
xr_expect "rings with interrupts" "$busy" "$want"
((busy == want)) || xr_diag

if xr_fio_watch 240 --rw=randwrite --bs=4k --iodepth=16 --ioengine=libaio --numjobs=2 --size=8M \
    --offset_increment=64M --verify=crc32c --verify_fatal=1 --do_verify=1 >/tmp/fio.out 2>&1; then
    xr_pass "fio randwrite + crc32c verify on 2 CPUs"
else
    xr_fail "fio verify"; cat /tmp/fio.out
fi

if [[ $XR_FRONTEND == mq ]]; then
    # xenbus pins the driver module while it is bound to a device: unbind first.
    if echo vbd-51712 >/sys/bus/xen/drivers/vbd/unbind; then xr_pass "unbind vbd-51712"
    else xr_fail "unbind vbd-51712"; fi
    [[ ! -e /sys/block/$XR_DEV ]] && xr_pass "disk removed" || xr_fail "disk still there"
    if xr_rmmod mq_xenfront; then xr_pass "rmmod mq_xenfront"; else xr_fail "rmmod mq_xenfront"; fi
fi
xr_done
