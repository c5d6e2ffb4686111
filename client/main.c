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
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "limpet.h"

/*
 * limpet: ssh into a host and stay there. Parse the command line, read the
 * config file for the host, check everything that could be wrong before
 * touching the terminal, then hand over to the client loop.
 */

static dead void
usage_error(const char *msg)
{
	fprintf(stderr, "limpet: %s\n", msg);
	fprintf(stderr, "Try 'limpet --help' for more information.\n");
	exit(EXIT_USAGE);
}

int
main(int argc, char **argv)
{
	struct options	 opts;
	char		 err[1024], path[PATH_MAX], session[SESSION_NAME_MAX + 1];
	char		*remote;
	const char	*config, *logpath;
	int		 status;

	if (options_parse(argc, argv, &opts, err, sizeof err) == -1)
		usage_error(err);
	if (opts.help) {
		usage(stdout);
		options_free(&opts);
		return (EXIT_CLEAN);
	}
	if (opts.version) {
		printf("limpet %s\n", PACKAGE_VERSION);
		options_free(&opts);
		return (EXIT_CLEAN);
	}

	if ((logpath = getenv("LIMPET_LOG")) != NULL && *logpath != '\0')
		log_open(logpath);

	/* The command line was applied first; the file fills in the rest. */
	if (opts.config_file != NULL)
		config = opts.config_file;
	else if (config_default_path(path, sizeof path) == 0)
		config = path;
	else
		config = NULL;
	if (config != NULL && config_load(config, opts.config_file != NULL,
	    opts.host, &opts.cli, err, sizeof err) == -1) {
		fprintf(stderr, "limpet: %s\n", err);
		options_free(&opts);
		return (EXIT_USAGE);
	}
	settings_defaults(&opts.cli);

	if (session_expand(opts.cli.session, opts.host, session,
	    sizeof session, err, sizeof err) == -1) {
		fprintf(stderr, "limpet: %s\n", err);
		options_free(&opts);
		return (EXIT_USAGE);
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "limpet: standard input and output must be a "
		    "terminal (use ssh for commands and pipes)\n");
		options_free(&opts);
		return (EXIT_USAGE);
	}

	remote = remote_command(opts.cli.mux, session);
	log_debug("host %s, session %s, mux %d", opts.host, session,
	    opts.cli.mux);
	status = client_main(&opts, &opts.cli, remote);
	free(remote);
	options_free(&opts);
	log_close();
	return (status);
}
