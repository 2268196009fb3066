// SPDX-License-Identifier: GPL-2.0
/*
 * hostile-blkback - a user-space Xen block backend for dom0 that speaks
 * blkif (one ring of one page, no indirect descriptors, no persistent
 * grants; flush-cache offered) over a RAM disk, and misbehaves on command,
 * to test what a frontend does with an untrusted backend.
 *
 * Usage: hostile-blkback DOMID VDEV MODE [SECTORS]
 *
 * It creates the vbd itself (frontend and backend nodes in xenstore, under
 * backend/vbd-hostile/ so xen-blkback leaves it alone), waits for the
 * frontend, connects, and serves requests.  The first WRITE request after
 * the connection (the partition scan only reads) is answered the MODE way:
 *
 *   ok           correctly (the device works)
 *   keep-mapped  correctly, but its grants stay mapped
 *   dup          twice
 *   bad-id       with an id the frontend never gave out
 *   bad-op       with another operation (READ)
 *   early        with its response and at once a FLUSH response for the
 *                same id, before any flush was asked for (a FUA write's
 *                postflush answered early)
 *   overrun      by moving rsp_prod a whole ring past the requests
 *   flood        correctly, after 20000 events without a response
 *
 * Every page granted to it (ring page excepted) is checked: a byte that
 * is neither 0 nor the test pattern (0x5a, what the domU writes) means the
 * frontend granted memory other than the disk's data; counted and logged
 * ("leak-check").  Everything goes to stdout, one line per event, prefixed
 * "hostile[VDEV]:"; the count of such pages is also the backend node
 * "leak-pages", which the domU can read.  It runs until the frontend
 * closes, or until killed (dom0 powers off).
 */
#define _GNU_SOURCE
#define __XEN_TOOLS__ 1
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xenevtchn.h>
#include <xengnttab.h>
#include <xenstore.h>

#define xen_mb()	__sync_synchronize()
#define xen_rmb()	__sync_synchronize()
#define xen_wmb()	__sync_synchronize()
#include <xen/io/blkif.h>

/* enum xenbus_state values (xen/io/xenbus.h, a stable ABI). */
#define XB_INITIALISING	1
#define XB_INITWAIT	2
#define XB_INITIALISED	3
#define XB_CONNECTED	4
#define XB_CLOSING	5
#define XB_CLOSED	6

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define PAGE		4096U
#define PATTERN		0x5a
#define FLOOD_EVENTS	20000

enum mode { M_OK, M_KEEP, M_DUP, M_BAD_ID, M_BAD_OP, M_EARLY, M_OVERRUN,
	    M_FLOOD };
static const char *const mode_names[] = {
	"ok", "keep-mapped", "dup", "bad-id", "bad-op", "early", "overrun",
	"flood",
};

static struct xs_handle *xs;
static xengnttab_handle *xgt;
static xenevtchn_handle *xce;
static unsigned int domid, vdev;
static char fe[128], be[128];
static unsigned char *disk;
static unsigned long long sectors;
static enum mode mode;
static int armed = 1;
static evtchn_port_t lport;
static blkif_back_ring_t ring;
static unsigned long leak_pages, leak_bytes, pages_checked;

static void say(const char *fmt, ...)
{
	va_list ap;

	printf("hostile[%u]: ", vdev);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static void die(const char *what)
{
	say("fatal: %s: %s", what, strerror(errno));
	exit(1);
}

static void xs_put(xs_transaction_t t, const char *dir, const char *key,
		   const char *fmt, ...)
{
	char path[256], val[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	snprintf(path, sizeof(path), "%s/%s", dir, key);
	if (!xs_write(xs, t, path, val, strlen(val)))
		die(path);
}

/* A node's value as a number, or -1 when absent. */
static long xs_num(const char *dir, const char *key)
{
	char path[256], *v;
	unsigned int len;
	long n;

	snprintf(path, sizeof(path), "%s/%s", dir, key);
	v = xs_read(xs, XBT_NULL, path, &len);
	if (!v)
		return -1;
	n = strtol(v, NULL, 0);
	free(v);
	return n;
}

/* Both directories of the vbd, readable by the other end, as libxl makes them. */
static void create_device(void)
{
	struct xs_permissions fe_perms[2] = {
		{ .id = domid, .perms = XS_PERM_NONE },
		{ .id = 0, .perms = XS_PERM_READ },
	};
	struct xs_permissions be_perms[2] = {
		{ .id = 0, .perms = XS_PERM_NONE },
		{ .id = domid, .perms = XS_PERM_READ },
	};
	xs_transaction_t t;

again:
	t = xs_transaction_start(xs);
	if (!t)
		die("transaction");
	if (!xs_mkdir(xs, t, be) || !xs_set_permissions(xs, t, be, be_perms, 2) ||
	    !xs_mkdir(xs, t, fe) || !xs_set_permissions(xs, t, fe, fe_perms, 2))
		die("mkdir");
	xs_put(t, be, "frontend", "%s", fe);
	xs_put(t, be, "frontend-id", "%u", domid);
	xs_put(t, be, "online", "1");
	xs_put(t, be, "state", "%d", XB_INITIALISING);
	xs_put(t, be, "mode", "w");
	xs_put(t, be, "type", "hostile");
	xs_put(t, fe, "backend", "%s", be);
	xs_put(t, fe, "backend-id", "0");
	xs_put(t, fe, "virtual-device", "%u", vdev);
	xs_put(t, fe, "device-type", "disk");
	xs_put(t, fe, "state", "%d", XB_INITIALISING);
	if (!xs_transaction_end(xs, t, false)) {
		if (errno == EAGAIN)
			goto again;
		die("transaction end");
	}
}

static void wait_frontend(int state)
{
	long s;

	while ((s = xs_num(fe, "state")) != state) {
		if (s == XB_CLOSING || s == XB_CLOSED) {
			say("frontend state %ld while waiting for %d", s, state);
			exit(1);
		}
		usleep(100000);
	}
}

static void connect_ring(void)
{
	long ref = xs_num(fe, "ring-ref"), port = xs_num(fe, "event-channel");
	void *page;
	int p;

	if (ref < 0 || port < 0 || xs_num(fe, "multi-queue-num-queues") > 1 ||
	    xs_num(fe, "ring-page-order") > 0) {
		say("unsupported frontend layout (ring-ref %ld event-channel %ld)",
		    ref, port);
		exit(1);
	}
	page = xengnttab_map_grant_ref(xgt, domid, ref, PROT_READ | PROT_WRITE);
	if (!page)
		die("mapping the ring");
	BACK_RING_INIT(&ring, (blkif_sring_t *)page, PAGE);
	p = xenevtchn_bind_interdomain(xce, domid, port);
	if (p < 0)
		die("binding the event channel");
	lport = p;
	say("connected: ring-ref %ld event-channel %ld, mode %s", ref, port,
	    mode_names[mode]);
}

static void leak_check(const unsigned char *p)
{
	unsigned int i, bad = 0;

	for (i = 0; i < PAGE; i++)
		if (p[i] && p[i] != PATTERN)
			bad++;
	pages_checked++;
	if (!bad)
		return;
	leak_pages++;
	leak_bytes += bad;
	say("leak-check: granted page with %u foreign bytes (%lu pages of %lu so far)",
	    bad, leak_pages, pages_checked);
	xs_put(XBT_NULL, be, "leak-pages", "%lu", leak_pages);
}

/*
 * Do the data of @req; its grants stay mapped if @keep.
 * Return: a BLKIF_RSP_* status.
 */
static int do_rw(const blkif_request_t *req, int keep)
{
	int write = req->operation == BLKIF_OP_WRITE;
	unsigned long long sector = req->sector_number;
	unsigned int i;

	if (req->nr_segments > BLKIF_MAX_SEGMENTS_PER_REQUEST)
		return BLKIF_RSP_ERROR;
	for (i = 0; i < req->nr_segments; i++) {
		const struct blkif_request_segment *seg = &req->seg[i];
		unsigned int n = seg->last_sect - seg->first_sect + 1;
		unsigned char *page;

		if (seg->last_sect > 7 || seg->first_sect > seg->last_sect ||
		    sector + n > sectors)
			return BLKIF_RSP_ERROR;
		page = xengnttab_map_grant_ref(xgt, domid, seg->gref,
					       write ? PROT_READ :
					       PROT_READ | PROT_WRITE);
		if (!page) {
			say("cannot map grant %u: %s", seg->gref, strerror(errno));
			return BLKIF_RSP_ERROR;
		}
		leak_check(page);
		if (write)
			memcpy(disk + sector * 512, page + seg->first_sect * 512,
			       n * 512);
		else
			memcpy(page + seg->first_sect * 512, disk + sector * 512,
			       n * 512);
		if (keep)
			say("keeping grant %u mapped", seg->gref);
		else
			xengnttab_unmap(xgt, page, 1);
		sector += n;
	}
	return BLKIF_RSP_OKAY;
}

static void respond(unsigned long long id, uint8_t op, int16_t status)
{
	blkif_response_t *rsp = RING_GET_RESPONSE(&ring, ring.rsp_prod_pvt);

	rsp->id = id;
	rsp->operation = op;
	rsp->status = status;
	ring.rsp_prod_pvt++;
}

static void push(void)
{
	int notify;

	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&ring, notify);
	if (notify)
		xenevtchn_notify(xce, lport);
}

static void handle(const blkif_request_t *req)
{
	int hostile = armed && req->operation == BLKIF_OP_WRITE;
	int status = BLKIF_RSP_OKAY, i;

	if (hostile && mode != M_OK) {
		armed = 0;
		say("misbehaving (%s) on WRITE id %llu sector %llu",
		    mode_names[mode], (unsigned long long)req->id,
		    (unsigned long long)req->sector_number);
	}
	switch (req->operation) {
	case BLKIF_OP_READ:
	case BLKIF_OP_WRITE:
		status = do_rw(req, hostile && mode == M_KEEP);
		break;
	case BLKIF_OP_FLUSH_DISKCACHE:
		break;
	default:
		status = BLKIF_RSP_EOPNOTSUPP;
		break;
	}
	if (!hostile || mode == M_OK || mode == M_KEEP) {
		respond(req->id, req->operation, status);
		return;
	}
	switch (mode) {
	case M_DUP:
		respond(req->id, req->operation, status);
		respond(req->id, req->operation, status);
		break;
	case M_BAD_ID:
		respond(req->id + 0x10000, req->operation, status);
		break;
	case M_BAD_OP:
		respond(req->id, BLKIF_OP_READ, status);
		break;
	case M_EARLY:
		respond(req->id, req->operation, status);
		respond(req->id, BLKIF_OP_FLUSH_DISKCACHE, BLKIF_RSP_OKAY);
		break;
	case M_OVERRUN:
		respond(req->id, req->operation, status);
		ring.rsp_prod_pvt += RING_SIZE(&ring);
		break;
	case M_FLOOD:
		for (i = 0; i < FLOOD_EVENTS; i++)
			xenevtchn_notify(xce, lport);
		say("sent %d events", FLOOD_EVENTS);
		respond(req->id, req->operation, status);
		break;
	default:
		break;
	}
}

static void serve(void)
{
	struct pollfd pfd = { .fd = xenevtchn_fd(xce), .events = POLLIN };
	unsigned long served = 0;
	blkif_request_t req;
	RING_IDX rc, rp;
	int more;

	for (;;) {
		if (poll(&pfd, 1, 1000) > 0) {
			xenevtchn_port_or_error_t p = xenevtchn_pending(xce);

			if (p >= 0)
				xenevtchn_unmask(xce, p);
		}
		do {
			rc = ring.req_cons;
			rp = ring.sring->req_prod;
			xen_rmb();
			if (rp - rc > RING_SIZE(&ring)) {
				say("frontend produced too many requests");
				exit(1);
			}
			for (; rc != rp; rc++) {
				RING_COPY_REQUEST(&ring, rc, &req);
				ring.req_cons = rc + 1;
				handle(&req);
				served++;
			}
			push();
			RING_FINAL_CHECK_FOR_REQUESTS(&ring, more);
		} while (more);
		if (xs_num(fe, "state") >= XB_CLOSING) {
			say("frontend closing after %lu requests", served);
			say("leak-check: %lu of %lu pages with foreign bytes (%lu bytes)",
			    leak_pages, pages_checked, leak_bytes);
			xs_put(XBT_NULL, be, "state", "%d", XB_CLOSED);
			exit(0);
		}
	}
}

int main(int argc, char **argv)
{
	unsigned int i;

	if (argc < 4) {
		fprintf(stderr, "usage: %s DOMID VDEV MODE [SECTORS]\n", argv[0]);
		return 2;
	}
	domid = strtoul(argv[1], NULL, 0);
	vdev = strtoul(argv[2], NULL, 0);
	for (i = 0; i < ARRAY_SIZE(mode_names); i++)
		if (!strcmp(argv[3], mode_names[i]))
			break;
	if (i == ARRAY_SIZE(mode_names)) {
		fprintf(stderr, "unknown mode %s\n", argv[3]);
		return 2;
	}
	mode = i;
	sectors = argc > 4 ? strtoull(argv[4], NULL, 0) : 16384;
	disk = calloc(sectors, 512);
	if (!disk)
		die("disk");
	snprintf(fe, sizeof(fe), "/local/domain/%u/device/vbd/%u", domid, vdev);
	snprintf(be, sizeof(be), "/local/domain/0/backend/vbd-hostile/%u/%u",
		 domid, vdev);

	xs = xs_open(0);
	xgt = xengnttab_open(NULL, 0);
	xce = xenevtchn_open(NULL, 0);
	if (!xs || !xgt || !xce)
		die("opening xenstore, gntdev or evtchn");
	create_device();
	xs_put(XBT_NULL, be, "sectors", "%llu", sectors);
	xs_put(XBT_NULL, be, "info", "0");
	xs_put(XBT_NULL, be, "sector-size", "512");
	xs_put(XBT_NULL, be, "feature-flush-cache", "1");
	xs_put(XBT_NULL, be, "leak-pages", "0");
	xs_put(XBT_NULL, be, "state", "%d", XB_INITWAIT);
	say("device created (%s), waiting for the frontend", fe);
	wait_frontend(XB_INITIALISED);
	connect_ring();
	xs_put(XBT_NULL, be, "state", "%d", XB_CONNECTED);
	serve();
	return 0;
}
