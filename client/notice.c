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

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <term.h>

#include "limpet.h"

/*
 * The one-line notice shown while the link is down. It is drawn over the
 * bottom line with cursor addressing between a save and a restore of the
 * cursor, so it never scrolls into the terminal's history and the screen
 * below it is whole again once the multiplexer redraws. Capabilities come
 * from terminfo; a terminal without cursor addressing gets no notice line.
 *
 * The text is in reverse video so it stands apart from the session below.
 * Reverse video is not a colour, but people who set NO_COLOR ask for output
 * without styling, and the notice reads the same without it ("limpet:"
 * starts it), so with NO_COLOR set to anything but "" it is plain text.
 */

static int	 notice_ok;
static char	*cap_sc, *cap_rc, *cap_cup, *cap_rev, *cap_sgr0, *cap_el;

static char *
notice_cap(const char *name)
{
	char	*s = tigetstr(name);

	if (s == NULL || s == (char *)-1)
		return (NULL);
	return (s);
}

void
notice_init(int fd)
{
	const char	*no_color;
	int		 err;

	notice_ok = 0;
	cap_sc = cap_rc = cap_cup = cap_rev = cap_sgr0 = cap_el = NULL;
	/* Set up again (a test, a new terminal): the old entry goes. */
	if (cur_term != NULL)
		del_curterm(cur_term);
	if (setupterm(NULL, fd, &err) != OK) {
		log_verbose("no terminfo entry for this terminal: no notice "
		    "line");
		return;
	}
	cap_sc = notice_cap("sc");
	cap_rc = notice_cap("rc");
	cap_cup = notice_cap("cup");
	cap_rev = notice_cap("rev");
	if ((no_color = getenv("NO_COLOR")) != NULL && *no_color != '\0')
		cap_rev = NULL;
	cap_sgr0 = notice_cap("sgr0");
	cap_el = notice_cap("el");
	notice_ok = (cap_sc != NULL && cap_rc != NULL && cap_cup != NULL);
	log_verbose("notice line: %s; sc %s, rc %s, cup %s, rev %s, sgr0 %s, "
	    "el %s", notice_ok ? "drawn" : "not drawn",
	    cap_sc != NULL ? "yes" : "no", cap_rc != NULL ? "yes" : "no",
	    cap_cup != NULL ? "yes" : "no", cap_rev != NULL ? "yes" : "no",
	    cap_sgr0 != NULL ? "yes" : "no", cap_el != NULL ? "yes" : "no");
}

static size_t
notice_put(char *buf, size_t len, size_t o, const char *s)
{
	size_t	n;

	if (s == NULL)
		return (o);
	n = strlen(s);
	if (o + n >= len)
		return (o);
	memcpy(buf + o, s, n);
	buf[o + n] = '\0';
	return (o + n);
}

/*
 * The bottom line, written between a save and a restore of the cursor:
 * text in reverse video when given, then the rest of the line cleared.
 */
static size_t
notice_bottom_line(char *buf, size_t len, int rows, const char *text)
{
	size_t	o = 0;

	buf[0] = '\0';
	o = notice_put(buf, len, o, cap_sc);
	o = notice_put(buf, len, o, tiparm(cap_cup, rows - 1, 0));
	o = notice_put(buf, len, o, cap_sgr0);
	if (text != NULL) {
		o = notice_put(buf, len, o, cap_rev);
		o = notice_put(buf, len, o, text);
		o = notice_put(buf, len, o, cap_sgr0);
	}
	o = notice_put(buf, len, o, cap_el);
	o = notice_put(buf, len, o, cap_rc);
	return (o);
}

/*
 * Write into buf the bytes that draw text on the bottom line of a terminal
 * of rows x cols. Returns their length (0 when the terminal cannot do it).
 */
size_t
notice_draw(char *buf, size_t len, int rows, int cols, const char *text)
{
	char	 line[512];
	size_t	 n, width;

	if (!notice_ok || rows < 1 || cols < 2 || len == 0)
		return (0);
	/* Never the last column: some terminals would wrap and scroll. */
	width = (size_t)cols - 1;
	if (width >= sizeof line)
		width = sizeof line - 1;
	n = strlen(text);
	if (n > width)
		n = width;
	memcpy(line, text, n);
	memset(line + n, ' ', width - n);
	line[width] = '\0';

	return (notice_bottom_line(buf, len, rows, line));
}

/* Write into buf the bytes that blank the bottom line again. */
size_t
notice_erase(char *buf, size_t len, int rows)
{
	if (!notice_ok || rows < 1 || len == 0 || cap_el == NULL)
		return (0);
	return (notice_bottom_line(buf, len, rows, NULL));
}

/*
 * Write into buf the bytes that put the cursor at the start of a fresh
 * line below the bottom one, so what the shell prints next does not land
 * in the middle of the last screen the multiplexer drew.
 */
size_t
notice_leave_screen(char *buf, size_t len, int rows)
{
	size_t	o = 0;

	if (!notice_ok || rows < 1 || len == 0)
		return (0);
	buf[0] = '\0';
	o = notice_put(buf, len, o, tiparm(cap_cup, rows - 1, 0));
	o = notice_put(buf, len, o, "\r\n");
	return (o);
}
