// Tag sets, hardware queues, freeze/quiesce and busy iteration.

@@
expression S, H, T;
@@
(
- blk_mq_tag_to_rq(S.tags[H], T)
+ mq_tagset_tag_to_rq(&S, H, T)
|
- blk_mq_tag_to_rq(S->tags[H], T)
+ mq_tagset_tag_to_rq(S, H, T)
|
- blk_mq_tag_to_rq
+ mq_tag_to_rq
)

@@
@@
(
- blk_mq_alloc_tag_set
+ mq_alloc_tag_set
|
- blk_mq_free_tag_set
+ mq_free_tag_set
|
- blk_mq_update_nr_hw_queues
+ mq_update_nr_hw_queues
|
- blk_mq_freeze_queue
+ mq_freeze_queue
|
- blk_mq_unfreeze_queue
+ mq_unfreeze_queue
|
- blk_mq_quiesce_queue
+ mq_quiesce_queue
|
- blk_mq_unquiesce_queue
+ mq_unquiesce_queue
|
- blk_mq_tagset_busy_iter
+ mq_tagset_busy_iter
|
- blk_mq_stop_hw_queue
+ mq_stop_hw_queue
|
- blk_mq_start_hw_queue
+ mq_start_hw_queue
|
- blk_mq_stop_hw_queues
+ mq_stop_hw_queues
|
- blk_mq_start_stopped_hw_queues
+ mq_start_stopped_hw_queues
|
- blk_mq_run_hw_queue
+ mq_run_hw_queue
|
- blk_mq_run_hw_queues
+ mq_run_hw_queues
|
- blk_mq_delay_run_hw_queue
+ mq_delay_run_hw_queue
|
- blk_mq_hw_queue_stopped
+ mq_hw_queue_stopped
|
- blk_mq_map_queues
+ mq_map_queues
|
- blk_mq_freeze_queue_wait
+ mq_freeze_queue
)

// Tag set flags: mq_core merges in the plug unless told not to, has no
// I/O scheduler to bypass.
@@
expression E;
@@
(
- E | BLK_MQ_F_SHOULD_MERGE
+ E
|
- BLK_MQ_F_SHOULD_MERGE | E
+ E
|
- BLK_MQ_F_SHOULD_MERGE
+ 0
)

@@
expression E;
@@
(
- E | BLK_MQ_F_NO_SCHED
+ E
|
- BLK_MQ_F_NO_SCHED | E
+ E
|
- BLK_MQ_F_NO_SCHED
+ 0
)

@@
@@
(
- BLK_MQ_F_BLOCKING
+ MQ_F_BLOCKING
|
- BLK_MQ_F_TAG_HCTX_SHARED
+ MQ_F_TAG_HCTX_SHARED
|
- BLK_MQ_F_TAG_QUEUE_SHARED
+ MQ_F_TAG_QUEUE_SHARED
)

// blk_mq_ops methods mq_ops does not have.
@@
identifier ops, f;
@@
struct mq_ops ops = {
- .busy = f,
};

@@
identifier ops, f;
@@
struct mq_ops ops = {
- .cleanup_rq = f,
};
