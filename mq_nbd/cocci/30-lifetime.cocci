// The nbd_device is freed by nbd's block_device_operations.free_disk on
// the gendisk's last reference; mq_core owns those operations, so it is
// freed where nbd_dev_remove() drops the disk, after the queue (removal
// happens only when the last opener is gone: nbd->refs reached zero).
// The tag set goes after the queue that uses it.
@@
identifier nbd, disk;
@@
nbd_dev_remove(struct nbd_device *nbd)
{
  ...
- mq_free_tag_set(&nbd->tag_set);
  ...
  mq_free_queue(mq_disk_queue(disk));
+ mq_free_tag_set(&nbd->tag_set);
+ kfree(nbd);
}

@@
identifier disk;
@@
- nbd_free_disk(struct gendisk *disk) { ... }

// max_sectors (128 KiB) is the soft request size limit of blk-mq; mq_core
// splits at max_hw_sectors only (65536 sectors for nbd), which the NBD
// protocol allows.
@@
expression D, E;
@@
- mq_disk_queue(D)->limits.max_sectors = E;
