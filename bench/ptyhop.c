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

/*
 * ptyhop: the least any wrapper that keeps ssh on a pty of its own can
 * do, for bench/relay to set limpet against. It runs a command with a
 * fresh pty as its terminal (stdin and stderr) and a pipe as its stdout,
 * as limpet runs ssh, and copies bytes: its own stdin to the pty, the
 * pipe and the pty to its own stdout. Nothing is looked at. The terminal
 * is put in raw mode and back; the window size is copied once. Exits with
 * the command's status once the pipe and the pty are done with.
 *
 * With -p, the command's stdin is a pipe instead of the pty, which stays
 * its controlling terminal and stderr: what the pty on ssh's stdin costs
 * a keystroke, measured. ssh then needs -tt, and gets no window size and
 * no terminal modes, which is why limpet cannot run it that way.
 */

#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#ifdef HAVE_PTY_H
#include <pty.h>
#endif
#ifdef HAVE_UTIL_H
#include <util.h>
#endif
#ifdef HAVE_LIBUTIL_H
#include <libutil.h>
#endif

static int
copy(int from, int to)
{
	char	buf[65536];
	ssize_t	n, off, w;

	n = read(from, buf, sizeof buf);
	if (n == -1 && (errno == EINTR || errno == EAGAIN))
		return (0);
	if (n <= 0)
		return (-1);
	for (off = 0; off < n; off += w) {
		w = write(to, buf + off, (size_t)(n - off));
		if (w == -1 && errno == EINTR)
			w = 0;
		else if (w == -1)
			return (-1);
	}
	return (0);
}

int
main(int argc, char **argv)
{
	struct termios	 saved, raw;
	struct winsize	 ws;
	struct pollfd	 pfd[3];
	pid_t		 pid;
	int		 master, slave, out[2], in[2] = { -1, -1 }, status, tty;
	int		 live = 2, keys, pipe_in = 0;

	if (argc > 1 && strcmp(argv[1], "-p") == 0) {
		pipe_in = 1;
		argv++;
		argc--;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: ptyhop [-p] command [arg ...]\n");
		return (64);
	}
	tty = isatty(STDIN_FILENO);
	memset(&ws, 0, sizeof ws);
	if (tty)
		ioctl(STDIN_FILENO, TIOCGWINSZ, &ws);
	if (openpty(&master, &slave, NULL, NULL, tty ? &ws : NULL) == -1 ||
	    pipe(out) == -1 || (pipe_in && pipe(in) == -1)) {
		perror("ptyhop");
		return (1);
	}
	switch (pid = fork()) {
	case -1:
		perror("ptyhop: fork");
		return (1);
	case 0:
		setsid();
		ioctl(slave, TIOCSCTTY, 0);
		dup2(pipe_in ? in[0] : slave, STDIN_FILENO);
		dup2(out[1], STDOUT_FILENO);
		dup2(slave, STDERR_FILENO);
		close(master);
		close(slave);
		close(out[0]);
		close(out[1]);
		if (pipe_in) {
			close(in[0]);
			close(in[1]);
		}
		execvp(argv[1], argv + 1);
		perror(argv[1]);
		_exit(127);
	}
	close(slave);
	close(out[1]);
	if (pipe_in)
		close(in[0]);
	keys = pipe_in ? in[1] : master;
	/* A pipe whose reader is gone fails the write, as a pty would not. */
	if (pipe_in)
		signal(SIGPIPE, SIG_IGN);
	if (tty && tcgetattr(STDIN_FILENO, &saved) == 0) {
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw);
	} else
		tty = 0;

	pfd[0].fd = STDIN_FILENO;
	pfd[1].fd = out[0];
	pfd[2].fd = master;
	pfd[0].events = pfd[1].events = pfd[2].events = POLLIN;
	while (live > 0) {
		if (poll(pfd, 3, -1) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		if ((pfd[0].revents & (POLLIN|POLLHUP)) &&
		    copy(STDIN_FILENO, keys) == -1) {
			/* The end of input, as a terminal or a pipe says it. */
			if (pipe_in)
				close(in[1]);
			else
				(void)write(master, "\004", 1);
			pfd[0].fd = -1;
		}
		if ((pfd[1].revents & (POLLIN|POLLHUP)) &&
		    copy(out[0], STDOUT_FILENO) == -1) {
			pfd[1].fd = -1;
			live--;
		}
		if ((pfd[2].revents & (POLLIN|POLLHUP)) &&
		    copy(master, STDOUT_FILENO) == -1) {
			pfd[2].fd = -1;
			live--;
		}
	}
	if (tty)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
	if (waitpid(pid, &status, 0) == -1)
		return (1);
	return (WIFEXITED(status) ? WEXITSTATUS(status) : 128 +
	    WTERMSIG(status));
}
