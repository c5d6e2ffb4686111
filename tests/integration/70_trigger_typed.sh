#!/usr/bin/env bash
# Typing into a dead link is noticed by limpet itself: with ssh's own
# keepalive set far out (30 s), a notice appears and the same shell is back
# within seconds of typing, through a fresh connection, while the old one
# is still wedged.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "${TESTLIB:-$(dirname "$0")/../lib}/testlib.sh"
t_init trigger_typed
t_sshd_start
t_relay_start

t_limpet_start --log "$T/limpet.log" --debug --alive-interval 30 relayhost
t_remote_wait_clients 1
pid=$(t_remote_shell_pid before) || t_die "no shell in the session"
# The old connection is dead for good; new ones get through.
t_relay orphan >/dev/null || t_die "relay orphan"
# Typed into the dead link before anything noticed: not lost, not doubled.
t_term_type "echo typed-into-dead-\$((6 * 7))"
t_term_keys Enter
t_check "a notice appears within 4 s of typing" t_poll 4 t_notice_shown
t_check "the same shell is back within 10 s" t_same_shell after "$pid" 10
t_check_once "what was typed into the dead link ran once on the new one" \
    '^typed-into-dead-42' 10
t_check "the notice is gone" t_poll 5 eval '! t_notice_shown'
t_check "the notice never entered the terminal's history" \
    eval '[ "$(t_term_history | head -n -30 | grep -c reconnecting)" = 0 ]'
t_done
