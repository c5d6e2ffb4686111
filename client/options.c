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

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "limpet.h"

/*
 * The command line is a drop-in for ssh's: limpet's own options are long
 * options, which ssh has none of, and everything else is read with ssh's
 * own option letters so that whatever ssh accepts is passed on unchanged.
 */

/* OpenSSH 9.2's getopt string. */
#define SSH_OPTSTRING \
	"1246ab:c:e:fgi:kl:m:no:p:qstvxAB:CD:E:F:GI:J:KL:MNO:PQ:R:S:TVw:W:XYy"

enum long_option {
	LONG_SESSION,
	LONG_MUX,
	LONG_CONFIG,
	LONG_ESCAPE,
	LONG_SCROLLBACK,
	LONG_ALIVE_INTERVAL,
	LONG_ALIVE_COUNT_MAX,
	LONG_CONNECT_TIMEOUT,
	LONG_SSH_OPTION,
	LONG_LIST,
	LONG_KILL,
	LONG_LOG,
	LONG_DEBUG,
	LONG_HELP,
	LONG_VERSION
};

/* The same table drives parsing and the usage text. */
static const struct long_option_entry {
	const char		*name;
	enum long_option	 option;
	const char		*arg;	/* NULL for none */
	const char		*help;
	int			 min;	/* range, for numbers */
	int			 max;
} long_options[] = {
	{ "session", LONG_SESSION, "NAME",
	  "session name; %h host, %u user, %l local host", 0, 0 },
	{ "mux", LONG_MUX, "auto|tmux|screen|none",
	  "multiplexer on the server (auto finds one)", 0, 0 },
	{ "config", LONG_CONFIG, "FILE",
	  "config file (default ~/.config/limpet/config)", 0, 0 },
	{ "escape", LONG_ESCAPE, "CHAR|none",
	  "escape character (default ~), like ssh -e", 0, 0 },
	{ "scrollback", LONG_SCROLLBACK, "native|multiplexer",
	  "where history goes: terminal or multiplexer", 0, 0 },
	{ "alive-interval", LONG_ALIVE_INTERVAL, "N",
	  "idle seconds before probing the server (1-3600)", 1, 3600 },
	{ "alive-count-max", LONG_ALIVE_COUNT_MAX, "N",
	  "unanswered probes before reconnecting (1-100)", 1, 100 },
	{ "connect-timeout", LONG_CONNECT_TIMEOUT, "N",
	  "seconds allowed to connect (1-3600)", 1, 3600 },
	{ "ssh-option", LONG_SSH_OPTION, "KEYWORD=VALUE",
	  "pass -o KEYWORD=VALUE to ssh (repeatable)", 0, 0 },
	{ "list", LONG_LIST, NULL,
	  "list the tmux and screen sessions on the host", 0, 0 },
	{ "kill", LONG_KILL, NULL,
	  "end a session: limpet --kill HOST SESSION", 0, 0 },
	{ "log", LONG_LOG, "FILE",
	  "append a timestamped log to FILE (mode 0600)", 0, 0 },
	{ "debug", LONG_DEBUG, NULL,
	  "log in more detail (else to limpet-PID.log)", 0, 0 },
	{ "help", LONG_HELP, NULL, "show this help and exit", 0, 0 },
	{ "version", LONG_VERSION, NULL, "show the version and exit", 0, 0 }
};
#define NLONG_OPTIONS (sizeof long_options / sizeof long_options[0])

static const char *no_remote_command = "limpet opens an interactive "
    "session and runs no remote command; use ssh HOST COMMAND for that";

static int	 options_error(char *, size_t, const char *, ...)
		     printflike(3, 4);
static int	 options_action(struct options *, enum action, char *, size_t);
static void	 options_add_ssh_arg(struct options *, const char *);
static int	 options_number(const char *, const char *, int, int, int *,
		     char *, size_t);
static int	 options_escape(const char *, const char *, struct options *,
		     char *, size_t);
static int	 options_long(struct options *, int, char **, int *, char *,
		     size_t);
static const char *options_refusal(int);
static int	 options_short(struct options *, int, char **, int *, char *,
		     size_t);
static int	 options_destination(struct options *, const char *, char *,
		     size_t);

static int
options_error(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return (-1);
}

/* -G, --list and --kill each replace the session; only one may be given. */
static int
options_action(struct options *o, enum action action, char *err,
    size_t errlen)
{
	if (o->action != ACTION_SESSION && o->action != action)
		return (options_error(err, errlen, "-G, --list and --kill "
		    "cannot be combined"));
	o->action = action;
	return (0);
}

static void
options_add_ssh_arg(struct options *o, const char *arg)
{
	o->ssh_args = xreallocarray(o->ssh_args, o->nssh_args + 2,
	    sizeof *o->ssh_args);
	o->ssh_args[o->nssh_args++] = xstrdup(arg);
	o->ssh_args[o->nssh_args] = NULL;
}

static int
options_number(const char *name, const char *value, int min, int max,
    int *out, char *err, size_t errlen)
{
	const char	*p;
	long		 n;

	for (p = value; isdigit((unsigned char)*p); p++)
		/* nothing */;
	if (p == value || *p != '\0' || p - value > 9)
		return (options_error(err, errlen, "invalid value \"%s\" for "
		    "--%s: want a whole number (%d-%d)", value, name, min,
		    max));
	n = strtol(value, NULL, 10);
	if (n < min || n > max)
		return (options_error(err, errlen, "invalid value \"%s\" for "
		    "--%s: out of range (%d-%d)", value, name, min, max));
	*out = (int)n;
	return (0);
}

/* -e and --escape take the same forms; "what" names the option used. */
static int
options_escape(const char *what, const char *value, struct options *o,
    char *err, size_t errlen)
{
	int	c;

	if ((c = settings_parse_escape(value)) == -1)
		return (options_error(err, errlen, "invalid escape character "
		    "\"%s\" for %s: use a single character, ^X or none", value,
		    what));
	o->cli.escape_char = c;
	return (0);
}

/* Handle argv[*i], a long option; its value may be the next argument. */
static int
options_long(struct options *o, int argc, char **argv, int *i, char *err,
    size_t errlen)
{
	const struct long_option_entry	*lo = NULL;
	const char			*arg = argv[*i] + 2, *value = NULL;
	size_t				 namelen, j;
	int				 v;

	namelen = strcspn(arg, "=");
	for (j = 0; j < NLONG_OPTIONS; j++) {
		if (strlen(long_options[j].name) == namelen &&
		    strncmp(long_options[j].name, arg, namelen) == 0) {
			lo = &long_options[j];
			break;
		}
	}
	if (lo == NULL)
		return (options_error(err, errlen, "unknown option --%.*s",
		    (int)namelen, arg));

	if (arg[namelen] == '=') {
		if (lo->arg == NULL)
			return (options_error(err, errlen, "option --%s takes "
			    "no value", lo->name));
		value = arg + namelen + 1;
	} else if (lo->arg != NULL) {
		if (*i + 1 >= argc)
			return (options_error(err, errlen, "option --%s needs a "
			    "value", lo->name));
		value = argv[++*i];
	}
	if (lo->arg != NULL && *value == '\0')
		return (options_error(err, errlen, "option --%s needs a value",
		    lo->name));

	switch (lo->option) {
	case LONG_SESSION:
		free(o->cli.session);
		o->cli.session = xstrdup(value);
		break;
	case LONG_MUX:
		if ((v = settings_parse_mux(value)) == -1)
			return (options_error(err, errlen, "invalid value "
			    "\"%s\" for --mux: use auto, tmux, screen or none",
			    value));
		o->cli.mux = v;
		break;
	case LONG_CONFIG:
		free(o->config_file);
		o->config_file = xstrdup(value);
		break;
	case LONG_ESCAPE:
		return (options_escape("--escape", value, o, err, errlen));
	case LONG_SCROLLBACK:
		if ((v = settings_parse_scrollback(value)) == -1)
			return (options_error(err, errlen, "invalid value "
			    "\"%s\" for --scrollback: use native or "
			    "multiplexer", value));
		o->cli.scrollback = v;
		break;
	case LONG_ALIVE_INTERVAL:
		return (options_number(lo->name, value, lo->min, lo->max,
		    &o->cli.alive_interval, err, errlen));
	case LONG_ALIVE_COUNT_MAX:
		return (options_number(lo->name, value, lo->min, lo->max,
		    &o->cli.alive_count_max, err, errlen));
	case LONG_CONNECT_TIMEOUT:
		return (options_number(lo->name, value, lo->min, lo->max,
		    &o->cli.connect_timeout, err, errlen));
	case LONG_SSH_OPTION:
		/* Checked here so a typo is reported by limpet, not ssh. */
		for (j = 0; isalnum((unsigned char)value[j]); j++)
			/* nothing */;
		if (j == 0 || value[j] != '=' || value[j + 1] == '\0')
			return (options_error(err, errlen, "invalid value "
			    "\"%s\" for --ssh-option: want KEYWORD=VALUE",
			    value));
		settings_add_ssh_option(&o->cli, value);
		break;
	case LONG_LIST:
		return (options_action(o, ACTION_LIST, err, errlen));
	case LONG_KILL:
		return (options_action(o, ACTION_KILL, err, errlen));
	case LONG_LOG:
		free(o->log_file);
		o->log_file = xstrdup(value);
		break;
	case LONG_DEBUG:
		o->debug = 1;
		break;
	case LONG_HELP:
		o->help = 1;
		break;
	case LONG_VERSION:
		o->version = 1;
		break;
	}
	return (0);
}

/* Why an ssh option cannot be used with limpet, or NULL if it can. */
static const char *
options_refusal(int c)
{
	switch (c) {
	case 'T':
	case 'N':
	case 'n':
	case 'f':
	case 'W':
	case 's':
		return ("limpet needs an interactive terminal session");
	case 'V':
		return ("use ssh -V directly");
	case 'Q':
		return ("use ssh -Q directly");
	case 'M':
	case 'S':
	case 'O':
		return ("limpet always runs its own connection, without a "
		    "control master or control socket");
	case 'E':
		return ("limpet reads ssh's messages from stderr");
	}
	return (NULL);
}

/*
 * Handle argv[*i], a cluster of ssh's short options. Each is passed on in
 * a normalised form, one flag or one option and its argument at a time, so
 * later stages never need to parse them again.
 */
static int
options_short(struct options *o, int argc, char **argv, int *i, char *err,
    size_t errlen)
{
	const char	*arg = argv[*i], *p, *value, *why;
	char		 flag[3];
	int		 c;

	for (p = arg + 1; *p != '\0'; p++) {
		c = (unsigned char)*p;
		if (c == ':' || strchr(SSH_OPTSTRING, c) == NULL) {
			if (isprint(c))
				return (options_error(err, errlen,
				    "unknown option -%c", c));
			return (options_error(err, errlen,
			    "unknown option -\\x%02x", c));
		}
		if ((why = options_refusal(c)) != NULL)
			return (options_error(err, errlen, "option -%c is not "
			    "supported: %s", c, why));
		/* Like ssh -G, but for limpet's own settings. */
		if (c == 'G') {
			if (options_action(o, ACTION_SHOW_CONFIG, err,
			    errlen) != 0)
				return (-1);
			continue;
		}

		flag[0] = '-';
		flag[1] = c;
		flag[2] = '\0';
		if (strchr(SSH_OPTSTRING, c)[1] != ':') {
			/* limpet always passes -t and must see ssh's errors. */
			if (c != 't' && c != 'q')
				options_add_ssh_arg(o, flag);
			continue;
		}

		/* The rest of the cluster, or else the next argument. */
		if (p[1] != '\0')
			value = p + 1;
		else if (*i + 1 < argc)
			value = argv[++*i];
		else
			return (options_error(err, errlen, "option -%c needs an "
			    "argument", c));
		if (c == 'e') {
			if (options_escape("-e", value, o, err, errlen) != 0)
				return (-1);
		} else {
			options_add_ssh_arg(o, flag);
			options_add_ssh_arg(o, value);
		}
		break;
	}
	return (0);
}

/*
 * Find the host in [user@]host or ssh://[user@]host[:port], the forms ssh
 * takes, for Host matching and %h. The destination itself goes to ssh as
 * typed.
 */
static int
options_destination(struct options *o, const char *dest, char *err,
    size_t errlen)
{
	const char	*host, *end, *at, *p;
	size_t		 len;

	if (*dest == '-')
		return (options_error(err, errlen, "invalid destination \"%s\"",
		    dest));

	if (strncasecmp(dest, "ssh://", 6) == 0) {
		host = dest + 6;
		end = host + strcspn(host, "/");
		if (*end == '/' && end[1] != '\0')
			return (options_error(err, errlen, "invalid destination "
			    "\"%s\": an ssh:// address has no path", dest));
		at = NULL;
		for (p = host; p < end; p++) {
			if (*p == '@')
				at = p;
		}
		if (at != NULL)
			host = at + 1;
		if (*host == '[') {
			p = memchr(host, ']', end - host);
			if (p == NULL)
				return (options_error(err, errlen, "invalid "
				    "destination \"%s\": no ']'", dest));
			host++;
			len = p - host;
			p++;
		} else {
			for (p = host; p < end && *p != ':'; p++)
				/* nothing */;
			len = p - host;
		}
		if (p < end) {
			if (*p != ':' || p + 1 == end)
				return (options_error(err, errlen, "invalid "
				    "destination \"%s\": bad port", dest));
			for (p++; p < end; p++) {
				if (!isdigit((unsigned char)*p))
					return (options_error(err, errlen,
					    "invalid destination \"%s\": bad "
					    "port", dest));
			}
		}
	} else {
		if ((at = strrchr(dest, '@')) != NULL)
			host = at + 1;
		else
			host = dest;
		len = strlen(host);
	}
	if (len == 0)
		return (options_error(err, errlen, "invalid destination \"%s\": "
		    "no host", dest));

	o->destination = xstrdup(dest);
	o->host = xmalloc(len + 1);
	memcpy(o->host, host, len);
	o->host[len] = '\0';
	return (0);
}

int
options_parse(int argc, char **argv, struct options *o, char *err,
    size_t errlen)
{
	const char	*arg;
	int		 i, end_of_options = 0;

	memset(o, 0, sizeof *o);
	settings_init(&o->cli);
	if (errlen > 0)
		*err = '\0';

	/* Like ssh, keep reading options after the destination. */
	for (i = 1; i < argc; i++) {
		arg = argv[i];
		if (!end_of_options && strcmp(arg, "--") == 0) {
			end_of_options = 1;
			continue;
		}
		if (!end_of_options && strncmp(arg, "--", 2) == 0) {
			if (options_long(o, argc, argv, &i, err, errlen) != 0)
				goto fail;
			continue;
		}
		if (!end_of_options && arg[0] == '-' && arg[1] != '\0') {
			if (options_short(o, argc, argv, &i, err, errlen) != 0)
				goto fail;
			continue;
		}
		/* After --kill, one more word names the session. */
		if (o->destination != NULL) {
			if (o->action != ACTION_KILL ||
			    o->kill_session != NULL) {
				options_error(err, errlen, "%s",
				    no_remote_command);
				goto fail;
			}
			o->kill_session = xstrdup(arg);
			continue;
		}
		if (options_destination(o, arg, err, errlen) != 0)
			goto fail;
	}

	if (o->help || o->version)
		return (0);
	if (o->destination == NULL) {
		options_error(err, errlen, "no destination given");
		goto fail;
	}
	if (o->action == ACTION_KILL) {
		if (o->kill_session == NULL) {
			options_error(err, errlen, "--kill needs a host and a "
			    "session: limpet --kill HOST SESSION");
			goto fail;
		}
		if (!session_name_valid(o->kill_session)) {
			options_error(err, errlen, "invalid session name "
			    "\"%s\": use 1-%d letters, digits, '_' or '-'",
			    o->kill_session, SESSION_NAME_MAX);
			goto fail;
		}
	}
	return (0);

fail:
	options_free(o);
	return (-1);
}

/* Leaves the options empty, so freeing twice is safe. */
void
options_free(struct options *o)
{
	int	i;

	settings_free(&o->cli);
	free(o->config_file);
	free(o->log_file);
	free(o->kill_session);
	free(o->destination);
	free(o->host);
	for (i = 0; i < o->nssh_args; i++)
		free(o->ssh_args[i]);
	free(o->ssh_args);
	memset(o, 0, sizeof *o);
	settings_init(&o->cli);
}

void
usage(FILE *f)
{
	const struct long_option_entry	*lo;
	char				 left[64];
	size_t				 i;

	fprintf(f, "usage: limpet [limpet options] [ssh options] "
	    "destination\n"
	    "       limpet -G | --list [options] destination\n"
	    "       limpet --kill [options] destination session\n"
	    "\nlimpet options:\n");
	for (i = 0; i < NLONG_OPTIONS; i++) {
		lo = &long_options[i];
		if (lo->arg != NULL)
			snprintf(left, sizeof left, "--%s %s", lo->name,
			    lo->arg);
		else
			snprintf(left, sizeof left, "--%s", lo->name);
		if (strlen(left) > 28)
			fprintf(f, "  %s\n  %-28s  %s\n", left, "", lo->help);
		else
			fprintf(f, "  %-28s  %s\n", left, lo->help);
	}
	fprintf(f, "\n  %-28s  %s\n", "-G",
	    "print limpet's settings for the host and exit");
	fprintf(f, "\nEvery other option is passed to ssh (see ssh(1)); "
	    "-T -N -n -f -W -s -V -Q -M\n-S -O -E are refused, -t and "
	    "-q are ignored and -e sets limpet's escape.\n");
}
