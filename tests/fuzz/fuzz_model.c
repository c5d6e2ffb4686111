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
 * The terminal model, fed in random chunks, against a model fed the same
 * chunks that leaves all text to libvterm: the rows, the cursor and the
 * rows pushed into the history must be the same after every chunk. The
 * first two bytes pick the size, small so that wrapping and scrolling
 * come often.
 *
 * Only output whose non-ASCII bytes make whole UTF-8 characters, never
 * split between chunks, is compared: libvterm keeps an unfinished one
 * in whichever decoder it was given to, and which that is depends on
 * where its input was cut, so the two would differ in where the U+FFFD
 * of a broken character shows. Any other input is still fed, for memory
 * safety alone.
 */

/* The length of the UTF-8 character at p, or 0 if it is broken. */
static size_t
utf8_length(const uint8_t *p, size_t left)
{
	size_t	n, i;

	if (*p < 0x80)
		return (1);
	if (*p >= 0xc2 && *p <= 0xdf)
		n = 2;
	else if (*p >= 0xe0 && *p <= 0xef)
		n = 3;
	else if (*p >= 0xf0 && *p <= 0xf4)
		n = 4;
	else
		return (0);
	if (n > left)
		return (0);
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return (0);
	}
	return (n);
}

static void
same(struct model *a, struct model *b, int rows)
{
	char	*ra, *rb;
	int	 row, arow, acol, brow, bcol;

	for (row = 0; row < rows; row++) {
		ra = model_row_text(a, row);
		rb = model_row_text(b, row);
		if (strcmp(ra, rb) != 0)
			abort();
		free(ra);
		free(rb);
	}
	model_cursor(a, &arow, &acol);
	model_cursor(b, &brow, &bcol);
	if (arow != brow || acol != bcol ||
	    model_pushed(a) != model_pushed(b))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct model	*direct, *slow;
	struct fuzz_rng	 r;
	size_t		 off, chunk, n;
	int		 rows, cols, whole = 1;

	if (size < 2)
		return (0);
	rows = 1 + data[0] % 12;
	cols = 2 + data[1] % 40;
	data += 2;
	size -= 2;

	for (off = 0; off < size; off += n) {
		if ((n = utf8_length(data + off, size - off)) == 0) {
			whole = 0;
			break;
		}
	}

	direct = model_new(rows, cols);
	slow = model_new(rows, cols);
	model_direct(slow, 0);
	fuzz_rng_init(&r, data, size);
	for (off = 0; off < size; off += chunk) {
		chunk = fuzz_rng_chunk(&r, size - off);
		while (whole && off + chunk < size &&
		    (data[off + chunk] & 0xc0) == 0x80)
			chunk++;
		model_feed(direct, (const char *)data + off, chunk);
		model_feed(slow, (const char *)data + off, chunk);
		if (whole)
			same(direct, slow, rows);
	}
	model_free(direct);
	model_free(slow);
	return (0);
}
