#!/usr/bin/env bash
# Typing exit in the last window ends the session and limpet with status 0,
# and limpet does not bring a new session up.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "${TESTLIB:-$(dirname "$0")/../lib}/testlib.sh"
t_init exit_shell
t_sshd_start

t_limpet_start testhost
t_remote_wait_clients 1
pid=$(t_remote_shell_pid ready) || t_die "no shell in the session"
conns=$(t_sshd_connections)
t_term_type 'exit'
t_term_keys Enter
status=$(t_term_wait_exit 10)
t_check "limpet exits 0 when the last window exits (got $status)" [ "$status" = 0 ]
t_check "the remote session is gone" t_poll 5 eval '! t_remote_has_session limpet'
t_check "no session is created again afterwards" \
    t_never 3 t_remote_has_session limpet
t_check "no new ssh connection is made afterwards" \
    [ "$(t_sshd_connections)" = "$conns" ]

t_done
