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

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "limpet.h"
#include "tests/unit/unit.h"

static char		dir[] = "/tmp/limpet-test-config.XXXXXX";
static char		path[256];
static char		err[512];
static char		want[1024];
static struct settings	s;

static void	 write_file(const char *, size_t);
static int	 load_bytes(const char *, size_t, const char *);
static int	 load(const char *, const char *);
static int	 load_error(const char *, int, const char *);
static void	 test_settings(void);
static void	 test_words(void);
static void	 test_session_names(void);
static void	 test_session_expand(void);
static void	 test_default_path(void);
static void	 test_keywords(void);
static void	 test_hosts(void);
static void	 test_first_wins(void);
static void	 test_ssh_options(void);
static void	 test_syntax(void);
static void	 test_errors(void);
static void	 test_hostile_files(void);
static void	 test_durations(void);

static void
write_file(const char *data, size_t len)
{
	FILE	*f;

	if ((f = fopen(path, "w")) == NULL) {
		perror(path);
		exit(1);
	}
	if (len != 0 && fwrite(data, 1, len, f) != len) {
		perror(path);
		exit(1);
	}
	fclose(f);
}

/* Write a config file and load it for host into fresh settings. */
static int
load_bytes(const char *data, size_t len, const char *host)
{
	write_file(data, len);
	settings_free(&s);
	memset(err, 0, sizeof err);
	return (config_load(path, 1, host, &s, err, sizeof err));
}

static int
load(const char *text, const char *host)
{
	return (load_bytes(text, strlen(text), host));
}

/* Loading must fail with "PATH:LINE: " and a message holding what. */
static int
load_error(const char *text, int line, const char *what)
{
	char	prefix[300];

	if (load(text, "host") != -1) {
		printf("# loaded without error: %s\n", text);
		return (0);
	}
	snprintf(prefix, sizeof prefix, "%s:%d: ", path, line);
	if (strncmp(err, prefix, strlen(prefix)) != 0 ||
	    strstr(err + strlen(prefix), what) == NULL) {
		printf("# got \"%s\", want \"%s...%s\"\n", err, prefix, what);
		return (0);
	}
	return (1);
}

static void
test_settings(void)
{
	struct settings	t;
	char		opt[] = "User=bob";

	settings_init(&t);
	CHECK(t.session == NULL);
	CHECK(t.mux == SETTING_UNSET);
	CHECK(t.escape_char == SETTING_UNSET);
	CHECK(t.alive_interval == SETTING_UNSET);
	CHECK(t.alive_count_max == SETTING_UNSET);
	CHECK(t.connect_timeout == SETTING_UNSET);
	CHECK(t.scrollback == SETTING_UNSET);
	CHECK(t.ssh_options == NULL && t.nssh_options == 0);

	settings_defaults(&t);
	CHECK_STR(t.session, DEFAULT_SESSION);
	CHECK(t.mux == MUX_AUTO);
	CHECK(t.escape_char == '~');
	CHECK(t.alive_interval == DEFAULT_ALIVE_INTERVAL);
	CHECK(t.alive_count_max == ALIVE_COUNT_AUTO);
	CHECK(t.connect_timeout == DEFAULT_CONNECT_TIMEOUT);
	CHECK(t.scrollback == SCROLLBACK_NATIVE);
	settings_free(&t);
	CHECK(t.session == NULL && t.mux == SETTING_UNSET);
	settings_free(&t);

	/* Defaults never replace what was set. */
	settings_init(&t);
	t.session = xstrdup("mine");
	t.mux = MUX_SCREEN;
	t.escape_char = ESCAPE_NONE;
	t.alive_interval = 7;
	t.alive_count_max = 8;
	t.connect_timeout = 9;
	t.scrollback = SCROLLBACK_MULTIPLEXER;
	settings_defaults(&t);
	CHECK_STR(t.session, "mine");
	CHECK(t.mux == MUX_SCREEN);
	CHECK(t.escape_char == ESCAPE_NONE);
	CHECK(t.alive_interval == 7);
	CHECK(t.alive_count_max == 8);
	CHECK(t.connect_timeout == 9);
	CHECK(t.scrollback == SCROLLBACK_MULTIPLEXER);

	/* Options are copied and kept in order. */
	settings_add_ssh_option(&t, opt);
	opt[0] = 'X';
	settings_add_ssh_option(&t, "Port=22");
	CHECK(t.nssh_options == 2);
	CHECK_STR(t.ssh_options[0], "User=bob");
	CHECK_STR(t.ssh_options[1], "Port=22");
	settings_free(&t);
	CHECK(t.nssh_options == 0 && t.ssh_options == NULL);
}

/* What -G prints: one "keyword value" per line, keywords in lower case. */
static void
test_print(void)
{
	struct settings	 t;
	FILE		*f;
	char		 buf[1024];
	size_t		 n;

	settings_init(&t);
	t.mux = MUX_SCREEN;
	t.escape_char = 1;
	t.scrollback = SCROLLBACK_MULTIPLEXER;
	t.alive_interval = 7;
	settings_add_ssh_option(&t, "User=bob");
	settings_add_ssh_option(&t, "ProxyJump=j");
	settings_defaults(&t);
	if ((f = tmpfile()) == NULL) {
		CHECK(f != NULL);
		return;
	}
	settings_print(f, &t, "work-host");
	rewind(f);
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	CHECK_STR(buf, "session work-host\nmux screen\nescapechar ^A\n"
	    "scrollback multiplexer\naliveinterval 7\nalivecountmax auto\n"
	    "connecttimeout 5\nstalltimeout 2\nechotimeout 1.2\n"
	    "probeinterval 0.1\nnetworksettle 50ms\n"
	    "sshoption User=bob\nsshoption ProxyJump=j\n");

	rewind(f);
	settings_free(&t);
	settings_defaults(&t);
	t.escape_char = ESCAPE_NONE;
	settings_print(f, &t, "limpet");
	fflush(f);
	rewind(f);
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	CHECK(strncmp(buf, "session limpet\nmux auto\nescapechar none\n"
	    "scrollback native\naliveinterval 1\n", 71) == 0);
	fclose(f);
	settings_free(&t);
}

static void
test_words(void)
{
	CHECK(settings_parse_mux("auto") == MUX_AUTO);
	CHECK(settings_parse_mux("TMUX") == MUX_TMUX);
	CHECK(settings_parse_mux("Screen") == MUX_SCREEN);
	CHECK(settings_parse_mux("none") == MUX_NONE);
	CHECK(settings_parse_mux("") == -1);
	CHECK(settings_parse_mux("tmuxx") == -1);
	CHECK(settings_parse_mux("byobu") == -1);

	CHECK(settings_parse_escape("~") == '~');
	CHECK(settings_parse_escape("%") == '%');
	CHECK(settings_parse_escape("^") == '^');
	CHECK(settings_parse_escape("^A") == 1);
	CHECK(settings_parse_escape("^a") == 1);
	CHECK(settings_parse_escape("^]") == 0x1d);
	CHECK(settings_parse_escape("^[") == 0x1b);
	CHECK(settings_parse_escape("^?") == 0x7f);
	CHECK(settings_parse_escape("none") == ESCAPE_NONE);
	CHECK(settings_parse_escape("NONE") == ESCAPE_NONE);
	CHECK(settings_parse_escape("") == -1);
	CHECK(settings_parse_escape("ab") == -1);
	CHECK(settings_parse_escape("^AB") == -1);
	CHECK(settings_parse_escape("\xe9") == 0xe9);

	CHECK(settings_parse_scrollback("native") == SCROLLBACK_NATIVE);
	CHECK(settings_parse_scrollback("Multiplexer") ==
	    SCROLLBACK_MULTIPLEXER);
	CHECK(settings_parse_scrollback("") == -1);
	CHECK(settings_parse_scrollback("tmux") == -1);
}

static void
test_session_names(void)
{
	char	name[SESSION_NAME_MAX + 2];

	CHECK(session_name_valid("limpet"));
	CHECK(session_name_valid("a"));
	CHECK(session_name_valid("Work_2-b"));
	memset(name, 'x', sizeof name);
	name[SESSION_NAME_MAX] = '\0';
	CHECK(session_name_valid(name));
	name[SESSION_NAME_MAX] = 'x';
	name[SESSION_NAME_MAX + 1] = '\0';
	CHECK(!session_name_valid(name));

	CHECK(!session_name_valid(""));
	CHECK(!session_name_valid("a b"));
	CHECK(!session_name_valid("a;b"));
	CHECK(!session_name_valid("a'b"));
	CHECK(!session_name_valid("a\"b"));
	CHECK(!session_name_valid("$(reboot)"));
	CHECK(!session_name_valid("`x`"));
	CHECK(!session_name_valid("a|b"));
	CHECK(!session_name_valid("a&b"));
	CHECK(!session_name_valid("!x"));
	CHECK(!session_name_valid("a.b"));
	CHECK(!session_name_valid("a:b"));
	CHECK(!session_name_valid("a/b"));
	CHECK(!session_name_valid("a%b"));
	CHECK(!session_name_valid("a\nb"));
	CHECK(!session_name_valid("caf\xc3\xa9"));
}

static void
test_session_expand(void)
{
	struct passwd	*pw;
	char		 out[SESSION_NAME_MAX + 1], small[4];
	char		 user[256], local[256], longhost[80];
	char		*p;

	CHECK(session_expand("limpet", "h", out, sizeof out, err,
	    sizeof err) == 0);
	CHECK_STR(out, "limpet");
	CHECK(session_expand("%h", "build.example.com", out, sizeof out, err,
	    sizeof err) == 0);
	CHECK_STR(out, "build_example_com");
	CHECK(session_expand("work-%h", "db1", out, sizeof out, err,
	    sizeof err) == 0);
	CHECK_STR(out, "work-db1");
	CHECK(session_expand("%h", "2001:db8::1", out, sizeof out, err,
	    sizeof err) == 0);
	CHECK_STR(out, "2001_db8__1");
	/* What a host name brings in cannot reach the remote shell. */
	CHECK(session_expand("x%h", "a b'c;$(d)", out, sizeof out, err,
	    sizeof err) == 0);
	CHECK_STR(out, "xa_b_c___d_");

	if ((pw = getpwuid(getuid())) != NULL)
		snprintf(user, sizeof user, "%s", pw->pw_name);
	else
		snprintf(user, sizeof user, "%s", getenv("USER"));
	for (p = user; *p != '\0'; p++) {
		if (!session_name_valid((char[]){ *p, '\0' }))
			*p = '_';
	}
	CHECK(session_expand("%u", "h", out, sizeof out, err,
	    sizeof err) == 0);
	CHECK_STR(out, user);

	gethostname(local, sizeof local);
	local[sizeof local - 1] = '\0';
	local[strcspn(local, ".")] = '\0';
	for (p = local; *p != '\0'; p++) {
		if (!session_name_valid((char[]){ *p, '\0' }))
			*p = '_';
	}
	CHECK(session_expand("%l", "h", out, sizeof out, err,
	    sizeof err) == 0);
	CHECK_STR(out, local);
	CHECK(strchr(out, '.') == NULL);

	snprintf(want, sizeof want, "%s-%s-h", user, local);
	CHECK(session_expand("%u-%l-%h", "h", out, sizeof out, err,
	    sizeof err) == 0);
	CHECK_STR(out, want);

	/* "%%" is a '%', which no session name may hold. */
	CHECK(session_expand("a%%b", "h", out, sizeof out, err,
	    sizeof err) == -1);
	CHECK(strstr(err, "\"a%b\"") != NULL);

	CHECK(session_expand("a%x", "h", out, sizeof out, err,
	    sizeof err) == -1);
	CHECK(strstr(err, "%x") != NULL);
	CHECK(session_expand("a%", "h", out, sizeof out, err,
	    sizeof err) == -1);
	CHECK(strstr(err, "\"a%\"") != NULL);

	CHECK(session_expand("my session", "h", out, sizeof out, err,
	    sizeof err) == -1);
	CHECK(strstr(err, "\"my session\"") != NULL);
	CHECK(strstr(err, "1-64 letters, digits, '_' or '-'") != NULL);
	CHECK(session_expand("a;reboot", "h", out, sizeof out, err,
	    sizeof err) == -1);
	CHECK(session_expand("'x'", "h", out, sizeof out, err,
	    sizeof err) == -1);
	CHECK(session_expand("", "h", out, sizeof out, err,
	    sizeof err) == -1);
	CHECK(strstr(err, "\"\"") != NULL);
	CHECK(session_expand("%h", "", out, sizeof out, err,
	    sizeof err) == -1);

	/* 64 characters pass, 65 do not. */
	memset(longhost, 'h', sizeof longhost);
	longhost[SESSION_NAME_MAX] = '\0';
	CHECK(session_expand("%h", longhost, out, sizeof out, err,
	    sizeof err) == 0);
	CHECK(strlen(out) == SESSION_NAME_MAX);
	longhost[SESSION_NAME_MAX] = 'h';
	longhost[SESSION_NAME_MAX + 1] = '\0';
	CHECK(session_expand("%h", longhost, out, sizeof out, err,
	    sizeof err) == -1);
	CHECK(strstr(err, longhost) != NULL);

	CHECK(session_expand("abcd", "h", small, sizeof small, err,
	    sizeof err) == -1);
	CHECK(session_expand("abc", "h", small, sizeof small, err,
	    sizeof err) == 0);
	CHECK_STR(small, "abc");
}

static void
test_default_path(void)
{
	struct passwd	*pw;
	char		 buf[512], *home, *xdg;

	home = getenv("HOME") != NULL ? xstrdup(getenv("HOME")) : NULL;
	xdg = getenv("XDG_CONFIG_HOME") != NULL ?
	    xstrdup(getenv("XDG_CONFIG_HOME")) : NULL;

	setenv("XDG_CONFIG_HOME", "/xdg", 1);
	setenv("HOME", "/home/t", 1);
	CHECK(config_default_path(buf, sizeof buf) == 0);
	CHECK_STR(buf, "/xdg/limpet/config");

	/* A relative XDG_CONFIG_HOME is to be ignored. */
	setenv("XDG_CONFIG_HOME", "rel", 1);
	CHECK(config_default_path(buf, sizeof buf) == 0);
	CHECK_STR(buf, "/home/t/.config/limpet/config");
	setenv("XDG_CONFIG_HOME", "", 1);
	CHECK(config_default_path(buf, sizeof buf) == 0);
	CHECK_STR(buf, "/home/t/.config/limpet/config");
	unsetenv("XDG_CONFIG_HOME");
	CHECK(config_default_path(buf, sizeof buf) == 0);
	CHECK_STR(buf, "/home/t/.config/limpet/config");

	CHECK(config_default_path(buf, 10) == -1);

	unsetenv("HOME");
	if ((pw = getpwuid(getuid())) != NULL) {
		snprintf(want, sizeof want, "%s/.config/limpet/config",
		    pw->pw_dir);
		CHECK(config_default_path(buf, sizeof buf) == 0);
		CHECK_STR(buf, want);
	}

	if (home != NULL)
		setenv("HOME", home, 1);
	if (xdg != NULL)
		setenv("XDG_CONFIG_HOME", xdg, 1);
	free(home);
	free(xdg);
}

static void
test_keywords(void)
{
	char	missing[300];

	/* A missing file is fine unless it was asked for. */
	snprintf(missing, sizeof missing, "%s/nope", dir);
	settings_free(&s);
	CHECK(config_load(missing, 0, "h", &s, err, sizeof err) == 0);
	CHECK(s.session == NULL && s.mux == SETTING_UNSET);
	CHECK(config_load(missing, 1, "h", &s, err, sizeof err) == -1);
	snprintf(want, sizeof want, "%s: No such file or directory", missing);
	CHECK_STR(err, want);
	CHECK(config_load(dir, 0, "h", &s, err, sizeof err) == -1);
	CHECK(strstr(err, dir) != NULL);

	CHECK(load("", "h") == 0);
	CHECK(s.session == NULL && s.nssh_options == 0);

	CHECK(load("Session work-%h\n"
	    "Mux screen\n"
	    "EscapeChar ^]\n"
	    "AliveInterval 2\n"
	    "AliveCountMax 5\n"
	    "ConnectTimeout 10\n"
	    "Scrollback multiplexer\n"
	    "SshOption User=bob\n", "h") == 0);
	CHECK_STR(s.session, "work-%h");
	CHECK(s.mux == MUX_SCREEN);
	CHECK(s.escape_char == 0x1d);
	CHECK(s.alive_interval == 2);
	CHECK(s.alive_count_max == 5);
	CHECK(s.connect_timeout == 10);
	CHECK(s.scrollback == SCROLLBACK_MULTIPLEXER);
	CHECK(s.nssh_options == 1);
	CHECK_STR(s.ssh_options[0], "User=bob");

	/* Keywords and words in any case, and the "=" forms. */
	CHECK(load("session=a\n"
	    "MUX = TMUX\n"
	    "escapechar =none\n"
	    "aliveinterval= 3600\n"
	    "ALIVECOUNTMAX\t100\n"
	    "connectTimeout 1\n"
	    "SCROLLBACK Native\n", "h") == 0);
	CHECK_STR(s.session, "a");
	CHECK(s.mux == MUX_TMUX);
	CHECK(s.escape_char == ESCAPE_NONE);
	CHECK(s.alive_interval == 3600);
	CHECK(s.alive_count_max == 100);
	CHECK(s.connect_timeout == 1);
	CHECK(s.scrollback == SCROLLBACK_NATIVE);

	CHECK(load("Mux none\nEscapeChar \"~\"\nSession \"%u-%l-%%\"\n",
	    "h") == 0);
	CHECK(s.mux == MUX_NONE);
	CHECK(s.escape_char == '~');
	CHECK_STR(s.session, "%u-%l-%%");
	CHECK(load("EscapeChar #\n", "h") == 0);
	CHECK(s.escape_char == '#');
}

/* The timing keywords: seconds, fractions, milliseconds, off. */
static void
test_durations(void)
{
	CHECK(settings_parse_duration("2", 0, 3600000) == 2000);
	CHECK(settings_parse_duration("0.5", 0, 3600000) == 500);
	CHECK(settings_parse_duration("1.25s", 0, 3600000) == 1250);
	CHECK(settings_parse_duration("1.2345", 0, 3600000) == 1234);
	CHECK(settings_parse_duration("150ms", 0, 3600000) == 150);
	CHECK(settings_parse_duration("0", 0, 3600000) == 0);
	CHECK(settings_parse_duration("off", 0, 3600000) == 0);
	CHECK(settings_parse_duration("OFF", 0, 3600000) == 0);
	CHECK(settings_parse_duration("no", 0, 3600000) == 0);
	CHECK(settings_parse_duration("", 0, 3600000) < 0);
	CHECK(settings_parse_duration("s", 0, 3600000) < 0);
	CHECK(settings_parse_duration(".5", 0, 3600000) < 0);
	CHECK(settings_parse_duration("-1", 0, 3600000) < 0);
	CHECK(settings_parse_duration("1.5ms", 0, 3600000) < 0);
	CHECK(settings_parse_duration("2 s", 0, 3600000) < 0);
	CHECK(settings_parse_duration("2m", 0, 3600000) < 0);
	CHECK(settings_parse_duration("3601", 0, 3600000) < 0);
	CHECK(settings_parse_duration("9999999999", 0, 3600000) < 0);
	CHECK(settings_parse_duration("61", 0, 60000) < 0);

	CHECK(load("StallTimeout 3\nEchoTimeout 800ms\nProbeInterval 0.25\n"
	    "NetworkSettle off\n", "h") == 0);
	CHECK(s.stall_timeout == 3000);
	CHECK(s.echo_timeout == 800);
	CHECK(s.probe_interval == 250);
	CHECK(s.net_settle == 0);

	/* Unset until given; the defaults fill them in. */
	CHECK(load("Host other\nStallTimeout 9\n", "h") == 0);
	CHECK(s.stall_timeout == SETTING_UNSET);
	settings_defaults(&s);
	CHECK(s.stall_timeout == DEFAULT_STALL_TIMEOUT);
	CHECK(s.echo_timeout == DEFAULT_ECHO_TIMEOUT);
	CHECK(s.probe_interval == DEFAULT_PROBE_INTERVAL);
	CHECK(s.net_settle == DEFAULT_NET_SETTLE);
	CHECK(s.alive_count_max == ALIVE_COUNT_AUTO);

	CHECK(load_error("\n\nStallTimeout soon\n", 3,
	    "invalid StallTimeout \"soon\""));
	CHECK(load_error("EchoTimeout 5 minutes\n", 1, "EchoTimeout"));
	CHECK(load_error("ProbeInterval -1\n", 1, "ProbeInterval"));
	CHECK(load_error("NetworkSettle 2h\n", 1, "NetworkSettle"));
	CHECK(load_error("NetworkSettle 61\n", 1, "NetworkSettle"));
}

static void
test_hosts(void)
{
	static const char	*text =
	    "Host *.example.com !bad.example.com\n"
	    "  Session ex\n"
	    "Host db? web\n"
	    "  Session dbweb\n"
	    "Host !nothing\n"
	    "  Session never\n"
	    "Host *\n"
	    "  Session other\n";

	CHECK(load(text, "good.example.com") == 0);
	CHECK_STR(s.session, "ex");
	CHECK(load(text, "GOOD.Example.COM") == 0);
	CHECK_STR(s.session, "ex");
	CHECK(load(text, "bad.example.com") == 0);
	CHECK_STR(s.session, "other");
	CHECK(load(text, "example.com") == 0);
	CHECK_STR(s.session, "other");
	CHECK(load(text, "db1") == 0);
	CHECK_STR(s.session, "dbweb");
	CHECK(load(text, "db12") == 0);
	CHECK_STR(s.session, "other");
	CHECK(load(text, "web") == 0);
	CHECK_STR(s.session, "dbweb");
	CHECK(load(text, "webx") == 0);
	CHECK_STR(s.session, "other");
	/* A line of negated patterns alone matches nothing. */
	CHECK(load(text, "anything") == 0);
	CHECK_STR(s.session, "other");

	/* Lines before the first Host apply to every host. */
	CHECK(load("Mux screen\nHost a\nSession sa\nHost b\nSession sb\n",
	    "b") == 0);
	CHECK(s.mux == MUX_SCREEN);
	CHECK_STR(s.session, "sb");
	CHECK(load("Mux screen\nHost a\nSession sa\n", "c") == 0);
	CHECK(s.mux == MUX_SCREEN);
	CHECK(s.session == NULL);

	/* Wildcards: stars anywhere, several of them, '?' for one. */
	CHECK(load("Host a*b*c\nMux tmux\n", "aXXbYYc") == 0);
	CHECK(s.mux == MUX_TMUX);
	CHECK(load("Host a*b*c\nMux tmux\n", "aXXbYYcd") == 0);
	CHECK(s.mux == SETTING_UNSET);
	CHECK(load("Host *b\nMux tmux\n", "bbb") == 0);
	CHECK(s.mux == MUX_TMUX);
	CHECK(load("Host ??\nMux tmux\n", "abc") == 0);
	CHECK(s.mux == SETTING_UNSET);
	CHECK(load("Host 10.0.0.*\nMux tmux\n", "10.0.0.7") == 0);
	CHECK(s.mux == MUX_TMUX);
	CHECK(load("Host \"quoted\"\nMux tmux\n", "quoted") == 0);
	CHECK(s.mux == MUX_TMUX);
	CHECK(load("Host=x\nMux tmux\n", "x") == 0);
	CHECK(s.mux == MUX_TMUX);
	/* The negation wins whatever the order of the patterns. */
	CHECK(load("Host !x *\nMux tmux\n", "x") == 0);
	CHECK(s.mux == SETTING_UNSET);
	CHECK(load("Host * !x\nMux tmux\n", "y") == 0);
	CHECK(s.mux == MUX_TMUX);
}

static void
test_first_wins(void)
{
	/* Within the file, the first value obtained is kept. */
	CHECK(load("Host h\nSession first\nMux screen\nHost *\n"
	    "Session second\nMux tmux\nAliveInterval 4\n", "h") == 0);
	CHECK_STR(s.session, "first");
	CHECK(s.mux == MUX_SCREEN);
	CHECK(s.alive_interval == 4);
	CHECK(load("Session a\nSession b\n", "h") == 0);
	CHECK_STR(s.session, "a");

	/* The command line, applied first, beats the file. */
	write_file("Session file\nMux screen\nEscapeChar %\nAliveInterval 9\n"
	    "AliveCountMax 9\nConnectTimeout 9\nScrollback multiplexer\n"
	    "SshOption Port=2\n", strlen("Session file\nMux screen\n"
	    "EscapeChar %\nAliveInterval 9\nAliveCountMax 9\n"
	    "ConnectTimeout 9\nScrollback multiplexer\nSshOption Port=2\n"));
	settings_free(&s);
	s.session = xstrdup("cli");
	s.mux = MUX_NONE;
	s.escape_char = ESCAPE_NONE;
	s.alive_interval = 1;
	s.alive_count_max = 1;
	s.connect_timeout = 1;
	s.scrollback = SCROLLBACK_NATIVE;
	settings_add_ssh_option(&s, "Port=1");
	CHECK(config_load(path, 1, "h", &s, err, sizeof err) == 0);
	CHECK_STR(s.session, "cli");
	CHECK(s.mux == MUX_NONE);
	CHECK(s.escape_char == ESCAPE_NONE);
	CHECK(s.alive_interval == 1);
	CHECK(s.alive_count_max == 1);
	CHECK(s.connect_timeout == 1);
	CHECK(s.scrollback == SCROLLBACK_NATIVE);
	CHECK(s.nssh_options == 2);
	CHECK_STR(s.ssh_options[0], "Port=1");
	CHECK_STR(s.ssh_options[1], "Port=2");

	/* Only what the command line left unset comes from the file. */
	settings_free(&s);
	s.mux = MUX_TMUX;
	CHECK(config_load(path, 1, "h", &s, err, sizeof err) == 0);
	CHECK(s.mux == MUX_TMUX);
	CHECK_STR(s.session, "file");
	CHECK(s.escape_char == '%');
}

static void
test_ssh_options(void)
{
	CHECK(load("SshOption User=bob\n"
	    "Host h\n"
	    "SshOption Port 2222\n"
	    "SshOption ServerAliveCountMax = 3\n"
	    "SshOption \"Compression=yes\"\n"
	    "SshOption ProxyCommand ssh -W %h:%p jump\n"
	    "SshOption=SendEnv=LANG LC_*\n"
	    "Host other\n"
	    "SshOption Port 1\n"
	    "Host *\n"
	    "SshOption IdentityFile \"/a b/key\"\n", "h") == 0);
	CHECK(s.nssh_options == 7);
	if (s.nssh_options == 7) {
		CHECK_STR(s.ssh_options[0], "User=bob");
		CHECK_STR(s.ssh_options[1], "Port=2222");
		CHECK_STR(s.ssh_options[2], "ServerAliveCountMax=3");
		CHECK_STR(s.ssh_options[3], "Compression=yes");
		CHECK_STR(s.ssh_options[4], "ProxyCommand=ssh -W %h:%p jump");
		CHECK_STR(s.ssh_options[5], "SendEnv=LANG LC_*");
		/* ssh parses -o values again: quotes are kept for it. */
		CHECK_STR(s.ssh_options[6], "IdentityFile=\"/a b/key\"");
	}

	CHECK(load_error("SshOption\n", 1, "SshOption needs a value"));
	CHECK(load_error("SshOption User\n", 1, "\"User\""));
	CHECK(load_error("SshOption User=\n", 1, "no value"));
	CHECK(load_error("SshOption =x\n", 1, "\"x\" has no value"));
	CHECK(load_error("SshOption \"=x\"\n", 1, "Keyword=value"));
	CHECK(load_error("SshOption Us.er=x\n", 1, "Keyword=value"));
	CHECK(load_error("SshOption ProxyCommand \"x\n", 1,
	    "unterminated quote"));
	CHECK(load_error("SshOption \"User=x\n", 1, "unterminated quote"));
}

static void
test_syntax(void)
{
	/* Comments, blank lines, indentation, CRLF, no final newline. */
	CHECK(load("# a comment\n"
	    "\n"
	    "   \t\n"
	    "\t# indented comment\n"
	    "   Mux screen\r\n"
	    "\tSession s\r\n"
	    "AliveInterval 5", "h") == 0);
	CHECK(s.mux == MUX_SCREEN);
	CHECK_STR(s.session, "s");
	CHECK(s.alive_interval == 5);

	/* A byte order mark some editors write. */
	CHECK(load("\xef\xbb\xbfMux screen\n", "h") == 0);
	CHECK(s.mux == MUX_SCREEN);
}

static void
test_errors(void)
{
	char	line[1100];

	CHECK(load_error("Mux tmux\n\nFoo bar\n", 3, "unknown keyword \"Foo\""));
	snprintf(want, sizeof want, "%s:3: unknown keyword \"Foo\"", path);
	CHECK_STR(err, want);
	CHECK(load_error("=x\n", 1, "keyword"));
	CHECK(load_error("Match host x\n", 1,
	    "Match is not supported; use Host"));
	CHECK(load_error("Host\n", 1, "Host needs at least one pattern"));

	CHECK(load_error("Mux\n", 1, "Mux needs a value"));
	CHECK(load_error("Mux=\n", 1, "Mux needs a value"));
	CHECK(load_error("Session \t\n", 1, "Session needs a value"));
	CHECK(load_error("Mux tmux screen\n", 1, "\"screen\""));
	CHECK(load_error("AliveInterval 1 2\n", 1, "extra"));
	CHECK(load_error("Mux tmux # why\n", 1, "extra"));

	CHECK(load_error("Mux byobu\n", 1, "\"byobu\""));
	CHECK(load_error("EscapeChar ab\n", 1, "\"ab\""));
	CHECK(load_error("EscapeChar \"\"\n", 1, "EscapeChar"));
	CHECK(load_error("Scrollback both\n", 1, "\"both\""));

	CHECK(load_error("AliveInterval abc\n", 1, "\"abc\""));
	CHECK(load_error("AliveInterval 0\n", 1, "AliveInterval 0"));
	CHECK(load_error("AliveInterval 3601\n", 1, "3601"));
	CHECK(load_error("AliveInterval -1\n", 1, "\"-1\""));
	CHECK(load_error("AliveInterval 1.5\n", 1, "\"1.5\""));
	CHECK(load_error("AliveInterval 99999999999999999999\n", 1,
	    "99999999999999999999"));
	CHECK(load_error("AliveCountMax 101\n", 1, "AliveCountMax 101"));
	CHECK(load_error("AliveCountMax 0\n", 1, "AliveCountMax 0"));
	CHECK(load_error("ConnectTimeout 3601\n", 1, "ConnectTimeout 3601"));
	CHECK(load_error("ConnectTimeout 5s\n", 1, "\"5s\""));

	CHECK(load_error("Session \"a b\"\n", 1, "\"a b\""));
	CHECK(load_error("Session a;b\n", 1, "\"a;b\""));
	CHECK(load_error("Session a'b\n", 1, "\"a'b\""));
	CHECK(load_error("Session $(x)\n", 1, "Session"));
	CHECK(load_error("Session a.b\n", 1, "\"a.b\""));
	CHECK(load_error("Session a%x\n", 1, "\"a%x\""));
	CHECK(load_error("Session a%\n", 1, "\"a%\""));

	CHECK(load_error("Session \"abc\n", 1, "unterminated quote"));
	CHECK(load_error("Host \"a b\n", 1, "unterminated quote"));

	/* Lines are checked in blocks that do not apply, too. */
	CHECK(load_error("Host elsewhere\nMux tmux\nMux nope\n", 3, "nope"));
	CHECK(load_error("Host elsewhere\nFoo\n", 2, "Foo"));

	/* 1024 bytes are fine, 1025 are not. */
	memset(line, ' ', sizeof line);
	memcpy(line, "Mux tmux", 8);
	line[1024] = '\n';
	line[1025] = '\0';
	CHECK(load(line, "h") == 0);
	CHECK(s.mux == MUX_TMUX);
	line[1024] = ' ';
	line[1025] = '\n';
	line[1026] = '\0';
	CHECK(load_error(line, 1, "line too long"));
	memmove(line + 2, line, 1027);
	memcpy(line, "#\n", 2);
	CHECK(load_error(line, 2, "line too long"));
	/* A CR ending the line does not count. */
	memcpy(line, "Mux tmux", 8);
	memset(line + 8, ' ', 1016);
	memcpy(line + 1024, "\r\n", 3);
	CHECK(load(line, "h") == 0);

	CHECK(load_bytes("Mux tmux\nMux\0tmux\n", 18, "h") == -1);
	snprintf(want, sizeof want, "%s:2: binary data", path);
	CHECK_STR(err, want);
	CHECK(load_error("Mux \001tmux\n", 1, "binary data"));
	CHECK(load_error("# comment \033[31m\n", 1, "binary data"));
	CHECK(load_error("Mux tmux\x7f\n", 1, "binary data"));

	/* The first error stops the load. */
	CHECK(load_error("Foo\nBar\n", 1, "Foo"));
}

static void
test_hostile_files(void)
{
	char	*big;
	size_t	 i, n = 4 * 1024 * 1024;
	int	 r;

	/* Megabytes on one line: refused without reading it all. */
	big = xmalloc(n);
	memset(big, 'a', n);
	CHECK(load_bytes(big, n, "h") == -1);
	CHECK(strstr(err, ":1: line too long") != NULL);

	/* Random bytes. */
	srandom(1);
	for (i = 0; i < n; i++)
		big[i] = random();
	CHECK(load_bytes(big, n, "h") == -1);
	CHECK(strstr(err, path) != NULL);

	/* Many good lines. */
	for (i = 0; i + 13 <= n; i += 13)
		memcpy(big + i, "Host a b c\n# ", 13);
	memset(big + i, '\n', n - i);
	r = load_bytes(big, n, "h");
	CHECK(r == 0);
	free(big);
}

int
main(void)
{
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return (1);
	}
	snprintf(path, sizeof path, "%s/config", dir);
	settings_init(&s);

	test_settings();
	test_print();
	test_words();
	test_session_names();
	test_session_expand();
	test_default_path();
	test_keywords();
	test_hosts();
	test_first_wins();
	test_ssh_options();
	test_syntax();
	test_errors();
	test_hostile_files();
	test_durations();

	settings_free(&s);
	unlink(path);
	rmdir(dir);
	return (unit_done());
}
