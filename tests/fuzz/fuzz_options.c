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

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "limpet.h"
#include "tests/fuzz/fuzz.h"

/*
 * The command line parser: the input is split at NUL bytes into argv. A
 * command line that parses must also give a valid session name (or a
 * clear error) and an ssh argv ending in the destination.
 */

#define FUZZ_ARGS_MAX	64

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct options	 o;
	char		*copy, *argv[FUZZ_ARGS_MAX + 2], **sargv;
	char		 err[1024], session[SESSION_NAME_MAX + 1], *remote;
	size_t		 i, start;
	int		 argc = 0, n;

	copy = malloc(size + 1);
	memcpy(copy, data, size);
	copy[size] = '\0';
	argv[argc++] = (char *)"limpet";
	for (start = 0, i = 0; i <= size && argc <= FUZZ_ARGS_MAX; i++) {
		if (i == size || copy[i] == '\0') {
			argv[argc++] = copy + start;
			start = i + 1;
		}
	}
	argv[argc] = NULL;

	memset(err, 'x', sizeof err);
	if (options_parse(argc, argv, &o, err, sizeof err) != 0) {
		/* A refusal always says why, in a terminated string. */
		if (memchr(err, '\0', sizeof err) == NULL || err[0] == '\0')
			abort();
		options_free(&o);
		free(copy);
		return (0);
	}
	if (o.destination != NULL) {
		if (o.host == NULL)
			abort();
		settings_defaults(&o.cli);
		if (session_expand(o.cli.session, o.host, session,
		    sizeof session, err, sizeof err) == 0) {
			if (!session_name_valid(session))
				abort();
			remote = remote_command(o.cli.mux, session);
			sargv = ssh_build_argv(&o, &o.cli, remote, size & 1);
			for (n = 0; sargv[n] != NULL; n++)
				;
			if (n < 2 || strcmp(sargv[n - 1 - (remote != NULL)],
			    o.destination) != 0)
				abort();
			ssh_free_argv(sargv);
			free(remote);
		}
	}
	options_free(&o);
	options_free(&o);
	free(copy);
	return (0);
}
