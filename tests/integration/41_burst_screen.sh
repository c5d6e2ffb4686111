#!/usr/bin/env bash
# A 500-line burst in a screen session ends up in the terminal's own
# history, every line once: limpet keeps screen off the alternate screen.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "${TESTLIB:-$(dirname "$0")/../lib}/testlib.sh"
t_init burst_screen
t_need screen
t_sshd_start

burst_lines() { t_term_history | sed -n 's/^L\([0-9][0-9]*\)$/\1/p'; }

t_limpet_start --mux screen --session burst testhost
t_remote_shell_pid before >/dev/null || t_die "no shell in the session"
t_term_type "seq -f 'L%g' 1 500"
t_term_keys Enter
t_term_wait '^L500$' 15
t_check "all 500 lines of the burst are in the history, once, in order" \
    eval 't_same_numbers "$(burst_lines)" "$(seq 1 500)"'

t_done
