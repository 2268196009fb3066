// struct block_device_operations of a blk-mq driver becomes the
// struct mq_disk_ops the core forwards to (mq_core owns the gendisk's
// real block_device_operations).  Methods take the newest kernel's
// arguments on every kernel: open(disk, blk_mode_t), release(disk),
// ioctl(bdev, blk_mode_t, ...).

@dops@
identifier fops;
@@
struct block_device_operations fops = { ... };

@o depends on dops@
identifier dops.fops, f;
@@
struct block_device_operations fops = { .open = f, };

// open(bdev, fmode_t) -> open(disk, blk_mode_t): the gendisk is what the
// driver used of the bdev.
@depends on o@
identifier o.f, bdev, mode;
@@
int f(
- struct block_device *bdev
+ struct gendisk *disk
  ,
- fmode_t mode
+ blk_mode_t mode
  )
{
<...
- bdev->bd_disk
+ disk
...>
}

@r depends on dops@
identifier dops.fops, f;
@@
struct block_device_operations fops = { .release = f, };

@depends on r@
identifier r.f, disk, mode;
@@
void f(struct gendisk *disk
- , fmode_t mode
  )
{ ... }

@i depends on dops@
identifier dops.fops, f;
@@
struct block_device_operations fops = { .ioctl = f, };

@depends on i@
identifier i.f, bdev, mode, cmd, arg;
@@
int f(struct block_device *bdev,
- fmode_t mode
+ blk_mode_t mode
  , unsigned int cmd, unsigned long arg)
{ ... }

@ci depends on dops@
identifier dops.fops, f;
@@
struct block_device_operations fops = { .compat_ioctl = f, };

@depends on ci@
identifier ci.f, bdev, mode, cmd, arg;
@@
int f(struct block_device *bdev,
- fmode_t mode
+ blk_mode_t mode
  , unsigned int cmd, unsigned long arg)
{ ... }

// free_disk: the core frees its queue and gendisk on the last reference;
// a driver's own structure goes after mq_free_queue() (see the marker).
@fd depends on dops@
identifier dops.fops, f;
@@
struct block_device_operations fops = {
- .free_disk = f,
};

@depends on fd@
identifier fd.f;
@@
+ /* MQ-CONVERT: was block_device_operations.free_disk; mq_core has no such hook: free what it frees after mq_free_queue() of the last user */
  f(...) { ... }

@depends on dops@
identifier dops.fops;
expression E;
@@
struct block_device_operations fops = {
- .owner = E,
};

@depends on dops@
identifier dops.fops;
@@
- struct block_device_operations fops
+ struct mq_disk_ops fops
  = { ... };

// getgeo(bdev, geo) -> getgeo(disk, geo).
@g depends on dops@
identifier dops.fops, f;
@@
struct mq_disk_ops fops = { .getgeo = f, };

@depends on g@
identifier g.f, bdev, geo;
@@
int f(
- struct block_device *bdev
+ struct gendisk *disk
  , struct hd_geometry *geo)
{
<...
- bdev->bd_disk
+ disk
...>
}
