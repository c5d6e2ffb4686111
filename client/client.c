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
#include <sys/ioctl.h>
#include <sys/queue.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#ifdef __linux__
#include <sys/timerfd.h>
#endif

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>

#include "limpet.h"

/*
 * The client: relays bytes between the user's terminal and ssh's pty, and
 * runs one ssh connection after another until the session ends.
 *
 * A connection ends when ssh has exited and both its pty and its stderr
 * are drained (or a short time after exit has passed: a grandchild may
 * hold them open). Then what ssh said decides: the multiplexer detached
 * or the session ended (exit), a failure reconnecting cannot cure (exit
 * with ssh's status and its reason), or a failure of the link (show a
 * notice and reconnect after a short, capped backoff, forever).
 *
 * Waiting for ssh to time out is slow, so limpet also suspects the link
 * on its own: the network changed, the machine woke from sleep or limpet
 * was stopped and continued, or the user typed and nothing came back. On
 * suspicion a second, speculative connection is started beside the old
 * one (BatchMode, so it never prompts); the multiplexer's attach steals
 * the session for it, and the first output it brings makes it the
 * connection the user sees, while the old one is discarded. If the old
 * link was fine, the user sees one redraw. While no connection works,
 * cheap TCP probes to the server notice the network's return within a
 * few hundred milliseconds, where an ssh attempt would sit in SYN backoff.
 */

#define RELAY_READ_SIZE		65536
#define TTY_HIGH_WATER		(256 * 1024)	/* stop reading ssh above */
#define TTY_LOW_WATER		(64 * 1024)	/* and resume below */
#define PENDING_INPUT_MAX	(64 * 1024)	/* typed while disconnected */
#define UNANSWERED_MAX		4096		/* typed, no output since */
#define UNANSWERED_MARKS	64		/* when each part was sent */
#define ECHO_QUIET_MS		100	/* before a key timed for its echo */
#define ECHO_SAMPLE_MAX_MS	1000	/* longer is no echo */
#define ECHO_SAMPLES_MIN	3	/* before the fastest is trusted */
#define ECHO_SLACK_US		5000	/* jitter the fastest may not show */
#define ERRTEXT_MAX		(16 * 1024)	/* ssh's stderr kept per link */
#define DRAIN_AFTER_EXIT_MS	200
#define KILL_GRACE_MS		1000
#define STABLE_CONNECTION_S	3
#define SPEC_MIN_INTERVAL_S	2.0	/* between speculative connections */
#define ATTEMPT_RESTART_S	1.0	/* an attempt younger is left alone */
#define PROBE_MIN_MS		20	/* the fastest probe cadence allowed */
#define PROBE_SLOW_MS		2000	/* after PROBE_FAST_FOR_S down */
#define PROBE_FAST_FOR_S	120
#define PROBE_GIVE_UP_MS	900	/* before the kernel's first SYN resend */
#define PROBES_MAX		16
#define STALL_CHECK_MS		1000	/* how often ssh's socket is looked at */
#define TICK_MS			1000	/* wake checks without timerfd */
#define PEEK_TIMEOUT_MS		1500	/* output is held while it runs */
#define PEEK_OUTPUT_MAX		(16 * 1024 * 1024)
#define BLOCK_STILL_MS		5000	/* a replay block that stops coming */
#define FLASH_QUIET_MS		200	/* the multiplexer done drawing */
#define FLASH_WAIT_MS		5000	/* at most, before saying it anyway */
#define FLASH_SHOW_MS		5000

enum intent {
	INTENT_NONE,
	INTENT_QUIT,		/* the user quit: exit once ssh is gone */
	INTENT_RECONNECT	/* a fresh connection, right after this one */
};

struct client;

struct conn {
	struct client	*c;
	struct ssh_proc	 proc;
	struct event	*ev_read;
	struct event	*ev_out;	/* ssh's stdout pipe */
	struct event	*ev_write;
	struct event	*ev_err;
	struct event	*ev_drain;
	struct event	*ev_kill;
	struct evbuffer	*to_ssh;
	struct evbuffer	*errtext;
	char		 errline[1024];
	size_t		 nerrline;
	int		 exited;
	int		 wstatus;
	int		 master_eof;
	int		 out_eof;
	int		 err_eof;
	int		 established;
	int		 prompted;	/* ssh asked on its pty (a password) */
	int		 killing;
	int		 speculative;	/* not shown until it brings output */
	int		 discarded;	/* lost a race: only reap it */
	enum intent	 intent;
	struct timespec	 started;
	char		*ctl_path;	/* its ControlMaster's socket, or NULL */
	LIST_ENTRY(conn) dying_entry;
};

struct probe {
	int		 fd;		/* -1 when unused */
	struct event	*ev;
	struct timespec	 started;
};

struct client {
	struct event_base	*base;
	struct options		*opts;
	struct settings		*set;
	char			**argv;
	char			**argv_batch;
	struct tty		 tty;
	struct escape		 esc;
	struct modes		 modes;
	struct scrollback_state	*sb;		/* native scrollback, or NULL */
	const char		*remote;	/* the remote command */
	char			*ctl_dir;	/* for masters' sockets, or NULL */
	pid_t			 peek_pid;	/* a look at the session, or -1 */
	int			 peek_fd;
	struct event		*ev_peek;
	struct event		*ev_peek_timer;
	struct evbuffer		*peek_out;
	struct timespec		 peek_started;
	struct event		*ev_block;	/* the replay block stopped */
	struct event		*ev_flash;	/* a word after the replay */
	int			 flash_step;
	int			 flash_output;	/* output since the last look */
	int			 flash_drew;	/* the multiplexer drew since */
	long			 flash_waited;
	char			 flash_text[160];
	char			 session[SESSION_NAME_MAX + 1];
	struct evbuffer		*to_tty;
	struct evbuffer		*pending_input;
	struct evbuffer		*unanswered;	/* sent, nothing came back */
	int			 unanswered_lost; /* too much to resend */
	struct sent_mark {
		size_t		 len;
		struct timespec	 at;
	}			 marks[UNANSWERED_MARKS];
	int			 nmarks;
	struct timespec		 last_output;
	struct timespec		 echo_key_at;	/* a key timed for its echo */
	int			 echo_timing;
	long			 echo_min_us;	/* fastest answer, -1 unknown */
	int			 echo_samples;
	struct event		*ev_tty_read;
	struct event		*ev_tty_write;
	struct event		*ev_retry;
	struct event		*ev_notice;
	struct event		*ev_signals[8];
	struct conn		*conn;		/* the one the user sees */
	struct conn		*spec;		/* racing to replace it */
	struct timespec		 spec_started;
	int			 conn_alive;	/* output since the suspicion */
	LIST_HEAD(, conn)	 dying;		/* discarded, not reaped yet */
	struct event		*ev_echo;
	struct event		*ev_stall;
	struct tcpwatch		 tw;
	int			 watch_stalls;	/* ssh's socket shows the link */
	int			 saw_output;	/* since the last stall check */
	int			 stalled;	/* ssh's socket says no reply */
	struct timespec		 stall_since;
	int			 probe_hold;	/* a probe answered: wait */
	int			 self_stopped;	/* by ~^Z: SIGCONT is expected */
	struct event		*ev_tick;
	struct wake		 wake;
	int			 timerfd;
	struct event		*ev_timerfd;
	int			 nlfd;
	struct event		*ev_netlink;
	struct event		*ev_net_settle;
	char			*netprint;
	struct event		*ev_resolve;
	struct probe_target	 target;
	int			 target_ok;
	int			 direct;	/* ssh connects to probe_host */
	char			 probe_host[NI_MAXHOST];
	char			 probe_port[16];
	struct event		*ev_probe_timer;
	struct probe		 probes[PROBES_MAX];
	int			 probe_next;
	int			 tty_gone;
	int			 quitting;
	int			 done;
	int			 exit_status;
	char			*exit_message;
	int			 attempts;
	int			 connects;
	int			 ever_established;
	int			 master_paused;
	int			 down;
	struct timespec		 down_since;
	char			 down_reason[256];
	int			 notice_shown;
	int			 screen_left;	/* the multiplexer cleaned up */
	int			 fatal_shown;	/* ssh said why it gave up */
	char			 rbuf[RELAY_READ_SIZE + MODES_HOLD_MAX];
};

static struct client	*cleanup_client;

static void	 client_cleanup(void);
static void	 client_finish(struct client *, int, const char *);
static void	 client_quit(struct client *);
static void	 client_reconnect_now(struct client *);
static void	 client_suspect(struct client *, const char *);
static void	 client_trigger(struct client *, const char *);
static void	 client_set_down(struct client *, const char *);
static void	 client_set_up(struct client *);
static void	 client_schedule_retry(struct client *);
static void	 client_update_notice(struct client *);
static void	 client_erase_notice(struct client *);
static void	 client_tty_write_enable(struct client *);
static void	 client_to_tty(struct client *, const void *, size_t);
static void	 client_send_input(struct client *, const char *, size_t);
static void	 client_flush_pending(struct client *);
static void	 client_replay_ack(struct client *);
static void	 client_resend_unanswered(struct client *);
static void	 client_unanswered_add(struct client *, const void *, size_t);
static void	 client_unanswered_clear(struct client *);
static void	 client_answered(struct client *);
static struct conn *client_input_target(struct client *);
static void	 client_flush_tty(struct client *);
static void	 client_help(struct client *);
static void	 client_suspend(struct client *);
static void	 client_redraw(struct client *);
static void	 client_probes_update(struct client *);
static void	 client_probes_stop(struct client *);
static void	 client_watch_start(struct client *);
static void	 client_watch_stop(struct client *);

static char	**client_conn_argv(struct client *, int, const char *);
static char	*client_ctl_dir(void);
static void	 client_peek_start(struct client *);
static void	 client_peek_end(struct client *, int);
static void	 client_peek_close(struct client *, int);
static void	 client_log_stuck(struct client *, const char *);
static void	 client_peek_deliver(struct client *, const char *, size_t);
static void	 client_scrollback_after(struct client *);
static void	 client_let_go(struct client *);

static struct conn *conn_start(struct client *, int);
static void	 conn_free(struct conn *);
static void	 conn_reading(struct conn *, int);
static void	 conn_kill(struct conn *, enum intent);
static void	 conn_discard(struct conn *);
static void	 conn_promote(struct conn *);
static void	 conn_maybe_done(struct conn *);
static void	 conn_done(struct conn *);
static void	 conn_err_line(struct conn *, const char *);
static int	 conn_phase(struct client *, struct conn *);
static int	 conn_login_stalled(struct client *, struct conn *);
static void	 client_plan_path(struct client *);

static void	 cb_tty_read(evutil_socket_t, short, void *);
static void	 cb_tty_write(evutil_socket_t, short, void *);
static void	 cb_master_read(evutil_socket_t, short, void *);
static void	 cb_master_write(evutil_socket_t, short, void *);
static void	 cb_err_read(evutil_socket_t, short, void *);
static void	 cb_drain(evutil_socket_t, short, void *);
static void	 cb_kill(evutil_socket_t, short, void *);
static void	 cb_retry(evutil_socket_t, short, void *);
static void	 cb_notice(evutil_socket_t, short, void *);
static void	 cb_signal(evutil_socket_t, short, void *);
static void	 cb_echo(evutil_socket_t, short, void *);
static void	 cb_stall(evutil_socket_t, short, void *);
static void	 cb_tick(evutil_socket_t, short, void *);
static void	 cb_timerfd(evutil_socket_t, short, void *);
static void	 cb_netlink(evutil_socket_t, short, void *);
static void	 cb_net_settle(evutil_socket_t, short, void *);
static void	 cb_resolve(evutil_socket_t, short, void *);
static void	 cb_probe_timer(evutil_socket_t, short, void *);
static void	 cb_probe(evutil_socket_t, short, void *);
static void	 cb_peek(evutil_socket_t, short, void *);
static void	 cb_peek_timer(evutil_socket_t, short, void *);
static void	 cb_block(evutil_socket_t, short, void *);
static void	 cb_flash(evutil_socket_t, short, void *);

static double
elapsed_since(const struct timespec *then)
{
	struct timespec	now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return ((double)(now.tv_sec - then->tv_sec) +
	    (double)(now.tv_nsec - then->tv_nsec) / 1e9);
}

static long
us_between(const struct timespec *from, const struct timespec *to)
{
	return ((long)(to->tv_sec - from->tv_sec) * 1000000L +
	    (to->tv_nsec - from->tv_nsec) / 1000);
}

static struct timeval
ms_to_tv(long ms)
{
	struct timeval	tv;

	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	return (tv);
}

static void
evtimer_add_ms(struct event *ev, long ms)
{
	struct timeval	tv = ms_to_tv(ms);

	evtimer_add(ev, &tv);
}

/* --- the user's terminal ------------------------------------------------ */

/*
 * Write to fd at once when nothing is queued before it, and queue only
 * what it would not take: the common case costs one write(), no copy and
 * no trip through the event loop. Returns 1 when something was queued, so
 * the caller watches for the fd to become writable. An error other than
 * EAGAIN is left for that write callback to see again and handle.
 */
static int
relay_write(int fd, struct evbuffer *queue, const void *data, size_t len)
{
	ssize_t	n = 0;

	if (evbuffer_get_length(queue) == 0) {
		n = write(fd, data, len);
		if (n == -1)
			n = 0;
	}
	if ((size_t)n == len)
		return (0);
	evbuffer_add(queue, (const char *)data + n, len - (size_t)n);
	return (1);
}

static void
client_to_tty(struct client *c, const void *data, size_t len)
{
	if (c->tty_gone || len == 0)
		return;
	if (relay_write(c->tty.out, c->to_tty, data, len))
		client_tty_write_enable(c);
}

static void
client_tty_write_enable(struct client *c)
{
	if (!c->tty_gone && evbuffer_get_length(c->to_tty) > 0)
		event_add(c->ev_tty_write, NULL);
}

static void
cb_tty_write(evutil_socket_t fd, short events, void *arg)
{
	struct client	*c = arg;
	int		 n;

	n = evbuffer_write(c->to_tty, fd);
	if (n == -1 && errno != EAGAIN && errno != EINTR) {
		/* The terminal is gone: nobody is left to show anything. */
		log_debug("terminal write failed: %s", strerror(errno));
		c->tty_gone = 1;
		evbuffer_drain(c->to_tty, evbuffer_get_length(c->to_tty));
		event_del(c->ev_tty_write);
		client_quit(c);
		return;
	}
	/* Kept while a backlog lasts: no epoll_ctl on every write. */
	if (evbuffer_get_length(c->to_tty) == 0)
		event_del(c->ev_tty_write);
	if (c->master_paused &&
	    evbuffer_get_length(c->to_tty) < TTY_LOW_WATER) {
		c->master_paused = 0;
		if (c->conn != NULL)
			conn_reading(c->conn, 1);
	}
}

static void
cb_tty_read(evutil_socket_t fd, short events, void *arg)
{
	struct client		*c = arg;
	char			 in[4096], out[4096 + 1];
	ssize_t			 n;
	size_t			 off = 0, used, outlen;
	enum escape_action	 action;

	n = read(fd, in, sizeof in);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		log_debug("terminal closed (%s)", n == 0 ? "eof" :
		    strerror(errno));
		event_del(c->ev_tty_read);
		c->tty_gone = 1;
		client_quit(c);
		return;
	}
	while (off < (size_t)n) {
		used = escape_feed(&c->esc, in + off, (size_t)n - off, out,
		    &outlen, &action);
		off += used;
		client_send_input(c, out, outlen);
		switch (action) {
		case ESCAPE_ACT_QUIT:
			client_quit(c);
			return;
		case ESCAPE_ACT_RECONNECT:
			client_reconnect_now(c);
			break;
		case ESCAPE_ACT_SUSPEND:
			client_suspend(c);
			break;
		case ESCAPE_ACT_HELP:
			client_help(c);
			break;
		case ESCAPE_ACT_NONE:
			break;
		}
	}
}

/*
 * The connection typed bytes may go to now: the one the user sees, once
 * it brought output (before, its pty would only echo them back, which
 * would look like a working link), unless it is going away, its socket
 * says the server stopped answering, or a
 * speculative one may replace it before it shows that it still works.
 * Otherwise they wait, so nothing typed is lost in a dead link; with a
 * bound, so a cat on the keyboard cannot eat memory.
 */
static struct conn *
client_input_target(struct client *c)
{
	struct conn	*conn = c->conn;

	if (conn == NULL || conn->killing || conn->exited || c->stalled ||
	    !conn->established || (c->spec != NULL && !c->conn_alive))
		return (NULL);
	/*
	 * A replay block on its way: keys wait until the remote has been
	 * told it arrived (see client_replay_ack), and then follow that.
	 * What ssh asks for itself (a password, a host key) is answered.
	 */
	if (c->sb != NULL && (scrollback_in_block(c->sb) ||
	    (scrollback_waiting(c->sb) && !conn->prompted)))
		return (NULL);
	return (conn);
}

/*
 * After a replay block the remote waits for a line saying that it came
 * before its multiplexer takes the terminal over: tmux throws away what
 * sshd has not yet read from the terminal when it does, which would be
 * the block's end if sshd were behind. Sent by client_flush_pending,
 * before any key.
 */
static void
client_replay_ack(struct client *c)
{
	struct conn	*conn = c->conn;

	if (c->sb == NULL || !scrollback_take_ack(c->sb) || conn == NULL ||
	    conn->killing || conn->exited)
		return;
	log_debug("replay: the remote is told the block came");
	/*
	 * Queued, not written: the keys held meanwhile are queued right
	 * after it (client_flush_pending), and both go out in one write, so
	 * the keys wait in the remote's terminal when the multiplexer
	 * starts, as they would have without the wait, rather than coming
	 * in after its first draw.
	 */
	evbuffer_add(conn->to_ssh, REPLAY_ACK "\r", strlen(REPLAY_ACK "\r"));
	event_add(conn->ev_write, NULL);
}

static void
client_send_input(struct client *c, const char *data, size_t len)
{
	struct conn	*conn;

	if (len == 0)
		return;
	if ((conn = client_input_target(c)) != NULL) {
		client_unanswered_add(c, data, len);
		if (relay_write(conn->proc.master, conn->to_ssh, data, len))
			event_add(conn->ev_write, NULL);
		/* Something should come back; if nothing does, suspect. */
		if (conn->established && c->set->echo_timeout > 0 &&
		    !event_pending(c->ev_echo, EV_TIMEOUT, NULL))
			evtimer_add_ms(c->ev_echo, c->set->echo_timeout);
		return;
	}
	if (evbuffer_get_length(c->pending_input) + len > PENDING_INPUT_MAX) {
		log_debug("input buffer full while disconnected, %zu dropped",
		    len);
		return;
	}
	evbuffer_add(c->pending_input, data, len);
}

/*
 * Keys sent to ssh are kept, with the time they went, until output shows
 * that they arrived. Past a few KiB typed into silence, which is no
 * longer typing, they are not kept.
 *
 * A key sent while the link is quiet is timed: the first output after it
 * is most likely its echo (keys after it are echoed after it), and the
 * fastest such answer on this connection, up to a second, tells how soon
 * anything can answer a key (see client_answered).
 */
static void
client_unanswered_add(struct client *c, const void *data, size_t len)
{
	struct timespec	now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!c->echo_timing && c->nmarks == 0 &&
	    us_between(&c->last_output, &now) >= ECHO_QUIET_MS * 1000L) {
		c->echo_key_at = now;
		c->echo_timing = 1;
	}
	if (c->unanswered_lost ||
	    evbuffer_get_length(c->unanswered) + len > UNANSWERED_MAX) {
		c->unanswered_lost = 1;
		return;
	}
	evbuffer_add(c->unanswered, data, len);
	if (c->nmarks == UNANSWERED_MARKS) {
		/* Out of marks: the two oldest become one, at the later time. */
		c->marks[1].len += c->marks[0].len;
		memmove(&c->marks[0], &c->marks[1],
		    (UNANSWERED_MARKS - 1) * sizeof c->marks[0]);
		c->nmarks--;
	}
	c->marks[c->nmarks].len = len;
	c->marks[c->nmarks].at = now;
	c->nmarks++;
}

static void
client_unanswered_clear(struct client *c)
{
	evbuffer_drain(c->unanswered, evbuffer_get_length(c->unanswered));
	c->nmarks = 0;
	c->unanswered_lost = 0;
	c->echo_timing = 0;
}

/*
 * Output came: the keys it answers arrived. Output cannot answer a key
 * sent less than the fastest echo ago: it was on its way already (the
 * tail of what was printed before the link went, still coming in). Keys
 * that recent stay kept, to be sent again should the link be gone.
 */
static void
client_answered(struct client *c)
{
	struct timespec	now;
	long		us, guard;
	size_t		len = 0;
	int		i;

	clock_gettime(CLOCK_MONOTONIC, &now);
	c->last_output = now;
	if (c->echo_timing) {
		c->echo_timing = 0;
		us = us_between(&c->echo_key_at, &now);
		if (us <= ECHO_SAMPLE_MAX_MS * 1000L) {
			c->echo_samples++;
			if (c->echo_min_us < 0 || us < c->echo_min_us) {
				c->echo_min_us = us;
				log_debug("fastest echo so far %ld us", us);
			}
		}
	}
	if (c->unanswered_lost) {
		client_unanswered_clear(c);
		return;
	}
	/*
	 * Three quarters of the fastest of a few echoes, less a few ms, is
	 * what no echo undercuts: a key answered sooner and then sent again
	 * would be doubled. On a link that fast, nothing is held for long
	 * enough to matter anyway, and any output answers.
	 */
	guard = 0;
	if (c->echo_samples >= ECHO_SAMPLES_MIN &&
	    c->echo_min_us / 4 * 3 > ECHO_SLACK_US)
		guard = c->echo_min_us / 4 * 3 - ECHO_SLACK_US;
	for (i = 0; i < c->nmarks; i++) {
		if (us_between(&c->marks[i].at, &now) < guard)
			break;
		len += c->marks[i].len;
	}
	if (i == 0)
		return;
	evbuffer_drain(c->unanswered, len);
	memmove(&c->marks[0], &c->marks[i], (c->nmarks - i) *
	    sizeof c->marks[0]);
	c->nmarks -= i;
}

/*
 * The connection the user saw is gone for good. Keys sent into it that
 * output did not answer most likely never arrived (any that did would
 * have been echoed): they go first to the next one.
 */
static void
client_resend_unanswered(struct client *c)
{
	size_t	len = evbuffer_get_length(c->unanswered);

	if (len > 0 && !c->unanswered_lost) {
		log_debug("%zu bytes typed into the lost link go to the next",
		    len);
		evbuffer_prepend_buffer(c->pending_input, c->unanswered);
	}
	client_unanswered_clear(c);
}

/* Hand what was typed meanwhile to the connection the user sees. */
static void
client_flush_pending(struct client *c)
{
	struct conn	*conn;

	/* A replay block's word goes first, keys after it. */
	client_replay_ack(c);
	if ((conn = client_input_target(c)) == NULL ||
	    evbuffer_get_length(c->pending_input) == 0)
		return;
	client_unanswered_add(c, evbuffer_pullup(c->pending_input, -1),
	    evbuffer_get_length(c->pending_input));
	evbuffer_add_buffer(conn->to_ssh, c->pending_input);
	event_add(conn->ev_write, NULL);
}

static void
cb_echo(evutil_socket_t fd, short events, void *arg)
{
	struct client	*c = arg;
	char		 why[64];

	snprintf(why, sizeof why, "no reply for %.1f s",
	    c->set->echo_timeout / 1000.0);
	client_set_down(c, why);
	client_suspect(c, why);
}

/* With the terminal blocking again: write out what is left for it. */
static void
client_flush_tty(struct client *c)
{
	while (!c->tty_gone && evbuffer_get_length(c->to_tty) > 0) {
		if (evbuffer_write(c->to_tty, c->tty.out) <= 0 &&
		    errno != EINTR)
			break;
	}
}

static void
client_help(struct client *c)
{
	const char	*help = escape_help(&c->esc);

	client_to_tty(c, help, strlen(help));
	/* The help text disturbed the multiplexer's screen: ask for more. */
	client_redraw(c);
}

/*
 * Ask the multiplexer to draw its screen again. tmux is asked through the
 * side channel (refresh-client): a change of size would have it scroll
 * rows away within the pane, past the terminal's history. Otherwise a
 * change of size and back, given in one go: a redraw when ssh happens to
 * pass on the smaller size, nothing lost when it does not.
 */
static void
client_redraw(struct client *c)
{
	struct winsize	  ws, smaller;
	char		**argv, *cmd;
	pid_t		  pid;
	int		  fd;

	if (c->conn == NULL || c->set->mux == MUX_NONE)
		return;
	if (c->conn->ctl_path != NULL) {
		cmd = remote_command_redraw(c->session);
		argv = ssh_build_peek_argv(c->conn->ctl_path,
		    c->opts->destination, cmd);
		free(cmd);
		if ((pid = spawn_reader(argv, &fd)) != -1) {
			/* It prints nothing; it is reaped like any child. */
			close(fd);
			log_debug("redraw: pid %ld", (long)pid);
		}
		ssh_free_argv(argv);
		return;
	}
	tty_get_size(&c->tty, &ws);
	smaller = ws;
	smaller.ws_row = ws.ws_row > 2 ? ws.ws_row - 1 : ws.ws_row + 1;
	ioctl(c->conn->proc.master, TIOCSWINSZ, &smaller);
	ioctl(c->conn->proc.master, TIOCSWINSZ, &ws);
}

static void
client_suspend(struct client *c)
{
	char	buf[512];
	size_t	n;

	/* Hand the terminal back as the shell expects it, then stop. */
	n = modes_reset(&c->modes, buf, sizeof buf);
	evbuffer_add(c->to_tty, buf, n);
	evbuffer_add(c->to_tty, "\r\n", 2);
	tty_restore(&c->tty);
	client_flush_tty(c);
	log_debug("suspending");
	c->self_stopped = 1;
	raise(SIGTSTP);
	log_debug("resumed");
	if (tty_raw(&c->tty) == -1)
		log_debug("can't enter raw mode again: %s", strerror(errno));
	client_redraw(c);
}

/* --- the notice line ------------------------------------------------------ */

static void
client_update_notice(struct client *c)
{
	struct winsize	 ws;
	char		 text[512], buf[2048], esc[8], stall[64], tail[128];
	const char	*reason;
	size_t		 n;
	long		 secs;
	int		 room;

	if (!c->down || c->tty_gone)
		return;
	secs = (long)elapsed_since(&c->down_since);
	if (c->stalled) {
		snprintf(stall, sizeof stall, "no reply for %ld s",
		    (long)elapsed_since(&c->stall_since));
		reason = stall;
	} else if (c->down_reason[0] != '\0')
		reason = c->down_reason;
	else
		reason = "link lost";
	if (c->esc.ch == ESCAPE_NONE)
		snprintf(esc, sizeof esc, "SIGTERM");
	else
		escape_name(c->esc.ch, esc, sizeof esc);
	/*
	 * The counts and the way out matter most: on a narrow terminal the
	 * host goes first, then the end of the reason.
	 */
	snprintf(tail, sizeof tail, " - reconnecting (attempt %d, %lds) - %s%s"
	    " to quit", c->attempts + 1, secs, esc,
	    c->esc.ch == ESCAPE_NONE ? "" : ".");
	tty_get_size(&c->tty, &ws);
	snprintf(text, sizeof text, " limpet: %s: %s%s", c->opts->host, reason,
	    tail);
	if (strlen(text) > ws.ws_col) {
		room = (int)ws.ws_col - (int)strlen(" limpet: ") -
		    (int)strlen(tail);
		if (room > 8 && room < (int)strlen(reason))
			snprintf(text, sizeof text, " limpet: %.*s...%s",
			    room - 3, reason, tail);
		else
			snprintf(text, sizeof text, " limpet: %s%s", reason,
			    tail);
	}
	n = notice_draw(buf, sizeof buf, ws.ws_row, ws.ws_col, text);
	if (n > 0) {
		client_to_tty(c, buf, n);
		c->notice_shown = 1;
	}
	log_debug("notice: %s", text);
	if (!event_pending(c->ev_notice, EV_TIMEOUT, NULL))
		evtimer_add_ms(c->ev_notice, 1000);
}

static void
cb_notice(evutil_socket_t fd, short events, void *arg)
{
	client_update_notice(arg);
}

static void
client_erase_notice(struct client *c)
{
	struct winsize	ws;
	char		buf[256];
	size_t		n;

	event_del(c->ev_notice);
	if (!c->notice_shown)
		return;
	c->notice_shown = 0;
	tty_get_size(&c->tty, &ws);
	n = notice_erase(buf, sizeof buf, ws.ws_row);
	client_to_tty(c, buf, n);
}

/* The link is (or looks) gone: say so and start probing for its return. */
static void
client_set_down(struct client *c, const char *why)
{
	if (why != NULL)
		snprintf(c->down_reason, sizeof c->down_reason, "%s", why);
	if (!c->down) {
		c->down = 1;
		clock_gettime(CLOCK_MONOTONIC, &c->down_since);
		c->flash_step = 0;
		event_del(c->ev_flash);
	}
	client_update_notice(c);
	client_probes_update(c);
}

/* Output came from the connection the user sees: the link works. */
static void
client_set_up(struct client *c)
{
	/* Not while keys wait that this output cannot have answered. */
	if (c->nmarks == 0)
		event_del(c->ev_echo);
	c->saw_output = 1;
	if (!c->down)
		return;
	log_debug("link is back after %.3f s", elapsed_since(&c->down_since));
	c->down = 0;
	c->stalled = 0;
	c->probe_hold = 0;
	client_erase_notice(c);
	client_probes_stop(c);
}

/* --- connections ------------------------------------------------------- */

/*
 * A reconnect in native scrollback mode asks the remote for what scrolled
 * by meanwhile (see scrollback.c), and a connection with a socket for its
 * own ControlMaster says so; NULL means the usual command line.
 */
static char **
client_conn_argv(struct client *c, int speculative, const char *ctlpath)
{
	char	**argv, *cmd = NULL;

	if (c->sb != NULL && c->ever_established)
		cmd = scrollback_command(c->sb, c->set->mux, c->session);
	if (cmd == NULL && ctlpath == NULL)
		return (NULL);
	argv = ssh_build_master_argv(c->opts, c->set,
	    cmd != NULL ? cmd : c->remote, speculative, ctlpath);
	free(cmd);
	return (argv);
}

/*
 * A directory of the user's own, closed to others, for the sockets of the
 * connections' masters: $XDG_RUNTIME_DIR/limpet, or else
 * $TMPDIR/limpet-UID. NULL when there is none fit for it (the side
 * channel is then simply not used). A socket path is short (ssh adds 17
 * characters while it binds).
 */
static char *
client_ctl_dir(void)
{
	struct stat	 sb;
	const char	*base;
	char		*dir;
	int		 i;

	for (i = 0; i < 2; i++) {
		if (i == 0) {
			if ((base = getenv("XDG_RUNTIME_DIR")) == NULL ||
			    *base != '/')
				continue;
			xasprintf(&dir, "%s/limpet", base);
		} else {
			if ((base = getenv("TMPDIR")) == NULL || *base != '/')
				base = "/tmp";
			xasprintf(&dir, "%s/limpet-%lu", base,
			    (unsigned long)getuid());
		}
		if (strlen(dir) <= 60 &&
		    (mkdir(dir, 0700) == 0 || errno == EEXIST) &&
		    lstat(dir, &sb) == 0 && S_ISDIR(sb.st_mode) &&
		    sb.st_uid == getuid() && (sb.st_mode & 077) == 0)
			return (dir);
		log_debug("not for the side channel: %s", dir);
		free(dir);
	}
	return (NULL);
}

static struct conn *
conn_start(struct client *c, int speculative)
{
	struct conn	*conn;
	struct winsize	 ws;
	char		**own_argv;
	int		 rc;

	tty_get_size(&c->tty, &ws);
	conn = xcalloc(1, sizeof *conn);
	conn->c = c;
	conn->speculative = speculative;
	conn->proc.master = conn->proc.outfd = conn->proc.errfd = -1;
	if (c->ctl_dir != NULL) {
		xasprintf(&conn->ctl_path, "%s/%ld.%d", c->ctl_dir,
		    (long)getpid(), c->connects + 1);
		unlink(conn->ctl_path);
	}
	own_argv = client_conn_argv(c, speculative, conn->ctl_path);
	rc = ssh_spawn(own_argv != NULL ? own_argv :
	    speculative ? c->argv_batch : c->argv, &ws, &conn->proc);
	ssh_free_argv(own_argv);
	if (rc == -1) {
		free(conn->ctl_path);
		free(conn);
		snprintf(c->down_reason, sizeof c->down_reason,
		    "can't start ssh: %s", strerror(errno));
		log_debug("%s", c->down_reason);
		if (!speculative) {
			c->attempts++;
			client_schedule_retry(c);
		}
		return (NULL);
	}
	c->connects++;
	clock_gettime(CLOCK_MONOTONIC, &conn->started);
	log_debug("connection %d%s: ssh pid %ld", c->connects,
	    speculative ? " (speculative)" : "", (long)conn->proc.pid);
	conn->to_ssh = evbuffer_new();
	conn->errtext = evbuffer_new();
	conn->ev_read = event_new(c->base, conn->proc.master,
	    EV_READ|EV_PERSIST, cb_master_read, conn);
	conn->ev_out = event_new(c->base, conn->proc.outfd,
	    EV_READ|EV_PERSIST, cb_master_read, conn);
	conn->ev_write = event_new(c->base, conn->proc.master, EV_WRITE,
	    cb_master_write, conn);
	conn->ev_err = event_new(c->base, conn->proc.errfd, EV_READ|EV_PERSIST,
	    cb_err_read, conn);
	conn->ev_drain = evtimer_new(c->base, cb_drain, conn);
	conn->ev_kill = evtimer_new(c->base, cb_kill, conn);
	if (conn->to_ssh == NULL || conn->errtext == NULL ||
	    conn->ev_read == NULL || conn->ev_out == NULL ||
	    conn->ev_write == NULL ||
	    conn->ev_err == NULL || conn->ev_drain == NULL ||
	    conn->ev_kill == NULL)
		fatalx("out of memory for a connection");
	if (speculative) {
		c->spec = conn;
		c->spec_started = conn->started;
		conn_reading(conn, 1);
	} else {
		c->conn = conn;
		if (!c->master_paused)
			conn_reading(conn, 1);
	}
	event_add(conn->ev_err, NULL);
	/* Its login is watched too (conn_login_stalled). */
	if (c->watch_stalls && !evtimer_pending(c->ev_stall, NULL))
		evtimer_add_ms(c->ev_stall, STALL_CHECK_MS);
	return (conn);
}

/* What the scrollback filter asks for once output went through it. */
static void
client_scrollback_after(struct client *c)
{
	int	capped;

	if (scrollback_want_redraw(c->sb))
		client_redraw(c);
	if ((capped = scrollback_cap_news(c->sb)) > 0) {
		/* Said once the multiplexer has drawn its screen again. */
		snprintf(c->flash_text, sizeof c->flash_text, " limpet: %d "
		    "earlier lines were not replayed, only the last %d", capped,
		    REPLAY_CAP);
		c->flash_step = 1;
		c->flash_output = c->flash_drew = 0;
		c->flash_waited = 0;
		evtimer_add_ms(c->ev_flash, FLASH_QUIET_MS);
	}
	/* Let go of (a flood): what the peek would say is of no use. */
	if (c->peek_fd != -1 && !scrollback_holding(c->sb))
		client_peek_close(c, 1);
	client_peek_start(c);
	/* A block that stops halfway must not hold output forever. */
	if (scrollback_waiting(c->sb))
		evtimer_add_ms(c->ev_block, BLOCK_STILL_MS);
	else if (evtimer_pending(c->ev_block, NULL))
		evtimer_del(c->ev_block);
}

/*
 * Read ssh's output (its pty, for prompts, and its stdout pipe) or stop:
 * the terminal fell behind, or the connection is done with.
 */
static void
conn_reading(struct conn *conn, int on)
{
	if (!on) {
		event_del(conn->ev_read);
		event_del(conn->ev_out);
		return;
	}
	if (!conn->master_eof)
		event_add(conn->ev_read, NULL);
	if (!conn->out_eof)
		event_add(conn->ev_out, NULL);
}

static void
conn_free(struct conn *conn)
{
	event_free(conn->ev_read);
	event_free(conn->ev_out);
	event_free(conn->ev_write);
	event_free(conn->ev_err);
	event_free(conn->ev_drain);
	event_free(conn->ev_kill);
	evbuffer_free(conn->to_ssh);
	evbuffer_free(conn->errtext);
	ssh_close(&conn->proc);
	if (conn->ctl_path != NULL) {
		/* ssh removes it, unless it was killed. */
		unlink(conn->ctl_path);
		free(conn->ctl_path);
	}
	free(conn);
}

/*
 * Ask ssh to go: SIGHUP makes it send a disconnect, which is polite, but
 * that write can block forever on a wedged socket, so SIGKILL follows.
 */
static void
conn_kill(struct conn *conn, enum intent intent)
{
	if (intent != INTENT_NONE)
		conn->intent = intent;
	if (conn->exited || conn->killing)
		return;
	conn->killing = 1;
	log_debug("stopping ssh pid %ld", (long)conn->proc.pid);
	kill(conn->proc.pid, SIGHUP);
	evtimer_add_ms(conn->ev_kill, KILL_GRACE_MS);
}

static void
cb_kill(evutil_socket_t fd, short events, void *arg)
{
	struct conn	*conn = arg;

	if (!conn->exited) {
		log_debug("ssh pid %ld ignored SIGHUP, killing",
		    (long)conn->proc.pid);
		kill(conn->proc.pid, SIGKILL);
	}
}

/*
 * A connection that lost a race: nothing it says matters any more. Close
 * its pty and pipe, stop it, and keep it only until it can be reaped.
 */
static void
conn_discard(struct conn *conn)
{
	struct client	*c = conn->c;

	if (c->conn == conn)
		c->conn = NULL;
	if (c->spec == conn)
		c->spec = NULL;
	conn->discarded = 1;
	conn_reading(conn, 0);
	event_del(conn->ev_write);
	event_del(conn->ev_err);
	event_del(conn->ev_drain);
	ssh_close(&conn->proc);
	if (conn->exited) {
		conn_free(conn);
		return;
	}
	LIST_INSERT_HEAD(&c->dying, conn, dying_entry);
	conn_kill(conn, INTENT_NONE);
}

/* The speculative connection brought output: it is now the real one. */
static void
conn_promote(struct conn *conn)
{
	struct client	*c = conn->c;
	char		 buf[512];
	size_t		 n;

	log_debug("speculative connection won after %.3f s",
	    elapsed_since(&conn->started));
	if (c->conn != NULL) {
		conn_discard(c->conn);
		client_resend_unanswered(c);
	}
	c->spec = NULL;
	c->conn = conn;
	conn->speculative = 0;
	tcpwatch_forget(&c->tw);
	c->attempts = 0;
	event_del(c->ev_retry);
	/* The old connection's modes go; the new one sets its own. */
	n = modes_reset(&c->modes, buf, sizeof buf);
	client_to_tty(c, buf, n);
}

static void
cb_master_read(evutil_socket_t fd, short events, void *arg)
{
	struct conn	*conn = arg;
	struct client	*c = conn->c;
	char		*in = c->rbuf + MODES_HOLD_MAX, *out;
	const char	*data;
	ssize_t		 n;
	size_t		 len;
	int		 phase;

	n = read(fd, in, RELAY_READ_SIZE);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		/* Linux says EIO once the last slave fd is closed. */
		if (conn == c->conn)
			client_let_go(c);
		if (fd == conn->proc.outfd) {
			conn->out_eof = 1;
			event_del(conn->ev_out);
		} else {
			conn->master_eof = 1;
			event_del(conn->ev_read);
		}
		conn_maybe_done(conn);
		return;
	}
	if (fd == conn->proc.master)
		conn->prompted = 1;
	if (conn->speculative)
		conn_promote(conn);
	if (!conn->established) {
		conn->established = 1;
		c->ever_established = 1;
		/* A new path: how fast it echoes is to be learnt again. */
		c->echo_min_us = -1;
		c->echo_samples = 0;
		c->echo_timing = 0;
		if (c->sb != NULL)
			scrollback_begin(c->sb);
		if (!c->target_ok && !evtimer_pending(c->ev_resolve, NULL))
			evtimer_add_ms(c->ev_resolve, 1000);
	}
	client_answered(c);
	client_set_up(c);
	if (!c->conn_alive) {
		/* The link works after all: what was held can go. */
		c->conn_alive = 1;
		/*
		 * A racer that has not even reached the server cannot have
		 * taken the session over yet: stop it before it does, and
		 * spare the user a redraw. One further on is left to finish.
		 */
		if (c->spec != NULL && ((phase = conn_phase(c, c->spec)) ==
		    TCPWATCH_SYN_SENT || phase == 0)) {
			log_debug("the old link answered first");
			conn_discard(c->spec);
		}
	}
	/* Scanned in place, after the bytes held from the last read. */
	out = in - c->modes.nheld;
	len = modes_feed(&c->modes, in, (size_t)n, out);
	data = out;
	if (c->sb != NULL)
		len = scrollback_feed(c->sb, out, len, &data);
	client_to_tty(c, data, len);
	if (c->flash_step == 1)
		c->flash_output = 1;
	if (c->sb != NULL)
		client_scrollback_after(c);
	/*
	 * Whatever held typed keys back (no output yet, a stall, a replay
	 * block) may be over, once the output went through the filter.
	 */
	client_flush_pending(c);
	if (evbuffer_get_length(c->to_tty) > TTY_HIGH_WATER) {
		log_debug("terminal behind by %zu bytes: ssh not read",
		    evbuffer_get_length(c->to_tty));
		c->master_paused = 1;
		conn_reading(conn, 0);
	}
}

static void
cb_master_write(evutil_socket_t fd, short events, void *arg)
{
	struct conn	*conn = arg;
	int		 n;

	n = evbuffer_write(conn->to_ssh, fd);
	if (n == -1 && errno != EAGAIN && errno != EINTR) {
		/* ssh is going away; its end will be noticed by the reader. */
		evbuffer_drain(conn->to_ssh, evbuffer_get_length(conn->to_ssh));
		return;
	}
	if (evbuffer_get_length(conn->to_ssh) > 0)
		event_add(conn->ev_write, NULL);
}

/*
 * ssh's stderr, a line at a time. Link failures feed the notice; ssh's
 * "Connection to x closed." is dropped; anything else is shown as ssh
 * would have shown it (prompts and warnings included). A speculative
 * connection shows nothing: it may never be the one the user sees.
 */
static void
conn_err_line(struct conn *conn, const char *line)
{
	struct client	*c = conn->c;
	size_t		 len = strlen(line);
	enum line_kind	 kind;

	if (evbuffer_get_length(conn->errtext) + len + 1 <= ERRTEXT_MAX) {
		evbuffer_add(conn->errtext, line, len);
		evbuffer_add(conn->errtext, "\n", 1);
	}
	kind = classify_line(line);
	log_debug("ssh%s: %s", conn->speculative ? " (speculative)" : "",
	    line);
	if (conn->speculative)
		return;
	switch (kind) {
	case LINE_TRANSIENT:
		snprintf(c->down_reason, sizeof c->down_reason, "%s", line);
		break;
	case LINE_NOISE:
		break;
	case LINE_FATAL:
		c->fatal_shown = 1;
		/* FALLTHROUGH */
	case LINE_OTHER:
		if (len > 0) {
			client_to_tty(c, line, len);
			client_to_tty(c, "\r\n", 2);
		}
		break;
	}
}

static void
cb_err_read(evutil_socket_t fd, short events, void *arg)
{
	struct conn	*conn = arg;
	char		 buf[4096];
	ssize_t		 n, i;
	char		 ch;

	n = read(fd, buf, sizeof buf);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		if (conn->nerrline > 0) {
			conn->errline[conn->nerrline] = '\0';
			conn_err_line(conn, conn->errline);
			conn->nerrline = 0;
		}
		conn->err_eof = 1;
		event_del(conn->ev_err);
		conn_maybe_done(conn);
		return;
	}
	for (i = 0; i < n; i++) {
		ch = buf[i];
		if (ch == '\r')
			continue;
		if (ch == '\n' || conn->nerrline == sizeof conn->errline - 1) {
			conn->errline[conn->nerrline] = '\0';
			conn_err_line(conn, conn->errline);
			conn->nerrline = 0;
			if (ch == '\n')
				continue;
		}
		conn->errline[conn->nerrline++] = ch;
	}
}

static void
cb_drain(evutil_socket_t fd, short events, void *arg)
{
	struct conn	*conn = arg;

	/* Something else holds the pty or pipe open: stop waiting. */
	log_debug("ssh output not drained %d ms after exit",
	    DRAIN_AFTER_EXIT_MS);
	conn->master_eof = conn->out_eof = conn->err_eof = 1;
	conn_maybe_done(conn);
}

/* Called when ssh was reaped. */
static void
conn_exited(struct conn *conn, int wstatus)
{
	conn->exited = 1;
	conn->wstatus = wstatus;
	event_del(conn->ev_kill);
	if (WIFEXITED(wstatus))
		log_debug("ssh pid %ld exited with status %d",
		    (long)conn->proc.pid, WEXITSTATUS(wstatus));
	else if (WIFSIGNALED(wstatus))
		log_debug("ssh pid %ld killed by signal %d",
		    (long)conn->proc.pid, WTERMSIG(wstatus));
	if (conn->discarded) {
		LIST_REMOVE(conn, dying_entry);
		conn_free(conn);
		return;
	}
	/* Keep reading what is buffered: the multiplexer's last words. */
	evtimer_add_ms(conn->ev_drain, DRAIN_AFTER_EXIT_MS);
	conn_maybe_done(conn);
}

static void
conn_maybe_done(struct conn *conn)
{
	if (conn->exited && conn->master_eof && conn->out_eof &&
	    conn->err_eof)
		conn_done(conn);
}

/* A speculative connection ended before it won: nothing changes. */
static void
conn_spec_done(struct conn *conn)
{
	struct client	*c = conn->c;

	log_debug("speculative connection failed");
	c->spec = NULL;
	conn_free(conn);
	/* Whatever a probe said, that attempt failed: probe again. */
	c->probe_hold = 0;
	client_probes_update(c);
	if (c->conn != NULL)
		client_flush_pending(c);
	else if (!c->quitting) {
		c->attempts++;
		client_schedule_retry(c);
	}
}

static void
conn_done(struct conn *conn)
{
	struct client	*c = conn->c;
	struct end_info	 info;
	char		*errtext, buf[1024];
	size_t		 len, n;
	enum intent	 intent = conn->intent;
	int		 established = conn->established;
	int		 first = (c->connects == 1 && !established);
	double		 lived = elapsed_since(&conn->started);

	if (conn->speculative) {
		conn_spec_done(conn);
		return;
	}
	len = evbuffer_get_length(conn->errtext);
	errtext = xmalloc(len + 1);
	evbuffer_remove(conn->errtext, errtext, len);
	errtext[len] = '\0';
	classify_end(conn->wstatus, first, errtext, &info);
	free(errtext);

	c->conn = NULL;
	conn_free(conn);
	event_del(c->ev_echo);
	client_resend_unanswered(c);

	/* Whatever the remote turned on is undone: it cannot be undone there. */
	n = modes_reset(&c->modes, buf, sizeof buf);
	client_to_tty(c, buf, n);

	if (intent == INTENT_QUIT || c->quitting) {
		client_finish(c, EXIT_CLEAN, NULL);
		return;
	}
	if (intent == INTENT_RECONNECT) {
		log_debug("reconnecting at once");
		client_set_down(c, NULL);
		if (c->spec == NULL)
			conn_start(c, 0);
		return;
	}

	log_debug("connection ended: kind %d, status %d: %s", info.kind,
	    info.exit_status, info.reason);
	switch (info.kind) {
	case END_CLEAN:
		/*
		 * With a speculative connection under way, the detach was
		 * most likely its own attach taking the session over.
		 */
		if (c->spec != NULL)
			break;
		c->screen_left = 1;
		client_finish(c, EXIT_CLEAN, NULL);
		return;
	case END_REMOTE_EXIT:
		c->screen_left = 1;
		client_finish(c, info.exit_status,
		    c->set->mux == MUX_NONE ? NULL : info.reason);
		return;
	case END_FATAL:
		/* ssh's own words are on the screen already; say what it means. */
		snprintf(buf, sizeof buf, "%s: not reconnecting: %s",
		    c->opts->host, info.reason);
		client_finish(c, info.exit_status,
		    c->fatal_shown ? "giving up, reconnecting cannot fix this" :
		    buf);
		return;
	case END_TRANSIENT:
		break;
	}

	if (established && lived >= STABLE_CONNECTION_S)
		c->attempts = 0;
	else
		c->attempts++;
	c->probe_hold = 0;
	client_set_down(c, info.kind == END_TRANSIENT ? info.reason : NULL);
	/* A speculative connection already under way is the retry. */
	if (c->spec == NULL)
		client_schedule_retry(c);
}

/* Short at first, so a blip costs little; capped, and never giving up. */
static void
client_schedule_retry(struct client *c)
{
	static const long	 delays_ms[] = { 0, 250, 500, 1000, 2000 };
	size_t			 i = (size_t)c->attempts;

	if (i >= sizeof delays_ms / sizeof delays_ms[0])
		i = sizeof delays_ms / sizeof delays_ms[0] - 1;
	log_debug("retry %d in %ld ms", c->attempts, delays_ms[i]);
	evtimer_add_ms(c->ev_retry, delays_ms[i]);
}

static void
cb_retry(evutil_socket_t fd, short events, void *arg)
{
	struct client	*c = arg;

	if (c->conn == NULL && c->spec == NULL && !c->quitting)
		conn_start(c, 0);
}

/*
 * Before the first connection: can ssh's socket be watched, and where does
 * ssh connect? "ssh -G" answers the second without touching the network.
 */
static void
client_plan_path(struct client *c)
{
	c->tw.fd = -1;
	if (c->set->stall_timeout > 0 && tcpwatch_open(&c->tw) == -1)
		log_debug("ssh's socket cannot be watched here");
	c->direct = (probe_config(c->argv, c->probe_host,
	    sizeof c->probe_host, c->probe_port, sizeof c->probe_port) == 0);
	if (c->direct)
		log_debug("ssh connects to %s port %s", c->probe_host,
		    c->probe_port);
	else
		log_debug("ssh connects through a proxy (or ssh -G failed)");
}

/*
 * How far a connection got, as the kernel sees its socket: SYN_SENT while
 * it knocks (during an outage, in the kernel's backoff), ESTABLISHED once
 * the server answered, 0 before ssh opened a socket at all, -1 when this
 * system cannot tell.
 */
static int
conn_phase(struct client *c, struct conn *conn)
{
	if (conn->exited)
		return (0);
	return (tcpwatch_state(&c->tw, (long)conn->proc.pid));
}

/*
 * An attempt that reached the server (its socket is open) but whose login
 * gets no more answers: what ssh sent stays unacknowledged, resent, with
 * no acknowledgement for the stall timeout. ssh would give up by itself
 * only once its ConnectTimeout ran out, more than once over (10 s with
 * ConnectTimeout 5). An attempt waiting for the user (a password) sends
 * nothing, and is never taken for stalled.
 */
static int
conn_login_stalled(struct client *c, struct conn *conn)
{
	struct tcp_health	h;

	if (conn->established || conn->exited || conn->killing)
		return (0);
	if (tcpwatch_look(&c->tw, (long)conn->proc.pid, &h) != 1 ||
	    !tcpwatch_stalled(&h, c->set->stall_timeout))
		return (0);
	log_debug("connection of ssh pid %ld: no reply during login, %u "
	    "segments unacknowledged, %u resends, last acknowledgement %u ms "
	    "ago", (long)conn->proc.pid, h.unacked, h.retransmits,
	    h.last_ack_recv_ms);
	return (1);
}

/*
 * While connected: is ssh's socket stuck with data the server does not
 * acknowledge? Skipped while output flows, which proves the link works.
 * Asked once a second at most; on an idle link, where ssh's keepalive is
 * acknowledged each second, only when a stall could first be told (two
 * seconds after the last acknowledgement, with the default timeout), so
 * an idle limpet wakes about every other second, not every one.
 */
static void
cb_stall(evutil_socket_t fd, short events, void *arg)
{
	struct client		*c = arg;
	struct conn		*conn = c->conn;
	struct tcp_health	 h;
	struct timespec		 now;
	long			 ms, next = STALL_CHECK_MS;

	if (c->spec != NULL && conn_login_stalled(c, c->spec))
		conn_discard(c->spec);
	if (conn != NULL && conn_login_stalled(c, conn)) {
		client_set_down(c, "no reply during login");
		conn_kill(conn, INTENT_RECONNECT);
		goto again;
	}
	if (c->saw_output) {
		c->saw_output = 0;
		goto again;
	}
	if (conn == NULL || !conn->established || conn->exited ||
	    conn->killing || c->stalled)
		goto again;
	if (tcpwatch_health(&c->tw, (long)conn->proc.pid, &h) != 1)
		goto again;
	if (!tcpwatch_stalled(&h, c->set->stall_timeout)) {
		ms = tcpwatch_quiet_ms(&h, c->set->stall_timeout);
		if (ms > next)
			next = ms;
		goto again;
	}
	log_debug("stall: %u segments unacknowledged, %u resends, last "
	    "acknowledgement %u ms ago, rtt %u ms", h.unacked, h.retransmits,
	    h.last_ack_recv_ms, h.rtt_ms);
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = h.last_ack_recv_ms;
	c->stall_since.tv_sec = now.tv_sec - ms / 1000;
	c->stall_since.tv_nsec = now.tv_nsec - (ms % 1000) * 1000000L;
	if (c->stall_since.tv_nsec < 0) {
		c->stall_since.tv_sec--;
		c->stall_since.tv_nsec += 1000000000L;
	}
	c->stalled = 1;
	client_set_down(c, NULL);
	client_suspect(c, "no reply");
again:
	evtimer_add_ms(c->ev_stall, next);
}

/*
 * Something says the link may be gone. What to do depends on where we
 * are: waiting to retry, retry now; an attempt under way for a while,
 * start it afresh (a new one beats SYN backoff); a working connection,
 * race a speculative one against it.
 */
static void
client_suspect(struct client *c, const char *why)
{
	struct conn	*conn = c->conn;

	int		 phase;

	if (c->quitting)
		return;
	log_debug("suspect the link: %s", why);
	if (c->spec != NULL) {
		/*
		 * One still knocking is stuck where a fresh one would not be;
		 * one the server answered is left to finish. Where the kernel
		 * cannot be asked, age decides.
		 */
		phase = conn_phase(c, c->spec);
		if (phase == TCPWATCH_ESTABLISHED || phase == 0 ||
		    (phase == -1 && elapsed_since(&c->spec_started) <
		    SPEC_MIN_INTERVAL_S))
			return;
		conn_discard(c->spec);
	}
	if (conn == NULL) {
		event_del(c->ev_retry);
		c->attempts = 0;
		conn_start(c, 0);
		return;
	}
	if (!conn->established) {
		if (conn->killing)
			return;
		phase = conn_phase(c, conn);
		if (phase == TCPWATCH_SYN_SENT || (phase == -1 &&
		    elapsed_since(&conn->started) >= ATTEMPT_RESTART_S))
			conn_kill(conn, INTENT_RECONNECT);
		return;
	}
	if (conn->killing || conn->exited)
		return;
	c->conn_alive = 0;
	conn_start(c, 1);
}

/*
 * An event that makes the link doubtful (a new network, a wake from
 * sleep): say so on the notice at once, and race a fresh connection. The
 * notice goes as soon as either connection brings output.
 */
static void
client_trigger(struct client *c, const char *why)
{
	if (c->quitting)
		return;
	client_set_down(c, why);
	client_suspect(c, why);
}

static void
client_reconnect_now(struct client *c)
{
	log_debug("reconnect requested");
	if (c->spec != NULL)
		conn_discard(c->spec);
	event_del(c->ev_retry);
	c->attempts = 0;
	if (c->conn != NULL) {
		snprintf(c->down_reason, sizeof c->down_reason,
		    "reconnect requested");
		conn_kill(c->conn, INTENT_RECONNECT);
		return;
	}
	conn_start(c, 0);
}

/* --- watching for trouble ------------------------------------------------- */

/*
 * A wake from suspend: on Linux a timerfd on the real-time clock with
 * TFD_TIMER_CANCEL_ON_SET is told when the clock jumps, as it does on
 * resume; it costs no wake-up while nothing happens. Elsewhere, a check
 * once a second compares the clocks.
 */
static void
client_watch_start(struct client *c)
{
	struct timespec	mono, boot;

	c->timerfd = -1;
	c->nlfd = -1;
#ifdef __linux__
	{
		struct itimerspec	its;

		c->timerfd = timerfd_create(CLOCK_REALTIME,
		    TFD_NONBLOCK|TFD_CLOEXEC);
		if (c->timerfd != -1) {
			memset(&its, 0, sizeof its);
			/* Far in the future: only the cancel matters. */
			its.it_value.tv_sec = (time_t)1 << 40;
			if (timerfd_settime(c->timerfd, TFD_TIMER_ABSTIME |
			    TFD_TIMER_CANCEL_ON_SET, &its, NULL) == -1) {
				close(c->timerfd);
				c->timerfd = -1;
			}
		}
	}
#endif
	if (c->timerfd != -1) {
		c->ev_timerfd = event_new(c->base, c->timerfd,
		    EV_READ|EV_PERSIST, cb_timerfd, c);
		event_add(c->ev_timerfd, NULL);
	} else {
		wake_clocks(&mono, &boot);
		wake_init(&c->wake, &mono, &boot);
		c->ev_tick = event_new(c->base, -1, EV_PERSIST, cb_tick, c);
		{
			struct timeval	tv = ms_to_tv(TICK_MS);

			event_add(c->ev_tick, &tv);
		}
	}

	if (c->set->net_settle == 0)
		log_debug("network changes are ignored (NetworkSettle off)");
	else if ((c->nlfd = netwatch_open()) != -1) {
		c->netprint = netwatch_fingerprint();
		c->ev_netlink = event_new(c->base, c->nlfd, EV_READ|EV_PERSIST,
		    cb_netlink, c);
		event_add(c->ev_netlink, NULL);
	} else
		log_debug("no network change notifications here");
}

static void
client_watch_stop(struct client *c)
{
	if (c->ev_timerfd != NULL)
		event_free(c->ev_timerfd);
	if (c->timerfd != -1)
		close(c->timerfd);
	if (c->ev_tick != NULL)
		event_free(c->ev_tick);
	if (c->ev_netlink != NULL)
		event_free(c->ev_netlink);
	if (c->nlfd != -1)
		close(c->nlfd);
	free(c->netprint);
}

static void
cb_timerfd(evutil_socket_t fd, short events, void *arg)
{
	struct client		*c = arg;
	struct itimerspec	 its;
	uint64_t		 n;

	/* ECANCELED: the clock was set or the machine resumed. */
	if (read(fd, &n, sizeof n) == -1 && errno == ECANCELED) {
#ifdef __linux__
		memset(&its, 0, sizeof its);
		its.it_value.tv_sec = (time_t)1 << 40;
		timerfd_settime(fd, TFD_TIMER_ABSTIME|TFD_TIMER_CANCEL_ON_SET,
		    &its, NULL);
#else
		(void)its;
#endif
		client_trigger(c, "clock jumped (resumed from sleep?)");
	}
}

static void
cb_tick(evutil_socket_t fd, short events, void *arg)
{
	struct client	*c = arg;
	struct timespec	 mono, boot;

	wake_clocks(&mono, &boot);
	switch (wake_check(&c->wake, &mono, &boot, TICK_MS / 1000.0)) {
	case WAKE_SLEPT:
		client_trigger(c, "resumed from sleep");
		break;
	case WAKE_FROZEN:
		client_trigger(c, "resumed after being stopped");
		break;
	case WAKE_NONE:
		break;
	}
}

static void
cb_netlink(evutil_socket_t fd, short events, void *arg)
{
	struct client	*c = arg;

	if (netwatch_drain(fd))
		evtimer_add_ms(c->ev_net_settle, c->set->net_settle);
}

static void
cb_net_settle(evutil_socket_t fd, short events, void *arg)
{
	struct client	*c = arg;
	char		*now = netwatch_fingerprint();

	if (c->netprint != NULL && strcmp(now, c->netprint) == 0) {
		free(now);
		return;
	}
	free(c->netprint);
	c->netprint = now;
	client_trigger(c, "network changed");
}

/* --- probes for the network's return ------------------------------------- */

static void
cb_resolve(evutil_socket_t fd, short events, void *arg)
{
	struct client	*c = arg;

	c->target_ok = c->direct &&
	    probe_lookup(c->probe_host, c->probe_port, &c->target) == 0;
	if (c->target_ok)
		log_debug("probes go to %s (%d addresses)", c->target.label,
		    c->target.naddrs);
	else
		log_debug("no probes: no direct address for ssh's server");
}

static void
client_probe_close(struct probe *p)
{
	if (p->fd == -1)
		return;
	event_free(p->ev);
	p->ev = NULL;
	close(p->fd);
	p->fd = -1;
}

static void
client_probes_stop(struct client *c)
{
	int	i;

	event_del(c->ev_probe_timer);
	for (i = 0; i < PROBES_MAX; i++)
		client_probe_close(&c->probes[i]);
}

/*
 * Probe while the link is down, if there is an address to probe; but not
 * while the attempt a probe's answer started is under way, since every
 * probe costs the server a process.
 */
static void
client_probes_update(struct client *c)
{
	if (!c->down || !c->target_ok || c->quitting || c->probe_hold ||
	    c->set->probe_interval == 0) {
		client_probes_stop(c);
		return;
	}
	if (!evtimer_pending(c->ev_probe_timer, NULL))
		evtimer_add_ms(c->ev_probe_timer, 0);
}

static void
cb_probe_timer(evutil_socket_t fd, short events, void *arg)
{
	struct client	*c = arg;
	struct probe	*p;
	int		 i, slot = -1;

	for (i = 0; i < PROBES_MAX; i++) {
		p = &c->probes[i];
		if (p->fd != -1 &&
		    elapsed_since(&p->started) * 1000 > PROBE_GIVE_UP_MS)
			client_probe_close(p);
		if (p->fd == -1 && slot == -1)
			slot = i;
	}
	if (slot != -1) {
		p = &c->probes[slot];
		p->fd = probe_start(&c->target,
		    c->probe_next++ % c->target.naddrs);
		if (p->fd != -1) {
			clock_gettime(CLOCK_MONOTONIC, &p->started);
			p->ev = event_new(c->base, p->fd, EV_WRITE, cb_probe,
			    c);
			event_add(p->ev, NULL);
		}
	}
	evtimer_add_ms(c->ev_probe_timer,
	    elapsed_since(&c->down_since) < PROBE_FAST_FOR_S ?
	    (c->set->probe_interval < PROBE_MIN_MS ? PROBE_MIN_MS :
	    c->set->probe_interval) : PROBE_SLOW_MS);
}

static void
cb_probe(evutil_socket_t fd, short events, void *arg)
{
	struct client	*c = arg;
	int		 i, err = probe_result(fd);

	for (i = 0; i < PROBES_MAX; i++) {
		if (c->probes[i].fd == fd)
			client_probe_close(&c->probes[i]);
	}
	if (err != 0)
		return;
	log_debug("probe: %s answers", c->target.label);
	c->probe_hold = 1;
	client_probes_stop(c);
	client_suspect(c, "network is back");
}

/* --- the side channel ------------------------------------------------- */

/*
 * Ask the session for rows a jump of its pane skipped (scrollback.c says
 * what to run), through the ControlMaster of the connection the user sees:
 * no second login, and nothing at all once that connection is gone.
 */
static void
client_peek_start(struct client *c)
{
	char	**argv, *cmd;
	pid_t	  pid;
	int	  fd;
	struct timeval	tv = ms_to_tv(PEEK_TIMEOUT_MS);

	if (c->sb == NULL || c->peek_fd != -1 ||
	    (cmd = scrollback_peek_command(c->sb)) == NULL)
		return;
	if (c->conn == NULL || c->conn->ctl_path == NULL) {
		free(cmd);
		client_let_go(c);
		return;
	}
	argv = ssh_build_peek_argv(c->conn->ctl_path, c->opts->destination,
	    cmd);
	free(cmd);
	pid = spawn_reader(argv, &fd);
	ssh_free_argv(argv);
	if (pid == -1) {
		log_debug("peek: can't start ssh: %s", strerror(errno));
		client_let_go(c);
		return;
	}
	if (c->peek_pid > 0)
		kill(c->peek_pid, SIGKILL);	/* an old one, to be reaped */
	c->peek_pid = pid;
	c->peek_fd = fd;
	c->ev_peek = event_new(c->base, fd, EV_READ|EV_PERSIST, cb_peek, c);
	if (c->ev_peek == NULL)
		fatalx("out of memory");
	event_add(c->ev_peek, NULL);
	evtimer_add(c->ev_peek_timer, &tv);
	clock_gettime(CLOCK_MONOTONIC, &c->peek_started);
	log_debug("peek: pid %ld", (long)pid);
}

/* Stop reading the peek; stop the peek too if asked (it is reaped). */
static void
client_peek_close(struct client *c, int stop)
{
	if (c->peek_fd == -1)
		return;
	event_free(c->ev_peek);
	c->ev_peek = NULL;
	close(c->peek_fd);
	c->peek_fd = -1;
	evtimer_del(c->ev_peek_timer);
	if (stop && c->peek_pid > 0)
		kill(c->peek_pid, SIGTERM);
}

/* The peek is over; ok when its output is whole. */
static void
client_peek_end(struct client *c, int ok)
{
	if (c->peek_fd == -1)
		return;
	client_peek_close(c, !ok);
	log_debug("peek: %s after %.0f ms, %zu bytes", ok ? "done" : "failed",
	    elapsed_since(&c->peek_started) * 1000,
	    evbuffer_get_length(c->peek_out));
	client_peek_deliver(c, ok ? (const char *)evbuffer_pullup(c->peek_out,
	    -1) : NULL, evbuffer_get_length(c->peek_out));
	evbuffer_drain(c->peek_out, evbuffer_get_length(c->peek_out));
	/* The held output may have jumped again. */
	if (!c->quitting)
		client_peek_start(c);
}

/* Whatever is held for a peek goes out now, as it came. */
static void
client_let_go(struct client *c)
{
	if (c->sb == NULL || !scrollback_holding(c->sb))
		return;
	client_peek_close(c, 1);
	client_peek_deliver(c, NULL, 0);
}

/* The held output, with what the peek said (NULL: nothing), goes out. */
static void
client_peek_deliver(struct client *c, const char *answer, size_t len)
{
	const char	*out;
	size_t		 n;

	if (c->sb == NULL)
		return;
	n = scrollback_peek_done(c->sb, answer, len, &out);
	client_to_tty(c, out, n);
}

static void
cb_peek(evutil_socket_t fd, short events, void *arg)
{
	struct client	*c = arg;
	int		 n;

	n = evbuffer_read(c->peek_out, fd, 65536);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0)
		client_peek_end(c, n == 0);
	else if (evbuffer_get_length(c->peek_out) > PEEK_OUTPUT_MAX)
		client_peek_end(c, 0);
}

/* A word on the notice line for a while, unless the link goes down. */
static void
cb_flash(evutil_socket_t fd, short events, void *arg)
{
	struct client	*c = arg;
	struct winsize	 ws;
	char		 buf[1024];
	size_t		 n;

	if (c->flash_step == 0)
		return;
	if (c->down) {
		log_debug("notice: not said, the link is down: %s",
		    c->flash_text);
		return;
	}
	if (c->flash_step == 1) {
		/*
		 * Not before the multiplexer, told the block came, has drawn
		 * its screen (which would draw over the word at once) and
		 * stopped.
		 */
		if (c->flash_waited < FLASH_WAIT_MS &&
		    (c->flash_output || !c->flash_drew)) {
			if (c->flash_output)
				c->flash_drew = 1;
			c->flash_output = 0;
			c->flash_waited += FLASH_QUIET_MS;
			evtimer_add_ms(c->ev_flash, FLASH_QUIET_MS);
			return;
		}
		tty_get_size(&c->tty, &ws);
		n = notice_draw(buf, sizeof buf, ws.ws_row, ws.ws_col,
		    c->flash_text);
		if (n > 0) {
			client_to_tty(c, buf, n);
			c->notice_shown = 1;
		}
		log_debug("notice: %s", c->flash_text);
		c->flash_step = 2;
		evtimer_add_ms(c->ev_flash, FLASH_SHOW_MS);
		return;
	}
	c->flash_step = 0;
	client_erase_notice(c);
	/* The line was the multiplexer's (its status line): have it back. */
	client_redraw(c);
}

/*
 * Where output is stuck, for the log: whether ssh's output is read, what
 * waits unread in its pipe and for the terminal, and ssh's state (from
 * /proc on Linux: running, sleeping, stopped).
 */
static void
client_log_stuck(struct client *c, const char *what)
{
	char	path[64], stat[256], *state = NULL;
	int	waiting = -1, fd;
	ssize_t	n;

	if (c->conn != NULL) {
		if (ioctl(c->conn->proc.outfd, FIONREAD, &waiting) == -1)
			waiting = -1;
		snprintf(path, sizeof path, "/proc/%ld/stat",
		    (long)c->conn->proc.pid);
		if ((fd = open(path, O_RDONLY|O_CLOEXEC)) != -1) {
			if ((n = read(fd, stat, sizeof stat - 1)) > 0) {
				stat[n] = '\0';
				state = strrchr(stat, ')');
				if (state != NULL && state[1] == ' ')
					state += 2;
				else
					state = NULL;
			}
			close(fd);
		}
	}
	log_debug("%s; ssh's output %s, %d bytes in its pipe, %zu for the "
	    "terminal, ssh state %c", what, c->conn == NULL ?
	    "gone" : c->master_paused ? "paused" :
	    event_pending(c->conn->ev_out, EV_READ, NULL) ? "read" : "not read",
	    waiting, evbuffer_get_length(c->to_tty),
	    state != NULL && *state != '\0' ? *state : '?');
}

static void
cb_block(evutil_socket_t fd, short events, void *arg)
{
	struct client	*c = arg;
	const char	*out;
	size_t		 len;

	client_log_stuck(c, "replay: the block stopped coming");
	len = scrollback_expire(c->sb, &out);
	client_to_tty(c, out, len);
	client_flush_pending(c);
}

static void
cb_peek_timer(evutil_socket_t fd, short events, void *arg)
{
	struct client	*c = arg;

	log_debug("peek: no answer in time");
	client_peek_end(c, 0);
}

/* --- ending ------------------------------------------------------------ */

static void
client_quit(struct client *c)
{
	if (c->quitting)
		return;
	c->quitting = 1;
	log_debug("quitting");
	event_del(c->ev_retry);
	client_probes_stop(c);
	client_let_go(c);
	if (c->spec != NULL)
		conn_discard(c->spec);
	if (c->conn != NULL)
		conn_kill(c->conn, INTENT_QUIT);
	else
		client_finish(c, EXIT_CLEAN, NULL);
}

static void
client_finish(struct client *c, int status, const char *message)
{
	if (c->done)
		return;
	c->done = 1;
	c->exit_status = status;
	if (message != NULL && *message != '\0')
		c->exit_message = xstrdup(message);
	event_base_loopbreak(c->base);
}

/* Give the terminal back exactly as it was found. */
static void
client_cleanup(void)
{
	struct client	*c = cleanup_client;
	struct winsize	 ws;
	char		 buf[512];
	size_t		 n;

	if (c == NULL)
		return;
	cleanup_client = NULL;
	if (!c->tty_gone) {
		client_erase_notice(c);
		n = modes_reset(&c->modes, buf, sizeof buf);
		evbuffer_add(c->to_tty, buf, n);
		/*
		 * Without the alternate screen, the multiplexer's last screen
		 * stays; unless it tidied up itself, start below it.
		 */
		if (c->ever_established && !c->screen_left &&
		    c->modes.filter_altscreen) {
			tty_get_size(&c->tty, &ws);
			n = notice_leave_screen(buf, sizeof buf, ws.ws_row);
			evbuffer_add(c->to_tty, buf, n);
		}
	}
	tty_restore(&c->tty);
	log_debug("cleanup: %zu bytes left for the terminal",
	    evbuffer_get_length(c->to_tty));
	client_flush_tty(c);
}

/* --- signals ----------------------------------------------------------- */

static struct conn *
client_find_conn(struct client *c, pid_t pid)
{
	struct conn	*conn;

	if (c->conn != NULL && c->conn->proc.pid == pid)
		return (c->conn);
	if (c->spec != NULL && c->spec->proc.pid == pid)
		return (c->spec);
	LIST_FOREACH(conn, &c->dying, dying_entry) {
		if (conn->proc.pid == pid)
			return (conn);
	}
	return (NULL);
}

static void
client_reap(struct client *c)
{
	struct conn	*conn;
	pid_t		 pid;
	int		 status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (pid == c->peek_pid)
			c->peek_pid = -1;
		else if ((conn = client_find_conn(c, pid)) != NULL)
			conn_exited(conn, status);
		else
			log_debug("reaped pid %ld", (long)pid);
	}
}

static void
cb_signal(evutil_socket_t sig, short events, void *arg)
{
	struct client	*c = arg;
	struct winsize	 ws;

	switch (sig) {
	case SIGCHLD:
		client_reap(c);
		break;
	case SIGWINCH:
		tty_get_size(&c->tty, &ws);
		/* Held output was for the old size: out with it first. */
		client_let_go(c);
		if (c->sb != NULL)
			scrollback_resize(c->sb, ws.ws_row, ws.ws_col);
		if (c->conn != NULL)
			ioctl(c->conn->proc.master, TIOCSWINSZ, &ws);
		if (c->spec != NULL)
			ioctl(c->spec->proc.master, TIOCSWINSZ, &ws);
		if (c->down)
			client_update_notice(c);
		break;
	case SIGUSR1:
		client_reconnect_now(c);
		break;
	case SIGHUP:
		/* The terminal is gone; writing to it would only fail. */
		c->tty_gone = 1;
		client_quit(c);
		break;
	case SIGTERM:
	case SIGINT:
		client_quit(c);
		break;
	case SIGCONT:
		/* Stopped from outside (not by ~^Z): the terminal was reset. */
		if (c->tty.raw) {
			c->tty.raw = 0;
			tty_raw(&c->tty);
		}
		/*
		 * After ~^Z only limpet was stopped; ssh kept its link, so
		 * there is nothing to suspect.
		 */
		if (c->self_stopped)
			c->self_stopped = 0;
		else
			client_trigger(c, "resumed after being stopped");
		break;
	}
}

/* --- main -------------------------------------------------------------- */

int
client_main(struct options *opts, struct settings *set, const char *remote)
{
	static const int	 sigs[] = { SIGCHLD, SIGWINCH, SIGUSR1, SIGHUP,
				     SIGTERM, SIGINT, SIGCONT };
	struct client		*c;
	struct conn		*conn;
	struct event_config	*cfg;
	struct winsize		 ws;
	size_t			 i;
	int			 status;

	c = xcalloc(1, sizeof *c);
	c->opts = opts;
	c->set = set;
	c->remote = remote;
	c->peek_pid = -1;
	c->peek_fd = -1;
	LIST_INIT(&c->dying);
	for (i = 0; i < PROBES_MAX; i++)
		c->probes[i].fd = -1;
	c->argv = ssh_build_argv(opts, set, remote, 0);
	client_plan_path(c);
	/*
	 * A hop on this machine (a port forward, a local proxy) ends TCP
	 * before the server: its socket says nothing of the link.
	 */
	c->watch_stalls = c->tw.fd != -1 && set->stall_timeout > 0 &&
	    c->direct && !probe_is_loopback(c->probe_host);
	if (set->alive_count_max == ALIVE_COUNT_AUTO) {
		/* The watch keeps stalls in sight: ssh may hold on longer. */
		set->alive_count_max = c->watch_stalls ?
		    DEFAULT_ALIVE_COUNT_WATCHED : DEFAULT_ALIVE_COUNT_MAX;
		ssh_free_argv(c->argv);
		c->argv = ssh_build_argv(opts, set, remote, 0);
	}
	c->argv_batch = ssh_build_argv(opts, set, remote, 1);
	for (i = 0; c->argv[i] != NULL; i++)
		log_debug("argv[%zu] = %s", i, c->argv[i]);

	if (tty_init(&c->tty, STDIN_FILENO, STDOUT_FILENO) == -1)
		fatal("can't read the terminal's settings");
	escape_init(&c->esc, set->escape_char);
	modes_init(&c->modes, set->mux != MUX_NONE &&
	    set->scrollback == SCROLLBACK_NATIVE);
	if (c->modes.filter_altscreen && session_expand(set->session,
	    opts->host, c->session, sizeof c->session, NULL, 0) == 0) {
		tty_get_size(&c->tty, &ws);
		c->sb = scrollback_new(ws.ws_row, ws.ws_col);
		/*
		 * tmux may skip rows of a burst; each connection is then a
		 * ControlMaster of its own, to ask it for them.
		 */
		if (set->mux != MUX_SCREEN &&
		    (c->ctl_dir = client_ctl_dir()) != NULL)
			scrollback_set_peek(c->sb, c->session);
	}
	notice_init(STDOUT_FILENO);

	/* Terminals are not pollable with kqueue on some systems. */
	if ((cfg = event_config_new()) == NULL)
		fatalx("event_config_new failed");
	event_config_avoid_method(cfg, "kqueue");
	/*
	 * Timeouts count from the clock, not from when the callback that
	 * set them began: a long one (a replay block of thousands of rows)
	 * would otherwise cut the next timeouts short by its own length.
	 */
	event_config_set_flag(cfg, EVENT_BASE_FLAG_NO_CACHE_TIME);
	c->base = event_base_new_with_config(cfg);
	event_config_free(cfg);
	if (c->base == NULL)
		fatalx("can't start the event loop");

	signal(SIGPIPE, SIG_IGN);
	c->to_tty = evbuffer_new();
	c->pending_input = evbuffer_new();
	c->unanswered = evbuffer_new();
	c->echo_min_us = -1;
	c->ev_tty_read = event_new(c->base, c->tty.in, EV_READ|EV_PERSIST,
	    cb_tty_read, c);
	c->ev_tty_write = event_new(c->base, c->tty.out, EV_WRITE|EV_PERSIST,
	    cb_tty_write, c);
	c->ev_retry = evtimer_new(c->base, cb_retry, c);
	c->ev_notice = evtimer_new(c->base, cb_notice, c);
	c->ev_echo = evtimer_new(c->base, cb_echo, c);
	c->ev_stall = evtimer_new(c->base, cb_stall, c);
	c->ev_net_settle = evtimer_new(c->base, cb_net_settle, c);
	c->ev_resolve = evtimer_new(c->base, cb_resolve, c);
	c->ev_probe_timer = evtimer_new(c->base, cb_probe_timer, c);
	c->ev_peek_timer = evtimer_new(c->base, cb_peek_timer, c);
	c->ev_block = evtimer_new(c->base, cb_block, c);
	c->ev_flash = evtimer_new(c->base, cb_flash, c);
	c->peek_out = evbuffer_new();
	if (c->ev_peek_timer == NULL || c->peek_out == NULL ||
	    c->ev_block == NULL || c->ev_flash == NULL ||
	    c->to_tty == NULL || c->pending_input == NULL ||
	    c->unanswered == NULL ||
	    c->ev_tty_read == NULL || c->ev_tty_write == NULL ||
	    c->ev_retry == NULL || c->ev_notice == NULL ||
	    c->ev_echo == NULL || c->ev_stall == NULL ||
	    c->ev_net_settle == NULL ||
	    c->ev_resolve == NULL || c->ev_probe_timer == NULL)
		fatalx("out of memory");
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		c->ev_signals[i] = evsignal_new(c->base, sigs[i], cb_signal, c);
		if (c->ev_signals[i] == NULL ||
		    evsignal_add(c->ev_signals[i], NULL) == -1)
			fatalx("can't watch signal %d", sigs[i]);
	}
	client_watch_start(c);

	cleanup_client = c;
	log_set_cleanup(client_cleanup);
	if (tty_raw(&c->tty) == -1)
		fatal("can't put the terminal in raw mode");
	event_add(c->ev_tty_read, NULL);

	conn_start(c, 0);
	event_base_dispatch(c->base);

	client_cleanup();
	log_set_cleanup(NULL);
	if (c->exit_message != NULL)
		fprintf(stderr, "limpet: %s\n", c->exit_message);
	status = c->exit_status;
	log_debug("exit %d", status);

	/* Nothing is left behind: every ssh is stopped and reaped. */
	if (c->spec != NULL)
		conn_discard(c->spec);
	if (c->conn != NULL)
		conn_discard(c->conn);
	while ((conn = LIST_FIRST(&c->dying)) != NULL) {
		kill(conn->proc.pid, SIGKILL);
		waitpid(conn->proc.pid, NULL, 0);
		LIST_REMOVE(conn, dying_entry);
		conn_free(conn);
	}
	client_probes_stop(c);
	client_watch_stop(c);
	client_peek_close(c, 0);
	if (c->peek_pid > 0) {
		kill(c->peek_pid, SIGKILL);
		waitpid(c->peek_pid, NULL, 0);
	}
	event_free(c->ev_peek_timer);
	event_free(c->ev_block);
	event_free(c->ev_flash);
	evbuffer_free(c->peek_out);
	free(c->ctl_dir);
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		event_free(c->ev_signals[i]);
	event_free(c->ev_tty_read);
	event_free(c->ev_tty_write);
	event_free(c->ev_retry);
	event_free(c->ev_notice);
	event_free(c->ev_echo);
	event_free(c->ev_stall);
	tcpwatch_close(&c->tw);
	event_free(c->ev_net_settle);
	event_free(c->ev_resolve);
	event_free(c->ev_probe_timer);
	evbuffer_free(c->to_tty);
	evbuffer_free(c->pending_input);
	evbuffer_free(c->unanswered);
	event_base_free(c->base);
	scrollback_free(c->sb);
	ssh_free_argv(c->argv);
	ssh_free_argv(c->argv_batch);
	free(c->exit_message);
	free(c);
	return (status);
}
