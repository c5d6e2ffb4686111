#!/usr/bin/env bash
# A server restart drops the connection; limpet reconnects once sshd is back.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "${TESTLIB:-$(dirname "$0")/../lib}/testlib.sh"
t_init sshd_restart
t_sshd_start

t_limpet_start testhost
t_remote_wait_clients 1
pid=$(t_remote_shell_pid before) || t_die "no shell in the session"
t_sshd_restart
t_check "limpet is back in the same shell after the restart" \
    t_same_shell after "$pid" 15
t_check "limpet is still running" eval '! t_term_dead'

t_done
