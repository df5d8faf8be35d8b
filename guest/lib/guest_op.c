// SPDX-License-Identifier: GPL-2.0
/* guest_op: see guest_op.h. */
#include <errno.h>
#include <string.h>

#include "guest_op.h"
#include "processor.h"
#include "test_util.h"
#include "ucall_common.h"

bool guest_op(struct kvm_vcpu *vcpu, void *code, uint64_t sp,
	      uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	struct ucall uc;

	vcpu_set_reg(vcpu, ARM64_CORE_REG(regs.pc), (uint64_t)code);
	vcpu_set_reg(vcpu, ARM64_CORE_REG(sp_el1), sp);
	vcpu_args_set(vcpu, 4, a0, a1, a2, a3);
	if (_vcpu_run(vcpu)) {
		TEST_ASSERT(errno == EFAULT, "KVM_RUN: %s", strerror(errno));
		return false;
	}
	switch (get_ucall(vcpu, &uc)) {
	case UCALL_DONE:
		return true;
	case UCALL_ABORT:
		REPORT_GUEST_ASSERT(uc);
		break;
	default:
		break;
	}
	TEST_FAIL("unexpected guest exit: %s", exit_reason_str(vcpu->run->exit_reason));
	return false;
}
