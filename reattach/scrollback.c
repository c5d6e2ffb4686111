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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "limpet.h"

/*
 * Native scrollback across reconnects.
 *
 * While a connection is down, whatever the remote prints scrolls by in
 * the multiplexer only. To put it into the terminal's own history after
 * the reconnect, limpet keeps a model of the terminal's screen (libvterm
 * fed every byte limpet writes there through the relay) and remembers
 * the rows above the cursor as they were when the link went quiet: the
 * anchor. The reconnect's remote command prints the rows from the anchor
 * on (see remote.c) before it attaches; here that block is taken out of
 * the stream, the anchor is looked for among its rows, and only when it
 * is found exactly once are the rows written that left the remote pane
 * since: from the top of the screen, so the terminal scrolls them into
 * its history in order, each once, before the multiplexer redraws.
 *
 * The old screen is erased row by row rather than cleared: many terminals
 * (tmux, VTE, iTerm2) push a cleared screen into their history, and the
 * multiplexer's redraw would otherwise leave a second copy of it there.
 * When the anchor is not found, or found more than once, nothing is
 * replayed and the redraw comes as it is: better a gap than wrong lines.
 *
 * The same gap opens with the link up: tmux scrolls a batch of lines with
 * one SU and draws only the last screenful of it, so a burst faster than
 * tmux writes loses rows that never reach the terminal. A scroll by the
 * whole pane is the sign. Output is then held while the session is asked
 * for its rows past the pane as the terminal has it (over the side channel
 * of the connection's own ControlMaster, see client.c); the rows the
 * terminal never saw go into its history in place of the scroll, and the
 * held output follows. What tmux drew after the scroll, found by playing
 * it on a scratch model, says where the missing rows end.
 */

enum sb_state {
	SB_PASS,		/* relay everything */
	SB_EXPECT,		/* a block was asked for: wait for its start */
	SB_BLOCK,		/* inside the block: keep it */
	SB_GAP			/* rows skipped: held until the peek answers */
};

#define SB_EXPECT_MAX	(64 * 1024)	/* output looked at for the block */
#define SB_BLOCK_MAX	(32 * 1024 * 1024)
#define SB_MARGIN	2	/* rows asked for above the anchor */
#define SB_WATCH_MAX	(256 * 1024)	/* output watched for the redraw */
#define SB_WATCH_MIN	3	/* rows of the pane that must match */
#define ESC		0x1b
#define SB_GAP_HOLD_MAX	(128 * 1024)	/* held for a peek: more is a flood */
#define SB_GAP_FAILS	3	/* peeks in a row that filled nothing */
#define SB_GAP_QUIET	2	/* seconds without a jump to try again */
#define SB_GAP_ANCHOR	2	/* pane rows the anchor needs */

struct sb_buf {
	char		*data;
	size_t		 len;
	size_t		 size;
};

struct scrollback_state {
	struct model	*model;
	int		 rows;
	int		 cols;

	char		**snap;		/* rows above the cursor, plain */
	int		 nsnap;
	int		 snap_valid;	/* no output since it was taken */

	int		 expect;	/* the next connection sends a block */
	enum sb_state	 st;
	int		 ack_due;	/* a block began: word once it is over */
	struct sb_buf	 in;		/* the block, or what precedes it */
	struct sb_buf	 out;		/* for the terminal */
	int		 may_direct;	/* the caller's input may go out */
	const char	*direct;	/* as the input itself, unchanged */
	size_t		 direct_len;
	int		 last_replayed;
	int		 last_capped;
	int		 cap_news;	/* rows left out, not yet told */

	/*
	 * The pane as the block showed it, until the multiplexer's redraw
	 * tells how many of its rows scrolled away before the attach.
	 */
	char		**pane;		/* as sent, with colours */
	char		**pane_plain;
	int		 npane;
	int		 watching;
	size_t		 watched;	/* bytes since the block */
	size_t		 expected;	/* bytes seen before the block */
	size_t		 block_seen;	/* of in, looked at for the block's end */
	int		 region_top;	/* last DECSTBM, 0 when none */
	int		 region_bottom;
	int		 synced;	/* the model knows the whole screen */
	unsigned int	 pushed;	/* model_pushed() after the replay */
	int		 want_redraw;

	/* Rows a jump of the pane skipped, asked for over a side channel. */
	char		*peek_name;	/* the session; NULL when no channel */
	char		*peek_cmd;	/* asked for, not yet started */
	int		 peek_first;	/* the jump the answer is for is next */
	char		**ans;		/* the last answer, with colours */
	char		**ans_plain;
	int		 nans;
	int		 gap_fails;
	time_t		 gap_last;	/* the last jump seen */
	int		 gap_filled;	/* rows written, since the start */
};

static void	 sb_buf_add(struct sb_buf *, const void *, size_t);
static void	 sb_emit(struct scrollback_state *, const void *, size_t);
static void	 sb_emitf(struct scrollback_state *, const char *, ...)
		     printflike(2, 3);
static void	 sb_snapshot_free(struct scrollback_state *);
static void	 sb_snapshot(struct scrollback_state *);
static const char *sb_find(const char *, size_t, const char *, int);
static void	 sb_expect(struct scrollback_state *);
static void	 sb_block(struct scrollback_state *);
static void	 sb_replay(struct scrollback_state *, char *, size_t);
static void	 sb_erase(struct scrollback_state *);
static int	 sb_csi_next(const char *, size_t, size_t *, size_t *);
static void	 sb_filter(struct scrollback_state *, const char *, size_t);
static void	 sb_region(struct scrollback_state *, const char *, size_t);
static void	 sb_pass(struct scrollback_state *, const char *, size_t);
static void	 sb_erase_all(struct scrollback_state *);
static void	 sb_rows2_free(char ***, char ***, int *);
static void	 sb_pane_free(struct scrollback_state *);
static void	 sb_watch(struct scrollback_state *);
static void	 sb_pane(const struct scrollback_state *, int *, int *);
static int	 sb_pane_su(const struct scrollback_state *, const char *,
		     size_t);
static int	 sb_jump(const struct scrollback_state *, const struct model *,
		     int);
static void	 sb_jump_feed(const struct scrollback_state *, struct model *,
		     const char *, size_t);
static int	 sb_gap(struct scrollback_state *, const char *, size_t);
static int	 sb_gap_fill(struct scrollback_state *, const char *, size_t);
static int	 sb_gap_hold(struct scrollback_state *, const char *, size_t);
static char	**sb_pane_rows(struct scrollback_state *, int *, int *);
static void	 sb_rows_free_list(char **, int);
static char	**sb_model_rows(struct model *, int, int, int *);
static int	 sb_anchor(char **, int, struct replay_anchor *);
static int	 sb_rows_find(char **, int, char **, int, int *);
static int	 sb_align(char **, int, char **, int, int);
static void	 sb_rows_free(struct scrollback_state *);
static void	 sb_answer(struct scrollback_state *, const char *, size_t);
static time_t	 sb_now(void);


static void
sb_buf_add(struct sb_buf *b, const void *data, size_t len)
{
	if (len == 0)
		return;
	if (b->len + len > b->size) {
		while (b->len + len > b->size)
			b->size = (b->size == 0) ? 4096 : b->size * 2;
		b->data = xreallocarray(b->data, 1, b->size);
	}
	memcpy(b->data + b->len, data, len);
	b->len += len;
}

/* Write to the terminal, and to the model of it. */
static void
sb_emit(struct scrollback_state *sb, const void *data, size_t len)
{
	sb_buf_add(&sb->out, data, len);
	model_feed(sb->model, data, len);
}

static void
sb_emitf(struct scrollback_state *sb, const char *fmt, ...)
{
	va_list	 ap;
	char	 buf[256];
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n > 0)
		sb_emit(sb, buf, (size_t)n < sizeof buf ? (size_t)n :
		    sizeof buf - 1);
}


struct scrollback_state *
scrollback_new(int rows, int cols)
{
	struct scrollback_state	*sb;

	if (rows < 1)
		rows = 24;
	if (cols < 1)
		cols = 80;
	sb = xcalloc(1, sizeof *sb);
	sb->model = model_new(rows, cols);
	sb->rows = rows;
	sb->cols = cols;
	sb->st = SB_PASS;
	return (sb);
}

void
scrollback_free(struct scrollback_state *sb)
{
	if (sb == NULL)
		return;
	sb_snapshot_free(sb);
	sb_pane_free(sb);
	sb_rows_free(sb);
	free(sb->peek_name);
	free(sb->peek_cmd);
	model_free(sb->model);
	free(sb->in.data);
	free(sb->out.data);
	free(sb);
}

/*
 * The terminal changed size. The model follows, but the anchor is taken
 * first: a narrower model loses what stood on the right, and the remote
 * history still has the rows at the old width.
 */
void
scrollback_resize(struct scrollback_state *sb, int rows, int cols)
{
	if (rows < 1 || cols < 1 || (rows == sb->rows && cols == sb->cols))
		return;
	if (!sb->snap_valid)
		sb_snapshot(sb);
	model_resize(sb->model, rows, cols);
	sb->rows = rows;
	sb->cols = cols;
}

static void
sb_snapshot_free(struct scrollback_state *sb)
{
	sb_rows_free_list(sb->snap, sb->nsnap);
	sb->snap = NULL;
	sb->nsnap = 0;
	sb->snap_valid = 0;
}

/*
 * The rows above the cursor: the cursor's own row may still change (a
 * prompt being typed on), the rows below it are not output yet.
 */
static void
sb_snapshot(struct scrollback_state *sb)
{
	int	row, col;

	sb_snapshot_free(sb);
	model_cursor(sb->model, &row, &col);
	if (row > sb->rows)
		row = sb->rows;
	if (row > 0)
		sb->snap = sb_model_rows(sb->model, 0, row, NULL);
	sb->nsnap = row;
	sb->snap_valid = 1;
}

/* Letters and digits of a row: what the remote's awk compares. */
void
scrollback_fingerprint(const char *row, char *fp, size_t len)
{
	size_t	n = 0;
	char	ch;

	for (; *row != '\0' && n + 1 < len && n < REPLAY_FP_MAX; row++) {
		ch = *row;
		if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		    (ch >= '0' && ch <= '9'))
			fp[n++] = ch;
	}
	fp[n] = '\0';
}

/*
 * A row from the remote without its colours and trailing blanks, in
 * place: escape sequences go (CSI up to its final byte, others with the
 * byte after ESC).
 */
void
scrollback_plain(char *row)
{
	char	*r = row, *w = row;

	while (*r != '\0') {
		if (*r != ESC) {
			*w++ = *r++;
			continue;
		}
		r++;
		if (*r == '[') {
			r++;
			while (*r != '\0' && (*r < 0x40 || *r > 0x7e))
				r++;
		}
		if (*r != '\0')
			r++;
	}
	while (w > row && w[-1] == ' ')
		w--;
	*w = '\0';
}

/*
 * The remote command for the next connection: the plain one (NULL) when
 * there is nothing to anchor on, else one that prints the block first.
 */
char *
scrollback_command(struct scrollback_state *sb, enum mux mux, const char *name)
{
	struct replay_anchor	 a;

	sb->expect = 0;
	if (!sb->snap_valid)
		sb_snapshot(sb);
	if (sb_anchor(sb->snap, sb->nsnap, &a) == 0)
		return (NULL);
	/* What the screen showed stays out of the log: lengths only. */
	log_debug("replay: anchor of %d rows, fingerprints of %zu %zu %zu "
	    "characters", sb->nsnap, strlen(a.fp[0]),
	    a.nfp > 1 ? strlen(a.fp[1]) : (size_t)0,
	    a.nfp > 2 ? strlen(a.fp[2]) : (size_t)0);
	sb->expect = 1;
	return (remote_command_replay(mux, name, &a));
}

/*
 * The anchor for rows[0] to rows[n - 1], the rows the terminal has last:
 * the fingerprints of the last few, and how far back from the last one
 * to start. Returns the fingerprints' characters, 0 when there is nothing
 * to anchor on.
 */
static int
sb_anchor(char **rows, int n, struct replay_anchor *a)
{
	int	i, chars = 0;

	memset(a, 0, sizeof *a);
	if (n <= 0)
		return (0);
	a->nfp = n < REPLAY_FP_ROWS ? n : REPLAY_FP_ROWS;
	for (i = 0; i < a->nfp; i++) {
		scrollback_fingerprint(rows[n - a->nfp + i], a->fp[i],
		    sizeof a->fp[i]);
		chars += (int)strlen(a->fp[i]);
	}
	a->back = n - 1 + SB_MARGIN;
	return (chars);
}

/*
 * Where the n rows want stand in rows (plain), the last place if more
 * than one; *matches says how many places. -1 when none.
 */
static int
sb_rows_find(char **want, int n, char **rows, int nrows, int *matches)
{
	int	i, k, at = -1;

	*matches = 0;
	for (i = 0; n > 0 && i + n <= nrows; i++) {
		for (k = 0; k < n; k++) {
			if (strcmp(rows[i + k], want[k]) != 0)
				break;
		}
		if (k == n) {
			(*matches)++;
			at = i;
		}
	}
	return (at);
}

/* The first output of a new connection follows. */
void
scrollback_begin(struct scrollback_state *sb)
{
	sb_pane_free(sb);
	sb->synced = 0;
	sb->st = sb->expect ? SB_EXPECT : SB_PASS;
	sb->expect = 0;
	sb->ack_due = 0;
	sb->in.len = 0;
	/* What a peek on the old link was for, the replay covers. */
	free(sb->peek_cmd);
	sb->peek_cmd = NULL;
	sb->peek_first = 0;
	sb_rows_free(sb);
	sb->expected = 0;
}

/*
 * Where s starts in data (at the start of a line if asked), or NULL. The
 * whole of a replay block passes through here: memchr does the walking.
 */
static const char *
sb_find(const char *data, size_t len, const char *s, int line_start)
{
	const char	*p = data, *end = data + len, *nl;
	size_t		 slen = strlen(s);

	while (slen > 0 && (size_t)(end - p) >= slen) {
		if (!line_start && (p = memchr(p, s[0], (size_t)(end - p) -
		    slen + 1)) == NULL)
			break;
		if (memcmp(p, s, slen) == 0)
			return (p);
		if (!line_start)
			p++;
		else if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			break;
		else
			p = nl + 1;
	}
	return (NULL);
}

/*
 * Before the block, ssh may ask for a password or a host key, and a login
 * shell may talk: that goes to the terminal at once (without touching the
 * anchor, which is what the block is about). Only a last, unfinished line
 * that may be the start of the marker is held. Past SB_EXPECT_MAX bytes
 * the block is not coming.
 */
static void
sb_expect(struct scrollback_state *sb)
{
	const char	*p, *nl, *line;
	size_t		 skip, keep, n, mlen = strlen(REPLAY_BEGIN);

	p = sb_find(sb->in.data, sb->in.len, REPLAY_BEGIN, 0);
	if (p != NULL) {
		nl = memchr(p, '\n', sb->in.len - (size_t)(p - sb->in.data));
		if (nl == NULL)
			return;
		sb_emit(sb, sb->in.data, (size_t)(p - sb->in.data));
		skip = (size_t)(nl + 1 - sb->in.data);
		memmove(sb->in.data, nl + 1, sb->in.len - skip);
		sb->in.len -= skip;
		sb->st = SB_BLOCK;
		sb->ack_due = 1;
		sb->block_seen = 0;
		sb_block(sb);
		return;
	}

	line = sb->in.data + sb->in.len;
	while (line > sb->in.data && line[-1] != '\n')
		line--;
	keep = (size_t)(sb->in.data + sb->in.len - line);
	for (; keep > 0; line++, keep--) {
		n = keep < mlen ? keep : mlen;
		if (keep <= mlen && memcmp(line, REPLAY_BEGIN, n) == 0)
			break;
	}
	n = sb->in.len - keep;
	sb->expected += n;
	sb_emit(sb, sb->in.data, n);
	memmove(sb->in.data, sb->in.data + n, keep);
	sb->in.len = keep;
	if (sb->expected > SB_EXPECT_MAX) {
		log_debug("replay: no block from the remote");
		sb->st = SB_PASS;
		sb_pass(sb, sb->in.data, sb->in.len);
		sb->in.len = 0;
	}
}

/* Inside the block: once its end is here, replay and relay the rest. */
static void
sb_block(struct scrollback_state *sb)
{
	const char	*end, *nl;
	size_t		 blen, skip, from;

	/* From the line the last look stopped in: a block comes in pieces. */
	from = sb->block_seen <= sb->in.len ? sb->block_seen : 0;
	while (from > 0 && sb->in.data[from - 1] != '\n')
		from--;
	end = sb_find(sb->in.data + from, sb->in.len - from, REPLAY_END, 1);
	sb->block_seen = sb->in.len;
	if (end == NULL ||
	    (nl = memchr(end, '\n', sb->in.len - (size_t)(end -
	    sb->in.data))) == NULL) {
		if (sb->in.len > SB_BLOCK_MAX) {
			log_debug("replay: block too large, dropped");
			sb->in.len = 0;
			sb->st = SB_PASS;
		}
		return;
	}
	blen = (size_t)(end - sb->in.data);
	skip = (size_t)(nl + 1 - sb->in.data);
	sb_replay(sb, sb->in.data, blen);
	sb->st = SB_PASS;
	sb->snap_valid = 0;
	sb_pass(sb, sb->in.data + skip, sb->in.len - skip);
	sb->in.len = 0;
}

/* Blank every row without a clear, which some terminals keep. */
static void
sb_erase(struct scrollback_state *sb)
{
	int	row;

	sb_emitf(sb, "\033[r\033[m");
	for (row = 1; row <= sb->rows; row++)
		sb_emitf(sb, "\033[%d;1H\033[2K", row);
	sb_emitf(sb, "\033[H");
}

/*
 * The same, leaving the cursor where it was: a clear of the whole screen
 * from the multiplexer becomes this, so its redraws never push a copy of
 * the screen into the history of terminals that keep cleared screens.
 */
static void
sb_erase_all(struct scrollback_state *sb)
{
	int	row, crow, ccol;

	model_cursor(sb->model, &crow, &ccol);
	for (row = 1; row <= sb->rows; row++)
		sb_emitf(sb, "\033[%d;1H\033[2K", row);
	sb_emitf(sb, "\033[%d;%dH", crow + 1, ccol + 1);
}

/* CSI top ; bottom r: the scroll region, to put back after a repair. */
static void
sb_region(struct scrollback_state *sb, const char *params, size_t len)
{
	char	buf[32];
	int	top = 0, bottom = 0;

	if (len >= sizeof buf || (len > 0 && (params[0] < '0' ||
	    params[0] > ';')))
		return;
	memcpy(buf, params, len);
	buf[len] = '\0';
	if (len > 0 && sscanf(buf, "%d;%d", &top, &bottom) < 1)
		return;
	if (top <= 1 && (bottom == 0 || bottom >= sb->rows))
		top = bottom = 0;
	sb->region_top = top;
	sb->region_bottom = bottom;
}

/*
 * The next CSI in data from *at on: 1 with *at on its ESC and *final on
 * its final byte (len when the sequence is cut off), 0 when none is left.
 */
static int
sb_csi_next(const char *data, size_t len, size_t *at, size_t *final)
{
	const char	*esc;
	size_t		 i = *at, j;

	while (i < len && (esc = memchr(data + i, ESC, len - i)) != NULL) {
		i = (size_t)(esc - data);
		if (i + 1 >= len || data[i + 1] != '[') {
			i++;
			continue;
		}
		for (j = i + 2; j < len && data[j] >= 0x30 && data[j] <= 0x3f;
		    j++)
			;
		*at = i;
		*final = j;
		return (1);
	}
	return (0);
}

/*
 * Relay output, but turn a clear of the whole screen (ED 2, or ED 0 with
 * the cursor at the top left) into row erases. modes_feed has already
 * held back any sequence split across reads, so each one is whole here.
 */
static void
sb_filter(struct scrollback_state *sb, const char *data, size_t len)
{
	size_t		 i = 0, start = 0, j, plen;
	int		 clear, row, col, n;

	while (sb_csi_next(data, len, &i, &j)) {
		if (j < len && data[j] == 'r')
			sb_region(sb, data + i + 2, j - (i + 2));
		if (j < len && data[j] == 'S' && sb->peek_name != NULL &&
		    sb->st == SB_PASS && !sb->watching &&
		    (n = sb_pane_su(sb, data + i + 2, j - (i + 2))) > 0) {
			/* The model as the scroll finds it. */
			sb_emit(sb, data + start, i - start);
			start = i;
			if (!sb_jump(sb, sb->model, n)) {
				i = j;
				continue;
			}
			switch (sb_gap(sb, data + i, len - i)) {
			case -1:
				sb->snap_valid = 0;
				return;
			case 1:
				start = i = j + 1;
				continue;
			}
			i = j;
			continue;
		}
		if (j >= len || data[j] != 'J') {
			i = j;
			continue;
		}
		plen = j - (i + 2);
		sb_emit(sb, data + start, i - start);
		clear = 0;
		if (plen == 1 && data[i + 2] == '2')
			clear = 1;
		else if (plen == 0 || (plen == 1 && data[i + 2] == '0')) {
			model_cursor(sb->model, &row, &col);
			clear = (row == 0 && col == 0);
		}
		if (clear && sb->synced)
			sb_erase_all(sb);
		else {
			/*
			 * Until the model has seen the screen cleared once,
			 * what the terminal shows is not known: let the
			 * terminal keep it as it does.
			 */
			sb_emit(sb, data + i, j + 1 - i);
			if (clear)
				sb->synced = 1;
		}
		start = i = j + 1;
	}
	if (start == 0 && sb->out.len == 0 && !sb->watching &&
	    sb->may_direct) {
		/* Nothing rewritten: the input goes out as it is, uncopied. */
		model_feed(sb->model, data, len);
		sb->direct = data;
		sb->direct_len = len;
	} else
		sb_emit(sb, data + start, len - start);
	sb->snap_valid = 0;
}

/*
 * Relay output. While the redraw after a replay is watched, it goes in
 * pieces that end before each line feed, the one thing that may scroll a
 * row into the history: missing rows must go there before it.
 */
static void
sb_pass(struct scrollback_state *sb, const char *data, size_t len)
{
	const char	*nl;
	size_t		 n;

	while (sb->watching && len > 0) {
		nl = memchr(data + 1, '\n', len - 1);
		n = (nl == NULL) ? len : (size_t)(nl - data);
		sb_filter(sb, data, n);
		sb->watched += n;
		sb_watch(sb);
		data += n;
		len -= n;
	}
	sb_filter(sb, data, len);
}

/* Rows kept twice, as sent (with colours) and plain. */
static void
sb_rows2_free(char ***rows, char ***plain, int *n)
{
	sb_rows_free_list(*rows, *n);
	sb_rows_free_list(*plain, *n);
	*rows = *plain = NULL;
	*n = 0;
}

static void
sb_pane_free(struct scrollback_state *sb)
{
	sb_rows2_free(&sb->pane, &sb->pane_plain, &sb->npane);
	sb->watching = 0;
}

/*
 * Between the block and the attach the session may have printed more:
 * rows that scrolled out of the pane then are in neither. Once the
 * redraw shows the pane again, its top row says how many: if it is the
 * block's pane row d, rows 0 to d-1 are missing. They are written at the
 * top and scrolled into the history, and the multiplexer asked to draw
 * again. Only while nothing has scrolled since the block, or the rows
 * would land after newer ones.
 */
static void
sb_watch(struct scrollback_state *sb)
{
	char	**rows;
	int	  n, d, i, found = -1, matched;

	if (model_pushed(sb->model) != sb->pushed ||
	    sb->watched > SB_WATCH_MAX) {
		log_debug("replay: redraw not recognised");
		sb_pane_free(sb);
		return;
	}
	n = sb->npane < sb->rows ? sb->npane : sb->rows;
	rows = sb_model_rows(sb->model, 0, n, NULL);
	for (d = 0; found == -1 && d + SB_WATCH_MIN <= sb->npane; d++) {
		if (rows[0][0] == '\0' ||
		    strcmp(rows[0], sb->pane_plain[d]) != 0)
			continue;
		matched = 0;
		for (i = 0; i < n && d + i < sb->npane; i++) {
			if (sb->pane_plain[d + i][0] == '\0')
				continue;
			if (strcmp(rows[i], sb->pane_plain[d + i]) != 0)
				break;
			matched++;
		}
		if ((i == n || d + i == sb->npane) && matched >= SB_WATCH_MIN)
			found = d;
	}
	sb_rows_free_list(rows, n);
	if (found == -1)
		return;

	if (found == 0)
		log_debug("replay: the redraw starts at the block's pane");
	if (found > 0) {
		/*
		 * Insert the rows at the top (the bottom ones fall off),
		 * scroll them into the history, and put the cursor, its
		 * attributes and the scroll region back as the multiplexer
		 * left them; it redraws the bottom rows when asked.
		 */
		log_debug("replay: %d rows scrolled by before the attach",
		    found);
		sb_emitf(sb, "\0337\033[r\033[m\033[H\033[%dL", found);
		for (i = 0; i < found; i++) {
			sb_emit(sb, sb->pane[i], strlen(sb->pane[i]));
			sb_emitf(sb, "\033[m\r\n");
		}
		sb_emitf(sb, "\033[%d;1H", sb->rows);
		for (i = 0; i < found; i++)
			sb_emit(sb, "\n", 1);
		if (sb->region_top != 0)
			sb_emitf(sb, "\033[%d;%dr", sb->region_top,
			    sb->region_bottom);
		sb_emitf(sb, "\0338");
		sb->last_replayed += found;
		sb->want_redraw = 1;
	}
	sb_pane_free(sb);
}

/*
 * The block's lines: the info line, the history rows, the cut, the
 * pane's rows. Replay from the anchor to the end of the history.
 */
static void
sb_replay(struct scrollback_state *sb, char *block, size_t len)
{
	char		**lines = NULL, **plain = NULL, *p, *nl;
	size_t		  nlines = 0, i, nhist, total = 0, from = 0;
	int		  hist, alt, capped, found, matches = 0, row, crow, ccol, at;

	sb->last_replayed = sb->last_capped = 0;
	sb->synced = 0;	/* unless the replay takes the screen over */
	for (p = block; p < block + len; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(block + len - p));
		if (nl == NULL)
			break;
		*nl = '\0';
		if (nl > p && nl[-1] == '\r')
			nl[-1] = '\0';
		lines = xreallocarray(lines, nlines + 1, sizeof *lines);
		lines[nlines++] = p;
	}
	if (nlines == 0 || strncmp(lines[0], REPLAY_INFO " ",
	    strlen(REPLAY_INFO) + 1) != 0 ||
	    sscanf(lines[0] + strlen(REPLAY_INFO), "%d %d %d %d", &hist,
	    &alt, &capped, &found) != 4 || hist < 0) {
		log_debug("replay: nothing found on the remote");
		goto out;
	}
	if (!found) {
		log_debug("replay: the remote does not have the anchor");
		goto out;
	}
	nhist = (size_t)hist;
	if (nlines < nhist + 2 || strcmp(lines[nhist + 1], REPLAY_CUT) != 0) {
		log_debug("replay: block malformed");
		goto out;
	}
	if (alt) {
		/* The old screen is of no use; do not keep it either. */
		log_debug("replay: pane in the alternate screen or copy mode, "
		    "skipped");
		sb_erase(sb);
		sb->synced = 1;
		goto out;
	}
	if (!sb->snap_valid)
		sb_snapshot(sb);

	/* Remote rows without colours, history then pane. */
	total = nlines - 2;
	plain = xreallocarray(NULL, total + 1, sizeof *plain);
	for (i = 0; i < total; i++) {
		plain[i] = xstrdup(lines[i < nhist ? i + 1 : i + 2]);
		scrollback_plain(plain[i]);
	}

	if (capped > 0) {
		/* The anchor is further back than the cap: trust awk. */
		from = 0;
	} else {
		at = sb_rows_find(sb->snap, sb->nsnap, plain, (int)total,
		    &matches);
		from = at < 0 ? 0 : (size_t)at;
		if (matches != 1) {
			log_debug("replay: anchor of %d rows found %d times "
			    "in %zu rows, skipped", sb->nsnap, matches, total);
			goto out;
		}
	}

	sb_erase(sb);
	sb->synced = 1;
	if (capped > 0) {
		sb_emitf(sb, "\033[7mlimpet: %d earlier lines not "
		    "replayed\033[m\r\n", capped);
	}
	for (i = from; i < nhist; i++) {
		sb_emit(sb, lines[i + 1], strlen(lines[i + 1]));
		sb_emitf(sb, "\033[m\r\n");
	}
	/* Scroll what is still on the screen into the history too. */
	model_cursor(sb->model, &crow, &ccol);
	sb_emitf(sb, "\033[%d;1H", sb->rows);
	for (row = 0; row < crow; row++)
		sb_emit(sb, "\n", 1);
	sb_emitf(sb, "\033[H");
	sb->last_replayed = from < nhist ? (int)(nhist - from) : 0;
	sb->last_capped = capped;
	sb->cap_news = capped;

	/* Watch the redraw for rows that scrolled by after the block. */
	sb_pane_free(sb);
	sb->npane = (int)(total - nhist);
	sb->pane = xreallocarray(NULL, (size_t)sb->npane + 1, sizeof *sb->pane);
	sb->pane_plain = xreallocarray(NULL, (size_t)sb->npane + 1,
	    sizeof *sb->pane_plain);
	for (i = 0; i < (size_t)sb->npane; i++) {
		sb->pane[i] = xstrdup(lines[nhist + 2 + i]);
		sb->pane_plain[i] = plain[nhist + i];
		plain[nhist + i] = NULL;
	}
	sb->watching = sb->npane >= SB_WATCH_MIN;
	sb->watched = 0;
	sb->pushed = model_pushed(sb->model);
	log_debug("replay: %d rows into the history (%d not replayed)",
	    sb->last_replayed, capped);

out:
	sb_rows_free_list(plain, (int)total);
	free(lines);
}

/*
 * Output on its way to the terminal. Returns how many bytes to write,
 * found at *out until the next call.
 */
size_t
scrollback_feed(struct scrollback_state *sb, const char *data, size_t len,
    const char **out)
{
	sb->out.len = 0;
	sb->direct = NULL;
	switch (sb->st) {
	case SB_PASS:
		sb->may_direct = 1;
		if (len > 0)
			sb_pass(sb, data, len);
		sb->may_direct = 0;
		break;
	case SB_EXPECT:
		sb_buf_add(&sb->in, data, len);
		sb_expect(sb);
		break;
	case SB_BLOCK:
		sb_buf_add(&sb->in, data, len);
		sb_block(sb);
		break;
	case SB_GAP:
		sb_buf_add(&sb->in, data, len);
		if (sb->in.len > SB_GAP_HOLD_MAX) {
			/*
			 * Not a burst but a flood, which tmux's history will
			 * not keep: no more questions until it is over.
			 */
			log_debug("gap: a flood, let go");
			sb->gap_fails = SB_GAP_FAILS;
			return (scrollback_peek_done(sb, NULL, 0, out));
		}
		break;
	}
	if (sb->direct != NULL) {
		*out = sb->direct;
		return (sb->direct_len);
	}
	*out = sb->out.data;
	return (sb->out.len);
}

/*
 * Whether the multiplexer should draw its screen again (after rows were
 * put into the history behind its back); asking clears it.
 */
int
scrollback_want_redraw(struct scrollback_state *sb)
{
	int	want = sb->want_redraw;

	sb->want_redraw = 0;
	return (want);
}

/* Rows the last replay left out for the cap, once; 0 when none. */
int
scrollback_cap_news(struct scrollback_state *sb)
{
	int	n = sb->cap_news;

	sb->cap_news = 0;
	return (n);
}

/* Rows the last replay wrote, and rows it left out for the cap. */
void
scrollback_last(const struct scrollback_state *sb, int *replayed, int *capped)
{
	*replayed = sb->last_replayed;
	*capped = sb->last_capped;
}

/* --- rows a jump of the pane skipped ------------------------------------ */

static time_t
sb_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec);
}

/*
 * The session's name when the connection has a side channel to ask the
 * multiplexer through, NULL when it has none.
 */
void
scrollback_set_peek(struct scrollback_state *sb, const char *name)
{
	free(sb->peek_name);
	sb->peek_name = (name != NULL) ? xstrdup(name) : NULL;
}

/* The pane's rows, 0-based, inclusive: the scroll region, if any. */
static void
sb_pane(const struct scrollback_state *sb, int *top, int *bottom)
{
	if (sb->region_top == 0) {
		*top = 0;
		*bottom = sb->rows - 1;
		return;
	}
	*top = sb->region_top - 1;
	*bottom = (sb->region_bottom == 0 ? sb->rows : sb->region_bottom) - 1;
	if (*bottom > sb->rows - 1)
		*bottom = sb->rows - 1;
}

/*
 * The rows CSI params S scrolls the whole pane by, when that pane starts
 * at the top of the terminal (rows scrolled off anywhere else never reach
 * the history); 0 otherwise. A parameter is only digits; none means one.
 */
static int
sb_pane_su(const struct scrollback_state *sb, const char *params,
    size_t plen)
{
	size_t	k;
	int	n = 0, top, bottom;

	for (k = 0; k < plen; k++) {
		if (params[k] < '0' || params[k] > '9')
			return (0);
		if (n < 100000)
			n = n * 10 + (params[k] - '0');
	}
	if (plen == 0)
		n = 1;
	sb_pane(sb, &top, &bottom);
	if (top != 0 || bottom - top + 1 <= SB_GAP_ANCHOR)
		return (0);
	return (n);
}

/*
 * Whether a scroll of the whole pane by n rows, on the screen m shows,
 * is a jump that skips rows. A multiplexer that collects a fast batch
 * into one scroll draws none of the rows that left its pane within the
 * batch: a scroll of the pane's height or more, or one by more rows than
 * m shows from the top (those from the cursor down, blank in m, would go
 * to the history in their place). Rows blank in the output itself only
 * make a question whose answer finds nothing missing.
 */
static int
sb_jump(const struct scrollback_state *sb, const struct model *m, int n)
{
	int	top, bottom, r;

	sb_pane(sb, &top, &bottom);
	if (n >= bottom - top + 1)
		return (1);
	for (r = bottom; r >= top + n - 1; r--) {
		if (!model_row_blank(m, r))
			return (0);
	}
	return (1);
}

/* Feed m what data draws up to the next jump (all of it when none). */
static void
sb_jump_feed(const struct scrollback_state *sb, struct model *m,
    const char *data, size_t len)
{
	size_t	i = 0, fed = 0, j;
	int	n;

	while (sb_csi_next(data, len, &i, &j)) {
		if (j < len && data[j] == 'S' &&
		    (n = sb_pane_su(sb, data + i + 2, j - (i + 2))) > 0) {
			model_feed(m, data + fed, i - fed);
			fed = i;
			if (sb_jump(sb, m, n))
				return;
		}
		i = j;
	}
	model_feed(m, data + fed, len - fed);
}

/*
 * A jump at data (the SU, then what followed it). Returns 1 when the rows
 * it skipped were written in its place, 0 when it goes out as it is, -1
 * when data is held for a peek.
 */
static int
sb_gap(struct scrollback_state *sb, const char *data, size_t len)
{
	time_t	now = sb_now();
	size_t	sulen;
	int	first = sb->peek_first;

	if (now - sb->gap_last >= SB_GAP_QUIET)
		sb->gap_fails = 0;
	sb->gap_last = now;
	sb->peek_first = 0;
	if (sb->gap_fails >= SB_GAP_FAILS) {
		log_debug("gap: the pane jumped, not asking (a flood)");
		return (0);
	}
	sulen = (size_t)((const char *)memchr(data, 'S', len) - data) + 1;
	if (sb->nans > 0) {
		if (sb_gap_fill(sb, data + sulen, len - sulen)) {
			sb->gap_fails = 0;
			return (1);
		}
		/* An answer that does not cover it is of no more use. */
		sb_rows_free(sb);
	}
	if (first) {
		/* The one the last answer was for: no second question. */
		sb->gap_fails++;
		return (0);
	}
	return (sb_gap_hold(sb, data, len));
}

/*
 * The pane's rows as the terminal shows them (*h of them), and in *n how
 * many from the top make the anchor: those above the last row written,
 * which are certain (it may still have been growing); on a screen nearly
 * empty (a prompt and the command that bursts), the last row too.
 */
static char **
sb_pane_rows(struct scrollback_state *sb, int *h, int *n)
{
	char	**rows;
	int	  top, bottom, last;

	sb_pane(sb, &top, &bottom);
	*h = bottom - top + 1;
	rows = sb_model_rows(sb->model, top, *h, &last);
	*n = (last >= SB_GAP_ANCHOR) ? last : last + 1;
	return (rows);
}

/*
 * Rows top to top + h - 1 of a model; in *last, unless NULL, the last one
 * not blank (-1 when all are).
 */
static char **
sb_model_rows(struct model *m, int top, int h, int *last)
{
	char	**rows;
	int	  r;

	if (last != NULL)
		*last = -1;
	rows = xreallocarray(NULL, (size_t)h, sizeof *rows);
	for (r = 0; r < h; r++) {
		rows[r] = model_row_text(m, top + r);
		if (last != NULL && rows[r][0] != '\0')
			*last = r;
	}
	return (rows);
}

static void
sb_rows_free_list(char **rows, int n)
{
	int	i;

	for (i = 0; i < n; i++)
		free(rows[i]);
	free(rows);
}

/*
 * Hold output from the jump on, and ask for the rows from the anchor (see
 * sb_pane_rows) to the end of the session's pane.
 */
static int
sb_gap_hold(struct scrollback_state *sb, const char *data, size_t len)
{
	struct replay_anchor	 a;
	char			**rows;
	int			  h, n, chars;

	rows = sb_pane_rows(sb, &h, &n);
	chars = sb_anchor(rows, n, &a);
	sb_rows_free_list(rows, h);
	if (chars == 0) {
		log_debug("gap: the pane jumped with nothing to anchor on");
		return (0);
	}
	free(sb->peek_cmd);
	sb->peek_cmd = remote_command_peek(sb->peek_name, &a);
	sb->st = SB_GAP;
	sb->in.len = 0;
	sb_buf_add(&sb->in, data, len);
	log_debug("gap: the pane jumped, asking for its rows (anchor of %d "
	    "rows, %d characters)", n, chars);
	return (-1);
}

/* The command to run over the side channel, once; NULL when none. */
char *
scrollback_peek_command(struct scrollback_state *sb)
{
	char	*cmd = sb->peek_cmd;

	sb->peek_cmd = NULL;
	return (cmd);
}

/* Whether output is held for a peek. */
int
scrollback_holding(const struct scrollback_state *sb)
{
	return (sb->st == SB_GAP);
}

/*
 * The first row q, from start on, where the rows d line up with the
 * answer: each row d shows is the answer's, blank rows aside (not drawn
 * yet), with enough of them to be sure. -1 when there is none.
 */
static int
sb_align(char **d, int nd, char **plain, int nplain, int start)
{
	int	q, i, shown = 0, matched, need, lastd = -1;

	for (i = 0; i < nd; i++) {
		if (d[i][0] != '\0') {
			shown++;
			lastd = i;
		}
	}
	if (shown == 0)
		return (-1);
	need = shown < SB_WATCH_MIN ? shown : SB_WATCH_MIN;
	for (q = start < 0 ? 0 : start; q < nplain; q++) {
		matched = 0;
		for (i = 0; i < nd && q + i < nplain; i++) {
			if (d[i][0] == '\0')
				continue;
			/* The last row drawn may still be being drawn. */
			if (strcmp(d[i], plain[q + i]) != 0 && (i != lastd ||
			    strncmp(d[i], plain[q + i], strlen(d[i])) != 0))
				break;
			matched++;
		}
		if ((i == nd || q + i == nplain) && matched >= need)
			return (q);
	}
	return (-1);
}

/*
 * Write in place of the jump (whose SU data follows) the rows it skipped:
 * the pane's rows as the terminal has them go to the history, then those
 * of the answer between them and what the multiplexer draws next, then
 * the pane is blanked, as the scroll would have left it.
 */
static int
sb_gap_fill(struct scrollback_state *sb, const char *after, size_t alen)
{
	struct model	 *scratch;
	char		**have, **drawn = NULL, buf[64];
	int		  top, bottom, h, r, last, i, k, n, q, from;
	int		  matches, first, crow, ccol, ok = 0;

	sb_pane(sb, &top, &bottom);
	have = sb_pane_rows(sb, &h, &last);
	if (last == 0)
		goto out;

	/* Where the anchor's rows stand in the answer. */
	from = sb_rows_find(have, last, sb->ans_plain, sb->nans, &matches);
	if (matches != 1) {
		log_debug("gap: pane found %d times in the answer", matches);
		goto out;
	}
	first = from + last;

	/* What the multiplexer drew after the scroll. */
	scratch = model_new(sb->rows, sb->cols);
	model_cursor(sb->model, &crow, &ccol);
	snprintf(buf, sizeof buf, "\033[%d;%dr\033[%d;%dH", top + 1,
	    bottom + 1, crow + 1, ccol + 1);
	model_feed(scratch, buf, strlen(buf));
	sb_jump_feed(sb, scratch, after, alen);
	drawn = sb_model_rows(scratch, top, h, NULL);
	q = sb_align(drawn, h, sb->ans_plain, sb->nans, first);
	if (q != -1)
		q -= (int)model_pushed(scratch);
	model_free(scratch);
	if (q == -1) {
		log_debug("gap: what was drawn is not in the answer");
		goto out;
	}
	if (q < first)
		q = first;
	if (q - first > REPLAY_CAP)
		first = q - REPLAY_CAP;

	sb_emitf(sb, "\0337\033[m\033[%d;1H", bottom + 1);
	for (r = 0; r < last; r++)
		sb_emit(sb, "\n", 1);
	for (i = first; i < q; i += n) {
		n = (q - i < h) ? q - i : h;
		sb_emitf(sb, "\033[%d;1H\033[%dL", top + 1, n);
		for (k = 0; k < n; k++) {
			sb_emit(sb, sb->ans[i + k], strlen(sb->ans[i + k]));
			sb_emitf(sb, "\033[m%s", k + 1 < n ? "\r\n" : "");
		}
		sb_emitf(sb, "\033[%d;1H", bottom + 1);
		for (k = 0; k < n; k++)
			sb_emit(sb, "\n", 1);
	}
	for (r = top; r <= bottom; r++)
		sb_emitf(sb, "\033[%d;1H\033[2K", r + 1);
	sb_emitf(sb, "\0338");
	sb->gap_filled += q - first;
	log_debug("gap: %d rows the pane skipped into the history", q - first);
	ok = 1;

out:
	sb_rows_free_list(have, h);
	if (drawn != NULL)
		sb_rows_free_list(drawn, h);
	return (ok);
}

static void
sb_rows_free(struct scrollback_state *sb)
{
	sb_rows2_free(&sb->ans, &sb->ans_plain, &sb->nans);
}

/*
 * The peek's output: the block remote.c describes, between its markers.
 * Keeps its rows (history, then pane) when the anchor was found.
 */
static void
sb_answer(struct scrollback_state *sb, const char *data, size_t len)
{
	const char	*p, *nl, *end = data + len;
	char		*line;
	size_t		 n;
	int		 state = 0, hist, alt, capped = 0, found = 1;

	sb_rows_free(sb);
	for (p = data; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			break;
		n = (size_t)(nl - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		line = xmalloc(n + 1);
		memcpy(line, p, n);
		line[n] = '\0';
		if (state == 0) {
			if (strcmp(line, REPLAY_BEGIN) == 0)
				state = 1;
		} else if (state == 1) {
			if (strncmp(line, REPLAY_INFO " ",
			    strlen(REPLAY_INFO) + 1) != 0 ||
			    sscanf(line + strlen(REPLAY_INFO), "%d %d %d %d",
			    &hist, &alt, &capped, &found) != 4 || !found ||
			    alt || capped > 0) {
				/* Gone from the history: a flood, as above. */
				if (!found || capped > 0)
					sb->gap_fails = SB_GAP_FAILS;
				free(line);
				break;
			}
			state = 2;
		} else if (strcmp(line, REPLAY_END) == 0) {
			free(line);
			state = 3;
			break;
		} else if (strcmp(line, REPLAY_CUT) != 0) {
			sb->ans = xreallocarray(sb->ans,
			    (size_t)sb->nans + 1, sizeof *sb->ans);
			sb->ans_plain = xreallocarray(sb->ans_plain,
			    (size_t)sb->nans + 1, sizeof *sb->ans_plain);
			sb->ans[sb->nans] = line;
			sb->ans_plain[sb->nans] = xstrdup(line);
			scrollback_plain(sb->ans_plain[sb->nans]);
			sb->nans++;
			continue;
		}
		free(line);
	}
	if (state != 3) {
		log_debug("gap: no answer from the session");
		sb_rows_free(sb);
	}
}

/*
 * The peek is over: its output (NULL when it failed or took too long).
 * The held output goes out, with the skipped rows in place of the jump
 * when the answer has them. Returns the bytes to write, as
 * scrollback_feed does.
 */
size_t
scrollback_peek_done(struct scrollback_state *sb, const char *data,
    size_t len, const char **out)
{
	struct sb_buf	held;

	sb->out.len = 0;
	sb->direct = NULL;
	*out = sb->out.data;
	if (sb->st != SB_GAP)
		return (0);
	/* A question not asked yet is moot now. */
	free(sb->peek_cmd);
	sb->peek_cmd = NULL;
	if (data != NULL)
		sb_answer(sb, data, len);
	else
		sb_rows_free(sb);
	held = sb->in;
	memset(&sb->in, 0, sizeof sb->in);
	sb->st = SB_PASS;
	sb->peek_first = 1;
	sb->may_direct = 0;
	sb_pass(sb, held.data, held.len);
	free(held.data);
	sb->peek_first = 0;
	*out = sb->out.data;
	return (sb->out.len);
}

/* Whether output is held for a block a reconnect asked for. */
int
scrollback_waiting(const struct scrollback_state *sb)
{
	return (sb->st == SB_EXPECT || sb->st == SB_BLOCK);
}

/* Whether the block has begun and not yet ended. */
int
scrollback_in_block(const struct scrollback_state *sb)
{
	return (sb->st == SB_BLOCK);
}

/*
 * Whether a block has just ended (or been given up on), so the remote,
 * which waits for the word before it lets its multiplexer take the
 * terminal over, must now be told. Says so once.
 */
int
scrollback_take_ack(struct scrollback_state *sb)
{
	if (!sb->ack_due || sb->st == SB_BLOCK)
		return (0);
	sb->ack_due = 0;
	return (1);
}

/*
 * Nothing more of the block came for a while: what is held of it is
 * dropped (rows half sent are no use), a line that may have been the
 * start of its marker goes out, and output flows again.
 */
size_t
scrollback_expire(struct scrollback_state *sb, const char **out)
{
	sb->out.len = 0;
	sb->direct = NULL;
	switch (sb->st) {
	case SB_EXPECT:
		log_debug("replay: the block did not come");
		sb_emit(sb, sb->in.data, sb->in.len);
		break;
	case SB_BLOCK:
		log_debug("replay: the block did not end, %zu bytes dropped",
		    sb->in.len);
		break;
	default:
		*out = sb->out.data;
		return (0);
	}
	sb->in.len = 0;
	sb->st = SB_PASS;
	*out = sb->out.data;
	return (sb->out.len);
}

/* Rows written into the history in place of jumps, so far. */
int
scrollback_gap_filled(const struct scrollback_state *sb)
{
	return (sb->gap_filled);
}
