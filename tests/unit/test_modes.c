/* Unit tests of the output scanner (reattach/modes.c). */

#include <stdlib.h>
#include <string.h>

#include "limpet.h"
#include "tests/unit/unit.h"

static char	outbuf[65536];

/* Feed in whole and return what came out, as a string. */
static const char *
feed(struct modes *m, const char *in)
{
	size_t	n = modes_feed(m, in, strlen(in), outbuf);

	outbuf[n] = '\0';
	return (outbuf);
}

/* Feed in split at every position in turn; all must give the same. */
static int
feed_split_everywhere(int filter, const char *in, const char *want,
    uint32_t want_on)
{
	struct modes	 m;
	char		 got[4096];
	size_t		 len = strlen(in), cut, n;
	int		 ok = 1;

	for (cut = 0; cut <= len; cut++) {
		modes_init(&m, filter);
		n = modes_feed(&m, in, cut, got);
		n += modes_feed(&m, in + cut, len - cut, got + n);
		got[n] = '\0';
		if (strcmp(got, want) != 0 || m.on != want_on)
			ok = 0;
	}
	return (ok);
}

/*
 * Scan in place as the client does (read after MODES_HOLD_MAX bytes of
 * room, out = in - nheld), in chunks of every size from 1 to the whole:
 * the result must be what one copying scan of the whole input gives.
 */
static int
feed_in_place_chunks(int filter, const char *in)
{
	struct modes	 m;
	char		 want[1024], got[1024], buf[MODES_HOLD_MAX + 1024];
	char		*at = buf + MODES_HOLD_MAX, *out;
	size_t		 len = strlen(in), wantlen, gotlen, chunk, off, n, k;
	uint32_t	 want_on;
	int		 ok = 1;

	modes_init(&m, filter);
	wantlen = modes_feed(&m, in, len, want);
	want_on = m.on;
	for (chunk = 1; chunk <= len; chunk++) {
		modes_init(&m, filter);
		gotlen = 0;
		for (off = 0; off < len; off += n) {
			n = (len - off < chunk) ? len - off : chunk;
			memcpy(at, in + off, n);
			out = at - m.nheld;
			k = modes_feed(&m, at, n, out);
			memcpy(got + gotlen, out, k);
			gotlen += k;
		}
		if (gotlen != wantlen || memcmp(got, want, gotlen) != 0 ||
		    m.on != want_on)
			ok = 0;
	}
	return (ok);
}

int
main(void)
{
	struct modes	 m;
	char		 reset[512], want[32], out[16 + MODES_HOLD_MAX];
	char		*big;
	size_t		 n;
	int		 i;

	/* Plain text and unrelated sequences pass untouched. */
	modes_init(&m, 1);
	CHECK_STR(feed(&m, "hello\r\n\033[1;31mred\033[m\033]0;title\007"),
	    "hello\r\n\033[1;31mred\033[m\033]0;title\007");
	CHECK(m.on == 0);

	/* The multiplexer's alternate screen is dropped when filtering... */
	modes_init(&m, 1);
	CHECK_STR(feed(&m, "a\033[?1049hb\033[?1049lc"), "abc");
	CHECK(!modes_is_on(&m, TMODE_ALTSCREEN_1049));
	/* ...and kept, and tracked, when not. */
	modes_init(&m, 0);
	CHECK_STR(feed(&m, "a\033[?1049hb"), "a\033[?1049hb");
	CHECK(modes_is_on(&m, TMODE_ALTSCREEN_1049));

	/* Mixed parameters: only the alternate screen number goes. */
	modes_init(&m, 1);
	CHECK_STR(feed(&m, "\033[?1049;1000h"), "\033[?1000h");
	CHECK(modes_is_on(&m, TMODE_MOUSE_1000));
	CHECK_STR(feed(&m, "\033[?1000;1049l"), "\033[?1000l");
	CHECK(!modes_is_on(&m, TMODE_MOUSE_1000));

	/* Split at every byte boundary, the result is the same. */
	CHECK(feed_split_everywhere(1, "x\033[?1049hy\033[?2004hz",
	    "xy\033[?2004hz", 1U << TMODE_BRACKETED_PASTE));
	CHECK(feed_split_everywhere(0, "\033[?25l\033=\033[>4;2m",
	    "\033[?25l\033=\033[>4;2m", (1U << TMODE_CURSOR_HIDDEN) |
	    (1U << TMODE_KEYPAD) | (1U << TMODE_MODIFY_OTHER_KEYS)));

	/* Hidden cursor is an inverted mode. */
	modes_init(&m, 0);
	feed(&m, "\033[?25l");
	CHECK(modes_is_on(&m, TMODE_CURSOR_HIDDEN));
	feed(&m, "\033[?25h");
	CHECK(!modes_is_on(&m, TMODE_CURSOR_HIDDEN));

	/* Reset undoes exactly what is on, then forgets it. */
	modes_init(&m, 0);
	feed(&m, "\033[?1000h\033[?1006h\033[?2004h\033[?25l\033[?1049h"
	    "\033=\033[>1u\033[>1u\033[1;20r");
	n = modes_reset(&m, reset, sizeof reset);
	CHECK(n == strlen(reset));
	CHECK(strstr(reset, "\033[?1000l") != NULL);
	CHECK(strstr(reset, "\033[?1006l") != NULL);
	CHECK(strstr(reset, "\033[?2004l") != NULL);
	CHECK(strstr(reset, "\033[?25h") != NULL);
	CHECK(strstr(reset, "\033[?1049l") != NULL);
	CHECK(strstr(reset, "\033>") != NULL);
	CHECK(strstr(reset, "\033[<2u") != NULL);
	CHECK(strstr(reset, "\0337\033[r\0338") != NULL);
	CHECK(strstr(reset, "\033[?1002l") == NULL);
	CHECK(strstr(reset, "\033[?1004l") == NULL);
	CHECK(m.on == 0);
	n = modes_reset(&m, reset, sizeof reset);
	CHECK_STR(reset, "\033[m");

	/* Modes turned on then off leave nothing to undo. */
	modes_init(&m, 0);
	feed(&m, "\033[?1002h\033[?1002l\033[>4;1m\033[>4m\033[>1u\033[<u"
	    "\033[5;10r\033[r");
	CHECK(m.on == 0);

	/* A sequence cut short by another ESC is passed on as it was. */
	modes_init(&m, 1);
	CHECK_STR(feed(&m, "\033[?10\033[?1049h!"), "\033[?10!");

	/* An over-long sequence is given up, not held forever. */
	big = malloc(200);
	memset(big, '1', 199);
	big[0] = '\033';
	big[1] = '[';
	big[199] = '\0';
	modes_init(&m, 1);
	CHECK(strlen(feed(&m, big)) == 199);
	free(big);

	/*
	 * A remote that pushes kitty keyboard modes forever: the count stops
	 * at MODES_KITTY_MAX instead of overflowing, and one pop of that
	 * many undoes them.
	 */
	modes_init(&m, 1);
	for (i = 0; i < MODES_KITTY_MAX + 1000; i++)
		modes_feed(&m, "\033[>1u", 5, out);
	CHECK(modes_is_on(&m, TMODE_KITTY_KEYBOARD));
	CHECK(m.kitty_depth == MODES_KITTY_MAX);
	n = modes_reset(&m, reset, sizeof reset);
	snprintf(want, sizeof want, "\033[<%du", MODES_KITTY_MAX);
	CHECK(strstr(reset, want) != NULL);
	CHECK(m.kitty_depth == 0);

	/* ESC at the very end of a chunk is held, then released. */
	modes_init(&m, 1);
	CHECK_STR(feed(&m, "abc\033"), "abc");
	CHECK_STR(feed(&m, "Mdef"), "\033Mdef");

	/* In place, in chunks of any size, nothing changes. */
	CHECK(feed_in_place_chunks(1, "text\r\n\033[?1049h\033[1;24r"
	    "\033[?1049;1000;25l more \033[?10\033[?2004h\033=x\033[?1049l"
	    "\033[1111111111111111111111111111111111111111111111111111111111111"
	    "11111111m end\033"));
	CHECK(feed_in_place_chunks(0, "\033[?1049h\033[>4;2m\033[>1u"
	    "plain \033]0;title\007\033[?25l\033[?1049l"));

	return (unit_done());
}
