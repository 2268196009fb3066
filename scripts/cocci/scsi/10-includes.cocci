// SCSI midlayer headers -> mq_scsi: mq_scsi_midlayer.h (mq_scsi.h plus
// the midlayer's constants and macros an LLD uses: SCSI_SENSE_BUFFERSIZE,
// SIMPLE_QUEUE_TAG, scmd_printk, DEF_SCSI_QCMD ...).  scsi_proto.h and
// scsi_status.h (DID_*, SAM_STAT_*) stay: they are protocol headers.
@@
@@
- #include <scsi/scsi_host.h>
+ #include "mq_scsi_midlayer.h"

@@
@@
- #include <scsi/scsi_cmnd.h>

@@
@@
- #include <scsi/scsi_device.h>

@@
@@
- #include <scsi/scsi_tcq.h>

@@
@@
- #include <scsi/scsi_eh.h>

@@
@@
- #include <scsi/scsi.h>
