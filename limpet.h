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

#ifndef LIMPET_H
#define LIMPET_H

#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <netdb.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <termios.h>
#include <time.h>

#ifdef __GNUC__
#define printflike(a, b) __attribute__((format(printf, a, b)))
#define dead __attribute__((noreturn))
#else
#define printflike(a, b)
#define dead
#endif

/* Session names: what tmux and screen keep as-is and no shell interprets. */
#define SESSION_NAME_MAX	64
#define DEFAULT_SESSION		"limpet"

/* Exit statuses of limpet itself (others are ssh's or the remote's). */
#define EXIT_CLEAN		0
#define EXIT_USAGE		64	/* bad command line or config file */
#define EXIT_INTERNAL		70	/* limpet could not go on */
#define EXIT_SSH_ERROR		255	/* ssh's own status for its errors */

enum mux {
	MUX_AUTO,
	MUX_TMUX,
	MUX_SCREEN,
	MUX_NONE
};

enum scrollback {
	SCROLLBACK_NATIVE,	/* keep the multiplexer out of the alt screen */
	SCROLLBACK_MULTIPLEXER	/* pass its alt screen through untouched */
};

#define SETTING_UNSET	(-1)
#define ESCAPE_NONE	(-2)

/*
 * What can be set per host, from the command line or the config file.
 * Integers are SETTING_UNSET until something sets them; the first value
 * obtained wins, so the command line is applied before the file.
 */
struct settings {
	char		*session;	/* template, %h %u %l %% expanded later */
	int		 mux;		/* enum mux */
	int		 escape_char;	/* a byte, or ESCAPE_NONE */
	int		 alive_interval;	/* seconds */
	int		 alive_count_max;
	int		 connect_timeout;	/* seconds */
	int		 scrollback;	/* enum scrollback */
	char		**ssh_options;	/* "Keyword=value", each passed as -o */
	size_t		 nssh_options;
};

#define DEFAULT_ALIVE_INTERVAL	1
#define DEFAULT_ALIVE_COUNT_MAX	3
#define DEFAULT_CONNECT_TIMEOUT	5

/* What the command line said. */
struct options {
	struct settings	 cli;		/* settings given as long options */
	char		*config_file;	/* --config, NULL for the default */
	int		 help;
	int		 version;
	char		*destination;	/* [user@]host or ssh://..., as typed */
	char		*host;		/* host part, for Host and %h */
	char		**ssh_args;	/* ssh's options, in order */
	int		 nssh_args;
};

/* How one ssh connection ended, and what limpet does about it. */
enum end_kind {
	END_CLEAN,		/* detached or exited: limpet exits 0 */
	END_TRANSIENT,		/* the link failed: reconnect */
	END_FATAL,		/* reconnecting cannot help: exit */
	END_REMOTE_EXIT		/* the remote command ended with a status */
};

struct end_info {
	enum end_kind	 kind;
	int		 exit_status;	/* what limpet should exit with */
	char		 reason[256];	/* for the user: why */
};

/* What one line ssh wrote to stderr says. */
enum line_kind {
	LINE_OTHER,		/* show it to the user as ssh would */
	LINE_TRANSIENT,		/* a failure of the link */
	LINE_FATAL,		/* a failure reconnecting will not cure */
	LINE_NOISE		/* "Connection to x closed." and the like */
};

/* Escapes typed by the user. */
enum escape_action {
	ESCAPE_ACT_NONE,
	ESCAPE_ACT_QUIT,
	ESCAPE_ACT_RECONNECT,
	ESCAPE_ACT_SUSPEND,
	ESCAPE_ACT_HELP
};

struct escape {
	int		 ch;		/* escape character, or ESCAPE_NONE */
	int		 line_start;	/* last byte sent ended a line */
	int		 pending;	/* saw the escape char, want the next */
};

/* Terminal modes a remote program can turn on, tracked to undo them. */
enum tracked_mode {
	TMODE_ALTSCREEN_1049,
	TMODE_ALTSCREEN_1047,
	TMODE_ALTSCREEN_47,
	TMODE_CURSOR_HIDDEN,	/* ?25l */
	TMODE_APP_CURSOR,	/* ?1 */
	TMODE_KEYPAD,		/* ESC = */
	TMODE_MOUSE_9,
	TMODE_MOUSE_1000,
	TMODE_MOUSE_1001,
	TMODE_MOUSE_1002,
	TMODE_MOUSE_1003,
	TMODE_MOUSE_1005,
	TMODE_MOUSE_1006,
	TMODE_MOUSE_1015,
	TMODE_MOUSE_1016,
	TMODE_FOCUS,		/* ?1004 */
	TMODE_BRACKETED_PASTE,	/* ?2004 */
	TMODE_SYNC_OUTPUT,	/* ?2026 */
	TMODE_MODIFY_OTHER_KEYS,	/* CSI > 4 ; n m */
	TMODE_KITTY_KEYBOARD,	/* CSI > n u */
	TMODE_SCROLL_REGION,	/* CSI t ; b r */
	TMODE_ORIGIN,		/* ?6 */
	TMODE_REVERSE_WRAP,	/* ?45 */
	TMODE_NO_AUTOWRAP,	/* ?7l */
	TMODE_COUNT
};

#define MODES_HOLD_MAX	64	/* longest sequence held across chunks */
#define MODES_KITTY_MAX	65535	/* kitty keyboard pushes counted */

struct modes {
	int		 state;		/* parser state */
	char		 held[MODES_HOLD_MAX];	/* partial sequence */
	size_t		 nheld;
	uint32_t	 on;		/* bit per enum tracked_mode */
	int		 kitty_depth;	/* kitty keyboard pushes */
	int		 filter_altscreen;	/* drop the alt screen switches */
};

/* The user's terminal. */
struct tty {
	int		 in;
	int		 out;
	int		 is_tty;
	int		 raw;		/* raw mode entered, restore needed */
	struct termios	 saved;
	int		 saved_in_flags;
	int		 saved_out_flags;
};

/* ssh running in a pty, with its stderr on a pipe. */
struct ssh_proc {
	pid_t		 pid;
	int		 master;	/* pty master: ssh's terminal */
	int		 errfd;		/* read end of ssh's stderr */
};

/* Noticing a wake from sleep or a frozen process. */
#define WAKE_SLEEP_MIN	1.0	/* seconds asleep that count */
#define WAKE_LATE_MIN	2.0	/* seconds late that mean "frozen" */

enum wake_event {
	WAKE_NONE,
	WAKE_SLEPT,
	WAKE_FROZEN
};

struct wake {
	struct timespec	 last_mono;
	double		 last_gap;	/* boot time minus monotonic time */
};

/* Where ssh would connect, for cheap probes during an outage. */
#define PROBE_ADDRS_MAX	4

struct probe_target {
	struct sockaddr_storage	 addrs[PROBE_ADDRS_MAX];
	socklen_t		 lens[PROBE_ADDRS_MAX];
	int			 naddrs;
	char			 label[NI_MAXHOST + 32];
};

/* client/xmalloc.c */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
int	 xasprintf(char **, const char *, ...) printflike(2, 3);

/* client/log.c */
void	 log_open(const char *);
void	 log_close(void);
void	 log_debug(const char *, ...) printflike(1, 2);
dead void fatal(const char *, ...) printflike(1, 2);
dead void fatalx(const char *, ...) printflike(1, 2);
void	 log_set_cleanup(void (*)(void));

/* client/options.c */
int	 options_parse(int, char **, struct options *, char *, size_t);
void	 options_free(struct options *);
void	 usage(FILE *);

/* client/config.c */
void	 settings_init(struct settings *);
void	 settings_defaults(struct settings *);
void	 settings_free(struct settings *);
void	 settings_add_ssh_option(struct settings *, const char *);
int	 settings_parse_mux(const char *);
int	 settings_parse_escape(const char *);
int	 settings_parse_scrollback(const char *);
int	 session_name_valid(const char *);
int	 session_expand(const char *, const char *, char *, size_t, char *,
	     size_t);
int	 config_default_path(char *, size_t);
int	 config_load(const char *, int, const char *, struct settings *, char *,
	     size_t);

/* client/escape.c */
void	 escape_init(struct escape *, int);
size_t	 escape_feed(struct escape *, const char *, size_t, char *, size_t *,
	     enum escape_action *);
const char *escape_help(const struct escape *);
void	 escape_name(int, char *, size_t);

/* client/tty.c */
int	 tty_init(struct tty *, int, int);
int	 tty_raw(struct tty *);
void	 tty_restore(struct tty *);
int	 tty_get_size(struct tty *, struct winsize *);

/* client/notice.c */
void	 notice_init(int);
size_t	 notice_draw(char *, size_t, int, int, const char *);
size_t	 notice_erase(char *, size_t, int);
size_t	 notice_leave_screen(char *, size_t, int);

/* client/wake.c */
void	 wake_init(struct wake *, const struct timespec *,
	     const struct timespec *);
enum wake_event wake_check(struct wake *, const struct timespec *,
	     const struct timespec *, double);
void	 wake_clocks(struct timespec *, struct timespec *);

/* client/netwatch.c */
int	 netwatch_open(void);
int	 netwatch_drain(int);
char	*netwatch_fingerprint(void);

/* client/probe.c */
int	 probe_parse_config(const char *, char *, size_t, char *, size_t);
int	 probe_resolve(char *const *, struct probe_target *);
int	 probe_start(const struct probe_target *, int);
int	 probe_result(int);

/* client/client.c */
int	 client_main(struct options *, struct settings *, const char *);

/* pty/spawn.c */
char	**ssh_build_argv(const struct options *, const struct settings *,
	     const char *, int);
void	 ssh_free_argv(char **);
int	 ssh_spawn(char *const *, const struct winsize *, struct ssh_proc *);
void	 ssh_close(struct ssh_proc *);
int	 spawn_capture(char *const *, char *, size_t);

/* reattach/remote.c */
char	*remote_command(enum mux, const char *);

/* reattach/classify.c */
enum line_kind classify_line(const char *);
void	 classify_end(int, int, const char *, struct end_info *);

/* reattach/modes.c */
void	 modes_init(struct modes *, int);
size_t	 modes_feed(struct modes *, const char *, size_t, char *);
size_t	 modes_reset(struct modes *, char *, size_t);
int	 modes_is_on(const struct modes *, enum tracked_mode);

#endif /* LIMPET_H */
