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

#include <stdlib.h>
#include <strings.h>

#include "limpet.h"
#include "tests/unit/unit.h"

/*
 * The ssh command line (pty/spawn.c): limpet's forced options, and above
 * all that nothing of limpet's ever loosens ssh's host key checking. Only
 * the user may touch those options, and what the user gives is passed on
 * unchanged and in order.
 */

/* Keywords that decide whether a server's key is trusted. */
static const char *hostkey_keywords[] = {
	"StrictHostKeyChecking", "UserKnownHostsFile", "GlobalKnownHostsFile",
	"CheckHostIP", "UpdateHostKeys", "VerifyHostKeyDNS",
	"KnownHostsCommand", "HostKeyAlias", "HostKeyAlgorithms",
	"NoHostAuthenticationForLocalhost", "HashKnownHosts", "RevokedHostKeys"
};

/* How many arguments touch a host key keyword, as -o K=v or -oK=v. */
static int
hostkey_args(char **argv)
{
	const char	*a;
	size_t		 i, k, n;
	int		 found = 0;

	for (i = 0; argv[i] != NULL; i++) {
		a = argv[i];
		if (strncmp(a, "-o", 2) == 0 && a[2] != '\0')
			a += 2;
		for (k = 0; k < sizeof hostkey_keywords /
		    sizeof hostkey_keywords[0]; k++) {
			n = strlen(hostkey_keywords[k]);
			if (strncasecmp(a, hostkey_keywords[k], n) == 0 &&
			    (a[n] == '=' || a[n] == ' ' || a[n] == '\0'))
				found++;
		}
	}
	return (found);
}

static int
has_pair(char **argv, const char *opt, const char *value)
{
	size_t	i;

	for (i = 0; argv[i] != NULL && argv[i + 1] != NULL; i++) {
		if (strcmp(argv[i], opt) == 0 && strcmp(argv[i + 1], value) == 0)
			return (1);
	}
	return (0);
}

static int
index_of(char **argv, const char *s)
{
	int	i;

	for (i = 0; argv[i] != NULL; i++) {
		if (strcmp(argv[i], s) == 0)
			return (i);
	}
	return (-1);
}

int
main(void)
{
	struct options	 o;
	char		*args[] = { "limpet", "-p", "2222", "host", NULL };
	char		*user[] = { "limpet", "-o", "StrictHostKeyChecking=yes",
			    "--ssh-option", "UserKnownHostsFile=/k", "host",
			    NULL };
	char		 err[256], **argv;
	int		 batch;

	unsetenv("LIMPET_SSH");
	CHECK(options_parse(4, args, &o, err, sizeof err) == 0);
	settings_defaults(&o.cli);
	for (batch = 0; batch <= 1; batch++) {
		argv = ssh_build_argv(&o, &o.cli, "cmd", batch);
		CHECK_STR(argv[0], "ssh");
		CHECK(hostkey_args(argv) == 0);
		CHECK(has_pair(argv, "-o", "EscapeChar=none"));
		CHECK(has_pair(argv, "-o", "ControlMaster=no"));
		CHECK(has_pair(argv, "-o", "BatchMode=yes") == batch);
		CHECK(has_pair(argv, "-p", "2222"));
		/* The destination and command come last, after "--". */
		CHECK(index_of(argv, "--") == index_of(argv, "host") - 1);
		CHECK(index_of(argv, "cmd") == index_of(argv, "host") + 1);
		CHECK(argv[index_of(argv, "cmd") + 1] == NULL);
		ssh_free_argv(argv);
	}
	options_free(&o);

	/* The user's own host key options reach ssh exactly as given. */
	CHECK(options_parse(6, user, &o, err, sizeof err) == 0);
	settings_defaults(&o.cli);
	argv = ssh_build_argv(&o, &o.cli, NULL, 1);
	CHECK(hostkey_args(argv) == 2);
	CHECK(has_pair(argv, "-o", "StrictHostKeyChecking=yes"));
	CHECK(has_pair(argv, "-o", "UserKnownHostsFile=/k"));
	CHECK_STR(argv[index_of(argv, "--") + 1], "host");
	CHECK(argv[index_of(argv, "--") + 2] == NULL);
	ssh_free_argv(argv);
	options_free(&o);

	/* A prefixed argv[0] from LIMPET_SSH, for tests, changes nothing else. */
	setenv("LIMPET_SSH", "/x/ssh", 1);
	CHECK(options_parse(4, args, &o, err, sizeof err) == 0);
	settings_defaults(&o.cli);
	argv = ssh_build_argv(&o, &o.cli, "cmd", 0);
	CHECK_STR(argv[0], "/x/ssh");
	CHECK(hostkey_args(argv) == 0);
	ssh_free_argv(argv);
	options_free(&o);

	return (unit_done());
}
