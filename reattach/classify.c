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
#include <sys/wait.h>

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "limpet.h"

/*
 * Why an ssh connection ended, from its exit status and what it wrote to
 * stderr. ssh exits 255 for all of its own failures, so only the wording
 * tells a wrong password (reconnecting forever would be wrong) from a
 * dropped link (reconnecting is the whole point). Texts are those of
 * OpenSSH 9.2 on Linux, plus the BSD and macOS resolver phrasings.
 */

/* Only at the start of the line. */
#define PATTERN_START	0x1
/*
 * A name lookup failure: on the first connection it means a mistyped or
 * unknown host, but once the host has been reached it is the network
 * (macOS reports "nodename nor servname provided" for every name while
 * offline), so a reconnect treats it as transient.
 */
#define PATTERN_LOOKUP	0x2

struct pattern {
	const char	*text;
	enum line_kind	 kind;
	int		 flags;
	const char	*also;		/* must be in the line as well */
};

/* Fatal patterns come first: a line matching both is fatal. */
static const struct pattern patterns[] = {
	{ "Permission denied (", LINE_FATAL, 0, NULL },
	{ "Host key verification failed.", LINE_FATAL, 0, NULL },
	{ "REMOTE HOST IDENTIFICATION HAS CHANGED", LINE_FATAL, 0, NULL },
	{ "Name or service not known", LINE_FATAL, PATTERN_LOOKUP, NULL },
	{ "nodename nor servname provided", LINE_FATAL, PATTERN_LOOKUP, NULL },
	{ "No address associated with hostname", LINE_FATAL,
	    PATTERN_LOOKUP, NULL },
	{ "Unable to negotiate", LINE_FATAL, 0, NULL },
	{ "missing or unsuitable terminal", LINE_FATAL, 0, NULL },
	{ "Bad configuration option", LINE_FATAL, 0, NULL },
	{ "bad configuration options", LINE_FATAL, 0, NULL },
	{ "command-line line ", LINE_FATAL, PATTERN_START, NULL },
	{ "command-line: line ", LINE_FATAL, PATTERN_START, NULL },
	{ "no argument after keyword", LINE_FATAL, 0, NULL },
	{ "Too many authentication failures", LINE_FATAL, 0, NULL },
	{ "Bad owner or permissions on", LINE_FATAL, 0, NULL },

	{ "Timeout, server", LINE_TRANSIENT, 0, NULL },
	{ "Connection refused", LINE_TRANSIENT, 0, NULL },
	{ "Connection timed out", LINE_TRANSIENT, 0, NULL },
	{ "Operation timed out", LINE_TRANSIENT, 0, NULL },
	{ "Connection to ", LINE_TRANSIENT, PATTERN_START, " timed out" },
	{ "Network is unreachable", LINE_TRANSIENT, 0, NULL },
	{ "Network is down", LINE_TRANSIENT, 0, NULL },
	{ "No route to host", LINE_TRANSIENT, 0, NULL },
	{ "Host is down", LINE_TRANSIENT, 0, NULL },
	{ "Temporary failure in name resolution", LINE_TRANSIENT, 0, NULL },
	{ "Connection closed by", LINE_TRANSIENT, 0, NULL },
	{ "Connection reset by", LINE_TRANSIENT, 0, NULL },
	{ "closed by remote host", LINE_TRANSIENT, 0, NULL },
	{ "Broken pipe", LINE_TRANSIENT, 0, NULL },
	{ "kex_exchange_identification", LINE_TRANSIENT, 0, NULL },
	{ "Software caused connection abort", LINE_TRANSIENT, 0, NULL },
	{ "Can't assign requested address", LINE_TRANSIENT, 0, NULL },
	{ "Cannot assign requested address", LINE_TRANSIENT, 0, NULL },
	{ "client_loop: send disconnect", LINE_TRANSIENT, 0, NULL }
};

/* Signal names for the notice; strsignal() gives descriptions instead. */
static const struct {
	int		 sig;
	const char	*name;
} signames[] = {
	{ SIGHUP, "SIGHUP" },
	{ SIGINT, "SIGINT" },
	{ SIGQUIT, "SIGQUIT" },
	{ SIGILL, "SIGILL" },
	{ SIGABRT, "SIGABRT" },
	{ SIGBUS, "SIGBUS" },
	{ SIGFPE, "SIGFPE" },
	{ SIGKILL, "SIGKILL" },
	{ SIGSEGV, "SIGSEGV" },
	{ SIGPIPE, "SIGPIPE" },
	{ SIGALRM, "SIGALRM" },
	{ SIGTERM, "SIGTERM" },
	{ SIGUSR1, "SIGUSR1" },
	{ SIGUSR2, "SIGUSR2" }
};

static size_t	 classify_length(const char *, size_t);
static int	 classify_contains(const char *, size_t, const char *);
static int	 classify_is_closed(const char *, size_t);
static const struct pattern *classify_match(const char *, size_t);
static void	 classify_reason(struct end_info *, const char *, size_t);
static const char *classify_signame(int);

/* The length of a line without its trailing CR and LF. */
static size_t
classify_length(const char *line, size_t len)
{
	while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == '\n'))
		len--;
	return (len);
}

static int
classify_contains(const char *line, size_t len, const char *text)
{
	size_t	 tlen = strlen(text), i;

	if (tlen > len)
		return (0);
	for (i = 0; i + tlen <= len; i++) {
		if (memcmp(line + i, text, tlen) == 0)
			return (1);
	}
	return (0);
}

/*
 * ssh's own "Connection to HOST closed." after the remote side ended the
 * session normally: exactly that, a host without spaces, and nothing else
 * ("Connection to HOST closed by remote host." is a failure).
 */
static int
classify_is_closed(const char *line, size_t len)
{
	static const char	 prefix[] = "Connection to ";
	static const char	 suffix[] = " closed.";
	size_t			 plen = sizeof prefix - 1;
	size_t			 slen = sizeof suffix - 1, i;

	if (len <= plen + slen)
		return (0);
	if (memcmp(line, prefix, plen) != 0 ||
	    memcmp(line + len - slen, suffix, slen) != 0)
		return (0);
	for (i = plen; i < len - slen; i++) {
		if (line[i] == ' ')
			return (0);
	}
	return (1);
}

static const struct pattern *
classify_match(const char *line, size_t len)
{
	const struct pattern	*p;
	size_t			 i, plen;

	for (i = 0; i < sizeof patterns / sizeof patterns[0]; i++) {
		p = &patterns[i];
		plen = strlen(p->text);
		if (p->flags & PATTERN_START) {
			if (len < plen || memcmp(line, p->text, plen) != 0)
				continue;
		} else if (!classify_contains(line, len, p->text))
			continue;
		if (p->also != NULL && !classify_contains(line, len, p->also))
			continue;
		return (p);
	}
	return (NULL);
}

enum line_kind
classify_line(const char *line)
{
	const struct pattern	*p;
	size_t			 len;

	if (line == NULL)
		return (LINE_OTHER);
	len = classify_length(line, strlen(line));
	if (classify_is_closed(line, len))
		return (LINE_NOISE);
	if ((p = classify_match(line, len)) == NULL)
		return (LINE_OTHER);
	return (p->kind);
}

/*
 * Copy a line of ssh's into the reason, as ssh worded it but without
 * what would read badly inside limpet's own sentence: the "ssh: " prefix,
 * the "@" frame of the host key warning, surrounding blanks and a final
 * period.
 */
static void
classify_reason(struct end_info *info, const char *line, size_t len)
{
	while (len > 0 && (*line == ' ' || *line == '\t' || *line == '@')) {
		line++;
		len--;
	}
	if (len >= 5 && memcmp(line, "ssh: ", 5) == 0) {
		line += 5;
		len -= 5;
	}
	while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t' ||
	    line[len - 1] == '@' || line[len - 1] == '.' ||
	    line[len - 1] == '\r'))
		len--;
	if (len >= sizeof info->reason)
		len = sizeof info->reason - 1;
	memcpy(info->reason, line, len);
	info->reason[len] = '\0';
}

static const char *
classify_signame(int sig)
{
	size_t	 i;

	for (i = 0; i < sizeof signames / sizeof signames[0]; i++) {
		if (signames[i].sig == sig)
			return (signames[i].name);
	}
	return (NULL);
}

void
classify_end(int wstatus, int first_attempt, const char *stderr_text,
    struct end_info *info)
{
	const struct pattern	*p;
	const char		*line, *next, *name;
	const char		*fatal = NULL, *transient = NULL, *last = NULL;
	const char		*mine = NULL;
	size_t			 len, fatal_len = 0, transient_len = 0;
	size_t			 last_len = 0, mine_len = 0;
	int			 status, sig;

	memset(info, 0, sizeof *info);

	if (WIFSIGNALED(wstatus)) {
		sig = WTERMSIG(wstatus);
		info->kind = END_TRANSIENT;
		info->exit_status = 128 + sig;
		if ((name = classify_signame(sig)) != NULL) {
			snprintf(info->reason, sizeof info->reason,
			    "ssh was killed by signal %d (%s)", sig, name);
		} else {
			snprintf(info->reason, sizeof info->reason,
			    "ssh was killed by signal %d", sig);
		}
		return;
	}
	if (!WIFEXITED(wstatus)) {
		/* Not from a plain waitpid(), but never loop on it. */
		info->kind = END_TRANSIENT;
		info->exit_status = EXIT_SSH_ERROR;
		snprintf(info->reason, sizeof info->reason,
		    "ssh ended with wait status %#x", (unsigned)wstatus);
		return;
	}
	status = WEXITSTATUS(wstatus);
	info->exit_status = status;
	if (status == 0) {
		info->kind = END_CLEAN;
		return;
	}

	/*
	 * Walk the lines and remember the last fatal one, the last
	 * transient one, the last of anything that is not noise, and the
	 * last line limpet's remote command wrote itself.
	 */
	for (line = stderr_text; line != NULL && *line != '\0'; line = next) {
		next = strchr(line, '\n');
		len = (next != NULL) ? (size_t)(next - line) : strlen(line);
		if (next != NULL)
			next++;
		len = classify_length(line, len);
		if (len == 0 || classify_is_closed(line, len))
			continue;
		last = line;
		last_len = len;
		if (len > 8 && memcmp(line, "limpet: ", 8) == 0) {
			mine = line;
			mine_len = len;
		}
		if ((p = classify_match(line, len)) == NULL)
			continue;
		if (p->kind == LINE_FATAL &&
		    (first_attempt || (~p->flags & PATTERN_LOOKUP))) {
			fatal = line;
			fatal_len = len;
		} else {
			transient = line;
			transient_len = len;
		}
	}

	if (status != EXIT_SSH_ERROR) {
		/*
		 * The remote command's own status. Its messages normally go
		 * to the terminal, but if one reached stderr it says more
		 * than a number.
		 */
		info->kind = END_REMOTE_EXIT;
		if (mine != NULL)
			classify_reason(info, mine, mine_len);
		else if (fatal != NULL)
			classify_reason(info, fatal, fatal_len);
		else if (status == 127) {
			snprintf(info->reason, sizeof info->reason,
			    "tmux or screen was not found on the remote host "
			    "(status 127)");
		} else {
			snprintf(info->reason, sizeof info->reason,
			    "the remote command exited with status %d", status);
		}
		return;
	}

	if (fatal != NULL) {
		info->kind = END_FATAL;
		classify_reason(info, fatal, fatal_len);
	} else if (transient != NULL) {
		info->kind = END_TRANSIENT;
		classify_reason(info, transient, transient_len);
	} else if (first_attempt) {
		/*
		 * An unknown failure before any session existed is almost
		 * always a setup problem: say it and stop, never loop.
		 */
		info->kind = END_FATAL;
		if (last != NULL)
			classify_reason(info, last, last_len);
		else {
			snprintf(info->reason, sizeof info->reason,
			    "ssh exited with status %d", status);
		}
	} else {
		/* The remote end killed by a signal looks like this too. */
		info->kind = END_TRANSIENT;
		snprintf(info->reason, sizeof info->reason,
		    "ssh exited with status %d", status);
	}
}
