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

#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "limpet.h"

/*
 * --list and --kill: one ssh to the host running a remote command, with
 * the user's options and limpet's settings, then limpet exits. A password
 * prompt reaches the user as it would with ssh, and ssh's messages go to
 * the terminal; ssh's own failures end limpet with ssh's status.
 */

/* Enough for thousands of sessions; the rest is cut off, not misread. */
#define SESSIONS_OUTPUT_MAX	65536

#define LIST_PREFIX	"limpet-list "

static int	 sessions_status(int);
static int	 sessions_run(const struct options *, const struct settings *,
		     const char *, char *, size_t);
static const char *sessions_screen_state(const char *);

/* The exit status for a wait status, as a shell would report it. */
static int
sessions_status(int status)
{
	if (WIFEXITED(status))
		return (WEXITSTATUS(status));
	if (WIFSIGNALED(status))
		return (128 + WTERMSIG(status));
	return (EXIT_INTERNAL);
}

static int
sessions_run(const struct options *o, const struct settings *s,
    const char *remote, char *out, size_t len)
{
	char	**argv;
	size_t	  i;
	int	  status;

	argv = ssh_build_command_argv(o, s, remote);
	for (i = 0; argv[i] != NULL; i++)
		log_verbose("argv[%zu] = %s", i, argv[i]);
	status = spawn_command(argv, out, len);
	ssh_free_argv(argv);
	if (status == -1)
		fatal("can't run ssh");
	log_debug("ssh exited with status %d", sessions_status(status));
	return (sessions_status(status));
}

/* What screen -ls says after PID.NAME, in the words tmux users know. */
static const char *
sessions_screen_state(const char *rest)
{
	if (strstr(rest, "Dead") != NULL)
		return ("dead");
	if (strstr(rest, "ttached") != NULL)
		return ("attached");
	if (strstr(rest, "etached") != NULL)
		return ("detached");
	return ("unknown");
}

/*
 * Print the sessions the list command reported, one per line: the
 * multiplexer, the session name and whether a client is attached.
 * Returns 0, or -1 when the output is not the whole list (the command
 * did not run to its end). Notes for the user go to errf.
 */
int
sessions_print(const char *text, const char *host, FILE *out, FILE *errf)
{
	const char	*line, *next, *word, *rest, *dot;
	char		 buf[1024], *end;
	int		 have_tmux = 0, have_screen = 0, ended = 0, n = 0;
	long		 clients;
	size_t		 len;

	for (line = text; *line != '\0'; line = next) {
		len = strcspn(line, "\n");
		next = line + len + (line[len] == '\n');
		if (len >= sizeof buf || strncmp(line, LIST_PREFIX,
		    strlen(LIST_PREFIX)) != 0)
			continue;
		memcpy(buf, line, len);
		buf[len] = '\0';
		if (len > 0 && buf[len - 1] == '\r')
			buf[len - 1] = '\0';
		word = buf + strlen(LIST_PREFIX);

		if (strcmp(word, "tmux") == 0)
			have_tmux = 1;
		else if (strcmp(word, "screen") == 0)
			have_screen = 1;
		else if (strcmp(word, "end") == 0)
			ended = 1;
		else if (strncmp(word, "tmux-session ", 13) == 0) {
			clients = strtol(word + 13, &end, 10);
			if (end == word + 13 || *end != ' ' || end[1] == '\0')
				continue;
			fprintf(out, "%-7s %-24s %s\n", "tmux", end + 1,
			    clients > 0 ? "attached" : "detached");
			n++;
		} else if (strncmp(word, "screen-session ", 15) == 0) {
			word += 15;
			rest = word + strcspn(word, " \t");
			if ((dot = memchr(word, '.', rest - word)) == NULL ||
			    dot + 1 == rest)
				continue;
			fprintf(out, "%-7s %-24.*s %s\n", "screen",
			    (int)(rest - dot - 1), dot + 1,
			    sessions_screen_state(rest));
			n++;
		}
	}
	if (!ended)
		return (-1);
	if (!have_tmux && !have_screen)
		fprintf(errf, "limpet: neither tmux nor screen is installed "
		    "on %s\n", host);
	else if (n == 0)
		fprintf(errf, "limpet: no sessions on %s\n", host);
	return (0);
}

int
sessions_list(const struct options *o, const struct settings *s)
{
	char	*remote, *out;
	int	 status;

	remote = remote_list_command();
	out = xmalloc(SESSIONS_OUTPUT_MAX);
	status = sessions_run(o, s, remote, out, SESSIONS_OUTPUT_MAX);
	free(remote);
	if (status == 0 && sessions_print(out, o->host, stdout, stderr) != 0) {
		fprintf(stderr, "limpet: the session list from %s was cut "
		    "short\n", o->host);
		status = EXIT_INTERNAL;
	}
	free(out);
	fflush(stdout);
	return (status);
}

int
sessions_kill(const struct options *o, const struct settings *s)
{
	char	*remote, out[1024];
	int	 status;

	remote = remote_kill_command(s->mux, o->kill_session);
	status = sessions_run(o, s, remote, out, sizeof out);
	free(remote);
	/* Nothing is expected on stdout; pass on whatever came. */
	fputs(out, stdout);
	fflush(stdout);
	return (status);
}
