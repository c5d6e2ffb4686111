#!/usr/bin/env bash
# The network goes silent with nothing typed: limpet notices within a few
# seconds and says so on the bottom line; when the network comes back, the
# same shell is there again.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "${TESTLIB:-$(dirname "$0")/../lib}/testlib.sh"
t_init hold_pass
t_sshd_start
t_relay_start

t_limpet_start relayhost
t_remote_wait_clients 1
pid=$(t_remote_shell_pid before) || t_die "no shell in the session"
t_relay hold >/dev/null || t_die "relay hold"
t_wait_notice 8
t_relay pass >/dev/null || t_die "relay pass"
t_check "after the network is back, the same shell is there" \
    t_same_shell after "$pid" 15
t_check "the notice is gone" t_poll 5 eval '! t_notice_shown'
t_check "limpet is still running" eval '! t_term_dead'

t_done
