/* lib/types.h - Basic types shared by every module, host-buildable.
 * Physical and virtual addresses get their own names so a signature says
 * which address space it works in (hpa = host physical, hva = host virtual). */
#ifndef LIB_TYPES_H
#define LIB_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t hpa_t;   /* host physical address */
typedef uint64_t hva_t;   /* host virtual address */
typedef uint64_t gpa_t;   /* guest physical address */

#define BIT(n)           (1ull << (n))
#define ARRAY_SIZE(a)    (sizeof(a) / sizeof((a)[0]))
#define ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a) - 1))
#define ALIGN_UP(x, a)   ALIGN_DOWN((x) + (uint64_t)(a) - 1, (a))
#define IS_ALIGNED(x, a) (((x) & ((uint64_t)(a) - 1)) == 0)
#define MIN(a, b)        ((a) < (b) ? (a) : (b))
#define MAX(a, b)        ((a) > (b) ? (a) : (b))

#define KiB (1ull << 10)
#define MiB (1ull << 20)
#define GiB (1ull << 30)

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1ull << PAGE_SHIFT)

#define __packed   __attribute__((packed))
#define __noreturn __attribute__((noreturn))
#define __printf(f, a) __attribute__((format(printf, f, a)))
#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#endif
