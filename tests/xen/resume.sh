#!/bin/bash
# tests/xen/resume.sh - xl save + xl restore with I/O in flight, onto the same backend
# (2 queues): the disk comes back on as many rings, nothing is lost.  The test itself
# is tests/xen/lib/resume.sh.
# xen-run: --backend-queues 2 --domu-vcpus 2 --domu-mem 384 --disk-mb 128 --timeout 1500 --frontend-args max_indirect_segments=128
. /tests/lib/resume.sh
