#!/bin/bash
# tests/xen/resume-legacy.sh - xl save + xl restore with I/O in flight, restored onto a
# backend without multi-queue (xen-blkback max_queues=1 set between the save and the
# restore): the frontend goes from 2 rings to the legacy single-ring layout (its tag
# set shrinks to 1 hardware queue), nothing is lost.  The test is tests/xen/lib/resume.sh.
# xen-run: --backend-queues 2 --domu-vcpus 2 --domu-mem 384 --disk-mb 128 --timeout 1500 --frontend-args max_indirect_segments=128 --env XR_RESTORE_QUEUES=1
. /tests/lib/resume.sh
