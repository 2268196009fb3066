#!/bin/bash
# Runs inside the VM for scripts/bench: stock null_blk and mq_nullblk
# loaded side by side with the same parameters (scripts/bench-nullb.sh);
# fio runs, warm-up and alternating rounds as in scripts/bench-lib.sh.
set -uo pipefail
. "$(dirname "$0")/bench-lib.sh"
. "$(dirname "$0")/bench-nullb.sh"
bench_stock() { echo nullb0; }
bench_ours() { echo mqnullb0; }

for m in ${BENCH_MODES:-irq0 irq1 irq2 polled}; do
	nullb_mode "$m" || { bench_note "$m" unknown-mode; continue; }
	# shellcheck disable=SC2086 # mode_params is a word list
	if ! nullb_load $mode_params; then
		bench_note "$mode_label" load-failed
		nullb_unload
		continue
	fi
	bench_rounds "$mode_label" "$mode_fio"
	nullb_unload
done

bench_report "" null_blk mq_nullblk
