#!/usr/bin/env bash
# A reconnect in the middle of steady output (ssh killed) leaves every line
# in the terminal's history exactly once, with tmux and with screen.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "${TESTLIB:-$(dirname "$0")/../lib}/testlib.sh"
T_TIMEOUT=120
t_init reconnect_steady
t_sshd_start

steady()
{
	local mux=$1 old seen last
	t_limpet_start --log "$T/limpet-$mux.log" --debug --mux "$mux" \
	    --session "st_$mux" testhost
	t_remote_shell_pid "start_$mux" >/dev/null ||
	    t_die "$mux: no shell in the session"
	t_hb_start
	t_term_wait_history '^HB 40$' 15
	old=$(t_limpet_ssh_now) || exit 1
	kill -KILL $old
	t_limpet_new_ssh "$old" || t_die "$mux: limpet did not reconnect"
	seen=$(t_hb_last)
	t_poll 20 eval '[ "$(t_hb_last)" -ge $((seen + 40)) ]' ||
	    t_die "$mux: no heartbeat after the reconnect"
	t_hb_stop
	last=$(t_hb_last)
	t_check "$mux: every heartbeat is in the history once, in order" \
	    t_hb_once 1 "$last"
}

steady tmux
command -v screen >/dev/null 2>&1 && steady screen

t_done
