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
#include <stdlib.h>
#include <unistd.h>

#include "limpet.h"
#include "tests/unit/unit.h"

/*
 * Lines as OpenSSH 9.2p1 on Linux wrote them here: against a throwaway
 * sshd, a listener that closes or resets, and bad options.
 */
static const struct line_case {
	const char	*line;
	enum line_kind	 kind;
} seen[] = {
	{ "Host key verification failed.", LINE_FATAL },
	{ "@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @",
	    LINE_FATAL },
	{ "root@127.0.0.1: Permission denied (publickey).", LINE_FATAL },
	{ "ssh: Could not resolve hostname nosuch.invalid: Name or "
	    "service not known", LINE_FATAL },
	{ "Unable to negotiate with 127.0.0.1 port 42917: no "
	    "matching key exchange method found. Their offer: "
	    "curve25519-sha256", LINE_FATAL },
	{ "command-line: line 0: Bad configuration option: bogus", LINE_FATAL },
	{ "command-line line 0: Bad port 'x'.", LINE_FATAL },
	{ "command-line line 0: no argument after keyword "
	    "\"connecttimeout\"", LINE_FATAL },
	{ "Timeout, server 127.0.0.1 not responding.", LINE_TRANSIENT },
	{ "ssh: connect to host 127.0.0.1 port 1: Connection refused",
	    LINE_TRANSIENT },
	{ "Connection timed out during banner exchange", LINE_TRANSIENT },
	{ "Connection to 127.0.0.1 port 42918 timed out", LINE_TRANSIENT },
	{ "Connection closed by 127.0.0.1 port 42918", LINE_TRANSIENT },
	{ "Connection reset by 127.0.0.1 port 42918", LINE_TRANSIENT },
	{ "Connection to 127.0.0.1 closed by remote host.", LINE_TRANSIENT },
	{ "kex_exchange_identification: Connection closed by remote "
	    "host", LINE_TRANSIENT },
	{ "kex_exchange_identification: read: Connection reset by "
	    "peer", LINE_TRANSIENT },
	{ "Connection to 127.0.0.1 closed.", LINE_NOISE },
	{ "Pseudo-terminal will not be allocated because stdin is "
	    "not a terminal.", LINE_OTHER },
	{ "Could not request local forwarding.", LINE_OTHER },
	{ "bind [127.0.0.1]:42917: Address already in use", LINE_OTHER },
	{ "Load key \"/dev/null\": bad permissions", LINE_OTHER },
};

/* Documented texts, other platforms' wording, and edge cases. */
static const struct line_case others[] = {
	{ "alice@host: Permission denied (publickey,password).", LINE_FATAL },
	{ "ssh: Could not resolve hostname foo: nodename nor "
	    "servname provided, or not known", LINE_FATAL },
	{ "ssh: Could not resolve hostname foo: No address "
	    "associated with hostname", LINE_FATAL },
	{ "open terminal failed: missing or unsuitable terminal: "
	    "xterm-kitty", LINE_FATAL },
	{ "badcfg: line 2: Bad configuration option: bogus", LINE_FATAL },
	{ "badcfg: terminating, 1 bad configuration options", LINE_FATAL },
	{ "command-line line 0: Bad SSH2 cipher spec 'foo'.", LINE_FATAL },
	{ "Received disconnect from 10.0.0.1 port 22:2: Too many "
	    "authentication failures", LINE_FATAL },
	{ "Bad owner or permissions on /home/alice/.ssh/config", LINE_FATAL },
	{ "ssh: connect to host 10.0.0.1 port 22: Connection timed "
	    "out", LINE_TRANSIENT },
	{ "ssh: connect to host 10.0.0.1 port 22: Operation timed out",
	    LINE_TRANSIENT },
	{ "ssh: connect to host 10.0.0.1 port 22: Network is "
	    "unreachable", LINE_TRANSIENT },
	{ "ssh: connect to host 10.0.0.1 port 22: Network is down",
	    LINE_TRANSIENT },
	{ "ssh: connect to host 10.0.0.1 port 22: No route to host",
	    LINE_TRANSIENT },
	{ "ssh: connect to host 10.0.0.1 port 22: Host is down",
	    LINE_TRANSIENT },
	{ "ssh: Could not resolve hostname example.org: Temporary "
	    "failure in name resolution", LINE_TRANSIENT },
	{ "packet_write_wait: Connection to 10.0.0.1 port 22: Broken "
	    "pipe", LINE_TRANSIENT },
	{ "Read from remote host 10.0.0.1: Software caused "
	    "connection abort", LINE_TRANSIENT },
	{ "ssh: connect to host 10.0.0.1 port 22: Can't assign "
	    "requested address", LINE_TRANSIENT },
	{ "client_loop: send disconnect: Broken pipe", LINE_TRANSIENT },
	{ "Timeout, server 127.0.0.1 not responding.\r", LINE_TRANSIENT },
	{ "Connection to host.example.org closed.\r", LINE_NOISE },
	{ "Connection to host.example.org closed.\r\n", LINE_NOISE },
	{ "", LINE_OTHER },
	{ "Connection to", LINE_OTHER },
	{ "Connection to  closed.", LINE_OTHER },
	{ "Connection to 127.0.0.1 closed. Really.", LINE_OTHER },
	{ "Warning: Permanently added '[127.0.0.1]:42917' (ED25519) "
	    "to the list of known hosts.", LINE_OTHER },
	{ "Warning: remote port forwarding failed for listen port "
	    "8080", LINE_OTHER },
	{ "ssh: connect to host 10.0.0.1 port 22: Permission denied",
	    LINE_OTHER },
	{ "[detached (from session limpet)]", LINE_OTHER },
	{ "hello world", LINE_OTHER },
};

static int	 exited(int);
static int	 killed(int);
static void	 check_table(const struct line_case *, size_t);
static void	 check_lines(void);
static void	 check_clean(void);
static void	 check_signal(void);
static void	 check_fatal(void);
static void	 check_transient(void);
static void	 check_unknown(void);
static void	 check_lookup(void);
static void	 check_remote_exit(void);
static void	 check_reason_length(void);

/* A real wait status: a child that exits with code. */
static int
exited(int code)
{
	pid_t	 pid;
	int	 status;

	if ((pid = fork()) == -1)
		abort();
	if (pid == 0)
		_exit(code);
	if (waitpid(pid, &status, 0) != pid)
		abort();
	return (status);
}

/* A real wait status: a child killed by sig. */
static int
killed(int sig)
{
	pid_t	 pid;
	int	 status;

	if ((pid = fork()) == -1)
		abort();
	if (pid == 0) {
		signal(sig, SIG_DFL);
		kill(getpid(), sig);
		pause();
		_exit(99);
	}
	if (waitpid(pid, &status, 0) != pid)
		abort();
	return (status);
}

static void
check_table(const struct line_case *t, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (classify_line(t[i].line) != t[i].kind)
			printf("  wrong kind: \"%s\"\n", t[i].line);
		CHECK(classify_line(t[i].line) == t[i].kind);
	}
}

static void
check_lines(void)
{
	check_table(seen, sizeof seen / sizeof seen[0]);
	check_table(others, sizeof others / sizeof others[0]);
	CHECK(classify_line(NULL) == LINE_OTHER);
}

static void
check_clean(void)
{
	struct end_info	 info;

	classify_end(exited(0), 0, "", &info);
	CHECK(info.kind == END_CLEAN);
	CHECK(info.exit_status == 0);

	/* Even with ssh's closing remark, or on the first attempt. */
	classify_end(exited(0), 1, "Connection to h closed.\r\n", &info);
	CHECK(info.kind == END_CLEAN);
	CHECK(info.exit_status == 0);

	classify_end(exited(0), 0, NULL, &info);
	CHECK(info.kind == END_CLEAN);
}

static void
check_signal(void)
{
	struct end_info	 info;

	classify_end(killed(SIGKILL), 0, "", &info);
	CHECK(info.kind == END_TRANSIENT);
	CHECK_STR(info.reason, "ssh was killed by signal 9 (SIGKILL)");

	classify_end(killed(SIGTERM), 1, "Permission denied (publickey).",
	    &info);
	CHECK(info.kind == END_TRANSIENT);
	CHECK_STR(info.reason, "ssh was killed by signal 15 (SIGTERM)");

	classify_end(killed(SIGHUP), 0, NULL, &info);
	CHECK(info.kind == END_TRANSIENT);
	CHECK_STR(info.reason, "ssh was killed by signal 1 (SIGHUP)");
}

static void
check_fatal(void)
{
	struct end_info	 info;

	classify_end(exited(255), 0,
	    "Load key \"/dev/null\": bad permissions\n"
	    "root@127.0.0.1: Permission denied (publickey).\n", &info);
	CHECK(info.kind == END_FATAL);
	CHECK(info.exit_status == 255);
	CHECK_STR(info.reason, "root@127.0.0.1: Permission denied (publickey)");

	/* The host key warning, as ssh 9.2 prints it: the last line wins. */
	classify_end(exited(255), 0,
	    "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\r\n"
	    "@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\r\n"
	    "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\r\n"
	    "IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!\r\n"
	    "Host key for [127.0.0.1]:42917 has changed and you have "
	    "requested strict checking.\r\n"
	    "Host key verification failed.\r\n", &info);
	CHECK(info.kind == END_FATAL);
	CHECK_STR(info.reason, "Host key verification failed");

	/* The warning frame is trimmed when it is the only fatal line. */
	classify_end(exited(255), 0,
	    "@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\n",
	    &info);
	CHECK(info.kind == END_FATAL);
	CHECK_STR(info.reason, "WARNING: REMOTE HOST IDENTIFICATION HAS "
	    "CHANGED!");

	/* Fatal beats transient, whatever the order. */
	classify_end(exited(255), 0,
	    "Received disconnect from 10.0.0.1 port 22:2: Too many "
	    "authentication failures\n"
	    "Connection closed by 10.0.0.1 port 22\n", &info);
	CHECK(info.kind == END_FATAL);
	CHECK_STR(info.reason, "Received disconnect from 10.0.0.1 port 22:2: "
	    "Too many authentication failures");

	classify_end(exited(255), 0,
	    "command-line: line 0: Bad configuration option: bogus", &info);
	CHECK(info.kind == END_FATAL);
	CHECK_STR(info.reason, "command-line: line 0: Bad configuration "
	    "option: bogus");
}

static void
check_transient(void)
{
	struct end_info	 info;

	classify_end(exited(255), 0,
	    "Timeout, server 127.0.0.1 not responding.\r\n", &info);
	CHECK(info.kind == END_TRANSIENT);
	CHECK(info.exit_status == 255);
	CHECK_STR(info.reason, "Timeout, server 127.0.0.1 not responding");

	/* The last transient line is the most relevant; noise is skipped. */
	classify_end(exited(255), 0,
	    "kex_exchange_identification: read: Connection reset by peer\n"
	    "Connection reset by 127.0.0.1 port 42918\n"
	    "Connection to 127.0.0.1 closed.\n", &info);
	CHECK(info.kind == END_TRANSIENT);
	CHECK_STR(info.reason, "Connection reset by 127.0.0.1 port 42918");

	/* A recognised failure is transient on the first attempt too. */
	classify_end(exited(255), 1,
	    "ssh: connect to host 127.0.0.1 port 1: Connection refused\n",
	    &info);
	CHECK(info.kind == END_TRANSIENT);
	CHECK_STR(info.reason, "connect to host 127.0.0.1 port 1: "
	    "Connection refused");

	/* Without a final newline. */
	classify_end(exited(255), 0,
	    "Connection to 127.0.0.1 closed by remote host.\n"
	    "Connection to 127.0.0.1 closed.", &info);
	CHECK(info.kind == END_TRANSIENT);
	CHECK_STR(info.reason, "Connection to 127.0.0.1 closed by remote host");
}

static void
check_unknown(void)
{
	struct end_info	 info;

	/* Nothing recognised after a session existed: try again. */
	classify_end(exited(255), 0, "", &info);
	CHECK(info.kind == END_TRANSIENT);
	CHECK_STR(info.reason, "ssh exited with status 255");

	classify_end(exited(255), 0, NULL, &info);
	CHECK(info.kind == END_TRANSIENT);
	CHECK_STR(info.reason, "ssh exited with status 255");

	classify_end(exited(255), 0, "Could not request local forwarding.\n",
	    &info);
	CHECK(info.kind == END_TRANSIENT);
	CHECK_STR(info.reason, "ssh exited with status 255");

	/* On the very first attempt: stop, with the last thing ssh said. */
	classify_end(exited(255), 1,
	    "bind [127.0.0.1]:42917: Address already in use\n"
	    "Could not request local forwarding.\n"
	    "\n", &info);
	CHECK(info.kind == END_FATAL);
	CHECK(info.exit_status == 255);
	CHECK_STR(info.reason, "Could not request local forwarding");

	classify_end(exited(255), 1, "", &info);
	CHECK(info.kind == END_FATAL);
	CHECK_STR(info.reason, "ssh exited with status 255");

	classify_end(exited(255), 1, "Connection to h closed.\n", &info);
	CHECK(info.kind == END_FATAL);
	CHECK_STR(info.reason, "ssh exited with status 255");
}

static void
check_lookup(void)
{
	struct end_info	 info;
	const char	*mac = "ssh: Could not resolve hostname h.example: "
			    "nodename nor servname provided, or not known\n";
	const char	*glibc = "ssh: Could not resolve hostname "
			    "nosuch.invalid: Name or service not known\n";

	/* An unknown name on the first try is a typo. */
	classify_end(exited(255), 1, glibc, &info);
	CHECK(info.kind == END_FATAL);
	CHECK_STR(info.reason, "Could not resolve hostname nosuch.invalid: "
	    "Name or service not known");

	classify_end(exited(255), 1, mac, &info);
	CHECK(info.kind == END_FATAL);

	/* A name that resolved before fails because of the network. */
	classify_end(exited(255), 0, mac, &info);
	CHECK(info.kind == END_TRANSIENT);
	CHECK_STR(info.reason, "Could not resolve hostname h.example: "
	    "nodename nor servname provided, or not known");

	classify_end(exited(255), 0, glibc, &info);
	CHECK(info.kind == END_TRANSIENT);
}

static void
check_remote_exit(void)
{
	struct end_info	 info;

	classify_end(exited(1), 0, "", &info);
	CHECK(info.kind == END_REMOTE_EXIT);
	CHECK(info.exit_status == 1);
	CHECK_STR(info.reason, "the remote command exited with status 1");

	classify_end(exited(3), 1, "Connection to h closed.\r\n", &info);
	CHECK(info.kind == END_REMOTE_EXIT);
	CHECK(info.exit_status == 3);
	CHECK_STR(info.reason, "the remote command exited with status 3");

	classify_end(exited(127), 0, NULL, &info);
	CHECK(info.kind == END_REMOTE_EXIT);
	CHECK(info.exit_status == 127);
	CHECK_STR(info.reason,
	    "tmux or screen was not found on the remote host (status 127)");

	/* The remote command's own message, when it reached stderr. */
	classify_end(exited(127), 0,
	    "limpet: screen is not installed on this host\n"
	    "Connection to h closed.\n", &info);
	CHECK(info.kind == END_REMOTE_EXIT);
	CHECK(info.exit_status == 127);
	CHECK_STR(info.reason, "limpet: screen is not installed on this host");

	classify_end(exited(1), 0,
	    "open terminal failed: missing or unsuitable terminal: xterm-new\n",
	    &info);
	CHECK(info.kind == END_REMOTE_EXIT);
	CHECK(info.exit_status == 1);
	CHECK_STR(info.reason,
	    "open terminal failed: missing or unsuitable terminal: xterm-new");
}

static void
check_reason_length(void)
{
	struct end_info	 info;
	char		 line[1024];

	memset(line, 'x', sizeof line);
	memcpy(line, "Permission denied (", 19);
	line[sizeof line - 1] = '\0';
	classify_end(exited(255), 0, line, &info);
	CHECK(info.kind == END_FATAL);
	CHECK(strlen(info.reason) == sizeof info.reason - 1);
	CHECK(strncmp(info.reason, "Permission denied (", 19) == 0);
}

int
main(void)
{
	check_lines();
	check_clean();
	check_signal();
	check_fatal();
	check_transient();
	check_unknown();
	check_lookup();
	check_remote_exit();
	check_reason_length();
	return (unit_done());
}
