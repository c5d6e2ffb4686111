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

#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef __linux__
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#endif

#include "limpet.h"

/*
 * Noticing that the network changed under us: a new Wi-Fi, a VPN, a cable.
 * On Linux the kernel announces address, route and link changes on a
 * rtnetlink socket that any user may open. Announcements come in bursts
 * and IPv6 re-announces addresses that did not change, so the caller
 * waits for the burst to settle and then compares the set of addresses
 * with the one it saw before: only a real difference counts.
 */

int
netwatch_open(void)
{
#ifdef __linux__
	struct sockaddr_nl	sa;
	int			fd;

	fd = socket(AF_NETLINK, SOCK_RAW|SOCK_NONBLOCK|SOCK_CLOEXEC,
	    NETLINK_ROUTE);
	if (fd == -1)
		return (-1);
	memset(&sa, 0, sizeof sa);
	sa.nl_family = AF_NETLINK;
	sa.nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR |
	    RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE;
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) == -1) {
		close(fd);
		return (-1);
	}
	return (fd);
#else
	return (-1);
#endif
}

/* Read and discard what is queued; returns 1 if anything was there. */
int
netwatch_drain(int fd)
{
	char	buf[8192];
	int	any = 0;

	while (recv(fd, buf, sizeof buf, 0) > 0)
		any = 1;
	/* ENOBUFS: the kernel dropped some; something changed all the same. */
	if (errno == ENOBUFS)
		any = 1;
	return (any);
}

static int
netwatch_compare(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/*
 * A fingerprint of the machine's addresses (interface, family, address,
 * for interfaces that are up, loopback left out), as one string that is
 * the same whenever the set is. The caller frees it.
 */
char *
netwatch_fingerprint(void)
{
	struct ifaddrs	*ifa, *i;
	char		 host[NI_MAXHOST], **items = NULL, *out;
	size_t		 n = 0, len = 1, k;
	socklen_t	 salen;

	if (getifaddrs(&ifa) == -1)
		return (xstrdup(""));
	for (i = ifa; i != NULL; i = i->ifa_next) {
		if (i->ifa_addr == NULL || !(i->ifa_flags & IFF_UP) ||
		    (i->ifa_flags & IFF_LOOPBACK))
			continue;
		if (i->ifa_addr->sa_family == AF_INET)
			salen = sizeof (struct sockaddr_in);
		else if (i->ifa_addr->sa_family == AF_INET6)
			salen = sizeof (struct sockaddr_in6);
		else
			continue;
		if (getnameinfo(i->ifa_addr, salen, host, sizeof host, NULL, 0,
		    NI_NUMERICHOST) != 0)
			continue;
		items = xreallocarray(items, n + 1, sizeof *items);
		xasprintf(&items[n], "%s %s", i->ifa_name, host);
		len += strlen(items[n]) + 1;
		n++;
	}
	freeifaddrs(ifa);
	qsort(items, n, sizeof *items, netwatch_compare);
	out = xmalloc(len);
	out[0] = '\0';
	for (k = 0; k < n; k++) {
		strcat(out, items[k]);
		strcat(out, "\n");
		free(items[k]);
	}
	free(items);
	return (out);
}
