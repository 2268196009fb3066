// The request life cycle and accessors.  mq_core starts a request (arms
// its deadline, marks it in flight) before calling queue_rq, so the
// driver's blk_mq_start_request() goes.

@@
expression R;
@@
- blk_mq_start_request(R);

@@
@@
(
- blk_mq_rq_to_pdu
+ mq_rq_to_pdu
|
- blk_mq_rq_from_pdu
+ mq_rq_from_pdu
|
- blk_mq_end_request
+ mq_end_request
|
- blk_mq_complete_request
+ mq_complete_request
|
- blk_mq_requeue_request
+ mq_requeue_request
|
- blk_mq_request_started
+ mq_request_started
|
- blk_mq_request_completed
+ mq_request_completed
|
- blk_mq_unique_tag
+ mq_unique_tag
|
- blk_mq_unique_tag_to_hwq
+ mq_unique_tag_to_hwq
|
- blk_mq_unique_tag_to_tag
+ mq_unique_tag_to_tag
|
- blk_mq_free_request
+ mq_free_request
|
- blk_mq_rq_is_poll
+ mq_rq_is_poll
|
- req_op
+ mq_rq_op
|
- blk_rq_pos
+ mq_rq_pos
|
- blk_rq_bytes
+ mq_rq_bytes
|
- rq_data_dir
+ mq_rq_data_dir
)

@@
expression R;
@@
- blk_rq_sectors(R)
+ (mq_rq_bytes(R) >> SECTOR_SHIFT)

@@
expression R;
@@
- blk_rq_nr_phys_segments(R)
+ R->nr_phys_segments

@@
expression R, E;
@@
- blk_mq_delay_kick_requeue_list(R, E)
+ mq_requeue_request_after(R, E)

// No fault injection of timeouts in mq_core.
@@
expression Q;
@@
- blk_should_fake_timeout(Q)
+ false

// Walking a request's data: a bvec_iter per bio instead of req_iterator.
@@
identifier I;
@@
- struct req_iterator I;
+ struct bvec_iter I;

@@
iterator name rq_for_each_segment, mq_rq_for_each_segment;
expression B, R, I;
statement S;
@@
- rq_for_each_segment(B, R, I)
+ mq_rq_for_each_segment(B, R, I)
  S

@@
expression Q, R, SG;
@@
+ /* MQ-CONVERT: mq_rq_map_sg() takes the scatterlist's size (entries) as its third argument */
  blk_rq_map_sg(Q, R, SG);

@@
expression X, Q, R, SG;
@@
+ /* MQ-CONVERT: mq_rq_map_sg() takes the scatterlist's size (entries) as its third argument */
  X = blk_rq_map_sg(Q, R, SG);

@@
expression Q, R, SG;
@@
+ /* MQ-CONVERT: mq_rq_map_sg() takes the scatterlist's size (entries) as its third argument */
  return blk_rq_map_sg(Q, R, SG);

@@
struct mq_request *R;
@@
- R->mq_hctx
+ R->hctx
