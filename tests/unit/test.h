/* tests/unit/test.h - The unit-test harness: EXPECT_* and a failure count.
 * Each tests/unit/test_*.c is one host program built with ASan+UBSan; it
 * lists its cases with RUN(); the runner prints "ok NAME" or the failing
 * expectation, and the program's exit status is non-zero on any failure. */
#ifndef TESTS_UNIT_TEST_H
#define TESTS_UNIT_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int test_failures;
static int test_case_failed;
static int test_cases_run;

#define EXPECT_TRUE(c) do { if (!(c)) { test_case_failed = 1; \
	fprintf(stderr, "  %s:%d: expected %s\n", __FILE__, __LINE__, #c); } } while (0)
#define EXPECT_EQ(a, b) do { unsigned long long _a = (unsigned long long)(a), _b = (unsigned long long)(b); \
	if (_a != _b) { test_case_failed = 1; fprintf(stderr, "  %s:%d: %s == %s: 0x%llx != 0x%llx\n", \
	__FILE__, __LINE__, #a, #b, _a, _b); } } while (0)
#define EXPECT_STREQ(a, b) do { const char *_a = (a), *_b = (b); \
	if (!_a || !_b || strcmp(_a, _b) != 0) { test_case_failed = 1; fprintf(stderr, \
	"  %s:%d: %s == %s: \"%s\" != \"%s\"\n", __FILE__, __LINE__, #a, #b, _a ? _a : "(null)", _b ? _b : "(null)"); } } while (0)

#define RUN(fn) do { test_case_failed = 0; test_cases_run++; fn(); \
	if (test_case_failed) { test_failures++; printf("FAIL %s\n", #fn); } else printf("ok %s\n", #fn); } while (0)

#define TEST_MAIN_END() do { printf("%d cases, %d failed\n", test_cases_run, test_failures); \
	return test_failures != 0; } while (0)

#endif
