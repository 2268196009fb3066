// The gendisk of a blk-mq driver: mq_core allocates it with the queue
// (mq_alloc_disk() returns it), owns its private_data (the driver's
// pointer is the queue's queuedata) and its block_device_operations (the
// driver's methods are a struct mq_disk_ops), and its request queue is a
// struct mq_queue: disk->queue becomes mq_disk_queue(disk).

// private_data: the driver's pointer.
@@
struct gendisk *D;
expression E;
@@
- D->private_data = E
+ mq_disk_set_queuedata(D, E)

@@
expression B;
expression E;
@@
- B->bd_disk->private_data = E
+ mq_disk_set_queuedata(B->bd_disk, E)

@@
struct gendisk *D;
@@
- D->private_data
+ mq_disk_queuedata(D)

@@
expression B;
@@
- B->bd_disk->private_data
+ mq_disk_queuedata(B->bd_disk)

@@
struct gendisk *D;
expression E;
@@
- D->fops = E
+ mq_disk_set_ops(D, E)

// Allocation, registration and freeing.  6.1's blk_mq_alloc_disk(set,
// queuedata); 6.9's takes limits as well.
@@
expression S, Q;
@@
- blk_mq_alloc_disk(S, Q)
+ mq_alloc_disk(S, Q)

@@
expression S, L, Q, X;
@@
+ /* MQ-CONVERT: blk_mq_alloc_disk() had limits L: set them with mq_set_limits() */
  X =
- blk_mq_alloc_disk(S, L, Q)
+ mq_alloc_disk(S, Q)
  ;

@@
expression D;
@@
- add_disk(D)
+ mq_add_disk(mq_disk_queue(D))

@@
expression P, D, G;
@@
- device_add_disk(P, D, G)
+ mq_add_disk_groups(mq_disk_queue(D), P, G)

@@
expression D;
@@
- del_gendisk(D)
+ mq_remove_disk(mq_disk_queue(D))

@@
expression D;
@@
- put_disk(D)
+ mq_free_queue(mq_disk_queue(D))

@@
expression D;
@@
- blk_cleanup_disk(D)
+ mq_free_queue(mq_disk_queue(D))

// Limits set directly in the queue.
@@
struct gendisk *D;
expression E;
@@
- D->queue->limits.discard_granularity = E
+ mq_queue_discard_granularity(mq_disk_queue(D), E)

@@
struct gendisk *D;
identifier F;
expression E;
@@
+ /* MQ-CONVERT: a queue limit mq_limits does not have: drop it or map it to one it has (mq_get_limits/mq_set_limits) */
  D->queue->limits.F = E;

// The disk's queue.
@@
struct gendisk *D;
@@
- D->queue
+ mq_disk_queue(D)

@@
expression B;
@@
- bdev_get_queue(B)
+ mq_disk_queue(B->bd_disk)

// Queue flags that are features of mq_limits.
@@
expression Q;
@@
(
- blk_queue_flag_set(QUEUE_FLAG_NONROT, Q)
+ mq_queue_feature(Q, MQ_LIM_ROTATIONAL, false)
|
- blk_queue_flag_clear(QUEUE_FLAG_NONROT, Q)
+ mq_queue_feature(Q, MQ_LIM_ROTATIONAL, true)
|
- blk_queue_flag_set(QUEUE_FLAG_ADD_RANDOM, Q)
+ mq_queue_feature(Q, MQ_LIM_ADD_RANDOM, true)
|
- blk_queue_flag_clear(QUEUE_FLAG_ADD_RANDOM, Q)
+ mq_queue_feature(Q, MQ_LIM_ADD_RANDOM, false)
)

@@
expression F, Q;
@@
+ /* MQ-CONVERT: a queue flag mq_core does not have (features are MQ_LIM_*, see mq_set_limits()) */
  blk_queue_flag_set(F, Q);

@@
expression F, Q;
@@
+ /* MQ-CONVERT: a queue flag mq_core does not have (features are MQ_LIM_*, see mq_set_limits()) */
  blk_queue_flag_clear(F, Q);

// One limit at a time (mq_convert.h).
@@
expression Q, E, E2;
@@
(
- blk_queue_logical_block_size(Q, E)
+ mq_queue_logical_block_size(Q, E)
|
- blk_queue_physical_block_size(Q, E)
+ mq_queue_physical_block_size(Q, E)
|
- blk_queue_io_min(Q, E)
+ mq_queue_io_min(Q, E)
|
- blk_queue_io_opt(Q, E)
+ mq_queue_io_opt(Q, E)
|
- blk_queue_max_hw_sectors(Q, E)
+ mq_queue_max_hw_sectors(Q, E)
|
- blk_queue_max_segments(Q, E)
+ mq_queue_max_segments(Q, E)
|
- blk_queue_max_segment_size(Q, E)
+ mq_queue_max_segment_size(Q, E)
|
- blk_queue_virt_boundary(Q, E)
+ mq_queue_virt_boundary(Q, E)
|
- blk_queue_max_discard_sectors(Q, E)
+ mq_queue_max_discard_sectors(Q, E)
|
- blk_queue_max_write_zeroes_sectors(Q, E)
+ mq_queue_max_write_zeroes_sectors(Q, E)
|
- blk_queue_write_cache(Q, E, E2)
+ mq_queue_write_cache(Q, E, E2)
|
- blk_queue_rq_timeout(Q, E)
+ mq_set_queue_timeout(Q, E)
)

// Holding the queue's usage counter (so that requests stay put).
@@
expression Q;
@@
(
- percpu_ref_tryget(&Q->q_usage_counter)
+ mq_queue_tryget(Q)
|
- percpu_ref_tryget_live(&Q->q_usage_counter)
+ mq_queue_tryget(Q)
|
- percpu_ref_put(&Q->q_usage_counter)
+ mq_queue_put(Q)
)
