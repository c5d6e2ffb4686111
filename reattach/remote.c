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

#include "limpet.h"

/*
 * The remote command.
 *
 * sshd runs it as "$SHELL -c STRING" with the user's login shell, which
 * may be bash, dash, zsh, fish or tcsh. The only shape all of them read
 * the same way is "exec sh -c '<script>'": every one has exec, and inside
 * single quotes none of them interprets anything as long as the script
 * holds no single quote, no backslash (fish still reads \\ and \' there),
 * no "!" (csh history) and no newline (csh refuses it in quotes). The
 * script itself is then plain POSIX sh, whatever the login shell is.
 *
 * The session name has been checked to be [A-Za-z0-9_-], so it can stand
 * unquoted anywhere in the script.
 */

/* Exit status of a missing multiplexer, as a shell reports "not found". */
#define REMOTE_NOT_FOUND	127

static char	*remote_tmux(const char *);
static char	*remote_screen_find(const char *);
static char	*remote_screen(const char *);
static char	*remote_use(const char *, const char *, int);
static char	*remote_wrap(const char *);

/*
 * tmux looks -s NAME up exactly (unlike its -t targets), so "new-session
 * -A" attaches NAME itself or creates it; -D detaches the stale client
 * a dead link leaves behind.
 */
static char *
remote_tmux(const char *name)
{
	char	*s;

	xasprintf(&s, "exec tmux new-session -A -D -s %s", name);
	return (s);
}

/*
 * screen needs more care than "screen -D -R -S NAME":
 *
 * - screen matches a session name as a prefix: asked for "foo", -D -R -S
 *   attaches an existing "foobar" (screen 4.9, checked). So find the
 *   session ourselves in "screen -ls", whose lines start with PID.NAME,
 *   and attach it by its full PID.NAME, which nothing else can match.
 *   Dead sockets are skipped: attaching them fails.
 *
 * - Two sessions with the same name make -R refuse with "several suitable
 *   screens". Two connections creating the session at the same moment
 *   leave two behind (each attaches its own); taking the last exact
 *   match in the list then keeps every later connection working, all on
 *   the same one.
 *
 * - A new session is created detached (-dmS) and then attached like an
 *   existing one. screen shows its splash page when started without
 *   arguments or when a .screenrc says "startup_message on"; a session
 *   created without a display never shows it, so nothing waits for a
 *   key. "screen -dm" returns only once the session's socket exists, so
 *   the second lookup finds it; if it still does not, fall back to
 *   -D -R -S and let screen say what is wrong.
 */
static char *
remote_screen_find(const char *name)
{
	char	*s;

	xasprintf(&s,
	    "limpet_find() { screen -ls 2>/dev/null | while read -r w r; do "
	    "case $w in [0-9]*.%s) case $r in *Dead*) ;; *) "
	    "if [ \"${w#*.}\" = %s ]; then echo \"$w\"; fi;; esac;; esac; "
	    "done | tail -n 1; }",
	    name, name);
	return (s);
}

static char *
remote_screen(const char *name)
{
	char	*find, *s;

	find = remote_screen_find(name);
	xasprintf(&s, "%s; "
	    "s=$(limpet_find); "
	    "if [ -z \"$s\" ]; then screen -dmS %s; s=$(limpet_find); fi; "
	    "if [ -n \"$s\" ]; then exec screen -D -r \"$s\"; fi; "
	    "exec screen -D -R -S %s",
	    find, name, name);
	free(find);
	return (s);
}

/*
 * Run the multiplexer's command if the host has it, or else, when it was
 * asked for by name, say so and exit as a shell does for "not found".
 */
static char *
remote_use(const char *mux, const char *body, int required)
{
	char	*s;

	if (!required) {
		xasprintf(&s, "if command -v %s >/dev/null 2>&1; then %s; fi",
		    mux, body);
	} else {
		xasprintf(&s, "if command -v %s >/dev/null 2>&1; then %s; fi; "
		    "echo \"limpet: %s is not installed on this host\" >&2; "
		    "exit %d", mux, body, mux, REMOTE_NOT_FOUND);
	}
	return (s);
}

static char *
remote_wrap(const char *script)
{
	char	*s;

	xasprintf(&s, "exec sh -c '%s'", script);
	return (s);
}

char *
remote_command(enum mux mux, const char *name)
{
	char	*tmux, *screen, *use_tmux, *use_screen, *script, *cmd;

	tmux = remote_tmux(name);
	screen = remote_screen(name);
	switch (mux) {
	case MUX_TMUX:
		script = remote_use("tmux", tmux, 1);
		break;
	case MUX_SCREEN:
		script = remote_use("screen", screen, 1);
		break;
	case MUX_NONE:
		/*
		 * A login shell: -l means that to bash, dash, zsh, fish,
		 * tcsh and ksh alike.
		 */
		script = xstrdup("exec \"${SHELL:-/bin/sh}\" -l");
		break;
	case MUX_AUTO:
	default:
		use_tmux = remote_use("tmux", tmux, 0);
		use_screen = remote_use("screen", screen, 0);
		xasprintf(&script, "%s; %s; "
		    "echo \"limpet: neither tmux nor screen is installed on "
		    "this host; this shell will not survive a disconnect\" "
		    ">&2; exec \"${SHELL:-/bin/sh}\" -l", use_tmux, use_screen);
		free(use_screen);
		free(use_tmux);
		break;
	}
	free(screen);
	free(tmux);

	cmd = remote_wrap(script);
	free(script);
	return (cmd);
}

/*
 * The command for --list: every line it prints starts with "limpet-list"
 * so that whatever a login shell's startup files print is told apart.
 * "tmux" and "screen" say the multiplexer is installed; each session is
 * "tmux-session CLIENTS NAME" (NAME last, as tmux allows blanks in it) or
 * "screen-session PID.NAME STATE..." as screen -ls shows it; "end" says
 * the whole script ran.
 */
char *
remote_list_command(void)
{
	return (remote_wrap(
	    "if command -v tmux >/dev/null 2>&1; then "
	    "echo limpet-list tmux; "
	    "tmux list-sessions -F "
	    "\"limpet-list tmux-session #{session_attached} #{session_name}\" "
	    "2>/dev/null; fi; "
	    "if command -v screen >/dev/null 2>&1; then "
	    "echo limpet-list screen; "
	    "screen -ls 2>/dev/null | while read -r w r; do "
	    "case $w in [0-9]*.?*) echo \"limpet-list screen-session $w $r\";; "
	    "esac; done; fi; "
	    "echo limpet-list end"));
}

/*
 * The command for --kill: end the session NAME, in tmux first unless
 * screen was asked for, matching the name exactly in both (tmux's "="
 * prefix, screen's full PID.NAME). Exits 1 with a message when there is
 * no such session.
 */
char *
remote_kill_command(enum mux mux, const char *name)
{
	char	*find, *script, *cmd, *tmux = NULL, *screen = NULL;

	find = remote_screen_find(name);
	if (mux != MUX_SCREEN) {
		xasprintf(&tmux, "if command -v tmux >/dev/null 2>&1 && "
		    "tmux has-session -t =%s 2>/dev/null; then "
		    "exec tmux kill-session -t =%s; fi; ", name, name);
	}
	if (mux != MUX_TMUX) {
		screen = xstrdup("if command -v screen >/dev/null 2>&1; then "
		    "s=$(limpet_find); if [ -n \"$s\" ]; then "
		    "exec screen -S \"$s\" -X quit; fi; fi; ");
	}
	xasprintf(&script, "%s; %s%s"
	    "echo \"limpet: no session %s on this host\" >&2; exit 1",
	    find, tmux != NULL ? tmux : "", screen != NULL ? screen : "",
	    name);
	free(screen);
	free(tmux);
	free(find);
	cmd = remote_wrap(script);
	free(script);
	return (cmd);
}
