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

#include <sys/ioctl.h>

#include <fcntl.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include "limpet.h"

pid_t	forkpty(int *, char *, struct termios *, struct winsize *);

/* forkpty for systems without it, from the POSIX pty calls. */
pid_t
forkpty(int *master, char *name, struct termios *tio, struct winsize *ws)
{
	char	*path;
	int	 m, s;
	pid_t	 pid;

	if ((m = posix_openpt(O_RDWR|O_NOCTTY)) == -1)
		return (-1);
	if (grantpt(m) == -1 || unlockpt(m) == -1 ||
	    (path = ptsname(m)) == NULL) {
		close(m);
		return (-1);
	}
	if ((pid = fork()) == -1) {
		close(m);
		return (-1);
	}
	if (pid != 0) {
		*master = m;
		return (pid);
	}
	close(m);
	setsid();
	if ((s = open(path, O_RDWR)) == -1)
		_exit(127);
#ifdef TIOCSCTTY
	ioctl(s, TIOCSCTTY, 0);
#endif
	if (tio != NULL)
		tcsetattr(s, TCSAFLUSH, tio);
	if (ws != NULL)
		ioctl(s, TIOCSWINSZ, ws);
	dup2(s, 0);
	dup2(s, 1);
	dup2(s, 2);
	if (s > 2)
		close(s);
	return (0);
}
