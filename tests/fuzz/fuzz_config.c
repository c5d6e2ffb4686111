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

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "limpet.h"
#include "tests/fuzz/fuzz.h"

/*
 * The config file parser, fed the input as a whole file. The file is one
 * private temporary made with mkstemp and rewritten for every input. Each
 * input is read for a few host names, so Host patterns get exercised both
 * ways, and an error must always name the file and a line.
 */

static char	 fuzz_path[64];
static int	 fuzz_fd = -1;

static const char *hosts[] = {
	"build-box", "a.lab", "gateway.lab", "", "x?*!y", "HOST.EXAMPLE.ORG"
};

static void
fuzz_cleanup(void)
{
	if (fuzz_fd != -1)
		unlink(fuzz_path);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char	*tmp;

	if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
		tmp = "/tmp";
	snprintf(fuzz_path, sizeof fuzz_path, "%s/limpet-fuzz.XXXXXX", tmp);
	if ((fuzz_fd = mkstemp(fuzz_path)) == -1) {
		perror("mkstemp");
		exit(1);
	}
	atexit(fuzz_cleanup);
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct settings	 s;
	char		 err[512], prefix[128], session[SESSION_NAME_MAX + 1];
	size_t		 i;
	ssize_t		 n;

	if (ftruncate(fuzz_fd, 0) == -1 ||
	    (n = pwrite(fuzz_fd, data, size, 0)) == -1 || (size_t)n != size)
		abort();
	snprintf(prefix, sizeof prefix, "%s:", fuzz_path);

	for (i = 0; i < sizeof hosts / sizeof hosts[0]; i++) {
		settings_init(&s);
		memset(err, 'x', sizeof err);
		if (config_load(fuzz_path, 1, hosts[i], &s, err,
		    sizeof err) != 0) {
			if (memchr(err, '\0', sizeof err) == NULL ||
			    strncmp(err, prefix, strlen(prefix)) != 0)
				abort();
			settings_free(&s);
			/* Errors do not depend on the host: stop here. */
			break;
		}
		settings_defaults(&s);
		if (session_expand(s.session, hosts[i], session, sizeof session,
		    err, sizeof err) == 0 && !session_name_valid(session))
			abort();
		settings_free(&s);
	}
	return (0);
}
