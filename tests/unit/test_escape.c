/* Unit tests of the escape state machine (client/escape.c). */

#include <string.h>

#include "limpet.h"
#include "tests/unit/unit.h"

/* Feed the whole input, collecting what is forwarded and the actions. */
static void
run(struct escape *e, const char *in, char *fwd, char *acts)
{
	char			 out[256];
	size_t			 len = strlen(in), off = 0, used, outlen;
	enum escape_action	 a;

	*fwd = '\0';
	*acts = '\0';
	while (off < len) {
		used = escape_feed(e, in + off, len - off, out, &outlen, &a);
		out[outlen] = '\0';
		strcat(fwd, out);
		switch (a) {
		case ESCAPE_ACT_QUIT:		strcat(acts, "Q"); break;
		case ESCAPE_ACT_RECONNECT:	strcat(acts, "R"); break;
		case ESCAPE_ACT_SUSPEND:	strcat(acts, "Z"); break;
		case ESCAPE_ACT_HELP:		strcat(acts, "H"); break;
		case ESCAPE_ACT_NONE:		break;
		}
		off += used;
	}
}

/* Feed one byte at a time, as a slow typist would. */
static void
run_bytes(struct escape *e, const char *in, char *fwd, char *acts)
{
	char	f[256], a[64], one[2];

	*fwd = '\0';
	*acts = '\0';
	one[1] = '\0';
	for (; *in != '\0'; in++) {
		one[0] = *in;
		run(e, one, f, a);
		strcat(fwd, f);
		strcat(acts, a);
	}
}

/* Feed in pieces of chunk bytes, as reads of that size would bring it. */
static void
run_chunks(struct escape *e, const char *in, size_t chunk, char *fwd,
    char *acts)
{
	char	piece[256], f[256], a[64];
	size_t	len = strlen(in), off, n;

	*fwd = '\0';
	*acts = '\0';
	for (off = 0; off < len; off += n) {
		n = (len - off < chunk) ? len - off : chunk;
		memcpy(piece, in + off, n);
		piece[n] = '\0';
		run(e, piece, f, a);
		strcat(fwd, f);
		strcat(acts, a);
	}
}

/* Every chunk size gives what one read of the whole would. */
static int
same_in_any_chunks(int ch, const char *in)
{
	struct escape	e;
	char		fwd[256], acts[64], f[256], a[64];
	size_t		chunk;
	int		ok = 1;

	escape_init(&e, ch);
	run(&e, in, fwd, acts);
	for (chunk = 1; chunk <= strlen(in); chunk++) {
		escape_init(&e, ch);
		run_chunks(&e, in, chunk, f, a);
		if (strcmp(f, fwd) != 0 || strcmp(a, acts) != 0)
			ok = 0;
	}
	return (ok);
}

int
main(void)
{
	struct escape	e;
	char		fwd[256], acts[64];

	escape_init(&e, '~');
	run(&e, "~.", fwd, acts);
	CHECK_STR(acts, "Q");
	CHECK_STR(fwd, "");

	escape_init(&e, '~');
	run(&e, "ls\r~.", fwd, acts);
	CHECK_STR(acts, "Q");
	CHECK_STR(fwd, "ls\r");

	/* Not at the start of a line: a plain tilde. */
	escape_init(&e, '~');
	run(&e, "cd ~.", fwd, acts);
	CHECK_STR(acts, "");
	CHECK_STR(fwd, "cd ~.");

	/* ~~ sends one ~ and the line is no longer at its start. */
	escape_init(&e, '~');
	run(&e, "~~.", fwd, acts);
	CHECK_STR(acts, "");
	CHECK_STR(fwd, "~.");

	/* An unknown command letter passes both bytes through. */
	escape_init(&e, '~');
	run(&e, "~x", fwd, acts);
	CHECK_STR(acts, "");
	CHECK_STR(fwd, "~x");

	/* ~R, ~^Z, ~? and chained escapes. */
	escape_init(&e, '~');
	run(&e, "~R~?\n~\x1a", fwd, acts);
	CHECK_STR(acts, "RHZ");
	CHECK_STR(fwd, "\n");

	/* After LF as well as CR. */
	escape_init(&e, '~');
	run(&e, "a\n~.", fwd, acts);
	CHECK_STR(acts, "Q");

	/* A held escape character survives a read boundary. */
	escape_init(&e, '~');
	run_bytes(&e, "x\r~.", fwd, acts);
	CHECK_STR(acts, "Q");
	CHECK_STR(fwd, "x\r");
	escape_init(&e, '~');
	run_bytes(&e, "\r~a\r", fwd, acts);
	CHECK_STR(fwd, "\r~a\r");
	CHECK_STR(acts, "");

	/* Another escape character. */
	escape_init(&e, '%');
	run(&e, "~.%.", fwd, acts);
	CHECK_STR(fwd, "~.%.");
	CHECK_STR(acts, "");
	escape_init(&e, '%');
	run(&e, "\r%.", fwd, acts);
	CHECK_STR(acts, "Q");

	/* Read boundaries anywhere change nothing. */
	CHECK(same_in_any_chunks('~', "~~x ~. a~b\r~~~.\n~x\r\n~?cd ~/.\r"
	    "~R\r~\x1a~.tail"));
	CHECK(same_in_any_chunks(0x1d, "\x1d\x1d\r\x1d.x\n\x1dq\x1d"));

	/* A long paste with tildes inside lines goes through as it is. */
	{
		static char	paste[20000], out[20001];
		size_t		i, used, outlen;
		enum escape_action a;

		for (i = 0; i < sizeof paste; i++)
			paste[i] = (i % 80 == 79) ? '\n' :
			    (i % 80 == 40) ? '~' : 'a' + (char)(i % 26);
		escape_init(&e, '~');
		used = escape_feed(&e, paste, sizeof paste, out, &outlen, &a);
		CHECK(used == sizeof paste && outlen == sizeof paste &&
		    a == ESCAPE_ACT_NONE &&
		    memcmp(out, paste, sizeof paste) == 0);
		CHECK(e.line_start == 1);
	}

	/* Escapes off: everything goes through untouched. */
	escape_init(&e, ESCAPE_NONE);
	run(&e, "~.~R", fwd, acts);
	CHECK_STR(fwd, "~.~R");
	CHECK_STR(acts, "");
	CHECK_STR(escape_help(&e), "");

	/* The help names the escape character, ^X style for controls. */
	escape_init(&e, 0x1d);
	CHECK(strstr(escape_help(&e), "^].") != NULL);
	escape_init(&e, '~');
	CHECK(strstr(escape_help(&e), "~R") != NULL);

	return (unit_done());
}
