// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the memory type and permission fields that the stage-2
 * page-table code writes into leaf descriptors.
 *
 * Each test builds a private stage-2 page table with the same code KVM uses
 * for its guests, maps one page into it and reads the leaf back. The page
 * table is never loaded into VTTBR_EL2 and nothing is ever unmapped, so no
 * TLB maintenance is needed and the fake MMU below is never handed to the
 * hypervisor.
 */

#include <kunit/test.h>
#include <linux/bitfield.h>
#include <linux/bits.h>
#include <linux/cpufeature.h>
#include <linux/gfp.h>
#include <linux/kvm_host.h>
#include <linux/mm.h>
#include <linux/panic.h>

#include <asm/kvm_pgtable.h>
#include <asm/sysreg.h>

/*
 * Stage-2 page descriptor fields, as the Arm ARM (DDI 0487, "Stage 2
 * attribute fields in VMSAv8-64 Block and Page descriptors") defines them.
 * They are spelled out here instead of being taken from the page-table code
 * so that a wrong definition there cannot be hidden by the same wrong
 * definition here.
 */
#define S2_DESC_VALID		BIT_ULL(0)
#define S2_DESC_PAGE		BIT_ULL(1)	/* bits[1:0] == 0b11 at level 3 */
#define S2_DESC_MEMATTR		GENMASK_ULL(5, 2)
#define S2_DESC_S2AP_R		BIT_ULL(6)	/* S2AP[0]: reads allowed */
#define S2_DESC_S2AP_W		BIT_ULL(7)	/* S2AP[1]: writes allowed */
#define S2_DESC_AF		BIT_ULL(10)
#define S2_DESC_OA		GENMASK_ULL(47, PAGE_SHIFT)
#define S2_DESC_XN		GENMASK_ULL(54, 53)

/* XN[1:0]: 0b00 executable at EL1 and EL0, 0b10 executable at neither. */
#define S2_XN_EXEC		0x0ULL
#define S2_XN_NO_EXEC		0x2ULL

/*
 * MemAttr[3:0] without FEAT_S2FWB: [3:2] is the outer and [1:0] the inner
 * attribute, 0b01 Non-cacheable, 0b11 Write-Back. An outer value of 0b00
 * makes the memory Device instead, with [1:0] giving the Device type.
 */
#define S2_MEMATTR_DEVICE_NGNRE		0x1ULL	/* 0b0001 Device-nGnRE */
#define S2_MEMATTR_NORMAL_NC		0x5ULL	/* 0b0101 Outer NC, Inner NC */
#define S2_MEMATTR_NORMAL_WB		0xfULL	/* 0b1111 Outer WB, Inner WB */

/*
 * MemAttr[3:0] with FEAT_S2FWB (HCR_EL2.FWB == 1): MemAttr[2] == 0 is Device,
 * with [1:0] giving the Device type; MemAttr[2] == 1 is Normal, with [1:0]
 * 0b01 forcing Non-cacheable and 0b10 forcing Write-Back. MemAttr[3] is 0
 * for all of these.
 */
#define S2FWB_MEMATTR_DEVICE_NGNRE	0x1ULL	/* 0b0001 Device-nGnRE */
#define S2FWB_MEMATTR_NORMAL_NC		0x5ULL	/* 0b0101 Normal Non-cacheable */
#define S2FWB_MEMATTR_NORMAL_WB		0x6ULL	/* 0b0110 Normal Write-Back */

/* An arbitrary guest physical address, well inside the IPA space. */
#define S2_TEST_IPA_BITS	40
#define S2_TEST_IPA		0x80000000ULL

#define S2_R	KVM_PGTABLE_PROT_R
#define S2_W	KVM_PGTABLE_PROT_W
#define S2_X	KVM_PGTABLE_PROT_X

struct s2_test {
	struct kvm_arch arch;
	struct kvm_s2_mmu mmu;
	struct kvm_pgtable pgt;
	struct kvm_mmu_memory_cache mc;
	struct page *target;
	bool pgt_ready;
};

static void *s2_test_zalloc_page(void *mc)
{
	/* The cache hands out zeroed pages, see s2_test_init() */
	return kvm_mmu_memory_cache_alloc(mc);
}

static void *s2_test_zalloc_pages_exact(size_t size)
{
	return alloc_pages_exact(size, GFP_KERNEL | __GFP_ZERO);
}

static void s2_test_free_pages_exact(void *addr, size_t size)
{
	free_pages_exact(addr, size);
}

static void s2_test_get_page(void *addr)
{
	get_page(virt_to_page(addr));
}

static void s2_test_put_page(void *addr)
{
	put_page(virt_to_page(addr));
}

static int s2_test_page_count(void *addr)
{
	return page_count(virt_to_page(addr));
}

static void *s2_test_phys_to_virt(phys_addr_t phys)
{
	return __va(phys);
}

static phys_addr_t s2_test_virt_to_phys(void *addr)
{
	return __pa(addr);
}

/*
 * No cache maintenance callbacks: the page table is never walked by the
 * hardware, and the page the tests map is never accessed through it.
 */
static struct kvm_pgtable_mm_ops s2_test_mm_ops = {
	.zalloc_page		= s2_test_zalloc_page,
	.zalloc_pages_exact	= s2_test_zalloc_pages_exact,
	.free_pages_exact	= s2_test_free_pages_exact,
	.get_page		= s2_test_get_page,
	.put_page		= s2_test_put_page,
	.page_count		= s2_test_page_count,
	.phys_to_virt		= s2_test_phys_to_virt,
	.virt_to_phys		= s2_test_virt_to_phys,
};

static int s2_test_init(struct kunit *test)
{
	struct s2_test *t;

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;

	t->mc.gfp_zero = __GFP_ZERO;
	t->target = alloc_page(GFP_KERNEL);
	test->priv = t;

	return t->target ? 0 : -ENOMEM;
}

static void s2_test_exit(struct kunit *test)
{
	struct s2_test *t = test->priv;

	if (!t)
		return;

	if (t->pgt_ready)
		kvm_pgtable_stage2_destroy(&t->pgt);
	kvm_mmu_free_memory_cache(&t->mc);
	if (t->target)
		__free_page(t->target);
}

/* Build an empty stage-2 page table covering S2_TEST_IPA_BITS of IPA. */
static void s2_test_pgt_init(struct kunit *test,
			     enum kvm_pgtable_stage2_flags flags)
{
	struct s2_test *t = test->priv;
	u64 mmfr0 = read_sanitised_ftr_reg(SYS_ID_AA64MMFR0_EL1);
	u64 mmfr1 = read_sanitised_ftr_reg(SYS_ID_AA64MMFR1_EL1);
	int ret;

	t->arch.vtcr = kvm_get_vtcr(mmfr0, mmfr1, S2_TEST_IPA_BITS);
	t->mmu.arch = &t->arch;

	/* Enough for one table page at each level below the PGD */
	ret = kvm_mmu_topup_memory_cache(&t->mc, KVM_PGTABLE_MAX_LEVELS);
	KUNIT_ASSERT_EQ(test, ret, 0);

	ret = __kvm_pgtable_stage2_init(&t->pgt, &t->mmu, &s2_test_mm_ops,
					flags, NULL);
	KUNIT_ASSERT_EQ(test, ret, 0);
	t->pgt_ready = true;
}

static int s2_test_map(struct kunit *test, enum kvm_pgtable_prot prot)
{
	struct s2_test *t = test->priv;

	return kvm_pgtable_stage2_map(&t->pgt, S2_TEST_IPA, PAGE_SIZE,
				      page_to_phys(t->target), prot, &t->mc);
}

/* The descriptor that translates S2_TEST_IPA, or the invalid one in its way */
static kvm_pte_t s2_test_leaf(struct kunit *test, u32 *level)
{
	struct s2_test *t = test->priv;
	kvm_pte_t pte = 0;
	int ret;

	ret = kvm_pgtable_get_leaf(&t->pgt, S2_TEST_IPA, &pte, level);
	KUNIT_ASSERT_EQ(test, ret, 0);

	return pte;
}

struct s2_mem_type {
	const char *name;
	enum kvm_pgtable_prot prot;
	u64 memattr;		/* expected MemAttr without FWB */
	u64 memattr_fwb;	/* expected MemAttr with FWB */
	bool exec;		/* may be mapped executable */
};

static const struct s2_mem_type s2_normal = {
	.name		= "normal",
	.prot		= 0,
	.memattr	= S2_MEMATTR_NORMAL_WB,
	.memattr_fwb	= S2FWB_MEMATTR_NORMAL_WB,
	.exec		= true,
};

static const struct s2_mem_type s2_normal_nc = {
	.name		= "normal_nc",
	.prot		= KVM_PGTABLE_PROT_NORMAL_NC,
	.memattr	= S2_MEMATTR_NORMAL_NC,
	.memattr_fwb	= S2FWB_MEMATTR_NORMAL_NC,
	.exec		= false,
};

static const struct s2_mem_type s2_device = {
	.name		= "device",
	.prot		= KVM_PGTABLE_PROT_DEVICE,
	.memattr	= S2_MEMATTR_DEVICE_NGNRE,
	.memattr_fwb	= S2FWB_MEMATTR_DEVICE_NGNRE,
	.exec		= false,
};

struct s2_attr_case {
	const struct s2_mem_type *type;
	enum kvm_pgtable_prot perms;
};

static const struct s2_attr_case s2_attr_cases[] = {
	{ &s2_normal,		0 },
	{ &s2_normal,		S2_R },
	{ &s2_normal,		S2_W },
	{ &s2_normal,		S2_R | S2_W },
	{ &s2_normal,		S2_X },
	{ &s2_normal,		S2_R | S2_X },
	{ &s2_normal,		S2_W | S2_X },
	{ &s2_normal,		S2_R | S2_W | S2_X },
	{ &s2_normal_nc,	0 },
	{ &s2_normal_nc,	S2_R },
	{ &s2_normal_nc,	S2_W },
	{ &s2_normal_nc,	S2_R | S2_W },
	{ &s2_normal_nc,	S2_X },
	{ &s2_normal_nc,	S2_R | S2_X },
	{ &s2_normal_nc,	S2_W | S2_X },
	{ &s2_normal_nc,	S2_R | S2_W | S2_X },
	{ &s2_device,		0 },
	{ &s2_device,		S2_R },
	{ &s2_device,		S2_W },
	{ &s2_device,		S2_R | S2_W },
	{ &s2_device,		S2_X },
	{ &s2_device,		S2_R | S2_X },
	{ &s2_device,		S2_W | S2_X },
	{ &s2_device,		S2_R | S2_W | S2_X },
};

/* For example "normal_nc_rw", "device_x" or "normal_none" */
static void s2_attr_case_desc(const struct s2_attr_case *c, char *desc)
{
	enum kvm_pgtable_prot p = c->perms;

	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s_%s%s%s%s", c->type->name,
		 p ? "" : "none", p & S2_R ? "r" : "", p & S2_W ? "w" : "",
		 p & S2_X ? "x" : "");
}

KUNIT_ARRAY_PARAM(s2_attr, s2_attr_cases, s2_attr_case_desc);

static void s2_check_attr(struct kunit *test, bool fwb)
{
	const struct s2_attr_case *c = test->param_value;
	const struct s2_mem_type *type = c->type;
	struct s2_test *t = test->priv;
	u64 memattr, xn, expected;
	kvm_pte_t pte;
	u32 level = 0;
	int ret;

	if (fwb && !cpus_have_const_cap(ARM64_HAS_STAGE2_FWB))
		kunit_skip(test, "the CPUs do not implement FEAT_S2FWB");

	s2_test_pgt_init(test, fwb ? 0 : KVM_PGTABLE_S2_NOFWB);

	ret = s2_test_map(test, type->prot | c->perms);
	pte = s2_test_leaf(test, &level);

	if ((c->perms & S2_X) && !type->exec) {
		KUNIT_EXPECT_EQ_MSG(test, ret, -EINVAL,
				    "executable %s mapping not refused",
				    type->name);
		KUNIT_EXPECT_EQ_MSG(test, pte, (kvm_pte_t)0,
				    "refused mapping left descriptor 0x%016llx",
				    pte);
		return;
	}

	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_ASSERT_TRUE_MSG(test, pte & S2_DESC_VALID,
			      "no valid descriptor: 0x%016llx", pte);
	KUNIT_EXPECT_EQ(test, level, (u32)(KVM_PGTABLE_MAX_LEVELS - 1));
	KUNIT_EXPECT_TRUE(test, pte & S2_DESC_PAGE);
	KUNIT_EXPECT_EQ(test, pte & S2_DESC_OA,
			(u64)page_to_phys(t->target));
	KUNIT_EXPECT_TRUE(test, pte & S2_DESC_AF);

	memattr = FIELD_GET(S2_DESC_MEMATTR, pte);
	expected = fwb ? type->memattr_fwb : type->memattr;
	KUNIT_EXPECT_EQ_MSG(test, memattr, expected,
			    "MemAttr of %s with%s FWB, descriptor 0x%016llx",
			    type->name, fwb ? "" : "out", pte);

	xn = FIELD_GET(S2_DESC_XN, pte);
	expected = c->perms & S2_X ? S2_XN_EXEC : S2_XN_NO_EXEC;
	KUNIT_EXPECT_EQ_MSG(test, xn, expected, "descriptor 0x%016llx", pte);
	KUNIT_EXPECT_EQ(test, !!(pte & S2_DESC_S2AP_R), !!(c->perms & S2_R));
	KUNIT_EXPECT_EQ(test, !!(pte & S2_DESC_S2AP_W), !!(c->perms & S2_W));
}

static void s2_attr_nofwb(struct kunit *test)
{
	s2_check_attr(test, false);
}

static void s2_attr_fwb(struct kunit *test)
{
	s2_check_attr(test, true);
}

/*
 * A leaf has one memory type, so asking for Device and Normal-NC at once is
 * a bug in the caller. It must be refused, and warned about the first time
 * only: user space cannot get here, only a KVM bug can.
 */
static void s2_check_device_and_normal_nc(struct kunit *test, bool fwb)
{
	enum kvm_pgtable_prot both = KVM_PGTABLE_PROT_DEVICE |
				     KVM_PGTABLE_PROT_NORMAL_NC;
	bool tainted = test_taint(TAINT_WARN);

	if (fwb && !cpus_have_const_cap(ARM64_HAS_STAGE2_FWB))
		kunit_skip(test, "the CPUs do not implement FEAT_S2FWB");

	s2_test_pgt_init(test, fwb ? 0 : KVM_PGTABLE_S2_NOFWB);

	KUNIT_EXPECT_EQ(test, s2_test_map(test, both | S2_R | S2_W), -EINVAL);
	if (tainted)
		kunit_info(test, "already tainted by a WARN, not checking for one\n");
	else
		KUNIT_EXPECT_TRUE_MSG(test, test_taint(TAINT_WARN),
				      "DEVICE | NORMAL_NC refused without a warning");
	KUNIT_EXPECT_EQ(test, s2_test_leaf(test, NULL), (kvm_pte_t)0);

	/* Once warned, it must still be refused, whatever the permissions */
	KUNIT_EXPECT_EQ(test, s2_test_map(test, both | S2_R | S2_W), -EINVAL);
	KUNIT_EXPECT_EQ(test, s2_test_map(test, both | S2_R), -EINVAL);
	KUNIT_EXPECT_EQ(test, s2_test_map(test, both | S2_R | S2_W | S2_X),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, s2_test_map(test, both), -EINVAL);
	KUNIT_EXPECT_EQ(test, s2_test_leaf(test, NULL), (kvm_pte_t)0);
}

static void s2_device_and_normal_nc_nofwb(struct kunit *test)
{
	s2_check_device_and_normal_nc(test, false);
}

static void s2_device_and_normal_nc_fwb(struct kunit *test)
{
	s2_check_device_and_normal_nc(test, true);
}

static struct kunit_case s2_pgtable_test_cases[] = {
	KUNIT_CASE(s2_device_and_normal_nc_nofwb),
	KUNIT_CASE(s2_device_and_normal_nc_fwb),
	KUNIT_CASE_PARAM(s2_attr_nofwb, s2_attr_gen_params),
	KUNIT_CASE_PARAM(s2_attr_fwb, s2_attr_gen_params),
	{}
};

static struct kunit_suite s2_pgtable_test_suite = {
	.name = "kvm_arm64_s2_pgtable",
	.init = s2_test_init,
	.exit = s2_test_exit,
	.test_cases = s2_pgtable_test_cases,
};

kunit_test_suite(s2_pgtable_test_suite);
