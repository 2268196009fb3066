#!/usr/bin/awk -f
# xen-bench-stat.awk - per ring count, what a measured run of tests/xen/bench/rings.sh
# cost (XR_STAT=1: counters before and after each run, from the domU and from dom0 by
# "XR-REQUEST dom0-stat"): CPU time per I/O of the domU's and of dom0's vCPUs (xl
# vcpu-list), the domU's ring interrupts and completion IPIs and dom0's context
# switches per 1000 I/Os.  Each side's counters are divided by the reads it completed
# between the same two snapshots (the domU's disk; dom0's loop device behind it), so a
# snapshot that dom0 takes late skews nothing.  Input: the xen-run log.
function count(src, tag, key, v,    q, ph) {
	q = tag; sub(/-.*/, "", q); ph = tag; sub(/.*-/, "", ph)
	if (ph == "begin")
		begin[src, key] = v
	else if ((src, key) in begin) {
		sum[q, key] += v - begin[src, key]
		delete begin[src, key]
	}
}
# dom0's lines: "dom0-stat qN-begin| <xl vcpu-list | /proc/stat | /proc/interrupts>";
# every vCPU line of either domain is a counter of its own, summed per domain at the end
/^dom0-stat q[0-9]+-(begin|end)\| / {
	tag = $2; sub(/\|$/, "", tag)
	if ($3 == "Domain-0" && $8 ~ /^[0-9.]+$/) count("dom0", tag, "cpu0/" $5, $8)
	else if ($3 == "xr" && $8 ~ /^[0-9.]+$/) count("dom0", tag, "cpuU/" $5, $8)
	else if ($3 == "ctxt") count("dom0", tag, "ctxt", $4)
	else if ($3 == "reads") count("dom0", tag, "io0", $4)
	next
}
/^domU\| XR-STAT q[0-9]+-(begin|end) / {
	tag = $3
	if ($4 == "reads") count("domU", tag, "ioU", $5)
	else if ($4 ~ /^[0-9]+:$/) {
		n = 0
		for (i = 5; i <= NF && $i ~ /^[0-9]+$/; i++) n += $i
		if ($NF ~ /^xvda-q/) count("domU", tag, "ring" $NF, n)
		else if ($NF ~ /^callfuncsingle/) count("domU", tag, "ipi" $NF, n)
	}
	next
}
END {
	for (k in sum) {
		split(k, p, SUBSEP); q = p[1]; key = p[2]
		sub(/^ring.*/, "ring", key); sub(/^ipi.*/, "ipi", key); sub(/\/.*/, "", key)
		tot[q, key] += sum[k]; qs[q] = 1
	}
	for (q in qs) {
		if (!tot[q, "io0"] || !tot[q, "ioU"]) continue
		shown++
		printf "%s: CPU per I/O domU %.0f us, dom0 %.0f us; per 1000 I/Os: " \
		       "ring interrupts %.0f, completion IPIs %.0f, dom0 context switches %.0f\n",
		       q, tot[q, "cpuU"] * 1e6 / tot[q, "io0"], tot[q, "cpu0"] * 1e6 / tot[q, "io0"],
		       tot[q, "ring"] * 1000 / tot[q, "ioU"], tot[q, "ipi"] * 1000 / tot[q, "ioU"],
		       tot[q, "ctxt"] * 1000 / tot[q, "io0"]
	}
	if (!shown)
		print "xen-bench-stat: no counters in the log (XR_STAT=1?)" > "/dev/stderr"
}
