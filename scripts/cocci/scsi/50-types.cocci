// Midlayer types -> mq_scsi types (after every rule that matches them).
@@
@@
- struct scsi_cmnd
+ struct mq_scsi_cmnd

@@
@@
- struct scsi_device
+ struct mq_scsi_device

@@
@@
- struct Scsi_Host
+ struct mq_scsi_host

@@
@@
- struct scsi_host_template
+ struct mq_scsi_host_template

@@
@@
- enum scsi_timeout_action
+ enum mq_scsi_timeout_action
