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

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "limpet.h"

/*
 * Noticing that the network is back. During an outage an ssh attempt sits
 * in the kernel's SYN backoff (1, 3, 7 s ...) and learns late that the
 * server can be reached again. A non-blocking TCP connect to the address
 * and port ssh itself would use, every few hundred milliseconds, learns it
 * within one round trip and costs no process. Where ssh goes through a
 * ProxyJump or ProxyCommand there is no such address, and limpet relies on
 * ssh attempts alone.
 */

/*
 * Parse the output of ssh -G into t. Returns 0 when a hostname and port
 * were found and no proxy is in the way, else -1.
 */
int
probe_parse_config(const char *text, char *host, size_t hostlen, char *port,
    size_t portlen)
{
	const char	*line, *end, *value;
	size_t		 n, klen;
	int		 have_host = 0, have_port = 0, proxied = 0;

	for (line = text; *line != '\0'; line = (*end == '\0') ? end : end + 1) {
		end = strchr(line, '\n');
		if (end == NULL)
			end = line + strlen(line);
		value = memchr(line, ' ', (size_t)(end - line));
		if (value == NULL)
			continue;
		klen = (size_t)(value - line);
		value++;
		n = (size_t)(end - value);
		if (klen == 8 && strncmp(line, "hostname", 8) == 0 &&
		    n > 0 && n < hostlen) {
			memcpy(host, value, n);
			host[n] = '\0';
			have_host = 1;
		} else if (klen == 4 && strncmp(line, "port", 4) == 0 &&
		    n > 0 && n < portlen) {
			memcpy(port, value, n);
			port[n] = '\0';
			have_port = 1;
		} else if ((klen == 9 && strncmp(line, "proxyjump", 9) == 0) ||
		    (klen == 12 && strncmp(line, "proxycommand", 12) == 0)) {
			if (!(n == 4 && strncmp(value, "none", 4) == 0))
				proxied = 1;
		}
	}
	return ((have_host && have_port && !proxied) ? 0 : -1);
}

/*
 * Run "ssh -G" with the session's own arguments: where would ssh connect?
 * Returns 0 with host and port when it connects directly, -1 when it goes
 * through a proxy or cannot be asked. Reads no network.
 */
int
probe_config(char *const *ssh_argv, char *host, size_t hostlen, char *port,
    size_t portlen)
{
	char	**argv, text[65536];
	size_t	  argc, i;
	int	  status;

	for (argc = 0; ssh_argv[argc] != NULL; argc++)
		;
	argv = xcalloc(argc + 2, sizeof *argv);
	argv[0] = ssh_argv[0];
	argv[1] = (char *)"-G";
	for (i = 1; i < argc; i++)
		argv[i + 1] = ssh_argv[i];
	status = spawn_capture(argv, text, sizeof text);
	free(argv);
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return (-1);
	return (probe_parse_config(text, host, hostlen, port, portlen));
}

/* Is host this machine itself, so a TCP hop there ends before the server? */
int
probe_is_loopback(const char *host)
{
	struct in_addr	 a4;
	struct in6_addr	 a6;

	if (strcasecmp(host, "localhost") == 0 ||
	    strncasecmp(host, "localhost.", 10) == 0)
		return (1);
	if (inet_pton(AF_INET, host, &a4) == 1)
		return ((ntohl(a4.s_addr) >> 24) == 127);
	if (inet_pton(AF_INET6, host, &a6) == 1)
		return (IN6_IS_ADDR_LOOPBACK(&a6) || (IN6_IS_ADDR_V4MAPPED(&a6)
		    && a6.s6_addr[12] == 127));
	return (0);
}

/* Resolve host and port into t. Blocking: name lookups may take a while. */
int
probe_lookup(const char *host, const char *port, struct probe_target *t)
{
	struct addrinfo	 hints, *res, *ai;

	memset(t, 0, sizeof *t);
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	if (getaddrinfo(host, port, &hints, &res) != 0)
		return (-1);
	for (ai = res; ai != NULL && t->naddrs < PROBE_ADDRS_MAX;
	    ai = ai->ai_next) {
		if (ai->ai_addrlen > sizeof t->addrs[0])
			continue;
		memcpy(&t->addrs[t->naddrs], ai->ai_addr, ai->ai_addrlen);
		t->lens[t->naddrs] = (socklen_t)ai->ai_addrlen;
		t->naddrs++;
	}
	freeaddrinfo(res);
	snprintf(t->label, sizeof t->label, "%s port %s", host, port);
	return (t->naddrs > 0 ? 0 : -1);
}

/* Start a connect to address number i; returns the socket, or -1. */
int
probe_start(const struct probe_target *t, int i)
{
	const struct sockaddr	*sa = (const struct sockaddr *)&t->addrs[i];
	int			 fd;

	fd = socket(sa->sa_family, SOCK_STREAM|SOCK_NONBLOCK|SOCK_CLOEXEC, 0);
	if (fd == -1)
		return (-1);
	if (connect(fd, sa, t->lens[i]) == -1 && errno != EINPROGRESS) {
		close(fd);
		return (-1);
	}
	return (fd);
}

/* A probe became writable: 0 if it connected, else the error. */
int
probe_result(int fd)
{
	int		err = 0;
	socklen_t	len = sizeof err;

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		return (errno);
	return (err);
}
