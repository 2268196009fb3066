// Midlayer calls -> mq_scsi.h.
@@
expression E, E1, E2, E3, E4;
@@
(
- scsi_done(E)
+ mq_scsi_done(E)
|
- shost_priv(E)
+ mq_scsi_host_priv(E)
|
- scsi_cmd_priv(E)
+ mq_scsi_cmd_priv(E)
|
- scsi_host_alloc(E, E1)
+ mq_scsi_host_alloc(E, E1)
|
- scsi_add_host(E, E1)
+ mq_scsi_add_host_dev(E, E1)
|
- scsi_add_host_with_dma(E, E1, E2)
+ mq_scsi_add_host_dev(E, E1 /* MQ-CONVERT: the DMA device E2 is taken to be the parent */)
|
- scsi_scan_host(E)
+ mq_scsi_scan_host(E)
|
- scsi_remove_host(E)
+ mq_scsi_remove_host(E)
|
- scsi_host_put(E)
+ mq_scsi_host_put(E)
|
- scsi_host_get(E)
+ mq_scsi_host_get(E)
|
- scsi_dma_map(E)
+ mq_scsi_dma_map(E)
|
- scsi_dma_unmap(E)
+ mq_scsi_dma_unmap(E)
|
- scsi_change_queue_depth(E, E1)
+ mq_scsi_change_queue_depth(E, E1)
|
- scsi_device_lookup(E, E1, E2, E3)
+ mq_scsi_device_lookup(E, E1, E2, E3)
|
- scsi_device_put(E)
+ mq_scsi_device_release(E)
|
- scsi_add_device(E, E1, E2, E3)
+ mq_scsi_add_device(E, E1, E2, E3)
|
- scsi_remove_device(E)
+ mq_scsi_remove_sdev(E)
|
- scsi_scan_target(&E->shost_gendev, E1, E2, E3, E4)
+ mq_scsi_scan_target(E, E1, E2)
|
- scsi_block_requests(E)
+ mq_scsi_block_requests(E)
|
- scsi_unblock_requests(E)
+ mq_scsi_unblock_requests(E)
|
- scsi_host_busy_iter(E, E1, E2)
+ mq_scsi_host_busy_iter(E, E1, E2)
)

// Return values.
@@
@@
(
- SUCCESS
+ MQ_SCSI_EH_SUCCESS
|
- FAILED
+ MQ_SCSI_EH_FAILED
|
- SCSI_MLQUEUE_HOST_BUSY
+ MQ_SCSI_MLQUEUE_HOST_BUSY
|
- SCSI_MLQUEUE_DEVICE_BUSY
+ MQ_SCSI_MLQUEUE_DEVICE_BUSY
|
- SCSI_MLQUEUE_TARGET_BUSY
+ MQ_SCSI_MLQUEUE_DEVICE_BUSY
|
- SCSI_EH_RESET_TIMER
+ MQ_SCSI_EH_RESET_TIMER
|
- SCSI_EH_NOT_HANDLED
+ MQ_SCSI_EH_NOT_HANDLED
|
- SCSI_EH_DONE
+ MQ_SCSI_EH_DONE
)
