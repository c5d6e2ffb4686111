#!/usr/bin/env bash
# More scrolled by during an outage than the replay's cap (10,000 rows):
# the last 10,000 go into the terminal's history, once, in order, after a
# line there that says how many earlier ones were left out, and the
# notice line says so too for a while, then gives the multiplexer its
# status line back.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "${TESTLIB:-$(dirname "$0")/../lib}/testlib.sh"
T_TIMEOUT=120
t_init replay_capped
t_need tmux
t_sshd_start
t_relay_start

# A session whose history holds more than the cap.
echo 'set -g history-limit 30000' >"$T/rtmux.conf"
t_remote_tmux -f "$T/rtmux.conf" new-session -d -s capped ||
    t_die "no remote session"
# The notice shows for 5 s: watched for from before the link comes back,
# as the wait for 12,000 lines could let it go by on a loaded machine.
t_seq_outage capped C 12000 \
    t_bottom_watch capped 90 'earlier lines were not replayed'
t_check "the notice line says how many earlier lines were left out" \
    t_bottom_seen capped 10

lines() { t_term_history | sed -n 's/^C\([0-9][0-9]*\)$/\1/p'; }
t_check "and a line in the history says how many earlier lines were left out" \
    t_term_history_has '^limpet: [0-9]+ earlier lines not replayed'
t_check "the last lines are in the history once, in order" \
    eval 't_same_numbers "$(lines | tail -n 9000)" "$(seq 3001 12000)"'
t_check "and then gives the status line back" \
    t_poll 8 eval 't_term_screen | tail -n 1 | grep -q "capped"'

t_done
