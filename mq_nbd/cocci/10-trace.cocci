// nbd's tracepoints (trace/events/nbd.h) take a struct request and would
// register a second "nbd" trace system beside the stock module's: mq_nbd
// has none.
@@
@@
- #define CREATE_TRACE_POINTS

@@
@@
- #include <trace/events/nbd.h>

@@
identifier tr =~ "^trace_nbd_";
@@
- tr(...);
