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

#include "limpet.h"
#include "tests/unit/unit.h"

/* How --list turns the remote command's output into its table. */

static char	 out[4096], errtext[1024];

static int
print(const char *text)
{
	FILE	*o, *e;
	size_t	 n;
	int	 r;

	out[0] = errtext[0] = '\0';
	if ((o = tmpfile()) == NULL || (e = tmpfile()) == NULL)
		return (-2);
	r = sessions_print(text, "box", o, e);
	rewind(o);
	n = fread(out, 1, sizeof out - 1, o);
	out[n] = '\0';
	rewind(e);
	n = fread(errtext, 1, sizeof errtext - 1, e);
	errtext[n] = '\0';
	fclose(o);
	fclose(e);
	return (r);
}

int
main(void)
{
	/* Both multiplexers, the noise of a login shell around them. */
	CHECK(print("Welcome to box\n"
	    "limpet-list tmux\n"
	    "limpet-list tmux-session 1 limpet\n"
	    "limpet-list tmux-session 0 my work\n"
	    "limpet-list tmux-session 2 pair\r\n"
	    "limpet-list screen\n"
	    "limpet-list screen-session 4242.scr (01/02/26 10:00:00) "
	    "(Detached)\n"
	    "limpet-list screen-session 77.att (Attached)\n"
	    "limpet-list screen-session 78.multi (Multi, attached)\n"
	    "limpet-list screen-session 66.gone (Dead ?" "?" "?)\n"
	    "limpet-list screen-session 5.a.b (Detached)\n"
	    "limpet-list end\n") == 0);
	CHECK_STR(out,
	    "tmux    limpet                   attached\n"
	    "tmux    my work                  detached\n"
	    "tmux    pair                     attached\n"
	    "screen  scr                      detached\n"
	    "screen  att                      attached\n"
	    "screen  multi                    attached\n"
	    "screen  gone                     dead\n"
	    "screen  a.b                      detached\n");
	CHECK_STR(errtext, "");

	/* Installed, no sessions. */
	CHECK(print("limpet-list tmux\nlimpet-list screen\n"
	    "limpet-list end\n") == 0);
	CHECK_STR(out, "");
	CHECK_STR(errtext, "limpet: no sessions on box\n");

	/* Neither installed. */
	CHECK(print("limpet-list end\n") == 0);
	CHECK_STR(errtext, "limpet: neither tmux nor screen is installed on "
	    "box\n");

	/* Cut short: no end marker. */
	CHECK(print("limpet-list tmux\nlimpet-list tmux-session 1 a\n") == -1);
	CHECK(print("") == -1);

	/* Malformed lines are skipped, not misread. */
	CHECK(print("limpet-list tmux\n"
	    "limpet-list tmux-session x name\n"
	    "limpet-list tmux-session 1\n"
	    "limpet-list tmux-session 1 \n"
	    "limpet-list screen-session nodot (Detached)\n"
	    "limpet-list screen-session 12. (Detached)\n"
	    "limpet-list end\n") == 0);
	CHECK_STR(out, "");
	CHECK_STR(errtext, "limpet: no sessions on box\n");

	return (unit_done());
}
