/*
 * A minimal unit test harness: each CHECK prints "ok" or "FAIL" with its
 * place, and unit_done() makes the exit status count the failures.
 */

#ifndef UNIT_H
#define UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_failures;
static int unit_checks;

#define CHECK(cond) do {						\
	unit_checks++;							\
	if (cond)							\
		printf("ok   %s:%d: %s\n", __FILE__, __LINE__, #cond);	\
	else {								\
		unit_failures++;					\
		printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);	\
	}								\
} while (0)

#define CHECK_STR(a, b) do {						\
	const char *unit_a = (a), *unit_b = (b);			\
	unit_checks++;							\
	if (unit_a != NULL && unit_b != NULL &&				\
	    strcmp(unit_a, unit_b) == 0)				\
		printf("ok   %s:%d: %s == \"%s\"\n", __FILE__, __LINE__,	\
		    #a, unit_b);					\
	else {								\
		unit_failures++;					\
		printf("FAIL %s:%d: %s: got \"%s\", want \"%s\"\n",	\
		    __FILE__, __LINE__, #a,				\
		    unit_a ? unit_a : "(null)",				\
		    unit_b ? unit_b : "(null)");			\
	}								\
} while (0)

static inline int
unit_done(void)
{
	printf("%d checks, %d failed\n", unit_checks, unit_failures);
	return (unit_failures == 0 ? 0 : 1);
}

#endif /* UNIT_H */
