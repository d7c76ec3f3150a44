/* SPDX-License-Identifier: MIT */
/* What the indicator sets share (strset.c, ipset.c, indicators.c). */
#ifndef KZ_MATCH_INT_H
#define KZ_MATCH_INT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>

#define MATCH_HUGE_PAGE ((size_t)2 << 20)

/*
 * Asks for huge pages under a large array that is about to be filled. A
 * million indicators fill tens of MiB, and taking a page fault for every
 * 4 KiB of it is a good part of the load, the more so in a virtual
 * machine. Only the 2 MiB-aligned inside of the block can be advised; the
 * kernel is free to ignore the advice.
 */
static inline void
match_advise_huge(void *p, size_t len)
{
#if defined(MADV_HUGEPAGE)
	const uintptr_t huge = MATCH_HUGE_PAGE;
	uintptr_t a = ((uintptr_t)p + huge - 1) & ~(huge - 1);
	uintptr_t e = ((uintptr_t)p + len) & ~(huge - 1);

	if (p && e > a)
		madvise((void *)a, e - a, MADV_HUGEPAGE);
#else
	(void)p;
	(void)len;
#endif
}

/*
 * kz_ip_parse4() the way a machine without SSSE3 takes (x86-64 only):
 * the unit tests hold the two against each other.
 */
int match_ip_parse4_sse2(uint32_t *out, const char *s, size_t len);

#endif
