#!/usr/bin/env bash
# The network goes silent and the old connection never comes back, while a
# new one would work (the laptop roamed): limpet shows its notice, then gets
# back into the same shell over a new connection.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "${TESTLIB:-$(dirname "$0")/../lib}/testlib.sh"
t_init hold_orphan
t_sshd_start
t_relay_start

t_limpet_start relayhost
t_remote_wait_clients 1
pid=$(t_remote_shell_pid before) || t_die "no shell in the session"
t_relay hold >/dev/null || t_die "relay hold"
t_wait_notice 8
t_relay orphan >/dev/null || t_die "relay orphan"
t_check "over a new connection, the same shell is there" \
    t_same_shell after "$pid" 15
t_check "the notice is gone" t_poll 5 eval '! t_notice_shown'
t_check "limpet is still running" eval '! t_term_dead'

t_done
