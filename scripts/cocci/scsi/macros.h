/*
 * Parsing hints for spatch, passed with --macro-file by scripts/mq-convert
 * (scripts/cocci/<family>/macros.h): midlayer macros used at file scope
 * that Coccinelle cannot parse by itself.  Only parsing changes; the
 * source text stays (mq_scsi_midlayer.h defines them for the build).
 */
#define DEF_SCSI_QCMD(func_name) ;
