/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few QEMU TCG plugin API calls insn-profile.c uses (plugin API
 * version 1, as in QEMU 7.2), declared here so that no QEMU source tree is
 * needed to build the plugin.
 */
#ifndef MQ_QEMU_PLUGIN_API_H
#define MQ_QEMU_PLUGIN_API_H

#include <stddef.h>

typedef unsigned long long u64;	/* uint64_t, as the API has it */
typedef u64 qemu_plugin_id_t;
struct qemu_plugin_tb;
struct qemu_info;
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };

typedef void (*tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*udata_cb_t)(qemu_plugin_id_t id, void *userdata);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id,
					   tb_trans_cb_t cb);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb,
					      enum qemu_plugin_op op,
					      void *ptr, u64 imm);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
u64 qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, udata_cb_t cb,
				    void *userdata);

#endif
