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
	t_hb_outage "$1" "rp_$1" 100
	t_check "$1: every heartbeat from before, during and after the outage is in the history once" \
	    t_hb_once 1 "$HB_LAST"
	t_relay pass >/dev/null
}

replay tmux
command -v screen >/dev/null 2>&1 && replay screen

t_done
