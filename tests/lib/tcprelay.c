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

/*
 * A TCP relay for the integration tests that can break the link on demand,
 * the way real networks break it, without root or network namespaces:
 *
 *	tcprelay LISTEN_PORT TARGET_HOST TARGET_PORT CONTROL_SOCKET
 *	tcprelay ctl CONTROL_SOCKET COMMAND
 *
 * Commands on the control socket:
 *	pass	forward bytes normally
 *	hold	move no bytes on any connection, old or new, but keep every
 *		socket open (packets dropped); pass lets it all flow again
 *	orphan	hold the current connections forever, let new ones flow (the
 *		client's address changed under it)
 *	reset	close every current connection with a RST
 *	refuse	reset new connections right after accepting them, until pass
 *	count	reply with the number of live connections
 *	lag MS	bytes take MS milliseconds more each way (0: none), on
 *		connections made from then on; what is on its way when the
 *		link is held or orphaned still arrives, as it would past
 *		the point where a real link broke
 *	quit	exit
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Small enough to fill quickly under a hold, big enough for a tmux redraw. */
#define RELAY_BUFSIZE	65536

/* How often to look for a vanished parent when nothing else happens. */
#define RELAY_TICK_MS	500

enum relay_mode {
	MODE_PASS,
	MODE_HOLD,
	MODE_REFUSE
};

/* Bytes read from one side, waiting to be written to the other. */
struct relay_buf {
	char		data[RELAY_BUFSIZE];
	size_t		off;
	size_t		len;
};

/* Bytes on their way under a lag, oldest first. */
struct relay_chunk {
	struct relay_chunk *next;
	long long	due_ms;
	size_t		off;
	size_t		len;
	char		data[];
};

struct relay_line {
	struct relay_chunk *head;
	struct relay_chunk **tail;
	size_t		bytes;
};

struct relay_conn {
	int		 cfd;		/* accepted from the client */
	int		 sfd;		/* towards the target */
	int		 connecting;	/* sfd's connect still in progress */
	int		 orphaned;	/* held forever */
	int		 c_eof;		/* client sent FIN */
	int		 s_eof;		/* target sent FIN */
	int		 c_shut;	/* FIN passed on to the client */
	int		 s_shut;	/* FIN passed on to the target */
	struct relay_buf c2s;
	struct relay_buf s2c;
	long		 lag_ms;	/* each way, 0 for none */
	struct relay_line c2s_line;	/* on their way to c2s, s2c */
	struct relay_line s2c_line;
	struct relay_conn *next;
};

static volatile sig_atomic_t	 relay_quit;
static enum relay_mode		 relay_mode = MODE_PASS;
static long			 relay_lag_ms;
static struct relay_conn	*relay_conns;
static struct sockaddr_storage	 relay_target;
static socklen_t		 relay_targetlen;

static void	 relay_usage(void) __attribute__((noreturn));
static void	 relay_die(const char *, ...)
		     __attribute__((noreturn, format(printf, 1, 2)));
static void	 relay_on_signal(int);
static void	 relay_nonblock(int);
static int	 relay_listen_tcp(int);
static void	 relay_unix_addr(struct sockaddr_un *, const char *);
static int	 relay_listen_unix(const char *);
static void	 relay_resolve(const char *, const char *);
static void	 relay_abort_fd(int);
static void	 relay_accept(int);
static void	 relay_free(struct relay_conn *, int);
static int	 relay_moving(const struct relay_conn *);
static int	 relay_io(struct relay_conn *, short, short);
static int	 relay_fill(int, struct relay_buf *, int *);
static int	 relay_drain(int, struct relay_buf *);
static long long relay_now_ms(void);
static int	 relay_fill_line(int, struct relay_line *, long, int *);
static int	 relay_take(struct relay_conn *, int, struct relay_line *,
		     struct relay_buf *, int *);
static int	 relay_room(const struct relay_conn *,
		     const struct relay_line *, const struct relay_buf *);
static void	 relay_line_free(struct relay_line *);
static long long relay_line_due(const struct relay_line *, long long,
		     long long);
static int	 relay_land(struct relay_line *, struct relay_buf *, int);
static int	 relay_flight(struct relay_conn *);
static int	 relay_next_due(int);
static void	 relay_control(int);
static size_t	 relay_count(void);
static int	 relay_ctl(const char *, const char *);
static void	 relay_loop(int, int);
static void	 relay_ready(struct pollfd *, struct relay_conn **, size_t,
		     int, int);

static void
relay_usage(void)
{
	fprintf(stderr, "usage: tcprelay listen-port target-host target-port "
	    "control-socket\n       tcprelay ctl control-socket command\n");
	exit(2);
}

static void
relay_die(const char *fmt, ...)
{
	va_list	ap;
	int	saved = errno;

	fprintf(stderr, "tcprelay: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(saved));
	exit(1);
}

/* The loop notices the flag when poll returns with EINTR. */
static void
relay_on_signal(int sig)
{
	relay_quit = 1;
}

static void
relay_nonblock(int fd)
{
	int	flags;

	if ((flags = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1)
		relay_die("fcntl");
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) == -1)
		relay_die("fcntl");
}

static int
relay_listen_tcp(int port)
{
	struct sockaddr_in	sin;
	socklen_t		len;
	int			fd, on = 1;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		relay_die("socket");
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) == -1)
		relay_die("SO_REUSEADDR");
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof sin) == -1)
		relay_die("bind 127.0.0.1:%d", port);
	if (listen(fd, 64) == -1)
		relay_die("listen");
	len = sizeof sin;
	if (getsockname(fd, (struct sockaddr *)&sin, &len) == -1)
		relay_die("getsockname");

	/* The caller reads the port from the first line, so flush it now. */
	printf("%d\n", ntohs(sin.sin_port));
	fflush(stdout);

	relay_nonblock(fd);
	return (fd);
}

static void
relay_unix_addr(struct sockaddr_un *sun, const char *path)
{
	memset(sun, 0, sizeof *sun);
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sun->sun_path) {
		errno = ENAMETOOLONG;
		relay_die("%s", path);
	}
	strncpy(sun->sun_path, path, sizeof sun->sun_path - 1);
}

static int
relay_listen_unix(const char *path)
{
	struct sockaddr_un	sun;
	int			fd;

	relay_unix_addr(&sun, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		relay_die("socket");
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sun, sizeof sun) == -1)
		relay_die("bind %s", path);
	if (listen(fd, 16) == -1)
		relay_die("listen");
	relay_nonblock(fd);
	return (fd);
}

static void
relay_resolve(const char *host, const char *port)
{
	struct addrinfo	 hints, *res;
	int		 error;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((error = getaddrinfo(host, port, &hints, &res)) != 0) {
		fprintf(stderr, "tcprelay: %s port %s: %s\n", host, port,
		    gai_strerror(error));
		exit(1);
	}
	memcpy(&relay_target, res->ai_addr, res->ai_addrlen);
	relay_targetlen = res->ai_addrlen;
	freeaddrinfo(res);
}

/* A zero linger time makes close() send a RST instead of a FIN. */
static void
relay_abort_fd(int fd)
{
	struct linger	lg;

	if (fd == -1)
		return;
	lg.l_onoff = 1;
	lg.l_linger = 0;
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	close(fd);
}

static void
relay_accept(int lfd)
{
	struct relay_conn	*c;
	int			 fd, sfd;

	if ((fd = accept(lfd, NULL, NULL)) == -1) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
		    errno != ECONNABORTED)
			fprintf(stderr, "tcprelay: accept: %s\n",
			    strerror(errno));
		return;
	}
	if (relay_mode == MODE_REFUSE) {
		relay_abort_fd(fd);
		return;
	}
	relay_nonblock(fd);

	if ((sfd = socket(relay_target.ss_family, SOCK_STREAM, 0)) == -1) {
		relay_abort_fd(fd);
		return;
	}
	relay_nonblock(sfd);
	if ((c = calloc(1, sizeof *c)) == NULL)
		relay_die("calloc");
	c->cfd = fd;
	c->sfd = sfd;
	c->lag_ms = relay_lag_ms;
	c->c2s_line.tail = &c->c2s_line.head;
	c->s2c_line.tail = &c->s2c_line.head;
	if (connect(sfd, (struct sockaddr *)&relay_target,
	    relay_targetlen) == -1) {
		if (errno != EINPROGRESS) {
			relay_abort_fd(fd);
			close(sfd);
			free(c);
			return;
		}
		c->connecting = 1;
	}
	c->next = relay_conns;
	relay_conns = c;
}

/* Unlink and close a connection; abort sends RSTs both ways. */
static void
relay_free(struct relay_conn *c, int abort)
{
	struct relay_conn	**pp;

	relay_line_free(&c->c2s_line);
	relay_line_free(&c->s2c_line);
	for (pp = &relay_conns; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	if (abort) {
		relay_abort_fd(c->cfd);
		relay_abort_fd(c->sfd);
	} else {
		close(c->cfd);
		close(c->sfd);
	}
	free(c);
}

static int
relay_moving(const struct relay_conn *c)
{
	return (!c->orphaned && relay_mode != MODE_HOLD);
}

/*
 * Read what fits from fd into b. Returns -1 on a hard error; sets *eof when
 * the peer finished sending.
 */
static int
relay_fill(int fd, struct relay_buf *b, int *eof)
{
	ssize_t	n;

	if (b->off != 0) {
		memmove(b->data, b->data + b->off, b->len);
		b->off = 0;
	}
	if (b->len == sizeof b->data)
		return (0);
	n = read(fd, b->data + b->len, sizeof b->data - b->len);
	if (n == -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return (0);
		return (-1);
	}
	if (n == 0)
		*eof = 1;
	b->len += n;
	return (0);
}

static int
relay_drain(int fd, struct relay_buf *b)
{
	ssize_t	n;

	if (b->len == 0)
		return (0);
	n = write(fd, b->data + b->off, b->len);
	if (n == -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return (0);
		return (-1);
	}
	b->off += n;
	b->len -= n;
	if (b->len == 0)
		b->off = 0;
	return (0);
}

static long long
relay_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/*
 * Read from fd onto a lagging line, straight into a chunk of its own;
 * returns as relay_fill does.
 */
static int
relay_fill_line(int fd, struct relay_line *l, long lag_ms, int *eof)
{
	struct relay_chunk	*k, *shrunk;
	size_t			 room = RELAY_BUFSIZE - l->bytes;
	ssize_t			 n;

	if (l->bytes >= RELAY_BUFSIZE)
		return (0);
	if ((k = malloc(sizeof *k + room)) == NULL)
		relay_die("malloc");
	n = read(fd, k->data, room);
	if (n <= 0) {
		free(k);
		if (n == 0)
			*eof = 1;
		else if (errno != EAGAIN && errno != EWOULDBLOCK &&
		    errno != EINTR)
			return (-1);
		return (0);
	}
	/* Shrunk to what came: a chunk may wait on the line for a while. */
	if ((size_t)n < room &&
	    (shrunk = realloc(k, sizeof *k + (size_t)n)) != NULL)
		k = shrunk;
	k->next = NULL;
	k->due_ms = relay_now_ms() + lag_ms;
	k->off = 0;
	k->len = (size_t)n;
	*l->tail = k;
	l->tail = &k->next;
	l->bytes += (size_t)n;
	return (0);
}

/* Read from fd: onto its line under a lag, else into its buffer. */
static int
relay_take(struct relay_conn *c, int fd, struct relay_line *l,
    struct relay_buf *b, int *eof)
{
	if (c->lag_ms > 0)
		return (relay_fill_line(fd, l, c->lag_ms, eof));
	return (relay_fill(fd, b, eof));
}

/* Whether one way has room for more: its line under a lag, else b. */
static int
relay_room(const struct relay_conn *c, const struct relay_line *l,
    const struct relay_buf *b)
{
	return ((c->lag_ms > 0 ? l->bytes : b->len) < RELAY_BUFSIZE);
}

static void
relay_line_free(struct relay_line *l)
{
	struct relay_chunk	*k;

	while ((k = l->head) != NULL) {
		l->head = k->next;
		free(k);
	}
	l->tail = &l->head;
	l->bytes = 0;
}

/* The sooner of ms and how long until the line's first chunk is due. */
static long long
relay_line_due(const struct relay_line *l, long long now, long long ms)
{
	if (l->head != NULL && l->head->due_ms - now < ms)
		return (l->head->due_ms - now);
	return (ms);
}

/* Move what is due from a line into b, and b on to fd. */
static int
relay_land(struct relay_line *l, struct relay_buf *b, int fd)
{
	struct relay_chunk	*k;
	long long		 now = relay_now_ms();
	size_t			 n;

	while ((k = l->head) != NULL && k->due_ms <= now &&
	    b->len < RELAY_BUFSIZE) {
		if (b->off != 0) {
			memmove(b->data, b->data + b->off, b->len);
			b->off = 0;
		}
		n = RELAY_BUFSIZE - b->len;
		if (n > k->len - k->off)
			n = k->len - k->off;
		memcpy(b->data + b->len, k->data + k->off, n);
		b->len += n;
		k->off += n;
		l->bytes -= n;
		if (k->off == k->len) {
			if ((l->head = k->next) == NULL)
				l->tail = &l->head;
			free(k);
		}
	}
	return (relay_drain(fd, b));
}

/*
 * Under a lag, whatever is due moves on both ways, held or not: it had
 * left before the link broke. Returns -1 on a hard error.
 */
static int
relay_flight(struct relay_conn *c)
{
	if (relay_land(&c->c2s_line, &c->c2s, c->sfd) == -1 ||
	    relay_land(&c->s2c_line, &c->s2c, c->cfd) == -1)
		return (-1);
	return (0);
}

/* Milliseconds until something on a line is due, or dflt. */
static int
relay_next_due(int dflt)
{
	struct relay_conn	*c;
	long long		 now = relay_now_ms(), ms = dflt;

	for (c = relay_conns; c != NULL; c = c->next) {
		ms = relay_line_due(&c->c2s_line, now, ms);
		ms = relay_line_due(&c->s2c_line, now, ms);
	}
	return (ms < 0 ? 0 : (int)ms);
}

/*
 * Move bytes for one connection given what poll reported on each side.
 * Returns 1 when the connection is finished and has been freed.
 */
static int
relay_io(struct relay_conn *c, short crev, short srev)
{
	int	error = 0;
	socklen_t len = sizeof error;

	if (c->connecting) {
		if (srev == 0)
			return (0);
		if (getsockopt(c->sfd, SOL_SOCKET, SO_ERROR, &error,
		    &len) == -1 || error != 0) {
			/* The target refused: tell the client the same way. */
			relay_free(c, 1);
			return (1);
		}
		c->connecting = 0;
		return (0);
	}

	if ((crev & (POLLIN | POLLHUP | POLLERR)) && !c->c_eof) {
		if (relay_take(c, c->cfd, &c->c2s_line, &c->c2s,
		    &c->c_eof) == -1)
			goto reset;
	}
	if ((srev & (POLLIN | POLLHUP | POLLERR)) && !c->s_eof) {
		if (relay_take(c, c->sfd, &c->s2c_line, &c->s2c,
		    &c->s_eof) == -1)
			goto reset;
	}
	if (relay_drain(c->sfd, &c->c2s) == -1 ||
	    relay_drain(c->cfd, &c->s2c) == -1)
		goto reset;

	/* Pass a FIN along once everything before it has been written. */
	if (c->c_eof && c->c2s.len == 0 && c->c2s_line.head == NULL &&
	    !c->s_shut) {
		shutdown(c->sfd, SHUT_WR);
		c->s_shut = 1;
	}
	if (c->s_eof && c->s2c.len == 0 && c->s2c_line.head == NULL &&
	    !c->c_shut) {
		shutdown(c->cfd, SHUT_WR);
		c->c_shut = 1;
	}
	if (c->s_shut && c->c_shut) {
		relay_free(c, 0);
		return (1);
	}
	return (0);

reset:
	/* One side broke: break the other side the same way. */
	relay_free(c, 1);
	return (1);
}

static size_t
relay_count(void)
{
	struct relay_conn	*c;
	size_t			 n = 0;

	for (c = relay_conns; c != NULL; c = c->next)
		n++;
	return (n);
}

/*
 * Control connections are tiny and local, so each is served to completion
 * with a short timeout rather than carried through the poll loop.
 */
static void
relay_control(int lfd)
{
	struct relay_conn	*c, *next;
	struct timeval		 tv = { 2, 0 };
	char			 cmd[64], reply[64];
	size_t			 have = 0;
	ssize_t			 n;
	int			 fd, flags;

	if ((fd = accept(lfd, NULL, NULL)) == -1)
		return;
	if ((flags = fcntl(fd, F_GETFL)) != -1)
		fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);

	while (have < sizeof cmd - 1) {
		n = read(fd, cmd + have, sizeof cmd - 1 - have);
		if (n <= 0)
			break;
		have += n;
		if (memchr(cmd, '\n', have) != NULL)
			break;
	}
	cmd[have] = '\0';
	cmd[strcspn(cmd, "\r\n")] = '\0';

	if (strcmp(cmd, "pass") == 0) {
		relay_mode = MODE_PASS;
		snprintf(reply, sizeof reply, "ok pass\n");
	} else if (strcmp(cmd, "hold") == 0) {
		relay_mode = MODE_HOLD;
		snprintf(reply, sizeof reply, "ok hold\n");
	} else if (strcmp(cmd, "orphan") == 0) {
		for (c = relay_conns; c != NULL; c = c->next)
			c->orphaned = 1;
		relay_mode = MODE_PASS;
		snprintf(reply, sizeof reply, "ok orphan\n");
	} else if (strcmp(cmd, "reset") == 0) {
		for (c = relay_conns; c != NULL; c = next) {
			next = c->next;
			relay_free(c, 1);
		}
		relay_mode = MODE_PASS;
		snprintf(reply, sizeof reply, "ok reset\n");
	} else if (strcmp(cmd, "refuse") == 0) {
		relay_mode = MODE_REFUSE;
		snprintf(reply, sizeof reply, "ok refuse\n");
	} else if (strncmp(cmd, "lag ", 4) == 0) {
		relay_lag_ms = strtol(cmd + 4, NULL, 10);
		if (relay_lag_ms < 0)
			relay_lag_ms = 0;
		snprintf(reply, sizeof reply, "ok lag %ld\n", relay_lag_ms);
	} else if (strcmp(cmd, "count") == 0)
		snprintf(reply, sizeof reply, "ok %zu\n", relay_count());
	else if (strcmp(cmd, "quit") == 0) {
		relay_quit = 1;
		snprintf(reply, sizeof reply, "ok quit\n");
	} else
		snprintf(reply, sizeof reply, "error unknown command\n");

	if (write(fd, reply, strlen(reply)) == -1)
		fprintf(stderr, "tcprelay: control reply: %s\n",
		    strerror(errno));
	close(fd);
}

static void
relay_loop(int tfd, int ufd)
{
	struct pollfd		*pfd = NULL;
	struct relay_conn	**owner = NULL, *c, *next;
	size_t			 cap = 0, n, i;
	pid_t			 parent = getppid();
	int			 nready;

	while (!relay_quit) {
		n = 2 + 2 * relay_count();
		if (n > cap) {
			cap = n * 2;
			pfd = realloc(pfd, cap * sizeof *pfd);
			owner = realloc(owner, cap * sizeof *owner);
			if (pfd == NULL || owner == NULL)
				relay_die("realloc");
		}
		pfd[0].fd = tfd;
		pfd[0].events = POLLIN;
		pfd[1].fd = ufd;
		pfd[1].events = POLLIN;
		i = 2;
		for (c = relay_conns; c != NULL; c = c->next) {
			owner[i] = owner[i + 1] = c;
			pfd[i].fd = c->cfd;
			pfd[i].events = 0;
			pfd[i + 1].fd = c->sfd;
			pfd[i + 1].events = 0;
			if (c->connecting)
				pfd[i + 1].events = POLLOUT;
			else if (relay_moving(c)) {
				if (!c->c_eof &&
				    relay_room(c, &c->c2s_line, &c->c2s))
					pfd[i].events |= POLLIN;
				if (c->s2c.len != 0)
					pfd[i].events |= POLLOUT;
				if (!c->s_eof &&
				    relay_room(c, &c->s2c_line, &c->s2c))
					pfd[i + 1].events |= POLLIN;
				if (c->c2s.len != 0)
					pfd[i + 1].events |= POLLOUT;
			} else if (c->lag_ms > 0) {
				/* In flight still, held or not. */
				if (c->s2c.len != 0)
					pfd[i].events = POLLOUT;
				if (c->c2s.len != 0)
					pfd[i + 1].events = POLLOUT;
			}
			/*
			 * A held socket must not be polled at all: a hangup
			 * would be reported on every call and spin the loop.
			 */
			if (pfd[i].events == 0)
				pfd[i].fd = -1;
			if (pfd[i + 1].events == 0)
				pfd[i + 1].fd = -1;
			i += 2;
		}

		nready = poll(pfd, n, relay_next_due(RELAY_TICK_MS));
		if (nready == -1) {
			if (errno == EINTR)
				continue;
			relay_die("poll");
		}
		if (getppid() != parent)
			break;
		if (nready > 0)
			relay_ready(pfd, owner, n, tfd, ufd);
		/* What is due on a lagging line goes, held or not. */
		for (c = relay_conns; c != NULL; c = next) {
			next = c->next;
			if (c->lag_ms > 0 && !c->connecting &&
			    relay_flight(c) == -1)
				relay_free(c, 1);
		}
	}

	for (c = relay_conns; c != NULL; c = next) {
		next = c->next;
		relay_free(c, 0);
	}
	free(pfd);
	free(owner);
}

/* Serve what poll reported. */
static void
relay_ready(struct pollfd *pfd, struct relay_conn **owner, size_t n, int tfd,
    int ufd)
{
	struct relay_conn	*c;
	size_t			 i;
	short			 crev, srev;

	/*
	 * Connections are served before accepting, so the list still
	 * matches the poll array while walking it.
	 */
	for (i = 2; i < n; i += 2) {
		c = owner[i];
		crev = pfd[i].fd == -1 ? 0 : pfd[i].revents;
		srev = pfd[i + 1].fd == -1 ? 0 : pfd[i + 1].revents;
		/* A held one's bytes in flight are relay_flight's. */
		if ((crev != 0 || srev != 0) &&
		    (c->connecting || relay_moving(c)))
			relay_io(c, crev, srev);
	}
	if (pfd[1].revents & POLLIN)
		relay_control(ufd);
	if (pfd[0].revents & POLLIN)
		relay_accept(tfd);
}

static int
relay_ctl(const char *path, const char *cmd)
{
	struct sockaddr_un	sun;
	char			buf[256];
	size_t			have = 0;
	ssize_t			n;
	int			fd;

	relay_unix_addr(&sun, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		relay_die("socket");
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) == -1)
		relay_die("connect %s", path);
	snprintf(buf, sizeof buf, "%s\n", cmd);
	if (write(fd, buf, strlen(buf)) == -1)
		relay_die("write");
	while (have < sizeof buf - 1) {
		n = read(fd, buf + have, sizeof buf - 1 - have);
		if (n <= 0)
			break;
		have += n;
	}
	buf[have] = '\0';
	close(fd);
	fputs(buf, stdout);
	return (strncmp(buf, "ok", 2) == 0 ? 0 : 1);
}

int
main(int argc, char **argv)
{
	struct sigaction	 sa;
	char			*end;
	long			 port;
	int			 tfd, ufd;

	if (argc == 4 && strcmp(argv[1], "ctl") == 0)
		return (relay_ctl(argv[2], argv[3]));
	if (argc != 5)
		relay_usage();

	port = strtol(argv[1], &end, 10);
	if (*argv[1] == '\0' || *end != '\0' || port < 0 || port > 65535)
		relay_usage();

#ifdef __linux__
	/* Never outlive the test that started us, even if it was killed. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
#endif

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = relay_on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	relay_resolve(argv[2], argv[3]);
	ufd = relay_listen_unix(argv[4]);
	tfd = relay_listen_tcp((int)port);

	relay_loop(tfd, ufd);

	close(tfd);
	close(ufd);
	unlink(argv[4]);
	return (0);
}
