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

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "limpet.h"
#include "tests/unit/unit.h"

/*
 * The notice line drawn for a known terminal (xterm's terminfo entry):
 * reverse video around the text, none when NO_COLOR is set and not empty.
 */

static const char	 rev[] = "\033[7m";
static int		 fd;

static int
drawn_with(const char *no_color, char *buf, size_t len)
{
	if (no_color == NULL)
		unsetenv("NO_COLOR");
	else
		setenv("NO_COLOR", no_color, 1);
	notice_init(fd);
	return (notice_draw(buf, len, 24, 80, "limpet: test notice") > 0);
}

int
main(void)
{
	char	buf[1024];

	if ((fd = open("/dev/null", O_WRONLY)) == -1) {
		CHECK(fd != -1);
		return (unit_done());
	}
	setenv("TERM", "xterm", 1);

	CHECK(drawn_with(NULL, buf, sizeof buf));
	CHECK(strstr(buf, "limpet: test notice") != NULL);
	CHECK(strstr(buf, rev) != NULL);
	CHECK(strstr(buf, rev) < strstr(buf, "limpet: test notice"));

	CHECK(drawn_with("1", buf, sizeof buf));
	CHECK(strstr(buf, "limpet: test notice") != NULL);
	CHECK(strstr(buf, rev) == NULL);
	CHECK(strstr(buf, "\033[") != NULL);	/* still placed by cup */

	/* An empty NO_COLOR does not count, as no-color.org says. */
	CHECK(drawn_with("", buf, sizeof buf));
	CHECK(strstr(buf, rev) != NULL);

	/* A terminal without cursor addressing gets no notice line. */
	unsetenv("NO_COLOR");
	setenv("TERM", "dumb", 1);
	notice_init(fd);
	CHECK(notice_draw(buf, sizeof buf, 24, 80, "x") == 0);

	close(fd);
	return (unit_done());
}
