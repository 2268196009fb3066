// mq_nbd beside the stock nbd: its own block major (dynamic), device
// names (/dev/mq_nbd<N>), generic netlink family, workqueue and debugfs
// names (mq_nbd_shim.h).
@@
@@
  #include <linux/nbd-netlink.h>
+ #include "mq_nbd_shim.h"

@@
@@
- register_blkdev(NBD_MAJOR, "nbd")
+ mq_nbd_register_blkdev()

@@
@@
- unregister_blkdev(NBD_MAJOR, "nbd")
+ unregister_blkdev(mq_nbd_major, MQ_NBD_NAME)

@@
@@
- NBD_MAJOR
+ mq_nbd_major

@@
@@
- NBD_GENL_FAMILY_NAME
+ MQ_NBD_GENL_FAMILY_NAME

@@
@@
(
- "nbd%d"
+ "mq_nbd%d"
|
- "nbd%d-recv"
+ "mq_nbd%d-recv"
|
- "nbd-del"
+ "mq_nbd-del"
|
- "nbd%d already in use\n"
+ "mq_nbd%d already in use\n"
)

@@
expression P;
@@
- debugfs_create_dir("nbd", P)
+ debugfs_create_dir(MQ_NBD_NAME, P)
