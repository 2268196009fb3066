// SPDX-License-Identifier: GPL-2.0
/*
 * insn-profile - a QEMU TCG plugin that counts guest instructions per
 * translation block, for scripts/profile.  At QEMU's exit it writes one line
 * per translated block, "vaddr n_insns executions", to the file named by
 * its out= argument; scripts/profile-report folds them onto the guest's
 * /proc/kallsyms.  Deterministic under -icount, unlike a sampling profiler
 * in a TCG guest (whose timer samples mostly land on the idle loop).
 *
 * Built by scripts/profile: gcc -shared -fPIC -O2 (the API calls it uses
 * are declared in qemu-plugin-api.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include "qemu-plugin-api.h"

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

struct block {
	u64 execs;		/* bumped by the translated code itself */
	u64 vaddr;
	u64 n_insns;
};

#define CHUNK 65536
struct chunk {
	struct chunk *next;
	size_t used;
	struct block b[CHUNK];
};

static struct chunk *chunks;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char out_path[4096] = "insn-profile.txt";

static struct block *new_block(void)
{
	struct chunk *c;

	if (!chunks || chunks->used == CHUNK) {
		c = calloc(1, sizeof(*c));
		if (!c)
			abort();
		c->next = chunks;
		chunks = c;
	}
	return &chunks->b[chunks->used++];
}

/* Every (re)translation gets its own counter; the report adds them up. */
static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	struct block *b;

	(void)id;
	pthread_mutex_lock(&lock);
	b = new_block();
	b->vaddr = qemu_plugin_tb_vaddr(tb);
	b->n_insns = qemu_plugin_tb_n_insns(tb);
	pthread_mutex_unlock(&lock);
	qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64,
						 &b->execs, 1);
}

static void at_exit(qemu_plugin_id_t id, void *p)
{
	FILE *f = fopen(out_path, "w");
	struct chunk *c;
	size_t i;

	(void)id;
	(void)p;
	if (!f) {
		perror(out_path);
		return;
	}
	for (c = chunks; c; c = c->next)
		for (i = 0; i < c->used; i++)
			if (c->b[i].execs)
				fprintf(f, "%llx %llu %llu\n",
					(unsigned long long)c->b[i].vaddr,
					(unsigned long long)c->b[i].n_insns,
					(unsigned long long)c->b[i].execs);
	fclose(f);
}

__attribute__((visibility("default")))
int qemu_plugin_install(qemu_plugin_id_t id, const struct qemu_info *info,
			int argc, char **argv)
{
	int i;

	(void)info;
	for (i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "out=", 4)) {
			snprintf(out_path, sizeof(out_path), "%s", argv[i] + 4);
		} else {
			fprintf(stderr, "insn-profile: unknown argument %s\n",
				argv[i]);
			return -1;
		}
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}
