// vmw_pvscsi keeps the mapped BAR in a plain char pointer: sparse (C=2)
// warns at every readl/writel/pci_iounmap on it.  It is __iomem memory.
@@
attribute name __iomem;
@@
struct pvscsi_adapter {
	...
-	char *mmioBase;
+	char __iomem *mmioBase;
	...
};
