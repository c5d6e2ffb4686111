#!/usr/bin/env bash
# C-c typed while the link is down reaches the program in the session once
# it is back, with tmux and with screen. limpet sends the keys it held
# right after the line that tells the remote the replay block came, so
# they wait in the remote terminal for the multiplexer: they must not act
# on their own there. A SIGINT would kill the reattach, and only limpet's
# resend of unanswered keys over yet another connection would save them.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "${TESTLIB:-$(dirname "$0")/../lib}/testlib.sh"
T_TIMEOUT=120
t_init replay_typed_keys
t_sshd_start
t_relay_start

# kept_after_replay LOG: a replay came, and the connection that brought it
# did not end after it.
kept_after_replay()
{
	awk '/replay: the remote is told the block came/ { seen = 1; gone = 0 }
	    seen && /connection ended/ { gone = 1 }
	    END { exit !(seen && !gone) }' "$1"
}

typed()
{
	local mux=$1 name=tk_$1 pid seen
	t_limpet_start --log "$T/limpet-$name.log" --debug --mux "$mux" \
	    --session "$name" relayhost
	pid=$(t_remote_shell_pid "start_$name") ||
	    t_die "$mux: no shell in the session"
	t_hb_start
	t_term_wait_history '^HB 20$' 15
	t_relay hold >/dev/null || t_die "relay hold"
	t_wait_notice 8
	seen=$(t_hb_remote_last "$mux" "$name")
	t_term_keys C-c
	t_poll 10 eval '[ "$(t_hb_remote_last "$mux" "$name")" -ge $((seen + 20)) ]' ||
	    t_die "$mux: the heartbeat did not go on during the outage"
	t_relay pass >/dev/null || t_die "relay pass"
	t_check "$mux: C-c typed during the outage stops the heartbeat once the session is back" \
	    t_poll 20 t_still 1 t_hb_remote_last "$mux" "$name"
	t_check "$mux: and the session is the one from before" \
	    t_same_shell "after_$name" "$pid" 20
	t_check "$mux: the connection that brought the replay is still the one" \
	    kept_after_replay "$T/limpet-$name.log"
}

typed tmux
command -v screen >/dev/null 2>&1 && typed screen

t_done
