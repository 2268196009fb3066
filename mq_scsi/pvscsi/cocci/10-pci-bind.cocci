// mq_pvscsi loads beside the stock vmw_pvscsi: no PCI id table (it never
// binds by itself; tests bind a device with driver_override), and a
// driver name of its own (the PCI bus refuses a second "vmw_pvscsi").
@@
identifier drv;
expression T;
@@
struct pci_driver drv = {
	...,
-	.id_table = T,
	...
};

@@
identifier drv;
@@
struct pci_driver drv = {
	...,
-	.name = "vmw_pvscsi",
+	.name = "mq_pvscsi",
	...
};

@@
declarer name MODULE_DEVICE_TABLE;
identifier tbl;
@@
- MODULE_DEVICE_TABLE(pci, tbl);

@@
identifier tbl;
@@
- static const struct pci_device_id tbl[] = { ... };
