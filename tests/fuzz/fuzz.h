/*
 * Shared by the fuzz targets: a small deterministic generator seeded from
 * the input, so a crash found with one chunking replays exactly.
 */

#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int	LLVMFuzzerInitialize(int *, char ***);

struct fuzz_rng {
	uint32_t	 state;
};

static inline void
fuzz_rng_init(struct fuzz_rng *r, const uint8_t *data, size_t len)
{
	size_t	i;

	r->state = 2166136261U;
	for (i = 0; i < len; i++)
		r->state = (r->state ^ data[i]) * 16777619U;
	if (r->state == 0)
		r->state = 1;
}

/* A chunk length from 1 to max, small ones most often. */
static inline size_t
fuzz_rng_chunk(struct fuzz_rng *r, size_t max)
{
	uint32_t	x = r->state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	r->state = x;
	if (max == 0)
		return (0);
	if (x & 1)
		return (1 + (x >> 1) % (max < 8 ? max : 8));
	return (1 + (x >> 1) % max);
}

#endif /* FUZZ_H */
