// The blk-mq header becomes mq_core's public header and the helpers for
// converted drivers (mq_core/mq_convert.h); the driver's Kbuild adds
// -I to mq_core/.
@@
@@
- #include <linux/blk-mq.h>
+ #include "mq_core.h"
+ #include "mq_convert.h"
