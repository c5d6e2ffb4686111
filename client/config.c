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

#include <sys/stat.h>

#include <ctype.h>
#include <stddef.h>
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "limpet.h"

/*
 * Settings and the config file. The file reads like ssh_config: keywords
 * in any case, "Keyword value" or "Keyword=value", Host blocks with
 * wildcards and negation, and the first value obtained for a setting wins.
 */

/* Longest line accepted, not counting the newline (or a CR before it). */
#define CONFIG_LINE_MAX		1024

enum config_keyword {
	KW_HOST,
	KW_MATCH,
	KW_SESSION,
	KW_MUX,
	KW_ESCAPECHAR,
	KW_ALIVEINTERVAL,
	KW_ALIVECOUNTMAX,
	KW_CONNECTTIMEOUT,
	KW_SCROLLBACK,
	KW_SSHOPTION,
	KW_STALLTIMEOUT,
	KW_ECHOTIMEOUT,
	KW_PROBEINTERVAL,
	KW_NETWORKSETTLE
};

static const struct config_keyword_entry {
	const char		*name;
	enum config_keyword	 keyword;
	int			 min;	/* range, for numbers */
	int			 max;
	size_t			 field;	/* the int it sets, for numbers */
} config_keywords[] = {
	{ "Host", KW_HOST, 0, 0, 0 },
	{ "Match", KW_MATCH, 0, 0, 0 },
	{ "Session", KW_SESSION, 0, 0, 0 },
	{ "Mux", KW_MUX, 0, 0, 0 },
	{ "EscapeChar", KW_ESCAPECHAR, 0, 0, 0 },
	{ "AliveInterval", KW_ALIVEINTERVAL, 1, 3600,
	    offsetof(struct settings, alive_interval) },
	{ "AliveCountMax", KW_ALIVECOUNTMAX, 1, 100,
	    offsetof(struct settings, alive_count_max) },
	{ "ConnectTimeout", KW_CONNECTTIMEOUT, 1, 3600,
	    offsetof(struct settings, connect_timeout) },
	{ "Scrollback", KW_SCROLLBACK, 0, 0, 0 },
	{ "SshOption", KW_SSHOPTION, 0, 0, 0 },
	/* Durations, in milliseconds. */
	{ "StallTimeout", KW_STALLTIMEOUT, 0, 3600000,
	    offsetof(struct settings, stall_timeout) },
	{ "EchoTimeout", KW_ECHOTIMEOUT, 0, 3600000,
	    offsetof(struct settings, echo_timeout) },
	{ "ProbeInterval", KW_PROBEINTERVAL, 0, 3600000,
	    offsetof(struct settings, probe_interval) },
	{ "NetworkSettle", KW_NETWORKSETTLE, 0, 60000,
	    offsetof(struct settings, net_settle) }
};
#define CONFIG_NKEYWORDS (sizeof config_keywords / sizeof config_keywords[0])

/* One file being read: where errors are reported from. */
struct config_file {
	const char	*path;
	FILE		*f;
	unsigned long	 line;
	char		*err;
	size_t		 errlen;
};

static int	 session_char_valid(int);
static int	 session_template_valid(const char *);
static void	 session_append(char **, size_t *, size_t *, const char *, int);
static int	 config_error(struct config_file *, const char *, ...)
		     printflike(2, 3);
static int	 config_read_line(struct config_file *, char *, size_t *);
static int	 config_next_word(struct config_file *, char **, char **);
static int	 config_match_pattern(const char *, const char *);
static int	 config_host_line(struct config_file *, char *, const char *,
		     int *);
static int	 config_single_value(struct config_file *, const char *,
		     char **, char **);
static int	 config_number(struct config_file *,
		     const struct config_keyword_entry *, const char *, int *);
static int	 config_ssh_option(struct config_file *, char *, char **);
static int	 config_line(struct config_file *, char *, const char *, int *,
		     struct settings *);
static void	 settings_print_duration(FILE *, const char *, int);

void
settings_init(struct settings *s)
{
	memset(s, 0, sizeof *s);
	s->session = NULL;
	s->mux = SETTING_UNSET;
	s->escape_char = SETTING_UNSET;
	s->alive_interval = SETTING_UNSET;
	s->alive_count_max = SETTING_UNSET;
	s->connect_timeout = SETTING_UNSET;
	s->scrollback = SETTING_UNSET;
	s->stall_timeout = SETTING_UNSET;
	s->echo_timeout = SETTING_UNSET;
	s->probe_interval = SETTING_UNSET;
	s->net_settle = SETTING_UNSET;
	s->ssh_options = NULL;
	s->nssh_options = 0;
}

void
settings_defaults(struct settings *s)
{
	if (s->session == NULL)
		s->session = xstrdup(DEFAULT_SESSION);
	if (s->mux == SETTING_UNSET)
		s->mux = MUX_AUTO;
	if (s->escape_char == SETTING_UNSET)
		s->escape_char = '~';
	if (s->alive_interval == SETTING_UNSET)
		s->alive_interval = DEFAULT_ALIVE_INTERVAL;
	if (s->alive_count_max == SETTING_UNSET)
		s->alive_count_max = ALIVE_COUNT_AUTO;
	if (s->connect_timeout == SETTING_UNSET)
		s->connect_timeout = DEFAULT_CONNECT_TIMEOUT;
	if (s->scrollback == SETTING_UNSET)
		s->scrollback = SCROLLBACK_NATIVE;
	if (s->stall_timeout == SETTING_UNSET)
		s->stall_timeout = DEFAULT_STALL_TIMEOUT;
	if (s->echo_timeout == SETTING_UNSET)
		s->echo_timeout = DEFAULT_ECHO_TIMEOUT;
	if (s->probe_interval == SETTING_UNSET)
		s->probe_interval = DEFAULT_PROBE_INTERVAL;
	if (s->net_settle == SETTING_UNSET)
		s->net_settle = DEFAULT_NET_SETTLE;
}

/* Leaves the settings as settings_init does, so freeing twice is safe. */
void
settings_free(struct settings *s)
{
	size_t	i;

	free(s->session);
	for (i = 0; i < s->nssh_options; i++)
		free(s->ssh_options[i]);
	free(s->ssh_options);
	settings_init(s);
}

void
settings_add_ssh_option(struct settings *s, const char *option)
{
	s->ssh_options = xreallocarray(s->ssh_options, s->nssh_options + 1,
	    sizeof *s->ssh_options);
	s->ssh_options[s->nssh_options++] = xstrdup(option);
}

int
settings_parse_mux(const char *word)
{
	if (strcasecmp(word, "auto") == 0)
		return (MUX_AUTO);
	if (strcasecmp(word, "tmux") == 0)
		return (MUX_TMUX);
	if (strcasecmp(word, "screen") == 0)
		return (MUX_SCREEN);
	if (strcasecmp(word, "none") == 0)
		return (MUX_NONE);
	return (-1);
}

/* The forms ssh's -e takes: one byte, ^X for a control character, none. */
int
settings_parse_escape(const char *word)
{
	if (strcasecmp(word, "none") == 0)
		return (ESCAPE_NONE);
	if (word[0] != '\0' && word[1] == '\0')
		return ((unsigned char)word[0]);
	if (word[0] == '^' && word[1] != '\0' && word[2] == '\0') {
		if (word[1] == '?')
			return (0x7f);
		return ((unsigned char)word[1] & 0x1f);
	}
	return (-1);
}

int
settings_parse_scrollback(const char *word)
{
	if (strcasecmp(word, "native") == 0)
		return (SCROLLBACK_NATIVE);
	if (strcasecmp(word, "multiplexer") == 0)
		return (SCROLLBACK_MULTIPLEXER);
	return (-1);
}

/*
 * A duration as the timing keywords take it: seconds, with an optional
 * fraction ("1.5"), or a number with a unit ("1500ms", "2s"); "off" is 0,
 * which turns the trigger off. Returns milliseconds, or -2 when word is
 * none of these or outside min-max.
 */
int
settings_parse_duration(const char *word, int min, int max)
{
	const char	*p = word;
	long		 whole = 0, frac = 0, scale = 1000, ms;
	int		 digits = 0, fdigits = 0;

	if (strcasecmp(word, "off") == 0 || strcasecmp(word, "no") == 0)
		return (min <= 0 ? 0 : -2);
	for (; isdigit((unsigned char)*p) && digits < 9; p++, digits++)
		whole = whole * 10 + (*p - '0');
	if (*p == '.') {
		for (p++; isdigit((unsigned char)*p); p++) {
			if (fdigits < 3) {
				frac = frac * 10 + (*p - '0');
				fdigits++;
			}
		}
		while (fdigits++ < 3)
			frac *= 10;
	}
	if (digits == 0 || isdigit((unsigned char)*p))
		return (-2);
	if (strcmp(p, "ms") == 0) {
		if (frac != 0)
			return (-2);
		scale = 1;
	} else if (*p != '\0' && strcmp(p, "s") != 0)
		return (-2);
	ms = whole * scale + (scale == 1000 ? frac : 0);
	if (ms < min || ms > max)
		return (-2);
	return ((int)ms);
}

/*
 * Session names go into a remote shell command line, so only characters
 * that no shell treats specially, and that tmux and screen keep as they
 * are, are allowed.
 */
static int
session_char_valid(int c)
{
	return ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-');
}

int
session_name_valid(const char *name)
{
	size_t	n;

	for (n = 0; name[n] != '\0'; n++) {
		if (n == SESSION_NAME_MAX || !session_char_valid(
		    (unsigned char)name[n]))
			return (0);
	}
	return (n != 0);
}

/* A template is valid if it uses only allowed characters and escapes. */
static int
session_template_valid(const char *template)
{
	const char	*p;

	if (*template == '\0')
		return (0);
	for (p = template; *p != '\0'; p++) {
		if (*p == '%') {
			p++;
			if (*p != 'h' && *p != 'u' && *p != 'l' && *p != '%')
				return (0);
		} else if (!session_char_valid((unsigned char)*p))
			return (0);
	}
	return (1);
}

/*
 * Append to a growing string. Expansions have every character a session
 * name cannot hold turned into '_', as tmux does with the dots of a host
 * name; literal text from the template is kept, to be refused later.
 */
static void
session_append(char **buf, size_t *len, size_t *size, const char *s,
    int expansion)
{
	int	c;

	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (expansion && !session_char_valid(c))
			c = '_';
		if (*len + 1 >= *size) {
			*size *= 2;
			*buf = xreallocarray(*buf, *size, 1);
		}
		(*buf)[(*len)++] = c;
	}
	(*buf)[*len] = '\0';
}

int
session_expand(const char *template, const char *host, char *out,
    size_t outlen, char *err, size_t errlen)
{
	struct passwd	*pw;
	const char	*p, *user;
	char		*buf, local[256], literal[2];
	size_t		 len = 0, size = 64;
	int		 ok;

	buf = xmalloc(size);
	buf[0] = '\0';
	literal[1] = '\0';
	for (p = template; *p != '\0'; p++) {
		if (*p != '%') {
			literal[0] = *p;
			session_append(&buf, &len, &size, literal, 0);
			continue;
		}
		switch (*++p) {
		case 'h':
			session_append(&buf, &len, &size,
			    host != NULL ? host : "", 1);
			break;
		case 'u':
			if ((pw = getpwuid(getuid())) != NULL)
				user = pw->pw_name;
			else
				user = getenv("USER");
			if (user == NULL || *user == '\0') {
				snprintf(err, errlen,
				    "session \"%s\": cannot find the local "
				    "user name for %%u", template);
				free(buf);
				return (-1);
			}
			session_append(&buf, &len, &size, user, 1);
			break;
		case 'l':
			if (gethostname(local, sizeof local) != 0) {
				snprintf(err, errlen,
				    "session \"%s\": cannot find the local "
				    "host name for %%l", template);
				free(buf);
				return (-1);
			}
			local[sizeof local - 1] = '\0';
			local[strcspn(local, ".")] = '\0';
			session_append(&buf, &len, &size, local, 1);
			break;
		case '%':
			session_append(&buf, &len, &size, "%", 0);
			break;
		case '\0':
			snprintf(err, errlen,
			    "session \"%s\": '%%' at the end; use %%%% for "
			    "a '%%'", template);
			free(buf);
			return (-1);
		default:
			snprintf(err, errlen,
			    "session \"%s\": unknown escape %%%c (use %%h, "
			    "%%u, %%l or %%%%)", template, *p);
			free(buf);
			return (-1);
		}
	}

	ok = session_name_valid(buf);
	if (!ok) {
		snprintf(err, errlen, "invalid session name \"%s\": use 1-%d "
		    "letters, digits, '_' or '-'", buf, SESSION_NAME_MAX);
	} else if (len >= outlen) {
		snprintf(err, errlen, "session name \"%s\" is too long", buf);
		ok = 0;
	} else
		memcpy(out, buf, len + 1);
	free(buf);
	return (ok ? 0 : -1);
}

int
config_default_path(char *buf, size_t len)
{
	struct passwd	*pw;
	const char	*dir;
	int		 n;

	dir = getenv("XDG_CONFIG_HOME");
	if (dir != NULL && dir[0] == '/')
		n = snprintf(buf, len, "%s/limpet/config", dir);
	else {
		dir = getenv("HOME");
		if (dir == NULL || *dir == '\0') {
			if ((pw = getpwuid(getuid())) == NULL)
				return (-1);
			dir = pw->pw_dir;
		}
		n = snprintf(buf, len, "%s/.config/limpet/config", dir);
	}
	if (n < 0 || (size_t)n >= len)
		return (-1);
	return (0);
}

static int
config_error(struct config_file *cf, const char *fmt, ...)
{
	va_list	 ap;
	char	 msg[512];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(cf->err, cf->errlen, "%s:%lu: %s", cf->path, cf->line, msg);
	return (-1);
}

/*
 * Read one line into buf (CONFIG_LINE_MAX + 2 bytes) without ever holding
 * more than that, so a huge or binary file costs nothing. Returns 1 with a
 * line, 0 at the end of the file, -1 on an error.
 */
static int
config_read_line(struct config_file *cf, char *buf, size_t *lenp)
{
	size_t	len = 0;
	int	c;

	cf->line++;
	while ((c = getc(cf->f)) != EOF && c != '\n') {
		if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f)
			return (config_error(cf, "binary data"));
		if (len == CONFIG_LINE_MAX + 1)
			return (config_error(cf, "line too long (more than %d "
			    "bytes)", CONFIG_LINE_MAX));
		buf[len++] = c;
	}
	if (ferror(cf->f)) {
		snprintf(cf->err, cf->errlen, "%s: %s", cf->path,
		    strerror(errno));
		return (-1);
	}
	if (c == EOF && len == 0)
		return (0);
	if (len > 0 && buf[len - 1] == '\r')
		len--;
	if (len > CONFIG_LINE_MAX)
		return (config_error(cf, "line too long (more than %d bytes)",
		    CONFIG_LINE_MAX));
	buf[len] = '\0';
	*lenp = len;
	return (1);
}

/*
 * Take the next word from *cursor: words are split at blanks, and double
 * quotes group blanks into a word and are removed. The word is rewritten
 * in place. Returns 1 with a word, 0 at the end of the line, -1 on error.
 */
static int
config_next_word(struct config_file *cf, char **cursor, char **word)
{
	char	*in = *cursor, *out;
	int	 quoted = 0;

	in += strspn(in, " \t\r");
	if (*in == '\0') {
		*cursor = in;
		return (0);
	}
	*word = out = in;
	for (; *in != '\0'; in++) {
		if (*in == '"')
			quoted = !quoted;
		else if (!quoted && (*in == ' ' || *in == '\t' || *in == '\r'))
			break;
		else
			*out++ = *in;
	}
	if (quoted)
		return (config_error(cf, "unterminated quote"));
	if (*in != '\0')
		in++;
	*out = '\0';
	*cursor = in;
	return (1);
}

/* Match a host against a pattern with * and ?, ignoring case. */
static int
config_match_pattern(const char *pattern, const char *s)
{
	const char	*star_p = NULL, *star_s = NULL;

	while (*s != '\0') {
		if (*pattern == '*') {
			star_p = ++pattern;
			star_s = s;
			continue;
		}
		if (*pattern != '\0' && (*pattern == '?' ||
		    tolower((unsigned char)*pattern) ==
		    tolower((unsigned char)*s))) {
			pattern++;
			s++;
			continue;
		}
		if (star_p == NULL)
			return (0);
		/* Let the last star swallow one more character. */
		pattern = star_p;
		s = ++star_s;
	}
	while (*pattern == '*')
		pattern++;
	return (*pattern == '\0');
}

/*
 * A Host line applies when the host matches one of its plain patterns and
 * none of its negated ones; a line of negated patterns alone never does.
 */
static int
config_host_line(struct config_file *cf, char *cursor, const char *host,
    int *active)
{
	char	*word;
	int	 n = 0, positive = 0, negative = 0, r;

	while ((r = config_next_word(cf, &cursor, &word)) == 1) {
		n++;
		if (*word == '!') {
			if (config_match_pattern(word + 1, host))
				negative = 1;
		} else if (config_match_pattern(word, host))
			positive = 1;
	}
	if (r == -1)
		return (-1);
	if (n == 0)
		return (config_error(cf, "Host needs at least one pattern"));
	*active = positive && !negative;
	log_verbose("%s:%lu: Host line %s %s", cf->path, cf->line,
	    *active ? "applies to" : "does not apply to", host);
	return (0);
}

/* Keywords other than Host and SshOption take exactly one value. */
static int
config_single_value(struct config_file *cf, const char *keyword,
    char **cursor, char **value)
{
	char	*extra;
	int	 r;

	if ((r = config_next_word(cf, cursor, value)) == -1)
		return (-1);
	if (r == 0)
		return (config_error(cf, "%s needs a value", keyword));
	if ((r = config_next_word(cf, cursor, &extra)) == -1)
		return (-1);
	if (r == 1)
		return (config_error(cf, "%s takes one value; extra argument "
		    "\"%s\"", keyword, extra));
	return (0);
}

static int
config_number(struct config_file *cf, const struct config_keyword_entry *kw,
    const char *value, int *out)
{
	const char	*p;
	long		 n;

	for (p = value; *p != '\0'; p++) {
		if (!isdigit((unsigned char)*p))
			break;
	}
	if (p == value || *p != '\0' || p - value > 9)
		return (config_error(cf, "%s \"%s\" is not a whole number "
		    "(%d-%d)", kw->name, value, kw->min, kw->max));
	n = strtol(value, NULL, 10);
	if (n < kw->min || n > kw->max)
		return (config_error(cf, "%s %s is out of range (%d-%d)",
		    kw->name, value, kw->min, kw->max));
	*out = (int)n;
	return (0);
}

/*
 * SshOption takes what an ssh_config line would hold: "Keyword=value" or
 * "Keyword value". The value is kept as written, quotes included, because
 * ssh parses it again from -o and some keywords (ProxyCommand) take the
 * rest of the line verbatim.
 */
static int
config_ssh_option(struct config_file *cf, char *cursor, char **out)
{
	char	*key, *value, *end;
	size_t	 keylen, quotes = 0;

	key = cursor + strspn(cursor, " \t\r");
	end = key + strlen(key);
	while (end > key && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\r'))
		end--;
	*end = '\0';
	if (*key == '\0')
		return (config_error(cf, "SshOption needs a value"));

	/* A whole argument in quotes, "Keyword=value": drop them. */
	if (*key == '"') {
		if (end - key < 2 || end[-1] != '"')
			return (config_error(cf, "unterminated quote"));
		*--end = '\0';
		key++;
	}
	for (value = key; *value != '\0'; value++) {
		if (*value == '"')
			quotes++;
	}
	if (quotes % 2 != 0)
		return (config_error(cf, "unterminated quote"));

	for (keylen = 0; isalnum((unsigned char)key[keylen]); keylen++)
		/* nothing */;
	value = key + keylen;
	value += strspn(value, " \t");
	if (*value == '=')
		value++;
	value += strspn(value, " \t");
	if (keylen == 0 || (value == key + keylen && *value != '\0'))
		return (config_error(cf, "SshOption \"%s\" is not "
		    "Keyword=value", key));
	if (*value == '\0')
		return (config_error(cf, "SshOption \"%s\" has no value", key));
	key[keylen] = '\0';
	xasprintf(out, "%s=%s", key, value);
	return (0);
}

/* Validate one line and, if its block applies, fill what is still unset. */
static int
config_line(struct config_file *cf, char *line, const char *host,
    int *active, struct settings *s)
{
	const struct config_keyword_entry	*kw = NULL;
	char					*cursor, *keyword, *value;
	char					*option;
	size_t					 i, n;
	int					 v = 0, *field;

	cursor = line + strspn(line, " \t\r");
	if (*cursor == '\0' || *cursor == '#')
		return (0);

	keyword = cursor;
	n = strcspn(cursor, " \t\r=");
	cursor += n;
	cursor += strspn(cursor, " \t\r");
	if (*cursor == '=')
		cursor++;
	keyword[n] = '\0';
	if (n == 0)
		return (config_error(cf, "missing keyword before '='"));

	for (i = 0; i < CONFIG_NKEYWORDS; i++) {
		if (strcasecmp(keyword, config_keywords[i].name) == 0) {
			kw = &config_keywords[i];
			break;
		}
	}
	if (kw == NULL)
		return (config_error(cf, "unknown keyword \"%s\"", keyword));

	switch (kw->keyword) {
	case KW_HOST:
		return (config_host_line(cf, cursor, host, active));
	case KW_MATCH:
		return (config_error(cf, "Match is not supported; use Host"));
	case KW_SSHOPTION:
		if (config_ssh_option(cf, cursor, &option) != 0)
			return (-1);
		if (*active)
			settings_add_ssh_option(s, option);
		free(option);
		return (0);
	default:
		break;
	}

	if (config_single_value(cf, kw->name, &cursor, &value) != 0)
		return (-1);
	switch (kw->keyword) {
	case KW_SESSION:
		if (!session_template_valid(value))
			return (config_error(cf, "invalid Session \"%s\": use "
			    "letters, digits, '_', '-' and %%h %%u %%l %%%%",
			    value));
		if (*active && s->session == NULL)
			s->session = xstrdup(value);
		break;
	case KW_MUX:
		if ((v = settings_parse_mux(value)) == -1)
			return (config_error(cf, "invalid Mux \"%s\": use auto, "
			    "tmux, screen or none", value));
		if (*active && s->mux == SETTING_UNSET)
			s->mux = v;
		break;
	case KW_ESCAPECHAR:
		if ((v = settings_parse_escape(value)) == -1)
			return (config_error(cf, "invalid EscapeChar \"%s\": "
			    "use a single character, ^X or none", value));
		if (*active && s->escape_char == SETTING_UNSET)
			s->escape_char = v;
		break;
	case KW_SCROLLBACK:
		if ((v = settings_parse_scrollback(value)) == -1)
			return (config_error(cf, "invalid Scrollback \"%s\": "
			    "use native or multiplexer", value));
		if (*active && s->scrollback == SETTING_UNSET)
			s->scrollback = v;
		break;
	case KW_ALIVEINTERVAL:
	case KW_ALIVECOUNTMAX:
	case KW_CONNECTTIMEOUT:
		if (config_number(cf, kw, value, &v) != 0)
			return (-1);
		field = (int *)((char *)s + kw->field);
		if (*active && *field == SETTING_UNSET)
			*field = v;
		break;
	case KW_STALLTIMEOUT:
	case KW_ECHOTIMEOUT:
	case KW_PROBEINTERVAL:
	case KW_NETWORKSETTLE:
		if ((v = settings_parse_duration(value, kw->min, kw->max)) < 0)
			return (config_error(cf, "invalid %s \"%s\": use seconds "
			    "(\"2\", \"0.5\"), milliseconds (\"500ms\") or off",
			    kw->name, value));
		field = (int *)((char *)s + kw->field);
		if (*active && *field == SETTING_UNSET)
			*field = v;
		break;
	default:
		break;
	}
	return (0);
}

int
config_load(const char *path, int must_exist, const char *host,
    struct settings *s, char *err, size_t errlen)
{
	struct config_file	 cf;
	struct stat		 sb;
	char			 buf[CONFIG_LINE_MAX + 2], *line;
	size_t			 len;
	int			 active = 1, r;

	if (host == NULL)
		host = "";
	memset(&cf, 0, sizeof cf);
	cf.path = path;
	cf.err = err;
	cf.errlen = errlen;

	if ((cf.f = fopen(path, "r")) == NULL) {
		if (errno == ENOENT && !must_exist) {
			log_verbose("no config file %s", path);
			return (0);
		}
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return (-1);
	}
	if (fstat(fileno(cf.f), &sb) == 0 && S_ISDIR(sb.st_mode)) {
		snprintf(err, errlen, "%s: %s", path, strerror(EISDIR));
		fclose(cf.f);
		return (-1);
	}

	log_verbose("reading config file %s for host %s", path, host);
	while ((r = config_read_line(&cf, buf, &len)) == 1) {
		line = buf;
		/* Editors on some systems start a UTF-8 file with a BOM. */
		if (cf.line == 1 && strncmp(line, "\xef\xbb\xbf", 3) == 0)
			line += 3;
		if (config_line(&cf, line, host, &active, s) != 0) {
			r = -1;
			break;
		}
	}
	fclose(cf.f);
	return (r == -1 ? -1 : 0);
}

/* A duration the way the config file takes it: seconds, or off. */
static void
settings_print_duration(FILE *f, const char *keyword, int ms)
{
	if (ms <= 0)
		fprintf(f, "%s off\n", keyword);
	else if (ms % 1000 == 0)
		fprintf(f, "%s %d\n", keyword, ms / 1000);
	else if (ms % 100 == 0)
		fprintf(f, "%s %d.%d\n", keyword, ms / 1000, (ms % 1000) / 100);
	else
		fprintf(f, "%s %dms\n", keyword, ms);
}

/*
 * Print the settings as "keyword value" lines, keywords in lower case, the
 * way ssh -G prints its own, with the session name as it will be used.
 */
void
settings_print(FILE *f, const struct settings *s, const char *session)
{
	static const char	*muxes[] = { "auto", "tmux", "screen", "none" };
	char			 escape[8];
	size_t			 i;

	if (s->escape_char == ESCAPE_NONE)
		snprintf(escape, sizeof escape, "none");
	else
		escape_name(s->escape_char, escape, sizeof escape);
	fprintf(f, "session %s\n", session);
	fprintf(f, "mux %s\n", muxes[s->mux]);
	fprintf(f, "escapechar %s\n", escape);
	fprintf(f, "scrollback %s\n", s->scrollback == SCROLLBACK_NATIVE ?
	    "native" : "multiplexer");
	fprintf(f, "aliveinterval %d\n", s->alive_interval);
	if (s->alive_count_max == ALIVE_COUNT_AUTO)
		fprintf(f, "alivecountmax auto\n");
	else
		fprintf(f, "alivecountmax %d\n", s->alive_count_max);
	fprintf(f, "connecttimeout %d\n", s->connect_timeout);
	settings_print_duration(f, "stalltimeout", s->stall_timeout);
	settings_print_duration(f, "echotimeout", s->echo_timeout);
	settings_print_duration(f, "probeinterval", s->probe_interval);
	settings_print_duration(f, "networksettle", s->net_settle);
	for (i = 0; i < s->nssh_options; i++)
		fprintf(f, "sshoption %s\n", s->ssh_options[i]);
}
