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
 * The escape recogniser over typed input, fed in random chunks. The
 * output buffer is exactly the len + 1 bytes escape_feed asks for. The
 * bytes sent and the actions taken must not depend on the chunking, and
 * with no escape character everything passes through.
 */

struct result {
	char	*out;
	size_t	 nout;
	char	 acts[4096];
	size_t	 nacts;
};

static void
run(int ch, const uint8_t *data, size_t size, struct fuzz_rng *r,
    struct result *res)
{
	struct escape		 e;
	enum escape_action	 a;
	char			*out;
	size_t			 off = 0, chunk, used, n;

	escape_init(&e, ch);
	res->nout = res->nacts = 0;
	while (off < size) {
		chunk = (r == NULL) ? size - off : fuzz_rng_chunk(r, size - off);
		out = malloc(chunk + 1);
		used = escape_feed(&e, (const char *)data + off, chunk, out, &n,
		    &a);
		if (used == 0 || used > chunk || n > chunk + 1)
			abort();
		if (a != ESCAPE_ACT_NONE && res->nacts < sizeof res->acts)
			res->acts[res->nacts++] = (char)a;
		memcpy(res->out + res->nout, out, n);
		res->nout += n;
		free(out);
		off += used;
	}
	if (escape_help(&e) == NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int chars[] = { '~', 0x1d, ESCAPE_NONE, 0x7f, 0 };
	struct result	 whole, chunked;
	struct fuzz_rng	 r;
	int		 ch;
	char		 name[8];

	if (size < 1)
		return (0);
	ch = chars[data[0] % (sizeof chars / sizeof chars[0])];
	if (data[0] >= 0xf0)
		ch = data[0] & 0x0f;
	data++;
	size--;
	if (ch != ESCAPE_NONE)
		escape_name(ch, name, sizeof name);

	whole.out = malloc(size + 1);
	chunked.out = malloc(size + 1);
	fuzz_rng_init(&r, data, size);
	run(ch, data, size, NULL, &whole);
	run(ch, data, size, &r, &chunked);
	if (whole.nout != chunked.nout ||
	    memcmp(whole.out, chunked.out, whole.nout) != 0 ||
	    whole.nacts != chunked.nacts ||
	    memcmp(whole.acts, chunked.acts, whole.nacts) != 0)
		abort();
	if (ch == ESCAPE_NONE && (whole.nout != size ||
	    memcmp(whole.out, data, size) != 0))
		abort();
	free(chunked.out);
	free(whole.out);
	return (0);
}
