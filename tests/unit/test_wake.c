/* Unit tests of the sleep and freeze detector (client/wake.c). */

#include <time.h>

#include "limpet.h"
#include "tests/unit/unit.h"

static struct timespec
at(double s)
{
	struct timespec	ts;

	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	return (ts);
}

int
main(void)
{
	struct wake	w;
	struct timespec	mono, boot;

	/* Boot time starts ahead of monotonic time by a constant. */
	mono = at(100.0);
	boot = at(150.0);
	wake_init(&w, &mono, &boot);

	/* On time, clocks in step: nothing. */
	mono = at(101.0);
	boot = at(151.0);
	CHECK(wake_check(&w, &mono, &boot, 1.0) == WAKE_NONE);
	/* A little late (a busy machine) is not a freeze. */
	mono = at(102.5);
	boot = at(152.5);
	CHECK(wake_check(&w, &mono, &boot, 1.0) == WAKE_NONE);

	/* Suspended 30 s: boot time ran on, monotonic time did not. */
	mono = at(103.5);
	boot = at(183.5);
	CHECK(wake_check(&w, &mono, &boot, 1.0) == WAKE_SLEPT);
	/* And afterwards, in step again: nothing more. */
	mono = at(104.5);
	boot = at(184.5);
	CHECK(wake_check(&w, &mono, &boot, 1.0) == WAKE_NONE);

	/* Stopped 20 s (SIGSTOP): both clocks ran, the check came late. */
	mono = at(125.0);
	boot = at(205.0);
	CHECK(wake_check(&w, &mono, &boot, 1.0) == WAKE_FROZEN);
	mono = at(126.0);
	boot = at(206.0);
	CHECK(wake_check(&w, &mono, &boot, 1.0) == WAKE_NONE);

	/* A sleep shorter than the threshold is ignored. */
	mono = at(127.0);
	boot = at(207.5);
	CHECK(wake_check(&w, &mono, &boot, 1.0) == WAKE_NONE);

	/* The real clocks: boot time never runs behind monotonic time. */
	wake_clocks(&mono, &boot);
	CHECK(boot.tv_sec > mono.tv_sec ||
	    (boot.tv_sec == mono.tv_sec && boot.tv_nsec >= mono.tv_nsec));

	return (unit_done());
}
