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
#include <string.h>

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

/*
 * After a replay block: wait for limpet's line saying the block came (see
 * client_replay_ack) before the multiplexer starts, because tmux flushes
 * its terminal's output queue when it takes it over, and whatever sshd
 * had not yet read of the block would be lost. Lines are read a byte at
 * a time, so nothing typed after the line is taken; keys typed ahead of
 * it on the same line (answers to a prompt, say) go with it. The block
 * begins with REMOTE_BLOCK_TTY, which turns echo off and makes reads
 * non-canonical with a timeout of 25 s (the longest one can ask for), so
 * a line that never comes costs that long, not the session; the end of
 * input ends the wait too. The terminal modes are set before the block,
 * not after it, so nothing but the round trip stands between the
 * capture and the attach. The multiplexer sets its own modes. Until it
 * does, keys typed after the line wait in the terminal's input for it,
 * so none of them may act on their own: C-c typed as the session came
 * back would kill this script (and the reattach) instead of reaching
 * the program in the session, C-s would stop its output, C-v or C-o
 * would be eaten.
 */
#define REMOTE_BLOCK_TTY \
	"stty -echo -icanon -isig -ixon -iexten min 0 time 250 2>/dev/null; "
#define REMOTE_ACK_WAIT \
	"while IFS= read -r l; do case $l in *" REPLAY_ACK ") break;; " \
	"esac; done; "

static char	*remote_tmux(const char *, const char *);
static char	*remote_screen_find(const char *);
static char	*remote_screen(const char *, const char *);
static unsigned long remote_fp_hash(const char *);
static char	*remote_replay_awk(const struct replay_anchor *, int);
static char	*remote_replay_tmux(const char *,
		     const struct replay_anchor *);
static char	*remote_replay_screen(const struct replay_anchor *);
static char	*remote_use(const char *, const char *, int);
static char	*remote_wrap(const char *);

/*
 * tmux looks -s NAME up exactly (unlike its -t targets), so "new-session
 * -A" attaches NAME itself or creates it; -D detaches the stale client
 * a dead link leaves behind.
 */
static char *
remote_tmux(const char *name, const char *replay)
{
	char	*s;

	xasprintf(&s, "%sexec tmux new-session -A -D -s %s", replay, name);
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
remote_screen(const char *name, const char *replay)
{
	char	*find, *s;

	find = remote_screen_find(name);
	xasprintf(&s, "%s; "
	    "s=$(limpet_find); "
	    "if [ -z \"$s\" ]; then screen -dmS %s; s=$(limpet_find); fi; "
	    "%s"
	    "if [ -n \"$s\" ]; then exec screen -D -r \"$s\"; fi; "
	    "exec screen -D -R -S %s",
	    find, name, replay, name);
	free(find);
	return (s);
}

/*
 * After a reconnect limpet asks for the rows that scrolled by while it was
 * away, to write them into the terminal's own history. Before attaching,
 * the script prints a block between two marker lines:
 *
 *	limpet-replay-begin
 *	limpet-replay-info H SKIP CAPPED FOUND
 *	H history rows, oldest first, with their colours
 *	limpet-replay-cut
 *	the rows of the pane as it is now
 *	limpet-replay-end
 *
 * Only rows from the one limpet last saw on the terminal onwards are sent,
 * so a reconnect after a quiet outage costs a screenful: awk finds that
 * row in the history by a fingerprint (letters and digits only, so it can
 * stand in the command unquoted) of the last few rows above the cursor.
 * Everything awk needs as a string comes in with -v: the script must hold
 * no double quote of its own inside the double-quoted program, no "$"
 * and no backslash.
 *
 * tmux prints the pane's history size and whether it shows something else
 * than its screen (the alternate screen, or copy mode scrolled back into
 * the history: the terminal showed rows it already had), then the history
 * and the pane, in one command list so no output lands between them; with
 * no history, "-E -1" still prints the pane's first row, which is dropped.
 * screen writes its history and window into a file with "hardcopy -h";
 * "-Q info" says how many of those rows are the window. "screen -X"
 * returns once the command is sent, not done: with the session busy
 * printing, the file could still be empty when read (4 to 6 times in 100
 * here). The session takes commands in turn and answers a query only once
 * it got to it, so the query goes second and the file is whole after it.
 */
#define REPLAY_AWK \
	"BEGIN { alt = 0; getline hd; " \
	"if (y == 1) { split(hd, v, o); ph = v[3] + 0; hs = 1 } " \
	"else { split(hd, v); hs = v[1] + 0; alt = v[2] + v[3] } " \
	"n = 0; cut = -1; w = 0; " \
	"while ((getline l) > 0) { " \
	"if (l == c) { if (hs == 0) { n = 0; w = 0; f2 = z; f3 = z } " \
	"cut = n; continue } " \
	"n++; r[n] = l; p = l; gsub(/[^ -~][[][0-9;:]*m/, z, p); " \
	"gsub(/[^A-Za-z0-9]/, z, p); p = substr(p, 1, q); h = 0; " \
	"for (t = 1; t <= length(p); t++) " \
	"h = (h * 31 + index(d, substr(p, t, 1))) % 1000003; " \
	"f1 = f2; f2 = f3; f3 = h z; " \
	"if ((k < 3 || f1 == a1) && (k < 2 || f2 == a2) && f3 == a3) " \
	"w = n } " \
	"if (y == 1) cut = n - ph; " \
	"if (w == 0 || cut < 0 || (y == 1 && ph < 1)) " \
	"{ print i, 0, alt, 0, 0; exit } " \
	"s = w - b; if (s < 1) s = 1; e = 0; " \
	"if (cut - s + 1 > x) { e = cut - x + 1 - s; s = cut - x + 1 } " \
	"h = cut - s + 1; if (h < 0) h = 0; " \
	"print i, h, alt, e, 1; " \
	"for (j = s; j <= cut; j++) print r[j]; " \
	"print c; " \
	"for (j = (s > cut ? s : cut + 1); j <= n; j++) print r[j] }"

/*
 * The fingerprints travel as a hash, the same one the awk script computes
 * (each character's place in REPLAY_FP_DIGITS, base 31, modulo a prime):
 * rows of the user's screen have no business in the process lists of
 * either machine. A collision only makes an anchor ambiguous, and an
 * ambiguous anchor is not replayed.
 */
#define REPLAY_FP_DIGITS \
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

static unsigned long
remote_fp_hash(const char *fp)
{
	const char	*at;
	unsigned long	 h = 0;

	for (; *fp != '\0'; fp++) {
		at = strchr(REPLAY_FP_DIGITS, *fp);
		h = (h * 31 + (at != NULL ? (unsigned long)(at -
		    REPLAY_FP_DIGITS) + 1 : 0)) % 1000003;
	}
	return (h);
}

static char *
remote_replay_awk(const struct replay_anchor *a, int screen)
{
	const char	*fp[REPLAY_FP_ROWS];
	char		*s;
	int		 i, skip = REPLAY_FP_ROWS - a->nfp;

	for (i = 0; i < REPLAY_FP_ROWS; i++)
		fp[i] = (i >= skip) ? a->fp[i - skip] : "";
	xasprintf(&s, "awk -v k=%d -v a1=%lu -v a2=%lu -v a3=%lu -v b=%d "
	    "-v y=%d -v o=, -v q=%d -v x=%d -v c=%s -v i=%s -v d=%s -v z= "
	    "\"%s\"", a->nfp, remote_fp_hash(fp[0]), remote_fp_hash(fp[1]),
	    remote_fp_hash(fp[2]), a->back, screen, REPLAY_FP_MAX, REPLAY_CAP,
	    REPLAY_CUT, REPLAY_INFO, REPLAY_FP_DIGITS, REPLAY_AWK);
	return (s);
}

/* The tmux block, printed before the attach. */
static char *
remote_replay_tmux(const char *name, const struct replay_anchor *a)
{
	char	*awk, *s;

	awk = remote_replay_awk(a, 0);
	xasprintf(&s, REMOTE_BLOCK_TTY "echo %s; "
	    "if tmux has-session -t =%s 2>/dev/null; then "
	    "tmux display-message -p -t =%s: "
	    "\"#{history_size} #{alternate_on} #{pane_in_mode}\" \";\" "
	    "capture-pane -p -e -S - -E -1 -t =%s: \";\" "
	    "display-message -p -t =%s: %s \";\" "
	    "capture-pane -p -e -S 0 -E - -t =%s: 2>/dev/null | %s; fi; "
	    "echo %s; ",
	    REPLAY_BEGIN, name, name, name, name, REPLAY_CUT, name, awk,
	    REPLAY_END);
	free(awk);
	return (s);
}

/* The screen block: $s is the session's PID.NAME, if there is one. */
static char *
remote_replay_screen(const struct replay_anchor *a)
{
	char	*awk, *s;

	awk = remote_replay_awk(a, 1);
	xasprintf(&s, REMOTE_BLOCK_TTY "echo %s; "
	    "if [ -n \"$s\" ] && f=$(mktemp 2>/dev/null); then "
	    "screen -S \"$s\" -X hardcopy -h \"$f\" 2>/dev/null; "
	    "info=$(screen -S \"$s\" -Q info 2>/dev/null); "
	    "{ echo \"$info\"; cat \"$f\"; } | %s; rm -f \"$f\"; fi; "
	    "echo %s; ",
	    REPLAY_BEGIN, awk, REPLAY_END);
	free(awk);
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
	return (remote_command_replay(mux, name, NULL));
}

/*
 * The remote command; with an anchor, each way of attaching first prints
 * the rows scrolled by since the anchor (an empty block when there is no
 * multiplexer), so limpet always finds the end of the block.
 */
char *
remote_command_replay(enum mux mux, const char *name,
    const struct replay_anchor *anchor)
{
	char	*tmux, *screen, *use_tmux, *use_screen, *script, *cmd;
	char	*rtmux, *rscreen, *rnone, *block;

	if (anchor != NULL) {
		block = remote_replay_tmux(name, anchor);
		xasprintf(&rtmux, "%s%s", block, REMOTE_ACK_WAIT);
		free(block);
		block = remote_replay_screen(anchor);
		xasprintf(&rscreen, "%s%s", block, REMOTE_ACK_WAIT);
		free(block);
		/* A login shell follows: the modes go back as they were. */
		xasprintf(&rnone, "t=$(stty -g 2>/dev/null); %secho %s; "
		    "echo %s; %s[ -n \"$t\" ] && stty \"$t\" 2>/dev/null; ",
		    REMOTE_BLOCK_TTY, REPLAY_BEGIN, REPLAY_END,
		    REMOTE_ACK_WAIT);
	} else {
		rtmux = xstrdup("");
		rscreen = xstrdup("");
		rnone = xstrdup("");
	}
	tmux = remote_tmux(name, rtmux);
	screen = remote_screen(name, rscreen);
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
		    ">&2; %sexec \"${SHELL:-/bin/sh}\" -l", use_tmux,
		    use_screen, rnone);
		free(use_screen);
		free(use_tmux);
		break;
	}
	free(screen);
	free(tmux);
	free(rtmux);
	free(rscreen);
	free(rnone);

	cmd = remote_wrap(script);
	free(script);
	return (cmd);
}

/*
 * The command for a peek at the session over the side channel: the tmux
 * block alone, nothing attached (screen draws every row it scrolls).
 */
char *
remote_command_peek(const char *name, const struct replay_anchor *anchor)
{
	char	*block, *script, *cmd;

	block = remote_replay_tmux(name, anchor);
	xasprintf(&script, "%s:", block);	/* the block ends in "; " */
	free(block);
	block = script;
	script = remote_use("tmux", block, 0);
	cmd = remote_wrap(script);
	free(script);
	free(block);
	return (cmd);
}

/*
 * The command that has tmux draw the session's clients again (there is
 * one: the attach detached the others), with no change of size.
 */
char *
remote_command_redraw(const char *name)
{
	char	*script, *cmd;

	xasprintf(&script, "if command -v tmux >/dev/null 2>&1; then "
	    "for t in $(tmux list-clients -t =%s -F \"#{client_name}\" "
	    "2>/dev/null); do tmux refresh-client -t \"$t\"; done; fi", name);
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
