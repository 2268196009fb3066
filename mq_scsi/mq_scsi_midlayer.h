/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mq_scsi_midlayer.h - what scripts/mq-convert puts in place of the SCSI
 * midlayer's headers (<scsi/scsi_host.h>, <scsi/scsi_cmnd.h>,
 * <scsi/scsi_device.h>, <scsi/scsi_tcq.h> ...) in a converted LLD: the
 * mq_scsi API (mq_scsi.h) plus the midlayer's constants and macros with
 * the same names and meanings, so that the semantic patches only rewrite
 * what differs.  Not for drivers written for mq_scsi.
 */
#ifndef _MQ_SCSI_MIDLAYER_H
#define _MQ_SCSI_MIDLAYER_H

#include <linux/printk.h>
#include <linux/spinlock.h>

#include <linux/pci.h>

#include "mq_scsi.h"

/*
 * Kernel API renamed after the Linux source a driver is converted from
 * (6.1): the old name, defined only where the kernel no longer has it.
 */
#if !defined(PCI_IRQ_LEGACY) && defined(PCI_IRQ_INTX)
#define PCI_IRQ_LEGACY		PCI_IRQ_INTX	/* renamed in 6.8 */
#endif

/* <scsi/scsi_cmnd.h> */
#ifndef SCSI_SENSE_BUFFERSIZE
#define SCSI_SENSE_BUFFERSIZE	MQ_SCSI_SENSE_SIZE
#endif
/* <scsi/scsi_host.h>: the default (unchained) scatterlist length */
#ifndef SG_ALL
#define SG_ALL			MQ_SCSI_SG_CHUNK
#endif
#ifndef FAST_IO_FAIL
#define FAST_IO_FAIL		0x2009	/* taken as failed by mq_scsi */
#endif

/* <scsi/scsi_tcq.h>: SPI queue tag messages */
#ifndef SIMPLE_QUEUE_TAG
#define SIMPLE_QUEUE_TAG	0x20
#define HEAD_OF_QUEUE_TAG	0x21
#define ORDERED_QUEUE_TAG	0x22
#endif

/* <scsi/scsi_device.h> logging */
#define scmd_printk(prefix, cmd, fmt, a...) \
	dev_printk(prefix, &(cmd)->sdev->dev, fmt, ##a)
#define sdev_printk(prefix, sdev, fmt, a...) \
	dev_printk(prefix, &(sdev)->dev, fmt, ##a)
#define shost_printk(prefix, shost, fmt, a...) \
	dev_printk(prefix, &(shost)->dev, fmt, ##a)

/**
 * mq_scsi_set_host_byte - set the host byte (``DID_*``) of a result
 * @cmd: the command
 * @status: the host byte
 */
static inline void mq_scsi_set_host_byte(struct mq_scsi_cmnd *cmd, u8 status)
{
	cmd->result = (cmd->result & 0xff00ffff) | (status << 16);
}

/*
 * <scsi/scsi_host.h>'s DEF_SCSI_QCMD: a queuecommand that calls
 * <name>_lck() under the host lock, as the midlayer's does.
 */
#define DEF_SCSI_QCMD(func_name)					\
	int func_name(struct mq_scsi_host *shost, struct mq_scsi_cmnd *cmd) \
	{								\
		unsigned long irq_flags;				\
		int rc;							\
		spin_lock_irqsave(&shost->host_lock, irq_flags);	\
		rc = func_name##_lck(cmd);				\
		spin_unlock_irqrestore(&shost->host_lock, irq_flags);	\
		return rc;						\
	}

#endif /* _MQ_SCSI_MIDLAYER_H */
