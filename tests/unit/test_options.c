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

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "limpet.h"
#include "tests/unit/unit.h"

#define MAXARGS 32

static struct options	o;
static char		err[256];

static int	 parse(const char *, ...);
static const char *joined(void);
static int	 err_has(const char *);
static void	 test_plain(void);
static void	 test_bundles(void);
static void	 test_special(void);
static void	 test_refused(void);
static void	 test_errors(void);
static void	 test_end_of_options(void);
static void	 test_long(void);
static void	 test_long_errors(void);
static void	 test_destinations(void);
static void	 test_usage(void);
static void	 test_actions(void);
static void	 test_diagnostics(void);

/* Parse "limpet" followed by the arguments, up to a NULL. */
static int
parse(const char *first, ...)
{
	char		*argv[MAXARGS + 2];
	const char	*a;
	va_list		 ap;
	int		 argc = 0, r;

	options_free(&o);
	memset(err, 0, sizeof err);
	argv[argc++] = (char *)"limpet";
	va_start(ap, first);
	for (a = first; a != NULL && argc <= MAXARGS; a = va_arg(ap,
	    const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;
	r = options_parse(argc, argv, &o, err, sizeof err);
	return (r);
}

/* ssh's arguments joined with '|', to compare element by element. */
static const char *
joined(void)
{
	static char	buf[1024];
	size_t		len = 0;
	int		i;

	buf[0] = '\0';
	for (i = 0; i < o.nssh_args && len < sizeof buf; i++) {
		len += snprintf(buf + len, sizeof buf - len, "%s%s",
		    i == 0 ? "" : "|", o.ssh_args[i]);
	}
	return (buf);
}

static int
err_has(const char *s)
{
	return (strstr(err, s) != NULL);
}

static void
test_plain(void)
{
	CHECK(parse("host", NULL) == 0);
	CHECK_STR(o.destination, "host");
	CHECK_STR(o.host, "host");
	CHECK(o.nssh_args == 0);
	CHECK(o.help == 0 && o.version == 0);
	CHECK(o.config_file == NULL);
	CHECK(o.cli.session == NULL);
	CHECK(o.cli.mux == SETTING_UNSET);
	CHECK(o.cli.escape_char == SETTING_UNSET);
	CHECK(o.cli.alive_interval == SETTING_UNSET);
	CHECK(o.cli.alive_count_max == SETTING_UNSET);
	CHECK(o.cli.connect_timeout == SETTING_UNSET);
	CHECK(o.cli.scrollback == SETTING_UNSET);
	CHECK(o.cli.nssh_options == 0);
	CHECK(err[0] == '\0');
}

static void
test_bundles(void)
{
	CHECK(parse("-4Av", "host", NULL) == 0);
	CHECK_STR(joined(), "-4|-A|-v");
	CHECK(o.ssh_args[o.nssh_args] == NULL);

	CHECK(parse("-p2222", "host", NULL) == 0);
	CHECK_STR(joined(), "-p|2222");
	CHECK(parse("-p", "2222", "host", NULL) == 0);
	CHECK_STR(joined(), "-p|2222");
	CHECK_STR(o.destination, "host");

	CHECK(parse("-oUser=x", "-o", "Port=22", "host", NULL) == 0);
	CHECK_STR(joined(), "-o|User=x|-o|Port=22");

	/* An option with an argument ends the cluster. */
	CHECK(parse("-vp2222", "host", NULL) == 0);
	CHECK_STR(joined(), "-v|-p|2222");
	CHECK(parse("-vCp", "2222", "host", NULL) == 0);
	CHECK_STR(joined(), "-v|-C|-p|2222");
	CHECK(parse("-Lvp", "host", NULL) == 0);
	CHECK_STR(joined(), "-L|vp");
	CHECK_STR(o.destination, "host");

	/* Order is kept across clusters and across the destination. */
	CHECK(parse("-A", "-J", "jump", "host", "-p", "2222", "-Xv",
	    "-L8080:localhost:80", NULL) == 0);
	CHECK_STR(joined(),
	    "-A|-J|jump|-p|2222|-X|-v|-L|8080:localhost:80");
	CHECK_STR(o.destination, "host");

	/* Every flag of ssh's string that limpet passes on. */
	CHECK(parse("-1246agkvxACKPXYy", "h", NULL) == 0);
	CHECK_STR(joined(),
	    "-1|-2|-4|-6|-a|-g|-k|-v|-x|-A|-C|-K|-P|-X|-Y|-y");
	CHECK(parse("-b", "1", "-c", "aes", "-i", "k", "-l", "u", "-m", "m",
	    "-B", "b", "-D", "1080", "-F", "cfg", "-I", "p", "-R", "1:h:2",
	    "-w", "0", "h", NULL) == 0);
	CHECK_STR(joined(), "-b|1|-c|aes|-i|k|-l|u|-m|m|-B|b|-D|1080|-F|cfg|"
	    "-I|p|-R|1:h:2|-w|0");

	/* An argument that looks like an option is still the argument. */
	CHECK(parse("-l", "-v", "host", NULL) == 0);
	CHECK_STR(joined(), "-l|-v");
}

static void
test_special(void)
{
	CHECK(parse("-t", "-tt", "host", "-t", NULL) == 0);
	CHECK(o.nssh_args == 0);
	CHECK(parse("-tAt", "host", NULL) == 0);
	CHECK_STR(joined(), "-A");
	CHECK(parse("-qv", "host", "-q", NULL) == 0);
	CHECK_STR(joined(), "-v");

	CHECK(parse("-e", "^A", "host", NULL) == 0);
	CHECK(o.cli.escape_char == 1);
	CHECK(o.nssh_args == 0);
	CHECK(parse("-e%", "host", NULL) == 0);
	CHECK(o.cli.escape_char == '%');
	CHECK(parse("-Ae", "none", "host", NULL) == 0);
	CHECK(o.cli.escape_char == ESCAPE_NONE);
	CHECK_STR(joined(), "-A");
	CHECK(parse("host", "-e^?", NULL) == 0);
	CHECK(o.cli.escape_char == 0x7f);

	CHECK(parse("-e", "ab", "host", NULL) == -1);
	CHECK(err_has("-e") && err_has("\"ab\""));
	CHECK(parse("-e", "", "host", NULL) == -1);
	CHECK(parse("host", "-e", NULL) == -1);
	CHECK_STR(err, "option -e needs an argument");
}

static void
test_refused(void)
{
	static const char	*interactive[] = { "-T", "-N", "-n", "-f", "-s" };
	size_t			 i;

	for (i = 0; i < sizeof interactive / sizeof interactive[0]; i++) {
		CHECK(parse(interactive[i], "host", NULL) == -1);
		CHECK(err_has(interactive[i]));
		CHECK(err_has("interactive terminal session"));
		CHECK(o.destination == NULL);
	}
	CHECK(parse("host", "-W", "h:22", NULL) == -1);
	CHECK(err_has("-W") && err_has("interactive terminal session"));
	/* The refusal, not the missing argument, is what the user needs. */
	CHECK(parse("host", "-W", NULL) == -1);
	CHECK(err_has("interactive terminal session"));
	CHECK(parse("-vT", "host", NULL) == -1);
	CHECK(err_has("-T"));

	CHECK(parse("-V", NULL) == -1);
	CHECK(err_has("ssh -V"));
	CHECK(parse("-Q", "cipher", NULL) == -1);
	CHECK(err_has("ssh -Q"));

	CHECK(parse("-M", "host", NULL) == -1);
	CHECK(err_has("-M") && err_has("control"));
	CHECK(parse("-S", "/tmp/s", "host", NULL) == -1);
	CHECK(err_has("-S") && err_has("control"));
	CHECK(parse("-O", "check", "host", NULL) == -1);
	CHECK(err_has("-O") && err_has("control"));

	CHECK(parse("-E", "log", "host", NULL) == -1);
	CHECK(err_has("-E") && err_has("stderr"));
}

static void
test_errors(void)
{
	CHECK(parse("-Z", "host", NULL) == -1);
	CHECK_STR(err, "unknown option -Z");
	CHECK(parse("-vh", "host", NULL) == -1);
	CHECK_STR(err, "unknown option -h");
	CHECK(parse("-:", "host", NULL) == -1);
	CHECK_STR(err, "unknown option -:");
	CHECK(parse("-\001", "host", NULL) == -1);
	CHECK_STR(err, "unknown option -\\x01");

	CHECK(parse("host", "-p", NULL) == -1);
	CHECK_STR(err, "option -p needs an argument");
	CHECK(parse("-vo", NULL) == -1);
	CHECK_STR(err, "option -o needs an argument");

	CHECK(parse("host", "ls", NULL) == -1);
	CHECK_STR(err, "limpet opens an interactive session and runs no "
	    "remote command; use ssh HOST COMMAND for that");
	CHECK(parse("host", "-v", "ls", "-l", NULL) == -1);
	CHECK(err_has("runs no remote command"));

	CHECK(parse(NULL) == -1);
	CHECK_STR(err, "no destination given");
	CHECK(parse("-v", "-p", "22", NULL) == -1);
	CHECK_STR(err, "no destination given");

	/* A failed parse leaves nothing behind. */
	CHECK(parse("-v", "--session", "s", "host", "-Z", NULL) == -1);
	CHECK(o.destination == NULL && o.host == NULL);
	CHECK(o.nssh_args == 0 && o.ssh_args == NULL);
	CHECK(o.cli.session == NULL);
}

static void
test_end_of_options(void)
{
	CHECK(parse("-v", "--", "host", NULL) == 0);
	CHECK_STR(o.destination, "host");
	CHECK_STR(joined(), "-v");
	CHECK(parse("host", "--", NULL) == 0);
	CHECK_STR(o.destination, "host");

	/* After "--" nothing is an option: the rest is a remote command. */
	CHECK(parse("--", "host", "-p", "22", NULL) == -1);
	CHECK(err_has("runs no remote command"));
	CHECK(parse("host", "--", "ls", NULL) == -1);
	CHECK(err_has("runs no remote command"));
	CHECK(parse("--", "--session", NULL) == -1);
	CHECK(err_has("invalid destination"));
	CHECK(parse("--", "-oProxyCommand=x", NULL) == -1);
	CHECK(err_has("invalid destination"));
	CHECK(parse("--", NULL) == -1);
	CHECK_STR(err, "no destination given");
}

static void
test_long(void)
{
	CHECK(parse("--session", "work-%h", "--mux", "screen", "--config",
	    "/tmp/cfg", "--escape", "^B", "--scrollback", "multiplexer",
	    "--alive-interval", "2", "--alive-count-max", "4",
	    "--connect-timeout", "9", "--ssh-option", "User=bob", "host",
	    NULL) == 0);
	CHECK_STR(o.cli.session, "work-%h");
	CHECK(o.cli.mux == MUX_SCREEN);
	CHECK_STR(o.config_file, "/tmp/cfg");
	CHECK(o.cli.escape_char == 2);
	CHECK(o.cli.scrollback == SCROLLBACK_MULTIPLEXER);
	CHECK(o.cli.alive_interval == 2);
	CHECK(o.cli.alive_count_max == 4);
	CHECK(o.cli.connect_timeout == 9);
	CHECK(o.cli.nssh_options == 1);
	CHECK_STR(o.cli.ssh_options[0], "User=bob");
	CHECK(o.nssh_args == 0);

	/* The "=" form, after the destination, mixed with ssh's options. */
	CHECK(parse("-A", "host", "--session=s1", "--mux=TMUX", "-v",
	    "--escape=none", "--scrollback=native", "--alive-interval=3600",
	    "--alive-count-max=100", "--connect-timeout=1",
	    "--ssh-option=Port=22", "--ssh-option", "ProxyJump=j",
	    "--config=c", NULL) == 0);
	CHECK_STR(o.cli.session, "s1");
	CHECK(o.cli.mux == MUX_TMUX);
	CHECK(o.cli.escape_char == ESCAPE_NONE);
	CHECK(o.cli.scrollback == SCROLLBACK_NATIVE);
	CHECK(o.cli.alive_interval == 3600);
	CHECK(o.cli.alive_count_max == 100);
	CHECK(o.cli.connect_timeout == 1);
	CHECK(o.cli.nssh_options == 2);
	CHECK_STR(o.cli.ssh_options[0], "Port=22");
	CHECK_STR(o.cli.ssh_options[1], "ProxyJump=j");
	CHECK_STR(o.config_file, "c");
	CHECK_STR(joined(), "-A|-v");

	/* Given twice, the last one counts, and the first is not leaked. */
	CHECK(parse("--session", "a", "--session", "b", "--config", "x",
	    "--config", "y", "--mux", "none", "--mux", "auto", "h", NULL) == 0);
	CHECK_STR(o.cli.session, "b");
	CHECK_STR(o.config_file, "y");
	CHECK(o.cli.mux == MUX_AUTO);

	/* The value is the next argument even if it looks like an option. */
	CHECK(parse("--config", "-v", "host", NULL) == 0);
	CHECK_STR(o.config_file, "-v");
	CHECK(o.nssh_args == 0);

	CHECK(parse("--help", NULL) == 0);
	CHECK(o.help == 1 && o.destination == NULL);
	CHECK(parse("--version", NULL) == 0);
	CHECK(o.version == 1 && o.destination == NULL);
	CHECK(parse("host", "--help", NULL) == 0);
	CHECK(o.help == 1);
	CHECK_STR(o.destination, "host");
}

static void
test_long_errors(void)
{
	CHECK(parse("--foo", "host", NULL) == -1);
	CHECK_STR(err, "unknown option --foo");
	CHECK(parse("--foo=bar", "host", NULL) == -1);
	CHECK_STR(err, "unknown option --foo");
	CHECK(parse("--sess", "x", "host", NULL) == -1);
	CHECK_STR(err, "unknown option --sess");
	CHECK(parse("host", "--session", NULL) == -1);
	CHECK_STR(err, "option --session needs a value");
	CHECK(parse("--session=", "host", NULL) == -1);
	CHECK_STR(err, "option --session needs a value");
	CHECK(parse("host", "--alive-interval", NULL) == -1);
	CHECK_STR(err, "option --alive-interval needs a value");
	CHECK(parse("--help=yes", NULL) == -1);
	CHECK_STR(err, "option --help takes no value");

	CHECK(parse("--mux", "byobu", "host", NULL) == -1);
	CHECK(err_has("--mux") && err_has("\"byobu\""));
	CHECK(parse("--escape", "ab", "host", NULL) == -1);
	CHECK(err_has("--escape") && err_has("\"ab\""));
	CHECK(parse("--scrollback", "both", "host", NULL) == -1);
	CHECK(err_has("--scrollback") && err_has("\"both\""));

	CHECK(parse("--alive-interval", "0", "host", NULL) == -1);
	CHECK(err_has("--alive-interval") && err_has("\"0\""));
	CHECK(err_has("1-3600"));
	CHECK(parse("--alive-interval", "3601", "host", NULL) == -1);
	CHECK(err_has("\"3601\""));
	CHECK(parse("--alive-interval", "abc", "host", NULL) == -1);
	CHECK(err_has("\"abc\""));
	CHECK(parse("--alive-interval", "-1", "host", NULL) == -1);
	CHECK(parse("--alive-interval", "+5", "host", NULL) == -1);
	CHECK(parse("--alive-interval", "2s", "host", NULL) == -1);
	CHECK(parse("--alive-interval", "99999999999999999999", "host",
	    NULL) == -1);
	CHECK(parse("--alive-count-max", "101", "host", NULL) == -1);
	CHECK(err_has("--alive-count-max") && err_has("1-100"));
	CHECK(parse("--alive-count-max", "0", "host", NULL) == -1);
	CHECK(parse("--connect-timeout", "0", "host", NULL) == -1);
	CHECK(err_has("--connect-timeout"));
	CHECK(parse("--connect-timeout", "1.5", "host", NULL) == -1);

	CHECK(parse("--ssh-option", "User", "host", NULL) == -1);
	CHECK(err_has("--ssh-option") && err_has("\"User\""));
	CHECK(parse("--ssh-option", "=x", "host", NULL) == -1);
	CHECK(parse("--ssh-option", "User=", "host", NULL) == -1);
}

static void
test_destinations(void)
{
	CHECK(parse("bob@example.com", NULL) == 0);
	CHECK_STR(o.destination, "bob@example.com");
	CHECK_STR(o.host, "example.com");
	CHECK(parse("a@b@host", NULL) == 0);
	CHECK_STR(o.host, "host");
	CHECK(parse("user@", NULL) == -1);
	CHECK(err_has("no host") && err_has("\"user@\""));
	CHECK(parse("", NULL) == -1);
	CHECK(err_has("no host"));

	CHECK(parse("ssh://host", NULL) == 0);
	CHECK_STR(o.destination, "ssh://host");
	CHECK_STR(o.host, "host");
	CHECK(parse("ssh://bob@host.example:2222", NULL) == 0);
	CHECK_STR(o.destination, "ssh://bob@host.example:2222");
	CHECK_STR(o.host, "host.example");
	CHECK(parse("ssh://host/", NULL) == 0);
	CHECK_STR(o.host, "host");
	CHECK(parse("ssh://[2001:db8::1]:22", NULL) == 0);
	CHECK_STR(o.host, "2001:db8::1");
	CHECK(parse("ssh://bob@[::1]", NULL) == 0);
	CHECK_STR(o.host, "::1");

	CHECK(parse("ssh://", NULL) == -1);
	CHECK(err_has("no host"));
	CHECK(parse("ssh://bob@", NULL) == -1);
	CHECK(parse("ssh://bob@:22", NULL) == -1);
	CHECK(parse("ssh://[]:22", NULL) == -1);
	CHECK(parse("ssh://[::1", NULL) == -1);
	CHECK(parse("ssh://host:", NULL) == -1);
	CHECK(err_has("port"));
	CHECK(parse("ssh://host:ab", NULL) == -1);
	CHECK(parse("ssh://[::1]x", NULL) == -1);
	CHECK(parse("ssh://host/path", NULL) == -1);
	CHECK(err_has("path"));
}

static void
test_usage(void)
{
	FILE	*f;
	char	 buf[8192];
	size_t	 n;

	if ((f = tmpfile()) == NULL) {
		CHECK(f != NULL);
		return;
	}
	usage(f);
	rewind(f);
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	CHECK(strstr(buf, "destination") != NULL);
	CHECK(strstr(buf, "--session") != NULL);
	CHECK(strstr(buf, "--mux") != NULL);
	CHECK(strstr(buf, "--config") != NULL);
	CHECK(strstr(buf, "--escape") != NULL);
	CHECK(strstr(buf, "--scrollback") != NULL);
	CHECK(strstr(buf, "--alive-interval") != NULL);
	CHECK(strstr(buf, "--alive-count-max") != NULL);
	CHECK(strstr(buf, "--connect-timeout") != NULL);
	CHECK(strstr(buf, "--ssh-option") != NULL);
	CHECK(strstr(buf, "--help") != NULL);
	CHECK(strstr(buf, "--list") != NULL);
	CHECK(strstr(buf, "--kill") != NULL);
	CHECK(strstr(buf, "--log") != NULL);
	CHECK(strstr(buf, "--debug") != NULL);
	CHECK(strstr(buf, "-G ") != NULL);
	CHECK(strstr(buf, "--version") != NULL);
	CHECK(strstr(buf, "passed to ssh") != NULL);
}

/* -G, --list and --kill: each replaces the session, one at a time. */
static void
test_actions(void)
{
	CHECK(parse("host", NULL) == 0);
	CHECK(o.action == ACTION_SESSION);

	CHECK(parse("-G", "host", NULL) == 0);
	CHECK(o.action == ACTION_SHOW_CONFIG);
	CHECK(o.nssh_args == 0);
	CHECK(parse("-vGp", "22", "host", NULL) == 0);
	CHECK(o.action == ACTION_SHOW_CONFIG);
	CHECK_STR(joined(), "-v|-p|22");
	CHECK(parse("-G", NULL) == -1);
	CHECK_STR(err, "no destination given");

	CHECK(parse("--list", "-p", "2222", "host", NULL) == 0);
	CHECK(o.action == ACTION_LIST);
	CHECK_STR(joined(), "-p|2222");
	CHECK(parse("host", "--list", NULL) == 0);
	CHECK(o.action == ACTION_LIST);
	CHECK(parse("--list", "host", "ls", NULL) == -1);
	CHECK(err_has("runs no remote command"));

	CHECK(parse("--kill", "host", "work-1", NULL) == 0);
	CHECK(o.action == ACTION_KILL);
	CHECK_STR(o.destination, "host");
	CHECK_STR(o.kill_session, "work-1");
	CHECK(parse("-A", "--kill", "bob@host", "-p", "22", "s", NULL) == 0);
	CHECK_STR(o.host, "host");
	CHECK_STR(o.kill_session, "s");
	CHECK_STR(joined(), "-A|-p|22");
	CHECK(parse("--kill", "host", NULL) == -1);
	CHECK(err_has("--kill needs a host and a session"));
	CHECK(parse("--kill", "host", "a;b", NULL) == -1);
	CHECK(err_has("invalid session name \"a;b\""));
	CHECK(parse("--kill", "host", "s", "t", NULL) == -1);
	CHECK(err_has("runs no remote command"));
	CHECK(o.kill_session == NULL);

	CHECK(parse("-G", "--list", "host", NULL) == -1);
	CHECK(err_has("cannot be combined"));
	CHECK(parse("--list", "--kill", "host", "s", NULL) == -1);
	CHECK(err_has("cannot be combined"));
	CHECK(parse("--list", "--list", "host", NULL) == 0);
}

static void
test_diagnostics(void)
{
	CHECK(parse("host", NULL) == 0);
	CHECK(o.log_file == NULL && o.debug == 0);
	CHECK(parse("--log", "/tmp/l", "--debug", "host", NULL) == 0);
	CHECK_STR(o.log_file, "/tmp/l");
	CHECK(o.debug == 1);
	CHECK(parse("--log=a", "--log", "b", "host", NULL) == 0);
	CHECK_STR(o.log_file, "b");
	CHECK(parse("host", "--log", NULL) == -1);
	CHECK_STR(err, "option --log needs a value");
	CHECK(parse("--debug=yes", "host", NULL) == -1);

	/* ssh's -v is ssh's, untouched, however often it is given. */
	CHECK(parse("-v", "-vv", "host", "-vvv", NULL) == 0);
	CHECK_STR(joined(), "-v|-v|-v|-v|-v|-v");
	CHECK(o.debug == 0);
}

int
main(void)
{
	memset(&o, 0, sizeof o);
	settings_init(&o.cli);

	test_plain();
	test_bundles();
	test_special();
	test_refused();
	test_errors();
	test_end_of_options();
	test_long();
	test_long_errors();
	test_destinations();
	test_usage();
	test_actions();
	test_diagnostics();

	options_free(&o);
	return (unit_done());
}
