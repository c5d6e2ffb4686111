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

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "limpet.h"

/*
 * Watching ssh's own TCP connection from outside. ssh says nothing while
 * its link is silent, and its ServerAlive timeout is both slow to fire and
 * fatal: it ends a connection that a short blip would not have broken.
 * The kernel knows better. Its sock_diag interface (what ss(8) uses, open
 * to any user) tells, for the socket ssh holds, whether it is still
 * connecting, how much it sent that the server has not acknowledged, and
 * how long ago the last acknowledgement came. Data in flight with no
 * acknowledgement for a few round trips is a stall, seen without waiting
 * for ssh to give up and without touching the connection.
 *
 * The socket is found through /proc: the inodes of the sockets ssh (or,
 * with ProxyJump and ProxyCommand, its children) holds, matched against a
 * dump of the TCP sockets of the network namespace. Once found, later
 * questions go to that socket alone.
 */

#ifdef __linux__

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/time.h>

#define TCPWATCH_MAX_INODES	64
#define TCPWATCH_BUF		16384

/* The kernel's socket id is kept as opaque bytes in struct tcpwatch. */
typedef char tcpwatch_id_fits[sizeof (struct inet_diag_sockid) <=
    sizeof ((struct tcpwatch *)0)->id ? 1 : -1];

struct tcpwatch_inodes {
	unsigned long	ino[TCPWATCH_MAX_INODES];
	size_t		n;
};

static void	tcpwatch_add_fds(struct tcpwatch_inodes *, long);
static void	tcpwatch_inodes(struct tcpwatch_inodes *, long);
static int	tcpwatch_has(const struct tcpwatch_inodes *, unsigned long);
static int	tcpwatch_query(int, int, const void *,
		    const struct tcpwatch_inodes *, struct tcp_health *,
		    unsigned char *);
static int	tcpwatch_find(int, long, struct tcp_health *, int *,
		    unsigned char *);

int
tcpwatch_open(struct tcpwatch *tw)
{
	struct timeval	tv = { 0, 200000 };

	memset(tw, 0, sizeof *tw);
	tw->fd = socket(AF_NETLINK, SOCK_DGRAM|SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (tw->fd == -1)
		return (-1);
	/* The kernel answers at once; never wait long on it. */
	setsockopt(tw->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	return (0);
}

void
tcpwatch_close(struct tcpwatch *tw)
{
	if (tw->fd != -1)
		close(tw->fd);
	tw->fd = -1;
	tw->found = 0;
}

/* A new ssh: forget the socket of the last one. */
void
tcpwatch_forget(struct tcpwatch *tw)
{
	tw->found = 0;
}

static void
tcpwatch_add_fds(struct tcpwatch_inodes *in, long pid)
{
	char		 path[320], link[64];
	DIR		*d;
	struct dirent	*de;
	ssize_t		 n;
	unsigned long	 ino;

	snprintf(path, sizeof path, "/proc/%ld/fd", pid);
	if ((d = opendir(path)) == NULL)
		return;
	while ((de = readdir(d)) != NULL && in->n < TCPWATCH_MAX_INODES) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "/proc/%ld/fd/%s", pid, de->d_name);
		n = readlink(path, link, sizeof link - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		if (sscanf(link, "socket:[%lu]", &ino) == 1)
			in->ino[in->n++] = ino;
	}
	closedir(d);
}

/* The socket inodes of pid and of its children (a ProxyCommand's). */
static void
tcpwatch_inodes(struct tcpwatch_inodes *in, long pid)
{
	char	 path[64];
	FILE	*f;
	long	 child;

	in->n = 0;
	tcpwatch_add_fds(in, pid);
	snprintf(path, sizeof path, "/proc/%ld/task/%ld/children", pid, pid);
	if ((f = fopen(path, "r")) == NULL)
		return;
	while (fscanf(f, "%ld", &child) == 1)
		tcpwatch_add_fds(in, child);
	fclose(f);
}

static int
tcpwatch_has(const struct tcpwatch_inodes *in, unsigned long ino)
{
	size_t	i;

	for (i = 0; i < in->n; i++) {
		if (in->ino[i] == ino)
			return (1);
	}
	return (0);
}

/*
 * Ask the kernel about TCP sockets of one family: all of them (id NULL),
 * keeping the first whose inode is in want, or the one socket id names.
 * Returns 1 and fills h (and the socket's id into id_out, if not NULL)
 * when found, 0 when not, -1 on error.
 */
static int
tcpwatch_query(int fd, int family, const void *id,
    const struct tcpwatch_inodes *want, struct tcp_health *h,
    unsigned char *id_out)
{
	struct {
		struct nlmsghdr		nlh;
		struct inet_diag_req_v2	req;
	} msg;
	union {
		struct nlmsghdr		nlh;	/* for alignment */
		char			buf[TCPWATCH_BUF];
	} u;
	struct sockaddr_nl	 sa;
	struct nlmsghdr		*nlh;
	struct inet_diag_msg	*dm;
	struct rtattr		*rta;
	struct tcp_info		 ti;
	ssize_t			 n;
	size_t			 copy;
	int			 len, found = 0, done = 0;

	memset(&msg, 0, sizeof msg);
	msg.nlh.nlmsg_len = sizeof msg;
	msg.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	msg.nlh.nlmsg_flags = NLM_F_REQUEST | (id == NULL ? NLM_F_DUMP : 0);
	msg.req.sdiag_family = family;
	msg.req.sdiag_protocol = IPPROTO_TCP;
	msg.req.idiag_states = ~0U;
	msg.req.idiag_ext = 1 << (INET_DIAG_INFO - 1);
	if (id != NULL)
		memcpy(&msg.req.id, id, sizeof msg.req.id);
	memset(&sa, 0, sizeof sa);
	sa.nl_family = AF_NETLINK;
	if (sendto(fd, &msg, sizeof msg, 0, (struct sockaddr *)&sa,
	    sizeof sa) == -1)
		return (-1);

	while (!done) {
		n = recv(fd, u.buf, sizeof u.buf, 0);
		if (n <= 0)
			return (found ? 1 : -1);
		for (nlh = &u.nlh; NLMSG_OK(nlh, (size_t)n);
		    nlh = NLMSG_NEXT(nlh, n)) {
			/* NLMSG_ERROR is ENOENT: the socket is gone. */
			if (nlh->nlmsg_type == NLMSG_DONE ||
			    nlh->nlmsg_type == NLMSG_ERROR) {
				done = 1;
				break;
			}
			dm = NLMSG_DATA(nlh);
			if (found || (want != NULL &&
			    !tcpwatch_has(want, dm->idiag_inode)))
				continue;
			found = 1;
			memset(h, 0, sizeof *h);
			h->state = dm->idiag_state;
			if (id_out != NULL)
				memcpy(id_out, &dm->id, sizeof dm->id);
			rta = (struct rtattr *)(dm + 1);
			len = (int)(nlh->nlmsg_len - NLMSG_LENGTH(sizeof *dm));
			for (; RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
				if (rta->rta_type != INET_DIAG_INFO)
					continue;
				copy = RTA_PAYLOAD(rta);
				if (copy > sizeof ti)
					copy = sizeof ti;
				memset(&ti, 0, sizeof ti);
				memcpy(&ti, RTA_DATA(rta), copy);
				h->have_info = 1;
				h->unacked = ti.tcpi_unacked;
				h->last_ack_recv_ms = ti.tcpi_last_ack_recv;
				h->rtt_ms = ti.tcpi_rtt / 1000;
				h->retransmits = ti.tcpi_retransmits;
			}
		}
		/* One answer is all a lookup of a single socket gets. */
		if (id != NULL)
			done = 1;
	}
	return (found);
}

/*
 * Find the TCP socket process pid (or a child of it) holds, through its
 * inodes. Returns as tcpwatch_query does, 0 also when pid holds no socket.
 */
static int
tcpwatch_find(int fd, long pid, struct tcp_health *h, int *family,
    unsigned char *id_out)
{
	static const int	 families[] = { AF_INET, AF_INET6 };
	struct tcpwatch_inodes	 in;
	size_t			 i;
	int			 r = 0;

	tcpwatch_inodes(&in, pid);
	for (i = 0; in.n > 0 && r == 0 && i < 2; i++) {
		r = tcpwatch_query(fd, families[i], NULL, &in, h, id_out);
		if (r == 1 && family != NULL)
			*family = families[i];
	}
	return (r);
}

/*
 * What the TCP socket of ssh process pid looks like. Returns 1 with h
 * filled, 0 when ssh holds no TCP socket (yet), -1 when it cannot be told.
 * Once found, the socket is asked about by its id alone.
 */
int
tcpwatch_health(struct tcpwatch *tw, long pid, struct tcp_health *h)
{
	int	r;

	if (tw->fd == -1)
		return (-1);
	if (tw->found &&
	    tcpwatch_query(tw->fd, tw->family, tw->id, NULL, h, NULL) == 1)
		return (1);
	r = tcpwatch_find(tw->fd, pid, h, &tw->family, tw->id);
	tw->found = (r == 1);
	return (r);
}

/*
 * The TCP state of another process's socket (an attempt under way), as
 * the kernel numbers it; 0 when it has none yet, -1 when it cannot be
 * told. What tw remembers is left alone.
 */
int
tcpwatch_state(const struct tcpwatch *tw, long pid)
{
	struct tcp_health	h;
	int			r;

	if ((r = tcpwatch_look(tw, pid, &h)) != 1)
		return (r);
	return (h.state);
}

/*
 * The whole health of another process's socket; returns as
 * tcpwatch_health does. What tw remembers is left alone.
 */
int
tcpwatch_look(const struct tcpwatch *tw, long pid, struct tcp_health *h)
{
	if (tw->fd == -1)
		return (-1);
	return (tcpwatch_find(tw->fd, pid, h, NULL, NULL));
}

#else /* !__linux__ */

int
tcpwatch_open(struct tcpwatch *tw)
{
	memset(tw, 0, sizeof *tw);
	tw->fd = -1;
	return (-1);
}

void
tcpwatch_close(struct tcpwatch *tw)
{
	tw->fd = -1;
}

void
tcpwatch_forget(struct tcpwatch *tw)
{
	tw->found = 0;
}

int
tcpwatch_health(struct tcpwatch *tw, long pid, struct tcp_health *h)
{
	return (-1);
}

int
tcpwatch_state(const struct tcpwatch *tw, long pid)
{
	return (-1);
}

int
tcpwatch_look(const struct tcpwatch *tw, long pid, struct tcp_health *h)
{
	return (-1);
}

#endif /* __linux__ */

/*
 * Is this a stall? Something ssh sent is still unacknowledged after the
 * retransmission timer fired twice for it (so it has been in flight for
 * several round trips, at least 0.6 s), and nothing at all was
 * acknowledged for longer than the timeout, stretched on slow links to
 * four round trips so a satellite hop is not taken for a dead one. The
 * time since the last acknowledgement alone proves nothing: a client that
 * only receives gets no acknowledgements at all.
 */
static long
tcpwatch_limit(const struct tcp_health *h, long timeout_ms)
{
	long	limit = timeout_ms;

	if ((long)h->rtt_ms * 4 > limit)
		limit = (long)h->rtt_ms * 4;
	return (limit);
}

int
tcpwatch_stalled(const struct tcp_health *h, long timeout_ms)
{
	if (!h->have_info || h->state != TCPWATCH_ESTABLISHED ||
	    h->unacked == 0 || h->retransmits < 2 || timeout_ms <= 0)
		return (0);
	return ((long)h->last_ack_recv_ms >= tcpwatch_limit(h, timeout_ms));
}

/*
 * How long, from now, before a stall could be told at the earliest, so
 * that nobody need look sooner. With nothing in flight, not before the
 * last acknowledgement is the timeout old: whatever ssh sends next must
 * wait for it too. With something in flight (or nothing known), 0: look
 * again at the usual pace.
 */
long
tcpwatch_quiet_ms(const struct tcp_health *h, long timeout_ms)
{
	long	left;

	if (!h->have_info || h->state != TCPWATCH_ESTABLISHED ||
	    h->unacked != 0 || timeout_ms <= 0)
		return (0);
	left = tcpwatch_limit(h, timeout_ms) - (long)h->last_ack_recv_ms;
	return (left > 0 ? left : 0);
}
