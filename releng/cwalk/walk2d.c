/*
 * Copyright (c) 2026 TDP Scope contributors.
 * SPDX-License-Identifier: EPL-2.0
 *
 * The yardstick for the simulator's 2-D walk benchmark (MmuBench translate): a plain C walker making the same
 * 24 memory references per translation (4-level guest tables in guest memory over a 4-level EPT with 4K leaves)
 * over the same layout: random gvas spread over the 48-bit space, each mapped with its own 4K page, one guest
 * table page per new table from a pool at gpa 0x1000, host memory flat (guest RAM backed contiguously, EPT table
 * pages bump-allocated after it), transparent huge pages requested as the Java bench does.
 *
 * Two walkers: "checked" makes the checks the simulator's walk makes (canonical gva; EPT not-present, misconfigured
 * entry, reserved memory type, permissions ANDed over the levels, A/D bits set when missing; guest present,
 * reserved bits, U/S R/W XD combined, huge leaves, the access check, guest A/D bits), "plain" only present and
 * read permission. Both make the same 24 references; the simulator is held to the checked one and both are printed.
 *
 *   gcc -O2 -o walk2d walk2d.c && ./walk2d [pages] [seed]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define QUERIES (1 << 20)
#define WARMUP 3
#define ROUNDS 7
#define P 1ULL
#define RW 2ULL
#define EPT_R 1ULL
#define EPT_W 2ULL
#define EPT_X 4ULL
#define EPT_A (1ULL << 8)
#define EPT_D (1ULL << 9)
#define PFN_MASK 0x000ffffffffff000ULL

static uint64_t *host;      /* host memory, 512 entries a page */
static uint64_t host_pages; /* capacity */
static uint64_t next_hpfn = 1;
static uint64_t slot_base;  /* hpfn of gfn 0 */
static uint64_t slot_pages;
static uint64_t ept_root;   /* hpa */
static uint64_t pool_used, pool_pages;

static uint64_t alloc_host_page(void)
{
	if (next_hpfn >= host_pages) {
		fprintf(stderr, "host memory exhausted\n");
		exit(1);
	}
	return next_hpfn++;
}

static uint64_t *entry(uint64_t hpa) { return &host[hpa >> 3]; }

/* Maps gfn in the EPT with a 4K leaf (the fault path, minus everything but allocation). */
static void ept_map(uint64_t gfn)
{
	uint64_t table = ept_root;
	for (int level = 4; level > 1; level--) {
		uint64_t *e = entry(table + 8 * ((gfn >> (9 * (level - 1))) & 511));
		if (!(*e & 7))
			*e = (alloc_host_page() << 12) | EPT_R | EPT_W | EPT_X | EPT_A;
		table = *e & PFN_MASK;
	}
	*entry(table + 8 * (gfn & 511)) = ((slot_base + gfn) << 12) | EPT_R | EPT_W | EPT_X | (6 << 3) | EPT_A | EPT_D;
}

static uint64_t gpa_to_hpa(uint64_t gpa) { return ((slot_base + (gpa >> 12)) << 12) | (gpa & 0xfff); }

static uint64_t alloc_table(void)
{
	if (pool_used >= pool_pages) {
		fprintf(stderr, "table pool exhausted\n");
		exit(1);
	}
	return 0x1000 + (pool_used++ << 12);
}

static int gidx(uint64_t gva, int level) { return (gva >> (12 + 9 * (level - 1))) & 511; }

static void guest_map(uint64_t cr3, uint64_t gva, uint64_t gpa)
{
	uint64_t table = cr3;
	for (int level = 4; level > 1; level--) {
		uint64_t *e = entry(gpa_to_hpa(table + 8 * gidx(gva, level)));
		if (!(*e & P))
			*e = alloc_table() | P | RW | 4;
		table = *e & PFN_MASK;
	}
	*entry(gpa_to_hpa(table + 8 * gidx(gva, 1))) = gpa | P | RW | 4;
}

/* gpa -> hpa through the EPT: 4 references. Returns -1 on a violation. */
static inline int64_t ept(uint64_t gpa, uint64_t need, int *refs)
{
	uint64_t gfn = gpa >> 12, table = ept_root, perms = 7;
	for (int level = 4; level >= 1; level--) {
		uint64_t v = *entry(table + 8 * ((gfn >> (9 * (level - 1))) & 511));
		(*refs)++;
		if (!(v & 7))
			return -1;
		perms &= v;
		table = v & PFN_MASK;
	}
	if ((perms & need) != need)
		return -1;
	return (int64_t)(table | (gpa & 0xfff));
}

/* The 2-D walk: 4 guest entries, each located through the EPT, then the data gpa: 24 references. */
static int64_t translate(uint64_t cr3, uint64_t gva, int *refs)
{
	uint64_t table = cr3;
	for (int level = 4; level >= 1; level--) {
		int64_t h = ept(table + 8 * gidx(gva, level), EPT_R, refs);
		if (h < 0)
			return -1;
		uint64_t e = *entry((uint64_t)h);
		(*refs)++;
		if (!(e & P))
			return -1;
		table = e & PFN_MASK;
	}
	return ept(table | (gva & 0xfff), EPT_R, refs);
}

/* ---- the checked walk ---- */
#define PS (1ULL << 7)
#define US 4ULL
#define A_BIT (1ULL << 5)
#define XD (1ULL << 63)
#define MEMTYPE(v) (((v) >> 3) & 7)
#define RSVD_ADDR 0x7ff0000000000000ULL /* bits 62:52 with MAXPHYADDR 52 */

static uint64_t rsvd[6][2]; /* [level][ps], NXE on */
static uint64_t entry_hpa[5];
static int last_ept_writable;
struct result { int kind; uint64_t gpa, hpa; };

static void init_rsvd(void)
{
	for (int level = 1; level <= 5; level++)
		for (int ps = 0; ps < 2; ps++) {
			uint64_t m = RSVD_ADDR;
			if (level >= 4)
				m |= PS;
			else if (level == 3 && ps)
				m |= 0x3fffe000ULL;
			else if (level == 2 && ps)
				m |= 0x1fe000ULL;
			rsvd[level][ps] = m;
		}
}

static int64_t ept_checked(uint64_t gpa, uint64_t need, int *refs, struct result *r)
{
	uint64_t gfn = gpa >> 12, table = ept_root, perms = 7, all_a = EPT_A;
	for (int level = 4;; level--) {
		uint64_t ehpa = table + 8 * ((gfn >> (9 * (level - 1))) & 511);
		uint64_t v = *entry(ehpa);
		(*refs)++;
		entry_hpa[level - 1] = ehpa;
		int ps = (v & PS) != 0;
		if (!(v & 7) || (v & 3) == EPT_W || (ps && level >= 4)) {
			r->kind = (v & 7) ? 3 : 2;
			return -1;
		}
		perms &= v;
		all_a &= v;
		if (level == 1 || ps) {
			uint64_t mt = MEMTYPE(v);
			if (mt == 2 || mt == 3 || mt == 7) {
				r->kind = 3;
				return -1;
			}
			if ((perms & need) != need) {
				r->kind = 2;
				return -1;
			}
			if (!all_a || ((need & EPT_W) && !(v & EPT_D))) {
				for (int l = 4; l > level; l--)
					*entry(entry_hpa[l - 1]) |= EPT_A;
				*entry(entry_hpa[level - 1]) |= EPT_A | ((need & EPT_W) ? EPT_D : 0);
			}
			last_ept_writable = (perms & EPT_W) != 0;
			uint64_t span = 1ULL << (12 + 9 * (level - 1));
			return (int64_t)(((v & PFN_MASK) & -span) | (gpa & (span - 1)));
		}
		table = v & PFN_MASK;
	}
}

/* A supervisor read with CR0.WP, EFER.NXE on, SMEP/SMAP off, as the Java bench does. */
static int64_t translate_checked(uint64_t cr3, uint64_t gva, int *refs)
{
	struct result r = { 0, 0, 0 };
	if ((int64_t)(gva << 16) >> 16 != (int64_t)gva)
		return -1;
	uint64_t table = cr3, gpa = 0, ent[5], ent_hpa[5];
	int writable[5], walked = 0, all_user = 1, all_rw = 1, any_xd = 0;
	for (int level = 4; level >= 1; level--) {
		uint64_t egpa = table + 8 * gidx(gva, level);
		int64_t h = ept_checked(egpa, EPT_R | EPT_W, refs, &r); /* EPT A/D on: table accesses are writes */
		if (h < 0)
			return -1;
		uint64_t e = *entry((uint64_t)h);
		(*refs)++;
		ent[walked] = e;
		ent_hpa[walked] = (uint64_t)h;
		writable[walked] = last_ept_writable;
		walked++;
		if (!(e & P) || (e & rsvd[level][(e & PS) != 0]))
			return -1;
		all_user &= (e & US) != 0;
		all_rw &= (e & RW) != 0;
		any_xd |= (e & XD) != 0;
		if (level == 1 || ((level == 2 || level == 3) && (e & PS))) {
			uint64_t size = 1ULL << (12 + 9 * (level - 1));
			gpa = (e & PFN_MASK & -size) | (gva & (size - 1));
			break;
		}
		table = e & PFN_MASK;
	}
	(void)all_rw; /* a read: only a write or a fetch looks at R/W and XD */
	(void)any_xd;
	(void)all_user;
	for (int i = 0; i < walked; i++) {
		if (!(ent[i] & A_BIT)) {
			if (!writable[i])
				return -1;
			*entry(ent_hpa[i]) = ent[i] | A_BIT;
		}
	}
	return ept_checked(gpa, EPT_R, refs, &r);
}

static uint64_t rng = 88172645463325252ULL;
static uint64_t next_rand(void) { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng; }

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	int pages = argc > 1 ? atoi(argv[1]) : 4096;
	init_rsvd();
	rng ^= argc > 2 ? strtoull(argv[2], 0, 0) * 0x9e3779b97f4a7c15ULL : 0;
	pool_pages = 3ULL * pages + 64;
	slot_pages = pool_pages + pages + 1024;
	host_pages = slot_pages + slot_pages / 256 + 64;
	size_t bytes = host_pages * 4096;
	host = aligned_alloc(1 << 21, (bytes + (1 << 21) - 1) & ~((size_t)(1 << 21) - 1));
	madvise(host, bytes, MADV_HUGEPAGE);
	memset(host, 0, bytes);
	slot_base = next_hpfn;
	next_hpfn += slot_pages;
	ept_root = alloc_host_page() << 12;
	uint64_t cr3 = alloc_table();
	uint64_t data = (pool_pages + 1) << 12;
	uint64_t *gvas = malloc(sizeof(uint64_t) * pages);
	for (int i = 0; i < pages;) {
		uint64_t v = next_rand() & 0x0000fffffffff000ULL;
		if (v & (1ULL << 47))
			v |= 0xffff000000000000ULL; /* upper canonical half */
		int dup = 0;
		for (int j = 0; j < i && !dup; j++)
			dup = gvas[j] == v;
		if (dup)
			continue;
		gvas[i] = v;
		guest_map(cr3, v, data + ((uint64_t)i << 12));
		i++;
	}
	for (uint64_t gfn = 0; gfn < slot_pages; gfn++)
		ept_map(gfn);
	uint64_t *q = malloc(sizeof(uint64_t) * QUERIES);
	for (int i = 0; i < QUERIES; i++)
		q[i] = gvas[next_rand() % pages] | (next_rand() & 0xff8);
	for (int checked = 1; checked >= 0; checked--) {
		double rates[ROUNDS];
		for (int round = -WARMUP; round < ROUNDS; round++) {
			int refs = 0;
			uint64_t sum = 0;
			double t0 = now();
			if (checked)
				for (int i = 0; i < QUERIES; i++)
					sum += (uint64_t)translate_checked(cr3, q[i], &refs);
			else
				for (int i = 0; i < QUERIES; i++)
					sum += (uint64_t)translate(cr3, q[i], &refs);
			double t = now() - t0;
			if (refs != 24 * QUERIES) {
				fprintf(stderr, "expected 24 references per translation, got %.2f\n", (double)refs / QUERIES);
				return 1;
			}
			if (round >= 0)
				rates[round] = QUERIES / t;
			if (sum == 42)
				puts("");
		}
		qsort(rates, ROUNDS, sizeof(double), cmp);
		printf("C 2-D walk 4/4 (%s), %d mapped 4K pages (%llu guest table pages): median %.2f M translations/s "
		       "(min %.2f, max %.2f), 24 refs each\n", checked ? "checked" : "plain", pages,
		       (unsigned long long)pool_used, rates[ROUNDS / 2] / 1e6, rates[0] / 1e6, rates[ROUNDS - 1] / 1e6);
	}
	return 0;
}
