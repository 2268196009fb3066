// blk-mq types to mq_core types.  A struct request_queue of a blk-mq
// driver is its disk's queue: mq_core's struct mq_queue
// (mq_disk_queue(disk) in place of disk->queue, see 40-gendisk.cocci).
@@
@@
- struct blk_mq_tag_set
+ struct mq_tag_set
@@
@@
- struct blk_mq_ops
+ struct mq_ops
@@
@@
- struct blk_mq_hw_ctx
+ struct mq_hw_ctx
@@
@@
- struct blk_mq_queue_data
+ struct mq_queue_data
@@
@@
- struct blk_mq_queue_map
+ struct mq_queue_map
@@
@@
- struct io_comp_batch
+ struct mq_comp_batch
@@
@@
- struct request
+ struct mq_request
@@
@@
- struct request_queue
+ struct mq_queue
@@
@@
- enum blk_eh_timer_return
+ enum mq_eh_timer_return
@@
@@
- BLK_EH_DONE
+ MQ_EH_DONE
@@
@@
- BLK_EH_RESET_TIMER
+ MQ_EH_RESET_TIMER
@@
@@
- HCTX_TYPE_DEFAULT
+ MQ_HCTX_DEFAULT
@@
@@
- HCTX_TYPE_READ
+ MQ_HCTX_READ
@@
@@
- HCTX_TYPE_POLL
+ MQ_HCTX_POLL
@@
@@
- HCTX_MAX_TYPES
+ MQ_HCTX_MAX_TYPES
