// scsi_cmnd accessors and fields -> struct mq_scsi_cmnd fields.
// Runs before the type renames (30-types.cocci): matches the midlayer types.
@@
struct scsi_cmnd *C;
@@
(
- scsi_sglist(C)
+ C->sgl
|
- scsi_sg_count(C)
+ C->sg_count
|
- scsi_bufflen(C)
+ C->transfer_len
|
- scsi_get_resid(C)
+ C->resid
|
- C->device
+ C->sdev
|
- scsi_cmd_to_rq(C)->tag
+ C->tag
|
- C->request->tag
+ C->tag
)

@@
struct scsi_cmnd *C;
expression R;
@@
- scsi_set_resid(C, R)
+ C->resid = R

@@
struct scsi_cmnd *C;
expression B;
@@
- set_host_byte(C, B)
+ mq_scsi_set_host_byte(C, B)

@@
struct scsi_cmnd *C;
@@
- get_host_byte(C)
+ mq_scsi_host_byte(C->result)

// (any expression: the rules above may have left it untyped)
@@
expression S;
@@
- S->sdev_gendev
+ S->dev

@@
expression H;
@@
- H->shost_gendev
+ H->dev

@@
struct Scsi_Host *H;
@@
- H->host_lock
+ &H->host_lock
