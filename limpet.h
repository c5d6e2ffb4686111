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
	int		 stall_timeout;	/* ms; 0: do not watch ssh's socket */
	int		 echo_timeout;	/* ms; 0: typing is no trigger */
	int		 probe_interval; /* ms; 0: no probes while down */
	int		 net_settle;	/* ms; 0: ignore network changes */
	char		**ssh_options;	/* "Keyword=value", each passed as -o */
	size_t		 nssh_options;
};

#define DEFAULT_ALIVE_INTERVAL	1
/*
 * AliveCountMax defaults to "auto" (ALIVE_COUNT_AUTO). Where limpet can
 * watch ssh's own TCP connection to the server (Linux, no proxy, not a
 * loopback hop), it notices a stall in 2-3 s by itself without ending the
 * connection, so ssh may keep the link through a blip of up to 10 s. Where
 * it cannot, ssh's ServerAlive timeout is the end-to-end signal and must
 * stay short.
 */
#define ALIVE_COUNT_AUTO		0
#define DEFAULT_ALIVE_COUNT_WATCHED	10
#define DEFAULT_ALIVE_COUNT_MAX		3
#define DEFAULT_STALL_TIMEOUT	2000
#define DEFAULT_ECHO_TIMEOUT	1200
#define DEFAULT_PROBE_INTERVAL	100
#define DEFAULT_NET_SETTLE	50
#define DEFAULT_CONNECT_TIMEOUT	5

/* What limpet was asked to do instead of a session. */
enum action {
	ACTION_SESSION,		/* the interactive session */
	ACTION_SHOW_CONFIG,	/* -G: print the settings for the host */
	ACTION_LIST,		/* --list: the sessions on the host */
	ACTION_KILL		/* --kill: end one session on the host */
};

/* What the command line said. */
struct options {
	struct settings	 cli;		/* settings given as long options */
	char		*config_file;	/* --config, NULL for the default */
	char		*log_file;	/* --log, NULL for none */
	int		 debug;		/* --debug */
	int		 help;
	int		 version;
	enum action	 action;
	char		*kill_session;	/* --kill HOST SESSION */
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

/*
 * Replaying what scrolled by during an outage: the remote prints the rows
 * after an anchor between marker lines before it attaches.
 */
#define REPLAY_BEGIN	"limpet-replay-begin"
#define REPLAY_INFO	"limpet-replay-info"
#define REPLAY_CUT	"limpet-replay-cut"
#define REPLAY_END	"limpet-replay-end"
/* The line limpet sends once it has the block: the remote waits for it. */
#define REPLAY_ACK	"limpet-replay-ack"
#define REPLAY_FP_ROWS	3	/* rows fingerprinted to find the anchor */
#define REPLAY_FP_MAX	32	/* characters kept of a fingerprint */
#define REPLAY_CAP	10000	/* rows replayed at most */

struct scrollback_state;	/* reattach/scrollback.c */

/* reattach/scrollback.c */

struct replay_anchor {
	/* Fingerprints of the last rows above the cursor, oldest first. */
	char		 fp[REPLAY_FP_ROWS][REPLAY_FP_MAX + 1];
	int		 nfp;
	int		 back;	/* rows wanted before the last one */
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
	int		 outfd;		/* read end of ssh's stdout */
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

/* What the kernel says of ssh's TCP connection (client/tcpwatch.c). */
#define TCPWATCH_ESTABLISHED	1	/* as the kernel numbers TCP states */
#define TCPWATCH_SYN_SENT	2

struct tcp_health {
	int		 have_info;
	int		 state;
	unsigned	 unacked;		/* segments in flight */
	unsigned	 last_ack_recv_ms;
	unsigned	 rtt_ms;
	unsigned	 retransmits;
};

struct tcpwatch {
	int		 fd;		/* sock_diag netlink socket, or -1 */
	int		 found;		/* id below names ssh's socket */
	int		 family;
	unsigned char	 id[64];	/* the kernel's socket id, opaque */
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
int	 log_open(const char *);
void	 log_close(void);
void	 log_set_verbose(int);
int	 log_is_verbose(void);
void	 log_debug(const char *, ...) printflike(1, 2);
void	 log_verbose(const char *, ...) printflike(1, 2);
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
int	 settings_parse_duration(const char *, int, int);
int	 session_name_valid(const char *);
int	 session_expand(const char *, const char *, char *, size_t, char *,
	     size_t);
int	 config_default_path(char *, size_t);
int	 config_load(const char *, int, const char *, struct settings *, char *,
	     size_t);
void	 settings_print(FILE *, const struct settings *, const char *);

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

/* client/tcpwatch.c */
int	 tcpwatch_open(struct tcpwatch *);
void	 tcpwatch_close(struct tcpwatch *);
void	 tcpwatch_forget(struct tcpwatch *);
int	 tcpwatch_health(struct tcpwatch *, long, struct tcp_health *);
int	 tcpwatch_state(const struct tcpwatch *, long);
int	 tcpwatch_look(const struct tcpwatch *, long, struct tcp_health *);
int	 tcpwatch_stalled(const struct tcp_health *, long);
long	 tcpwatch_quiet_ms(const struct tcp_health *, long);

/* client/probe.c */
int	 probe_parse_config(const char *, char *, size_t, char *, size_t);
int	 probe_config(char *const *, char *, size_t, char *, size_t);
int	 probe_is_loopback(const char *);
int	 probe_lookup(const char *, const char *, struct probe_target *);
int	 probe_start(const struct probe_target *, int);
int	 probe_result(int);

/* client/sessions.c */
int	 sessions_print(const char *, const char *, FILE *, FILE *);
int	 sessions_list(const struct options *, const struct settings *);
int	 sessions_kill(const struct options *, const struct settings *);

/* client/client.c */
int	 client_main(struct options *, struct settings *, const char *);

/* pty/spawn.c */
char	**ssh_build_argv(const struct options *, const struct settings *,
	     const char *, int);
char	**ssh_build_command_argv(const struct options *,
	     const struct settings *, const char *);
void	 ssh_free_argv(char **);
char	**ssh_build_master_argv(const struct options *,
	     const struct settings *, const char *, int, const char *);
char	**ssh_build_peek_argv(const char *, const char *, const char *);
pid_t	 spawn_reader(char *const *, int *);
int	 ssh_spawn(char *const *, const struct winsize *, struct ssh_proc *);
void	 ssh_close(struct ssh_proc *);
int	 spawn_capture(char *const *, char *, size_t);
int	 spawn_command(char *const *, char *, size_t);

/* reattach/remote.c */
char	*remote_command(enum mux, const char *);
char	*remote_list_command(void);
char	*remote_kill_command(enum mux, const char *);
char	*remote_command_replay(enum mux, const char *,
	     const struct replay_anchor *);
char	*remote_command_peek(const char *, const struct replay_anchor *);
char	*remote_command_redraw(const char *);

/* reattach/classify.c */
enum line_kind classify_line(const char *);
void	 classify_end(int, int, const char *, struct end_info *);

/* reattach/model.c */
struct model;
struct model *model_new(int, int);
void	 model_free(struct model *);
void	 model_feed(struct model *, const char *, size_t);
void	 model_direct(struct model *, int);
void	 model_resize(struct model *, int, int);
void	 model_cursor(const struct model *, int *, int *);
unsigned int model_pushed(const struct model *);
int	 model_row_blank(const struct model *, int);
char	*model_row_text(const struct model *, int);

/* reattach/scrollback.c */
struct scrollback_state *scrollback_new(int, int);
void	 scrollback_free(struct scrollback_state *);
void	 scrollback_resize(struct scrollback_state *, int, int);
char	*scrollback_command(struct scrollback_state *, enum mux, const char *);
void	 scrollback_begin(struct scrollback_state *);
size_t	 scrollback_feed(struct scrollback_state *, const char *, size_t,
	     const char **);
int	 scrollback_want_redraw(struct scrollback_state *);
void	 scrollback_last(const struct scrollback_state *, int *, int *);
void	 scrollback_set_peek(struct scrollback_state *, const char *);
char	*scrollback_peek_command(struct scrollback_state *);
int	 scrollback_holding(const struct scrollback_state *);
size_t	 scrollback_peek_done(struct scrollback_state *, const char *, size_t,
	     const char **);
int	 scrollback_gap_filled(const struct scrollback_state *);
int	 scrollback_waiting(const struct scrollback_state *);
int	 scrollback_in_block(const struct scrollback_state *);
int	 scrollback_take_ack(struct scrollback_state *);
int	 scrollback_cap_news(struct scrollback_state *);
size_t	 scrollback_expire(struct scrollback_state *, const char **);
void	 scrollback_fingerprint(const char *, char *, size_t);
void	 scrollback_plain(char *);

/* reattach/modes.c */
void	 modes_init(struct modes *, int);
size_t	 modes_feed(struct modes *, const char *, size_t, char *);
size_t	 modes_reset(struct modes *, char *, size_t);
int	 modes_is_on(const struct modes *, enum tracked_mode);

#endif /* LIMPET_H */
