#!/usr/bin/env bash
# What the session printed while the link was down (a blackhole, then a
# new connection) lands in the terminal's own history after the
# reconnect: every heartbeat line once, in order, with tmux and screen.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "${TESTLIB:-$(dirname "$0")/../lib}/testlib.sh"
T_TIMEOUT=150
t_init replay_outage
t_sshd_start
t_relay_start

# replay MUX: one outage in a session of that multiplexer.
replay()
{
	local mux=$1 name=rp_$1 before during last
	t_limpet_start --mux "$mux" --session "$name" relayhost
	t_remote_shell_pid "start_$mux" >/dev/null ||
	    t_die "$mux: no shell in the session"
	t_hb_start
	t_term_wait_history '^HB 40$' 15
	t_relay hold >/dev/null || t_die "relay hold"
	t_wait_notice 8
	before=$(t_hb_last)
	# The session goes on printing, unseen, for another 100 lines.
	t_poll 30 eval '[ "$(t_hb_remote_last "$mux" "$name")" -ge $((before + 100)) ]' ||
	    t_die "$mux: the heartbeat did not go on during the outage"
	t_relay orphan >/dev/null || t_die "relay orphan"
	during=$(t_hb_remote_last "$mux" "$name")
	t_poll 20 eval '[ "$(t_hb_last)" -ge $((during + 20)) ]' ||
	    t_die "$mux: no heartbeat after the reconnect"
	t_hb_stop
	last=$(t_hb_last)
	t_log "$mux: link lost after HB $before, HB $during printed unseen, HB $last after"
	t_check "$mux: every heartbeat from before, during and after the outage is in the history once" \
	    t_hb_once 1 "$last"
	t_relay pass >/dev/null
}

replay tmux
command -v screen >/dev/null 2>&1 && replay screen

t_done
