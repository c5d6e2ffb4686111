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

#include <stdlib.h>
#include <string.h>

#include <vterm.h>

#include "limpet.h"
#include "tests/unit/unit.h"

/*
 * The model's text against libvterm's own screen layer, fed the same
 * bytes: after each piece of output every row must read the same, and the
 * rows scrolled into the history must be as many.
 */

#define ROWS	8
#define COLS	20

static int	 pushed;

static int
ref_push(int cols, const VTermScreenCell *cells, void *arg)
{
	pushed++;
	return (1);
}

static const VTermScreenCallbacks ref_callbacks = {
	.sb_pushline = ref_push
};

static const char *const pieces[] = {
	"plain\r\nlines\r\n",
	"a line longer than twenty columns wraps onto the next\r\n",
	"1\r\n2\r\n3\r\n4\r\n5\r\n6\r\n7\r\n8\r\n9\r\n10\r\n",
	"\033[2;6r\033[6;1Hin region\n\n\n\033[r",		/* region scroll */
	"\033[1;7r\033[7;1H\n\n\033[r",			/* from the top */
	"\033[3;1H\033M\033M\033M\033[H\033M",		/* reverse index */
	"\033[4;1H\033[2L\033[1M",			/* insert, delete */
	"\033[5;3Habcdef\033[5;4H\033[2@\033[3P",	/* chars */
	"\033[6;5H\033[1K\033[7;5H\033[K\033[2;2H\033[1J",	/* erases */
	"\033[8;1H\xe6\xbc\xa2\xe5\xad\x97 wide \xe2\x82\xac\r\n",
	"\033[3;1H\033[2S\033[1T",			/* SU, SD */
	"\033[H\033[J",
	"x\r\ny\r\n",
};

static void
compare(struct model *m, VTermScreen *ref, const char *what)
{
	VTermRect	 rect;
	char		 want[COLS * 4 + 1], *got;
	size_t		 n;
	int		 row, same = 1;

	for (row = 0; row < ROWS; row++) {
		rect.start_row = row;
		rect.end_row = row + 1;
		rect.start_col = 0;
		rect.end_col = COLS;
		n = vterm_screen_get_text(ref, want, sizeof want - 1, rect);
		while (n > 0 && want[n - 1] == ' ')
			n--;
		want[n] = '\0';
		got = model_row_text(m, row);
		if (strcmp(got, want) != 0) {
			printf("# after %s, row %d: model \"%s\", libvterm "
			    "\"%s\"\n", what, row, got, want);
			same = 0;
		}
		free(got);
	}
	CHECK(same);
	CHECK(model_pushed(m) == (unsigned int)pushed);
}

/*
 * A sequence of more parameters than libvterm holds: the model keeps the
 * first ones, as if the rest had not been sent, and survives.
 */
static void
many_parameters(void)
{
	struct model	*m = model_new(ROWS, COLS), *ref = model_new(ROWS, COLS);
	char		 buf[1024], *a, *b;
	int		 i, n = 0, r = 0, row, col, rrow, rcol;

	n += snprintf(buf + n, sizeof buf - (size_t)n, "\033[");
	for (i = 0; i < 40; i++)
		n += snprintf(buf + n, sizeof buf - (size_t)n, "%d;",
		    1094795585 + i);
	n += snprintf(buf + n, sizeof buf - (size_t)n, "2Hfurther text");
	model_feed(m, buf, (size_t)n);
	n = snprintf(buf, sizeof buf, "\033[1094795585");
	for (i = 1; i < 16; i++)
		n += snprintf(buf + n, sizeof buf - (size_t)n, ";%d",
		    1094795585 + i);
	n += snprintf(buf + n, sizeof buf - (size_t)n, "Hfurther text");
	model_feed(ref, buf, (size_t)n);
	for (row = 0; row < ROWS; row++) {
		a = model_row_text(m, row);
		b = model_row_text(ref, row);
		if (strcmp(a, b) == 0)
			r++;
		free(a);
		free(b);
	}
	CHECK(r == ROWS);
	model_cursor(m, &row, &col);
	model_cursor(ref, &rrow, &rcol);
	CHECK(row == rrow && col == rcol);
	model_free(m);
	model_free(ref);
}

int
main(void)
{
	struct model	*m = model_new(ROWS, COLS);
	VTerm		*vt = vterm_new(ROWS, COLS);
	VTermScreen	*ref;
	size_t		 i;
	char		 what[32];
	int		 row, col;

	vterm_set_utf8(vt, 1);
	ref = vterm_obtain_screen(vt);
	vterm_screen_set_callbacks(ref, &ref_callbacks, NULL);
	vterm_screen_reset(ref, 1);

	for (i = 0; i < sizeof pieces / sizeof pieces[0]; i++) {
		model_feed(m, pieces[i], strlen(pieces[i]));
		vterm_input_write(vt, pieces[i], strlen(pieces[i]));
		snprintf(what, sizeof what, "piece %zu", i);
		compare(m, ref, what);
	}

	/* Narrower, then wider: what fits stays. */
	model_feed(m, "0123456789abcdefghij", 20);
	vterm_input_write(vt, "0123456789abcdefghij", 20);
	model_resize(m, ROWS, 10);
	vterm_set_size(vt, ROWS, 10);
	model_resize(m, ROWS, COLS);
	vterm_set_size(vt, ROWS, COLS);
	compare(m, ref, "resize");
	model_cursor(m, &row, &col);
	CHECK(row >= 0 && row < ROWS && col >= 0 && col < COLS);

	model_free(m);
	vterm_free(vt);

	many_parameters();
	return (unit_done());
}
