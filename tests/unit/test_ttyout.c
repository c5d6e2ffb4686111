/* Unit tests of the terminal's writer thread (client/ttyout.c). */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#ifdef HAVE_PTY_H
#include <pty.h>
#endif
#ifdef HAVE_UTIL_H
#include <util.h>
#endif
#ifdef HAVE_LIBUTIL_H
#include <libutil.h>
#endif

#include <event2/buffer.h>

#include "limpet.h"
#include "tests/unit/unit.h"

#define TOTAL	(2 * 1024 * 1024)

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

static unsigned char
pattern(size_t i)
{
	return ((unsigned char)('a' + (i * 7 + i / 251) % 26));
}

/* A raw pty: what goes in at the slave comes out at the master as is. */
static int
raw_pty(int *master, int *slave)
{
	struct termios	tio;

	if (openpty(master, slave, NULL, NULL, NULL) == -1)
		return (-1);
	tcgetattr(*slave, &tio);
	cfmakeraw(&tio);
	tcsetattr(*slave, TCSANOW, &tio);
	return (0);
}

/* Read the master until n bytes came or the deadline passed. */
static size_t
drain_master(int master, size_t n, const unsigned char *want, int *bad,
    double secs)
{
	unsigned char	buf[65536];
	size_t		got = 0, i;
	ssize_t		r;
	struct pollfd	pfd;
	double		deadline = now() + secs;

	while (got < n && now() < deadline) {
		pfd.fd = master;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 200) <= 0)
			continue;
		if ((r = read(master, buf, sizeof buf)) <= 0)
			break;
		for (i = 0; want != NULL && i < (size_t)r; i++) {
			if (got + i < n && buf[i] != want[got + i])
				(*bad)++;
		}
		got += (size_t)r;
	}
	return (got);
}

/*
 * Everything queued arrives, once, in order, in pieces of all sizes,
 * copied or moved in, while the terminal is read.
 */
static void
check_order(void)
{
	struct ttyout	*t;
	struct evbuffer	*q;
	unsigned char	*want;
	size_t		 i, off = 0, piece, got;
	int		 master, slave, bad = 0;

	if (raw_pty(&master, &slave) == -1) {
		CHECK(!"openpty");
		return;
	}
	t = ttyout_open(slave);
	CHECK(t != NULL);
	if (t == NULL)
		return;
	q = evbuffer_new();
	want = malloc(TOTAL);
	for (i = 0; i < TOTAL; i++)
		want[i] = pattern(i);
	/* Queued faster than a pty takes it: a backlog builds. */
	for (i = 0; off < TOTAL; i++) {
		piece = 1 + (i * 7919) % 50000;
		if (piece > TOTAL - off)
			piece = TOTAL - off;
		if (i % 2 == 0)
			ttyout_add(t, want + off, piece);
		else {
			evbuffer_add(q, want + off, piece);
			ttyout_add_buffer(t, q);
			CHECK(evbuffer_get_length(q) == 0 || i != 1);
		}
		off += piece;
	}
	CHECK(ttyout_backlog(t) > 0);
	got = drain_master(master, TOTAL, want, &bad, 30);
	CHECK(got == TOTAL);
	CHECK(bad == 0);
	CHECK(ttyout_drain(t) == 0);
	CHECK(ttyout_backlog(t) == 0);
	CHECK(ttyout_woken(t) == 0);
	ttyout_close(t);
	evbuffer_free(q);
	free(want);
	close(master);
	close(slave);
}

/*
 * A terminal that stops reading holds up the writer, not its caller; the
 * caller hears when the backlog is under its mark, and once the terminal
 * reads again, everything arrives.
 */
static void
check_stalled(void)
{
	struct ttyout	*t;
	unsigned char	 buf[65536];
	struct pollfd	 pfd;
	size_t		 total = 1024 * 1024, got = 0;
	int		 master, slave, i, bad = 0;
	double		 start;

	if (raw_pty(&master, &slave) == -1) {
		CHECK(!"openpty");
		return;
	}
	t = ttyout_open(slave);
	CHECK(t != NULL);
	if (t == NULL)
		return;
	memset(buf, 'x', sizeof buf);
	start = now();
	for (i = 0; i < 16; i++)
		ttyout_add(t, buf, sizeof buf);
	/* Far more than a pty holds: the writer must be waiting. */
	CHECK(now() - start < 0.5);
	ttyout_want_below(t, 64 * 1024);
	usleep(200 * 1000);
	CHECK(ttyout_backlog(t) > total / 2);
	pfd.fd = ttyout_wake_fd(t);
	pfd.events = POLLIN;
	CHECK(poll(&pfd, 1, 0) == 0);

	/* Read bit by bit: the caller is woken once under the mark. */
	while (got < total && poll(&pfd, 1, 0) == 0)
		got += drain_master(master, 4096, NULL, &bad, 5);
	CHECK(poll(&pfd, 1, 0) == 1);
	CHECK(ttyout_backlog(t) < 64 * 1024);
	CHECK(ttyout_woken(t) == 0);
	CHECK(poll(&pfd, 1, 0) == 0);
	got += drain_master(master, total - got, NULL, &bad, 30);
	CHECK(got == total);
	CHECK(ttyout_drain(t) == 0);
	ttyout_close(t);
	close(master);
	close(slave);
}

/* A terminal that goes away fails the writes; the caller hears of it. */
static void
check_hangup(void)
{
	struct ttyout	*t;
	char		 buf[65536];
	struct pollfd	 pfd;
	int		 master, slave;

	if (raw_pty(&master, &slave) == -1) {
		CHECK(!"openpty");
		return;
	}
	t = ttyout_open(slave);
	CHECK(t != NULL);
	if (t == NULL)
		return;
	memset(buf, 'y', sizeof buf);
	ttyout_add(t, buf, sizeof buf);
	ttyout_add(t, buf, sizeof buf);
	usleep(100 * 1000);
	close(master);
	pfd.fd = ttyout_wake_fd(t);
	pfd.events = POLLIN;
	CHECK(poll(&pfd, 1, 10000) == 1);
	CHECK(ttyout_woken(t) == EIO);
	CHECK(ttyout_drain(t) == EIO);
	CHECK(ttyout_backlog(t) == 0);
	/* Nothing more is taken. */
	ttyout_add(t, buf, sizeof buf);
	CHECK(ttyout_backlog(t) == 0);
	ttyout_close(t);
	close(slave);
}

int
main(void)
{
	int	fds[2];

	/* Not a terminal: no writer, and the caller is told why. */
	if (pipe(fds) == 0) {
		errno = 0;
		CHECK(ttyout_open(fds[1]) == NULL);
		CHECK(errno != 0);
		close(fds[0]);
		close(fds[1]);
	}
	check_order();
	check_stalled();
	check_hangup();
	/* Nothing to close is fine. */
	ttyout_close(NULL);
	return (unit_done());
}
