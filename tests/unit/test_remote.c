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
#include <sys/wait.h>

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "limpet.h"
#include "tests/unit/unit.h"

static const enum mux	 all[] = { MUX_AUTO, MUX_TMUX, MUX_SCREEN, MUX_NONE };

static const char *const names[] = {
	"limpet",
	"a",
	"web-01_main",
	"0123456789",
	"-x",
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
};

static const char *const warning = "limpet: neither tmux nor screen is "
    "installed on this host; this shell will not survive a disconnect";

static int	 count(const char *, const char *);
static char	*inner(const char *);
static int	 sh_syntax_ok(const char *);
static void	 check_one_shape(char *);
static void	 check_shape(void);
static void	 check_list(void);
static void	 check_kill(void);
static void	 check_tmux(void);
static void	 check_screen(void);
static void	 check_auto(void);
static void	 check_none(void);

/* How many times s holds sub. */
static int
count(const char *s, const char *sub)
{
	int	 n = 0;

	while ((s = strstr(s, sub)) != NULL) {
		n++;
		s += strlen(sub);
	}
	return (n);
}

/* The script between "exec sh -c '" and the final quote, or NULL. */
static char *
inner(const char *cmd)
{
	static const char	 head[] = "exec sh -c '";
	size_t			 hlen = sizeof head - 1, len = strlen(cmd);
	char			*s;

	if (len < hlen + 1 || strncmp(cmd, head, hlen) != 0 ||
	    cmd[len - 1] != '\'')
		return (NULL);
	s = xmalloc(len - hlen);
	memcpy(s, cmd + hlen, len - hlen - 1);
	s[len - hlen - 1] = '\0';
	return (s);
}

/* Whether /bin/sh parses the script (sh -n reads without running). */
static int
sh_syntax_ok(const char *script)
{
	pid_t	 pid;
	int	 status, fd;

	fflush(stdout);
	if ((pid = fork()) == -1)
		return (0);
	if (pid == 0) {
		if ((fd = open("/dev/null", O_WRONLY)) != -1)
			dup2(fd, STDERR_FILENO);
		execl("/bin/sh", "sh", "-n", "-c", script, (char *)NULL);
		_exit(126);
	}
	if (waitpid(pid, &status, 0) != pid)
		return (0);
	return (WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/*
 * Every command, with or without the replay block, has the one shape
 * every login shell reads alike, and the script inside holds nothing that
 * bash, zsh, fish or tcsh would touch inside single quotes.
 */
static void
check_one_shape(char *cmd)
{
	char	*script;

	CHECK(cmd != NULL);
	if (cmd == NULL)
		return;
	CHECK(strncmp(cmd, "exec sh -c '", 12) == 0);
	CHECK(count(cmd, "'") == 2);
	CHECK(strchr(cmd, '!') == NULL);
	CHECK(strchr(cmd, '\\') == NULL);
	CHECK(strchr(cmd, '\n') == NULL);
	CHECK(strchr(cmd, '\r') == NULL);
	CHECK(strchr(cmd, '`') == NULL);
	script = inner(cmd);
	CHECK(script != NULL);
	if (script != NULL) {
		CHECK(sh_syntax_ok(script));
		free(script);
	}
	free(cmd);
}

static void
check_shape(void)
{
	struct replay_anchor	 anchor;
	size_t			 i, j;

	/* The anchor's fingerprints are letters and digits, maybe none. */
	memset(&anchor, 0, sizeof anchor);
	snprintf(anchor.fp[0], sizeof anchor.fp[0], "HB12");
	snprintf(anchor.fp[2], sizeof anchor.fp[2], "x9");
	anchor.nfp = 3;
	anchor.back = 30;
	for (i = 0; i < 2 * sizeof all / sizeof all[0]; i++) {
		for (j = 0; j < sizeof names / sizeof names[0]; j++) {
			if (i < sizeof all / sizeof all[0]) {
				check_one_shape(remote_command(all[i],
				    names[j]));
				check_one_shape(remote_kill_command(all[i],
				    names[j]));
			} else {
				check_one_shape(remote_command_replay(
				    all[i % 4], names[j], &anchor));
				check_one_shape(remote_command_peek(names[j],
				    &anchor));
				check_one_shape(remote_command_redraw(
				    names[j]));
			}
		}
	}
	check_one_shape(remote_list_command());

	/* The syntax check itself can fail. */
	CHECK(!sh_syntax_ok("if true; then"));
	CHECK(inner("exec sh -c 'x") == NULL);
}

static void
check_tmux(void)
{
	char	*cmd;

	cmd = remote_command(MUX_TMUX, "web-01_main");
	CHECK(count(cmd, "command -v tmux >/dev/null 2>&1") == 1);
	CHECK(count(cmd, "exec tmux new-session -A -D -s web-01_main;") == 1);
	CHECK(count(cmd,
	    "echo \"limpet: tmux is not installed on this host\" >&2") == 1);
	CHECK(count(cmd, "exit 127") == 1);
	CHECK(strstr(cmd, "screen") == NULL);
	CHECK(strstr(cmd, warning) == NULL);
	/* The message comes only when tmux is missing, after the exec. */
	CHECK(strstr(cmd, "exec tmux") < strstr(cmd, "limpet: tmux"));
	free(cmd);

	/* The name is used as given, all of it. */
	cmd = remote_command(MUX_TMUX, names[5]);
	CHECK(strstr(cmd, names[5]) != NULL);
	free(cmd);
}

static void
check_screen(void)
{
	char	*cmd;

	cmd = remote_command(MUX_SCREEN, "foo");
	CHECK(count(cmd, "command -v screen >/dev/null 2>&1") == 1);
	CHECK(count(cmd,
	    "echo \"limpet: screen is not installed on this host\" >&2") == 1);
	CHECK(count(cmd, "exit 127") == 1);
	CHECK(strstr(cmd, "tmux") == NULL);
	CHECK(strstr(cmd, warning) == NULL);

	/* Exact lookup of PID.NAME, creation detached, attach by PID.NAME. */
	CHECK(count(cmd, "screen -ls") == 1);
	CHECK(count(cmd, "[0-9]*.foo)") == 1);
	CHECK(count(cmd, "\"${w#*.}\" = foo ]") == 1);
	CHECK(count(cmd, "*Dead*") == 1);
	CHECK(count(cmd, "screen -dmS foo;") == 1);
	CHECK(count(cmd, "exec screen -D -r \"$s\"") == 1);
	CHECK(count(cmd, "exec screen -D -R -S foo;") == 1);
	CHECK(strstr(cmd, "screen -dmS foo") < strstr(cmd, "screen -D -r"));
	free(cmd);
}

static void
check_auto(void)
{
	char	*cmd;
	char	*t, *s, *w;

	cmd = remote_command(MUX_AUTO, "limpet");
	t = strstr(cmd, "exec tmux new-session -A -D -s limpet;");
	s = strstr(cmd, "exec screen -D -r \"$s\"");
	w = strstr(cmd, warning);
	CHECK(t != NULL && s != NULL && w != NULL);
	CHECK(t < s && s < w);	/* tmux first, then screen, then a shell */
	CHECK(count(cmd, "screen -dmS limpet;") == 1);
	CHECK(strstr(cmd, "exec \"${SHELL:-/bin/sh}\" -l'") != NULL);
	CHECK(strstr(w, ">&2;") != NULL);
	/* Missing multiplexers are not errors here. */
	CHECK(strstr(cmd, "exit 127") == NULL);
	CHECK(strstr(cmd, "is not installed on this host\"") == NULL);
	free(cmd);
}

static void
check_none(void)
{
	char	*cmd;

	cmd = remote_command(MUX_NONE, "limpet");
	CHECK_STR(cmd, "exec sh -c 'exec \"${SHELL:-/bin/sh}\" -l'");
	CHECK(strstr(cmd, "limpet") == NULL);
	free(cmd);
}

/* --list asks both multiplexers and marks every line it prints. */
static void
check_list(void)
{
	char	*cmd;

	cmd = remote_list_command();
	CHECK(count(cmd, "command -v tmux >/dev/null 2>&1") == 1);
	CHECK(count(cmd, "command -v screen >/dev/null 2>&1") == 1);
	CHECK(count(cmd, "tmux list-sessions -F \"limpet-list tmux-session "
	    "#{session_attached} #{session_name}\"") == 1);
	CHECK(count(cmd, "screen -ls") == 1);
	CHECK(count(cmd, "echo limpet-list end") == 1);
	/* Nothing is started, attached or killed. */
	CHECK(strstr(cmd, "new-session") == NULL);
	CHECK(strstr(cmd, "kill") == NULL);
	CHECK(strstr(cmd, "-dmS") == NULL);
	free(cmd);
}

/* --kill matches exactly and only in the multiplexer it is told. */
static void
check_kill(void)
{
	char	*cmd;

	cmd = remote_kill_command(MUX_AUTO, "foo");
	CHECK(count(cmd, "tmux has-session -t =foo ") == 1);
	CHECK(count(cmd, "exec tmux kill-session -t =foo;") == 1);
	CHECK(count(cmd, "\"${w#*.}\" = foo ]") == 1);
	CHECK(count(cmd, "exec screen -S \"$s\" -X quit") == 1);
	CHECK(strstr(cmd, "kill-session") < strstr(cmd, "-X quit"));
	CHECK(count(cmd, "echo \"limpet: no session foo on this host\" >&2; "
	    "exit 1'") == 1);
	CHECK(strstr(cmd, "-dmS") == NULL);
	free(cmd);

	cmd = remote_kill_command(MUX_TMUX, "foo");
	CHECK(strstr(cmd, "kill-session -t =foo") != NULL);
	CHECK(strstr(cmd, "-X quit") == NULL);
	free(cmd);

	cmd = remote_kill_command(MUX_SCREEN, "foo");
	CHECK(strstr(cmd, "tmux") == NULL);
	CHECK(strstr(cmd, "-X quit") != NULL);
	free(cmd);
}

int
main(void)
{
	check_shape();
	check_list();
	check_kill();
	check_tmux();
	check_screen();
	check_auto();
	check_none();
	return (unit_done());
}
