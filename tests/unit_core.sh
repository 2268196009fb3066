#!/bin/bash
# Core unit tests (KTAP in the kernel log): maps, tags, fair share, states.
. "$(dirname "$0")/lib/common.sh"

mq_load_core || { t_fail "load mq_core"; t_done; }
dmesg -C
if insmod "$TOP/tests/mq_core_test.ko"; then
	t_ok "mq_core_test loaded (all KTAP cases passed)"
else
	t_fail "mq_core_test refused to load (a KTAP case failed)"
fi
dmesg | grep -E "ok [0-9]|^ *#|# mq_core_test" | sed 's/^\[[^]]*\] //'
n=$(dmesg | grep -cE "\] ok [0-9]+ ")
bad=$(dmesg | grep -cE "not ok [0-9]+ ")
plan=$(dmesg | grep -oE "\] 1\.\.[0-9]+" | grep -oE "[0-9]+$")
t_check "KTAP plan 1..$plan fully reported ($n ok, $bad not ok)" \
	test -n "$plan" -a "$n" = "$plan" -a "$bad" = 0
rmmod mq_core_test 2>/dev/null
t_done
