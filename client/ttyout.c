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

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "limpet.h"

/*
 * Output the terminal does not take at once, written by a thread of its
 * own through a blocking open file description of the same terminal.
 *
 * A terminal takes a few KiB per wake-up. Written without blocking from
 * the event loop, a burst costs a write, an epoll_wait and often an
 * epoll_ctl per few KiB; a blocking write lets the kernel do that waiting
 * itself, in one call per batch. In the loop it would hold keys and
 * escapes up behind a terminal that is slow or stopped (^S), hence the
 * thread.
 *
 * The loop appends to a queue; the writer takes batches off its front and
 * writes them, with no trip through the loop between batches. Both touch
 * the queue only under the mutex, and the writer alone its batch. The
 * loop writes to the terminal itself only when nothing is queued or being
 * written, so bytes reach the terminal in the order they were given. A
 * byte on a pipe wakes the loop when it asked to hear of the backlog
 * falling below a mark, and when a write failed.
 */

struct ttyout {
	int		 fd;		/* the terminal, blocking, ours */
	int		 wake[2];	/* a byte: see ttyout_want_below */
	pthread_t	 thread;
	pthread_mutex_t	 lock;
	pthread_cond_t	 cond;
	/* Under the lock: */
	struct evbuffer	*queue;
	size_t		 writing;	/* the batch being written */
	size_t		 below;		/* wake the loop under this, or 0 */
	int		 err;		/* the first write error, kept */
	int		 quit;
	/* The writer's: */
	struct evbuffer	*batch;
};

#define TTYOUT_STACK	(256 * 1024)
#define TTYOUT_BATCH	(64 * 1024)	/* taken off the queue at once */

static int
ttyout_reopen(int fd)
{
	char		 name[PATH_MAX];
	struct stat	 was, now;
	int		 new;

	if (!isatty(fd) || ttyname_r(fd, name, sizeof name) != 0 ||
	    fstat(fd, &was) == -1)
		return (-1);
	if ((new = open(name, O_WRONLY|O_NOCTTY|O_CLOEXEC)) == -1)
		return (-1);
	/* The name may have been reused since; only the same one will do. */
	if (fstat(new, &now) == -1 || now.st_rdev != was.st_rdev) {
		close(new);
		errno = ENXIO;
		return (-1);
	}
	return (new);
}

/* Under the lock: wake the loop. */
static void
ttyout_wake(struct ttyout *t)
{
	char	byte = 0;

	/* A full pipe already has the loop's attention. */
	while (write(t->wake[1], &byte, 1) == -1 && errno == EINTR)
		;
}

static void *
ttyout_main(void *arg)
{
	struct ttyout	*t = arg;
	ssize_t		 n;
	size_t		 left;
	int		 err;

	pthread_mutex_lock(&t->lock);
	for (;;) {
		while (!t->quit && evbuffer_get_length(t->queue) == 0)
			pthread_cond_wait(&t->cond, &t->lock);
		if (t->quit)
			break;
		evbuffer_remove_buffer(t->queue, t->batch, TTYOUT_BATCH);
		t->writing = evbuffer_get_length(t->batch);
		pthread_mutex_unlock(&t->lock);

		err = 0;
		while (evbuffer_get_length(t->batch) > 0) {
			n = evbuffer_write(t->batch, t->fd);
			if (n > 0 || (n == -1 && errno == EINTR))
				continue;
			err = n == 0 ? EIO : errno;
			evbuffer_drain(t->batch, evbuffer_get_length(t->batch));
			break;
		}

		pthread_mutex_lock(&t->lock);
		t->writing = 0;
		if (err != 0) {
			/* Nobody is left to read the rest. */
			t->err = err;
			evbuffer_drain(t->queue, evbuffer_get_length(t->queue));
			ttyout_wake(t);
		}
		left = evbuffer_get_length(t->queue);
		if (t->below != 0 && left < t->below) {
			t->below = 0;
			ttyout_wake(t);
		}
		if (left == 0)
			pthread_cond_broadcast(&t->cond);
	}
	pthread_mutex_unlock(&t->lock);
	return (NULL);
}

/*
 * A writer for the terminal on fd, or NULL (errno set) where there cannot
 * be one: the caller then writes from its loop.
 */
struct ttyout *
ttyout_open(int fd)
{
	struct ttyout	*t;
	pthread_attr_t	 attr;
	sigset_t	 all, old;
	int		 error, saved, locks = 0;

	t = xcalloc(1, sizeof *t);
	t->wake[0] = t->wake[1] = -1;
	if ((t->fd = ttyout_reopen(fd)) == -1)
		goto fail;
	if (pipe(t->wake) == -1)
		goto fail;
	if (fcntl(t->wake[0], F_SETFD, FD_CLOEXEC) == -1 ||
	    fcntl(t->wake[1], F_SETFD, FD_CLOEXEC) == -1 ||
	    fcntl(t->wake[0], F_SETFL, O_NONBLOCK) == -1 ||
	    fcntl(t->wake[1], F_SETFL, O_NONBLOCK) == -1)
		goto fail;
	if ((t->queue = evbuffer_new()) == NULL ||
	    (t->batch = evbuffer_new()) == NULL) {
		errno = ENOMEM;
		goto fail;
	}
	if ((error = pthread_mutex_init(&t->lock, NULL)) != 0 ||
	    (error = pthread_cond_init(&t->cond, NULL)) != 0) {
		errno = error;
		goto fail;
	}
	locks = 1;
	/* Signals are the loop's: the writer takes none. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, TTYOUT_STACK);
	error = pthread_create(&t->thread, &attr, ttyout_main, t);
	pthread_attr_destroy(&attr);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (error != 0) {
		errno = error;
		goto fail;
	}
	return (t);

fail:
	saved = errno;
	if (locks) {
		pthread_mutex_destroy(&t->lock);
		pthread_cond_destroy(&t->cond);
	}
	if (t->queue != NULL)
		evbuffer_free(t->queue);
	if (t->batch != NULL)
		evbuffer_free(t->batch);
	if (t->fd != -1)
		close(t->fd);
	if (t->wake[0] != -1) {
		close(t->wake[0]);
		close(t->wake[1]);
	}
	free(t);
	errno = saved;
	return (NULL);
}

/* Readable when the loop should look: call ttyout_woken. */
int
ttyout_wake_fd(struct ttyout *t)
{
	return (t->wake[0]);
}

/* Empty the wake-up pipe; 0, or the error a write failed with. */
int
ttyout_woken(struct ttyout *t)
{
	char	buf[64];
	int	err;

	while (read(t->wake[0], buf, sizeof buf) > 0)
		;
	pthread_mutex_lock(&t->lock);
	err = t->err;
	pthread_mutex_unlock(&t->lock);
	return (err);
}

/* Bytes queued or being written: 0 when the loop may write itself. */
size_t
ttyout_backlog(struct ttyout *t)
{
	size_t	n;

	pthread_mutex_lock(&t->lock);
	n = evbuffer_get_length(t->queue) + t->writing;
	pthread_mutex_unlock(&t->lock);
	return (n);
}

/* Queue a copy of data. After a failed write, nothing is queued. */
void
ttyout_add(struct ttyout *t, const void *data, size_t len)
{
	pthread_mutex_lock(&t->lock);
	if (t->err == 0) {
		evbuffer_add(t->queue, data, len);
		pthread_cond_broadcast(&t->cond);
	}
	pthread_mutex_unlock(&t->lock);
}

/* Queue all of q, moved rather than copied; q is left empty. */
void
ttyout_add_buffer(struct ttyout *t, struct evbuffer *q)
{
	pthread_mutex_lock(&t->lock);
	if (t->err == 0) {
		evbuffer_add_buffer(t->queue, q);
		pthread_cond_broadcast(&t->cond);
	}
	pthread_mutex_unlock(&t->lock);
	evbuffer_drain(q, evbuffer_get_length(q));
}

/* Wake the loop once the backlog is under mark (at once if it is). */
void
ttyout_want_below(struct ttyout *t, size_t mark)
{
	pthread_mutex_lock(&t->lock);
	if (evbuffer_get_length(t->queue) + t->writing < mark || t->err != 0)
		ttyout_wake(t);
	else
		t->below = mark;
	pthread_mutex_unlock(&t->lock);
}

/* Block until everything queued is written or a write failed. */
int
ttyout_drain(struct ttyout *t)
{
	int	err;

	pthread_mutex_lock(&t->lock);
	while (t->err == 0 &&
	    (evbuffer_get_length(t->queue) > 0 || t->writing > 0))
		pthread_cond_wait(&t->cond, &t->lock);
	err = t->err;
	pthread_mutex_unlock(&t->lock);
	return (err);
}

/* Write out what is queued, then stop the writer. */
void
ttyout_close(struct ttyout *t)
{
	if (t == NULL)
		return;
	(void)ttyout_drain(t);
	pthread_mutex_lock(&t->lock);
	t->quit = 1;
	pthread_cond_broadcast(&t->cond);
	pthread_mutex_unlock(&t->lock);
	pthread_join(t->thread, NULL);
	pthread_mutex_destroy(&t->lock);
	pthread_cond_destroy(&t->cond);
	evbuffer_free(t->queue);
	evbuffer_free(t->batch);
	close(t->fd);
	close(t->wake[0]);
	close(t->wake[1]);
	free(t);
}
