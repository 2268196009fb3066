// Last: every remaining call of the blk-mq or request-queue API has no
// mapping above; mark it for a person (mq_core.h, mq_convert.h and
// PORTING.md say what there is).
@r@
identifier fn =~ "^(blk_mq_|blk_rq_|blk_queue_|blk_execute_rq|blk_should_)";
position p;
@@
fn@p(...)

@depends on r@
identifier r.fn;
position r.p;
@@
+ /* MQ-CONVERT: a blk-mq call without an mq_core mapping in scripts/cocci/blk: convert by hand */
  fn@p(...);

@depends on r@
identifier r.fn;
position r.p;
@@
+ /* MQ-CONVERT: a blk-mq call without an mq_core mapping in scripts/cocci/blk: convert by hand */
  return <+... fn@p(...) ...+>;

@depends on r@
identifier r.fn;
position r.p;
expression X;
@@
+ /* MQ-CONVERT: a blk-mq call without an mq_core mapping in scripts/cocci/blk: convert by hand */
  X = <+... fn@p(...) ...+>;

@depends on r@
identifier r.fn;
position r.p;
statement S1, S2;
@@
+ /* MQ-CONVERT: a blk-mq call without an mq_core mapping in scripts/cocci/blk: convert by hand */
  if (<+... fn@p(...) ...+>) S1 else S2

@depends on r@
identifier r.fn;
position r.p;
statement S1;
@@
+ /* MQ-CONVERT: a blk-mq call without an mq_core mapping in scripts/cocci/blk: convert by hand */
  if (<+... fn@p(...) ...+>) S1

@depends on r@
identifier r.fn, x;
position r.p;
type T;
@@
+ /* MQ-CONVERT: a blk-mq call without an mq_core mapping in scripts/cocci/blk: convert by hand */
  T x = <+... fn@p(...) ...+>;
