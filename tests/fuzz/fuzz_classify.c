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

#include <sys/wait.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "limpet.h"
#include "tests/fuzz/fuzz.h"

/*
 * The classifier of ssh's stderr: every line alone, then the whole text
 * with an exit or signal status taken from the first bytes. The reason
 * must be a terminated string and the verdict one of the known kinds.
 */

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct end_info	 info;
	enum line_kind	 k;
	char		*text, *line, *next;
	int		 wstatus, first;

	if (size < 2)
		return (0);
	first = data[0] & 1;
	switch ((data[0] >> 1) & 3) {
	case 0:
		wstatus = (data[1] & 0xff) << 8;	/* exited */
		break;
	case 1:
		wstatus = data[1] & 0x7f;		/* killed */
		if (wstatus == 0)
			wstatus = 9;
		break;
	case 2:
		wstatus = 255 << 8;
		break;
	default:
		wstatus = (data[1] << 8) | 0x7f;	/* stopped */
		break;
	}
	data += 2;
	size -= 2;

	text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';

	memset(&info, 'x', sizeof info);
	classify_end(wstatus, first, text, &info);
	if (memchr(info.reason, '\0', sizeof info.reason) == NULL)
		abort();
	if (info.kind != END_CLEAN && info.kind != END_TRANSIENT &&
	    info.kind != END_FATAL && info.kind != END_REMOTE_EXIT)
		abort();

	for (line = text; line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		k = classify_line(line);
		if (k != LINE_OTHER && k != LINE_TRANSIENT &&
		    k != LINE_FATAL && k != LINE_NOISE)
			abort();
	}
	free(text);
	return (0);
}
