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

void exit_stats_summary2(const struct exit_stats *a, const struct exit_stats *b, char *buf, size_t len,
			 unsigned max, const char *(*name_of)(uint64_t code))
{
	bool shown[EXIT_STATS_SLOTS] = { false };
	size_t used = 0;

	if (len)
		buf[0] = '\0';
	/* Selection by repeated maximum: max is small and so are the slots. */
	for (unsigned n = 0; n < max && used < len; n++) {
		unsigned best = EXIT_STATS_SLOTS;
		for (unsigned i = 0; i < EXIT_STATS_SLOTS; i++)
			if (!shown[i] && count2(a, b, i) &&
			    (best == EXIT_STATS_SLOTS || count2(a, b, i) > count2(a, b, best)))
				best = i;
		if (best == EXIT_STATS_SLOTS)
			break;
		shown[best] = true;
		const char *name = best == EXIT_STATS_SLOTS - 1 ? "other" : name_of(exit_stats_code(best));
		used += (size_t)hv_snprintf(buf + used, len - used, "%s%s %llu", n ? ", " : "", name,
					    (unsigned long long)count2(a, b, best));
	}
}

void exit_stats_summary(const struct exit_stats *s, char *buf, size_t len, unsigned max,
			const char *(*name_of)(uint64_t code))
{
	exit_stats_summary2(s, NULL, buf, len, max, name_of);
}
