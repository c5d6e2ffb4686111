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

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "limpet.h"

/*
 * The user's terminal. Raw mode and non-blocking I/O are entered once and
 * undone by tty_restore, which is safe to call from any exit path, more
 * than once, and on a terminal that has gone away. O_NONBLOCK is a
 * property of the open file description the user's shell shares with us,
 * so the saved flags go back too.
 */

int
tty_init(struct tty *t, int in, int out)
{
	memset(t, 0, sizeof *t);
	t->in = in;
	t->out = out;
	t->is_tty = isatty(in) && isatty(out);
	if (t->is_tty && tcgetattr(in, &t->saved) == -1)
		return (-1);
	if ((t->saved_in_flags = fcntl(in, F_GETFL)) == -1)
		return (-1);
	if ((t->saved_out_flags = fcntl(out, F_GETFL)) == -1)
		return (-1);
	return (0);
}

int
tty_raw(struct tty *t)
{
	struct termios	tio;

	if (t->raw)
		return (0);
	if (t->is_tty) {
		tio = t->saved;
		tio.c_iflag |= IGNPAR;
		tio.c_iflag &= ~(IGNBRK|BRKINT|PARMRK|ISTRIP|INLCR|IGNCR|ICRNL|
		    IXON|IXANY|IXOFF);
#ifdef IUCLC
		tio.c_iflag &= ~IUCLC;
#endif
		tio.c_lflag &= ~(ISIG|ICANON|ECHO|ECHOE|ECHOK|ECHONL|IEXTEN);
		tio.c_oflag &= ~OPOST;
		tio.c_cflag &= ~(CSIZE|PARENB);
		tio.c_cflag |= CS8;
		tio.c_cc[VMIN] = 1;
		tio.c_cc[VTIME] = 0;
		if (tcsetattr(t->in, TCSADRAIN, &tio) == -1)
			return (-1);
	}
	t->raw = 1;
	if (fcntl(t->in, F_SETFL, t->saved_in_flags | O_NONBLOCK) == -1 ||
	    fcntl(t->out, F_SETFL, t->saved_out_flags | O_NONBLOCK) == -1) {
		tty_restore(t);
		return (-1);
	}
	return (0);
}

void
tty_restore(struct tty *t)
{
	int	saved_errno = errno;

	if (!t->raw)
		return;
	t->raw = 0;
	/* Out first: in and out are often one file description. */
	(void)fcntl(t->out, F_SETFL, t->saved_out_flags);
	(void)fcntl(t->in, F_SETFL, t->saved_in_flags);
	if (t->is_tty)
		(void)tcsetattr(t->in, TCSADRAIN, &t->saved);
	errno = saved_errno;
}

int
tty_get_size(struct tty *t, struct winsize *ws)
{
	memset(ws, 0, sizeof *ws);
	if (ioctl(t->out, TIOCGWINSZ, ws) == -1 || ws->ws_row == 0 ||
	    ws->ws_col == 0) {
		if (ioctl(t->in, TIOCGWINSZ, ws) == -1 || ws->ws_row == 0 ||
		    ws->ws_col == 0) {
			ws->ws_row = 24;
			ws->ws_col = 80;
			return (-1);
		}
	}
	return (0);
}
