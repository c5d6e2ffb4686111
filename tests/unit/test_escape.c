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
