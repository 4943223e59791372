/* hv/exit_stats.h - Per-vCPU exit counters: how many exits of each reason,
 * and the host cycles each cost from #VMEXIT to the next VMRUN (sum, max).
 * Counting is a few adds on the exit path; no allocation, lock or print.
 * Pure logic: host-tested. */
#ifndef HV_EXIT_STATS_H
#define HV_EXIT_STATS_H

#include "lib/types.h"

/* Exit codes 0x00-0xa7 map to themselves, 0x400-0x403 (NPF, AVIC, VMGEXIT)
 * follow, and every other code shares the last slot. */
#define EXIT_STATS_DIRECT 0xa8
#define EXIT_STATS_SLOTS  (EXIT_STATS_DIRECT + 4 + 1)

struct exit_stat {
	uint64_t count;
	uint64_t cycles;        /* sum */
	uint64_t max_cycles;
};

struct exit_stats {
	struct exit_stat slot[EXIT_STATS_SLOTS];
	uint64_t total;
};

static inline unsigned exit_stats_slot(uint64_t exit_code)
{
	if (exit_code < EXIT_STATS_DIRECT)
		return (unsigned)exit_code;
	if (exit_code >= 0x400 && exit_code < 0x404)
		return EXIT_STATS_DIRECT + (unsigned)(exit_code - 0x400);
	return EXIT_STATS_SLOTS - 1;
}
/* The exit code a slot counts (the first code, for the shared last slot). */
uint64_t exit_stats_code(unsigned slot);

static inline void exit_stats_add(struct exit_stats *s, uint64_t exit_code, uint64_t cycles)
{
	struct exit_stat *e = &s->slot[exit_stats_slot(exit_code)];
	e->count++;
	e->cycles += cycles;
	if (cycles > e->max_cycles)
		e->max_cycles = cycles;
	s->total++;
}

/* Adds src's counts and cycles to dst (maxima: the larger). */
void exit_stats_merge(struct exit_stats *dst, const struct exit_stats *src);
void exit_stats_clear(struct exit_stats *s);

/* The slots that counted exits, busiest first (by a's counts plus b's; b
 * may be NULL), at most max of them into order[]; returns how many. */
unsigned exit_stats_busiest(const struct exit_stats *a, const struct exit_stats *b, unsigned *order,
			    unsigned max);
/* A slot's name: name_of(its exit code), or "other" for the shared slot. */
const char *exit_stats_slot_name(unsigned slot, const char *(*name_of)(uint64_t code));

/* Formats "IOIO 120, CPUID 3, HLT 1" (busiest first, at most `max` reasons)
 * into buf; names come from name_of(exit_code). */
void exit_stats_summary(const struct exit_stats *s, char *buf, size_t len, unsigned max,
			const char *(*name_of)(uint64_t code));
/* The same for the sum of a and b (b may be NULL): a VM's counts before and
 * since its last reset, without merging them. */
void exit_stats_summary2(const struct exit_stats *a, const struct exit_stats *b, char *buf, size_t len,
			 unsigned max, const char *(*name_of)(uint64_t code));

#endif
