/* hv/exit_stats.c - Exit counter slots and their summary line. */
#include "hv/exit_stats.h"
#include "lib/printf.h"

#define NPF_CODE 0x400u

uint64_t exit_stats_code(unsigned slot)
{
	if (slot < EXIT_STATS_DIRECT)
		return slot;
	if (slot < EXIT_STATS_DIRECT + 4)
		return NPF_CODE + (slot - EXIT_STATS_DIRECT);
	return ~0ull;
}

void exit_stats_merge(struct exit_stats *dst, const struct exit_stats *src)
{
	for (unsigned i = 0; i < EXIT_STATS_SLOTS; i++) {
		dst->slot[i].count += src->slot[i].count;
		dst->slot[i].cycles += src->slot[i].cycles;
		if (src->slot[i].max_cycles > dst->slot[i].max_cycles)
			dst->slot[i].max_cycles = src->slot[i].max_cycles;
	}
	dst->total += src->total;
}

void exit_stats_clear(struct exit_stats *s)
{
	for (unsigned i = 0; i < EXIT_STATS_SLOTS; i++)
		s->slot[i] = (struct exit_stat){ 0, 0, 0 };
	s->total = 0;
}

static uint64_t count2(const struct exit_stats *a, const struct exit_stats *b, unsigned i)
{
	return a->slot[i].count + (b ? b->slot[i].count : 0);
}

unsigned exit_stats_busiest(const struct exit_stats *a, const struct exit_stats *b, unsigned *order,
			    unsigned max)
{
	bool taken[EXIT_STATS_SLOTS] = { false };
	unsigned n = 0;

	/* Selection by repeated maximum: the slots are few, and callers show
	 * only the busiest handful or print as they go. */
	for (; n < max; n++) {
		unsigned best = EXIT_STATS_SLOTS;
		for (unsigned i = 0; i < EXIT_STATS_SLOTS; i++)
			if (!taken[i] && count2(a, b, i) &&
			    (best == EXIT_STATS_SLOTS || count2(a, b, i) > count2(a, b, best)))
				best = i;
		if (best == EXIT_STATS_SLOTS)
			break;
		taken[best] = true;
		order[n] = best;
	}
	return n;
}

const char *exit_stats_slot_name(unsigned slot, const char *(*name_of)(uint64_t code))
{
	return slot == EXIT_STATS_SLOTS - 1 ? "other" : name_of(exit_stats_code(slot));
}

void exit_stats_summary2(const struct exit_stats *a, const struct exit_stats *b, char *buf, size_t len,
			 unsigned max, const char *(*name_of)(uint64_t code))
{
	unsigned order[EXIT_STATS_SLOTS];
	unsigned n = exit_stats_busiest(a, b, order, max < EXIT_STATS_SLOTS ? max : EXIT_STATS_SLOTS);
	size_t used = 0;

	if (len)
		buf[0] = '\0';
	for (unsigned i = 0; i < n && used < len; i++)
		used += (size_t)hv_snprintf(buf + used, len - used, "%s%s %llu", i ? ", " : "",
					    exit_stats_slot_name(order[i], name_of),
					    (unsigned long long)count2(a, b, order[i]));
}

void exit_stats_summary(const struct exit_stats *s, char *buf, size_t len, unsigned max,
			const char *(*name_of)(uint64_t code))
{
	exit_stats_summary2(s, NULL, buf, len, max, name_of);
}
