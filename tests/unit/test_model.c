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

/* Where the rows differ, or -1; want and got are filled for a report. */
static int
differ(struct model *m, VTermScreen *ref, int rows, int cols, char *want,
    size_t size, char **got)
{
	VTermRect	 rect;
	size_t		 n;
	int		 row;

	for (row = 0; row < rows; row++) {
		rect.start_row = row;
		rect.end_row = row + 1;
		rect.start_col = 0;
		rect.end_col = cols;
		n = vterm_screen_get_text(ref, want, size - 1, rect);
		while (n > 0 && want[n - 1] == ' ')
			n--;
		want[n] = '\0';
		*got = model_row_text(m, row);
		if (strcmp(*got, want) != 0)
			return (row);
		free(*got);
	}
	*got = NULL;
	return (-1);
}

static void
compare(struct model *m, VTermScreen *ref, const char *what)
{
	char		 want[COLS * 4 + 1], *got;
	int		 row;

	row = differ(m, ref, ROWS, COLS, want, sizeof want, &got);
	if (row != -1) {
		printf("# after %s, row %d: model \"%s\", libvterm "
		    "\"%s\"\n", what, row, got, want);
		free(got);
	}
	CHECK(row == -1);
	CHECK(model_pushed(m) == (unsigned int)pushed);
}

/*
 * Output made of pieces picked at random: text of every length, which the
 * model puts in itself, among what changes how text lands (character
 * sets, insert mode, margins, double-width rows, wrapping off, regions)
 * and what the parser must follow (strings, cancelled and broken
 * sequences, controls inside them).
 */
static const char *const mix[] = {
	"\r\n", "\n", "\r", "\t", "\b", "\033[K", "\033[1J", "\033[J",
	"\033[2J", "\033[H", "\033[3;7H", "\033[;15H", "\033[5G", "\033[2A",
	"\033(0", "\033(B", "\033)0", "\033)B", "\033*A", "\033+0", "\016",
	"\017", "\033n", "\033o", "\033N", "\033O", "\033c",
	"\033[4h", "\033[4l", "\033[?7l", "\033[?7h", "\033#6", "\033#3",
	"\033#5", "\033#8", "\033[?69h", "\033[?69l", "\033[3;12s",
	"\033[?6h", "\033[?6l", "\033[2;5r", "\033[r", "\033[1;4r",
	"\033]0;a title, not text\007", "\033]2;another\033\\",
	"\033Pq#0;1;2\033\\", "\033_not shown?\033\\", "\033[1\030abc",
	"\033[2\n;3H", "\033[1?2hxyz", "\033 F", "\033[?1;69h",
	"\033[?69;1h", "\033[?2147483717h", "\033[?69:1h", "\033[>69h",
	"\033[?69$h", "\0337", "\0338", "\033[s", "\033[u", "\033[3L",
	"\033[2M", "\033[4@", "\033[3P", "\033[2X", "\033[3S", "\033[2T",
	"\033D", "\033E", "\033M", "\033[31;1mred\033[m", "\xc3\xa9",
	"\xe6\xbc\xa2", "e\xcc\x81", "\xcc\x81", "\033[6n", "\033[!p",
	"\177", "\000", "\033[1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1m", "\xc3",
	"\xe6\xbc", "\r\xc3", "\r\xe6\xbc",
};

static uint32_t	 seed = 4711;

static uint32_t
next(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 17;
	seed ^= seed << 5;
	return (seed);
}

/*
 * Feed the same random output, in random pieces, to a model and to either
 * libvterm's screen (ref) or a model that leaves all text to libvterm
 * (slow): the rows, the cursor and the history must agree after each.
 */
static int
random_mix(int rows, int cols, int count, int against_ref)
{
	struct model	*m = model_new(rows, cols), *slow = NULL;
	VTerm		*vt = NULL;
	VTermScreen	*ref = NULL;
	VTermPos	 pos;
	char		*buf, want[512], *got;
	const char	*piece;
	size_t		 len = 0, size = 1 << 20, i, n, chunk;
	int		 k, row, col, bad = 0;
	unsigned int	 history;

	if (against_ref) {
		vt = vterm_new(rows, cols);
		vterm_set_utf8(vt, 1);
		ref = vterm_obtain_screen(vt);
		vterm_screen_set_callbacks(ref, &ref_callbacks, NULL);
		vterm_screen_reset(ref, 1);
	} else {
		slow = model_new(rows, cols);
		model_direct(slow, 0);
	}
	pushed = 0;

	buf = malloc(size);
	for (k = 0; k < count && len + 512 < size; k++) {
		if (next() % 2 == 0) {
			n = next() % (size_t)(cols * 3);
			for (i = 0; i < n; i++)
				buf[len++] = (char)(0x20 + next() % 0x5f);
			continue;
		}
		piece = mix[next() % (sizeof mix / sizeof mix[0])];
		n = piece[0] == '\0' ? 1 : strlen(piece);
		/* libvterm's screen keeps what the model leaves out. */
		if (against_ref && (strstr(piece, "\xcc\x81") != NULL ||
		    strcmp(piece, "\033#3") == 0 ||
		    strcmp(piece, "\033#6") == 0))
			continue;
		memcpy(buf + len, piece, n);
		len += n;
	}

	/* The same pieces to both, never splitting a UTF-8 character. */
	for (i = 0; i < len && !bad; i += chunk) {
		chunk = 1 + next() % 300;
		if (chunk > len - i)
			chunk = len - i;
		while (i + chunk < len &&
		    ((unsigned char)buf[i + chunk] & 0xc0) == 0x80)
			chunk++;
		model_feed(m, buf + i, chunk);
		if (against_ref) {
			vterm_input_write(vt, buf + i, chunk);
			row = differ(m, ref, rows, cols, want, sizeof want,
			    &got);
			vterm_state_get_cursorpos(vterm_obtain_state(vt),
			    &pos);
			history = (unsigned int)pushed;
		} else {
			model_feed(slow, buf + i, chunk);
			got = NULL;
			for (row = 0; row < rows; row++) {
				got = model_row_text(m, row);
				piece = model_row_text(slow, row);
				snprintf(want, sizeof want, "%s", piece);
				free((char *)piece);
				if (strcmp(got, want) != 0)
					break;
				free(got);
				got = NULL;
			}
			if (row == rows)
				row = -1;
			model_cursor(slow, &pos.row, &pos.col);
			history = model_pushed(slow);
		}
		model_cursor(m, &k, &col);
		if (row != -1) {
			printf("# %dx%d, at byte %zu, row %d: \"%s\", want "
			    "\"%s\"\n", rows, cols, i + chunk, row, got, want);
			free(got);
			bad = 1;
		} else if (k != pos.row || col != pos.col ||
		    model_pushed(m) != history) {
			printf("# %dx%d, at byte %zu: cursor %d,%d, want %d,%d; "
			    "history %u, want %u\n", rows, cols, i + chunk, k,
			    col, pos.row, pos.col, model_pushed(m), history);
			bad = 1;
		}
	}
	free(buf);
	model_free(m);
	model_free(slow);
	if (vt != NULL)
		vterm_free(vt);
	return (!bad);
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

/*
 * Strings whose ESC \ comes apart, from one piece to the next or around
 * a control, each piece from a buffer of its own size (where reading past
 * it shows under valgrind): the text after them lands where it should.
 */
static void
split_string_end(void)
{
	static const struct {
		const char	*s;
		size_t		 len;
	} splits[] = {
		{ "ab\033]0;a title\033", 14 },
		{ "\\cd", 3 },
		{ "\033]2;t\033\000", 7 },
		{ "\\ef", 3 },
		{ "\033]2;t\033\007\\gh", 10 },
		{ "\033P1$r\033\\ij", 9 },
	};
	struct model	*m = model_new(ROWS, COLS);
	char		*buf, *row;
	size_t		 i;

	for (i = 0; i < sizeof splits / sizeof splits[0]; i++) {
		buf = malloc(splits[i].len);
		memcpy(buf, splits[i].s, splits[i].len);
		model_feed(m, buf, splits[i].len);
		free(buf);
	}
	row = model_row_text(m, 0);
	CHECK_STR(row, "abcdefghij");
	free(row);
	model_free(m);
}

/*
 * A character alone in its piece of output after an unfinished UTF-8 one
 * in G0's decoder: libvterm shows U+FFFD and the character, two code
 * points where it has room for one unless the model gives it more.
 */
static void
lone_character(void)
{
	struct model	*m = model_new(ROWS, COLS);
	char		*row;

	model_feed(m, "caf\xc3", 4);
	model_feed(m, "\r\n", 2);
	model_feed(m, "x", 1);
	row = model_row_text(m, 1);
	CHECK_STR(row, "\xef\xbf\xbdx");
	free(row);
	model_free(m);
}

/*
 * REP with nothing to repeat, or a character of no width, is dropped (it
 * would not end); after a character it repeats it, DECALN's E's aside.
 */
static void
repeat(void)
{
	struct model	*m = model_new(ROWS, COLS);
	char		*row;

	model_feed(m, "\033[3b", 4);
	model_feed(m, "\033#8\033[H\033[2J\033[3b", 14);
	model_feed(m, "x\033[3b\r\n", 7);
	model_feed(m, "\xe2\x80\x8b\033[2b.", 8);
	row = model_row_text(m, 0);
	CHECK_STR(row, "xxxx");
	free(row);
	row = model_row_text(m, 1);
	CHECK_STR(row, ".");
	free(row);
	model_free(m);
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
	split_string_end();
	lone_character();
	repeat();
	CHECK(random_mix(ROWS, COLS, 20000, 0));
	CHECK(random_mix(24, 80, 20000, 0));
	CHECK(random_mix(3, 7, 5000, 0));
	CHECK(random_mix(1, 2, 2000, 0));
	CHECK(random_mix(ROWS, COLS, 20000, 1));
	CHECK(random_mix(24, 80, 20000, 1));
	return (unit_done());
}
