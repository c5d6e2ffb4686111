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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "limpet.h"

/*
 * A small scanner over the remote's output. It does two jobs:
 *
 * - It remembers which terminal modes the remote turned on (mouse
 *   reporting, bracketed paste, hidden cursor, alternate screen, ...), so
 *   that when a connection dies or limpet exits, exactly those can be
 *   turned off again and the user's terminal is not left spewing mouse
 *   codes or stuck on the alternate screen.
 *
 * - In native scrollback mode it drops the multiplexer's own switches to
 *   the alternate screen. Programs inside tmux or screen are emulated by
 *   the multiplexer, so any such switch that reaches limpet is the
 *   multiplexer's own, and dropping it lets lines that scroll off reach
 *   the terminal's history.
 *
 * Sequences may be split across reads: a partial one is held (never more
 * than MODES_HOLD_MAX bytes) until the rest arrives. Plain text is passed
 * on in runs found with memchr, so the common case costs a memchr, and
 * nothing more when the caller scans in place.
 */

enum {
	MS_GROUND,
	MS_ESC,
	MS_CSI
};

#define ESC	0x1b

struct dec_mode {
	int		 number;
	enum tracked_mode mode;
	int		 inverted;	/* "on" means reset (?25l, ?7l) */
	int		 altscreen;
};

static const struct dec_mode dec_modes[] = {
	{ 1, TMODE_APP_CURSOR, 0, 0 },
	{ 6, TMODE_ORIGIN, 0, 0 },
	{ 7, TMODE_NO_AUTOWRAP, 1, 0 },
	{ 9, TMODE_MOUSE_9, 0, 0 },
	{ 25, TMODE_CURSOR_HIDDEN, 1, 0 },
	{ 45, TMODE_REVERSE_WRAP, 0, 0 },
	{ 47, TMODE_ALTSCREEN_47, 0, 1 },
	{ 1000, TMODE_MOUSE_1000, 0, 0 },
	{ 1001, TMODE_MOUSE_1001, 0, 0 },
	{ 1002, TMODE_MOUSE_1002, 0, 0 },
	{ 1003, TMODE_MOUSE_1003, 0, 0 },
	{ 1004, TMODE_FOCUS, 0, 0 },
	{ 1005, TMODE_MOUSE_1005, 0, 0 },
	{ 1006, TMODE_MOUSE_1006, 0, 0 },
	{ 1015, TMODE_MOUSE_1015, 0, 0 },
	{ 1016, TMODE_MOUSE_1016, 0, 0 },
	{ 1047, TMODE_ALTSCREEN_1047, 0, 1 },
	{ 1049, TMODE_ALTSCREEN_1049, 0, 1 },
	{ 2004, TMODE_BRACKETED_PASTE, 0, 0 },
	{ 2026, TMODE_SYNC_OUTPUT, 0, 0 },
};

static const struct dec_mode	*modes_find_dec(int);
static void	 modes_set(struct modes *, enum tracked_mode, int);
static size_t	 modes_csi(struct modes *, char *);
static size_t	 modes_dec_private(struct modes *, const char *, size_t,
		     char, char *);
static size_t	 modes_flush_held(struct modes *, char *);

void
modes_init(struct modes *m, int filter_altscreen)
{
	memset(m, 0, sizeof *m);
	m->state = MS_GROUND;
	m->filter_altscreen = filter_altscreen;
}

int
modes_is_on(const struct modes *m, enum tracked_mode mode)
{
	return ((m->on & (1U << mode)) != 0);
}

static void
modes_set(struct modes *m, enum tracked_mode mode, int on)
{
	if (on)
		m->on |= (1U << mode);
	else
		m->on &= ~(1U << mode);
}

static const struct dec_mode *
modes_find_dec(int number)
{
	size_t	i;

	for (i = 0; i < sizeof dec_modes / sizeof dec_modes[0]; i++) {
		if (dec_modes[i].number == number)
			return (&dec_modes[i]);
	}
	return (NULL);
}

static size_t
modes_flush_held(struct modes *m, char *out)
{
	size_t	n = m->nheld;

	memcpy(out, m->held, n);
	m->nheld = 0;
	m->state = MS_GROUND;
	return (n);
}

/*
 * CSI ? Pm h / CSI ? Pm l: note each mode, and rebuild the sequence without
 * the alternate screen numbers when those are filtered. Returns the bytes
 * written to out (zero when nothing is left of the sequence).
 */
static size_t
modes_dec_private(struct modes *m, const char *params, size_t len,
    char final, char *out)
{
	const struct dec_mode	*dm;
	char			 num[16];
	size_t			 i, start, o = 0, kept = 0, n;
	int			 number, set = (final == 'h');

	for (start = 0; start <= len; start = i + 1) {
		for (i = start; i < len && params[i] != ';'; i++)
			;
		n = i - start;
		if (n == 0 || n >= sizeof num) {
			number = -1;
		} else {
			memcpy(num, params + start, n);
			num[n] = '\0';
			number = atoi(num);
		}
		dm = modes_find_dec(number);
		if (dm != NULL && dm->altscreen && m->filter_altscreen)
			continue;
		if (dm != NULL)
			modes_set(m, dm->mode, dm->inverted ? !set : set);
		if (kept++ == 0) {
			out[o++] = ESC;
			out[o++] = '[';
			out[o++] = '?';
		} else
			out[o++] = ';';
		memcpy(out + o, params + start, n);
		o += n;
	}
	if (kept == 0)
		return (0);
	out[o++] = final;
	return (o);
}

/* A whole CSI sequence is held: note what it does, write what remains. */
static size_t
modes_csi(struct modes *m, char *out)
{
	const char	*seq = m->held + 2;	/* after ESC [ */
	size_t		 len = m->nheld - 3;	/* without the final byte */
	char		 final = m->held[m->nheld - 1];
	char		 prefix = (len > 0) ? seq[0] : '\0';
	int		 n;

	if (prefix == '?' && (final == 'h' || final == 'l')) {
		n = (int)modes_dec_private(m, seq + 1, len - 1, final, out);
		m->nheld = 0;
		m->state = MS_GROUND;
		return ((size_t)n);
	}
	if (prefix == '>' && final == 'm' && len >= 2 && seq[1] == '4' &&
	    (len == 2 || seq[2] == ';')) {
		/* modifyOtherKeys: CSI > 4 ; n m, off when n is 0 or absent. */
		modes_set(m, TMODE_MODIFY_OTHER_KEYS,
		    len > 3 && atoi(seq + 3) > 0);
	} else if (prefix == '>' && final == 'u') {
		/*
		 * Count no deeper than any terminal's stack: a remote pushing
		 * forever must not overflow the count, and popping more than
		 * was kept is harmless.
		 */
		if (m->kitty_depth < MODES_KITTY_MAX)
			m->kitty_depth++;
		modes_set(m, TMODE_KITTY_KEYBOARD, 1);
	} else if (prefix == '<' && final == 'u') {
		n = (len > 1) ? atoi(seq + 1) : 1;
		m->kitty_depth -= (n > 0) ? n : 1;
		if (m->kitty_depth < 0)
			m->kitty_depth = 0;
		modes_set(m, TMODE_KITTY_KEYBOARD, m->kitty_depth > 0);
	} else if (prefix != '?' && prefix != '>' && prefix != '<' &&
	    prefix != '=' && final == 'r' && m->held[m->nheld - 2] != '$') {
		/* DECSTBM; CSI r alone (or 1;rows) means the whole screen. */
		modes_set(m, TMODE_SCROLL_REGION, len > 0);
	}
	return (modes_flush_held(m, out));
}

/*
 * Scan len bytes of output. out must have room for len + MODES_HOLD_MAX
 * bytes; returns how many were written to it.
 *
 * To scan in place, out may instead be in - m->nheld, with that room free
 * before in: what is written never gets ahead of what is read, since only
 * the held bytes come out before the input that follows them, and runs of
 * plain text then stay where they are, copied nowhere.
 */
size_t
modes_feed(struct modes *m, const char *in, size_t len, char *out)
{
	const char	*esc;
	size_t		 i = 0, o = 0, run;
	unsigned char	 c;

	while (i < len) {
		if (m->state == MS_GROUND) {
			esc = memchr(in + i, ESC, len - i);
			run = (esc == NULL) ? len - i : (size_t)(esc - (in + i));
			if (out + o != in + i)
				memmove(out + o, in + i, run);
			o += run;
			i += run;
			if (esc == NULL)
				break;
			m->held[0] = ESC;
			m->nheld = 1;
			m->state = MS_ESC;
			i++;
			continue;
		}
		c = (unsigned char)in[i++];
		if (c == ESC) {
			/* A new sequence cuts the old one short. */
			o += modes_flush_held(m, out + o);
			m->held[0] = ESC;
			m->nheld = 1;
			m->state = MS_ESC;
			continue;
		}
		m->held[m->nheld++] = (char)c;
		if (m->state == MS_ESC) {
			if (c == '[') {
				m->state = MS_CSI;
				continue;
			}
			if (c == '=')
				modes_set(m, TMODE_KEYPAD, 1);
			else if (c == '>')
				modes_set(m, TMODE_KEYPAD, 0);
			o += modes_flush_held(m, out + o);
			continue;
		}
		/* MS_CSI: parameters and intermediates, then a final byte. */
		if (c >= 0x40 && c <= 0x7e)
			o += modes_csi(m, out + o);
		else if (c < 0x20 || c > 0x7e || m->nheld == MODES_HOLD_MAX)
			o += modes_flush_held(m, out + o);
	}
	return (o);
}

static size_t
modes_put(char *buf, size_t len, size_t o, const char *s)
{
	size_t	n = strlen(s);

	if (o + n < len) {
		memcpy(buf + o, s, n);
		buf[o + n] = '\0';
		return (o + n);
	}
	return (o);
}

/*
 * Write into buf the sequences that undo every mode the remote left on,
 * then forget them: the connection that set them is gone. Returns the
 * length written.
 */
size_t
modes_reset(struct modes *m, char *buf, size_t len)
{
	char	 tmp[32];
	size_t	 i, o = 0;
	int	 on;

	if (len > 0)
		buf[0] = '\0';
	for (i = 0; i < sizeof dec_modes / sizeof dec_modes[0]; i++) {
		if (!modes_is_on(m, dec_modes[i].mode))
			continue;
		on = dec_modes[i].inverted;	/* undo means the opposite */
		snprintf(tmp, sizeof tmp, "\033[?%d%c", dec_modes[i].number,
		    on ? 'h' : 'l');
		o = modes_put(buf, len, o, tmp);
	}
	if (modes_is_on(m, TMODE_KEYPAD))
		o = modes_put(buf, len, o, "\033>");
	if (modes_is_on(m, TMODE_MODIFY_OTHER_KEYS))
		o = modes_put(buf, len, o, "\033[>4m");
	if (m->kitty_depth > 0) {
		snprintf(tmp, sizeof tmp, "\033[<%du", m->kitty_depth);
		o = modes_put(buf, len, o, tmp);
	}
	/* Both home the cursor: keep it where it is. */
	if (modes_is_on(m, TMODE_SCROLL_REGION))
		o = modes_put(buf, len, o, "\0337\033[r\0338");
	o = modes_put(buf, len, o, "\033[m");
	m->on = 0;
	m->kitty_depth = 0;
	return (o);
}
