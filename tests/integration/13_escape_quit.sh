#!/usr/bin/env bash
# ~. after Enter quits limpet but leaves the remote session running, and the
# next limpet lands in the same shell.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "${TESTLIB:-$(dirname "$0")/../lib}/testlib.sh"
t_init escape_quit
t_sshd_start

t_limpet_start testhost
t_remote_wait_clients 1
pid=$(t_remote_shell_pid before) || t_die "no shell in the session"
t_log "remote shell pid $pid"
t_term_keys Enter
t_term_type '~.'
status=$(t_term_wait_exit 5)
t_check "limpet exits by itself on ~. (status $status)" \
    eval '[ -n "$status" ] && [ "$status" -lt 128 ]'
t_check "the remote session is still listed" t_remote_has_session limpet
t_check "no client is left attached" t_poll 5 eval '[ "$(t_remote_clients)" = 0 ]'

t_limpet_start testhost
t_remote_wait_clients 1
t_check "a second limpet reattaches to the same shell" t_same_shell after "$pid"

t_done
