#!/usr/bin/env bash
# A 500-line burst in a tmux session ends up in the terminal's own
# history, every line once: tmux draws only the last screenful of a fast
# batch, and limpet asks it for the rows it skipped, over the side channel
# of the connection's own ControlMaster (no second login), whose socket
# is gone once limpet is. A flood tmux's history cannot keep up with stops
# the questions.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "${TESTLIB:-$(dirname "$0")/../lib}/testlib.sh"
t_init burst_tmux
t_need tmux
t_sshd_start

burst_lines() { t_term_history | sed -n 's/^L\([0-9][0-9]*\)$/\1/p'; }
logins() { grep -c 'Accepted publickey' "$T/sshd.log"; }
sockets() { find "$T/run" -type s | grep -c .; }

t_limpet_start --log "$T/limpet.log" --debug --mux tmux --session burst \
    testhost
t_remote_shell_pid before >/dev/null || t_die "no shell in the session"
t_check "the connection has a socket for its master" \
    eval '[ "$(sockets)" -eq 1 ]'
t_term_type "seq -f 'L%g' 1 500"
t_term_keys Enter
t_term_wait '^L500$' 15
t_check "all 500 lines of the burst are in the history, once, in order" \
    eval 't_same_numbers "$(burst_lines)" "$(seq 1 500)"'
t_check "the skipped rows were asked for over the session's connection" \
    grep -q 'gap: [1-9][0-9]* rows the pane skipped' "$T/limpet.log"
t_check "without a second login" eval '[ "$(logins)" -eq 1 ]'

# A second burst, of long lines that wrap, after the first.
t_term_type "seq -f 'W%g' 1 300 | sed 's/\$/ $(printf '%0150d' 0)/'"
t_term_keys Enter
t_term_wait '^W300 ' 15
t_check "wrapped lines of a second burst are all in the history, once" \
    eval 't_same_numbers "$(t_term_history | sed -n "s/^W\([0-9]*\) 0.*/\1/p")" "$(seq 1 300)"'

# A burst on a screen that shows only the command that starts it.
t_term_type "clear"
t_term_keys Enter
t_poll 10 eval '[ "$(t_term_screen | grep -c .)" -le 2 ]' ||
    t_die "the screen was not cleared"
t_term_type "seq -f 'N%g' 1 400"
t_term_keys Enter
t_term_wait '^N400$' 15
t_check "a burst on a cleared screen is all in the history, once, in order" \
    eval 't_same_numbers "$(t_term_history | sed -n "s/^N\([0-9]*\)$/\1/p")" "$(seq 1 400)"'

# A flood far beyond tmux's history: the questions stop after a few that
# cannot be answered, and output keeps flowing to its end.
peeks() { grep -c 'peek: pid' "$T/limpet.log"; }
p0=$(peeks)
t_term_type "seq -f 'F%g' 1 400000"
t_term_keys Enter
t_term_wait '^F400000$' 60
t_log "peeks during the flood: $(( $(peeks) - p0 ))"
t_check "a flood asks the session only a few times" \
    eval '[ $(( $(peeks) - p0 )) -le 3 ]'

t_term_keys C-b d
t_term_wait_exit 10 >/dev/null
t_check "no socket is left behind" eval '[ "$(sockets)" -eq 0 ]'

t_done
