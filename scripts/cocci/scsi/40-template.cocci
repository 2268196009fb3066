// scsi_host_template fields: the 6.1 names of the sdev hooks.
@@
identifier t;
expression E;
@@
struct scsi_host_template t = {
	...,
-	.slave_alloc = E,
+	.sdev_init = E,
	...
};

@@
identifier t;
expression E;
@@
struct scsi_host_template t = {
	...,
-	.slave_configure = E,
+	.sdev_configure = E,
	...
};

@@
identifier t;
expression E;
@@
struct scsi_host_template t = {
	...,
-	.slave_destroy = E,
+	.sdev_destroy = E,
	...
};

@@
identifier t;
expression E;
@@
struct scsi_host_template t = {
	...,
-	.bios_param = E,
	...
};

@@
identifier t;
expression E;
@@
struct scsi_host_template t = {
	...,
-	.track_queue_depth = E,
	...
};
