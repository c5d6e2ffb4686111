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

#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#if defined(HAVE_PTY_H)
#include <pty.h>
#elif defined(HAVE_UTIL_H)
#include <util.h>
#elif defined(HAVE_LIBUTIL_H)
#include <libutil.h>
#endif

#include "limpet.h"

/*
 * Running ssh: its terminal is a pty whose master limpet holds, and its
 * stderr is a pipe, so limpet can read why a connection ended while still
 * showing the user what ssh said. Password and host key prompts go to
 * /dev/tty, which is the pty, so the user can still answer them.
 */

#ifndef HAVE_FORKPTY
pid_t	forkpty(int *, char *, struct termios *, struct winsize *);
#endif

static void	 argv_add(char ***, size_t *, const char *);
static void	 argv_add_option(char ***, size_t *, const char *, int);
static void	 spawn_close_from(int);
static void	 spawn_child_reset(void);
static char	**ssh_argv(const struct options *, const struct settings *,
		     const char *, const char *const *, size_t, int, int);
static int	 spawn_collect(char *const *, char *, size_t, int);
static pid_t	 spawn_piped(char *const *, int, int *);
static const char *ssh_program(void);

/* The ssh to run: $LIMPET_SSH, or ssh from PATH. */
static const char *
ssh_program(void)
{
	const char	*program;

	if ((program = getenv("LIMPET_SSH")) == NULL || *program == '\0')
		program = "ssh";
	return (program);
}

static void
argv_add(char ***argv, size_t *argc, const char *s)
{
	*argv = xreallocarray(*argv, *argc + 2, sizeof **argv);
	(*argv)[(*argc)++] = xstrdup(s);
	(*argv)[*argc] = NULL;
}

static void
argv_add_option(char ***argv, size_t *argc, const char *keyword, int value)
{
	char	*s;

	xasprintf(&s, "%s=%d", keyword, value);
	argv_add(argv, argc, "-o");
	argv_add(argv, argc, s);
	free(s);
}

/*
 * The ssh command line. ssh keeps the first value it obtains for each
 * option, so order is policy: what limpet cannot work without comes first
 * and always wins; then what the user gave (command line, then SshOption
 * from limpet's config); then limpet's liveness defaults, which the user
 * may override. With batch, ssh fails rather than prompt (for connections
 * the user does not see until they win a race).
 */
char **
ssh_build_argv(const struct options *o, const struct settings *s,
    const char *remote, int batch)
{
	return (ssh_build_master_argv(o, s, remote, batch, NULL));
}

/*
 * The same, and with ctlpath the connection is a ControlMaster of its own
 * listening there: a side channel into the session that costs no second
 * login (scrollback.c asks the multiplexer for rows through it). Never
 * the user's masters, and never kept past the session.
 */
char **
ssh_build_master_argv(const struct options *o, const struct settings *s,
    const char *remote, int batch, const char *ctlpath)
{
	/*
	 * A stalled ControlMaster would make every reconnect hang; ssh's own
	 * escapes would let ~. pass for a dead link; the rest would turn the
	 * session into something other than an interactive terminal, or hide
	 * the INFO messages (Timeout, ...) that tell how a connection ended.
	 */
	static const char *forced[] = {
		"ControlMaster=no", "ControlPath=none", "EscapeChar=none",
		"RequestTTY=force", "RemoteCommand=none", "SessionType=default",
		"ForkAfterAuthentication=no", "StdinNull=no", "LogLevel=INFO",
		"ControlPersist=no"
	};
	const char	*own[sizeof forced / sizeof forced[0]];
	char		*path = NULL, **argv;
	size_t		 i, n = sizeof forced / sizeof forced[0];

	for (i = 0; i < n; i++)
		own[i] = forced[i];
	if (ctlpath != NULL) {
		xasprintf(&path, "ControlPath=%s", ctlpath);
		own[0] = "ControlMaster=yes";
		own[1] = path;
	}
	argv = ssh_argv(o, s, remote, own, n, 1, batch);
	free(path);
	return (argv);
}

/*
 * A command run through the ControlMaster at ctlpath, and only through
 * it: with no configuration read and a proxy that fails at once, a master
 * that is gone cannot turn into a new connection (or a prompt).
 */
char **
ssh_build_peek_argv(const char *ctlpath, const char *destination,
    const char *remote)
{
	char		**argv = NULL, *path;
	size_t		  argc = 0, i;
	static const char *forced[] = {
		"ControlMaster=no", "ProxyCommand=false", "BatchMode=yes",
		"RequestTTY=no", "EscapeChar=none", "ClearAllForwardings=yes",
		"ForwardAgent=no", "ForwardX11=no", "PermitLocalCommand=no",
		"LogLevel=ERROR"
	};

	argv_add(&argv, &argc, ssh_program());
	argv_add(&argv, &argc, "-F");
	argv_add(&argv, &argc, "/dev/null");
	for (i = 0; i < sizeof forced / sizeof forced[0]; i++) {
		argv_add(&argv, &argc, "-o");
		argv_add(&argv, &argc, forced[i]);
	}
	xasprintf(&path, "ControlPath=%s", ctlpath);
	argv_add(&argv, &argc, "-o");
	argv_add(&argv, &argc, path);
	free(path);
	argv_add(&argv, &argc, "--");
	argv_add(&argv, &argc, destination);
	argv_add(&argv, &argc, remote);
	return (argv);
}

/*
 * The ssh command line for a one-off remote command (--list, --kill): the
 * user's options and limpet's settings as for a session, but no terminal.
 */
char **
ssh_build_command_argv(const struct options *o, const struct settings *s,
    const char *remote)
{
	static const char *forced[] = {
		"ControlMaster=no", "ControlPath=none", "EscapeChar=none",
		"RequestTTY=no", "RemoteCommand=none", "SessionType=default",
		"ForkAfterAuthentication=no", "StdinNull=no"
	};

	return (ssh_argv(o, s, remote, forced, sizeof forced /
	    sizeof forced[0], 0, 0));
}

static char **
ssh_argv(const struct options *o, const struct settings *s,
    const char *remote, const char *const *forced, size_t nforced, int tty,
    int batch)
{
	char		**argv = NULL;
	size_t		  argc = 0, i;
	int		  j;

	argv_add(&argv, &argc, ssh_program());
	if (tty)
		argv_add(&argv, &argc, "-t");
	for (i = 0; i < nforced; i++) {
		argv_add(&argv, &argc, "-o");
		argv_add(&argv, &argc, forced[i]);
	}
	/* A speculative connection must never stop to ask anything. */
	if (batch) {
		argv_add(&argv, &argc, "-o");
		argv_add(&argv, &argc, "BatchMode=yes");
	}
	for (j = 0; j < o->nssh_args; j++)
		argv_add(&argv, &argc, o->ssh_args[j]);
	for (i = 0; i < s->nssh_options; i++) {
		argv_add(&argv, &argc, "-o");
		argv_add(&argv, &argc, s->ssh_options[i]);
	}
	argv_add_option(&argv, &argc, "ServerAliveInterval", s->alive_interval);
	argv_add_option(&argv, &argc, "ServerAliveCountMax",
	    s->alive_count_max == ALIVE_COUNT_AUTO ? DEFAULT_ALIVE_COUNT_MAX :
	    s->alive_count_max);
	argv_add_option(&argv, &argc, "ConnectTimeout", s->connect_timeout);
	argv_add(&argv, &argc, "--");
	argv_add(&argv, &argc, o->destination);
	if (remote != NULL)
		argv_add(&argv, &argc, remote);
	return (argv);
}

void
ssh_free_argv(char **argv)
{
	size_t	i;

	if (argv == NULL)
		return;
	for (i = 0; argv[i] != NULL; i++)
		free(argv[i]);
	free(argv);
}

static void
spawn_close_from(int lowfd)
{
#ifdef HAVE_CLOSEFROM
	closefrom(lowfd);
#else
	long	fd, max = sysconf(_SC_OPEN_MAX);

	if (max < 0 || max > 65536)
		max = 65536;
	for (fd = lowfd; fd < max; fd++)
		close((int)fd);
#endif
}

/*
 * In a child between fork and exec: the default signal dispositions and
 * an empty mask (fork happened with every signal blocked), and none of
 * limpet's descriptors beyond the standard three.
 */
static void
spawn_child_reset(void)
{
	sigset_t	none;
	int		sig;

	for (sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	spawn_close_from(STDERR_FILENO + 1);
}

static int
set_nonblock_cloexec(int fd)
{
	int	flags;

	if ((flags = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) == -1)
		return (-1);
	return (0);
}

/*
 * Start ssh. Returns 0 and fills proc, or -1 with errno set when the pty,
 * the pipe or the fork failed. A failed exec is reported by the child on
 * the stderr pipe and exits 127, like a shell would.
 */
int
ssh_spawn(char *const *argv, const struct winsize *ws, struct ssh_proc *proc)
{
	struct winsize	 size = *ws;
	sigset_t	 all, old;
	int		 errpipe[2], outpipe[2], master, saved_errno;
	pid_t		 pid;

	if (pipe(errpipe) == -1)
		return (-1);
	if (pipe(outpipe) == -1) {
		saved_errno = errno;
		close(errpipe[0]);
		close(errpipe[1]);
		errno = saved_errno;
		return (-1);
	}

	/* No handler may run in the child between fork and exec. */
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	pid = forkpty(&master, NULL, NULL, &size);
	if (pid == -1) {
		saved_errno = errno;
		sigprocmask(SIG_SETMASK, &old, NULL);
		close(errpipe[0]);
		close(errpipe[1]);
		close(outpipe[0]);
		close(outpipe[1]);
		errno = saved_errno;
		return (-1);
	}
	if (pid == 0) {
		/*
		 * The pty is ssh's terminal (its input, raw mode, window
		 * size, /dev/tty prompts); what the remote prints comes back
		 * on a pipe, read 64 KiB at a time instead of the 4 KiB a pty
		 * gives, with no line discipline in the way.
		 */
		if (dup2(outpipe[1], STDOUT_FILENO) == -1 ||
		    dup2(errpipe[1], STDERR_FILENO) == -1)
			_exit(127);
		spawn_child_reset();
		execvp(argv[0], argv);
		dprintf(STDERR_FILENO, "limpet: can't run %s: %s\n", argv[0],
		    strerror(errno));
		_exit(127);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(errpipe[1]);
	close(outpipe[1]);
	if (set_nonblock_cloexec(master) == -1 ||
	    set_nonblock_cloexec(outpipe[0]) == -1 ||
	    set_nonblock_cloexec(errpipe[0]) == -1) {
		saved_errno = errno;
		close(master);
		close(outpipe[0]);
		close(errpipe[0]);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		errno = saved_errno;
		return (-1);
	}
	proc->pid = pid;
	proc->master = master;
	proc->outfd = outpipe[0];
	proc->errfd = errpipe[0];
	return (0);
}

void
ssh_close(struct ssh_proc *proc)
{
	if (proc->master != -1)
		close(proc->master);
	if (proc->outfd != -1)
		close(proc->outfd);
	if (proc->errfd != -1)
		close(proc->errfd);
	proc->master = proc->outfd = proc->errfd = -1;
}

/*
 * Start argv with its stdout on a pipe whose read end is *fd; quiet, with
 * no input and its stderr discarded, else with the user's terminal for
 * both. Returns its pid, or -1 with errno set.
 */
static pid_t
spawn_piped(char *const *argv, int quiet, int *fd)
{
	sigset_t	 all, old;
	int		 fds[2], devnull, saved_errno;
	pid_t		 pid;

	if (pipe(fds) == -1)
		return (-1);
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	pid = fork();
	if (pid == 0) {
		if (dup2(fds[1], STDOUT_FILENO) == -1)
			_exit(127);
		if (quiet) {
			devnull = open("/dev/null", O_RDWR);
			if (devnull == -1 ||
			    dup2(devnull, STDIN_FILENO) == -1 ||
			    dup2(devnull, STDERR_FILENO) == -1)
				_exit(127);
		}
		spawn_child_reset();
		execvp(argv[0], argv);
		if (!quiet)
			dprintf(STDERR_FILENO, "limpet: can't run %s: %s\n",
			    argv[0], strerror(errno));
		_exit(127);
	}
	saved_errno = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(fds[1]);
	if (pid == -1) {
		close(fds[0]);
		errno = saved_errno;
		return (-1);
	}
	*fd = fds[0];
	return (pid);
}

/*
 * Start argv in the background with no input and its stderr discarded;
 * *fd is the (non-blocking) read end of its stdout. Returns its pid, or
 * -1 with errno set.
 */
pid_t
spawn_reader(char *const *argv, int *fd)
{
	pid_t	pid;

	if ((pid = spawn_piped(argv, 1, fd)) == -1)
		return (-1);
	if (set_nonblock_cloexec(*fd) == -1) {
		close(*fd);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return (-1);
	}
	return (pid);
}

/*
 * Run argv with no input and its stderr discarded, and collect what it
 * prints (at most len - 1 bytes, NUL-terminated) until it exits. Returns
 * its wait status, or -1 if it could not be run.
 */
int
spawn_capture(char *const *argv, char *out, size_t len)
{
	return (spawn_collect(argv, out, len, 1));
}

/*
 * Run argv with the user's terminal as its input and error output, so it
 * can ask for a password and say what went wrong, and collect what it
 * prints as spawn_capture does.
 */
int
spawn_command(char *const *argv, char *out, size_t len)
{
	return (spawn_collect(argv, out, len, 0));
}

static int
spawn_collect(char *const *argv, char *out, size_t len, int quiet)
{
	size_t	 used = 0;
	ssize_t	 n;
	int	 fd, status;
	pid_t	 pid;

	if (len == 0 || (pid = spawn_piped(argv, quiet, &fd)) == -1)
		return (-1);
	while (used < len - 1) {
		n = read(fd, out + used, len - 1 - used);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		used += (size_t)n;
	}
	out[used] = '\0';
	close(fd);
	while (waitpid(pid, &status, 0) == -1) {
		if (errno != EINTR)
			return (-1);
	}
	return (status);
}
