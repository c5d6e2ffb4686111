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

/*
 * A model of the text on the user's terminal: libvterm's state machine
 * (escape sequences, cursor, scroll regions, modes) fed every byte limpet
 * writes there, over a grid of characters kept here.
 *
 * libvterm's own screen layer would do, but it moves every cell of the
 * screen on each line scrolled, which made relaying a flood of output a
 * dozen times dearer. Here rows are pointers: a scroll of the whole width
 * turns them round, and only what limpet needs is kept, the characters.
 *
 * Even so, libvterm's state spends most of its time on plain text, one
 * call per character. A run of printable ASCII is therefore put into the
 * grid here, and libvterm sees only its first two characters, a cursor
 * move over the rest of the row and its last character: the cursor, a
 * pending wrap and the character a combining one would join end up as if
 * it had seen them all. For that, libvterm's parser is followed byte by
 * byte, with what changes how it shows ASCII (the character sets) or
 * where the cursor move would stop (origin mode, left and right margins),
 * and the first two characters are watched as libvterm places them: if
 * anything else happens (insert mode, a double-width row, a single shift
 * to another set), the run goes to libvterm as it is, and so does a run
 * that follows a non-ASCII byte, which libvterm decodes with it. A run
 * followed by one leaves libvterm its last character to take with it.
 *
 * Following the parser also keeps from libvterm what it cannot take: a
 * control sequence of more than MODEL_ARGS_MAX parameters would overrun
 * its array of them (and the callbacks stored after it), so the excess
 * parameters are left out, as if they had not been sent; a string ended
 * by an ESC \ that comes apart would have it read past the input; a
 * lone character at the end of its input, after an unfinished UTF-8 one,
 * would have it write past an array on its stack; and a REP with no
 * character of some width to repeat would have it loop forever.
 */

#define MODEL_WIDE	((uint32_t)-1)	/* right half of a wide character */
#define MODEL_ARGS_MAX	16	/* libvterm's CSI_ARGS_MAX */
#define MODEL_ARG_MISSING 0x7fffffffUL	/* as libvterm marks it */
#define MODEL_RUN_MIN	8	/* shorter text is left to libvterm */
#define ESC		0x1b

/* Where libvterm's parser is, as its own states. */
enum model_parse {
	MP_NORMAL,
	MP_CSI_LEADER,
	MP_CSI_ARGS,
	MP_CSI_INTERMED,
	MP_ESC,
	MP_STRING,
	MP_ESC_STRING
};

struct model {
	VTerm		 *vt;
	VTermState	 *state;
	int		  rows;
	int		  cols;
	uint32_t	**grid;		/* rows of cols characters, 0 blank */
	unsigned int	  pushed;	/* rows scrolled off the top */

	/* libvterm's parser, followed. */
	enum model_parse  ps;
	int		  nintermed;
	int		  intermed;	/* the first intermediate byte */
	int		  nleader;
	int		  leader;	/* the first leader byte */
	int		  nseps;	/* parameters begun after the first */
	int		  dropping;	/* parameters past the last kept */
	unsigned long	  arg0;		/* the first parameter, as it keeps it */
	unsigned int	  gascii;	/* bit per G0-G3 that shows ASCII as is */
	int		  gl;		/* the set invoked into GL */
	int		  margins;	/* left and right margins mode */
	int		  origin;	/* origin mode */
	int		  direct;	/* runs of text may be put in here */
	int		  width;	/* of the last character from text */
	int		  aligning;	/* DECALN is filling the screen */

	/* Characters watched as libvterm places them. */
	int		  watching;
	int		  glyphs;	/* as expected so far */
	int		  odd;		/* anything else happened */
	const char	 *expect;	/* the characters */
	int		  nexpect;
	VTermPos	  last;		/* where the last one went */
};

static int	 model_putglyph(VTermGlyphInfo *, VTermPos, void *);
static int	 model_scrollrect(VTermRect, int, int, void *);
static int	 model_moverect(VTermRect, VTermRect, void *);
static int	 model_erase(VTermRect, int, void *);
static int	 model_resize_cb(int, int, VTermPos *, void *);
static void	 model_output(const char *, size_t, void *);
static int	 model_clip(const struct model *, VTermRect *);
static void	 model_reset(struct model *);
static void	 model_escape(struct model *, int);
static void	 model_csi(struct model *, int);
static int	 model_track(struct model *, unsigned char);
static void	 model_input(struct model *, const char *, size_t);
static int	 model_watch(struct model *, const char *, size_t, size_t);
static void	 model_text(struct model *, const char *, size_t);
static const char *model_run_end(const char *, const char *);

static const VTermStateCallbacks model_callbacks = {
	.putglyph = model_putglyph,
	.scrollrect = model_scrollrect,
	.moverect = model_moverect,
	.erase = model_erase,
	.resize = model_resize_cb
};

/* Answers a terminal would send back (cursor reports): nobody asked. */
static void
model_output(const char *s, size_t len, void *arg)
{
}

static uint32_t **
model_grid_new(int rows, int cols)
{
	uint32_t	**grid;
	int		  i;

	grid = xcalloc((size_t)rows, sizeof *grid);
	for (i = 0; i < rows; i++)
		grid[i] = xcalloc((size_t)cols, sizeof **grid);
	return (grid);
}

static void
model_grid_free(uint32_t **grid, int rows)
{
	int	i;

	for (i = 0; i < rows; i++)
		free(grid[i]);
	free(grid);
}

struct model *
model_new(int rows, int cols)
{
	struct model	*m;

	m = xcalloc(1, sizeof *m);
	if ((m->vt = vterm_new(rows, cols)) == NULL)
		fatalx("out of memory for the screen model");
	m->rows = rows;
	m->cols = cols;
	m->grid = model_grid_new(rows, cols);
	vterm_set_utf8(m->vt, 1);
	vterm_output_set_callback(m->vt, model_output, m);
	m->state = vterm_obtain_state(m->vt);
	vterm_state_set_callbacks(m->state, &model_callbacks, m);
	vterm_state_reset(m->state, 1);
	m->ps = MP_NORMAL;
	m->direct = 1;
	model_reset(m);
	return (m);
}

void
model_free(struct model *m)
{
	if (m == NULL)
		return;
	vterm_free(m->vt);
	model_grid_free(m->grid, m->rows);
	free(m);
}

/*
 * Whether runs of text may be put into the grid directly: on unless the
 * unit test compares both ways.
 */
void
model_direct(struct model *m, int on)
{
	m->direct = on;
}

/* What a hard reset leaves: every set UTF-8, which shows ASCII as is. */
static void
model_reset(struct model *m)
{
	m->gascii = 0xf;
	m->gl = 0;
	m->margins = 0;
	m->origin = 0;
}

/* ESC, intermediates, final: the ones that change how ASCII shows. */
static void
model_escape(struct model *m, int final)
{
	unsigned int	set;

	if (m->nintermed == 0) {
		if (final == 'c')
			model_reset(m);
		else if (final == 'n')
			m->gl = 2;
		else if (final == 'o')
			m->gl = 3;
		return;
	}
	if (m->nintermed != 1 || m->intermed < '(' || m->intermed > '+')
		return;
	set = 1U << (m->intermed - '(');
	if (final == 'B')
		m->gascii |= set;
	else if (final == '0' || final == 'A')
		m->gascii &= ~set;
}

/*
 * A control sequence: only the modes that make libvterm keep the cursor
 * within margins or a region matter here. As libvterm does, only the
 * first parameter is looked at.
 */
static void
model_csi(struct model *m, int final)
{
	if (m->nleader != 1 || m->leader != '?' || m->nintermed != 0 ||
	    (final != 'h' && final != 'l') || m->arg0 == MODEL_ARG_MISSING)
		return;
	switch (m->arg0 & MODEL_ARG_MISSING) {
	case 6:
		m->origin = (final == 'h');
		break;
	case 69:
		m->margins = (final == 'h');
		break;
	}
}

/*
 * One byte through libvterm's parser, as it takes it (see its parser.c).
 * Returns 1 when the byte must not reach it: a parameter past the last
 * its array holds.
 */
static int
model_track(struct model *m, unsigned char c)
{
	if (c == 0x00 || c == 0x7f)
		return (0);
	if (c == 0x18 || c == 0x1a) {
		m->ps = MP_NORMAL;
		return (0);
	}
	if (c == ESC) {
		m->nintermed = 0;
		m->ps = (m->ps == MP_STRING) ? MP_ESC_STRING : MP_ESC;
		return (0);
	}
	if (c < 0x20 && (c != 0x07 || m->ps != MP_STRING)) {
		/* Other controls act in any state and leave it. */
		if (c == 0x0e)
			m->gl = 1;
		else if (c == 0x0f)
			m->gl = 0;
		return (0);
	}

	switch (m->ps) {
	case MP_NORMAL:
		break;
	case MP_STRING:
		if (c == 0x07)
			m->ps = MP_NORMAL;
		break;
	case MP_ESC_STRING:
		if (c == 0x5c) {
			m->ps = MP_NORMAL;
			break;
		}
		m->ps = MP_ESC;
		/* FALLTHROUGH */
	case MP_ESC:
		if (c == 'P' || c == ']')
			m->ps = MP_STRING;
		else if (c == '[') {
			m->nleader = 0;
			m->ps = MP_CSI_LEADER;
		} else if (c >= 0x20 && c <= 0x2f) {
			if (m->nintermed++ == 0)
				m->intermed = c;
		} else if (m->nintermed == 0 && c >= 0x40 && c < 0x60)
			m->ps = MP_NORMAL;	/* a C1 control */
		else if (c >= 0x30 && c < 0x7f) {
			model_escape(m, c);
			m->ps = MP_NORMAL;
		}
		break;
	case MP_CSI_LEADER:
		if (c >= 0x3c && c <= 0x3f) {
			if (m->nleader++ == 0)
				m->leader = c;
			break;
		}
		m->nseps = 0;
		m->dropping = 0;
		m->arg0 = MODEL_ARG_MISSING;
		m->ps = MP_CSI_ARGS;
		/* FALLTHROUGH */
	case MP_CSI_ARGS:
		if (c >= '0' && c <= '9') {
			if (m->dropping)
				return (1);
			if (m->nseps == 0) {
				if (m->arg0 == MODEL_ARG_MISSING)
					m->arg0 = 0;
				m->arg0 = m->arg0 * 10 + (c - '0');
			}
			break;
		}
		if (c == ':' || c == ';') {
			if (m->dropping || m->nseps == MODEL_ARGS_MAX - 1) {
				m->dropping = 1;
				return (1);
			}
			if (c == ':' && m->nseps == 0)
				m->arg0 |= 0x80000000UL;
			m->nseps++;
			break;
		}
		m->nintermed = 0;
		m->ps = MP_CSI_INTERMED;
		/* FALLTHROUGH */
	case MP_CSI_INTERMED:
		if (c >= 0x20 && c <= 0x2f) {
			if (m->nintermed++ == 0)
				m->intermed = c;
			break;
		}
		if (c >= 0x40 && c <= 0x7e)
			model_csi(m, c);
		m->ps = MP_NORMAL;
		break;
	}
	return (0);
}

static void
model_input(struct model *m, const char *data, size_t len)
{
	if (len > 0)
		vterm_input_write(m->vt, data, len);
}

/*
 * Feed len bytes, the last n of them characters libvterm should place one
 * by one and nothing else: returns whether it did.
 */
static int
model_watch(struct model *m, const char *data, size_t len, size_t n)
{
	m->watching = 1;
	m->glyphs = 0;
	m->odd = 0;
	m->expect = data + len - n;
	m->nexpect = (int)n;
	vterm_input_write(m->vt, data, len);
	m->watching = 0;
	return (m->glyphs == (int)n && !m->odd);
}

/*
 * A run of printable ASCII, libvterm's parser at rest before it. Row by
 * row: two characters to libvterm, then what fits before the last column
 * into the grid, and the cursor moved over it and the next character
 * placed by libvterm.
 */
static void
model_text(struct model *m, const char *s, size_t n)
{
	char		 seq[32];
	uint32_t	*cell;
	size_t		 i, k, v, direct;
	int		 room, row, col;

	while (n > 0) {
		k = n < 2 ? n : 2;
		if (!model_watch(m, s, k, k)) {
			model_input(m, s + k, n - k);
			return;
		}
		s += k;
		n -= k;
		room = m->cols - 2 - m->last.col;
		if (n < 2 || room < 1)
			continue;
		direct = n - 1;
		if (direct > (size_t)room)
			direct = (size_t)room;
		row = m->last.row;
		col = m->last.col + 1 + (int)direct;
		cell = m->grid[row] + m->last.col + 1;
		for (i = 0; i < direct; i++)
			cell[i] = (unsigned char)s[i];
		/* ESC [ direct C and the next character, built backwards. */
		k = sizeof seq;
		seq[--k] = s[direct];
		seq[--k] = 'C';
		v = direct;
		do {
			seq[--k] = (char)('0' + v % 10);
			v /= 10;
		} while (v > 0);
		seq[--k] = '[';
		seq[--k] = ESC;
		if (!model_watch(m, seq + k, sizeof seq - k, 1) ||
		    m->last.row != row || m->last.col != col) {
			/* Not where it should be: leave it all to libvterm. */
			log_debug("model: text not placed as expected");
			m->direct = 0;
			model_input(m, s + direct + 1, n - direct - 1);
			return;
		}
		s += direct + 1;
		n -= direct + 1;
	}
}

/*
 * Where a run of printable ASCII from p ends: eight bytes at a time while
 * none is below 0x20 or at or above 0x7f. Such a byte sets its top bit in
 * w, w - 0x20 or w + 1; a borrow or carry that could flag a good byte
 * comes only from such a byte below it.
 */
static const char *
model_run_end(const char *p, const char *end)
{
	const uint64_t	ones = 0x0101010101010101ULL;
	uint64_t	w;

	while (end - p >= 8) {
		memcpy(&w, p, sizeof w);
		if (((w | (w - ones * 0x20) | (w + ones)) & (ones * 0x80)) != 0)
			break;
		p += 8;
	}
	while (p < end && *p >= 0x20 && *p < 0x7f)
		p++;
	return (p);
}

void
model_feed(struct model *m, const char *data, size_t len)
{
	const char	*p = data, *end = data + len, *from = data, *run, *last;
	const char	*alone = NULL;
	char		 tail[2];

	while (p < end) {
		if (m->ps == MP_NORMAL && *p >= 0x20 && *p < 0x7f) {
			run = p;
			p = model_run_end(p, end);
			if (run == end - 1 && (run == data ||
			    (unsigned char)run[-1] < 0x80))
				alone = run;
			/*
			 * libvterm decodes text that follows a non-ASCII byte
			 * along with it, with the UTF-8 decoder and not the
			 * one of G0-G3, whose state the watched characters
			 * would change: such a run is left to it. And a
			 * combining character joins the one before only if it
			 * sees both at once: a run followed by a non-ASCII
			 * byte leaves it its last character.
			 */
			if (run > data && (unsigned char)run[-1] >= 0x80)
				continue;
			last = p;
			if (p < end && (unsigned char)*p >= 0x80)
				last--;
			if (last - run >= MODEL_RUN_MIN && m->direct &&
			    !m->margins && !m->origin &&
			    (m->gascii & (1U << m->gl))) {
				model_input(m, from, (size_t)(run - from));
				model_text(m, run, (size_t)(last - run));
				from = last;
			}
			continue;
		}
		if (*p == '\\' && m->ps == MP_ESC_STRING &&
		    (p == from || p[-1] != ESC)) {
			/*
			 * A string's ESC \ whose ESC libvterm got in an
			 * earlier call, or before a control: it would take
			 * the string's length as -1 and read past the input.
			 * CAN ends the string as well, unreported, which
			 * changes nothing here.
			 */
			model_input(m, from, (size_t)(p - from));
			model_input(m, "\030", 1);
			m->ps = MP_NORMAL;
			from = ++p;
			continue;
		}
		if (*p == 'b' && m->nleader == 0 && (m->ps == MP_CSI_LEADER ||
		    m->ps == MP_CSI_ARGS || (m->ps == MP_CSI_INTERMED &&
		    m->nintermed == 0))) {
			/*
			 * REP repeats the last character placed, stepping by
			 * its width: zero or less (none yet, or one of no
			 * width) and libvterm would loop forever. CAN drops
			 * the sequence instead.
			 */
			model_input(m, from, (size_t)(p - from));
			from = p;
			if (m->width <= 0) {
				model_input(m, "\030", 1);
				m->ps = MP_NORMAL;
				from = ++p;
				continue;
			}
		}
		if (*p == '8' && m->ps == MP_ESC && m->nintermed == 1 &&
		    m->intermed == '#') {
			/* DECALN fills the screen, leaving REP's character. */
			model_input(m, from, (size_t)(p - from));
			m->aligning = 1;
			model_input(m, p, 1);
			m->aligning = 0;
			m->ps = MP_NORMAL;
			from = ++p;
			continue;
		}
		if (model_track(m, (unsigned char)*p)) {
			model_input(m, from, (size_t)(p - from));
			from = p + 1;
		}
		p++;
	}

	/*
	 * A character of text alone at the end: libvterm decodes it into an
	 * array sized by the bytes left, one, where an unfinished UTF-8
	 * character before it makes two (U+FFFD, then it). A NUL after it,
	 * which libvterm skips, makes room.
	 */
	if (alone != NULL && from <= alone) {
		model_input(m, from, (size_t)(alone - from));
		tail[0] = *alone;
		tail[1] = '\0';
		model_input(m, tail, sizeof tail);
	} else
		model_input(m, from, (size_t)(end - from));
}

/* The resize callback below follows with the grid. */
void
model_resize(struct model *m, int rows, int cols)
{
	vterm_set_size(m->vt, rows, cols);
}

void
model_cursor(const struct model *m, int *row, int *col)
{
	VTermPos	pos;

	vterm_state_get_cursorpos(m->state, &pos);
	*row = pos.row;
	*col = pos.col;
}

/* Rows scrolled off the top so far: what the terminal put in its history. */
unsigned int
model_pushed(const struct model *m)
{
	return (m->pushed);
}

/* Whether a row shows nothing (all of it blank, or out of the grid). */
int
model_row_blank(const struct model *m, int row)
{
	int	i;

	for (i = 0; row >= 0 && row < m->rows && i < m->cols; i++) {
		if (m->grid[row][i] != 0 && m->grid[row][i] != ' ')
			return (0);
	}
	return (1);
}

/* One row as UTF-8, without trailing blanks. */
char *
model_row_text(const struct model *m, int row)
{
	char		*s = xmalloc((size_t)m->cols * 4 + 1);
	size_t		 n = 0, end = 0;
	uint32_t	 c;
	int		 i;

	for (i = 0; row >= 0 && row < m->rows && i < m->cols; i++) {
		c = m->grid[row][i];
		if (c == MODEL_WIDE)
			continue;
		if (c == 0 || c == ' ') {
			s[n++] = ' ';
			continue;
		}
		if (c < 0x80)
			s[n++] = (char)c;
		else if (c < 0x800) {
			s[n++] = (char)(0xc0 | (c >> 6));
			s[n++] = (char)(0x80 | (c & 0x3f));
		} else if (c < 0x10000) {
			s[n++] = (char)(0xe0 | (c >> 12));
			s[n++] = (char)(0x80 | ((c >> 6) & 0x3f));
			s[n++] = (char)(0x80 | (c & 0x3f));
		} else {
			s[n++] = (char)(0xf0 | (c >> 18));
			s[n++] = (char)(0x80 | ((c >> 12) & 0x3f));
			s[n++] = (char)(0x80 | ((c >> 6) & 0x3f));
			s[n++] = (char)(0x80 | (c & 0x3f));
		}
		end = n;
	}
	s[end] = '\0';
	return (s);
}

/* Keep a rectangle inside the grid; zero when nothing is left of it. */
static int
model_clip(const struct model *m, VTermRect *r)
{
	if (r->start_row < 0)
		r->start_row = 0;
	if (r->start_col < 0)
		r->start_col = 0;
	if (r->end_row > m->rows)
		r->end_row = m->rows;
	if (r->end_col > m->cols)
		r->end_col = m->cols;
	return (r->start_row < r->end_row && r->start_col < r->end_col);
}

static int
model_putglyph(VTermGlyphInfo *info, VTermPos pos, void *arg)
{
	struct model	*m = arg;
	int		 i;

	if (!m->aligning)
		m->width = info->width;
	if (pos.row < 0 || pos.row >= m->rows || pos.col < 0 ||
	    pos.col >= m->cols) {
		m->glyphs = -1;
		return (1);
	}
	if (m->watching) {
		if (m->glyphs >= 0 && m->glyphs < m->nexpect &&
		    info->width == 1 && !info->dwl &&
		    info->chars[0] == (unsigned char)m->expect[m->glyphs] &&
		    info->chars[1] == 0) {
			m->glyphs++;
			m->last = pos;
		} else
			m->glyphs = -1;
	}
	m->grid[pos.row][pos.col] = info->chars[0];
	for (i = 1; i < info->width && pos.col + i < m->cols; i++)
		m->grid[pos.row][pos.col + i] = MODEL_WIDE;
	return (1);
}

static int
model_blank(struct model *m, VTermRect rect)
{
	int	row;

	if (!model_clip(m, &rect))
		return (1);
	for (row = rect.start_row; row < rect.end_row; row++) {
		memset(m->grid[row] + rect.start_col, 0,
		    (size_t)(rect.end_col - rect.start_col) * sizeof **m->grid);
	}
	return (1);
}

static int
model_erase(VTermRect rect, int selective, void *arg)
{
	struct model	*m = arg;

	m->odd = 1;
	return (model_blank(m, rect));
}

/* Reverse the order of rows a to b - 1. */
static void
model_reverse(uint32_t **grid, int a, int b)
{
	uint32_t	*tmp;

	for (b--; a < b; a++, b--) {
		tmp = grid[a];
		grid[a] = grid[b];
		grid[b] = tmp;
	}
}

/*
 * Rows of the whole width scrolled up or down: turn the pointers round,
 * in place, and blank the rows that come in. Anything else is left to
 * libvterm, which moves and erases rectangles. As terminals do, rows
 * leaving a region that starts at the top row go to the history.
 */
static int
model_scrollrect(VTermRect rect, int downward, int rightward, void *arg)
{
	struct model	 *m = arg;
	int		  height, n, i, first;

	if (rightward != 0 || rect.start_col != 0 || rect.end_col != m->cols) {
		m->odd = 1;
		return (0);
	}
	if (!model_clip(m, &rect))
		return (1);
	height = rect.end_row - rect.start_row;
	n = downward < 0 ? -downward : downward;
	if (downward > 0 && rect.start_row == 0)
		m->pushed += (unsigned int)(n < height ? n : height);
	if (n >= height)
		return (model_blank(m, rect));
	/* A rotation by n is three reversals. */
	if (downward > 0) {
		model_reverse(m->grid, rect.start_row, rect.start_row + n);
		model_reverse(m->grid, rect.start_row + n, rect.end_row);
		first = rect.end_row - n;
	} else {
		model_reverse(m->grid, rect.start_row, rect.end_row - n);
		model_reverse(m->grid, rect.end_row - n, rect.end_row);
		first = rect.start_row;
	}
	model_reverse(m->grid, rect.start_row, rect.end_row);
	for (i = first; i < first + n; i++)
		memset(m->grid[i], 0, (size_t)m->cols * sizeof **m->grid);
	return (1);
}

static int
model_moverect(VTermRect dest, VTermRect src, void *arg)
{
	struct model	*m = arg;
	int		 rows = src.end_row - src.start_row, i, row, srow;
	size_t		 width = (size_t)(src.end_col - src.start_col);

	m->odd = 1;
	if (src.start_row < 0 || src.end_row > m->rows || src.start_col < 0 ||
	    src.end_col > m->cols || dest.start_row < 0 ||
	    dest.start_row + rows > m->rows || dest.start_col < 0 ||
	    dest.start_col + (int)width > m->cols)
		return (1);
	/* Copy in the order that does not overwrite what is still to move. */
	for (i = 0; i < rows; i++) {
		if (dest.start_row > src.start_row)
			row = rows - 1 - i;
		else
			row = i;
		srow = src.start_row + row;
		memmove(m->grid[dest.start_row + row] + dest.start_col,
		    m->grid[srow] + src.start_col, width * sizeof **m->grid);
	}
	return (1);
}

/* The terminal changed size: keep what fits, from the top left. */
static int
model_resize_cb(int rows, int cols, VTermPos *delta, void *arg)
{
	struct model	 *m = arg;
	uint32_t	**grid;
	int		  i, n = cols < m->cols ? cols : m->cols;

	grid = model_grid_new(rows, cols);
	for (i = 0; i < rows && i < m->rows; i++)
		memcpy(grid[i], m->grid[i], (size_t)n * sizeof **grid);
	model_grid_free(m->grid, m->rows);
	m->grid = grid;
	m->rows = rows;
	m->cols = cols;
	return (1);
}
