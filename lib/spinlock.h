/* lib/spinlock.h - A test-and-test-and-set lock for the few places CPUs
 * share: the console, the page-frame allocator. Interrupts are off in the
 * hypervisor, so a holder is never preempted; waiters PAUSE. */
#ifndef LIB_SPINLOCK_H
#define LIB_SPINLOCK_H

#include "lib/types.h"

struct spinlock { volatile uint32_t locked; };

static inline void spin_lock(struct spinlock *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			__builtin_ia32_pause();
}

static inline void spin_unlock(struct spinlock *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

#endif
