# testlib.sh: sourced by limpet's integration tests and by scripts/demo.
#
# Everything a test creates lives under one directory, $T: a throwaway sshd
# with its own keys, the tcprelay in front of it, the outer tmux that plays
# the user's terminal, and the private socket directories of the "remote"
# tmux and screen servers. One EXIT trap takes all of it down again.
#
# Nothing here sleeps for a fixed time to decide an outcome: every wait
# polls with a deadline and says what it was waiting for when it gives up.

T=
T_NAME=
T_FAILED=0
T_PASSED=0
T_SSHD_PORT=
T_SSHD_PID=
T_RELAY_PORT=
T_RELAY_PID=
T_WATCHDOG=
T_WATCHERS=
T_OUTER_SOCK=
T_SSHD=$(command -v sshd 2>/dev/null || echo /usr/sbin/sshd)

# ---- reporting -------------------------------------------------------------

# Reports go to stderr, so helpers whose stdout is captured still report.
t_log() { printf '%s\n' "# $*" >&2; }
t_pass() { T_PASSED=$((T_PASSED + 1)); printf '%s\n' "ok - $*" >&2; }
t_fail() { T_FAILED=$((T_FAILED + 1)); printf '%s\n' "FAIL - $*" >&2; }

# A failure after which the rest of the test makes no sense.
t_die() { t_fail "$*"; exit 1; }

t_skip() { printf '%s\n' "SKIP - $*" >&2; exit 77; }

# Run a command as one check: t_check DESCRIPTION CMD...
t_check()
{
	local desc=$1; shift
	if "$@"; then t_pass "$desc"; else t_fail "$desc"; return 1; fi
}

# t_same_numbers GOT WANT: true when the two newline-separated lists of
# numbers are the same; otherwise logs where they part (counts, the first
# difference, what is missing or doubled) so a failure can be read.
t_same_numbers()
{
	[ "$1" = "$2" ] && return 0
	local got=$T/numbers.got want=$T/numbers.want
	printf '%s\n' "$1" >"$got"
	printf '%s\n' "$2" >"$want"
	t_log "got $(grep -c . "$got") numbers, wanted $(grep -c . "$want")"
	t_log "missing: $(comm -13 <(sort "$got") <(sort "$want") | sort -n |
	    awk 'NR==1{s=p=$1;next} $1==p+1{p=$1;next}
	    {printf "%s ", (s==p?s:s"-"p); s=p=$1} END{if(NR)print (s==p?s:s"-"p)}' |
	    cut -c1-300)"
	t_log "doubled: $(sort -n "$got" | uniq -d | head -n 20 | tr '\n' ' ')"
	t_log "first difference: $(diff "$want" "$got" | head -n 6 | tr '\n' ' ')"
	return 1
}

# Exit with automake's codes: 0 passed, 1 failed.
t_done()
{
	t_log "$T_NAME: $T_PASSED passed, $T_FAILED failed"
	[ "$T_FAILED" -eq 0 ] && exit 0
	exit 1
}

# Microseconds since the epoch, for deadlines finer than $SECONDS.
t_now_us() { local t=$EPOCHREALTIME; echo "${t/[.,]/}"; }

# t_poll SECONDS CMD...: run CMD every 0.1 s until it succeeds or the
# deadline passes. Returns CMD's last status.
t_poll()
{
	local secs=$1; shift
	local deadline=$(( $(t_now_us) + ${secs%.*} * 1000000 ))
	while :; do
		"$@" && return 0
		[ "$(t_now_us)" -ge "$deadline" ] && return 1
		sleep 0.1
	done
}

# t_still SECONDS CMD...: CMD prints the same twice, SECONDS apart (what
# it watches has stopped moving).
t_still()
{
	local secs=$1 first
	shift
	first=$("$@")
	sleep "$secs"
	[ "$("$@")" = "$first" ]
}

# t_never SECONDS CMD...: succeed only if CMD fails on every poll for the
# whole period. This is how "nothing happens" is observed.
t_never()
{
	local secs=$1; shift
	local deadline=$(( $(t_now_us) + ${secs%.*} * 1000000 ))
	while [ "$(t_now_us)" -lt "$deadline" ]; do
		"$@" && return 1
		sleep 0.1
	done
	return 0
}

# ---- setup and teardown ----------------------------------------------------

t_need()
{
	local tool
	for tool; do
		command -v "$tool" >/dev/null 2>&1 ||
		    t_skip "$tool is not installed"
	done
}

# Create $T and the trap that cleans it; shared by the tests and the demo.
t_tmpdir()
{
	T=$(mktemp -d "${TMPDIR:-/tmp}/limpet-test.XXXXXX") ||
	    { echo "mktemp failed" >&2; exit 99; }
	chmod 700 "$T"
	mkdir -p "$T/xdg/limpet" "$T/rtmux" "$T/rscreen"
	mkdir -m 700 "$T/run"
	chmod 700 "$T/rtmux" "$T/rscreen"
	T_OUTER_SOCK=$T/outer.sock
	trap t_cleanup EXIT
	trap 'exit 143' TERM
	trap 'exit 130' INT
	trap 'exit 129' HUP
}

# t_init NAME: start a test. T_TIMEOUT (seconds, default 90) bounds it.
t_init()
{
	T_NAME=$1
	unset TMUX TMUX_PANE SSH_AUTH_SOCK SSH_AGENT_PID STY
	export LC_ALL=C.UTF-8
	[ -n "$BASH_VERSION" ] || { echo "testlib needs bash" >&2; exit 99; }
	[ -x "$T_SSHD" ] || t_skip "sshd is not installed"
	t_need ssh ssh-keygen tmux
	: "${LIMPET:=$PWD/limpet}"
	: "${TCPRELAY:=$PWD/tests/lib/tcprelay}"
	t_tmpdir
	t_log "$T_NAME in $T"

	# A hung test must not hang the whole suite: end it, through the trap.
	(
		trap 'kill $sp 2>/dev/null; exit 0' TERM
		sleep "${T_TIMEOUT:-90}" & sp=$!
		wait $sp || exit 0
		echo "FAIL - $T_NAME timed out after ${T_TIMEOUT:-90} s" >&2
		kill -TERM $$
	) </dev/null >/dev/null &
	T_WATCHDOG=$!
}

# t_descendants PID: every process below PID, parents before children.
t_descendants()
{
	local child
	for child in $(pgrep -P "$1" 2>/dev/null); do
		echo "$child"
		t_descendants "$child"
	done
}

t_cleanup()
{
	local status=$? pid f
	# Finish cleaning even if the terminal goes away meanwhile.
	trap - EXIT
	trap '' TERM INT HUP PIPE
	[ -n "$T" ] && [ -d "$T" ] || exit "$status"
	if [ "$status" -ne 0 ] && [ "$status" -ne 77 ]; then
		[ -s "$T/sshd.log" ] && { t_log "sshd.log:"; sed 's/^/#   /' "$T/sshd.log" | tail -n 40 >&2; }
		[ -s "$T/relay.log" ] && { t_log "relay.log:"; sed 's/^/#   /' "$T/relay.log" >&2; }
		for f in "$T"/limpet*.log; do
			[ -s "$f" ] || continue
			t_log "${f##*/}, its last events:"
			grep -Ev 'argv\[|not asking' "$f" | tail -n 40 |
			    sed 's/^/#   /' >&2
		done
	fi
	[ -n "$T_WATCHDOG" ] && kill "$T_WATCHDOG" 2>/dev/null
	for pid in $T_WATCHERS; do kill "$pid" 2>/dev/null; done
	[ -S "$T_OUTER_SOCK" ] && tmux -S "$T_OUTER_SOCK" kill-server 2>/dev/null
	t_remote_tmux kill-server >/dev/null 2>&1
	t_remote_screen_quit_all
	[ -n "$T_RELAY_PID" ] && kill "$T_RELAY_PID" 2>/dev/null
	t_sshd_stop
	# Whatever is left that was started with a path under $T (a limpet or
	# an ssh that ignored the terminal's hangup).
	for pid in $(pgrep -f -- "$T/" 2>/dev/null); do
		[ "$pid" != "$$" ] && kill -KILL "$pid" 2>/dev/null
	done
	if [ "${KEEP:-0}" = 1 ]; then
		t_log "kept $T"
	else
		rm -rf "$T"
	fi
	exit "$status"
}

# ---- sshd ------------------------------------------------------------------

# t_ssh_host ALIAS PORT [IDENTITY [ADDRESS]]: add a Host block to
# $T/ssh_config, and the host key under that address (127.0.0.1) and port
# to known_hosts.
t_ssh_host()
{
	local addr=${4:-127.0.0.1}
	cat >>"$T/ssh_config" <<-EOF
	Host $1
		HostName $addr
		Port $2
		User $(id -un)
		IdentityFile ${3:-$T/user_key}
		IdentitiesOnly yes
		UserKnownHostsFile $T/known_hosts
		StrictHostKeyChecking yes
		BatchMode no
		LogLevel INFO

	EOF
	grep -qF "[$addr]:$2 " "$T/known_hosts" 2>/dev/null ||
	    echo "[$addr]:$2 $(cut -d' ' -f1,2 "$T/host_key.pub")" \
	    >>"$T/known_hosts"
}

t_sshd_launch()
{
	"$T_SSHD" -D -e -f "$T/sshd_config" 2>>"$T/sshd.log" &
	T_SSHD_PID=$!
}

t_port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

t_sshd_alive() { kill -0 "$T_SSHD_PID" 2>/dev/null; }

# Wait for the listener; 0 when it accepts, 1 when sshd died first.
t_sshd_wait_up()
{
	local deadline=$(( $(t_now_us) + 10000000 ))
	while [ "$(t_now_us)" -lt "$deadline" ]; do
		t_sshd_alive || return 1
		t_port_open "$T_SSHD_PORT" && return 0
		sleep 0.1
	done
	return 1
}

# MaxStartups: the relay accepts connections while it holds the link and
# connects them to sshd, where a real dead link would never deliver them;
# limpet's attempts would otherwise pile up there unauthenticated past
# sshd's default of 10 and have sshd drop the very one that comes through
# once the link is let go.
t_sshd_write_config()
{
	cat >"$T/sshd_config" <<-EOF
	ListenAddress 127.0.0.1
	${T_SSHD_ALSO_LISTEN:+ListenAddress $T_SSHD_ALSO_LISTEN}
	Port $T_SSHD_PORT
	HostKey $T/host_key
	AuthorizedKeysFile $T/authorized_keys
	PidFile $T/sshd.pid
	UsePAM no
	StrictModes no
	PermitRootLogin prohibit-password
	PubkeyAuthentication yes
	PasswordAuthentication no
	KbdInteractiveAuthentication no
	X11Forwarding no
	PrintMotd no
	PrintLastLog no
	MaxStartups 200
	LogLevel VERBOSE
	SetEnv HOME=$T/home TMUX_TMPDIR=$T/rtmux SCREENDIR=$T/rscreen ${T_SSHD_SETENV:-}
	EOF
	mkdir -p "$T/home"
}

# Start a private sshd on 127.0.0.1 and write $T/ssh_config (Host testhost).
t_sshd_start()
{
	local try
	[ "$(id -u)" -eq 0 ] && mkdir -p /run/sshd
	ssh-keygen -q -N '' -t ed25519 -f "$T/host_key" -C limpet-test-host ||
	    t_die "ssh-keygen (host key) failed"
	ssh-keygen -q -N '' -t ed25519 -f "$T/user_key" -C limpet-test-user ||
	    t_die "ssh-keygen (user key) failed"
	cp "$T/user_key.pub" "$T/authorized_keys"

	for try in 1 2 3 4 5 6 7 8; do
		T_SSHD_PORT=$((20000 + RANDOM % 30000))
		t_port_open "$T_SSHD_PORT" && continue
		t_sshd_write_config
		t_sshd_launch
		t_sshd_wait_up && break
		kill "$T_SSHD_PID" 2>/dev/null
		wait "$T_SSHD_PID" 2>/dev/null
		T_SSHD_PID=
	done
	[ -n "$T_SSHD_PID" ] || t_die "sshd did not start (see sshd.log)"

	: >"$T/known_hosts"
	: >"$T/ssh_config"
	t_ssh_host testhost "$T_SSHD_PORT"
}

# Gone or a zombie: the sshd listener is our child and stays a zombie until
# waited for.
t_all_dead()
{
	local pid stat
	for pid; do
		stat=$(ps -o stat= -p "$pid" 2>/dev/null) || continue
		case $stat in
		Z*) ;;
		*) return 1 ;;
		esac
	done
	return 0
}

# Stop the listener and every session under it, as a server restart does.
t_sshd_stop()
{
	local pids
	[ -n "$T_SSHD_PID" ] || return 0
	pids="$(t_descendants "$T_SSHD_PID") $T_SSHD_PID"
	kill -TERM $pids 2>/dev/null
	t_poll 5 t_all_dead $pids || kill -KILL $pids 2>/dev/null
	wait "$T_SSHD_PID" 2>/dev/null
	T_SSHD_PID=
}

t_sshd_restart()
{
	t_sshd_stop
	t_poll 5 eval '! t_port_open "$T_SSHD_PORT"' ||
	    t_die "port $T_SSHD_PORT still accepts after sshd stopped"
	t_sshd_launch
	t_sshd_wait_up || t_die "sshd did not come back on port $T_SSHD_PORT"
}

# t_ssh ARGS...: plain ssh to the test hosts, never prompting.
t_ssh() { ssh -F "$T/ssh_config" -o BatchMode=yes "$@"; }

# ssh connections sshd has seen so far: those that tried a key. A bare TCP
# connect (t_sshd_wait_up's, limpet's probes) is not one, and sshd may log
# it late, after a count was taken.
t_sshd_connections()
{
	grep -Eo 'publickey for .* port [0-9]+' "$T/sshd.log" 2>/dev/null |
	    sed 's/.* port //' | sort -u | grep -c .
}

# ---- the relay -------------------------------------------------------------

# Put tcprelay in front of sshd and add Host relayhost to the ssh config.
t_relay_start()
{
	[ -x "$TCPRELAY" ] || t_die "tcprelay not built: $TCPRELAY"
	"$TCPRELAY" 0 127.0.0.1 "$T_SSHD_PORT" "$T/relay.ctl" \
	    >"$T/relay.port" 2>>"$T/relay.log" &
	T_RELAY_PID=$!
	t_poll 5 eval '[ -s "$T/relay.port" ] && [ -S "$T/relay.ctl" ]' ||
	    t_die "tcprelay did not start"
	T_RELAY_PORT=$(head -n1 "$T/relay.port")
	t_ssh_host relayhost "$T_RELAY_PORT"
}

# t_relay CMD: pass, hold, orphan, reset, refuse, count, quit.
t_relay() { "$TCPRELAY" ctl "$T/relay.ctl" "$1"; }

t_relay_count() { t_relay count | sed -n 's/^ok //p'; }

# ---- the outer terminal ----------------------------------------------------

t_outer() { tmux -S "$T_OUTER_SOCK" "$@"; }

# t_term_start CMD...: run CMD in a fresh 100x30 outer terminal. Whatever
# ran there before is killed. The exit status is written to a file by the
# pane's shell, because tmux 3.3a sometimes marks a pane dead without ever
# filling in #{pane_dead_status}.
t_term_start()
{
	local cmd
	t_outer kill-server 2>/dev/null
	rm -f "$T/term.status"
	cat >"$T/outer.conf" <<-EOF
	set -g history-limit 20000
	set -g remain-on-exit on
	set -g status off
	set -g default-terminal screen
	set -g default-shell /bin/bash
	set -g exit-empty on
	EOF
	printf -v cmd '%q ' "$@"
	# The old server may still be on its way out: wait for it, and if it
	# takes a new client with it ("server exited unexpectedly"), start
	# again, a few times.
	t_poll 5 eval '! t_outer list-sessions >/dev/null 2>&1'
	t_poll 5 t_outer -f "$T/outer.conf" new-session -d -s term -x 100 \
	    -y 30 "cd $(printf %q "$T") && $cmd; echo \$? >term.status" ||
	    t_die "outer tmux did not start"
}

t_term_pid() { t_outer display-message -p -t term: '#{pane_pid}'; }

t_term_keys() { t_outer send-keys -t term: "$@"; }

t_term_type() { t_outer send-keys -t term: -l -- "$1"; }

t_term_screen() { t_outer capture-pane -p -t term:; }

t_term_history() { t_outer capture-pane -p -S - -E - -t term:; }

t_term_dump()
{
	t_log "terminal screen:"
	t_term_screen | sed 's/^/#   |/' >&2
}

t_term_has() { t_term_screen | grep -Eq -- "$1"; }

# t_term_quiet [SECS]: wait (at most SECS, default 5) until the screen
# stays the same for 0.3 s; 1 if it never did.
t_term_quiet() { t_poll "${1:-5}" t_still 0.3 t_term_screen; }

# Where the terminal's cursor is: its row, and how many rows are history.
t_term_where()
{
	t_outer display-message -p -t term: '#{cursor_y} #{history_size}'
}

t_term_history_has() { t_term_history | grep -Eq -- "$1"; }

# t_term_count ERE: how many lines of the history match.
t_term_count() { t_term_history | grep -Ec -- "$1"; }

# t_check_once WHAT ERE SECONDS: one check that within SECONDS exactly one
# line of the history matches ERE (a typed command ran once, neither lost
# nor sent twice); when not, says how many and shows the history's end.
t_check_once()
{
	local ere=$2
	t_check "$1" t_poll "$3" eval '[ "$(t_term_count "$ere")" = 1 ]' &&
	    return 0
	t_log "it ran $(t_term_count "$ere") times; the terminal's history ends:"
	t_term_history | grep . | tail -n 20 | sed 's/^/#   |/' >&2
	return 1
}

# t_term_wait PATTERN [SECONDS]: until the screen matches; dies otherwise.
t_term_wait()
{
	t_poll "${2:-10}" t_term_has "$1" && return 0
	t_term_dump
	t_die "timed out after ${2:-10} s waiting for /$1/ on the terminal"
}

t_term_wait_history()
{
	t_poll "${2:-10}" t_term_history_has "$1" && return 0
	t_term_dump
	t_die "timed out after ${2:-10} s waiting for /$1/ in the history"
}

t_term_dead() { [ -s "$T/term.status" ]; }

# t_term_wait_exit [SECONDS]: wait for the program to end, echo its status
# (128 + N when signal N killed it).
t_term_wait_exit()
{
	if t_poll "${1:-10}" t_term_dead; then
		cat "$T/term.status"
		return 0
	fi
	t_term_dump
	t_die "program in the terminal still running after ${1:-10} s"
}

t_term_resize() { t_outer resize-window -t term: -x "$1" -y "$2"; }

# t_term_run_shell: an interactive dash with a plain prompt, which neither
# fixes up nor saves the tty modes the way bash's readline does.
t_term_run_shell() { t_term_start env PS1='$ ' dash -i; }

# ---- a network of the test's own --------------------------------------------

# t_netns_own SCRIPT [ARGS...]: run the calling test again in a network
# namespace of its own, with lo up and a veth pair limpet0/limpet1 up, so it
# may change addresses and drop packets without touching the machine's
# network. Skips (exit 77) without root, unshare or ip; the namespace and
# everything in it go away with the test.
# t_sshd_direct ADDRESS: in a namespace of t_netns_own's, t_sshd_start
# with sshd also listening on ADDRESS (added to limpet0), and Host direct
# for it in ssh_config. limpet watches the socket of a link like that for
# stalls, as it does for any host not on loopback.
t_sshd_direct()
{
	ip addr add "$1/32" dev limpet0 || t_skip "cannot add $1"
	T_SSHD_ALSO_LISTEN=$1
	t_sshd_start
	t_ssh_host direct "$T_SSHD_PORT" "" "$1"
}

t_netns_own()
{
	local script=$1
	shift
	if [ -z "${LIMPET_IN_NETNS:-}" ]; then
		if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null ||
		    ! command -v ip >/dev/null; then
			echo "SKIP: needs root, unshare and ip"
			exit 77
		fi
		LIMPET_IN_NETNS=1 exec unshare -n bash "$script" "$@"
	fi
	ip link set lo up || { echo "SKIP: cannot bring up lo"; exit 77; }
	ip link add limpet0 type veth peer name limpet1 2>/dev/null ||
	    { echo "SKIP: no veth interfaces here"; exit 77; }
	ip link set limpet0 up
	ip link set limpet1 up
}

# ---- the "remote" side -----------------------------------------------------

# $TMUX and $STY would point these at the caller's own servers (the demo may
# run inside the user's tmux), so they are dropped.
t_remote_tmux() { env -u TMUX TMUX_TMPDIR="$T/rtmux" tmux "$@"; }

t_remote_screen() { env -u STY SCREENDIR="$T/rscreen" screen "$@"; }

t_remote_sessions() { t_remote_tmux list-sessions -F '#{session_name}' 2>/dev/null; }

t_remote_has_session() { t_remote_sessions | grep -qx -- "$1"; }

t_remote_clients() { t_remote_tmux list-clients -F '#{client_pid}' 2>/dev/null | grep -c .; }

t_remote_screen_quit_all()
{
	local s
	[ -d "$T/rscreen" ] || return 0
	command -v screen >/dev/null 2>&1 || return 0
	for s in $(ls "$T/rscreen" 2>/dev/null); do
		t_remote_screen -S "$s" -X quit >/dev/null 2>&1
		kill "${s%%.*}" 2>/dev/null
	done
}

# ---- limpet ----------------------------------------------------------------

# t_limpet ARGS...: limpet's command line against the test sshd, quoted for
# a shell, with a config directory of its own.
t_limpet()
{
	printf '%q ' env XDG_CONFIG_HOME="$T/xdg" XDG_RUNTIME_DIR="$T/run" \
	    "$LIMPET" -F "$T/ssh_config" "$@"
}

# t_limpet_start ARGS...: run limpet as the terminal's program.
t_limpet_start()
{
	[ -x "$LIMPET" ] || t_die "limpet not built: $LIMPET"
	t_term_start env XDG_CONFIG_HOME="$T/xdg" XDG_RUNTIME_DIR="$T/run" \
	    "$LIMPET" -F "$T/ssh_config" "$@"
}

# The limpet process in the terminal (the first one below the pane).
t_limpet_pid()
{
	local pid
	pid=$(t_term_pid) || return 1
	for pid in $(t_descendants "$pid"); do
		[ "$(ps -o comm= -p "$pid")" = limpet ] && { echo "$pid"; return 0; }
	done
	return 1
}

# The ssh processes limpet is running now.
t_limpet_ssh_pids()
{
	local lp
	lp=$(t_limpet_pid) || return 1
	[ -n "$lp" ] && pgrep -P "$lp" -x ssh
}

# t_limpet_ssh_now: limpet's ssh pids, or die when there is none.
t_limpet_ssh_now()
{
	local pids
	pids=$(t_limpet_ssh_pids)
	[ -n "$pids" ] || t_die "cannot find limpet's ssh process"
	echo "$pids"
}

# t_limpet_new_ssh OLD [SECONDS]: limpet runs an ssh other than OLD.
t_limpet_new_ssh()
{
	local old=$1
	t_poll "${2:-10}" eval \
	    'local now=$(t_limpet_ssh_pids); [ -n "$now" ] && [ "$now" != "$old" ]'
}

t_limpet_config() { cat >"$T/xdg/limpet/config"; }

# t_wrong_key_host ALIAS: a host entry whose key sshd does not accept.
t_wrong_key_host()
{
	ssh-keygen -q -N '' -t ed25519 -f "$T/wrong_key" -C limpet-test-wrong ||
	    t_die "ssh-keygen failed"
	t_ssh_host "$1" "$T_SSHD_PORT" "$T/wrong_key"
}

# t_remote_shell_pid TAG [SECONDS]: ask the shell in the session for its
# pid and echo it. The marker is typed so that the command line itself never
# matches (the shell expands $$), and retyped every few seconds, since keys
# typed while the link is down may be lost.
t_remote_shell_pid()
{
	local tag=$1 secs=${2:-15}
	local deadline=$(( $(t_now_us) + secs * 1000000 ))
	while [ "$(t_now_us)" -lt "$deadline" ]; do
		t_term_type "echo $tag:\$\$:"
		t_term_keys Enter
		if t_poll 3 t_term_has "^$tag:[0-9]+:"; then
			# The prompt after it may still be on its way; a test
			# that cuts the link next wants it in first.
			t_term_quiet 5
			t_term_screen |
			    sed -n "s/^$tag:\([0-9][0-9]*\):.*/\1/p" | tail -n1
			return 0
		fi
	done
	t_term_dump
	t_fail "the remote shell did not answer '$tag' within $secs s"
	return 1
}

# t_same_shell TAG PID [SECONDS]: the session's shell answers with PID.
t_same_shell()
{
	local got
	got=$(t_remote_shell_pid "$1" "${3:-15}") || return 1
	[ "$got" = "$2" ] && return 0
	t_log "expected the shell with pid $2, found pid $got"
	return 1
}

# Wait until N clients (default 1) are attached to the remote tmux server.
t_remote_wait_clients()
{
	local want=${1:-1}
	t_poll "${2:-15}" eval '[ "$(t_remote_clients)" = "$want" ]' && return 0
	t_term_dump
	t_die "expected $want remote tmux client(s), found $(t_remote_clients)"
}

# The bottom row of the terminal, where limpet draws its notices.
t_term_bottom() { t_term_screen | tail -n 1; }

t_notice_shown() { t_term_bottom | grep -qi reconnecting; }

# t_bottom_watch NAME SECONDS ERE: watch the bottom row in the background
# from now on, for a line that is shown only for a while and could go by
# while the test waits for something else; t_bottom_seen NAME [SECONDS]
# then tells whether it showed.
t_bottom_watch()
{
	local name=$1 secs=$2 ere=$3
	rm -f "$T/watch.$name"
	(
		t_poll "$secs" eval 't_term_bottom | grep -Eq -- "$ere"' &&
		    { date +%T.%3N; t_term_bottom; } >"$T/watch.$name"
	) </dev/null >/dev/null 2>&1 &
	T_WATCHERS="$T_WATCHERS $!"
}

t_bottom_seen() { t_poll "${2:-0}" test -s "$T/watch.$1"; }

# t_wait_notice [SECONDS]: one check that limpet's notice shows up in time.
t_wait_notice()
{
	local secs=${1:-8}
	if t_poll "$secs" t_notice_shown; then
		t_pass "a notice with \"reconnecting\" appears on the bottom line"
		return 0
	fi
	t_term_dump
	t_fail "no \"reconnecting\" notice on the bottom line after $secs s"
	return 1
}

# ---- scrollback ------------------------------------------------------------

# t_hb_start: a heartbeat in the remote shell, "HB <n>" every 50 ms.
t_hb_start()
{
	t_term_type 'i=0; while :; do i=$((i+1)); echo "HB $i"; sleep 0.05; done'
	t_term_keys Enter
}

# t_hb_stop: stop the heartbeat and wait until the terminal has all of it.
# It has stopped once no line came for half a second (it prints every
# 50 ms); keys typed before that would be echoed in among its lines. Once
# the next command's output is on the terminal, so is everything before
# it, rows limpet adds after the multiplexer's redraw included: a check
# made sooner could see the terminal between the redraw and those rows.
# A C-c typed within a moment of tmux's attach is now and then lost (a
# known problem, 2 runs in 31 under ASan and load), so one that changed
# nothing is typed once more, and said so; 49 checks C-c's delivery.
t_hb_stop()
{
	t_term_keys C-c
	if ! t_poll 5 t_still 0.5 t_hb_last; then
		t_log "the heartbeat went on after C-c: typed again"
		t_term_keys C-c
		t_poll 20 t_still 0.5 t_hb_last ||
		    t_die "the heartbeat did not stop"
	fi
	t_term_type "echo HB-ST''OPPED"
	t_term_keys Enter
	t_term_wait '^HB-STOPPED$' 20
}

# The heartbeat numbers in the terminal's history and screen, in order.
t_hb_numbers() { t_term_history | sed -n 's/^HB \([0-9][0-9]*\)$/\1/p'; }

# The highest heartbeat the terminal shows, 0 when none.
t_hb_last() { t_hb_numbers | sort -n | tail -n 1 | grep . || echo 0; }

# The highest heartbeat the remote session printed (tmux or screen).
t_hb_remote_last()
{
	local f=$T/hardcopy
	case $1 in
	tmux)
		t_remote_tmux capture-pane -p -S - -E - -t "=$2:" 2>/dev/null ;;
	screen)
		rm -f "$f"
		t_remote_screen -S "$(t_remote_screen -ls | sed -n "s/^[[:space:]]*\([0-9]*\.$2\)[[:space:]].*/\1/p" | head -n 1)" \
		    -X hardcopy -h "$f" >/dev/null 2>&1
		# screen may still be writing it.
		t_poll 3 eval '[ -s "$f" ] && t_still 0.2 wc -c "$f"'
		cat "$f" 2>/dev/null ;;
	esac | sed -n 's/^HB \([0-9][0-9]*\)$/\1/p' | sort -n | tail -n 1 |
	    grep . || echo 0
}

# t_hb_once FROM TO: every heartbeat from FROM to TO is in the terminal's
# history exactly once and in order; says what is wrong when not.
t_hb_once()
{
	local from=$1 to=$2 got want
	got=$(t_hb_numbers | awk -v f="$from" -v t="$to" '$1 >= f && $1 <= t')
	want=$(seq "$from" "$to")
	[ "$got" = "$want" ] && return 0
	t_log "heartbeats $from..$to: $(printf '%s\n' "$got" | grep -c .) lines, $(printf '%s\n' "$got" | sort -n | uniq -d | grep -c .) duplicated, $(printf '%s\n' "$want" | grep -vxF -f <(printf '%s\n' "$got") | grep -c .) missing"
	t_log "missing: $(printf '%s\n' "$want" | grep -vxF -f <(printf '%s\n' "$got") | head -n 20 | tr '\n' ' ')"
	t_log "duplicated: $(printf '%s\n' "$got" | sort -n | uniq -d | head -n 20 | tr '\n' ' ')"
	return 1
}

# t_term_flag NAME: a format variable of the terminal's pane (1 or 0), for
# the modes the remote turned on there: mouse_any_flag, keypad_flag,
# keypad_cursor_flag, alternate_on... (tmux 3.3a has none for bracketed
# paste: see t_term_bracketed_paste).
t_term_flag() { t_outer display-message -p -t term: "#{$1}"; }

# t_term_flags_are VALUE NAME...: every named flag has VALUE.
t_term_flags_are()
{
	local want=$1 name
	shift
	for name; do
		[ "$(t_term_flag "$name")" = "$want" ] || return 1
	done
}

# t_term_bracketed_paste: whether the program now running in the terminal
# (cat -v) gets a paste bracketed, which is what the terminal does when
# the bracketed paste mode was left on.
t_term_bracketed_paste()
{
	local mark=paste$RANDOM
	t_outer set-buffer -b limpet-test "$mark" &&
	    t_outer paste-buffer -p -d -b limpet-test -t term: ||
	    t_die "paste into the terminal failed"
	t_term_wait "$mark" 5
	t_term_has "200~$mark"
}

# t_limpet_then_cat ARGS...: run limpet as the terminal's program, and
# cat -v after it, to see what the terminal sends once limpet is gone.
t_limpet_then_cat()
{
	[ -x "$LIMPET" ] || t_die "limpet not built: $LIMPET"
	t_term_start sh -c "$(t_limpet "$@"); echo limpet-exit:\$?; exec cat -v"
}

# t_hb_complete LAST SHOWN: every heartbeat from 1 to LAST is in the
# history, in order, and the only ones there twice are among the SHOWN
# last rows that were on the screen: a terminal that rewraps its screen
# when resized may push some of those into its history itself.
t_hb_complete()
{
	local last=$1 shown=$2 got
	got=$(t_hb_numbers | awk -v s="$shown" '
	    seen[$1] && $1 <= s { next } { seen[$1] = 1; print }')
	# Those shown when the link was lost may come twice; counted once.
	t_same_numbers "$got" "$(seq 1 "$last")"
}

# t_seq_outage NAME PREFIX COUNT [CMD...]: limpet through the relay in the
# tmux session NAME (made beforehand), logging to $T/limpet.log; seq prints
# PREFIX1 to PREFIX<COUNT> while the link is blackholed; once the remote
# has them all, CMD runs, a new connection lets limpet back in, and the
# terminal shows the last line.
t_seq_outage()
{
	local name=$1 pre=$2 n=$3 cursor
	shift 3
	t_limpet_start --log "$T/limpet.log" --debug --mux tmux \
	    --session "$name" relayhost
	t_remote_shell_pid before >/dev/null || t_die "no shell in the session"
	t_term_type "sleep 3; seq -f '$pre%g' 1 $n"
	# The Enter comes back before the link goes (the cursor moves): were
	# it resent, the pane would scroll just as tmux draws it again, which
	# is another matter.
	cursor=$(t_term_where)
	t_term_keys Enter
	t_poll 5 eval '[ "$(t_term_where)" != "$cursor" ]' ||
	    t_die "the command line did not come back"
	t_relay hold >/dev/null || t_die "relay hold"
	t_wait_notice 8
	t_poll 30 eval "t_remote_tmux capture-pane -p -t =$name: | grep -qx $pre$n" ||
	    t_die "the remote did not print the lines"
	[ $# -gt 0 ] && "$@"
	t_relay orphan >/dev/null || t_die "relay orphan"
	t_term_wait "^$pre$n\$" 30
}

# t_hb_outage MUX NAME UNSEEN [CMD...]: limpet through the relay in a new
# session NAME of MUX with a heartbeat; the link blackholed until the
# session printed UNSEEN more lines (CMD runs meanwhile), then a new
# connection lets limpet back in. Sets HB_BEFORE (last heartbeat seen
# before the outage), HB_DURING (last printed before the link came back)
# and HB_LAST (last once the heartbeat is stopped).
t_hb_outage()
{
	local mux=$1 name=$2 unseen=$3
	shift 3
	t_limpet_start --log "$T/limpet-$name.log" --debug --mux "$mux" \
	    --session "$name" relayhost
	t_remote_shell_pid "start_$name" >/dev/null ||
	    t_die "$mux: no shell in the session"
	t_hb_start
	t_term_wait_history '^HB 40$' 15
	t_relay hold >/dev/null || t_die "relay hold"
	t_wait_notice 8
	HB_BEFORE=$(t_hb_last)
	[ $# -gt 0 ] && "$@"
	t_poll 30 eval '[ "$(t_hb_remote_last "$mux" "$name")" -ge $((HB_BEFORE + unseen)) ]' ||
	    t_die "$mux: the heartbeat did not go on during the outage"
	t_relay orphan >/dev/null || t_die "relay orphan"
	HB_DURING=$(t_hb_remote_last "$mux" "$name")
	t_poll 20 eval '[ "$(t_hb_last)" -ge $((HB_DURING + 20)) ]' ||
	    t_die "$mux: no heartbeat after the reconnect"
	t_hb_stop
	HB_LAST=$(t_hb_last)
	t_log "$mux: link lost after HB $HB_BEFORE, HB $HB_DURING printed unseen, HB $HB_LAST after"
}
