/* SPDX-License-Identifier: GPL-2.0 */
/*
 * guest_op: run one guest function to its GUEST_DONE(), for the harness's
 * programs built on the KVM selftest library (guest/s2bench.c, soak.c).
 */
#ifndef GUEST_OP_H
#define GUEST_OP_H

#include <stdbool.h>
#include <stdint.h>

#include "kvm_util.h"

/*
 * Start code(a0, a1, a2, a3) on vcpu with its stack at sp and run it until
 * it calls GUEST_DONE(). Returns false when KVM_RUN failed with EFAULT (a
 * stage-2 fault KVM does not handle, such as an unaligned access to
 * Device memory); any other exit ends the program with a test failure.
 */
bool guest_op(struct kvm_vcpu *vcpu, void *code, uint64_t sp,
	      uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3);

#endif
