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

static dead void	 usage_error(const char *);
static void		 main_open_log(const struct options *);
static void		 main_log_settings(const struct settings *,
			     const char *);

static dead void
usage_error(const char *msg)
{
	fprintf(stderr, "limpet: %s\n", msg);
	fprintf(stderr, "Try 'limpet --help' for more information.\n");
	exit(EXIT_USAGE);
}

/*
 * --log beats LIMPET_LOG. --debug alone logs to limpet-PID.log in the
 * current directory, as tmux -v does, and says so before the session
 * starts. A log that cannot be opened is the user's to fix: a usage error.
 */
static void
main_open_log(const struct options *o)
{
	const char	*path, *v;
	char		 fallback[64];

	path = o->log_file;
	if (path == NULL && (v = getenv("LIMPET_LOG")) != NULL && *v != '\0')
		path = v;
	if (path == NULL && o->debug) {
		snprintf(fallback, sizeof fallback, "limpet-%ld.log",
		    (long)getpid());
		path = fallback;
		fprintf(stderr, "limpet: debug log in %s\n", path);
	}
	if (path == NULL)
		return;
	if (log_open(path) == -1) {
		fprintf(stderr, "limpet: can't open log file %s: %s%s\n", path,
		    strerror(errno), errno == ELOOP ? " (a symbolic link is "
		    "never followed)" : "");
		exit(EXIT_USAGE);
	}
	log_set_verbose(o->debug);
	log_debug("limpet %s, destination %s", PACKAGE_VERSION,
	    o->destination);
	if ((v = getenv("TERM")) == NULL)
		v = "(unset)";
	log_verbose("TERM %s", v);
	if ((v = getenv("LIMPET_SSH")) != NULL)
		log_verbose("LIMPET_SSH %s", v);
	if ((v = getenv("NO_COLOR")) != NULL)
		log_verbose("NO_COLOR \"%s\"", v);
}

/* The resolved settings go into a --debug log as -G prints them. */
static void
main_log_settings(const struct settings *s, const char *session)
{
	FILE	*f;
	char	*text = NULL, *line, *next;
	size_t	 len = 0;

	if (!log_is_verbose())
		return;
	if ((f = open_memstream(&text, &len)) == NULL)
		return;
	settings_print(f, s, session);
	fclose(f);
	for (line = text; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		log_verbose("setting %s", line);
	}
	free(text);
}

int
main(int argc, char **argv)
{
	struct options	 opts;
	char		 err[1024], path[PATH_MAX], session[SESSION_NAME_MAX + 1];
	char		*remote;
	const char	*config;
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

	main_open_log(&opts);

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
	main_log_settings(&opts.cli, session);

	switch (opts.action) {
	case ACTION_SHOW_CONFIG:
		settings_print(stdout, &opts.cli, session);
		status = fflush(stdout) == 0 ? EXIT_CLEAN : EXIT_INTERNAL;
		break;
	case ACTION_LIST:
		status = sessions_list(&opts, &opts.cli);
		break;
	case ACTION_KILL:
		status = sessions_kill(&opts, &opts.cli);
		break;
	default:
		status = -1;
		break;
	}
	if (status != -1) {
		log_debug("exit %d", status);
		options_free(&opts);
		log_close();
		return (status);
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
