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

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "limpet.h"
#include "tests/fuzz/fuzz.h"

/*
 * The output stream scanner, fed in random chunks. Two properties are
 * checked beside memory safety: without the alternate screen filter the
 * scanner passes every byte through unchanged (what is still held counts),
 * and with it the result does not depend on how the stream was chunked.
 * The output buffers are exactly as large as modes_feed promises to need.
 */

static size_t
feed(struct modes *m, const uint8_t *data, size_t size, struct fuzz_rng *r,
    char *all)
{
	char	*out;
	size_t	 off = 0, chunk, n, total = 0;

	while (off < size) {
		chunk = (r == NULL) ? size - off : fuzz_rng_chunk(r, size - off);
		out = malloc(chunk + MODES_HOLD_MAX);
		n = modes_feed(m, (const char *)data + off, chunk, out);
		if (n > chunk + MODES_HOLD_MAX)
			abort();
		memcpy(all + total, out, n);
		total += n;
		free(out);
		off += chunk;
	}
	return (total);
}

static void
reset(struct modes *m, size_t len)
{
	char	*buf;
	size_t	 n;

	buf = malloc(len + 1);
	n = modes_reset(m, buf, len);
	if (len > 0 && (n >= len || buf[n] != '\0'))
		abort();
	if (m->on != 0 || m->kitty_depth != 0)
		abort();
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct modes	 m;
	struct fuzz_rng	 r;
	char		*whole, *chunked;
	size_t		 nwhole, nchunked, resetlen;

	if (size < 1)
		return (0);
	resetlen = data[0];
	data++;
	size--;
	whole = malloc(size + MODES_HOLD_MAX);
	chunked = malloc(size + MODES_HOLD_MAX);

	/* Unfiltered: output and what is held add up to the input. */
	fuzz_rng_init(&r, data, size);
	modes_init(&m, 0);
	nchunked = feed(&m, data, size, &r, chunked);
	if (nchunked + m.nheld != size || memcmp(chunked, data,
	    nchunked) != 0 || memcmp(m.held, data + nchunked, m.nheld) != 0)
		abort();
	reset(&m, resetlen);

	/* Filtered: the same result however the stream arrives. */
	modes_init(&m, 1);
	nwhole = feed(&m, data, size, NULL, whole);
	reset(&m, sizeof (char[256]));
	modes_init(&m, 1);
	nchunked = feed(&m, data, size, &r, chunked);
	if (nwhole != nchunked || memcmp(whole, chunked, nwhole) != 0)
		abort();
	reset(&m, resetlen);

	/* A scanner reset mid-sequence keeps working. */
	nchunked = feed(&m, data, size, &r, chunked);
	reset(&m, 0);

	free(chunked);
	free(whole);
	return (0);
}
