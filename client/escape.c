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
#include <string.h>

#include "limpet.h"

/*
 * limpet's own escapes, recognised like ssh's: the escape character counts
 * only at the start of a line (at start-up or right after CR or LF), and
 * the character after it says what to do. ssh gets EscapeChar=none, so its
 * ~. (which exits 255 and looks like a dropped link) can never fire.
 */

#define ESCAPE_CTRL_Z	0x1a

void
escape_init(struct escape *e, int ch)
{
	e->ch = ch;
	e->line_start = 1;
	e->pending = 0;
}

static int
escape_ends_line(int c)
{
	return (c == '\r' || c == '\n');
}

/*
 * How many of the len bytes at p go through before an escape character
 * that starts a line (all of them when there is none). Only the escape
 * character is looked for, with memchr; whether it starts a line is
 * decided by the byte before it, or by the state for the first byte.
 */
static size_t
escape_span(const struct escape *e, const char *p, size_t len)
{
	const char	*q = p, *end = p + len;

	while ((q = memchr(q, e->ch, (size_t)(end - q))) != NULL) {
		if (q == p ? e->line_start : escape_ends_line(q[-1]))
			return ((size_t)(q - p));
		q++;
	}
	return (len);
}

/* The byte after the escape character: a command, or bytes to send. */
static enum escape_action
escape_command(struct escape *e, unsigned char c, char *out, size_t *o)
{
	enum escape_action	action = ESCAPE_ACT_NONE;

	switch (c) {
	case '.':
		action = ESCAPE_ACT_QUIT;
		break;
	case 'R':
		action = ESCAPE_ACT_RECONNECT;
		break;
	case ESCAPE_CTRL_Z:
		action = ESCAPE_ACT_SUSPEND;
		break;
	case '?':
		action = ESCAPE_ACT_HELP;
		break;
	}
	if (action != ESCAPE_ACT_NONE) {
		/* Another escape may follow at once. */
		e->line_start = 1;
		return (action);
	}
	/* Not a command: the escape character goes through. */
	out[(*o)++] = (char)e->ch;
	if (c == (unsigned char)e->ch) {
		e->line_start = 0;
		return (action);
	}
	out[(*o)++] = (char)c;
	e->line_start = escape_ends_line(c);
	return (action);
}

/*
 * Feed typed bytes. Bytes to send on are written to out, which must have
 * room for len + 1 bytes (a held escape character may come out with the
 * byte after it); *outlen says how many. Stops after the first escape
 * command and returns how many input bytes were consumed, so the caller
 * can act and then feed the rest.
 */
size_t
escape_feed(struct escape *e, const char *in, size_t len, char *out,
    size_t *outlen, enum escape_action *action)
{
	size_t	i = 0, o = 0, run;

	*action = ESCAPE_ACT_NONE;
	if (e->ch == ESCAPE_NONE) {
		memcpy(out, in, len);
		*outlen = len;
		return (len);
	}
	while (i < len) {
		if (e->pending) {
			e->pending = 0;
			*action = escape_command(e, (unsigned char)in[i++],
			    out, &o);
			if (*action != ESCAPE_ACT_NONE)
				break;
			continue;
		}
		run = escape_span(e, in + i, len - i);
		if (run > 0) {
			memcpy(out + o, in + i, run);
			o += run;
			i += run;
			e->line_start = escape_ends_line(in[i - 1]);
		}
		if (i < len) {
			/* An escape character at the start of a line. */
			e->pending = 1;
			i++;
		}
	}
	*outlen = o;
	return (i);
}

/* How the user would type the escape character: ~, or ^] for controls. */
void
escape_name(int ch, char *buf, size_t len)
{
	if (ch < 0x20)
		snprintf(buf, len, "^%c", ch + '@');
	else if (ch == 0x7f)
		snprintf(buf, len, "^?");
	else
		snprintf(buf, len, "%c", ch);
}

/* The help text for ~?, lines ending in CRLF for a raw terminal. */
const char *
escape_help(const struct escape *e)
{
	static char	 buf[512];
	char		 ch[8];

	if (e->ch == ESCAPE_NONE)
		return ("");
	escape_name(e->ch, ch, sizeof ch);
	snprintf(buf, sizeof buf,
	    "\r\nSupported escape sequences (after Enter):\r\n"
	    " %s.   - quit limpet (the remote session keeps running)\r\n"
	    " %sR   - reconnect now\r\n"
	    " %s^Z  - suspend limpet\r\n"
	    " %s?   - this message\r\n"
	    " %s%s  - send the escape character itself\r\n",
	    ch, ch, ch, ch, ch, ch);
	return (buf);
}
