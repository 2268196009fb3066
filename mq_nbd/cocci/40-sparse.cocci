// nbd (6.1) passes blk_status_t values through int returns (its send
// path returns BLK_STS_RESOURCE or an errno); sparse flags each mix.
// The same values, with the conversions spelled out (mq_nbd_shim.h).
@@
@@
nbd_send_cmd(...)
{
<...
- return BLK_STS_RESOURCE;
+ return mq_nbd_sts_to_int(BLK_STS_RESOURCE);
...>
}

@@
identifier hctx, bd;
identifier ret;
expression E;
@@
nbd_queue_rq(struct mq_hw_ctx *hctx, const struct mq_queue_data *bd)
{
<...
(
- ret = BLK_STS_IOERR;
+ ret = mq_nbd_sts_to_int(BLK_STS_IOERR);
|
- ret = BLK_STS_OK;
+ ret = mq_nbd_sts_to_int(BLK_STS_OK);
|
- return ret;
+ return mq_nbd_int_to_sts(ret);
)
...>
}
