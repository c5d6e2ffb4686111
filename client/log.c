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
#include <sys/time.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "limpet.h"

/*
 * No log file unless one is asked for. The log never holds what the user
 * typed: callers log events and lengths, never input bytes. log_debug
 * records what limpet did; log_verbose adds the detail --debug asks for
 * (how the config file was read, terminal capabilities, and the like).
 */
static FILE	*log_file;
static int	 log_verbose_on;
static void	(*log_cleanup)(void);

/*
 * Open the log for appending. A symbolic link is refused, so a link
 * planted at a predictable path cannot make limpet write elsewhere.
 * Returns -1 with errno set on failure.
 */
int
log_open(const char *path)
{
	int	fd, saved_errno;

	fd = open(path, O_WRONLY|O_CREAT|O_APPEND|O_CLOEXEC|O_NOFOLLOW|
	    O_NOCTTY, 0600);
	if (fd == -1)
		return (-1);
	/* An existing file keeps its mode from open(); make it private. */
	if (fchmod(fd, 0600) == -1 || (log_file = fdopen(fd, "a")) == NULL) {
		saved_errno = errno;
		close(fd);
		errno = saved_errno;
		return (-1);
	}
	setvbuf(log_file, NULL, _IOLBF, 0);
	return (0);
}

void
log_close(void)
{
	if (log_file != NULL)
		fclose(log_file);
	log_file = NULL;
}

void
log_set_verbose(int on)
{
	log_verbose_on = on;
}

/* Whether detail is wanted, so callers can skip work to produce it. */
int
log_is_verbose(void)
{
	return (log_file != NULL && log_verbose_on);
}

void
log_set_cleanup(void (*cleanup)(void))
{
	log_cleanup = cleanup;
}

static void
log_vwrite(const char *fmt, va_list ap)
{
	struct timeval	tv;
	struct tm	tm;
	char		stamp[32];

	if (log_file == NULL)
		return;
	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm);
	fprintf(log_file, "%s.%03ld [%ld] ", stamp, (long)tv.tv_usec / 1000,
	    (long)getpid());
	vfprintf(log_file, fmt, ap);
	fputc('\n', log_file);
}

void
log_debug(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(fmt, ap);
	va_end(ap);
}

void
log_verbose(const char *fmt, ...)
{
	va_list	ap;

	if (!log_verbose_on)
		return;
	va_start(ap, fmt);
	log_vwrite(fmt, ap);
	va_end(ap);
}

static dead void
log_fatal(int with_errno, const char *fmt, va_list ap)
{
	char	msg[1024];
	int	saved_errno = errno;

	vsnprintf(msg, sizeof msg, fmt, ap);
	/* The terminal comes back first, so the message is readable. */
	if (log_cleanup != NULL)
		log_cleanup();
	if (with_errno) {
		fprintf(stderr, "limpet: %s: %s\n", msg, strerror(saved_errno));
		log_debug("fatal: %s: %s", msg, strerror(saved_errno));
	} else {
		fprintf(stderr, "limpet: %s\n", msg);
		log_debug("fatal: %s", msg);
	}
	log_close();
	exit(EXIT_INTERNAL);
}

void
fatal(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_fatal(1, fmt, ap);
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_fatal(0, fmt, ap);
}
