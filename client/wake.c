/*
 * Copyright (c) 2026 The limpet authors
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

#include <time.h>

#include "limpet.h"

/*
 * Noticing that the machine slept or that limpet was frozen. Nothing tells
 * a process that the laptop was suspended; but the clock that counts
 * suspended time (Linux CLOCK_BOOTTIME) runs ahead of the one that does
 * not (CLOCK_MONOTONIC) by exactly the time asleep, and a periodic check
 * that comes far later than asked means the process itself was stopped.
 * The clocks are passed in, so tests can play any story.
 */

static double
ts_diff(const struct timespec *a, const struct timespec *b)
{
	return ((double)(a->tv_sec - b->tv_sec) +
	    (double)(a->tv_nsec - b->tv_nsec) / 1e9);
}

void
wake_init(struct wake *w, const struct timespec *mono,
    const struct timespec *boot)
{
	w->last_mono = *mono;
	w->last_gap = ts_diff(boot, mono);
}

/*
 * Called from a check meant to run every interval seconds. Returns
 * WAKE_SLEPT when the machine was suspended since the last call,
 * WAKE_FROZEN when the check ran far too late (the process was stopped),
 * else WAKE_NONE.
 */
enum wake_event
wake_check(struct wake *w, const struct timespec *mono,
    const struct timespec *boot, double interval)
{
	double	gap = ts_diff(boot, mono), late;
	enum wake_event	ev = WAKE_NONE;

	late = ts_diff(mono, &w->last_mono) - interval;
	if (gap - w->last_gap > WAKE_SLEEP_MIN)
		ev = WAKE_SLEPT;
	else if (late > WAKE_LATE_MIN)
		ev = WAKE_FROZEN;
	w->last_mono = *mono;
	w->last_gap = gap;
	return (ev);
}

/* The two clocks, where the system has them. */
void
wake_clocks(struct timespec *mono, struct timespec *boot)
{
	clock_gettime(CLOCK_MONOTONIC, mono);
#ifdef CLOCK_BOOTTIME
	if (clock_gettime(CLOCK_BOOTTIME, boot) == 0)
		return;
#endif
	*boot = *mono;
}
