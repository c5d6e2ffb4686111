#!/usr/bin/env bash
# The terminal is resized, narrower or wider, while the link is down: the
# replay after the reconnect still puts every heartbeat line into the
# history, in order. A terminal that rewraps on a resize (tmux, VTE) may
# push rows of the screen it showed into its history by itself: only
# those may be there twice.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "${TESTLIB:-$(dirname "$0")/../lib}/testlib.sh"
T_TIMEOUT=150
t_init replay_resize
t_sshd_start
t_relay_start

# resized MUX COLUMNS
resized()
{
	local mux=$1 cols=$2 name=rz_$1 before during last
	t_limpet_start --mux "$mux" --session "$name" relayhost
	t_remote_shell_pid "start_$mux" >/dev/null ||
	    t_die "$mux: no shell in the session"
	t_hb_start
	t_term_wait_history '^HB 40$' 15
	t_relay hold >/dev/null || t_die "relay hold"
	t_wait_notice 8
	before=$(t_hb_last)
	t_term_resize "$cols" 30
	t_poll 30 eval '[ "$(t_hb_remote_last "$mux" "$name")" -ge $((before + 60)) ]' ||
	    t_die "$mux: the heartbeat did not go on during the outage"
	t_relay orphan >/dev/null || t_die "relay orphan"
	during=$(t_hb_remote_last "$mux" "$name")
	t_poll 20 eval '[ "$(t_hb_last)" -ge $((during + 20)) ]' ||
	    t_die "$mux: no heartbeat after the reconnect"
	t_hb_stop
	last=$(t_hb_last)
	t_check "$mux, resized to $cols columns during the outage: every heartbeat is in the history, in order" \
	    t_hb_complete "$last" "$before"
	t_check "$mux: the terminal shows the session at its new width" \
	    t_poll 5 eval 't_term_screen | grep -q "^HB $last\$"'
	t_relay pass >/dev/null
}

resized tmux 60
command -v screen >/dev/null 2>&1 && resized screen 140

t_done
