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

# resized MUX COLUMNS: an outage with a resize in it.
resized()
{
	t_hb_outage "$1" "rz_$1" 60 t_term_resize "$2" 30
	t_check "$1, resized to $2 columns during the outage: every heartbeat is in the history, in order" \
	    t_hb_complete "$HB_LAST" "$HB_BEFORE"
	t_check "$1: the terminal shows the session at its new width" \
	    t_poll 5 eval 't_term_screen | grep -q "^HB $HB_LAST\$"'
	t_relay pass >/dev/null
}

resized tmux 60
command -v screen >/dev/null 2>&1 && resized screen 140

t_done
