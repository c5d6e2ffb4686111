#!/usr/bin/env bash
# ~R after Enter drops the connection and makes a new one into the same
# shell.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "${TESTLIB:-$(dirname "$0")/../lib}/testlib.sh"
t_init escape_reconnect
t_sshd_start

t_limpet_start testhost
t_remote_wait_clients 1
pid=$(t_remote_shell_pid before) || t_die "no shell in the session"
old=$(t_limpet_ssh_now) || exit 1
conns=$(t_sshd_connections)
t_term_keys Enter
t_term_type '~R'
t_check "~R starts a new ssh" t_limpet_new_ssh "$old"
t_check "~R makes a new connection to sshd" \
    t_poll 10 eval '[ "$(t_sshd_connections)" -gt "$conns" ]'
t_check "after ~R the same shell is back" t_same_shell after "$pid"
t_check "one client is attached, the old one is gone" \
    t_poll 5 eval '[ "$(t_remote_clients)" = 1 ]'
t_check "limpet is still running" eval '! t_term_dead'

t_done
