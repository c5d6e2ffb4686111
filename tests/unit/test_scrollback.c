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

#include <vterm.h>

#include "limpet.h"
#include "tests/unit/unit.h"

/*
 * The replay, end to end without a network: what scrollback_feed writes
 * goes into a second libvterm standing for the user's terminal, whose
 * scrolled-off rows are its history.
 */

#define ROWS	10
#define COLS	40

struct term {
	VTerm		*vt;
	VTermScreen	*screen;
	char		 history[256][COLS + 1];
	int		 nhistory;
};

static int	 term_push(int, const VTermScreenCell *, void *);
static void	 term_init(struct term *);
static void	 term_row(struct term *, int, char *);
static void	 relay(struct scrollback_state *, struct term *, const char *);
static char	*history_joined(struct term *);
static void	 append(char *, const char *, size_t);
static struct scrollback_state *reconnected(struct term *, enum mux, char **);
static void	 finish(struct scrollback_state *, struct term *);
static char	*block(int, int, int, const char *);

static const VTermScreenCallbacks term_callbacks = {
	.sb_pushline = term_push
};

/* strcat within the buffer's size. */
static void
append(char *buf, const char *s, size_t size)
{
	size_t	len = strlen(buf);

	snprintf(buf + len, size - len, "%s", s);
}

static int
term_push(int cols, const VTermScreenCell *cells, void *arg)
{
	struct term	*t = arg;
	int		 i, n = 0;

	if (t->nhistory == 256)
		return (1);
	for (i = 0; i < cols && i < COLS && cells[i].chars[0] != 0; i++)
		t->history[t->nhistory][n++] = (char)cells[i].chars[0];
	t->history[t->nhistory++][n] = '\0';
	return (1);
}

static void
term_init(struct term *t)
{
	memset(t, 0, sizeof *t);
	t->vt = vterm_new(ROWS, COLS);
	vterm_set_utf8(t->vt, 1);
	t->screen = vterm_obtain_screen(t->vt);
	vterm_screen_set_callbacks(t->screen, &term_callbacks, t);
	vterm_screen_reset(t->screen, 1);
}

static void
term_row(struct term *t, int row, char *buf)
{
	VTermRect	rect = { row, row + 1, 0, COLS };
	size_t		n;

	n = vterm_screen_get_text(t->screen, buf, COLS, rect);
	while (n > 0 && buf[n - 1] == ' ')
		n--;
	buf[n] = '\0';
}

/* Output from the remote through the module to the terminal. */
static void
relay(struct scrollback_state *sb, struct term *t, const char *s)
{
	const char	*out;
	size_t		 n;

	n = scrollback_feed(sb, s, strlen(s), &out);
	vterm_input_write(t->vt, out, n);
}

static char *
history_joined(struct term *t)
{
	static char	buf[4096];
	int		i;

	buf[0] = '\0';
	for (i = 0; i < t->nhistory; i++) {
		append(buf, t->history[i], sizeof buf);
		append(buf, " ", sizeof buf);
	}
	return (buf);
}

static const char	 screen1[] = "\033[H\033[2JL1\r\nL2\r\nL3\r\nL4\r\n";
static const char	 all12[] = "L1 L2 L3 L4 L5 L6 L7 L8 L9 L10 L11 L12 ";

/* A block with history rows L0 to LLAST and the pane from L(LAST+1). */
static char *
block(int first, int last, int pane_first, const char *info)
{
	static char	buf[4096];
	char		row[32];
	int		i;

	snprintf(buf, sizeof buf, REPLAY_BEGIN "\r\n" REPLAY_INFO " %s\r\n",
	    info);
	for (i = first; i <= last; i++) {
		snprintf(row, sizeof row, "\033[1mL%d\033[m\r\n", i);
		append(buf, row, sizeof buf);
	}
	append(buf, REPLAY_CUT "\r\n", sizeof buf);
	for (i = pane_first; i < pane_first + ROWS; i++) {
		snprintf(row, sizeof row, "L%d\r\n", i);
		append(buf, row, sizeof buf);
	}
	append(buf, REPLAY_END "\r\n", sizeof buf);
	return (buf);
}

/*
 * The terminal shows screen1, the link is lost, and a new connection
 * (whose command is left in *cmdp) is about to send its first output.
 */
static struct scrollback_state *
reconnected(struct term *t, enum mux mux, char **cmdp)
{
	struct scrollback_state	*sb = scrollback_new(ROWS, COLS);
	char			*cmd;

	term_init(t);
	scrollback_begin(sb);
	relay(sb, t, screen1);
	cmd = scrollback_command(sb, mux, "x");
	if (cmdp != NULL)
		*cmdp = cmd;
	else
		free(cmd);
	scrollback_begin(sb);
	return (sb);
}

static void
finish(struct scrollback_state *sb, struct term *t)
{
	scrollback_free(sb);
	vterm_free(t->vt);
}

static void
check_helpers(void)
{
	char	row[64], fp[REPLAY_FP_MAX + 1];

	snprintf(row, sizeof row, "\033[1;31mHB 12\033[m  \033[K  ");
	scrollback_plain(row);
	CHECK_STR(row, "HB 12");
	scrollback_fingerprint("root@vm:~# echo \"x\" 1", fp, sizeof fp);
	CHECK_STR(fp, "rootvmechox1");
	scrollback_fingerprint("0123456789012345678901234567890123456789",
	    fp, sizeof fp);
	CHECK(strlen(fp) == REPLAY_FP_MAX);
}

/* The anchor found once: what left the pane goes into the history. */
static void
check_replay(void)
{
	struct scrollback_state	*sb;
	struct term		 t;
	char			*cmd, buf[COLS + 1];
	int			 replayed, capped;

	sb = reconnected(&t, MUX_TMUX, &cmd);
	/* The rows "L2" "L3" "L4" travel hashed: 12 * 31 + 55, and so on. */
	CHECK(cmd != NULL && strstr(cmd, "-v a1=427 -v a2=428 -v a3=429 ") !=
	    NULL);
	CHECK(cmd != NULL && strstr(cmd, "L2") == NULL);
	CHECK(cmd != NULL && strstr(cmd, "-v b=5 ") != NULL);
	/* The remote waits for word that the block came before it attaches. */
	CHECK(cmd != NULL && strstr(cmd, "stty -echo -icanon -isig -ixon "
	    "-iexten min 0 time 250 2>/dev/null; echo " REPLAY_BEGIN "; ") !=
	    NULL);
	CHECK(cmd != NULL && strstr(cmd, REPLAY_END "; while IFS= read -r l; "
	    "do case $l in *" REPLAY_ACK ") break;; esac; done; exec tmux ") !=
	    NULL);
	free(cmd);

	CHECK(!scrollback_in_block(sb) && !scrollback_take_ack(sb));
	relay(sb, &t, REPLAY_BEGIN "\r\n");
	CHECK(scrollback_in_block(sb) && !scrollback_take_ack(sb));
	relay(sb, &t, block(0, 12, 13, "13 0 0 1") + strlen(REPLAY_BEGIN "\r\n"));
	CHECK(!scrollback_in_block(sb));
	CHECK(scrollback_take_ack(sb));
	CHECK(!scrollback_take_ack(sb));	/* said once */
	relay(sb, &t, "REDRAW");
	CHECK_STR(history_joined(&t), all12);
	term_row(&t, 0, buf);
	CHECK_STR(buf, "REDRAW");
	scrollback_last(sb, &replayed, &capped);
	CHECK(replayed == 12 && capped == 0);
	CHECK(!scrollback_want_redraw(sb));

	/* Now the model knows the screen: a clear does not push it. */
	relay(sb, &t, "\r\nmore\r\n\033[H\033[2Jafter");
	CHECK_STR(history_joined(&t), all12);
	term_row(&t, 0, buf);
	CHECK_STR(buf, "after");
	finish(sb, &t);
}

/*
 * ssh asks for a password before the remote command runs: the prompt is
 * shown at once, and a block split anywhere is still found after it.
 */
static void
check_prompt_first(void)
{
	struct scrollback_state	*sb;
	struct term		 t;
	char			 buf[4096];
	size_t			 cut = 9;

	sb = reconnected(&t, MUX_TMUX, NULL);
	relay(sb, &t, "Password: ");
	term_row(&t, 4, buf);
	CHECK_STR(buf, "Password:");
	relay(sb, &t, "\r\n");
	snprintf(buf, sizeof buf, "%s", block(0, 12, 13, "13 0 0 1"));
	buf[cut] = '\0';
	relay(sb, &t, buf);
	relay(sb, &t, block(0, 12, 13, "13 0 0 1") + cut);
	relay(sb, &t, "REDRAW");
	CHECK_STR(history_joined(&t), all12);
	finish(sb, &t);
}

/*
 * More was missed than the cap: the anchor is not in the block, the rows
 * that are come after a line saying how many were left out.
 */
static void
check_capped(void)
{
	struct scrollback_state	*sb;
	struct term		 t;
	int			 replayed, capped;

	sb = reconnected(&t, MUX_TMUX, NULL);
	relay(sb, &t, block(20, 24, 25, "5 0 3000 1"));
	relay(sb, &t, "REDRAW");
	CHECK_STR(history_joined(&t),
	    "limpet: 3000 earlier lines not replayed L20 L21 L22 L23 L24 ");
	scrollback_last(sb, &replayed, &capped);
	CHECK(replayed == 5 && capped == 3000);
	finish(sb, &t);
}

/* Found twice, or not at all: nothing is written but the redraw. */
static void
check_skip(void)
{
	struct scrollback_state	*sb;
	struct term		 t;
	char			 buf[4096];
	int			 replayed, capped;

	/* The pane repeats the anchor. */
	sb = reconnected(&t, MUX_SCREEN, NULL);
	relay(sb, &t, block(1, 4, 1, "4 0 0 1"));
	relay(sb, &t, "REDRAW");
	scrollback_last(sb, &replayed, &capped);
	CHECK(replayed == 0);
	CHECK(t.nhistory == 0);
	finish(sb, &t);

	sb = reconnected(&t, MUX_TMUX, NULL);
	relay(sb, &t, REPLAY_BEGIN "\r\n" REPLAY_INFO " 0 0 0 0\r\n"
	    REPLAY_END "\r\nREDRAW");
	term_row(&t, 4, buf);
	CHECK_STR(buf, "REDRAW");
	term_row(&t, 0, buf);
	CHECK_STR(buf, "L1");
	finish(sb, &t);

	/* No block at all: the output is not held. */
	sb = reconnected(&t, MUX_TMUX, NULL);
	relay(sb, &t, "\033[?1049h\033[Hhello");
	term_row(&t, 0, buf);
	CHECK_STR(buf, "hello");
	finish(sb, &t);
}

/*
 * Two rows scrolled out of the pane between the block and the attach:
 * the redraw shows the pane from its third row; the two go in too.
 */
static void
check_late_rows(void)
{
	struct scrollback_state	*sb;
	struct term		 t;
	char			 redraw[512], row[32];
	int			 i;

	sb = reconnected(&t, MUX_TMUX, NULL);
	relay(sb, &t, block(0, 12, 13, "13 0 0 1"));
	snprintf(redraw, sizeof redraw, "\033[H\033[J");
	for (i = 15; i < 15 + ROWS - 1; i++) {
		snprintf(row, sizeof row, "L%d\033[K\r\n", i);
		append(redraw, row, sizeof redraw);
	}
	append(redraw, "L24", sizeof redraw);
	relay(sb, &t, redraw);
	CHECK_STR(history_joined(&t),
	    "L1 L2 L3 L4 L5 L6 L7 L8 L9 L10 L11 L12 L13 L14 ");
	CHECK(scrollback_want_redraw(sb));
	finish(sb, &t);
}

/*
 * tmux jumps: the pane (rows 1-9, a status line below) shows L1 to L8,
 * then one SU of the whole pane and L21 to L28 drawn after it. The rows
 * in between are asked for, and go into the history in the scroll's
 * place; the status line is left alone.
 */
static const char	 pane8[] = "\033[H\033[2J\033[10;1H[st]\033[1;9r"
			     "\033[1;1HL1\r\nL2\r\nL3\r\nL4\r\nL5\r\nL6\r\nL7\r\n"
			     "L8\r\n";
static const char	 jump[] = "\033[1;1H\033[9SL21\r\nL22\r\nL23\r\n"
			     "L24\r\nL25\r\nL26\r\nL27\r\nL28\r\n";

static struct scrollback_state *
jumped(struct term *t, char **cmdp)
{
	struct scrollback_state	*sb = scrollback_new(ROWS, COLS);

	term_init(t);
	scrollback_set_peek(sb, "x");
	scrollback_begin(sb);
	relay(sb, t, pane8);
	CHECK(!scrollback_holding(sb));
	relay(sb, t, jump);
	CHECK(scrollback_holding(sb));
	*cmdp = scrollback_peek_command(sb);
	CHECK(scrollback_peek_command(sb) == NULL);
	/* Held: nothing of the jump reached the terminal yet. */
	CHECK_STR(history_joined(t), "");
	return (sb);
}

static void
check_gap(void)
{
	struct scrollback_state	*sb;
	struct term		 t;
	const char		*out;
	char			*cmd, buf[COLS + 1], want[256], row[16];
	size_t			 n;
	int			 i;

	/* A scroll of part of the pane is no jump. */
	sb = scrollback_new(ROWS, COLS);
	term_init(&t);
	scrollback_set_peek(sb, "x");
	relay(sb, &t, pane8);
	relay(sb, &t, "\033[1;1H\033[8S");
	CHECK(!scrollback_holding(sb));
	CHECK(scrollback_peek_command(sb) == NULL);
	CHECK_STR(history_joined(&t), "L1 L2 L3 L4 L5 L6 L7 L8 ");
	finish(sb, &t);

	sb = jumped(&t, &cmd);
	/* The anchor is L5 L6 L7, hashed; nothing attaches. */
	CHECK(cmd != NULL && strstr(cmd, "-v a1=430 -v a2=431 -v a3=432 ") !=
	    NULL);
	CHECK(cmd != NULL && strstr(cmd, "new-session") == NULL);
	free(cmd);
	relay(sb, &t, "L29");	/* still held */
	n = scrollback_peek_done(sb, block(1, 22, 23, "22 0 0 1"), strlen(
	    block(1, 22, 23, "22 0 0 1")), &out);
	vterm_input_write(t.vt, out, n);
	CHECK(!scrollback_holding(sb));
	want[0] = '\0';
	for (i = 1; i <= 20; i++) {
		snprintf(row, sizeof row, "L%d ", i);
		append(want, row, sizeof want);
	}
	CHECK_STR(history_joined(&t), want);
	for (i = 0; i < 8; i++) {
		term_row(&t, i, buf);
		snprintf(row, sizeof row, "L%d", 21 + i);
		CHECK_STR(buf, row);
	}
	term_row(&t, 8, buf);
	CHECK_STR(buf, "L29");
	term_row(&t, 9, buf);
	CHECK_STR(buf, "[st]");
	CHECK(scrollback_gap_filled(sb) == 13);
	finish(sb, &t);

	/* No answer: the output goes as it came, the gap stays. */
	sb = jumped(&t, &cmd);
	free(cmd);
	n = scrollback_peek_done(sb, NULL, 0, &out);
	/* From the SU on: the cursor move before it went out at once. */
	CHECK(n == strlen(jump + 6) && memcmp(out, jump + 6, n) == 0);
	vterm_input_write(t.vt, out, n);
	CHECK(!scrollback_holding(sb));
	term_row(&t, 0, buf);
	CHECK_STR(buf, "L21");
	CHECK(scrollback_gap_filled(sb) == 0);
	finish(sb, &t);

	/* An answer that does not have the pane: the same. */
	sb = jumped(&t, &cmd);
	free(cmd);
	n = scrollback_peek_done(sb, block(30, 40, 41, "11 0 0 1"), strlen(
	    block(30, 40, 41, "11 0 0 1")), &out);
	/* From the SU on: the cursor move before it went out at once. */
	CHECK(n == strlen(jump + 6) && memcmp(out, jump + 6, n) == 0);
	finish(sb, &t);

	/* A screen with only the command on it: that row is the anchor. */
	sb = scrollback_new(ROWS, COLS);
	term_init(&t);
	scrollback_set_peek(sb, "x");
	scrollback_begin(sb);
	relay(sb, &t, "\033[H\033[2J\033[10;1H[st]\033[1;9r\033[1;1H$ seq\r\n");
	relay(sb, &t, jump);
	CHECK(scrollback_holding(sb));
	cmd = scrollback_peek_command(sb);
	CHECK(cmd != NULL && strstr(cmd, "-v k=1 ") != NULL);
	free(cmd);
	snprintf(want, sizeof want, "%s", REPLAY_BEGIN "\n" REPLAY_INFO
	    " 21 0 0 1\n$ seq\n");
	for (i = 1; i <= 28; i++) {
		snprintf(row, sizeof row, "L%d\n", i);
		append(want, row, sizeof want);
		if (i == 20)
			append(want, REPLAY_CUT "\n", sizeof want);
	}
	append(want, REPLAY_END "\n", sizeof want);
	n = scrollback_peek_done(sb, want, strlen(want), &out);
	vterm_input_write(t.vt, out, n);
	want[0] = '\0';
	append(want, "$ seq ", sizeof want);
	for (i = 1; i <= 20; i++) {
		snprintf(row, sizeof row, "L%d ", i);
		append(want, row, sizeof want);
	}
	CHECK_STR(history_joined(&t), want);
	finish(sb, &t);

	/*
	 * A batch that began with the cursor under L3: tmux wrote L4 to L9
	 * below it, scrolled six rows more and drew the pane again, but
	 * its SU, shorter than the pane, would put three blank rows in the
	 * history where L4 to L6 belong.
	 */
	sb = scrollback_new(ROWS, COLS);
	term_init(&t);
	scrollback_set_peek(sb, "x");
	scrollback_begin(sb);
	relay(sb, &t, "\033[H\033[2J\033[10;1H[st]\033[1;9r\033[1;1H"
	    "L1\r\nL2\r\nL3\r\n");
	relay(sb, &t, "\033[1;1H\033[6SL7\r\nL8\r\nL9\r\nL10\r\nL11\r\n"
	    "L12\r\nL13\r\nL14\r\nL15");
	CHECK(scrollback_holding(sb));
	cmd = scrollback_peek_command(sb);
	CHECK(cmd != NULL && strstr(cmd, "-v k=2 ") != NULL);
	free(cmd);
	n = scrollback_peek_done(sb, block(1, 6, 7, "6 0 0 1"), strlen(
	    block(1, 6, 7, "6 0 0 1")), &out);
	vterm_input_write(t.vt, out, n);
	CHECK_STR(history_joined(&t), "L1 L2 L3 L4 L5 L6 ");
	for (i = 0; i < 9; i++) {
		term_row(&t, i, buf);
		snprintf(row, sizeof row, "L%d", 7 + i);
		CHECK_STR(buf, row);
	}
	CHECK(scrollback_gap_filled(sb) == 4);
	finish(sb, &t);

	/* A reconnect drops what was held: the replay covers it. */
	sb = jumped(&t, &cmd);
	free(cmd);
	scrollback_begin(sb);
	CHECK(!scrollback_holding(sb));
	n = scrollback_peek_done(sb, block(1, 22, 23, "22 0 0 1"), strlen(
	    block(1, 22, 23, "22 0 0 1")), &out);
	CHECK(n == 0);
	finish(sb, &t);
}

/* A block that stops coming does not hold output for ever. */
static void
check_expire(void)
{
	struct scrollback_state	*sb;
	struct term		 t;
	const char		*out;
	char			 buf[COLS + 1];
	size_t			 n;

	sb = reconnected(&t, MUX_TMUX, NULL);
	relay(sb, &t, "motd\r\nlimpet-rep");
	CHECK(scrollback_waiting(sb) && !scrollback_in_block(sb));
	term_row(&t, 0, buf);
	CHECK_STR(buf, "L1");	/* the screen is not touched before it */
	n = scrollback_expire(sb, &out);
	CHECK(n == strlen("limpet-rep") && memcmp(out, "limpet-rep", n) == 0);
	CHECK(!scrollback_waiting(sb));
	/* No block began, so nothing on the remote waits for word of it. */
	CHECK(!scrollback_take_ack(sb));
	finish(sb, &t);

	sb = reconnected(&t, MUX_TMUX, NULL);
	relay(sb, &t, REPLAY_BEGIN "\r\n" REPLAY_INFO " 3 0 0 1\r\nL1\r\n");
	CHECK(scrollback_waiting(sb));
	n = scrollback_expire(sb, &out);
	CHECK(n == 0);
	CHECK(!scrollback_waiting(sb));
	/* Given up on, the remote still waits for the word. */
	CHECK(scrollback_take_ack(sb));
	relay(sb, &t, "\033[H\033[2Jafter");
	term_row(&t, 0, buf);
	CHECK_STR(buf, "after");
	n = scrollback_expire(sb, &out);
	CHECK(n == 0);
	finish(sb, &t);
}

int
main(void)
{
	check_helpers();
	check_replay();
	check_prompt_first();
	check_capped();
	check_skip();
	check_late_rows();
	check_gap();
	check_expire();
	return (unit_done());
}
